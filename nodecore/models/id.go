// Package models names the models the network uses and says where each
// lives in the node's model cache. (Downloads, the quota and eviction
// build on this.)
package models

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Kind is what a model is for.
type Kind string

// Kinds of models, as written before the colon of a model ID.
const (
	Base       Kind = "base"       // a checkpoint (SD 1.5, SDXL) or an LLM
	LoRA       Kind = "lora"       // a LoRA adapter
	ControlNet Kind = "controlnet" // a ControlNet (e.g. OpenPose)
)

// dirs is where each kind lives in the cache: ComfyUI's model folders,
// so that the cache can be mounted as ComfyUI's models directory.
var dirs = map[Kind]string{Base: "checkpoints", LoRA: "loras", ControlNet: "controlnet"}

// ID is a parsed model ID: kind:org/name[+variant].
type ID struct {
	Kind    Kind
	Org     string
	Name    string
	Variant string
}

// MaxIDLength bounds a model ID.
const MaxIDLength = 200

// ErrBadID is a model ID that is malformed or unsafe.
var ErrBadID = errors.New("bad model ID")

var idPattern = regexp.MustCompile(`^([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]{0,95})/([A-Za-z0-9][A-Za-z0-9._-]{0,95})(?:\+([A-Za-z0-9][A-Za-z0-9._-]{0,63}))?$`)

// ParseID parses and checks a model ID.
func ParseID(s string) (ID, error) {
	if len(s) > MaxIDLength {
		return ID{}, fmt.Errorf("%w: %d characters, at most %d", ErrBadID, len(s), MaxIDLength)
	}
	m := idPattern.FindStringSubmatch(s)
	if m == nil {
		return ID{}, fmt.Errorf("%w: %q is not kind:org/name[+variant]", ErrBadID, s)
	}
	id := ID{Kind: Kind(m[1]), Org: m[2], Name: m[3], Variant: m[4]}
	if _, ok := dirs[id.Kind]; !ok {
		return ID{}, fmt.Errorf("%w: unknown kind %q", ErrBadID, m[1])
	}
	for _, part := range []string{id.Org, id.Name, id.Variant} {
		if strings.Contains(part, "..") {
			return ID{}, fmt.Errorf("%w: %q contains \"..\"", ErrBadID, s)
		}
	}
	return id, nil
}

// String returns the ID as written.
func (id ID) String() string {
	s := string(id.Kind) + ":" + id.Org + "/" + id.Name
	if id.Variant != "" {
		s += "+" + id.Variant
	}
	return s
}

// File is the model's file name inside its kind's folder, as ComfyUI
// names it: org/name[+variant].safetensors.
func (id ID) File() string {
	n := id.Name
	if id.Variant != "" {
		n += "+" + id.Variant
	}
	return id.Org + "/" + n + ".safetensors"
}

// Path is the model's path relative to the cache root, slash-separated.
func (id ID) Path() string { return path.Join(dirs[id.Kind], id.File()) }

// FromPath is the model ID of a file in the cache (rel is relative to the
// cache root, slash-separated): the inverse of Path.
func FromPath(rel string) (ID, error) {
	dir, file, ok := strings.Cut(rel, "/")
	if !ok {
		return ID{}, fmt.Errorf("%w: %q is not in a model folder", ErrBadID, rel)
	}
	var kind Kind
	for k, d := range dirs {
		if d == dir {
			kind = k
		}
	}
	name, ok := strings.CutSuffix(file, ".safetensors")
	if kind == "" || !ok {
		return ID{}, fmt.Errorf("%w: %q is not a model file", ErrBadID, rel)
	}
	id, err := ParseID(string(kind) + ":" + name)
	if err != nil {
		return ID{}, err
	}
	if id.Path() != rel {
		return ID{}, fmt.Errorf("%w: %q is not where %s lives", ErrBadID, rel, id)
	}
	return id, nil
}
