package chain_test

import (
	"math/big"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// fOff is fTrue with the lowest bits of its first image flipped: 20 bits
// off is in doubt of the truth; 30 bits off clearly differs from it and
// agrees with 20 (10 apart): agreement is not transitive.
func fOff(bits int) []byte {
	return chain.ImageScore(0x0123456789abcdef^(uint64(1)<<bits-1), 0xfedcba9876543210, 0x0f1e2d3c4b5a6978, 0x8796a5b4c3d2e1f0)
}

// auditWorld is a task agreed by three nodes on votes, its coin flipped to
// an audit, and the first panel drawn from panel1.
func auditWorld(t *testing.T, n *simchain.Net, task, panel1 []*simchain.Account, app *simchain.Account, scores ...[]byte) (uint64, []*simchain.Account) {
	t.Helper()
	fJoin(t, task, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	fPlay(t, id, seats, fVotes(t, scores...))
	if ti := fTask(t, n, id); ti.State == chain.TaskValidated && ti.Coin {
		fFlip(t, n, app, id)
	}
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("the task is %s, want auditing", st)
	}
	return id, drawFirst(t, n, app, id, panel1)
}

// drawFirst joins panel1 and draws the first audit panel of task id.
func drawFirst(t *testing.T, n *simchain.Net, app *simchain.Account, id uint64, panel1 []*simchain.Account) []*simchain.Account {
	t.Helper()
	fJoin(t, panel1, 24576, fVer)
	drawn := fDrawAfterJoins(t, app, id, fSpec())
	return fAccts(t, n, drawn[3:6])
}

func drawSecond(t *testing.T, n *simchain.Net, app *simchain.Account, id uint64, panel2 []*simchain.Account) []*simchain.Account {
	t.Helper()
	if ti := fTask(t, n, id); ti.State != chain.TaskAuditing || ti.Panels != 2 {
		t.Fatalf("the first panel led to %s with %d panels, want a second panel", ti.State, ti.Panels)
	}
	fJoin(t, panel2, 24576, fVer)
	drawn := fDrawAfterJoins(t, app, id, fSpec())
	return fAccts(t, n, drawn[6:9])
}

func wantNobodySlashed(t *testing.T, n *simchain.Net, accts []*simchain.Account) {
	t.Helper()
	for _, a := range accts {
		if ni := fNode(t, n, a.Addr); ni.Slashes != 0 || ni.Stake.Cmp(simchain.Eth(1)) != 0 {
			t.Errorf("%s: stake %s slashes %d, want untouched", a.Addr, ni.Stake, ni.Slashes)
		}
	}
}

// TestAuditDoubtCannotSupportAnOverturn: a colluding first-panel auditor
// discloses a score only in doubt of the honest task's (20 bits off, which
// costs it nothing), so the first panel does not confirm; a wholly
// colluding second panel then discloses one agreeing with it but clearly
// differing from the truth (30 bits off). Overturning needs a first-panel
// auditor who clearly differed from the task and so risked its stake:
// the doubtful one did not, so nothing is established and no honest node
// loses anything.
func TestAuditDoubtCannotSupportAnOverturn(t *testing.T) {
	n := simchain.New(t, 10, fParams(10_000))
	honest, h1, h2, z, app, panel2 := n.Accounts[:3], n.Accounts[3], n.Accounts[4], n.Accounts[5], n.Accounts[6], n.Accounts[7:10]
	id, aud := auditWorld(t, n, honest, []*simchain.Account{h1, h2, z}, app, fTrue, fTrue, fTrue)
	fPlay(t, id, aud, fVotesBy(t, aud, fOne(z, fOff(20), fTrue)))
	aud2 := drawSecond(t, n, app, id, panel2)
	fPlay(t, id, aud2, fVotes(t, fOff(30), fOff(30), fOff(30)))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != 0 {
		t.Fatalf("doubt as support: %s %s slashed %09b, want no verdict, nobody slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, append(append([]*simchain.Account{}, honest...), h1, h2))
}

// TestAuditPairInDoubtIsAuditedAtOnce: a pair that discloses a score in
// doubt of the honest third's no longer takes the whole fee unaudited: a
// score in doubt of the pair is a disagreement, audited at once. The
// honest first panel is in doubt of the pair too, so a second panel
// decides; unanimous for the truth, it cannot slash the pair (in doubt,
// nobody who was only in doubt is slashed) nor does it have a first-panel
// auditor who clearly differed from the pair, so the task ends without a
// verdict: the pair earns nothing, and nobody honest loses stake.
func TestAuditPairInDoubtIsAuditedAtOnce(t *testing.T) {
	n := simchain.New(t, 10, fParams(0)) // no coin audits: only the disagreement audits
	c1, c2, h, app := n.Accounts[0], n.Accounts[1], n.Accounts[2], n.Accounts[3]
	panel1, panel2 := n.Accounts[4:7], n.Accounts[7:10]
	fJoin(t, []*simchain.Account{c1, c2, h}, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	fPlay(t, id, seats, fVotesBy(t, seats, fOne(h, fTrue, fOff(20))))
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("a pair in doubt of the third: %s, want audited at once", st)
	}
	fPlay(t, id, drawFirst(t, n, app, id, panel1), fVotes(t, fTrue, fTrue, fTrue))
	fPlay(t, id, drawSecond(t, n, app, id, panel2), fVotes(t, fTrue, fTrue, fTrue))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority {
		t.Fatalf("the pair in doubt, audited: %s %s, want no verdict (refunded)", ti.State, ti.Outcome)
	}
	for _, c := range []*simchain.Account{c1, c2} {
		fWantBig(t, "the pair's fee", fFeeBal(t, n, c.Addr), new(big.Int))
	}
	wantNobodySlashed(t, n, append(append([]*simchain.Account{h}, panel1...), panel2...))
}

// TestAuditHandBacksCannotSaveAJunkTrio: two colluding auditors of a junk
// trio's first panel hand their seats back (free) after the honest one
// committed. The honest auditor still discloses (a panel of one), so its
// score, clearly differing from the trio's, supports the honest second
// panel's verdict: the trio is slashed.
func TestAuditHandBacksCannotSaveAJunkTrio(t *testing.T) {
	p := fParams(10_000)
	n := simchain.New(t, 11, p)
	trio, h, helpers, app, panel2 := n.Accounts[:3], n.Accounts[3], n.Accounts[4:6], n.Accounts[6], n.Accounts[7:10]
	id, aud := auditWorld(t, n, trio, append([]*simchain.Account{h}, helpers...), app, fFake, fFake, fFake)
	v := fVote(t, fTrue)
	fCommit(t, h, id, v)
	fAdvanceTo(t, n, fTask(t, n, id).CommitDeadline-p.Tasks.ReplaceTime)
	for _, a := range aud {
		if a == h {
			continue
		}
		if _, err := a.Client.Yield(fctx, id, fSpec(), true); err != nil {
			t.Fatalf("hand-back: %v", err)
		}
	}
	if ti := fTask(t, n, id); ti.State != chain.TaskAuditDisclosing {
		t.Fatalf("after the hand-backs: %s, want the honest auditor's disclosure", ti.State)
	}
	fDisclose(t, h, id, v)
	fPlay(t, id, drawSecond(t, n, app, id, panel2), fVotes(t, fTrue, fTrue, fTrue))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskValidated || ti.Slashed != chain.TaskSeats {
		t.Fatalf("junk trio after hand-backs: %s %s slashed %09b, want validated, the trio slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, append([]*simchain.Account{h}, panel2...))
}

// TestAuditChainCannotConfirmJunk: agreement is not transitive, so a chain
// of scores (25, 15, 8 bits off the truth, each within 10 of the next)
// could carry a verdict from a junk pair to the truth. A score agrees with
// a pair only when it agrees with both: a second panel of 15, 8 and an
// honest 0 is not unanimous, so the junk pair is not confirmed and none of
// the honest seats is slashed.
func TestAuditChainCannotConfirmJunk(t *testing.T) {
	n := simchain.New(t, 10, fParams(0))
	c1, c2, h, app := n.Accounts[0], n.Accounts[1], n.Accounts[2], n.Accounts[3]
	panel1, c6, c7, h8 := n.Accounts[4:7], n.Accounts[7], n.Accounts[8], n.Accounts[9]
	fJoin(t, []*simchain.Account{c1, c2, h}, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	fPlay(t, id, seats, fVotesBy(t, seats, fOne(h, fTrue, fOff(25))))
	fPlay(t, id, drawFirst(t, n, app, id, panel1), fVotes(t, fTrue, fTrue, fTrue))
	aud2 := drawSecond(t, n, app, id, []*simchain.Account{c6, c7, h8})
	fPlay(t, id, aud2, fVotesBy(t, aud2, func(a *simchain.Account) []byte {
		switch a {
		case c6:
			return fOff(15)
		case c7:
			return fOff(8)
		}
		return fTrue
	}))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != 0 {
		t.Fatalf("a chain of scores: %s %s slashed %09b, want no verdict, nobody slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, append([]*simchain.Account{h, h8}, panel1...))
}

// TestAuditNoArgumentsBesideAResult: a pair claiming the arguments never
// came, beside a node that computed a result from them, is audited instead
// of settling NoArguments (which would pay the pair for nothing).
func TestAuditNoArgumentsBesideAResult(t *testing.T) {
	n := simchain.New(t, 4, fParams(0))
	c1, c2, h, app := n.Accounts[0], n.Accounts[1], n.Accounts[2], n.Accounts[3]
	fJoin(t, []*simchain.Account{c1, c2, h}, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	fPlay(t, id, seats, fVotesBy(t, seats, fOne(h, fTrue, chain.NoArgumentsScore())))
	if ti := fTask(t, n, id); ti.State != chain.TaskAuditing {
		t.Fatalf("NO_ARGUMENTS beside a result: %s %s, want audited", ti.State, ti.Outcome)
	}
}

// fMask is fTrue with the bits of mask flipped in its first image.
func fMask(mask uint64) []byte {
	return chain.ImageScore(0x0123456789abcdef^mask, 0xfedcba9876543210, 0x0f1e2d3c4b5a6978, 0x8796a5b4c3d2e1f0)
}

const (
	mask20 = uint64(1)<<20 - 1        // 20 bits: in doubt of the truth
	mask10 = uint64(1)<<10 - 1        // 10 of those: agrees with both
	noise6 = (uint64(1)<<6 - 1) << 40 // another GPU model's 6 bits of honest noise
	mask5  = uint64(1)<<5 - 1         // 5 bits, away from that noise
)

// TestAuditConfirmationAgreesWithTheTaskDirectly: a colluding pair
// discloses a score 20 bits off the truth, placed away from the honest
// third's GPU noise, so that the third is 26 bits off it. One colluder in
// the second panel discloses a score 10 bits from both the truth and the
// pair, beside two honest auditors: its panel is unanimous, and it agrees
// with the pair. A confirmation needs every second-panel disclosure to
// agree with the task's pair directly; the honest ones are only in doubt
// of it, so the task is not confirmed (the honest third would have been
// slashed) nor overturned (no first-panel auditor clearly differed from
// the pair): nobody loses stake. The roles go by seat (the pair in seats
// 0 and 1, the colluder first in the second panel, where a pair's first
// score is what an order-dependent rule would compare).
func TestAuditConfirmationAgreesWithTheTaskDirectly(t *testing.T) {
	n := simchain.New(t, 10, fParams(0))
	task, app, panel1, panel2 := n.Accounts[0:3], n.Accounts[3], n.Accounts[4:7], n.Accounts[7:10]
	fJoin(t, task, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	h := seats[2]
	fPlay(t, id, seats, fVotes(t, fMask(mask20), fMask(mask20), fMask(noise6)))
	fPlay(t, id, drawFirst(t, n, app, id, panel1), fVotes(t, fTrue, fTrue, fTrue))
	aud2 := drawSecond(t, n, app, id, panel2)
	fPlay(t, id, aud2, fVotes(t, fMask(mask10), fTrue, fTrue))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != 0 {
		t.Fatalf("a two-hop confirmation: %s %s slashed %09b, want no verdict, nobody slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, append(append([]*simchain.Account{h}, panel1...), aud2[1:]...))
}

// TestAuditAnyAgreeingPairConfirms: honest results of two GPU models are 6
// bits apart; a colluder discloses a score 5 bits from one and 11 from the
// other, so no pair of the task has every seat agreeing with it and the
// task is audited. The first panel, on the second model, agrees with the
// honest pair directly: that confirms the task against the honest pair,
// both honest nodes are paid and the colluder, in doubt of it, is not.
// The colluder sits between the honest ones (seat 1), so the first
// agreeing pair in seat order is the colluder's.
func TestAuditAnyAgreeingPairConfirms(t *testing.T) {
	n := simchain.New(t, 7, fParams(0))
	task, app, panel1 := n.Accounts[0:3], n.Accounts[3], n.Accounts[4:7]
	fJoin(t, task, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	h0, c := seats[0], seats[1]
	votes := fVotes(t, fTrue, fMask(mask5), fMask(noise6))
	fPlay(t, id, seats, votes)
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("no pair every seat agrees with: %s, want audited", st)
	}
	fPlay(t, id, drawFirst(t, n, app, id, panel1), fVotes(t, fMask(noise6), fMask(noise6), fMask(noise6)))
	ti := fTask(t, n, id)
	ci := 1
	if ti.State != chain.TaskValidated || ti.Slashed != 0 || ti.Honest != (chain.TaskSeats|chain.Panel1Seats)&^(1<<ci) {
		t.Fatalf("confirmed against the honest pair: %s honest %09b slashed %09b, want every seat but the colluder's", ti.State, ti.Honest, ti.Slashed)
	}
	fSubmit(t, h0, id, votes[0])
	fWantBig(t, "the colluder's fee", fFeeBal(t, n, c.Addr), new(big.Int))
}

// TestAuditEveryConfirmedPairCounts: a colluder (seat 0) discloses a score
// 10 bits from one honest GPU model's result (seat 1) and 16 from the
// other's (seat 2, 6 bits from seat 1). Both (0,1) and (1,2) agree; the
// audit's panel agrees with both. Every seat is judged against every pair
// the panel confirms, so the honest seat 2 is paid: the colluder cannot
// push it out of the fee by choosing which pair comes first.
func TestAuditEveryConfirmedPairCounts(t *testing.T) {
	n := simchain.New(t, 7, fParams(0))
	task, app, panel1 := n.Accounts[0:3], n.Accounts[3], n.Accounts[4:7]
	fJoin(t, task, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	votes := fVotes(t, fMask(mask10), fTrue, fMask(noise6))
	fPlay(t, id, seats, votes)
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("no pair every seat agrees with: %s, want audited", st)
	}
	fPlay(t, id, drawFirst(t, n, app, id, panel1), fVotes(t, fTrue, fTrue, fTrue))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskValidated || ti.Slashed != 0 || ti.Honest != chain.TaskSeats|chain.Panel1Seats {
		t.Fatalf("two confirmed pairs: %s honest %09b slashed %09b, want every seat right", ti.State, ti.Honest, ti.Slashed)
	}
	before := fFeeBal(t, n, seats[2].Addr)
	fSubmit(t, seats[1], id, votes[1])
	if got := new(big.Int).Sub(fFeeBal(t, n, seats[2].Addr), before); got.Sign() <= 0 {
		t.Error("the honest seat of the other GPU model was not paid")
	}
}

// TestAuditSplitJunkIsSlashed: two colluders disclose two different
// made-up scores beside an honest node, so the task has no agreeing pair
// and the first panel can confirm nothing; the honest second panel,
// backed by the honest first panel, establishes the truth, and both junk
// seats, clearly differing from it, are slashed (a task without a pair
// spares nobody).
func TestAuditSplitJunkIsSlashed(t *testing.T) {
	n := simchain.New(t, 10, fParams(0))
	task, app, panel1, panel2 := n.Accounts[0:3], n.Accounts[3], n.Accounts[4:7], n.Accounts[7:10]
	fJoin(t, task, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	fPlay(t, id, seats, fVotes(t, fTrue, fFake, fMask(uint64(1)<<40-1)))
	fPlay(t, id, drawFirst(t, n, app, id, panel1), fVotes(t, fTrue, fTrue, fTrue))
	fPlay(t, id, drawSecond(t, n, app, id, panel2), fVotes(t, fTrue, fTrue, fTrue))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskValidated || ti.Slashed != 0b110 {
		t.Fatalf("split junk: %s %s slashed %09b, want validated, seats 1 and 2 slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, append(append([]*simchain.Account{seats[0]}, panel1...), panel2...))
}

// TestAuditUnseatedNeedsAgreement: in a network too small to audit, a
// task stands on its own judgement only when every disclosure agreed: a
// pair beside a node that reported the arguments missing is refunded, not
// paid.
func TestAuditUnseatedNeedsAgreement(t *testing.T) {
	n := simchain.New(t, 4, fParams(0))
	task, app := n.Accounts[0:3], n.Accounts[3]
	fJoin(t, task, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	fPlay(t, id, seats, fVotes(t, chain.NoArgumentsScore(), fFake, fFake))
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("a pair beside NO_ARGUMENTS: %s, want audited", st)
	}
	if _, _, err := app.Client.Draw(fctx, id, fSpec()); err != nil {
		t.Fatal(err)
	}
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Honest != 0 {
		t.Fatalf("no auditors, no agreement: %s %s honest %03b, want refunded", ti.State, ti.Outcome, ti.Honest)
	}
}

// chainWorld plays a task of three seats voting by account, then its
// first panel and its second, and returns the task.
func chainWorld(t *testing.T, n *simchain.Net, task map[*simchain.Account][]byte, p1, p2 map[*simchain.Account][]byte) chain.TaskInfo {
	t.Helper()
	app := n.Accounts[len(n.Accounts)-1]
	var seatAccts, a1, a2 []*simchain.Account
	for a := range task {
		seatAccts = append(seatAccts, a)
	}
	for a := range p1 {
		a1 = append(a1, a)
	}
	for a := range p2 {
		a2 = append(a2, a)
	}
	fJoin(t, seatAccts, 24576, fVer)
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	by := func(m map[*simchain.Account][]byte) func(*simchain.Account) []byte {
		return func(a *simchain.Account) []byte { return m[a] }
	}
	fPlay(t, id, seats, fVotesBy(t, seats, by(task)))
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("the task is %s, want audited at once", st)
	}
	aud := drawFirst(t, n, app, id, a1)
	fPlay(t, id, aud, fVotesBy(t, aud, by(p1)))
	aud = drawSecond(t, n, app, id, a2)
	fPlay(t, id, aud, fVotesBy(t, aud, by(p2)))
	return fTask(t, n, id)
}

// TestAuditChainPairCannotSlash (an adversarial review of v3): two
// colluders 20 and 10 bits off the truth agree with each other; the
// honest third, on another GPU model, is 26 bits from the first and 16
// from the second. A colluding first-panel auditor backs the pair beside
// two honest ones (who agree with the third); a colluding second panel
// confirms it. One backer, even at its own risk, does not outweigh the
// first panel: no verdict. And were there a verdict, the honest third is
// in doubt of a seat of the pair: unpaid, never slashed.
func TestAuditChainPairCannotSlash(t *testing.T) {
	n := simchain.New(t, 13, fParams(0))
	a := n.Accounts
	h := a[2]
	ti := chainWorld(t, n,
		map[*simchain.Account][]byte{a[0]: fMask(mask20), a[1]: fMask(mask10), h: fMask(noise6)},
		map[*simchain.Account][]byte{a[3]: fMask(mask20), a[4]: fTrue, a[5]: fTrue},
		map[*simchain.Account][]byte{a[6]: fMask(mask10), a[7]: fMask(mask10), a[8]: fMask(mask10)})
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != 0 {
		t.Fatalf("chain pair: %s %s slashed %09b, want no verdict and nobody slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, []*simchain.Account{h, a[4], a[5]})

	// Two colluding backers at their own risk: the confirmation stands,
	// and still slashes neither the third nor the honest auditor.
	n = simchain.New(t, 13, fParams(0))
	a = n.Accounts
	h = a[2]
	ti = chainWorld(t, n,
		map[*simchain.Account][]byte{a[0]: fMask(mask20), a[1]: fMask(mask10), h: fMask(noise6)},
		map[*simchain.Account][]byte{a[3]: fMask(mask20), a[4]: fMask(mask20), a[5]: fTrue},
		map[*simchain.Account][]byte{a[6]: fMask(mask10), a[7]: fMask(mask10), a[8]: fMask(mask10)})
	if ti.State != chain.TaskValidated || ti.Slashed != 0 {
		t.Fatalf("chain pair with two backers: %s slashed %09b, want the pair's verdict and nobody slashed", ti.State, ti.Slashed)
	}
	wantNobodySlashed(t, n, []*simchain.Account{h, a[5]})
}

// TestAuditBackerMustRiskItsStake (the same review): a junk pair 28 bits
// off the truth beside an honest third; in the first panel two honest
// auditors and a colluder 18 bits off (10 from the junk: it agrees with
// the pair, and is only in doubt of the truth, so it risks nothing); a
// colluding second panel confirms the junk. The honest auditors agreed
// with the third and nobody backed the pair at its own risk: no verdict,
// nobody slashed.
func TestAuditBackerMustRiskItsStake(t *testing.T) {
	n := simchain.New(t, 13, fParams(0))
	a := n.Accounts
	junk, backer := fOff(28), fMask(uint64(1)<<18-1)
	ti := chainWorld(t, n,
		map[*simchain.Account][]byte{a[0]: junk, a[1]: junk, a[2]: fTrue},
		map[*simchain.Account][]byte{a[3]: backer, a[4]: fTrue, a[5]: fTrue},
		map[*simchain.Account][]byte{a[6]: junk, a[7]: junk, a[8]: junk})
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != 0 {
		t.Fatalf("a backer in doubt of the truth: %s %s slashed %09b, want no verdict", ti.State, ti.Outcome, ti.Slashed)
	}
	wantNobodySlashed(t, n, []*simchain.Account{a[2], a[4], a[5]})
}
