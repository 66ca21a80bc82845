package tray

import (
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// TestEveryWireValueHasText: every state and reason the daemon can send
// (api's vocabulary lists, complete by api's TestVocabularyListed) has
// its own text, translated in every shipped language: never the raw
// code, never English in another language.
func TestEveryWireValueHasText(t *testing.T) {
	now := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	texts := func() map[string]string {
		out := map[string]string{}
		for _, s := range api.NodeStates() {
			out["state "+string(s)] = NodeText(s, api.ReasonNone)
		}
		for _, r := range api.NodeReasons() {
			if r == api.ReasonUserPaused {
				continue // the decision says it (paused_by_owner)
			}
			out["reason "+string(r)] = NodeText(api.NodeError, r)
		}
		for _, r := range api.PolicyReasons() {
			out["decision "+string(r)] = DecisionText(api.Decision{Reason: r}, now)
		}
		for _, p := range api.DownloadProblems() {
			if p == api.DownloadFailedOther {
				continue // its text is the error's own words
			}
			out["download "+string(p)] = DownloadProblemText(p, "x")
		}
		for _, p := range api.GPUProblems() {
			out["gpu "+string(p)] = GPUText(p, "x")
		}
		for _, r := range api.TaskReasons() {
			detail := "x"
			if r == api.TaskOwnerPresent || r == api.TaskOwnerReturned {
				detail = string(api.PauseController)
			}
			out["task "+string(r)] = TaskReasonText(r.With(detail), now)
		}
		return out
	}
	t.Setenv("LANGUAGE", "en")
	if err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
	english := texts()
	bare := NodeText(api.NodeError, api.ReasonNone) // what a reason without a text of its own shows
	for what, text := range english {
		code := what[strings.Index(what, " ")+1:]
		if text == "" || text == code || strings.HasPrefix(text, code+":") || (strings.HasPrefix(what, "reason ") && text == bare) {
			t.Errorf("%s has no text of its own (shown as %q)", what, text)
		}
	}
	for _, tag := range i18n.Languages() {
		if tag == "en" {
			continue
		}
		t.Run(tag, func(t *testing.T) {
			t.Setenv("LANGUAGE", tag)
			if err := i18n.Load(); err != nil {
				t.Fatal(err)
			}
			msgs, err := i18n.Messages(tag)
			if err != nil {
				t.Fatal(err)
			}
			for what, text := range texts() {
				// The same word as English only where the translation says
				// so (Spanish "Error").
				if text == english[what] && msgs[text] != text {
					t.Errorf("%s: %s is shown in English (%q)", tag, what, text)
				}
			}
		})
	}
}

func TestTaskReasonText(t *testing.T) {
	t.Setenv("LANGUAGE", "en")
	if err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		api.TaskOwnerReturned.With(string(api.PauseUserActive)):        "Handed back: You are using the computer",
		string(api.TaskInDoubt) + "; " + string(api.TaskStakeShare):    "Close to the agreed result but not within the threshold: unpaid, not slashed; Paid a share of the stake slashed from the nodes that were wrong",
		api.TaskEngineFailed.With("comfyui: exit status 1; no memory"): "The engine failed: comfyui: exit status 1; no memory",
		"the owner took the GPU back: paused_user_active":              "the owner took the GPU back: paused_user_active", // an older ledger's sentence
		"": "",
	} {
		if got := TaskReasonText(in, now); got != want {
			t.Errorf("TaskReasonText(%q) = %q, want %q", in, got, want)
		}
	}
}
