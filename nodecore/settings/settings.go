// Package settings owns the owner's settings: the file they live in,
// their validation, and the one route by which the daemon's parts learn
// of a change (Subscribe). The local API reads and patches them; the
// daemon turns each change into the governor's policy, the model
// manager's download settings and the node's rejoin rule.
package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// Store keeps the owner's settings in a JSON file.
type Store struct {
	path string

	mu           sync.Mutex // guards the file, cur and extraMirrors
	cur          api.Settings
	extraMirrors []netip.Prefix
	changes      *watch.Hub[api.Settings]
}

// Defaults are a new install's.
func Defaults(headless bool) api.Settings {
	d := policy.Defaults()
	idle, temp, quota, auto, lang := int(d.AwayAfter/time.Minute), d.TempLimit, 100, true, ""
	proxy, hf, limit, rejoin := "", "", 0.0, true
	mirrors, maxDownload := []string{}, int(models.DefaultMaxBytes>>30)
	var sched [7][24]uint8
	allow, block := append([]string(nil), d.Allow...), []string{}
	return api.Settings{IdleMinutes: &idle, TempLimitC: &temp, Schedule: &sched, Allow: &allow, Block: &block, Headless: &headless, QuotaGB: &quota, Autostart: &auto, Language: &lang,
		Proxy: &proxy, HFEndpoint: &hf, DownloadLimitMBps: &limit, AutoRejoin: &rejoin, MirrorNetworks: &mirrors, MaxDownloadGB: &maxDownload}
}

// Open reads path, or starts from defaults when it does not exist. A
// file that does not validate is an error (never overwritten).
func Open(path string, defaults api.Settings) (*Store, error) {
	s := &Store{path: path}
	cur := defaults
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		var saved api.Settings
		if err := json.Unmarshal(b, &saved); err != nil {
			return nil, fmt.Errorf("settings %s: %w", path, err)
		}
		if err := validate(saved); err != nil {
			return nil, fmt.Errorf("settings %s: %w", path, err)
		}
		cur = merge(cur, saved)
	}
	s.cur, s.changes = cur, watch.New(cur)
	return s, nil
}

// Get returns the settings.
func (s *Store) Get() api.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// Subscribe returns a channel of the settings, the current ones first and
// then each saved change (a slow reader gets the latest), until ctx ends.
func (s *Store) Subscribe(ctx context.Context) <-chan api.Settings { return s.changes.Subscribe(ctx) }

// Patch validates p, merges it and saves; nothing changes on an error.
// Subscribers then get the new settings.
func (s *Store) Patch(p api.Settings) (api.Settings, error) {
	if err := validate(p); err != nil {
		return api.Settings{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := merge(s.cur, p)
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return api.Settings{}, err
	}
	if err := atomicfile.Write(s.path, append(b, '\n'), 0o600); err != nil {
		return api.Settings{}, err
	}
	s.cur = next
	s.changes.Publish(next)
	return next, nil
}

// Policy is the policy configuration the settings make.
func (s *Store) Policy() policy.Config { return Policy(s.Get()) }

// Policy is the policy configuration st makes.
func Policy(st api.Settings) policy.Config {
	c := policy.Defaults()
	c.AwayAfter = time.Duration(*st.IdleMinutes) * time.Minute
	c.TempLimit = *st.TempLimitC
	for d := range 7 {
		for h := range 24 {
			c.Schedule[d][h] = policy.Mode(st.Schedule[d][h])
		}
	}
	c.Allow, c.Block, c.Headless = *st.Allow, *st.Block, *st.Headless
	return c
}

// AutoRejoin is the owner's rejoin setting (on unless turned off).
func AutoRejoin(st api.Settings) bool { return st.AutoRejoin == nil || *st.AutoRejoin }

// QuotaBytes is the model store's quota the settings set (0: none).
func QuotaBytes(st api.Settings) int64 {
	if st.QuotaGB == nil {
		return 0
	}
	return int64(*st.QuotaGB) << 30
}

func merge(cur, p api.Settings) api.Settings {
	if p.IdleMinutes != nil {
		cur.IdleMinutes = p.IdleMinutes
	}
	if p.TempLimitC != nil {
		cur.TempLimitC = p.TempLimitC
	}
	if p.Schedule != nil {
		cur.Schedule = p.Schedule
	}
	if p.Allow != nil {
		cur.Allow = p.Allow
	}
	if p.Block != nil {
		cur.Block = p.Block
	}
	if p.Headless != nil {
		cur.Headless = p.Headless
	}
	if p.QuotaGB != nil {
		cur.QuotaGB = p.QuotaGB
	}
	if p.Autostart != nil {
		cur.Autostart = p.Autostart
	}
	if p.Language != nil {
		cur.Language = p.Language
	}
	if p.Proxy != nil {
		cur.Proxy = p.Proxy
	}
	if p.HFEndpoint != nil {
		cur.HFEndpoint = p.HFEndpoint
	}
	if p.DownloadLimitMBps != nil {
		cur.DownloadLimitMBps = p.DownloadLimitMBps
	}
	if p.AutoRejoin != nil {
		cur.AutoRejoin = p.AutoRejoin
	}
	if p.MirrorNetworks != nil {
		cur.MirrorNetworks = p.MirrorNetworks
	}
	if p.MaxDownloadGB != nil {
		cur.MaxDownloadGB = p.MaxDownloadGB
	}
	return cur
}

// Error names the setting that is wrong.
type Error struct{ Field, Msg string }

func (e *Error) Error() string { return e.Field + ": " + e.Msg }

func validate(p api.Settings) error {
	bad := func(f, format string, v ...any) error { return &Error{f, fmt.Sprintf(format, v...)} }
	if p.IdleMinutes != nil && (*p.IdleMinutes < 1 || *p.IdleMinutes > 24*60) {
		return bad("idleMinutes", "must be 1 to 1440")
	}
	if p.TempLimitC != nil && (*p.TempLimitC < 40 || *p.TempLimitC > 100) {
		return bad("tempLimitC", "must be 40 to 100 °C")
	}
	if p.Schedule != nil {
		for d := range 7 {
			for h := range 24 {
				if p.Schedule[d][h] > uint8(policy.Always) {
					return bad("schedule", "day %d hour %d: %d is not 0 (when away), 1 (never) or 2 (always)", d, h, p.Schedule[d][h])
				}
			}
		}
	}
	for f, list := range map[string]*[]string{"allow": p.Allow, "block": p.Block} {
		if list == nil {
			continue
		}
		if len(*list) > 64 {
			return bad(f, "at most 64 process names")
		}
		for _, n := range *list {
			if n == "" || len(n) > 64 || strings.ContainsAny(n, `/\`) || strings.IndexFunc(n, unicode.IsControl) >= 0 {
				return bad(f, "%q is not a process name", n)
			}
		}
	}
	if p.QuotaGB != nil && (*p.QuotaGB < 1 || *p.QuotaGB > 100_000) {
		return bad("quotaGB", "must be 1 to 100000")
	}
	if p.Language != nil && *p.Language != "" && !slices.Contains(api.Languages(), *p.Language) {
		return bad("language", "%q is not a language Hydrogen speaks (%s)", *p.Language, strings.Join(api.Languages(), ", "))
	}
	if p.Proxy != nil && *p.Proxy != "" {
		if _, err := ProxyURL(*p.Proxy); err != nil {
			return bad("proxy", "%v", err)
		}
	}
	if p.HFEndpoint != nil && *p.HFEndpoint != "" {
		if _, err := (models.Sources{HFEndpoint: *p.HFEndpoint}).Resolve("hf://org/repo/file", ""); err != nil {
			return bad("hfEndpoint", "%q is not an https URL (plain http only on this machine)", *p.HFEndpoint)
		}
	}
	if l := p.DownloadLimitMBps; l != nil && !(*l >= 0 && *l <= 100_000) {
		return bad("downloadLimitMBps", "must be 0 (no limit) to 100000 MB/s")
	}
	if p.MirrorNetworks != nil {
		if len(*p.MirrorNetworks) > 16 {
			return bad("mirrorNetworks", "at most 16 networks")
		}
		if _, err := MirrorPrefixes(*p.MirrorNetworks); err != nil {
			return bad("mirrorNetworks", "%v", err)
		}
	}
	if g := p.MaxDownloadGB; g != nil && (*g < 1 || *g > 100_000) {
		return bad("maxDownloadGB", "must be 1 to 100000")
	}
	return nil
}

// MirrorPrefixes parses mirror networks: CIDR prefixes such as
// 192.168.1.0/24 or single addresses such as 10.0.0.5.
func MirrorPrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a network such as 192.168.1.0/24", s)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ProxyURL parses a proxy setting: http, https or socks5, a host, and
// nothing after it but an optional port.
func ProxyURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || len(s) > 512 {
		return nil, fmt.Errorf("%q is not a proxy URL such as http://proxy.example:3128", s)
	}
	return u, nil
}

// Downloads is the download settings the model manager uses.
func (s *Store) Downloads() models.DownloadSettings {
	st := s.Get()
	var d models.DownloadSettings
	if st.Proxy != nil && *st.Proxy != "" {
		d.Proxy, _ = ProxyURL(*st.Proxy)
	}
	if st.HFEndpoint != nil {
		d.HFEndpoint = *st.HFEndpoint
	}
	if st.DownloadLimitMBps != nil {
		d.Limit = *st.DownloadLimitMBps * 1e6
	}
	if st.MirrorNetworks != nil {
		d.AllowPrivateHosts, _ = MirrorPrefixes(*st.MirrorNetworks) // validated when set
	}
	s.mu.Lock()
	d.AllowPrivateHosts = append(d.AllowPrivateHosts, s.extraMirrors...)
	s.mu.Unlock()
	if st.MaxDownloadGB != nil {
		d.MaxBytes = int64(*st.MaxDownloadGB) << 30
	}
	return d
}

// AllowMirrors adds networks downloads may reach whatever the settings
// say (the command line's -mirror-networks: a devnet on this machine).
func (s *Store) AllowMirrors(p []netip.Prefix) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extraMirrors = append(s.extraMirrors, p...)
}
