// Package deptest checks which packages a Go package links, the way
// tailscale's tstest/deptest does: it asks `go list -deps` for the real
// import graph and reports every package a rule forbids, with the import
// chain that pulled it in.
package deptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Package is one node of the import graph, as go list reports it.
type Package struct {
	ImportPath string
	Standard   bool
	Imports    []string
	CgoFiles   []string
}

// Graph is the import graph of one root package.
type Graph struct {
	Root     string
	Packages map[string]Package
}

// List runs `go list -deps -json` on pattern (one package) in dir for the
// given GOOS and returns its graph.
func List(dir, pattern, goos string) (*Graph, error) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard,Imports,CgoFiles", pattern)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s (GOOS=%s): %v\n%s", pattern, goos, err, stderr.String())
	}
	g := &Graph{Packages: map[string]Package{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		g.Packages[p.ImportPath] = p
		g.Root = p.ImportPath // go list prints dependencies first, the root last
	}
	return g, nil
}

// Rule says what a root may not link.
type Rule struct {
	// Deny lists forbidden import path prefixes ("fyne.io/" forbids every
	// fyne package; an exact path forbids it and the packages under it).
	Deny []string
	// Except lists prefixes allowed even though a Deny entry matches them.
	Except []string
	// CgoAllow, when not nil, makes every non-standard package with cgo
	// files a violation unless it matches one of these prefixes.
	CgoAllow []string
}

// Violation is one forbidden package and how the root reaches it.
type Violation struct {
	Package string
	Why     string   // the rules it breaks, "; "-separated
	Chain   []string // root → … → Package
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s), via %s", v.Package, v.Why, strings.Join(v.Chain, " → "))
}

// Check returns every package of g that r forbids.
func Check(g *Graph, r Rule) []Violation {
	var out []Violation
	for path, p := range g.Packages {
		var why []string
		if matches(path, r.Deny) && !matches(path, r.Except) {
			why = append(why, "forbidden import")
		}
		if r.CgoAllow != nil && !p.Standard && len(p.CgoFiles) > 0 && !matches(path, r.CgoAllow) {
			why = append(why, "cgo package not on the allow list")
		}
		if len(why) > 0 {
			out = append(out, Violation{Package: path, Why: strings.Join(why, "; "), Chain: g.chain(path)})
		}
	}
	return out
}

// matches reports whether path is one of prefixes or under one of them.
func matches(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasSuffix(p, "/") {
			if strings.HasPrefix(path, p) {
				return true
			}
			continue
		}
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// chain finds a shortest import chain from the root to target.
func (g *Graph) chain(target string) []string {
	prev := map[string]string{g.Root: ""}
	queue := []string{g.Root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == target {
			var c []string
			for p := cur; p != ""; p = prev[p] {
				c = append([]string{p}, c...)
			}
			return c
		}
		for _, imp := range g.Packages[cur].Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = cur
				queue = append(queue, imp)
			}
		}
	}
	return []string{g.Root, "?", target}
}
