// Package models names the models the network uses and says where each
// lives in the node's model cache, downloads them (Downloader, Manager)
// and keeps the cache under its quota (Store).
//
// Downloads reach out from the node: a model given by a link is fetched
// from the host its task names. Each download therefore reveals the
// node's IP address to that host and to every host it redirects to; the
// owner's proxy setting (DownloadSettings.Proxy, or $HTTPS_PROXY) hides
// it, the hosts then seeing the proxy's address. Downloads keep to https
// on every redirect and never connect to a private, loopback, link-local
// or other non-public address, checked where the connection is dialled
// (after name resolution, so DNS cannot be turned against the check),
// unless the owner allows a mirror there (AllowPrivateHosts). A download
// whose size is not known in advance is capped (MaxBytes, and the
// store's quota), and a file found where a download would go is hashed
// before it is taken for the model.
package models

import (
	"errors"
	"fmt"
	"net/url"
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

// ID is a parsed model ID: kind:org/name[+variant] for a model the
// network's catalog names (a Hugging Face repository's file, say), or
// kind:https://HOST/PATH#sha256=HEX for a model given by a download link
// (a Civitai LoRA): the link and the file's sha256 are the ID, so any
// node can fetch and check it without a catalog.
type ID struct {
	Kind    Kind
	Org     string
	Name    string
	Variant string
	// URL and SHA256 are set for a link's model (Org and Name empty).
	URL    string
	SHA256 string
}

// MaxIDLength bounds a model ID (a link's); a catalog ID has at most
// 200 characters.
const (
	MaxIDLength        = 512
	maxCatalogIDLength = 200
)

// linkDir is the folder, inside each kind's, of models given by a link;
// a catalog ID may not use it as its org.
const linkDir = "url-sha256"

// ErrBadID is a model ID that is malformed or unsafe.
var ErrBadID = errors.New("bad model ID")

var idPattern = regexp.MustCompile(`^([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]{0,95})/([A-Za-z0-9][A-Za-z0-9._-]{0,95})(?:\+([A-Za-z0-9][A-Za-z0-9._-]{0,63}))?$`)

// ParseID parses and checks a model ID.
func ParseID(s string) (ID, error) {
	if len(s) > MaxIDLength {
		return ID{}, fmt.Errorf("%w: %d characters, at most %d", ErrBadID, len(s), MaxIDLength)
	}
	if kind, rest, ok := strings.Cut(s, ":"); ok && strings.HasPrefix(rest, "https://") {
		return parseLinkID(Kind(kind), rest, s)
	}
	if len(s) > maxCatalogIDLength {
		return ID{}, fmt.Errorf("%w: %d characters, at most %d", ErrBadID, len(s), maxCatalogIDLength)
	}
	m := idPattern.FindStringSubmatch(s)
	if m == nil {
		return ID{}, fmt.Errorf("%w: %q is not kind:org/name[+variant]", ErrBadID, s)
	}
	id := ID{Kind: Kind(m[1]), Org: m[2], Name: m[3], Variant: m[4]}
	if _, ok := dirs[id.Kind]; !ok {
		return ID{}, fmt.Errorf("%w: unknown kind %q", ErrBadID, m[1])
	}
	if id.Org == linkDir {
		return ID{}, fmt.Errorf("%w: %q is reserved for models given by a link", ErrBadID, linkDir)
	}
	for _, part := range []string{id.Org, id.Name, id.Variant} {
		if strings.Contains(part, "..") {
			return ID{}, fmt.Errorf("%w: %q contains \"..\"", ErrBadID, s)
		}
	}
	return id, nil
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// parseLinkID parses kind:https://…#sha256=HEX. Only the canonical form
// is accepted (what String writes), so that one model has one ID and one
// hash on the chain.
func parseLinkID(kind Kind, link, s string) (ID, error) {
	if _, ok := dirs[kind]; !ok {
		return ID{}, fmt.Errorf("%w: unknown kind %q", ErrBadID, kind)
	}
	raw, frag, ok := strings.Cut(link, "#sha256=")
	if !ok || !sha256Hex.MatchString(frag) {
		return ID{}, fmt.Errorf("%w: a link's model ID ends with #sha256= and the file's 64 lower-case hex digits", ErrBadID)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return ID{}, fmt.Errorf("%w: %q is not an https link without credentials", ErrBadID, raw)
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || r > '~' {
			return ID{}, fmt.Errorf("%w: the link has a space, control or non-ASCII character", ErrBadID)
		}
	}
	id := ID{Kind: kind, URL: raw, SHA256: frag}
	if id.String() != s {
		return ID{}, fmt.Errorf("%w: %q is not in the canonical form %q", ErrBadID, s, id.String())
	}
	return id, nil
}

// IsLink reports whether the ID is a download link's.
func (id ID) IsLink() bool { return id.URL != "" }

// String returns the ID as written.
func (id ID) String() string {
	if id.IsLink() {
		return string(id.Kind) + ":" + id.URL + "#sha256=" + id.SHA256
	}
	s := string(id.Kind) + ":" + id.Org + "/" + id.Name
	if id.Variant != "" {
		s += "+" + id.Variant
	}
	return s
}

// File is the model's file name inside its kind's folder, as ComfyUI
// names it: org/name[+variant].safetensors, or url-sha256/HEX.safetensors
// for a link's model.
func (id ID) File() string {
	if id.IsLink() {
		return linkDir + "/" + id.SHA256 + ".safetensors"
	}
	n := id.Name
	if id.Variant != "" {
		n += "+" + id.Variant
	}
	return id.Org + "/" + n + ".safetensors"
}

// Path is the model's path relative to the cache root, slash-separated.
func (id ID) Path() string { return path.Join(dirs[id.Kind], id.File()) }

// FromPath is the model ID of a file in the cache (rel is relative to the
// cache root, slash-separated): the inverse of Path for catalog IDs. A
// link's model cannot be named from its path (the store's index knows it).
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
