package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"
)

// TestVocabularyListed: every constant of the wire's vocabulary types in
// vocab.go is in its list, so that a test enumerating the lists (tray's
// TestEveryWireValueHasText) sees every value the daemon can send.
func TestVocabularyListed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "vocab.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]string{}
	for _, s := range NodeStates() {
		listed["NodeState"] = append(listed["NodeState"], string(s))
	}
	for _, r := range NodeReasons() {
		listed["NodeReason"] = append(listed["NodeReason"], string(r))
	}
	for _, r := range PolicyReasons() {
		listed["PolicyReason"] = append(listed["PolicyReason"], string(r))
	}
	for _, r := range TaskReasons() {
		listed["TaskReason"] = append(listed["TaskReason"], string(r))
	}
	for _, p := range DownloadProblems() {
		listed["DownloadProblem"] = append(listed["DownloadProblem"], string(p))
	}
	for _, p := range GPUProblems() {
		listed["GPUProblem"] = append(listed["GPUProblem"], string(p))
	}
	found := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			v := sp.(*ast.ValueSpec)
			id, ok := v.Type.(*ast.Ident)
			if !ok || listed[id.Name] == nil {
				continue // untyped (an alias of another constant)
			}
			for i, name := range v.Names {
				lit, ok := v.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s: not a literal", name.Name)
				}
				val := lit.Value[1 : len(lit.Value)-1]
				found++
				if val == "" {
					continue // ReasonNone: no reason, no text
				}
				if !slices.Contains(listed[id.Name], val) {
					t.Errorf("%s %s = %q is missing from its list in vocab.go", id.Name, name.Name, val)
				}
			}
		}
	}
	if found < 30 {
		t.Fatalf("found %d constants: the scan is broken", found)
	}
}

func TestParseTaskReason(t *testing.T) {
	for _, c := range []struct {
		in     string
		codes  []TaskReason
		detail string
		ok     bool
	}{
		{"", nil, "", true},
		{"slashed_differed", []TaskReason{TaskSlashedDiffered}, "", true},
		{"in_doubt; stake_share", []TaskReason{TaskInDoubt, TaskStakeShare}, "", true},
		{TaskEngineFailed.With("comfyui: exit 1; oom"), []TaskReason{TaskEngineFailed}, "comfyui: exit 1; oom", true},
		{TaskOwnerPresent.With(string(PauseController)), []TaskReason{TaskOwnerPresent}, "paused_controller", true},
		{"this node did not commit or disclose in time", nil, "", false},
		{"slashed_differed; nonsense", nil, "", false},
	} {
		codes, detail, ok := ParseTaskReason(c.in)
		if !slices.Equal(codes, c.codes) || detail != c.detail || ok != c.ok {
			t.Errorf("ParseTaskReason(%q) = %v %q %v, want %v %q %v", c.in, codes, detail, ok, c.codes, c.detail, c.ok)
		}
	}
}
