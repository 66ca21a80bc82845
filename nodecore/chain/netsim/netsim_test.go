package netsim

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// TestNetwork500 is the standing check of the protocol against every
// strategy at once: 1,000 nodes and 500 tasks on the real contracts, a
// tenth of the nodes colluding. No honest node loses stake by noise or to
// a made-up verdict, the strategies that cheat lose money against honest
// nodes, every task ends, and what the simulation booked for every
// identity and application equals the contracts' balances to the wei.
func TestNetwork500(t *testing.T) {
	if testing.Short() {
		t.Skip("plays 500 tasks on the simulated chain")
	}
	cfg := DefaultConfig()
	cfg.Tasks = 500
	cfg.Shares[Colluder] = 0.10
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	t.Log("\n" + out.String())
	if rep.Tasks != cfg.Tasks {
		t.Errorf("%d of %d tasks finished", rep.Tasks, cfg.Tasks)
	}
	for _, p := range rep.Problems() {
		t.Errorf("problem: %s", p)
	}
	for _, h := range rep.HonestHurt {
		if h.Cause != HurtSilent {
			t.Errorf("honest node %s lost its stake on task %d: %s; %s", h.Node, h.Task, h.Cause, h.Seats)
		}
	}
	for _, st := range []Strategy{Lazy, Copier, Colluder} {
		if b := rep.Below(st); b != "yes" {
			t.Errorf("%s nodes earn %+.4f ± %.4f per node per 1,000 tasks, honest %+.4f ± %.4f: below honest %q, want yes",
				st, rep.Rows[st].Mean, rep.Rows[st].SE, rep.Rows[Honest].Mean, rep.Rows[Honest].SE, b)
		}
	}
	if rep.Rows[Lazy].Slashed == 0 || rep.Rows[Copier].Silent == 0 {
		t.Errorf("lazy nodes slashed %d times, copiers silent %d times: the cheats were never caught", rep.Rows[Lazy].Slashed, rep.Rows[Copier].Silent)
	}
	if rep.Outcomes["done"] < cfg.Tasks/2 {
		t.Errorf("only %d of %d tasks got a result: %v", rep.Outcomes["done"], cfg.Tasks, rep.Outcomes)
	}
	if len(rep.Ledger) != 0 {
		t.Errorf("the books differ from the chain: %v", rep.Ledger)
	}
	// Keepers draw in the block a round is read: the steering creator
	// gets its two allies about as often as chance gives them (without
	// keepers: 77 % of its tasks at a tenth of colluders).
	if st := rep.Steered; st[2]+st[3] > (st[0]+st[1]+st[2]+st[3])/3 {
		t.Errorf("the steering creator got two allies on %d of %d tasks despite the keepers", st[2]+st[3], st[0]+st[1]+st[2]+st[3])
	}
	img, err := Chart([]*Report{rep})
	if err != nil {
		t.Fatal(err)
	}
	if cfgImg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfgImg.Width < 600 {
		t.Errorf("chart: %+v %v", cfgImg, err)
	}
}

// TestNoiseModel checks the honest noise model against its documented
// figures: the same GPU model within 2 bits, different models mostly
// within the 10-bit threshold with a tail past it, none past the 24-bit
// doubt threshold; a wider MaxDeviation reaches past it.
func TestNoiseModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := &Sim{r: r, cfg: DefaultConfig()}
	const tasks = 4000
	var same, past10, past24, cross int
	for i := range tasks {
		tk := &task{id: uint64(i), images: 1, truth: randomImages(r, 1), dev: map[int][]uint64{}, text: map[int][]byte{}, spec: chain.Spec{Type: chain.TaskImage}}
		a, b, c := &node{gpu: 0}, &node{gpu: 0}, &node{gpu: 1}
		sa, sb, sc := s.honestScore(tk, a), s.honestScore(tk, b), s.honestScore(tk, c)
		same = max(same, distance(sa, sb))
		d := distance(sa, sc)
		cross++
		if d > 10 {
			past10++
		}
		if d > 24 {
			past24++
		}
	}
	if same > 2 {
		t.Errorf("two cards of one model differ by %d bits, want at most 2", same)
	}
	if f := float64(past10) / float64(cross); f < 0.02 || f > 0.15 {
		t.Errorf("%.1f %% of pairs of two models are past 10 bits, want the documented tail (about 7 %%)", 100*f)
	}
	if past24 != 0 {
		t.Errorf("%d pairs of two models past 24 bits: honest work would be slashed", past24)
	}
	s.cfg.MaxDeviation = 20
	wide := 0
	for i := range tasks {
		tk := &task{id: uint64(i), images: 1, truth: randomImages(r, 1), dev: map[int][]uint64{}, text: map[int][]byte{}, spec: chain.Spec{Type: chain.TaskImage}}
		if distance(s.honestScore(tk, &node{gpu: 0}), s.honestScore(tk, &node{gpu: 1})) > 24 {
			wide++
		}
	}
	if wide == 0 {
		t.Error("a maximum deviation of 20 bits never goes past the doubt threshold")
	}
}

func TestConfigValidate(t *testing.T) {
	ok := DefaultConfig()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(*Config){
		"shares": func(c *Config) { c.Shares[Lazy] = 0.7 },
		"nodes":  func(c *Config) { c.Nodes = 3 },
		"rate":   func(c *Config) { c.Rate = 0 },
		"fee":    func(c *Config) { c.Fee = nil },
		"steer":  func(c *Config) { c.SteerWant = 4 },
		"text":   func(c *Config) { c.TextDiverge = 2 },
	} {
		c := DefaultConfig()
		f(&c)
		if err := c.Validate(); err == nil || !strings.HasPrefix(err.Error(), "netsim: ") {
			t.Errorf("%s: %v, want a clear error", name, err)
		}
	}
}

// TestChanceOfSeats: the chance baselines the report prints are the
// hypergeometric odds of three seats drawn from the drawable members.
func TestChanceOfSeats(t *testing.T) {
	for _, c := range []struct {
		k, colluders, all int
		want              float64
	}{
		{3, 3, 3, 1}, {2, 1, 10, 0}, {0, 4, 10, 1}, {2, 5, 10, 0.5}, {3, 5, 10, 10.0 / 120}, {1, 0, 5, 0}, {3, 2, 2, 0},
	} {
		if got := atLeast(c.k, c.colluders, c.all); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("atLeast(%d, %d, %d) = %v, want %v", c.k, c.colluders, c.all, got, c.want)
		}
	}
}
