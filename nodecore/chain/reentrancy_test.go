package chain_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/internal/attack"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// TestReentrantPayoutsRejected: a node that is a contract tries to
// withdraw again from inside its payment, for fees and for stake. Both
// withdrawals fail whole and the balance stays owed, never paid twice.
func TestReentrantPayoutsRejected(t *testing.T) {
	n := simchain.New(t, 4, noAudits())
	attacker, app := n.Accounts[0], n.Accounts[3]
	join(t, n.Accounts[1:3])

	atk := attack.NewReentrantNode()
	rcpt, err := attacker.Tx.Send(ctx, nil,
		append(common.FromHex(attack.ReentrantNodeMetaData.Bin), atk.PackConstructor(n.Network.Registry, n.Network.Tasks)...), nil)
	if err != nil {
		t.Fatal(err)
	}
	evil := rcpt.ContractAddress
	call := func(data []byte, value *big.Int) error {
		_, err := attacker.Tx.Send(ctx, &evil, data, value)
		return err
	}
	if err := call(atk.PackJoin("NVIDIA GeForce RTX 4090", 24576, big.NewInt(int64(v123.Packed())), nil), simchain.Eth(1)); err != nil {
		t.Fatal(err)
	}

	id, nodes, _, err := app.Client.CreateTask(ctx, imageSpec(), 600, simchain.Eth(3))
	if err != nil {
		t.Fatal(err)
	}
	vote := chain.Vote{Score: score, ResultHash: common.HexToHash("0x7e5"), Nonce: [32]byte{1}}
	for _, a := range nodes {
		c, _ := n.Network.Commitment(id, a, vote)
		if a == evil {
			err = call(atk.PackCommit(new(big.Int).SetUint64(id), c), nil)
		} else {
			_, err = byAddr(t, n, a).Client.Commit(ctx, id, c)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range nodes {
		if a == evil {
			err = call(atk.PackDisclose(new(big.Int).SetUint64(id), score, vote.ResultHash, vote.Nonce), nil)
		} else {
			_, err = byAddr(t, n, a).Client.Disclose(ctx, id, vote)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.Client.CloseTask(ctx, id); err != nil { // flips the audit coin
		t.Fatal(err)
	}
	if err := call(atk.PackSubmitResult(new(big.Int).SetUint64(id), score, vote.ResultHash, vote.Nonce), nil); err != nil {
		t.Fatal(err)
	}
	owed := feeOf(t, app.Client, evil)
	if owed.Cmp(simchain.Eth(1)) != 0 {
		t.Fatalf("the contract node earned %s, want 1 ETH", owed)
	}

	wantRevert(t, call(atk.PackWithdrawFees(), nil), "TransferFailed")
	if got := feeOf(t, app.Client, evil); got.Cmp(owed) != 0 {
		t.Errorf("after the re-entrant attempt %s is owed, want %s", got, owed)
	}
	if bal, _ := n.Backend.BalanceAt(ctx, n.Network.Tasks, nil); bal.Cmp(owed) < 0 {
		t.Errorf("the task manager holds %s, less than it owes", bal)
	}

	if err := call(atk.PackQuit(), nil); err != nil {
		t.Fatal(err)
	}
	n.Backend.Advance(time.Duration(n.Network.Params.Registry.UnbondingPeriod+1) * time.Second)
	stake := nodeOf(t, app.Client, evil).Unbonding
	wantRevert(t, call(atk.PackWithdrawStake(), nil), "TransferFailed")
	if got := nodeOf(t, app.Client, evil).Unbonding; got.Cmp(stake) != 0 || stake.Cmp(simchain.Eth(1)) != 0 {
		t.Errorf("stake owed %s after the attempt, was %s", got, stake)
	}

	// An honest node withdraws normally.
	for _, a := range nodes {
		if a == evil {
			continue
		}
		if _, err := byAddr(t, n, a).Client.WithdrawFees(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
