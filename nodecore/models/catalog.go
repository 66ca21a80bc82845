package models

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// CatalogEntry is a model a network hosts: where to download it, and
// the sha256 and size it must have. A network file lists them.
type CatalogEntry struct {
	ID     string `json:"id"`              // a catalog ID, kind:org/name[+variant]
	Source string `json:"source"`          // hf://ORG/REPO/FILE[@REV] or an https URL
	SHA256 string `json:"sha256"`          // hex
	Bytes  int64  `json:"bytes,omitempty"` // 0: unknown
}

// Catalog maps model IDs to downloads: its entries for catalog IDs, the
// ID itself for a link's model.
type Catalog struct {
	entries map[string]CatalogEntry
}

// ErrNotInCatalog is a catalog ID the network does not say how to fetch.
var ErrNotInCatalog = errors.New("models: the network's catalog does not list this model")

// NewCatalog checks entries: IDs that parse (not links: a link names
// its own source), a source the resolver accepts, a sha256 of 64 hex
// digits, no duplicates.
func NewCatalog(entries []CatalogEntry) (*Catalog, error) {
	c := &Catalog{entries: make(map[string]CatalogEntry, len(entries))}
	for i, e := range entries {
		bad := func(format string, v ...any) error {
			return fmt.Errorf("models: catalog entry %d (%s): %s", i, e.ID, fmt.Sprintf(format, v...))
		}
		id, err := ParseID(e.ID)
		if err != nil {
			return nil, bad("%v", err)
		}
		if id.IsLink() {
			return nil, bad("a link's model needs no catalog entry")
		}
		e.SHA256 = strings.ToLower(e.SHA256)
		if !sha256Hex.MatchString(e.SHA256) {
			return nil, bad("sha256 %q is not 64 hex digits", e.SHA256)
		}
		if e.Bytes < 0 {
			return nil, bad("a size of %d bytes", e.Bytes)
		}
		if _, err := (Sources{HFEndpoint: DefaultHFEndpoint}).Resolve(e.Source, e.SHA256); err != nil {
			return nil, bad("%v", err)
		}
		if _, dup := c.entries[id.String()]; dup {
			return nil, bad("listed twice")
		}
		c.entries[id.String()] = e
	}
	return c, nil
}

// IDs lists the catalog's model IDs, sorted.
func (c *Catalog) IDs() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.entries))
	for id := range c.entries {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Fetch says how to download model id through src, and its size when
// known (0 otherwise).
func (c *Catalog) Fetch(id ID, src Sources) (Fetch, int64, error) {
	if id.IsLink() {
		f, err := src.Resolve(id.URL, id.SHA256)
		return f, 0, err
	}
	var e CatalogEntry
	ok := false
	if c != nil {
		e, ok = c.entries[id.String()]
	}
	if !ok {
		return Fetch{}, 0, fmt.Errorf("%w: %s", ErrNotInCatalog, id)
	}
	f, err := src.Resolve(e.Source, e.SHA256)
	return f, e.Bytes, err
}

// loopback reports whether an URL's host is this machine: a local mirror
// may serve plain http.
func loopback(u *url.URL) bool {
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
