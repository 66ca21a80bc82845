// Package gasbench measures what the protocol costs in gas on a simulated
// chain under plain Osaka rules: each transaction of a task, and node
// selection as the network grows. `hydrogend bench gas` prints it.
package gasbench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// Targets the protocol is held to.
const (
	// TaskBudget is the most gas a whole 3-node task may cost.
	TaskBudget = 1_200_000
	// MaxSelectionGrowth is how much more selection may cost at the largest
	// network size than at the smallest.
	MaxSelectionGrowth = 1.10
	// EarlierDesign is the gas per 3-node task measured for the on-chain
	// design this protocol descends from, which also grew ~28.5k gas per
	// registered node.
	EarlierDesign = 5_870_000
)

// DefaultSizes are the network sizes selection is measured at.
var DefaultSizes = []int{10, 100, 1000}

// Size is the cost of creating a task (which selects its nodes) with a
// number of registered nodes.
type Size struct {
	Nodes     int
	CreateGas uint64 // median over the tasks run
}

// Report is one run of the benchmark.
type Report struct {
	JoinGas   uint64
	Task      simchain.TaskRun // a task at the smallest size
	Selection []Size
}

// Run joins nodes up to each size in turn (ascending) and runs tasks
// honest tasks at each.
func Run(ctx context.Context, sizes []int, tasks int) (*Report, error) {
	sizes = slices.Sorted(slices.Values(sizes))
	if len(sizes) == 0 || sizes[0] < 3 || tasks < 1 {
		return nil, fmt.Errorf("gasbench: need sizes of at least 3 nodes and at least one task")
	}
	net, err := simchain.Start(sizes[len(sizes)-1]+1, nil)
	if err != nil {
		return nil, err
	}
	defer net.Close()
	app := net.Accounts[len(net.Accounts)-1]
	model := chain.ModelHash("base:stable-diffusion-v1-5")
	spec := chain.Spec{Type: chain.TaskImage, ArgsHash: common.HexToHash("0xa1"), Models: []common.Hash{model}, MinVRAMMiB: 8192, Version: chain.Version{Major: 1}}
	join := chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: chain.Version{Major: 1}, Models: []common.Hash{model}, Stake: simchain.Eth(1)}

	rep := &Report{}
	joined := 0
	for _, size := range sizes {
		for ; joined < size; joined++ {
			r, err := net.Accounts[joined].Client.Join(ctx, join)
			if err != nil {
				return nil, fmt.Errorf("gasbench: join node %d: %w", joined, err)
			}
			if joined == 0 {
				rep.JoinGas = r.GasUsed
			}
		}
		var creates []uint64
		for i := range tasks {
			run, err := net.RunHonestTask(ctx, app, spec, simchain.Eth(1))
			if err != nil {
				return nil, fmt.Errorf("gasbench: task at %d nodes: %w", size, err)
			}
			creates = append(creates, run.CreateGas)
			if size == sizes[0] && i == tasks/2 {
				rep.Task = run
			}
		}
		slices.Sort(creates)
		rep.Selection = append(rep.Selection, Size{Nodes: size, CreateGas: creates[len(creates)/2]})
	}
	return rep, nil
}

// Growth is the create gas at the largest size over the smallest.
func (r *Report) Growth() float64 {
	first, last := r.Selection[0], r.Selection[len(r.Selection)-1]
	return float64(last.CreateGas) / float64(first.CreateGas)
}

// Write prints the report as two tables.
func (r *Report) Write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tgas\t")
	fmt.Fprintf(tw, "join (1 model)\t%d\t\n", r.JoinGas)
	fmt.Fprintf(tw, "create task (selects 3)\t%d\t\n", r.Task.CreateGas)
	for i, g := range r.Task.CommitGas {
		fmt.Fprintf(tw, "commit %d\t%d\t\n", i+1, g)
	}
	for i, g := range r.Task.DiscloseGas {
		label := fmt.Sprintf("disclose %d", i+1)
		if i == 2 {
			label = "disclose 3 + settle"
		}
		fmt.Fprintf(tw, "%s\t%d\t\n", label, g)
	}
	fmt.Fprintf(tw, "total per task\t%d\t\n", r.Task.Total())
	fmt.Fprintf(tw, "budget\t%d\t\n", TaskBudget)
	fmt.Fprintf(tw, "earlier design\t%d\t\n", EarlierDesign)
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "registered nodes\tcreate task gas (median)\tvs smallest\t")
	for _, s := range r.Selection {
		fmt.Fprintf(tw, "%d\t%d\t%.3f×\t\n", s.Nodes, s.CreateGas, float64(s.CreateGas)/float64(r.Selection[0].CreateGas))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nper task: %d gas (budget %d, %.0f%%); selection growth %d→%d nodes: %.3f× (limit %.2f×)\n",
		r.Task.Total(), TaskBudget, 100*float64(r.Task.Total())/TaskBudget,
		r.Selection[0].Nodes, r.Selection[len(r.Selection)-1].Nodes, r.Growth(), MaxSelectionGrowth)
}
