// Package gasbench measures what the protocol costs in gas on a simulated
// chain under plain Osaka rules: each transaction of a task, and node
// selection as the network grows. `hydrogend bench gas` prints it.
package gasbench

import (
	"cmp"
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

// Size is the cost of drawing a task's nodes (the selection) with a
// number of registered nodes.
type Size struct {
	Nodes     int
	CreateGas uint64 // the draw's gas, median over the tasks run
}

// BusyShares are the shares of the members busy at which the draw is
// measured on the largest network: a draw reads busy members too and
// skips them, so it takes more tries the busier the network.
var BusyShares = []float64{0.5, 0.9}

// Busy is the cost of a draw with a share of the members busy.
type Busy struct {
	Share   float64
	DrawGas uint64 // median over the draws measured
}

// Report is one run of the benchmark.
type Report struct {
	JoinGas   uint64
	Task      simchain.TaskRun // the median task at the smallest size, not audited
	Audit     simchain.TaskRun // a task that was audited (on a network auditing all)
	AuditRate float64          // the deployed share of tasks audited
	Selection []Size
	Busy      []Busy // on the largest network, with every node idle first
}

// AuditGas is what an audit adds to a task: drawing the auditors, their
// commits and disclosures, and the second recording of the result.
func (r *Report) AuditGas() uint64 { return r.Audit.AuditGas }

// PerTask is the gas of a task with every step, the audits amortised at
// the deployed rate.
func (r *Report) PerTask() uint64 {
	return r.Task.Total() + uint64(float64(r.AuditGas())*r.AuditRate+0.5)
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

	rep := &Report{AuditRate: float64(net.Network.Params.Tasks.AuditRateBps) / 10_000}
	if rep.Audit, err = auditedTask(ctx, spec, join); err != nil {
		return nil, err
	}
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
		if size == sizes[0] {
			// Every node's first tasks pay for first times (its fee
			// balance, the model it proves); the figures are the steady
			// cost after them.
			for range 2 * size {
				if _, err := net.RunHonestTask(ctx, app, spec, simchain.Eth(1)); err != nil {
					return nil, fmt.Errorf("gasbench: warm-up task: %w", err)
				}
			}
		}
		var creates []uint64
		var plain []simchain.TaskRun
		for range tasks {
			run, err := net.RunHonestTask(ctx, app, spec, simchain.Eth(1))
			if err != nil {
				return nil, fmt.Errorf("gasbench: task at %d nodes: %w", size, err)
			}
			creates = append(creates, run.DrawGas)
			if size == sizes[0] && !run.Audited {
				plain = append(plain, run)
			}
		}
		if size == sizes[0] {
			// The task shown is the median one (draws vary with the nodes drawn).
			slices.SortFunc(plain, func(a, b simchain.TaskRun) int { return cmp.Compare(a.Total(), b.Total()) })
			if len(plain) == 0 {
				return nil, fmt.Errorf("gasbench: every task at %d nodes was audited", size)
			}
			rep.Task = plain[len(plain)/2]
		}
		slices.Sort(creates)
		rep.Selection = append(rep.Selection, Size{Nodes: size, CreateGas: creates[len(creates)/2]})
	}
	if rep.Busy, err = busyDraws(ctx, net, app, spec, joined, tasks); err != nil {
		return nil, err
	}
	return rep, nil
}

// busyDraws occupies the nodes of a network of size members with tasks
// that are drawn and never run, up to each of BusyShares, and measures
// the draws on the way (tasks draws at each share, median); a share that
// would leave fewer free nodes than those draws take is not measured.
func busyDraws(ctx context.Context, net *simchain.Net, app *simchain.Account, spec chain.Spec, size, tasks int) ([]Busy, error) {
	var out []Busy
	busy := 0
	for _, share := range BusyShares {
		if float64(size)*(1-share) < float64(3*tasks) {
			continue // too small a network to leave the draws free nodes
		}
		for float64(busy+3*tasks) < share*float64(size) {
			if _, _, _, err := app.Client.CreateTask(ctx, spec, 3600, simchain.Eth(1)); err != nil {
				return nil, fmt.Errorf("gasbench: occupy nodes: %w", err)
			}
			busy += 3
		}
		var draws []uint64
		for range tasks {
			_, _, rs, err := app.Client.CreateTask(ctx, spec, 3600, simchain.Eth(1))
			if err != nil {
				return nil, fmt.Errorf("gasbench: draw with %.0f %% busy: %w", 100*share, err)
			}
			draws = append(draws, rs.Draw.GasUsed)
			busy += 3
		}
		slices.Sort(draws)
		out = append(out, Busy{Share: float64(busy-3*tasks/2) / float64(size), DrawGas: draws[len(draws)/2]})
	}
	return out, nil
}

// auditedTask runs honest tasks on a network that audits every task, to
// measure what an audit costs.
func auditedTask(ctx context.Context, spec chain.Spec, join chain.JoinRequest) (simchain.TaskRun, error) {
	p := chain.DefaultParams()
	p.Tasks.AuditRateBps = 10_000
	net, err := simchain.Start(7, &p)
	if err != nil {
		return simchain.TaskRun{}, err
	}
	defer net.Close()
	for _, a := range net.Accounts[:6] {
		if _, err := a.Client.Join(ctx, join); err != nil {
			return simchain.TaskRun{}, fmt.Errorf("gasbench: join: %w", err)
		}
	}
	// The first tasks pay for first times (balances, proven models); the
	// median of five is the steady cost.
	var runs []simchain.TaskRun
	for range 5 {
		run, err := net.RunHonestTask(ctx, net.Accounts[6], spec, simchain.Eth(1))
		if err != nil {
			return run, err
		}
		if !run.Audited {
			return run, fmt.Errorf("gasbench: a task on a network auditing all was not audited")
		}
		runs = append(runs, run)
	}
	slices.SortFunc(runs, func(a, b simchain.TaskRun) int { return cmp.Compare(a.AuditGas, b.AuditGas) })
	return runs[len(runs)/2], nil
}

// Growth is the draw gas at the largest size over the smallest.
func (r *Report) Growth() float64 {
	first, last := r.Selection[0], r.Selection[len(r.Selection)-1]
	return float64(last.CreateGas) / float64(first.CreateGas)
}

// Write prints the report as two tables.
func (r *Report) Write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tgas\t")
	fmt.Fprintf(tw, "join (1 model)\t%d\t\n", r.JoinGas)
	fmt.Fprintf(tw, "create task\t%d\t\n", r.Task.CreateGas)
	fmt.Fprintf(tw, "draw (selects 3)\t%d\t\n", r.Task.DrawGas)
	for i, g := range r.Task.CommitGas {
		fmt.Fprintf(tw, "commit %d\t%d\t\n", i+1, g)
	}
	for i, g := range r.Task.DiscloseGas {
		label := fmt.Sprintf("disclose %d", i+1)
		if i == 2 {
			label = "disclose 3 + judge"
		}
		fmt.Fprintf(tw, "%s\t%d\t\n", label, g)
	}
	fmt.Fprintf(tw, "result + coin + payout\t%d\t\n", r.Task.ResultGas)
	fmt.Fprintf(tw, "task without audit\t%d\t\n", r.Task.Total())
	fmt.Fprintf(tw, "an audit (draw, 3 commits, 3 discloses, verdicts)\t%d\t\n", r.AuditGas())
	fmt.Fprintf(tw, "audit amortised at %.1f %%\t%d\t\n", 100*r.AuditRate, r.PerTask()-r.Task.Total())
	fmt.Fprintf(tw, "total per task\t%d\t\n", r.PerTask())
	fmt.Fprintf(tw, "budget\t%d\t\n", TaskBudget)
	fmt.Fprintf(tw, "earlier design\t%d\t\n", EarlierDesign)
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "registered nodes\tdraw gas (median)\tvs smallest\t")
	for _, s := range r.Selection {
		fmt.Fprintf(tw, "%d\t%d\t%.3f×\t\n", s.Nodes, s.CreateGas, float64(s.CreateGas)/float64(r.Selection[0].CreateGas))
	}
	tw.Flush()
	if len(r.Busy) > 0 {
		last := r.Selection[len(r.Selection)-1]
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "members busy (%d nodes)\tdraw gas (median)\tvs idle\t\n", last.Nodes)
		for _, b := range r.Busy {
			fmt.Fprintf(tw, "%.0f %%\t%d\t%.3f×\t\n", 100*b.Share, b.DrawGas, float64(b.DrawGas)/float64(last.CreateGas))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nper task: %d gas (budget %d, %.0f%%); selection growth %d→%d nodes: %.3f× (limit %.2f×)\n",
		r.PerTask(), TaskBudget, 100*float64(r.PerTask())/TaskBudget,
		r.Selection[0].Nodes, r.Selection[len(r.Selection)-1].Nodes, r.Growth(), MaxSelectionGrowth)
}
