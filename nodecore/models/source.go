package models

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// DefaultHFEndpoint is Hugging Face; a mirror (e.g. one reachable where
// Hugging Face is blocked) can replace it.
const DefaultHFEndpoint = "https://huggingface.co"

// Sources turns a model's source, as a network's catalog or a task names
// it, into a download: "hf://ORG/REPO/PATH/IN/REPO[@REVISION]" (a file
// of a Hugging Face repository, through HFEndpoint) or an https URL (a
// direct link, such as Civitai's download links).
type Sources struct {
	HFEndpoint string // default DefaultHFEndpoint
	// AllowHTTP permits plain http URLs (a LAN mirror); a mirror on this
	// machine (loopback) may always use http.
	AllowHTTP bool
}

// scheme reports whether u's scheme is one a download may use.
func (s Sources) scheme(u *url.URL) bool {
	return u.Scheme == "https" || (u.Scheme == "http" && (s.AllowHTTP || loopback(u)))
}

var hfPart = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$`)

// Resolve returns the download for source with the given sha256.
func (s Sources) Resolve(source, sha256 string) (Fetch, error) {
	bad := func(format string, v ...any) (Fetch, error) {
		return Fetch{}, fmt.Errorf("%w: "+format, append([]any{ErrBadFetch}, v...)...)
	}
	if len(source) > 2048 {
		return bad("a source of %d characters", len(source))
	}
	if rest, ok := strings.CutPrefix(source, "hf://"); ok {
		rev := "main"
		if i := strings.LastIndexByte(rest, '@'); i >= 0 {
			rest, rev = rest[:i], rest[i+1:]
		}
		parts := strings.Split(rest, "/")
		if len(parts) < 3 || !hfPart.MatchString(rev) {
			return bad("%q is not hf://ORG/REPO/FILE[@REVISION]", source)
		}
		for _, p := range parts {
			if !hfPart.MatchString(p) || p == "." || p == ".." || strings.Contains(p, "..") {
				return bad("%q has an unsafe path element %q", source, p)
			}
		}
		base := s.HFEndpoint
		if base == "" {
			base = DefaultHFEndpoint
		}
		b, err := url.Parse(base)
		if err != nil || !s.scheme(b) || b.Host == "" || b.User != nil || b.RawQuery != "" || b.Fragment != "" {
			return bad("the Hugging Face endpoint %q is not an https URL without credentials or query", base)
		}
		b.Path = path.Join(b.Path, parts[0], parts[1], "resolve", rev, path.Join(parts[2:]...))
		return Fetch{URL: b.String(), SHA256: strings.ToLower(sha256)}, nil
	}
	u, err := url.Parse(source)
	if err != nil || u.Host == "" || !s.scheme(u) || u.User != nil {
		return bad("%q is not an https URL or hf:// source", source)
	}
	return Fetch{URL: u.String(), SHA256: strings.ToLower(sha256)}, nil
}
