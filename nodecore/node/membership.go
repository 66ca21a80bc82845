package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// Membership errors.
var (
	ErrAlreadyMember = errors.New("node: already in the network")
	ErrLeaving       = errors.New("node: leaving the network already")
	ErrNotMember     = errors.New("node: not in the network")
)

// How the network removed a node, recorded in the ledger's account.
const (
	removedKicked  = "kicked"  // its QoS fell below the threshold; the stake came back
	removedSlashed = "slashed" // its result disagreed with the majority; the stake is lost
)

// SetAutoRejoin says whether the node rejoins by itself (with its
// returned stake) when the network removes it for a low QoS score. A
// slashed node always waits for the owner: rejoining costs a new stake.
// Turned on while a kicked node waits, it rejoins now.
func (n *Node) SetAutoRejoin(on bool) {
	if was := n.autoRejoin.Swap(on); was || !on {
		return
	}
	n.bg.Go(func() {
		ctx := n.runCtx
		if m, err := n.cfg.Ledger.Membership(ctx); err != nil || m != ledger.MembershipKicked {
			return
		}
		if n.Snapshot().State != StateStopped {
			return // not running yet: the start rejoins
		}
		if err := n.stakeAndJoin(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("rejoining the network failed", "err", err)
		}
	})
}

// recordTx writes a money movement of this node's to the ledger, logging
// (never failing on) a ledger error: the chain is the truth, the ledger
// its record.
func (n *Node) recordTx(ctx context.Context, move ledger.Move, amount *big.Int, r *types.Receipt, detail string) {
	e := ledger.AccountEntry{At: n.cfg.Now(), Move: move, Amount: amount, Detail: detail}
	if r != nil {
		e.Tx = r.TxHash.Hex()
	}
	if err := n.cfg.Ledger.Record(ctx, e); err != nil {
		n.log.Error("recording a money movement in the ledger failed", "move", move, "tx", e.Tx, "err", err)
	}
}

// enter brings a node that is not in the network in, as the owner's
// intent says: a node the owner took out stays out (finishing what the
// leave left undone); a node the network removed rejoins only as the
// settings allow; otherwise it stakes (bringing back a returned stake
// first) and joins. It returns with the node in, or waiting with a reason.
func (n *Node) enter(ctx context.Context) error {
	m, err := n.cfg.Ledger.Membership(ctx)
	if err != nil {
		return err
	}
	switch m {
	case ledger.MembershipLeft:
		return n.leave(ctx) // idempotent: only what is left to do
	case ledger.MembershipMember:
		// In the network before, out now, and not by the owner: removed
		// while this daemon was not running. A returned (unbonding) stake
		// says the QoS rule removed it; none, that it was slashed.
		owed, err := n.client.StakeBalance(ctx, n.addr)
		if err != nil {
			return err
		}
		info, err := n.client.Node(ctx, n.addr)
		if err != nil {
			return err
		}
		why := removedSlashed
		if owed.Sign() > 0 || info.Unbonding.Sign() > 0 {
			why = removedKicked
		}
		return n.removed(ctx, why)
	case ledger.MembershipKicked, ledger.MembershipSlashed:
		// Removed earlier and told already.
		if n.mayRejoin(m) {
			return n.stakeAndJoin(ctx)
		}
		n.set(StateStopped, removedReason(m))
		return nil
	}
	return n.stakeAndJoin(ctx) // a first join, or a rejoin the owner asked for
}

func (n *Node) mayRejoin(m ledger.Membership) bool {
	return m == ledger.MembershipKicked && n.autoRejoin.Load()
}

func removedReason(m ledger.Membership) Reason {
	if m == ledger.MembershipSlashed {
		return ReasonSlashed
	}
	return ReasonKicked
}

// removed records that the network removed the node and acts as the
// owner's settings say: rejoin (kicked, auto-rejoin on) or wait.
func (n *Node) removed(ctx context.Context, why string) error {
	m := ledger.MembershipKicked
	if why == removedSlashed {
		m = ledger.MembershipSlashed
	}
	if err := n.cfg.Ledger.SetMembership(ctx, m); err != nil {
		return err
	}
	n.recordTx(ctx, ledger.MoveRemoved, nil, nil, why)
	n.set(StateStopped, removedReason(m))
	if n.mayRejoin(m) {
		n.log.Warn("the network removed this node for a low QoS score; rejoining with the returned stake", "why", why)
		return n.stakeAndJoin(ctx)
	}
	if why == removedSlashed {
		n.log.Warn("the network slashed this node's stake and removed it; rejoining needs the owner (a new stake)")
	} else {
		n.log.Warn("the network removed this node for a low QoS score; automatic rejoining is off: waiting for the owner")
	}
	return nil
}

// stakeAndJoin joins the network: a stake the registry returned earlier
// comes back to the wallet first, then the node waits for stake + gas
// (asking a devnet's faucet) and joins.
func (n *Node) stakeAndJoin(ctx context.Context) error {
	n.joinMu.Lock()
	defer n.joinMu.Unlock()
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return err
	}
	if info.State != chain.NodeQuit {
		n.setFromChain(info)
		return nil
	}
	// The stake is what the verified registry asks (never what the
	// network file says), within the owner's limit: above it, or with
	// contracts that are not this release's, nothing is sent.
	target, err := n.stakeTarget(ctx)
	switch {
	case errors.Is(err, ErrStakeLimit):
		n.set(StateError, ReasonStakeLimit)
		n.log.Error("not joining: the network asks a larger stake than this node's limit; raise the limit (-max-stake) to join", "err", err)
		return err
	case errors.Is(err, chain.ErrContractCode):
		n.set(StateError, ReasonWrongContracts)
		return err
	case err != nil:
		return err
	}
	if err := n.withdrawStake(ctx, false); err != nil {
		return err
	}
	// A stake still unbonding is bonded again by the join.
	if info, err = n.client.Node(ctx, n.addr); err != nil {
		return err
	}
	// A node removed by the network may join again only after the
	// registry's delay: wait for it rather than fail.
	for info.Joined && info.ResumeAfter > 0 {
		head, err := n.cfg.Backend.HeaderByNumber(ctx, nil)
		if err != nil {
			return err
		}
		if info.ResumeAfter <= head.Time {
			break // the chain's clock, not this machine's, decides
		}
		until := time.Unix(int64(info.ResumeAfter), 0)
		n.log.Info("waiting to rejoin: the network's delay after a removal", "until", until.UTC())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(time.Duration(info.ResumeAfter-head.Time)*time.Second, 30*time.Second, 10*n.cfg.Poll+time.Second)):
		}
	}
	stake := new(big.Int).Sub(target, info.Unbonding)
	if stake.Sign() < 0 {
		stake.SetInt64(0)
	}
	need := new(big.Int).Add(stake, n.gasReserveFor(target))
	var asked time.Time
	for {
		bal, err := n.cfg.Backend.BalanceAt(ctx, n.addr, nil)
		if err != nil {
			return err
		}
		n.update(func(s *Snapshot) { s.Balance = bal })
		if bal.Cmp(need) >= 0 {
			break
		}
		n.set(StateWaitingForFund, ReasonLowBalance)
		// Only a devnet has a faucet (the RPC serves the file's chain id:
		// preflight checked it).
		if f := n.cfg.Network.Faucet; f != "" && chain.IsDevnet(n.cfg.Network.ChainID.ToInt()) && time.Since(asked) > faucetEvery {
			asked = time.Now()
			if err := askFaucet(ctx, f, n.addr); err != nil {
				n.log.Warn("the network's faucet did not fund this node", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(n.cfg.Poll):
		}
	}
	n.set(StateJoining, ReasonNone)
	var models []common.Hash
	for _, m := range n.heldModels() {
		models = append(models, chain.ModelHash(m))
	}
	r, err := n.client.Join(ctx, chain.JoinRequest{GPUName: n.cfg.GPUName, VRAMMiB: n.cfg.VRAMMiB, Version: n.cfg.Version, Models: models, Stake: stake})
	if chain.Reverted[*bindings.NodeRegistryBadState](err) {
		// A join sent before (by a run stopped while it was on its way)
		// landed after the check above: the node is in.
		if info, ierr := n.client.Node(ctx, n.addr); ierr == nil && info.State != chain.NodeQuit {
			n.log.Info("an earlier join landed first", "state", info.State)
			n.setFromChain(info)
			return n.cfg.Ledger.SetMembership(ctx, ledger.MembershipMember)
		}
	}
	if err != nil {
		n.set(StateError, ReasonFatal)
		return fmt.Errorf("node: join: %w", err)
	}
	n.recordTx(ctx, ledger.MoveStaked, stake, r, "")
	if err := n.cfg.Ledger.SetMembership(ctx, ledger.MembershipMember); err != nil {
		return err
	}
	n.set(StateAvailable, ReasonNone)
	n.log.Info("joined the network", "gpu", n.cfg.GPUName, "vram_mib", n.cfg.VRAMMiB, "stake_wei", stake)
	if ok, why := n.Hireable(); !ok {
		// The owner is here (or the policy says no): out of the drawable
		// nodes at once rather than drawn and handing tasks back.
		if _, err := n.client.Pause(ctx); err != nil {
			n.log.Warn("pausing after the join failed", "why", why, "err", err)
		} else {
			n.refresh(ctx, ReasonUserPaused)
		}
	}
	return nil
}

// withdrawStake brings what the registry owes back to the wallet: shares
// of stake slashed from nodes that were wrong, and the node's own stake
// once its unbonding ended. With wait, it waits for the unbonding.
func (n *Node) withdrawStake(ctx context.Context, wait bool) error {
	for {
		info, err := n.client.Node(ctx, n.addr)
		if err != nil {
			return err
		}
		owed, err := n.client.StakeBalance(ctx, n.addr)
		if err != nil {
			return err
		}
		if owed.Sign() == 0 && info.Unbonding.Sign() == 0 {
			return nil
		}
		r, err := n.client.WithdrawStake(ctx)
		if chain.Reverted[*bindings.NodeRegistryUnbonding](err) {
			if !wait {
				return nil
			}
			n.log.Info("the stake is unbonding", "until", time.Unix(int64(info.UnbondAt), 0).UTC())
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(n.cfg.Poll):
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("node: withdrawing the returned stake: %w", err)
		}
		got := new(big.Int).Set(owed)
		reg := bindings.NewNodeRegistry()
		for _, l := range r.Logs {
			if w, err := reg.UnpackWithdrawnEvent(l); err == nil && l.Address == n.cfg.Network.Registry {
				got = w.Amount
			}
		}
		n.recordTx(ctx, ledger.MoveStakeReturned, got, r, "")
		n.log.Info("the returned stake is back in the wallet", "wei", got)
		if !wait {
			return nil
		}
		if info, err = n.client.Node(ctx, n.addr); err != nil || info.Unbonding.Sign() == 0 {
			return err
		}
		// Shares of slashed stake came first; the own stake still unbonds.
	}
}

// withdrawFees brings the fees the network owes back to the wallet.
func (n *Node) withdrawFees(ctx context.Context) error {
	owed, err := n.client.FeeBalance(ctx, n.addr)
	if err != nil || owed.Sign() == 0 {
		return err
	}
	r, err := n.client.WithdrawFees(ctx)
	if err != nil {
		return fmt.Errorf("node: claiming the fees: %w", err)
	}
	n.recordTx(ctx, ledger.MoveFeesClaimed, owed, r, "")
	return nil
}

// Rejoin brings a node that left, or that the network removed, back in,
// with a new stake. It returns once the join is under way: the node may
// wait for funds first (its status says so).
func (n *Node) Rejoin(ctx context.Context) error {
	n.leaveMu.Lock()
	leaving := n.leaving
	n.leaveMu.Unlock()
	if leaving {
		return ErrLeaving
	}
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return err
	}
	if info.State != chain.NodeQuit {
		return ErrAlreadyMember
	}
	if err := n.cfg.Ledger.SetMembership(ctx, ledger.MembershipNone); err != nil {
		return err
	}
	n.bg.Go(func() {
		if err := n.stakeAndJoin(n.runCtx); err != nil && n.runCtx.Err() == nil {
			n.log.Error("rejoining the network failed", "err", err)
		}
	})
	return nil
}

// Leave takes the node out of the network for good and brings everything
// back to the wallet: it quits (a busy node finishes its task first), waits
// for the quit to land, then withdraws the returned stake and the fees
// owed, recording each step and its transaction in the ledger. The node
// then stays out, across restarts, until the owner rejoins. Leave returns
// once the leave is under way; the status says where it is.
func (n *Node) Leave(ctx context.Context) error {
	if !n.beginLeave() {
		return ErrLeaving
	}
	if err := n.startLeave(ctx); err != nil {
		n.endLeave()
		return err
	}
	n.bg.Go(func() {
		defer n.endLeave()
		if err := n.leaveSteps(n.runCtx); err != nil && n.runCtx.Err() == nil {
			n.log.Error("leaving the network failed; retried at the next start", "err", err)
			n.set(StateError, ReasonLeaveFailed)
		}
	})
	return nil
}

// startLeave checks there is something to leave and records the intent.
func (n *Node) startLeave(ctx context.Context) error {
	m, err := n.cfg.Ledger.Membership(ctx)
	if err != nil {
		return err
	}
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return err
	}
	if m == ledger.MembershipLeft && info.State == chain.NodeQuit {
		stake, err1 := n.client.StakeBalance(ctx, n.addr)
		fees, err2 := n.client.FeeBalance(ctx, n.addr)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if stake.Sign() == 0 && fees.Sign() == 0 {
			return ErrNotMember
		}
	}
	n.update(func(s *Snapshot) { s.Reason = ReasonLeaving })
	return n.cfg.Ledger.SetMembership(ctx, ledger.MembershipLeft)
}

// beginLeave marks a leave in progress; false if one is.
func (n *Node) beginLeave() bool {
	n.leaveMu.Lock()
	defer n.leaveMu.Unlock()
	if n.leaving {
		return false
	}
	n.leaving = true
	return true
}

func (n *Node) endLeave() {
	n.leaveMu.Lock()
	n.leaving = false
	n.leaveMu.Unlock()
}

// leave finishes a leave the owner asked for before (after a restart),
// unless one is in progress.
func (n *Node) leave(ctx context.Context) error {
	if !n.beginLeave() {
		return nil
	}
	defer n.endLeave()
	return n.leaveSteps(ctx)
}

// leaveSteps carries out the owner's leave: each step reads the chain, so
// a leave cut short by a restart goes on where it was.
func (n *Node) leaveSteps(ctx context.Context) error {
out:
	for {
		info, err := n.client.Node(ctx, n.addr)
		if err != nil {
			return err
		}
		switch info.State {
		case chain.NodeAvailable, chain.NodePaused, chain.NodeBusy, chain.NodePendingPause:
			r, err := n.client.Quit(ctx)
			if err != nil {
				return fmt.Errorf("node: quit: %w", err)
			}
			n.recordTx(ctx, ledger.MoveQuit, nil, r, "")
			n.log.Info("leaving the network", "busy", info.State == chain.NodeBusy || info.State == chain.NodePendingPause)
			continue
		case chain.NodePendingQuit:
			// The task runs to its end; then the registry lets go.
			n.update(func(s *Snapshot) { s.State, s.Reason = StateQuitting, ReasonLeaving })
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(n.cfg.Poll):
			}
			continue
		}
		break out // Quit: out of the network
	}
	n.update(func(s *Snapshot) { s.State, s.Reason = StateQuitting, ReasonLeaving })
	if err := n.withdrawStake(ctx, true); err != nil {
		return err
	}
	if err := n.withdrawFees(ctx); err != nil {
		return err
	}
	if bal, err := n.cfg.Backend.BalanceAt(ctx, n.addr, nil); err == nil {
		n.update(func(s *Snapshot) { s.Balance = bal })
	}
	n.set(StateStopped, ReasonLeft)
	n.log.Info("left the network; the stake and the fees are in the wallet")
	return nil
}

// chainStateChanged acts on this node's state on chain after one of its
// NodeStateChanged events: out of the network without the owner leaving
// means the network removed it.
func (n *Node) chainStateChanged(ctx context.Context) error {
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return err
	}
	n.setFromChain(info)
	if info.State != chain.NodeQuit {
		return nil
	}
	m, err := n.cfg.Ledger.Membership(ctx)
	if err != nil || m != ledger.MembershipMember {
		return err // left: the leave carries on; removed before: handled
	}
	n.removalMu.Lock()
	why := n.removal
	n.removal = ""
	n.removalMu.Unlock()
	if why == "" {
		owed, err := n.client.StakeBalance(ctx, n.addr)
		if err != nil {
			return err
		}
		// The events say why; when this is handled before them, the
		// stake tells: a slash takes it all, a kick returns it (unbonding).
		why = removedSlashed
		if owed.Sign() > 0 || info.Unbonding.Sign() > 0 {
			why = removedKicked
		}
	}
	n.bg.Go(func() {
		if err := n.removed(n.runCtx, why); err != nil && n.runCtx.Err() == nil {
			n.log.Error("acting on the removal failed", "err", err)
		}
	})
	return nil
}

// noteRemoval remembers why the registry is removing this node (its
// NodeKicked or NodeSlashed event precedes the state change).
func (n *Node) noteRemoval(why string) {
	n.removalMu.Lock()
	n.removal = why
	n.removalMu.Unlock()
}
