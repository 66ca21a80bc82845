package devnet

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// Summary is how a devnet run went, and what in it is inconsistent.
type Summary struct {
	Created, Succeeded, Aborted, Open, BadResults int
	Nodes                                         []NodeSummary
	// Problems lists every inconsistency; a good run has none.
	Problems []string
}

// NodeSummary is one peer's account, from its ledger and from the chain.
type NodeSummary struct {
	Name    string
	Cheater bool
	Addr    common.Address
	State   chain.NodeState
	QoS     uint32
	Tasks   int
	Paid    int
	Slashed int
	Earned  *big.Int // the ledger's sum
	Owed    *big.Int // what the chain holds for it: fees and shares of slashed stake
	Stake   *big.Int // stake left on chain
}

// Summarize reads the source's tasks, the peers' ledgers and the chain.
// Open tasks are a problem only when final is set (the run was meant to
// finish them).
func (d *Devnet) Summarize(ctx context.Context, final bool) (Summary, error) {
	var s Summary
	problem := func(format string, a ...any) { s.Problems = append(s.Problems, fmt.Sprintf(format, a...)) }
	role := map[common.Address]*Peer{}
	for _, p := range d.Peers {
		role[p.Addr] = p
	}
	for _, t := range d.source.Tasks() {
		s.Created++
		switch {
		case t.Problem != "":
			s.BadResults++
			problem("task %d: %s", t.ID, t.Problem)
		case t.Checked:
			s.Succeeded++
		case t.State == chain.TaskAborted:
			s.Aborted++
		default:
			s.Open++
		}
		if t.State != chain.TaskDone && t.State != chain.TaskValidated {
			continue
		}
		for i, a := range t.Nodes {
			p := role[a]
			if p == nil {
				continue // a node started with hydrogend run
			}
			honest := t.Honest&(1<<i) != 0
			if p.Cheater && honest {
				problem("task %d: cheater %s was paid", t.ID, p.Name)
			}
			if !p.Cheater && !honest && t.Disclosed&(1<<i) != 0 {
				problem("task %d: honest %s disclosed and was not paid", t.ID, p.Name)
			}
		}
	}
	if final && s.Open > 0 {
		problem("%d tasks still open", s.Open)
	}
	for _, p := range d.Peers {
		ns := NodeSummary{Name: p.Name, Cheater: p.Cheater, Addr: p.Addr}
		info, err := d.app.Node(ctx, p.Addr)
		if err != nil {
			return s, err
		}
		ns.State, ns.QoS, ns.Stake = info.State, info.QoS, info.Stake
		if ns.Owed, err = d.app.FeeBalance(ctx, p.Addr); err != nil {
			return s, err
		}
		// Its shares of slashed stake are earnings too; a peer that never
		// left has no other registry balance.
		shares, err := d.app.StakeBalance(ctx, p.Addr)
		if err != nil {
			return s, err
		}
		ns.Owed.Add(ns.Owed, shares)
		tot, err := p.Ledger.Totals(ctx)
		if err != nil {
			return s, err
		}
		ns.Tasks, ns.Paid, ns.Slashed, ns.Earned = tot.Tasks, tot.ByResult[ledger.Paid], tot.ByResult[ledger.Slashed], tot.Earned
		if ns.Earned.Cmp(ns.Owed) != 0 {
			problem("%s: the ledger says %s wei earned, the chain holds %s wei for it", p.Name, ns.Earned, ns.Owed)
		}
		if n := tot.ByResult[ledger.Pending]; final && n > 0 {
			problem("%s: %d tasks still open in its ledger", p.Name, n)
		}
		if !p.Cheater && ns.Slashed > 0 {
			problem("%s is honest and was slashed %d times", p.Name, ns.Slashed)
		}
		if p.Cheater && ns.Paid > 0 {
			problem("%s cheats and was paid for %d tasks", p.Name, ns.Paid)
		}
		if ns.Slashed > 0 && (ns.State != chain.NodeQuit || ns.Stake.Sign() != 0) {
			problem("%s was slashed but still has %s wei staked (state %s)", p.Name, ns.Stake, ns.State)
		}
		s.Nodes = append(s.Nodes, ns)
	}
	return s, nil
}

// Write prints the summary as tables.
func (s Summary) Write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "tasks\tcreated\tsucceeded\taborted\topen\tbad results\n")
	fmt.Fprintf(tw, "\t%d\t%d\t%d\t%d\t%d\n", s.Created, s.Succeeded, s.Aborted, s.Open, s.BadResults)
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "node\taddress\tstate\tQoS\ttasks\tpaid\tslashed\tearned (ETH)\tstake (ETH)\t\n")
	for _, n := range s.Nodes {
		name := n.Name
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%d\t%d\t%d\t%s\t%s\t\n", name, n.Addr.Hex()[:10]+"…", n.State, float64(n.QoS)/100, n.Tasks, n.Paid, n.Slashed, etherText(n.Earned), etherText(n.Stake))
	}
	tw.Flush()
	fmt.Fprintln(w)
	if len(s.Problems) == 0 {
		fmt.Fprintln(w, "consistent: every ledger matches the chain to the wei")
		return
	}
	fmt.Fprintf(w, "%d inconsistencies:\n", len(s.Problems))
	for _, p := range s.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

// etherText formats wei as ether with six decimals.
func etherText(wei *big.Int) string {
	if wei == nil {
		return "-"
	}
	f := new(big.Float).Quo(new(big.Float).SetInt(wei), big.NewFloat(1e18))
	return f.Text('f', 6)
}
