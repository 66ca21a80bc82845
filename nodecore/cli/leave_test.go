package cli

import (
	"context"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/localapi"
)

// gasSince is what addr's transactions mined after block from cost it.
func gasSince(t *testing.T, ctx context.Context, ec *ethclient.Client, addr common.Address, from uint64) *big.Int {
	t.Helper()
	head, err := ec.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ec.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(id)
	total := new(big.Int)
	for n := from + 1; n <= head; n++ {
		b, err := ec.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range b.Transactions() {
			if s, err := types.Sender(signer, tx); err != nil || s != addr {
				continue
			}
			r, err := ec.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				t.Fatal(err)
			}
			total.Add(total, new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), r.EffectiveGasPrice))
		}
	}
	return total
}

func weiOf(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("%q is not wei", s)
	}
	return v
}

// TestLeaveTheNetworkToTheWei: a node on the devnet joins and earns; the
// owner runs `hydrogend leave` while a task is running: the quit waits
// for the task, then the stake and every fee come back to the wallet.
// The chain owes nothing after, the ledger's steps equal the chain's to
// the wei (the wallet's balance moved by exactly stake + fees − gas), the
// balance can be sent to the owner's address, and a restarted daemon
// stays out of the network.
func TestLeaveTheNetworkToTheWei(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet and hydrogend processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	data, addr := newNodeData(t)
	args := []string{"run", "-data", data, "-network", d.NetworkFile, "-poll", "50ms", "-reference-time", "2s", "-mirror-networks", "127.0.0.0/8"}
	// The owner named the withdrawal address in the first run's wizard
	// (a running node takes a new one only after the delay).
	owner := common.HexToAddress("0x00000000000000000000000000000000000Fee15")
	payout, err := localapi.OpenWithdrawalAddress(filepath.Join(data, "withdrawal-address.json"), localapi.DefaultWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := payout.Set(time.Now(), owner, true); err != nil {
		t.Fatal(err)
	}
	p := startDaemon(t, "", args...)
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	waitNodeState(t, ctx, d, addr, chain.NodeAvailable)
	ec, err := ethclient.DialContext(ctx, d.Network.RPC)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	cl := chain.NewClient(ec, d.Network, nil)

	first, err := d.Source().Create(ctx, engine.KindImage)
	if err != nil {
		t.Fatal(err)
	}
	waitTaskSettledFor(t, ctx, d, data, first)
	before, err := ec.BalanceAt(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	from, err := ec.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}

	second, err := d.Source().Create(ctx, engine.KindText)
	if err != nil {
		t.Fatal(err)
	}
	for {
		st, err := c.Status(ctx)
		if err == nil && st.Current != nil && st.Current.ID == second && st.Current.Phase == "running" {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("task %d never ran: %v", second, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, out, errOut := run(t, "leave", "-data", data)
	if code != ExitOK {
		t.Fatalf("hydrogend leave: exit %d\n%s\n%s\n%s", code, out, errOut, p.logText())
	}
	for _, want := range []string{"quit", "stake_returned", "fees_claimed", "done: the node is stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("hydrogend leave printed no %q:\n%s", want, out)
		}
	}
	waitTaskSettledFor(t, ctx, d, data, second) // the task in progress was finished and paid

	// The chain owes nothing; the node is out.
	for what, f := range map[string]func(context.Context, common.Address) (*big.Int, error){"stake": cl.StakeBalance, "fees": cl.FeeBalance} {
		if v, err := f(ctx, addr); err != nil || v.Sign() != 0 {
			t.Errorf("%s still owed: %v %v", what, v, err)
		}
	}
	if info, err := cl.Node(ctx, addr); err != nil || info.State != chain.NodeQuit {
		t.Fatalf("on chain: %+v %v", info, err)
	}
	// The ledger equals the chain to the wei.
	tasks, err := c.Tasks(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	earned := new(big.Int)
	for _, tk := range tasks {
		if tk.Outcome != "paid" {
			t.Errorf("task %d: %s", tk.ID, tk.Outcome)
		}
		earned.Add(earned, weiOf(t, tk.Earned))
	}
	acct, err := c.Account(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*big.Int{}
	var order []string
	for i := len(acct) - 1; i >= 0; i-- {
		a := acct[i]
		order = append(order, a.Move)
		if a.Move != api.MoveQuit && a.Tx == "" {
			t.Errorf("%s without a transaction", a.Move)
		}
		got[a.Move] = weiOf(t, a.Amount)
	}
	if strings.Join(order, ",") != "staked,quit,stake_returned,fees_claimed" {
		t.Fatalf("account %v", order)
	}
	stake := d.Network.Params.Registry.MinStake
	if got[api.MoveStaked].Cmp(stake) != 0 || got[api.MoveStakeReturned].Cmp(stake) != 0 || got[api.MoveFeesClaimed].Cmp(earned) != 0 {
		t.Fatalf("staked %s, returned %s, fees claimed %s; the stake is %s, the ledger's tasks earned %s",
			got[api.MoveStaked], got[api.MoveStakeReturned], got[api.MoveFeesClaimed], stake, earned)
	}
	after, err := ec.BalanceAt(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Only the first task's fee was earned before `before`, and it was
	// still owed then: both tasks' fees arrive now.
	gas := gasSince(t, ctx, ec, addr, from)
	want := new(big.Int).Add(before, stake)
	want.Add(want, earned).Sub(want, gas)
	if after.Cmp(want) != 0 {
		t.Fatalf("the wallet holds %s wei, want %s = %s + stake %s + fees %s − gas %s", after, want, before, stake, earned, gas)
	}

	// The whole balance can go to the owner's address: no reserve is kept
	// for a node out of the network.
	q, err := c.Withdraw(ctx, api.Withdraw{To: owner.Hex(), Amount: "all"})
	if err != nil || q.Reserve != "0" {
		t.Fatalf("quote %+v %v", q, err)
	}
	done, err := c.ConfirmWithdraw(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ec.BalanceAt(ctx, owner, nil); err != nil || b.Cmp(weiOf(t, done.Amount)) != 0 || b.Sign() == 0 {
		t.Fatalf("the owner received %v (%v), the withdrawal said %s", b, err, done.Amount)
	}
	if left, err := ec.BalanceAt(ctx, addr, nil); err != nil || left.Cmp(weiOf(t, q.Gas)) > 0 {
		t.Fatalf("the node's wallet kept %v wei (%v), more than the gas quoted %s", left, err, q.Gas)
	}

	// Restarted, the node stays out.
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.exited <- nil // for the cleanup
	startDaemon(t, "", args...)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := c.Status(ctx)
		if err == nil && st.State == "stopped" && st.Reason == "left_network" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a restart: %+v %v", st, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if info, err := cl.Node(ctx, addr); err != nil || info.State != chain.NodeQuit {
		t.Fatalf("a restarted daemon rejoined: %+v %v", info, err)
	}
}
