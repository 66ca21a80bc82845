package netsim

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/gasbench"
)

// Row is what one strategy's nodes did and earned over the run.
type Row struct {
	Strategy   string
	Nodes      int // slots: identities at any one time
	Identities int // new identities that replaced removed ones
	Staked     int // stakes posted (each minStake)
	Seats      int // seats drawn for (task and audit)
	AuditSeats int
	Computed   int // tasks it really computed
	Paid       int // seats paid a share of a fee
	Slashed    int // whole stakes lost
	Silent     int // silence penalties
	Kicked     int // removed for a low score
	Audited    int // seats on tasks that were audited
	Yields     int
	HandBacks  int
	Away       int // owner sat down (flaky)
	Crashes    int
	Quits      int
	Reverts    int // its transactions that reverted

	Fees    *big.Int // fee shares booked
	Shares  *big.Int // shares of others' slashed stake
	Lost    *big.Int // stake slashed
	Compute *big.Int // electricity of the tasks it computed
	Gas     uint64   // gas of its transactions

	Mean, SE float64 // net profit per node slot per 1,000 finished tasks (coins), and its standard error
}

// Net is the row's profit: fees and shares, less stake lost, compute and
// gas at price. Mean and SE, per node per 1,000 finished tasks, are set
// by the report.
func (r *Row) Net(gasPrice *big.Int) *big.Int {
	n := new(big.Int).Add(r.Fees, r.Shares)
	n.Sub(n, r.Lost)
	n.Sub(n, r.Compute)
	return n.Sub(n, new(big.Int).Mul(new(big.Int).SetUint64(r.Gas), gasPrice))
}

// Sample is the cumulative net profit per node of each strategy, in
// coins, after a number of finished tasks (for the chart).
type Sample struct {
	Tasks int
	Net   [numStrategies]float64
}

// AppRow is what one kind of application got.
type AppRow struct {
	Kind     string
	Apps     int
	Tasks    int
	Results  int
	Spent    *big.Int // fees paid
	Refunded *big.Int // refunds
}

// Report is a run's outcome.
type Report struct {
	Config                Config
	Rows                  []Row
	Apps                  []AppRow
	Tasks                 int            // finished
	Outcomes              map[string]int // by how tasks ended
	Audits                int            // tasks audited
	Disagreed             int            // of which audited at once for a disagreement
	HonestHurt            []Hurt         // every honest node's stake loss, and why
	Remined               int            // blocks mined again for a transaction the pool held back
	GasMedian             uint64         // per finished task, every transaction of the task
	GasP99                uint64
	PlainMedian, PlainP99 uint64    // tasks done without an audit
	BlockGas              [3]uint64 // median, p99, max gas per block with transactions
	Blocks                int
	ChainTime             time.Duration
	Wall                  time.Duration
	Reverts               map[string]int // "strategy call: reason"
	Steered               [4]int         // the steerer's tasks by allies seated
	JunkPanels            [4]int         // audit panels of junk tasks by colluders seated
	JunkChance            float64        // of those, how many wholly the colluders' chance alone gives (the drawable members' share)
	SteerChance           float64        // the steering creator's tasks with two allies that chance alone gives
	DrawMissed            int            // tasks nobody drew within the draw window (minimum fee burned)
	Burned                *big.Int       // slashed stake with nobody right to share it
	Samples               []Sample
	Ledger                []string // where the simulation's books and the chain's balances differ (none: equal to the wei)
	Failures              []string
	TooFew                map[string]int // why tasks had too few nodes
}

// sample records the chart's next point.
func (s *Sim) sample() {
	smp := Sample{Tasks: s.finishedN}
	for i, r := range s.rows {
		if r.Nodes > 0 {
			smp.Net[i] = coins(r.Net(s.cfg.GasPrice)) / float64(r.Nodes)
		}
	}
	s.samples = append(s.samples, smp)
}

func coins(v *big.Int) float64 {
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18)).Float64()
	return f
}

func (s *Sim) report(ctx context.Context) (*Report, error) {
	rep := &Report{
		Config: s.cfg, Tasks: s.finishedN, Outcomes: map[string]int{}, Audits: s.audits, Disagreed: s.disagreements,
		HonestHurt: s.honestHurt, Blocks: s.blocks, ChainTime: time.Duration(s.now-s.start) * time.Second,
		Reverts: map[string]int{}, Steered: s.steered, JunkPanels: s.junkPanels, JunkChance: s.junkChance, SteerChance: s.steerChance, DrawMissed: s.drawMissed, Burned: s.burned, Samples: s.samples, Failures: s.failures, TooFew: s.tooFew, Remined: s.remined,
	}
	// Per node slot (an identity and those that replaced it): the mean and
	// its standard error, per 1,000 finished tasks.
	slots := map[Strategy]map[int]*big.Int{}
	for _, n := range s.nodes {
		if slots[n.strat] == nil {
			slots[n.strat] = map[int]*big.Int{}
		}
		v := slots[n.strat][n.slot]
		if v == nil {
			v = new(big.Int)
			slots[n.strat][n.slot] = v
		}
		v.Add(v, n.fees)
		v.Add(v, n.shares)
		v.Sub(v, n.lost)
		v.Sub(v, n.compute)
		v.Sub(v, new(big.Int).Mul(new(big.Int).SetUint64(n.gas), s.cfg.GasPrice))
	}
	for i, r := range s.rows {
		row := *r
		if k := len(slots[Strategy(i)]); k > 0 && s.finishedN > 0 {
			scale := 1000 / float64(s.finishedN)
			var sum, sq float64
			for _, v := range slots[Strategy(i)] {
				x := coins(v) * scale
				sum += x
				sq += x * x
			}
			row.Mean = sum / float64(k)
			if k > 1 {
				row.SE = math.Sqrt(max(sq/float64(k)-row.Mean*row.Mean, 0) / float64(k-1))
			}
		}
		rep.Rows = append(rep.Rows, row)
	}
	kinds := map[appKind]*AppRow{}
	for _, a := range s.apps {
		row := kinds[a.kind]
		if row == nil {
			row = &AppRow{Kind: appNames[a.kind], Spent: new(big.Int), Refunded: new(big.Int)}
			kinds[a.kind] = row
		}
		row.Apps++
		row.Tasks += a.tasks
		row.Results += a.results
		row.Spent.Add(row.Spent, a.spent)
		row.Refunded.Add(row.Refunded, a.refund)
	}
	for k := range numAppKinds {
		if row := kinds[k]; row != nil {
			rep.Apps = append(rep.Apps, *row)
		}
	}
	for _, t := range s.order {
		switch {
		case !t.finished:
			rep.Outcomes["stuck"]++
		case t.state == chain.TaskDone:
			rep.Outcomes["done"]++
		default:
			rep.Outcomes[t.outcome.String()]++
		}
	}
	for k, v := range s.reverts {
		name := fmt.Sprintf("%s %s: %s", k.strategy, k.call, k.reason)
		rep.Reverts[name] += v
		if first := s.revertFirst[k]; first != "" && s.cfg.Verbose {
			rep.Reverts[name+" (first: "+first+")"] = v
		}
	}
	rep.GasMedian, rep.GasP99 = medianP99(s.gasPerTask)
	rep.PlainMedian, rep.PlainP99 = medianP99(s.gasPlain)
	var bg []uint64
	for _, v := range s.blockGas {
		if v > 0 {
			bg = append(bg, v)
		}
	}
	slices.Sort(bg)
	if len(bg) > 0 {
		rep.BlockGas = [3]uint64{bg[len(bg)/2], bg[len(bg)*99/100], bg[len(bg)-1]}
	}
	var err error
	rep.Ledger, err = s.checkLedger(ctx)
	return rep, err
}

// keeperWords says who draws besides creators and seats.
func keeperWords(keeper bool) string {
	if keeper {
		return "honest members keep every draw in the block its round is read"
	}
	return "no keepers: creators and seats draw when they like"
}

// checkLedger compares what the simulation booked for every identity and
// application with the contracts' balances and stakes.
func (s *Sim) checkLedger(ctx context.Context) ([]string, error) {
	reg, tm := bindings.NewNodeRegistry(), bindings.NewTaskManager()
	regC := reg.Instance(s.backend, s.net.Network.Registry)
	tmC := tm.Instance(s.backend, s.net.Network.Tasks)
	opts := &bind.CallOpts{Context: ctx}
	var diffs []string
	differ := func(what string, who common.Address, booked, onChain *big.Int) {
		if booked.Cmp(onChain) != 0 {
			diffs = append(diffs, fmt.Sprintf("%s of %s: booked %s wei, on chain %s", what, who.Hex(), booked, onChain))
		}
	}
	for _, n := range s.nodes {
		fee, err := bind.Call(tmC, opts, tm.PackBalances(n.addr), tm.UnpackBalances)
		if err != nil {
			return nil, err
		}
		differ("fees", n.addr, n.fees, fee)
		share, err := bind.Call(regC, opts, reg.PackBalances(n.addr), reg.UnpackBalances)
		if err != nil {
			return nil, err
		}
		differ("stake shares", n.addr, n.shares, share)
		info, err := bind.Call(regC, opts, reg.PackGetNode(n.addr), reg.UnpackGetNode)
		if err != nil {
			return nil, err
		}
		differ("stake", n.addr, n.stake, new(big.Int).Add(info.Stake, info.Unbonding))
	}
	for _, a := range s.apps {
		who := a.addr
		if a.kind == appSteer {
			who = a.steerer
		}
		bal, err := bind.Call(tmC, opts, tm.PackBalances(who), tm.UnpackBalances)
		if err != nil {
			return nil, err
		}
		differ("refunds", who, a.refund, bal)
	}
	burned, err := bind.Call(tmC, opts, tm.PackBurned(), tm.UnpackBurned)
	if err != nil {
		return nil, err
	}
	differ("burned by missed draws", s.net.Network.Tasks, s.drawBurned, burned)
	return diffs, nil
}

// PerNode is a row's net profit per node per 1,000 finished tasks, in coins.
func (r *Report) PerNode(i int) float64 { return r.Rows[i].Mean }

// Below reports whether a strategy's nodes earn less than honest ones:
// "yes" when the difference exceeds twice its standard error, "within
// noise" when it is smaller either way, "no" when they clearly earn more.
func (r *Report) Below(st Strategy) string {
	d, h := r.Rows[st], r.Rows[Honest]
	diff := d.Mean - h.Mean
	se := math.Sqrt(d.SE*d.SE + h.SE*h.SE)
	switch {
	case diff < -2*se:
		return "yes"
	case diff > 2*se:
		return "no"
	}
	return "within noise"
}

// Write prints the report's tables.
func (r *Report) Write(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "network: %d nodes, %d tasks finished in %s of chain time (%d blocks), %s wall time\n",
		c.Nodes, r.Tasks, r.ChainTime.Round(time.Second), r.Blocks, r.Wall.Round(time.Second))
	fmt.Fprintf(w, "fee %.4f coin (±), compute %.5f coin per task, gas at %s gwei; colluders %.0f %% (junk with %d seats of 3, %s otherwise)\n\n",
		coins(c.Fee), coins(c.Compute), new(big.Float).Quo(new(big.Float).SetInt(c.GasPrice), big.NewFloat(1e9)).Text('g', 3),
		100*c.Shares[Colluder], c.CheatSeats, map[bool]string{false: "honest", true: "silent"}[c.SilentMinority])
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "strategy\tnodes\tnew ids\tseats\taudit seats\tpaid\tslashed\tsilent\tkicked\taudited\tyields + hand-backs\tstake lost\tfees\tshares\tcompute\tgas\tnet/node/1k tasks\t± SE\tvs honest\tbelow honest\t")
	honest := r.PerNode(int(Honest))
	for i, row := range r.Rows {
		if row.Nodes == 0 {
			continue
		}
		per := r.PerNode(i)
		vs := "—"
		if honest > 0 {
			vs = fmt.Sprintf("%+.2f×", per/honest)
		}
		below := "—"
		if Strategy(i) != Honest {
			below = r.Below(Strategy(i))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.3f\t%.4f\t%.4f\t%.4f\t%.5f\t%+.5f\t%.5f\t%s\t%s\t\n",
			row.Strategy, row.Nodes, row.Identities, row.Seats, row.AuditSeats, row.Paid, row.Slashed, row.Silent, row.Kicked,
			row.Audited, row.Yields+row.HandBacks, coins(row.Lost), coins(row.Fees), coins(row.Shares), coins(row.Compute),
			coins(new(big.Int).Mul(new(big.Int).SetUint64(row.Gas), c.GasPrice)), per, row.SE, vs, below)
	}
	tw.Flush()
	fmt.Fprintln(w, "(coins; net = fees + shares − stake lost − compute − gas, per node slot, per 1,000 finished tasks)")
	fmt.Fprintln(w)

	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "application\tapps\ttasks\tresults\tfees paid\trefunded\t")
	for _, a := range r.Apps {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.4f\t%.4f\t\n", a.Kind, a.Apps, a.Tasks, a.Results, coins(a.Spent), coins(a.Refunded))
	}
	tw.Flush()
	fmt.Fprintln(w)

	var outs []string
	for k, v := range r.Outcomes {
		outs = append(outs, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(outs)
	fmt.Fprintf(w, "tasks: %s; audited %d (%d at once for a disagreement)\n", strings.Join(outs, ", "), r.Audits, r.Disagreed)
	for why, n := range r.TooFew {
		fmt.Fprintf(w, "  too few nodes ×%d: %s\n", n, why)
	}
	if st := r.Steered; st[0]+st[1]+st[2]+st[3] > 0 {
		total := st[0] + st[1] + st[2] + st[3]
		fmt.Fprintf(w, "steering creator (%s): %d tasks drawn with 0/1/2/3 allies seated: %d/%d/%d/%d (%.0f %% with two or more; chance alone %.0f %%); %d tasks not drawn in time\n",
			keeperWords(c.Keeper), total, st[0], st[1], st[2], st[3], 100*float64(st[2]+st[3])/float64(total), 100*r.SteerChance/float64(total), r.DrawMissed)
	}
	if jp := r.JunkPanels; jp[0]+jp[1]+jp[2]+jp[3] > 0 {
		total := jp[0] + jp[1] + jp[2] + jp[3]
		fmt.Fprintf(w, "colluders drawing their junk tasks' auditors (%s): %d panels with 0/1/2/3 colluders: %d/%d/%d/%d (%.1f %% wholly theirs; chance alone %.1f %%, from the members that could be drawn; %.1f %% from the share of the network)\n",
			keeperWords(c.Keeper), total, jp[0], jp[1], jp[2], jp[3], 100*float64(jp[3])/float64(total), 100*r.JunkChance/float64(total), 100*math.Pow(c.Shares[Colluder], 3))
	}
	fmt.Fprintf(w, "gas per task: every task median %d, p99 %d; done without an audit median %d, p99 %d (budget with audits amortised %d); per block median %d, p99 %d, max %d\n",
		r.GasMedian, r.GasP99, r.PlainMedian, r.PlainP99, gasbench.TaskBudget, r.BlockGas[0], r.BlockGas[1], r.BlockGas[2])
	causes := map[string]int{}
	for _, h := range r.HonestHurt {
		causes[h.Cause]++
	}
	fmt.Fprintf(w, "honest nodes that lost stake: %d (false slashes by noise %d; by a made-up verdict %d; silence after a crash %d)\n",
		len(r.HonestHurt), causes[HurtNoise], causes[HurtJunkVerdict], causes[HurtSilent])
	shown := 0
	for _, h := range r.HonestHurt {
		if h.Cause == HurtSilent {
			continue
		}
		if shown == 20 && !r.Config.Verbose {
			fmt.Fprintf(w, "  … and %d more (-v lists them all)\n", len(r.HonestHurt)-causes[HurtSilent]-shown)
			break
		}
		shown++
		fmt.Fprintf(w, "  %s node %s, task %d: %s; %s\n", h.Strategy, h.Node[:10], h.Task, h.Cause, h.Seats)
	}
	if len(r.Reverts) > 0 {
		var rs []string
		for k, v := range r.Reverts {
			rs = append(rs, fmt.Sprintf("  %s ×%d", k, v))
		}
		slices.Sort(rs)
		fmt.Fprintf(w, "reverted transactions:\n%s\n", strings.Join(rs, "\n"))
	}
	if len(r.Ledger) == 0 {
		fmt.Fprintln(w, "ledger: every fee, refund, stake share and stake booked equals the contracts' balances, to the wei")
	} else {
		fmt.Fprintf(w, "ledger: %d differences from the chain:\n  %s\n", len(r.Ledger), strings.Join(r.Ledger, "\n  "))
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "failure: %s\n", f)
	}
}

// Problems lists what breaks the network's guarantees in this run: an
// honest node slashed by noise, a dishonest strategy earning as much per
// node as honest nodes, a task that never ended, books that differ from
// the chain, a failure of the simulation.
func (r *Report) Problems() []string {
	var out []string
	for _, h := range r.HonestHurt {
		if h.Cause == HurtNoise {
			out = append(out, fmt.Sprintf("honest node %s slashed by noise on task %d", h.Node, h.Task))
		}
	}
	for _, st := range Dishonest {
		if r.Rows[st].Nodes > 0 && r.Below(st) == "no" {
			out = append(out, fmt.Sprintf("%s nodes earn %+.5f ± %.5f coins per node per 1,000 tasks, more than honest ones (%+.5f ± %.5f)",
				st, r.Rows[st].Mean, r.Rows[st].SE, r.Rows[Honest].Mean, r.Rows[Honest].SE))
		}
	}
	if n := r.Outcomes["stuck"]; n > 0 {
		out = append(out, fmt.Sprintf("%d tasks never ended", n))
	}
	out = append(out, r.Ledger...)
	return append(out, r.Failures...)
}

func medianP99(v []uint64) (uint64, uint64) {
	if len(v) == 0 {
		return 0, 0
	}
	g := slices.Clone(v)
	slices.Sort(g)
	return g[len(g)/2], g[len(g)*99/100]
}

// Dishonest are the strategies that must not pay.
var Dishonest = []Strategy{Lazy, Copier, Claimer, Colluder, YieldAbuser}
