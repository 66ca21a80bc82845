// Package attack holds bindings of contracts that attack the protocol, for
// tests only: ReentrantNode tries to withdraw twice from inside a payment.
package attack

//go:generate go tool abigen --v2 --abi ../../contracts/build/ReentrantNode.abi --bin ../../contracts/build/ReentrantNode.bin --pkg attack --type ReentrantNode --out reentrantnode.go
