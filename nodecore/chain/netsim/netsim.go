// Package netsim plays a Hydrogen network of many nodes and applications
// on the real contracts, to see what each strategy earns: honest, slow,
// flaky, lazy, copying, over-claiming, colluding and yield-abusing nodes;
// honest, griefing and steering applications. Every protocol step is a
// real transaction on go-ethereum's simulated chain under plain Osaka
// rules (the bytecode the devnet deploys); only what happens off-chain
// (computing, downloading, being away) is scripted per identity.
// `hydrogend bench network` runs it and prints the table.
//
// The chain mines a block every second of its clock with every
// transaction sent for it, and jumps ahead when nobody has anything to
// send; actors see a block's events and answer from the next one.
package netsim

import (
	"container/heap"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/internal/attack"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// Strategy is how a node behaves.
type Strategy uint8

const (
	Honest      Strategy = iota // computes every task, answers at once
	Slow                        // honest, always the last to commit
	Flaky                       // honest, but away for stretches: pauses, crashes, quits and rejoins
	Lazy                        // never computes: commits a random score
	Copier                      // copies another seat's commitment and disclosure
	Claimer                     // claims 80 GiB and every model; computes only what its card can run
	Colluder                    // a group: junk when it holds a task's majority, honest otherwise
	YieldAbuser                 // hands back tasks it does not like (low fees, text) to be drawn for better ones
	numStrategies
)

var strategyNames = [numStrategies]string{"honest", "slow", "flaky", "lazy", "copier", "claimer", "colluder", "yield-abuser"}

func (s Strategy) String() string { return strategyNames[s] }

// ParseStrategy reads a strategy's name.
func ParseStrategy(name string) (Strategy, error) {
	for i, n := range strategyNames {
		if n == name {
			return Strategy(i), nil
		}
	}
	return 0, fmt.Errorf("netsim: no strategy %q (have %s)", name, strings.Join(strategyNames[:], ", "))
}

// Config is one run.
type Config struct {
	Nodes int     // registered at the start
	Tasks int     // created over the run
	Rate  float64 // tasks created per second of the chain's clock, network-wide
	Apps  int     // honest applications sharing the tasks

	// Shares of the nodes per strategy (honest takes the rest). The
	// colluders' share is Shares[Colluder].
	Shares [numStrategies]float64
	// SilentMinority: colluders without a majority commit junk and stay
	// silent instead of computing.
	SilentMinority bool
	// CheatSeats is how many of a task's three seats the colluders must
	// hold to vote junk: 2 (a majority) or 3 (only a whole task, the
	// audit coin being the only risk).
	CheatSeats int

	Grief     float64 // share of the tasks created by the three griefing applications
	Steer     float64 // share of the tasks created by the steering creator
	SteerWant int     // allies the steerer wants among its tasks' three nodes

	Fee      *big.Int // an honest application's typical fee (wei); each pays 0.8–1.5× it
	Compute  *big.Int // what computing one task costs a node (wei of electricity)
	GasPrice *big.Int // wei per gas, for the profit (the simulated chain's own base fee falls to nothing)

	MaxDeviation int     // most bits one GPU model's image departs from the reference (noise model)
	TextDiverge  float64 // chance that two GPU models write different text for a task
	Timeout      uint32  // seconds a task gives its nodes to commit
	Respawn      bool    // dishonest identities removed are replaced by new ones with a new stake
	// Keeper: an honest member draws every draw in the block its round
	// can be read (the product's nodes keep the network's draws,
	// node/keeper.go), so that neither a creator nor colluding seats
	// choose the block a draw happens in. Off: creators draw their tasks
	// and seated nodes their auditors, as before keepers.
	Keeper bool

	Seed     uint64
	Params   *chain.Params // nil: chain.DefaultParams
	Progress io.Writer     // progress lines; nil for none
	Verbose  bool          // the report shows the first of each kind of revert
}

// DefaultConfig is the run the issue asks for: 1,000 nodes, 10,000 tasks.
func DefaultConfig() Config {
	c := Config{
		Nodes: 1000, Tasks: 10_000, Rate: 1, Apps: 8,
		Grief: 0.05, Steer: 0.03, SteerWant: 2, CheatSeats: 2,
		Fee: milli(1), Compute: micro(50), GasPrice: big.NewInt(10_000_000), // 0.01 gwei
		MaxDeviation: len(deviationWeights) - 1, Timeout: 180, Respawn: true, Keeper: true, Seed: 1,
	}
	c.Shares[Slow] = 0.05
	c.Shares[Flaky] = 0.05
	c.Shares[Lazy] = 0.03
	c.Shares[Copier] = 0.02
	c.Shares[Claimer] = 0.03
	c.Shares[YieldAbuser] = 0.03
	c.Shares[Colluder] = 0.33
	return c
}

func milli(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e15)) }
func micro(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e12)) }

// Validate reports a configuration that cannot run.
func (c Config) Validate() error {
	var sum float64
	for s, v := range c.Shares {
		if v < 0 || v > 1 {
			return fmt.Errorf("netsim: the %s share %.2f is not between 0 and 1", Strategy(s), v)
		}
		sum += v
	}
	switch {
	case c.Nodes < 10:
		return errors.New("netsim: need at least 10 nodes")
	case c.Tasks < 1:
		return errors.New("netsim: need at least one task")
	case c.Rate <= 0 || math.IsInf(c.Rate, 0) || math.IsNaN(c.Rate):
		return errors.New("netsim: the task rate must be positive")
	case c.Apps < 1:
		return errors.New("netsim: need at least one honest application")
	case sum >= 1:
		return fmt.Errorf("netsim: the strategies' shares add up to %.2f: honest nodes need the rest", sum)
	case c.Grief < 0 || c.Steer < 0 || c.Grief+c.Steer >= 1:
		return errors.New("netsim: griefing and steering shares must be between 0 and 1 together")
	case c.CheatSeats < 2 || c.CheatSeats > 3:
		return errors.New("netsim: colluders cheat holding 2 or 3 seats")
	case c.SteerWant < 0 || c.SteerWant > 3:
		return errors.New("netsim: the steerer wants 0 to 3 allies")
	case c.Fee == nil || c.Fee.Sign() <= 0 || c.Compute == nil || c.Compute.Sign() < 0 || c.GasPrice == nil || c.GasPrice.Sign() < 0:
		return errors.New("netsim: fee must be positive, compute cost and gas price not negative")
	case c.MaxDeviation < 0 || c.MaxDeviation > 32:
		return errors.New("netsim: the noise model's deviation must be 0 to 32 bits")
	case c.TextDiverge < 0 || c.TextDiverge > 1:
		return errors.New("netsim: text divergence is a probability")
	}
	return nil
}

// ---------------------------------------------------------------- world

// A node: an identity with a strategy, its real card and what it claims.
type node struct {
	actor
	strat    Strategy
	slot     int // the strategy's slot it fills (a respawned identity takes its predecessor's)
	gpu      int // index in gpus
	vram     uint32
	claimed  uint32 // VRAM it declared
	version  chain.Version
	held     map[common.Hash]bool // models it really has
	fetching map[common.Hash]bool
	bw       float64 // download MB/s

	state    chain.NodeState // as the chain last said
	stake    *big.Int        // as the simulation books it
	away     bool            // the owner is using the PC (flaky): no tasks
	crashed  bool            // the PC is off (flaky): it does nothing
	yields   []uint64        // times of its ordinary yields
	seats    map[uint64]int  // task → seat
	gone     bool            // removed for good (slashed or kicked, not rejoining)
	quitting bool            // it quit on purpose (flaky), and rejoins at back
	back     uint64          // when a flaky owner who quit comes back
	fees     *big.Int
	shares   *big.Int
	lost     *big.Int // stake slashed
	compute  *big.Int // electricity of the tasks it computed
	s        *Sim
}

// An application creating tasks.
type app struct {
	actor
	kind    appKind
	steerer common.Address // the Steerer contract (steering creator)
	tasks   int
	spent   *big.Int // fees paid
	refund  *big.Int // refunds booked
	results int      // tasks that got a result
}

type appKind uint8

const (
	appHonest    appKind = iota
	appMinFee            // always the minimum fee
	appNoArgs            // never stores the arguments
	appFakeModel         // asks for a model that does not exist
	appSteer             // draws its own tasks only when its allies hold the seats
	numAppKinds
)

var appNames = [numAppKinds]string{"honest", "minimum fee", "no arguments", "made-up model", "steering"}

// A task as the simulation follows it: the chain's view plus the truth.
type task struct {
	id      uint64
	spec    chain.Spec
	app     *app
	fee     *big.Int
	model   *aiModel // nil: made-up
	images  int
	truth   []uint64
	dev     map[int][]uint64 // per GPU model: its departure from the truth
	text    map[int][]byte   // per GPU model: its text score
	created uint64
	timeout uint32

	state          chain.TaskState
	panels         int
	seats          [chain.Seats]*node
	votes          [chain.Seats]*chain.Vote
	committed      uint16
	disclosed      uint16
	commitDeadline uint64
	deadline       uint64 // disclose, or result when Validated
	coin           bool
	cheat          bool   // colluders hold a majority and vote junk
	junk           []byte // their shared made-up score
	audited        bool
	steerTries     int
	requested      uint64 // chain time of the round awaited (TaskDrawing)
	finished       bool
	outcome        chain.Outcome
	honest         uint16
	slashed        uint16
	closing        uint64 // the deadline a close was sent for
	drawing        bool   // a draw is queued
	submitting     bool
	gas            uint64
	decided        bool     // the colluders looked at their hand
	waiting        []func() // slow nodes waiting for the others to commit
	silent         uint16   // seats that will not disclose
	copied         uint16   // seats holding a copied vote
	made           uint16   // seats whose vote is made up (not computed)
}

// Sim is one run in progress.
type Sim struct {
	cfg      Config
	r        *rand.Rand
	net      *simchain.Net
	backend  *simchain.Backend
	receipts receiptsReader
	signer   types.Signer
	chainID  *big.Int
	pack     chain.Calls
	params   chain.Params

	now, start uint64
	blocks     int
	queue      []*txReq
	timers     timers
	seq        uint64

	nodes  []*node
	byAddr map[common.Address]*node
	apps   []*app
	appBy  map[common.Address]*app
	bank   *actor
	tasks  map[uint64]*task
	order  []*task // by id
	seated []seatNote

	created, finishedN int
	nextCreate         float64
	steerer            *app
	steererABI         *abi.ABI
	steerBind          *attack.Steerer

	rows        [numStrategies]*Row
	callGasUsed [numCalls]uint64
	calls       [numCalls]int
	reverts     map[revertKey]int
	revertFirst map[revertKey]string // what the first of each looked like
	blockGas    []uint64
	samples     []Sample
	honestHurt  []Hurt // every honest node's stake loss, and why
	pendingHurt map[uint64][]hurt
	pendingPot  map[uint64]*big.Int
	burned      *big.Int

	committedNote []*task
	disclosing    []*task
	gasPerTask    []uint64
	gasPlain      []uint64 // tasks done without an audit
	steered       [4]int   // the steerer's tasks by allies seated
	junkPanels    [4]int   // audit panels of junk tasks by colluders seated
	junkChance    float64  // of those panels, how many chance alone would give wholly to the colluders
	steerChance   float64  // of the steering creator's tasks, how many chance alone would give two allies
	drawBurned    *big.Int // the task manager's burned: minimum fees of missed draws
	drawMissed    int      // tasks nobody drew within the draw window
	audits        int
	disagreements int
	failures      []string
	tooFew        map[string]int
	remined       int // blocks mined again for a transaction the pool held back
	progressEvery time.Duration
	tmBind        *bindings.TaskManager
}

type seatNote struct {
	t    *task
	n    *node
	slot int
}

// Run plays cfg and reports.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	began := time.Now()
	s, err := setup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer s.net.Close()
	if err := s.loop(ctx); err != nil {
		return nil, err
	}
	rep, err := s.report(ctx)
	if err != nil {
		return nil, err
	}
	rep.Wall = time.Since(began)
	return rep, nil
}

// nodeCounts splits n nodes by share, honest taking the rest.
func nodeCounts(cfg Config) [numStrategies]int {
	var c [numStrategies]int
	rest := cfg.Nodes
	for s := Slow; s < numStrategies; s++ {
		c[s] = int(math.Round(cfg.Shares[s] * float64(cfg.Nodes)))
		rest -= c[s]
	}
	c[Honest] = rest
	return c
}

func setup(ctx context.Context, cfg Config) (*Sim, error) {
	p := chain.DefaultParams()
	if cfg.Params != nil {
		p = *cfg.Params
	}
	apps := cfg.Apps + 3 + 1 // honest, three griefers, the steerer
	net, err := simchain.StartWith(cfg.Nodes+apps+1, &p, simchain.Options{Batch: true, BlockGas: 1_000_000_000, Funds: simchain.Eth(1_000_000)})
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			net.Close()
		}
	}()
	rr, isRR := net.Backend.Client.(receiptsReader)
	if !isRR {
		return nil, errors.New("netsim: the simulated client cannot read a block's receipts")
	}
	sabi, err := attack.SteererMetaData.ParseABI()
	if err != nil {
		return nil, err
	}
	s := &Sim{
		cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		net: net, backend: net.Backend, receipts: rr, chainID: net.Network.ChainID.ToInt(),
		pack: chain.NewCalls(), params: p,
		byAddr: map[common.Address]*node{}, appBy: map[common.Address]*app{}, tasks: map[uint64]*task{},
		reverts: map[revertKey]int{}, revertFirst: map[revertKey]string{}, pendingPot: map[uint64]*big.Int{}, burned: new(big.Int), drawBurned: new(big.Int), pendingHurt: map[uint64][]hurt{}, tooFew: map[string]int{}, tmBind: bindings.NewTaskManager(),
		steererABI: sabi, steerBind: attack.NewSteerer(),
		progressEvery: 10 * time.Second,
	}
	s.signer = types.LatestSignerForChainID(s.chainID)
	for i := range s.rows {
		s.rows[i] = &Row{Strategy: Strategy(i).String(), Fees: new(big.Int), Shares: new(big.Int), Lost: new(big.Int), Compute: new(big.Int)}
	}
	head, err := s.backend.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	s.now = head.Time
	s.advance(s.now + 3600) // clear of the wall clock: every block is one second on

	accts := net.Accounts
	bank := newActor(accts[0].Key)
	s.bank = &bank
	accts = accts[1:]
	counts := nodeCounts(cfg)
	var strats []Strategy
	for st, c := range counts {
		for range c {
			strats = append(strats, Strategy(st))
		}
	}
	s.r.Shuffle(len(strats), func(i, j int) { strats[i], strats[j] = strats[j], strats[i] })
	slots := [numStrategies]int{}
	for i, st := range strats {
		n := s.newNode(accts[i].Key, st, slots[st])
		slots[st]++
		s.rows[st].Nodes++
		s.join(n, true)
	}
	accts = accts[len(strats):]
	for i := range apps {
		a := &app{actor: newActor(accts[i].Key), spent: new(big.Int), refund: new(big.Int)}
		switch {
		case i < cfg.Apps:
			a.kind = appHonest
		case i < cfg.Apps+3:
			a.kind = appKind(i - cfg.Apps + 1)
		default:
			a.kind = appSteer
			s.steerer = a
		}
		s.apps = append(s.apps, a)
		s.appBy[a.addr] = a
	}
	// The joins, a few hundred per block.
	joins := s.queue
	for len(joins) > 0 {
		k := min(len(joins), 250)
		s.queue, joins = joins[:k], joins[k:]
		if err := s.mine(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.deploySteerer(ctx); err != nil {
		return nil, err
	}
	for _, n := range s.nodes {
		if n.state != chain.NodeAvailable {
			return nil, fmt.Errorf("netsim: node %s did not join (%s)", n.addr, n.state)
		}
		if n.strat == Flaky {
			s.flakyCycle(n)
		}
	}
	s.start = s.now
	s.nextCreate = float64(s.now) + 1
	ok = true
	return s, nil
}

// newNode makes an identity of a strategy: a card drawn from the
// network's mix, the models its owner has, a download speed.
func (s *Sim) newNode(key *ecdsa.PrivateKey, st Strategy, slot int) *node {
	n := &node{
		actor: newActor(key), strat: st, slot: slot, held: map[common.Hash]bool{}, fetching: map[common.Hash]bool{},
		seats: map[uint64]int{}, stake: new(big.Int), fees: new(big.Int), shares: new(big.Int), lost: new(big.Int), compute: new(big.Int), s: s,
		bw: 20 + 80*s.r.Float64(),
	}
	x := s.r.Float64()
	for i, g := range gpus {
		if x < g.share || i == len(gpus)-1 {
			n.gpu = i
			break
		}
		x -= g.share
	}
	n.vram = gpus[n.gpu].vram
	n.claimed = n.vram
	if st == Claimer {
		n.claimed = 81920
	}
	n.version = chain.Version{Major: 1, Minor: 0, Patch: uint8(s.r.IntN(4))}
	if s.r.Float64() < share11 {
		n.version = chain.Version{Major: 1, Minor: 1, Patch: uint8(s.r.IntN(2))}
	}
	for _, m := range aiModels {
		if m.vram <= n.vram && s.r.Float64() < m.held {
			n.held[m.hash()] = true
		}
	}
	s.nodes = append(s.nodes, n)
	s.byAddr[n.addr] = n
	return n
}

// row is the node's strategy's tally.
func (n *node) row() *Row { return n.s.rows[n.strat] }

// join sends the node's join with a stake of minStake (or, rejoining,
// what still unbonds).
func (s *Sim) join(n *node, fresh bool) {
	var models []common.Hash
	for _, m := range aiModels {
		if n.held[m.hash()] || n.strat == Claimer {
			models = append(models, m.hash())
		}
	}
	slices.SortFunc(models, func(a, b common.Hash) int { return a.Cmp(b) })
	value := new(big.Int)
	if fresh {
		value.Set(s.params.Registry.MinStake)
	}
	s.send(&txReq{from: &n.actor, to: s.net.Network.Registry, kind: callJoin, who: n, value: value,
		data: s.pack.Join(chain.JoinRequest{GPUName: gpus[n.gpu].name, VRAMMiB: n.claimed, Version: n.version, Models: models}),
		done: func(r *types.Receipt) {
			if r.Status == types.ReceiptStatusSuccessful {
				n.stake.Add(n.stake, value)
				if fresh {
					s.rows[n.strat].Staked++
				}
			}
		}})
}

// deploySteerer deploys the steering creator's contract and names its
// allies: the colluders.
func (s *Sim) deploySteerer(ctx context.Context) error {
	a := s.steerer
	tx, err := types.SignNewTx(a.key, s.signer, &types.DynamicFeeTx{
		ChainID: s.chainID, Nonce: a.nonce, GasTipCap: tipCap, GasFeeCap: feeCap, Gas: callGas[callSetup],
		Data: append(common.FromHex(attack.SteererMetaData.Bin), s.steerBind.PackConstructor(s.net.Network.Tasks)...),
	})
	if err != nil {
		return err
	}
	if err := s.backend.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	a.nonce++
	a.steerer = crypto.CreateAddress(a.addr, tx.Nonce())
	if err := s.mine(ctx); err != nil {
		return err
	}
	var allies []common.Address
	for _, n := range s.nodes {
		if n.strat == Colluder {
			allies = append(allies, n.addr)
		}
	}
	s.addAllies(allies)
	return s.mine(ctx)
}

func (s *Sim) addAllies(allies []common.Address) {
	for len(allies) > 0 {
		k := min(len(allies), 200)
		s.send(&txReq{from: &s.steerer.actor, to: s.steerer.steerer, kind: callSetup, data: s.steerBind.PackAddAllies(allies[:k])})
		allies = allies[k:]
	}
}

// ---------------------------------------------------------------- loop

func (s *Sim) loop(ctx context.Context) error {
	lastNote := time.Now()
	idleSince := uint64(0)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.createDue()
		for s.timers.Len() > 0 && s.timers[0].at <= s.now+1 {
			heap.Pop(&s.timers).(timer).fn()
		}
		if s.created >= s.cfg.Tasks && s.finishedN >= s.created && len(s.queue) == 0 {
			return nil
		}
		if len(s.queue) == 0 {
			next := uint64(math.MaxUint64)
			if s.timers.Len() > 0 {
				next = s.timers[0].at
			}
			if s.created < s.cfg.Tasks {
				next = min(next, uint64(math.Ceil(s.nextCreate)))
			}
			if next == math.MaxUint64 {
				s.stuck("nothing left to do")
				return nil
			}
			s.advance(next)
			if idleSince == 0 {
				idleSince = s.now
			}
			if s.created >= s.cfg.Tasks && s.now-idleSince > 6*3600 {
				s.stuck("six hours without a transaction")
				return nil
			}
			continue
		}
		idleSince = 0
		if err := s.mine(ctx); err != nil {
			return err
		}
		if s.cfg.Progress != nil && time.Since(lastNote) > s.progressEvery {
			lastNote = time.Now()
			fmt.Fprintf(s.cfg.Progress, "netsim: %d/%d tasks created, %d finished, %d blocks, chain time %s; %s\n",
				s.created, s.cfg.Tasks, s.finishedN, s.blocks, time.Duration(s.now-s.start)*time.Second, s.census())
		}
	}
}

// stuck records the tasks that never finished.
func (s *Sim) stuck(why string) {
	var open []string
	for _, t := range s.order {
		if !t.finished {
			open = append(open, fmt.Sprintf("task %d %s (panels %d, committed %09b, disclosed %09b)", t.id, t.state, t.panels, t.committed, t.disclosed))
		}
	}
	if len(open) > 10 {
		open = append(open[:10], fmt.Sprintf("and %d more", len(open)-10))
	}
	s.failures = append(s.failures, fmt.Sprintf("%s with %d of %d tasks created and %d never finished: %s",
		why, s.created, s.cfg.Tasks, s.created-s.finishedN, strings.Join(open, "; ")))
}

// census counts nodes and open tasks by state, for progress lines.
func (s *Sim) census() string {
	nodes := map[chain.NodeState]int{}
	for _, n := range s.nodes {
		if !n.gone {
			nodes[n.state]++
		}
	}
	tasks := map[chain.TaskState]int{}
	for _, t := range s.order {
		if !t.finished {
			tasks[t.state]++
		}
	}
	return fmt.Sprintf("nodes %v, open tasks %v", nodes, tasks)
}
