package models

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Where a download may connect. A model's link comes from whoever wrote
// the task, so without a guard a task could make the node fetch from
// its own loopback services or its LAN (a router's admin page, a cloud
// metadata service) and learn what they answer from the download's
// success or failure. Every connection a download makes is checked
// where it is dialled, after name resolution, so a name that resolves
// (or re-resolves) to a private address is refused as surely as the
// address itself; every redirect must stay on https.

// Connection errors.
var (
	// ErrPrivateAddress is a download that would connect to a loopback,
	// private, link-local or otherwise non-public address the owner has
	// not allowed (DownloadSettings.AllowPrivateHosts).
	ErrPrivateAddress = errors.New("models: the download would connect to a private, loopback or link-local address; only a mirror the owner allows may use one")
	// ErrInsecureRedirect is a source that redirected to a URL that is
	// not https.
	ErrInsecureRedirect = errors.New("models: the source redirected to a URL that is not https")
	// ErrTooManyRedirects is a source that redirected more than ten times.
	ErrTooManyRedirects = errors.New("models: the source redirected more than 10 times")
)

// maxRedirects is how many redirects one request follows (net/http's
// own default).
const maxRedirects = 10

// LoopbackPrefixes are this machine's addresses, 127.0.0.0/8 and ::1,
// for AllowPrivateHosts: a mirror on this machine, such as the devnet's.
func LoopbackPrefixes() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// nonPublic are the ranges a download never reaches unless allowed,
// beyond what netip's predicates name (loopback, private, link-local,
// multicast, unspecified).
var nonPublic = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"
		"100.64.0.0/10",   // carrier-grade NAT: the ISP's side of the home router
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.88.99.0/24",  // the retired 6to4 relays
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"240.0.0.0/4",     // reserved, and the broadcast address
		"::/96",           // IPv4-compatible (deprecated), with :: and ::1
		"::ffff:0:0:0/96", // IPv4-translated
		"64:ff9b:1::/48",  // local-use NAT64
		"100::/64",        // discard-only
		"2001::/23",       // IETF protocol assignments, Teredo among them
		"2001:db8::/32",   // documentation
		"3fff::/20",       // documentation
		"5f00::/16",       // segment routing
		"fec0::/10",       // site-local (deprecated)
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // the well-known NAT64 prefix: an IPv4 address inside
	sixToFour = netip.MustParsePrefix("2002::/16")    // 6to4: an IPv4 address in bits 16-47
)

// restricted reports whether a is an address a download may not reach
// unless the owner allows it: anything but a public unicast address. An
// IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4) is judged
// by the IPv4 address.
func restricted(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	if !a.IsValid() || a.IsUnspecified() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsMulticast() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return true
		}
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return restricted(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(a):
			return restricted(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	return false
}

// dialGuard checks where a download's connections go: never to a
// restricted address but those in allow, and to the owner's proxy.
type dialGuard struct {
	allow []netip.Prefix // unmapped and masked

	mu      sync.Mutex      // guards proxies
	proxies map[string]bool // host:port of the owner's proxies that requests went through
}

func newDialGuard(allow []netip.Prefix) *dialGuard {
	g := &dialGuard{proxies: map[string]bool{}}
	for _, p := range allow {
		if !p.IsValid() {
			continue
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		g.allow = append(g.allow, p.Masked())
	}
	return g
}

// check refuses a restricted address the owner has not allowed.
func (g *dialGuard) check(a netip.Addr) error {
	if !restricted(a) {
		return nil
	}
	u := a.WithZone("").Unmap()
	for _, p := range g.allow {
		if p.Contains(u) {
			return nil
		}
	}
	return fmt.Errorf("%w (%s)", ErrPrivateAddress, a)
}

// control is the dialler's Control hook: it sees the address about to
// be connected to, after name resolution, before any packet is sent.
func (g *dialGuard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address and port", ErrPrivateAddress, address)
	}
	return g.check(ap.Addr())
}

// checkConn refuses a connection made by a dialler other than the
// guard's (a Client the caller gave) whose far end is restricted: the
// TCP handshake happened, but not a byte of the request is sent.
func (g *dialGuard) checkConn(c net.Conn) error {
	var ap netip.AddrPort
	switch a := c.RemoteAddr().(type) {
	case *net.TCPAddr:
		ap = a.AddrPort()
	default:
		var err error
		if ap, err = netip.ParseAddrPort(c.RemoteAddr().String()); err != nil {
			return fmt.Errorf("%w: the connection's far end %q is not an IP address", ErrPrivateAddress, c.RemoteAddr())
		}
	}
	return g.check(ap.Addr())
}

// checkHost refuses a URL whose host is written as a restricted address,
// as localhost, or as a number in a notation some resolvers read as an
// IPv4 address (2130706433, 0x7f.1). It runs before any dial: for a
// redirect, a clear early error; for a request through a proxy, the
// only check (the proxy resolves and connects).
func (g *dialGuard) checkHost(u *url.URL) error {
	h := u.Hostname()
	if a, err := netip.ParseAddr(h); err == nil {
		return g.check(a)
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return g.check(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	}
	if numericHost(h) {
		return fmt.Errorf("%w: the host %q is written as a number", ErrPrivateAddress, h)
	}
	return nil
}

// numericHost reports whether host name h ends in a number (decimal, or
// hex after 0x), as no DNS name does: resolvers read such names as IPv4
// addresses (the WHATWG URL standard's rule).
func numericHost(h string) bool {
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last == "" {
		return false
	}
	digits := "0123456789"
	if len(last) >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') {
		last, digits = last[2:], "0123456789abcdefABCDEF"
	}
	for _, c := range last {
		if !strings.ContainsRune(digits, c) {
			return false
		}
	}
	return true
}

// checkRedirect is the client's CheckRedirect: at most maxRedirects,
// every hop https, no hop to an address written as a restricted one.
func (g *dialGuard) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return ErrTooManyRedirects
	}
	if req.URL.Scheme != "https" {
		return fmt.Errorf("%w: %s", ErrInsecureRedirect, req.URL.Redacted())
	}
	if err := g.checkHost(req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

func (g *dialGuard) addProxy(addr string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.proxies[addr] = true
}

func (g *dialGuard) isProxy(addr string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.proxies[addr]
}

// proxy wraps a transport's Proxy function, which net/http calls for
// every request, redirects included, before it dials. Every request may
// not name a host written as a restricted address (checkHost): for a
// direct one an early, clear refusal that needs no name lookup; for one
// through a proxy the only check, since the proxy resolves and connects.
// The proxy is the owner's (a setting, or the environment's
// $HTTPS_PROXY) and is dialled without the address check wherever it
// is; a direct request to a proxy's address is refused, since that dial
// would not be checked.
func (g *dialGuard) proxy(next func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	return func(r *http.Request) (*url.URL, error) {
		if err := g.checkHost(r.URL); err != nil {
			return nil, err
		}
		var p *url.URL
		if next != nil {
			var err error
			if p, err = next(r); err != nil {
				return nil, err
			}
		}
		if p == nil {
			if g.isProxy(canonicalAddr(r.URL)) {
				return nil, fmt.Errorf("%w: %s is the proxy's address", ErrPrivateAddress, r.URL.Host)
			}
			return nil, nil
		}
		g.addProxy(canonicalAddr(p))
		return p, nil
	}
}

// canonicalAddr is u's host:port with the scheme's default port, as
// net/http names the address it dials.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// dial is the guard's own dialler: the owner's proxy as is, anything
// else checked in Control, before the connection is attempted. resolver
// nil: the system's.
func (g *dialGuard) dial(resolver *net.Resolver) dialFunc {
	plain := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Resolver: resolver}
	checked := g.checkedDialer(resolver)
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if g.isProxy(addr) {
			return plain.DialContext(ctx, network, addr)
		}
		return checked.DialContext(ctx, network, addr)
	}
}

// checkedDialer dials only addresses the guard lets through.
func (g *dialGuard) checkedDialer(resolver *net.Resolver) *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Resolver: resolver, Control: g.control}
}

// afterDial wraps a dialler the caller gave: its connection is checked
// once made (the proxy's is not).
func (g *dialGuard) afterDial(inner dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := inner(ctx, network, addr)
		if err != nil || g.isProxy(addr) {
			return c, err
		}
		if err := g.checkConn(c); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

// guardedClient is c (nil: one like net/http's default, through proxy
// when set) with every connection and every redirect checked by g,
// names resolved by resolver (nil: the system's). A
// transport other than *http.Transport dials its own way: only the
// hosts its requests name are checked.
func guardedClient(c *http.Client, proxy *url.URL, g *dialGuard, resolver *net.Resolver) *http.Client {
	var hc http.Client
	if c != nil {
		hc = *c
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	switch t := rt.(type) {
	case *http.Transport:
		tr := t.Clone()
		if c == nil && proxy != nil {
			tr.Proxy = http.ProxyURL(proxy)
		}
		tr.Proxy = g.proxy(tr.Proxy)
		if tr.DialContext == nil {
			tr.DialContext = g.dial(resolver)
		} else {
			tr.DialContext = g.afterDial(tr.DialContext)
		}
		if tr.DialTLSContext != nil {
			tr.DialTLSContext = g.afterDial(tr.DialTLSContext)
		}
		//lint:ignore SA1019 the deprecated diallers would bypass the guard: cleared
		tr.Dial, tr.DialTLS = nil, nil
		hc.Transport = tr
	default:
		hc.Transport = hostChecked{next: rt, g: g}
	}
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := g.checkRedirect(req, via); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &hc
}

// hostChecked checks the host each request names before a transport the
// guard cannot see into carries it.
type hostChecked struct {
	next http.RoundTripper
	g    *dialGuard
}

func (h hostChecked) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := h.g.checkHost(r.URL); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	return h.next.RoundTrip(r)
}
