package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// leaveCommand is `hydrogend leave`: the owner's way out, with everything
// back in the wallet.
func (e *env) leaveCommand() *ffcli.Command {
	c := e.apiCommand("leave", "", "Leave the network: quit, then bring the stake and the fees owed back to the wallet.", 30*time.Minute,
		func(ctx context.Context, c *api.Client, args []string) error {
			if err := noArgs("leave", args); err != nil {
				return err
			}
			seen, err := c.Account(ctx, 100)
			if err != nil {
				return err
			}
			if err := c.Control(ctx, api.Control{Action: api.ActionLeave}); err != nil && !api.IsCode(err, api.CodeLeaving) {
				return err
			}
			fmt.Fprintln(e.stdout, "leaving the network (a task in progress finishes first; Ctrl+C stops waiting, not the leave)")
			return e.followAccount(ctx, c, len(seen), func(st api.Status) (bool, error) {
				switch {
				case st.State == api.NodeStopped && st.Reason == api.ReasonLeft:
					return true, nil
				case st.State == api.NodeError:
					return false, fmt.Errorf("leaving failed (%s): see `hydrogend` logs; it is retried when the node starts", st.Reason)
				}
				return false, nil
			})
		})
	c.LongHelp = "Asks the running node to leave the network for good. A busy node finishes its\n" +
		"task first (the quit is pending); once the quit lands, the stake the registry\n" +
		"returns and the fees owed are withdrawn to the node's wallet. Each step and its\n" +
		"transaction is printed and kept in the ledger (`hydrogend account`). The node\n" +
		"then stays out, across restarts, until `hydrogend join`. Send the wallet's\n" +
		"balance to your own address from the app's Settings (Withdraw)."
	return c
}

// joinCommand is `hydrogend join`: back in after leaving or a removal.
func (e *env) joinCommand() *ffcli.Command {
	return e.apiCommand("join", "", "Join the network again (after leaving, or after the network removed the node), with a new stake.", 10*time.Minute,
		func(ctx context.Context, c *api.Client, args []string) error {
			if err := noArgs("join", args); err != nil {
				return err
			}
			seen, err := c.Account(ctx, 100)
			if err != nil {
				return err
			}
			if err := c.Control(ctx, api.Control{Action: api.ActionRejoin}); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "joining the network")
			return e.followAccount(ctx, c, len(seen), func(st api.Status) (bool, error) {
				switch st.State {
				case api.NodeAvailable, api.NodeBusy, api.NodePaused:
					return true, nil
				case api.NodeWaitingForFunds:
					return false, errors.New("waiting for funds: send the stake and some gas to the node's wallet (hydrogend wallet address)")
				case api.NodeError:
					return false, fmt.Errorf("joining failed (%s): see the daemon's log", st.Reason)
				}
				return false, nil
			})
		})
}

// accountCommand is `hydrogend account`: the money moved outside tasks.
func (e *env) accountCommand() *ffcli.Command {
	return e.apiCommand("account", "", "List the stake, quits, removals and withdrawals, with their transactions.", 15*time.Second,
		func(ctx context.Context, c *api.Client, args []string) error {
			if err := noArgs("account", args); err != nil {
				return err
			}
			es, err := c.Account(ctx, 200)
			if err != nil {
				return err
			}
			slices.Reverse(es)
			w := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(w, "WHEN\tMOVE\tAMOUNT\tTRANSACTION\tDETAIL\t")
			for _, a := range es {
				printMove(w, a)
			}
			if len(es) == 0 {
				fmt.Fprintln(w, "(nothing yet)\t\t\t\t\t")
			}
			return w.Flush()
		})
}

func printMove(w io.Writer, a api.AccountEntry) {
	tx := a.Tx
	if tx == "" {
		tx = "—"
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t\n", a.At.Local().Format(time.DateTime), a.Move, ether(a.Amount), tx, a.Detail)
}

// followAccount prints the account entries after the first skip as they
// appear, until done says the status is where it should be.
func (e *env) followAccount(ctx context.Context, c *api.Client, skip int, done func(api.Status) (bool, error)) error {
	printed := skip
	for {
		es, err := c.Account(ctx, 100)
		if err != nil {
			return err
		}
		slices.Reverse(es)
		w := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
		for ; printed < len(es); printed++ {
			printMove(w, es[printed])
		}
		w.Flush()
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		ok, err := done(st)
		if ok || err != nil {
			if ok {
				fmt.Fprintf(e.stdout, "done: the node is %s\n", st.State)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped waiting (the node goes on): %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// ether writes wei as ether with up to 6 decimals, and the wei.
func ether(wei string) string {
	v, ok := new(big.Int).SetString(wei, 10)
	if !ok || v.Sign() == 0 {
		return wei
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18)).Float64()
	return fmt.Sprintf("%.6f (%s wei)", f, wei)
}
