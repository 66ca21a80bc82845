package chain_test

import (
	"math"
	"testing"
)

// The audit rule of TaskManager (_judge, _finalize, _confirming,
// _unanimous, _supported and the verdicts) as a game, for the table in
// docs/protocol.md ("Incentives"). A colluding group holds a share f of
// the nodes; each auditor colludes with probability f. Colluders see every
// draw and every disclosed score, so the colluders of a panel choose their
// votes knowing who sits where (but not the second panel, drawn after the
// first disclosed); honest nodes disclose the truth as their GPU model
// computes it.
//
// A score is a point in two groups of bits (one image; the contract takes
// the worst image, so one is the worst case): a, the bits a colluder moves
// from the truth, and b, the 6 bits where two honest GPU models differ
// (the most measured). The distance of two scores is the number of bits
// they differ in: |a1 - a2| + |b1 - b2|. Two scores agree within 10, are
// in doubt within 24, and clearly differ beyond. Honest nodes of a seat
// group (the task's third seat, each panel) run one of two GPU models,
// b = 0 or 6, each case counted half. Colluders pick each vote from a grid
// of such points, silence, or no commit (a timeout or a hand-back); both
// seat orders of a panel are tried and the better one credited to the
// colluders.
//
// Limits: colluders' scores lie on one axis of bits (plus the noise bits),
// and panels are tried with the colluders first or last; other placements
// and orders may change the magnitudes, not the sign (docs/protocol.md).
//
// The value is the group's expected stake change per audited task at its
// best replies. hydrogend bench network plays the strategies on the real
// contracts; this model keeps the argument of the docs checkable.

// contradicted: an auditor of p1 agrees with a disclosed task seat that
// pairs leave out, and fewer than two auditors of p1 back pairs at their
// own risk (agree with them and clearly differ from every such seat)
// (_contradicted).
func contradicted(task, p1 []seat, pairs [][2]point) bool {
	var left []point
	for _, ts := range task {
		in := false
		for _, c := range pairs {
			if ts.s == c[0] || ts.s == c[1] {
				in = true
			}
		}
		if !in && ts.s.disclosed() {
			left = append(left, ts.s)
		}
	}
	var backers []point
	against := false
	others := append([]point{}, left...)
	for _, a := range p1 {
		if !a.s.disclosed() {
			continue
		}
		if nearest(a.s, pairs) == rAgree {
			backers = append(backers, a.s)
		}
		for _, k := range left {
			if relation(a.s, k) == rAgree {
				against = true
			}
		}
	}
	if !against {
		return false
	}
	n := 0
	for _, b := range backers {
		risked := true
		for _, x := range others {
			if relation(b, x) != rDiffer {
				risked = false
			}
		}
		if risked {
			n++
		}
	}
	return n < 2
}

const (
	silenceS = 0.1
	agreeAt  = 10 // distanceThreshold
	doubtAt  = 24 // doubtThreshold
	noiseB   = 6  // honest GPU models differ in these bits
)

const (
	rAgree = iota
	rDoubt
	rDiffer
)

type point struct {
	a, b int
	vote int // 0 disclosed, voteSilent, voteAbsent
}

const (
	voteSilent = 1 // committed, never disclosed (or an auditor's NO_ARGUMENTS)
	voteAbsent = 2 // never committed, or handed the seat back: no stake lost
)

var (
	silentVote = point{vote: voteSilent}
	absentVote = point{vote: voteAbsent}
)

// colluderVotes: the truth of either GPU model, points 10, 20 and 30 bits
// off it (in doubt, agreeing with a doubtful one, clearly differing),
// silence, absence.
var colluderVotes = func() []point {
	var v []point
	for _, a := range []int{0, 10, 18, 20, 28, 30} { // 18 and 28: a backer in doubt of the truth, a junk just past the doubt band
		for _, b := range []int{0, noiseB} {
			v = append(v, point{a: a, b: b})
		}
	}
	return append(v, silentVote, absentVote)
}()

type seat struct {
	colluder bool
	s        point
}

func (x point) disclosed() bool { return x.vote == 0 }

func relation(x, y point) int {
	d := abs(x.a-y.a) + abs(x.b-y.b)
	switch {
	case d <= agreeAt:
		return rAgree
	case d <= doubtAt:
		return rDoubt
	}
	return rDiffer
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// versus is a point's relation to a pair: the farther of the two.
func versus(x, p, q point) int { return max(relation(x, p), relation(x, q)) }

// pairOf is the first agreeing pair of disclosed seats (_pair).
func pairOf(ss []seat) (point, point, bool) {
	for i := range ss {
		if !ss[i].s.disclosed() {
			continue
		}
		for j := i + 1; j < len(ss); j++ {
			if ss[j].s.disclosed() && relation(ss[i].s, ss[j].s) == rAgree {
				return ss[i].s, ss[j].s, true
			}
		}
	}
	return point{}, point{}, false
}

// taskPairs are the task's agreeing pairs (_agreeingPair).
func taskPairs(task []seat) [][2]point {
	var out [][2]point
	for _, c := range [][2]int{{0, 1}, {0, 2}, {1, 2}} {
		x, y := task[c[0]].s, task[c[1]].s
		if x.disclosed() && y.disclosed() && relation(x, y) == rAgree {
			out = append(out, [2]point{x, y})
		}
	}
	return out
}

func unanimousWith(panel []seat, p, q point) bool {
	n := 0
	for _, s := range panel {
		if !s.s.disclosed() {
			continue
		}
		if versus(s.s, p, q) != rAgree {
			return false
		}
		n++
	}
	return n >= 3 // a panel decides only with all three auditors
}

// confirming are the task pairs every disclosure of panel agrees with.
func confirming(task, panel []seat) [][2]point {
	var out [][2]point
	for _, c := range taskPairs(task) {
		if unanimousWith(panel, c[0], c[1]) {
			out = append(out, c)
		}
	}
	return out
}

// far: x clearly differs from both points of every pair (slashable).
func far(x point, pairs [][2]point) bool {
	for _, c := range pairs {
		if relation(x, c[0]) != rDiffer || relation(x, c[1]) != rDiffer {
			return false
		}
	}
	return true
}

// nearest is a point's closest relation to any of pairs.
func nearest(x point, pairs [][2]point) int {
	r := rDiffer
	for _, c := range pairs {
		r = min(r, versus(x, c[0], c[1]))
	}
	return r
}

type outcome struct {
	value                    float64 // the group's stake change
	confirm, overturn, doubt float64 // probabilities of the verdict
	honestLost               float64 // honest stake lost, expected
}

func (o *outcome) add(w float64, e outcome) {
	o.value += w * e.value
	o.confirm += w * e.confirm
	o.overturn += w * e.overturn
	o.doubt += w * e.doubt
	o.honestLost += w * e.honestLost
}

// settle applies the verdicts: silence pays silenceS; with a verdict
// (the pairs it confirms, or one pair), a disclosed seat that clearly
// differs from all of them loses its stake unless spared (in doubt:
// unpaid); all of it goes to the seats that agree with one.
func settle(groups [][]seat, verdict bool, pairs [][2]point, spared func(point) bool) outcome {
	var o outcome
	pot := 0.0
	right, ours := 0, 0
	for _, ss := range groups {
		for _, s := range ss {
			lost := 0.0
			switch {
			case s.s.vote == voteSilent:
				lost = silenceS
			case s.s.vote == voteAbsent || !verdict:
			default:
				switch nearest(s.s, pairs) {
				case rAgree:
					right++
					if s.colluder {
						ours++
					}
				case rDiffer:
					if far(s.s, pairs) && (spared == nil || !spared(s.s)) {
						lost = 1
					}
				}
			}
			pot += lost
			if s.colluder {
				o.value -= lost
			} else {
				o.honestLost += lost
			}
		}
	}
	if right > 0 {
		o.value += pot * float64(ours) / float64(right)
	}
	return o
}

// anyDiffers reports whether a disclosed seat clearly differs from every
// pair (one the verdict would slash).
func anyDiffers(groups [][]seat, pairs [][2]point) bool {
	for _, ss := range groups {
		for _, s := range ss {
			if s.s.disclosed() && nearest(s.s, pairs) == rDiffer && far(s.s, pairs) {
				return true
			}
		}
	}
	return false
}

func samePairs(a, b [][2]point) [][2]point {
	var out [][2]point
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

// judge is the contract's verdict after the second panel: when the first
// confirmed while a seat differed, the second must confirm the same pair
// before anyone is slashed (holding something else, no verdict; neither,
// the first's verdict pays and slashes nobody — the model then pays no
// silence penalty to anyone, where the contract shares it among the
// seats that agreed: colluders never gain by silence either way);
// otherwise the second confirms a pair unless the first panel
// contradicts it (see contradicted), or overturns with a first-panel
// auditor who clearly differed from both seats of every pair of the task.
func judge(task, p1, p2 []seat) outcome {
	groups := [][]seat{task, p1, p2}
	if first := confirming(task, p1); len(first) > 0 {
		second := confirming(task, p2)
		if both := samePairs(first, second); len(both) > 0 {
			o := settle(groups, true, both, nil)
			o.confirm = 1
			return o
		}
		p, q, found := pairOf(p2)
		if len(second) > 0 || (found && unanimousWith(p2, p, q)) {
			o := settle(groups, false, nil, nil)
			o.doubt = 1
			return o
		}
		o := settle(groups, false, nil, nil) // paid, nobody slashed
		o.confirm = 1
		return o
	}
	c := confirming(task, p2)
	if len(c) > 0 && contradicted(task, p1, c) {
		// One agreed with a seat it leaves out, and nobody backed it at its own risk.
		o := settle(groups, false, nil, nil)
		o.doubt = 1
		return o
	}
	if len(c) > 0 {
		o := settle(groups, true, c, nil)
		o.confirm = 1
		return o
	}
	p, q, found := pairOf(p2)
	found = found && unanimousWith(p2, p, q)
	var spared func(point) bool
	if found {
		pairs := taskPairs(task)
		backs := func(x point) bool {
			for _, c := range pairs {
				if versus(x, c[0], c[1]) == rAgree {
					return true
				}
			}
			return false
		}
		opposes := func(x point) bool {
			for _, c := range pairs {
				if relation(x, c[0]) != rDiffer || relation(x, c[1]) != rDiffer {
					return false
				}
			}
			return true
		}
		supporters := 0
		for _, s := range p1 {
			if s.s.disclosed() && versus(s.s, p, q) == rAgree && opposes(s.s) {
				supporters++
			}
		}
		found = supporters >= 1
		if len(pairs) > 0 { // without any pair the task backed nothing: nobody is spared
			spared = func(x point) bool { return !backs(x) }
		}
	}
	o := settle(groups, found, [][2]point{{p, q}}, spared)
	if found {
		o.overturn = 1
	} else {
		o.doubt = 1
	}
	return o
}

// panels enumerates a panel with k colluders (each its own vote, as a
// multiset) and 3-k honest auditors, m of them on the second GPU model,
// in both seat orders.
func panels(k, m int) [][]seat {
	var out [][]seat
	var rec func(from int, prefix []point)
	rec = func(from int, prefix []point) {
		if len(prefix) == k {
			for _, first := range []bool{true, false} {
				var p []seat
				honest := func() { p = append(p, honestSeats(3-k, m)...) }
				if !first {
					honest()
				}
				for _, v := range prefix {
					p = append(p, seat{colluder: true, s: v})
				}
				if first {
					honest()
				}
				out = append(out, p)
				if k == 0 || k == 3 {
					break
				}
			}
			return
		}
		for i := from; i < len(colluderVotes); i++ {
			rec(i, append(append([]point{}, prefix...), colluderVotes[i]))
		}
	}
	rec(0, nil)
	return out
}

// honestSeats are n honest seats, the first m of them on the second GPU
// model.
func honestSeats(n, m int) []seat {
	out := make([]seat, n)
	for h := range out {
		if h < m {
			out[h].s.b = noiseB
		}
	}
	return out
}

func binomial3(k int, f float64) float64 {
	c := [4]float64{1, 3, 3, 1}[k]
	return c * math.Pow(f, float64(k)) * math.Pow(1-f, float64(3-k))
}

// panelsOf[k][m]: k colluders, m of the 3-k honest on the second model.
var panelsOf = func() (p [4][4][][]seat) {
	for k := range 4 {
		for m := 0; m <= 3-k; m++ {
			p[k][m] = panels(k, m)
		}
	}
	return p
}()

// modelMix is the chance that m of h honest auditors run the second GPU
// model (each does with probability one half).
func modelMix(h, m int) float64 {
	return float64([4][4]int{{1}, {1, 1}, {1, 2, 1}, {1, 3, 3, 1}}[h][m]) / float64(int(1)<<h)
}

// play is a task's audit solved once for every f: for each first-panel
// composition (k colluders, g honest on the second model) and choice,
// the colluders' best second-panel reply for each k2, averaged over its
// honest models.
type play struct {
	// first[k][g] lists, per first-panel choice, its confirmation outcome
	// (confirmed: no second panel) or its replies per k2.
	first [4][4][]choice
}

type choice struct {
	confirmed bool
	now       outcome    // when confirmed
	replies   [4]outcome // best reply per k2, averaged over the honest model
}

func solve(task []seat) play {
	var pl play
	for k := range 4 {
		for g := 0; g <= 3-k; g++ {
			for _, p1 := range panelsOf[k][g] {
				var c choice
				if cs := confirming(task, p1); len(cs) > 0 && !anyDiffers([][]seat{task, p1}, cs) {
					c.confirmed, c.now = true, settle([][]seat{task, p1}, true, cs, nil)
					c.now.confirm = 1
				} else {
					for k2 := range 4 {
						for h := 0; h <= 3-k2; h++ {
							var b2 *outcome
							for _, p2 := range panelsOf[k2][h] {
								if e := judge(task, p1, p2); b2 == nil || e.value > b2.value {
									b2 = &e
								}
							}
							c.replies[k2].add(modelMix(3-k2, h), *b2)
						}
					}
				}
				pl.first[k][g] = append(pl.first[k][g], c)
			}
		}
	}
	return pl
}

// at is the play's value at f: per first-panel composition, the best
// choice given the second panel's odds.
func (pl play) at(f float64) outcome {
	var total outcome
	for k := range 4 {
		for g := 0; g <= 3-k; g++ {
			var best *outcome
			for _, c := range pl.first[k][g] {
				o := c.now
				if !c.confirmed {
					o = outcome{}
					for k2 := range 4 {
						o.add(binomial3(k2, f), c.replies[k2])
					}
				}
				if best == nil || o.value > best.value {
					best = &o
				}
			}
			total.add(modelMix(3-k, g)*binomial3(k, f), *best)
		}
	}
	return total
}

// auditedAtOnce reports whether the task's own seats call an audit: no
// pair every disclosure agrees with (_judge).
func auditedAtOnce(task []seat) bool {
	for _, c := range taskPairs(task) {
		all := true
		for _, s := range task {
			if s.s.disclosed() && versus(s.s, c[0], c[1]) != rAgree {
				all = false
			}
		}
		if all {
			return false
		}
	}
	return true
}

type strategy struct {
	name  string
	tasks [][]seat // the seatings the group may choose among
}

// junk seats the group's colluders with score x and the honest rest on
// any mix of GPU models (colluders see them at the draw and cheat only
// where it suits them), colluders first or last.
func junk(colluders int, xs ...point) [][]seat {
	var out [][]seat
	for _, x := range xs {
		for m := 0; m <= 3-colluders; m++ {
			for _, first := range []bool{true, false} {
				var t []seat
				honest := func() { t = append(t, honestSeats(3-colluders, m)...) }
				if !first {
					honest()
				}
				for range colluders {
					t = append(t, seat{colluder: true, s: x})
				}
				if first {
					honest()
				}
				out = append(out, t)
				if colluders == 3 {
					break
				}
			}
		}
	}
	return out
}

var (
	madeUp    = []point{{a: 30}, {a: 30, b: noiseB}, {a: 28}, {a: 28, b: noiseB}} // clearly differs from the truth
	nearTruth = []point{{a: 20}, {a: 20, b: noiseB}}                              // in doubt of it
)

var strategies = []strategy{
	// A made-up result clearly differs from the truth (a random image is
	// 32 ± 4 bits off): what a group without the compute can disclose.
	{"junk trio", junk(3, madeUp...)},
	{"junk pair", junk(2, madeUp...)},
	{"lone junk seat", junk(1, madeUp...)},
	// Near the truth (in doubt of it): it takes nearly the real compute;
	// the doubt band leaves it unpaid when audited, never slashed.
	{"near-truth trio", junk(3, nearTruth...)},
	{"near-truth pair", junk(2, nearTruth...)},
	// Two colluders, two different made-up results: no pair in the task.
	{"split junk", [][]seat{
		{{s: point{}}, {colluder: true, s: point{a: 30}}, {colluder: true, s: point{a: 60}}},
		{{colluder: true, s: point{a: 30}}, {colluder: true, s: point{a: 60}}, {s: point{b: noiseB}}},
	}},
	// A chain inside the task: two colluders 20 and 10 bits off the
	// truth agree with each other, the nearer one with the honest third.
	{"chain pair", [][]seat{
		{{colluder: true, s: point{a: 20}}, {colluder: true, s: point{a: 10}}, {s: point{}}},
		{{colluder: true, s: point{a: 20}}, {colluder: true, s: point{a: 10}}, {s: point{b: noiseB}}},
		{{s: point{}}, {colluder: true, s: point{a: 10}}, {colluder: true, s: point{a: 20}}},
	}},
	{"auditors vs an honest task", [][]seat{
		{{s: point{}}, {s: point{}}, {s: point{}}},
		{{s: point{}}, {s: point{b: noiseB}}, {s: point{}}},
		{{s: point{b: noiseB}}, {s: point{}}, {s: point{b: noiseB}}},
	}},
}

// TestCollusionDoesNotPay checks the audit rule's incentives: for a
// colluding group of up to a third of the nodes every strategy loses
// stake in expectation (attacking an honest task is never worth trying),
// every junk seating beside an honest node is audited at once, and the
// figures are those docs/protocol.md states. Past f ≈ 0.37 attacking
// honest tasks pays: the model is sharp enough to see it.
func TestCollusionDoesNotPay(t *testing.T) {
	for _, s := range strategies[:7] {
		for _, tk := range s.tasks {
			if colluders := countColluders(tk); colluders < 3 && !auditedAtOnce(tk) {
				t.Errorf("%s %v escapes the immediate audit", s.name, tk)
			}
		}
	}
	got, lost := map[string]float64{}, map[string]float64{}
	var honest []play
	for _, s := range strategies {
		var plays []play
		for _, tk := range s.tasks {
			plays = append(plays, solve(tk))
		}
		if s.name == "auditors vs an honest task" {
			honest = plays
		}
		for _, f := range []float64{0.1, 0.2, 0.25, 1.0 / 3} {
			o := bestAt(plays, f)
			t.Logf("f=%.2f %-27s %+.2f·S  confirmed %.2f overturned %.2f doubt %.2f  honest stake lost %.3f·S",
				f, s.name, o.value, o.confirm, o.overturn, o.doubt, o.honestLost)
			if o.value > 1e-9 {
				t.Errorf("f=%.2f %s: the group gains %+.3f·S per audited task", f, s.name, o.value)
			}
			if f == 1.0/3 {
				got[s.name] = o.value
				lost[s.name] = o.honestLost
			}
		}
	}
	docs := map[string]float64{"junk trio": -0.65, "junk pair": -0.49, "lone junk seat": -0.18, "near-truth trio": -0.03, "near-truth pair": -0.04, "chain pair": 0, "split junk": -0.47, "auditors vs an honest task": 0}
	for name, want := range docs {
		if math.Abs(got[name]-want) > 0.005 {
			t.Errorf("%s at f = 1/3: %+.3f·S, docs/protocol.md says %+.2f·S", name, got[name], want)
		}
	}
	// What honest nodes lose when colluders try: a junk pair or a lone
	// junk seat (the commonest attempts) almost never costs an honest
	// stake (v2 lost 0.15·S per audited junk pair).
	for _, name := range []string{"junk pair", "lone junk seat", "chain pair", "auditors vs an honest task"} {
		if lost[name] > 0.03 {
			t.Errorf("%s at f = 1/3: honest nodes lose %.3f·S per audited task", name, lost[name])
		}
	}
	if v := bestAt(honest, 0.36).value; v > 1e-9 {
		t.Errorf("attacking honest tasks at f = 0.36 gains %+.4f·S", v)
	}
	if v := bestAt(honest, 0.40).value; v <= 0 {
		t.Errorf("attacking honest tasks at f = 0.40 gains %+.4f·S: the model no longer sees the limit", v)
	}
}

func countColluders(task []seat) (n int) {
	for _, s := range task {
		if s.colluder {
			n++
		}
	}
	return n
}

// bestAt is the best seating's outcome at f.
func bestAt(plays []play, f float64) outcome {
	var b *outcome
	for _, p := range plays {
		o := p.at(f)
		if b == nil || o.value > b.value {
			b = &o
		}
	}
	return *b
}
