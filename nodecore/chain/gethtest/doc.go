// Package gethtest runs the protocol against a real go-ethereum node: a
// `geth --dev` process the test starts, reached over JSON-RPC (HTTP) and
// WebSocket, so the chain client is proven on the wire and across a node
// restart. scripts/setup builds geth into bin/.
package gethtest
