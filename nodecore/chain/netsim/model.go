package netsim

import (
	"math/bits"
	"math/rand/v2"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// A GPU model of the simulated network: what nodes own, in what share,
// and how fast they compute relative to an RTX 4090.
type gpuModel struct {
	name  string
	vram  uint32  // MiB
	share float64 // of the nodes
	slow  float64 // compute time relative to an RTX 4090
}

// gpus is the network's mix of cards: mostly gaming cards of the last
// three generations, a few workstation and datacenter cards.
var gpus = []gpuModel{
	{"NVIDIA GeForce RTX 3060", 12288, 0.16, 3.0},
	{"NVIDIA GeForce RTX 3080", 10240, 0.10, 1.8},
	{"NVIDIA GeForce RTX 3090", 24576, 0.08, 1.5},
	{"NVIDIA GeForce RTX 4060 Ti", 16384, 0.12, 2.5},
	{"NVIDIA GeForce RTX 4070", 12288, 0.14, 1.8},
	{"NVIDIA GeForce RTX 4080", 16384, 0.10, 1.3},
	{"NVIDIA GeForce RTX 4090", 24576, 0.17, 1.0},
	{"NVIDIA GeForce RTX 5090", 32768, 0.08, 0.8},
	{"NVIDIA RTX A6000", 49152, 0.03, 1.4},
	{"NVIDIA A100 80GB PCIe", 81920, 0.02, 0.9},
}

// A model the network hosts: its size, the VRAM it needs, the share of
// nodes holding it at the start, and its share of the tasks.
type aiModel struct {
	id    string
	text  bool
	gb    float64 // download size
	vram  uint32  // MiB a task with it asks for
	held  float64 // share of nodes holding it at the start (0: new)
	tasks float64 // share of the tasks
}

var aiModels = []aiModel{
	{"base:stable-diffusion-v1-5", false, 4, 8192, 0.85, 0.30},
	{"base:stable-diffusion-xl-base-1.0", false, 7, 12288, 0.45, 0.20},
	{"base:flux.1-dev", false, 24, 24576, 0.10, 0.05},
	{"base:stable-diffusion-3.5-medium", false, 5, 12288, 0, 0.05}, // new: nobody has it yet
	{"llm:qwen2.5-7b-instruct", true, 5, 8192, 0.40, 0.20},
	{"llm:llama-3.1-8b-instruct", true, 5, 12288, 0.30, 0.12},
	{"llm:mistral-small-24b", true, 14, 24576, 0.08, 0.05},
	{"llm:gemma-3-4b", true, 3, 8192, 0, 0.03}, // new
}

func (m aiModel) hash() common.Hash { return chain.ModelHash(m.id) }

// Versions: most nodes run 1.0 (patches differ and are compatible); some
// run 1.1, a separate pool; tasks ask for either in the same shares.
var (
	version10 = chain.Version{Major: 1, Minor: 0}
	version11 = chain.Version{Major: 1, Minor: 1}
)

const share11 = 0.15

// ---------------------------------------------------------------- noise

// The perceptual-hash noise model of honest results.
//
// Two runs of a task on the same GPU model differ by 0–2 bits per image
// (sampling nondeterminism): each node flips one random bit of each
// image hash with probability ½. Different GPU models compute slightly
// different images: for each task, each model's result departs from a
// common reference by k bits per image, k drawn from deviationWeights
// (0–11 bits, mean ≈ 2.6), so two different models differ by the sum of
// their deviations (plus the nodes' own bits): median 4 bits, ≈ 7 % of
// pairs past the 10-bit agreement threshold, none past the 24-bit doubt
// threshold. These follow what docs/protocol.md cites: honest results of
// different GPU models seen 6 bits apart, Crynux raising its threshold
// from 5 to 24 bits after honest nodes were slashed; they are a model,
// not a measurement of ours (no GPU here). MaxDeviation (a flag)
// stretches the table to see where honest nodes start to lose.
var deviationWeights = []float64{0.22, 0.18, 0.15, 0.11, 0.09, 0.07, 0.06, 0.04, 0.03, 0.025, 0.015, 0.01}

// deviation draws a model's deviation in bits for one image: a weight
// table over 0–11 bits, stretched to 0–max (max 11 is the table itself).
func deviation(r *rand.Rand, max int) int {
	top := len(deviationWeights) - 1
	x := r.Float64()
	k := top
	for i, w := range deviationWeights {
		if x < w {
			k = i
			break
		}
		x -= w
	}
	return (k*max + top/2) / top
}

// flipExactly flips k distinct bits (no bit twice).
func flipExactly(r *rand.Rand, k int) uint64 {
	var m uint64
	for bits.OnesCount64(m) < k {
		m |= uint64(1) << r.IntN(64)
	}
	return m
}

// imageScore packs hashes as the contract reads them.
func imageScore(hs []uint64) []byte { return chain.ImageScore(hs...) }

// randomImages returns n random image hashes: a made-up result.
func randomImages(r *rand.Rand, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

// randomText returns a made-up text score.
func randomText(r *rand.Rand) []byte {
	var s [32]byte
	for i := range s {
		s[i] = byte(r.Uint32())
	}
	return chain.TextScore(s)
}
