// Package attack holds bindings of contracts that attack the protocol, for
// tests and the network simulation only: ReentrantNode tries to withdraw
// twice from inside a payment; Steerer tries to choose who runs its tasks;
// Shaper (with its Puppet nodes) shapes the pools a draw reads.
package attack

//go:generate go tool abigen --v2 --abi ../../contracts/build/ReentrantNode.abi --bin ../../contracts/build/ReentrantNode.bin --pkg attack --type ReentrantNode --out reentrantnode.go
//go:generate go tool abigen --v2 --abi ../../contracts/build/Steerer.abi --bin ../../contracts/build/Steerer.bin --pkg attack --type Steerer --out steerer.go
//go:generate go tool abigen --v2 --abi ../../contracts/build/Shaper.abi --bin ../../contracts/build/Shaper.bin --pkg attack --type Shaper --out shaper.go
