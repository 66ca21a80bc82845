package models

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// TestRestrictedAddresses: what a download may not reach unless allowed
// (the classification only: nothing is dialled).
func TestRestrictedAddresses(t *testing.T) {
	for _, c := range []struct {
		addr string
		want bool
	}{
		// Public.
		{"8.8.8.8", false}, {"1.1.1.1", false}, {"151.101.1.69", false}, {"2606:4700::1111", false},
		{"64:ff9b::808:808", false}, // 8.8.8.8 through NAT64
		{"2002:808:808::1", false},  // 8.8.8.8 as 6to4
		{"::ffff:8.8.8.8", false},   // mapped
		{"100.63.255.255", false},   // just below carrier-grade NAT
		{"100.128.0.0", false},      // just above
		{"172.15.255.255", false},   // below 172.16/12
		{"172.32.0.0", false},       // above
		{"192.169.0.1", false},      // beside 192.168/16
		{"169.253.255.255", false},  // beside link-local
		{"11.0.0.1", false},         // beside 10/8
		{"2a00:1450:4001::200e", false},
		// This machine.
		{"127.0.0.1", true}, {"127.255.255.254", true}, {"::1", true}, {"::ffff:127.0.0.1", true}, {"::127.0.0.1", true},
		{"0.0.0.0", true}, {"0.1.2.3", true}, {"::", true},
		// The LAN and the ISP's side of the router.
		{"10.0.0.1", true}, {"172.16.0.1", true}, {"172.31.255.255", true}, {"192.168.1.1", true}, {"::ffff:192.168.1.1", true},
		{"100.64.0.1", true}, {"100.127.255.255", true},
		{"fc00::1", true}, {"fd12:3456:789a::1", true},
		// Link-local, the cloud metadata service among them.
		{"169.254.169.254", true}, {"169.254.0.1", true}, {"fe80::1", true}, {"fe80::1%eth0", true}, {"fd00:ec2::254", true},
		// Multicast and broadcast.
		{"224.0.0.1", true}, {"239.255.255.250", true}, {"255.255.255.255", true}, {"ff02::1", true}, {"ff05::1:3", true},
		// Reserved, documentation, benchmarking, deprecated.
		{"240.0.0.1", true}, {"192.0.2.1", true}, {"198.51.100.7", true}, {"203.0.113.9", true}, {"198.18.0.1", true}, {"192.0.0.8", true},
		{"2001:db8::1", true}, {"fec0::1", true}, {"100::1", true}, {"2001::1", true}, {"3fff::1", true},
		// IPv4 inside IPv6: judged by the IPv4 address.
		{"64:ff9b::a00:1", true}, {"64:ff9b::7f00:1", true}, {"64:ff9b::a9fe:a9fe", true}, {"2002:a00:1::1", true}, {"2002:7f00:1::", true},
		{"64:ff9b:1::1", true}, {"::ffff:0:a00:1", true},
	} {
		if got := restricted(netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("%s: restricted %v, want %v", c.addr, got, c.want)
		}
	}
	if !restricted(netip.Addr{}) {
		t.Error("the zero address is not restricted")
	}
}

// TestDialGuardAllowance: the owner's prefixes open exactly their
// addresses, in either IPv4 spelling.
func TestDialGuardAllowance(t *testing.T) {
	g := newDialGuard([]netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("192.168.1.0/24"),
		netip.MustParsePrefix("::ffff:10.1.0.0/112"), // 10.1.0.0/16 written mapped
		{}, // invalid: ignored
	})
	for addr, ok := range map[string]bool{
		"127.0.0.1": true, "::ffff:127.0.0.1": true, "127.0.0.2": false, "::1": false,
		"192.168.1.77": true, "::ffff:192.168.1.5": true, "192.168.2.1": false,
		"10.1.3.4": true, "10.2.0.1": false,
		"fe80::1": false, "169.254.169.254": false,
		"8.8.8.8": true, // public: never needed allowing
	} {
		err := g.check(netip.MustParseAddr(addr))
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrPrivateAddress)) {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := newDialGuard(nil).check(netip.MustParseAddr("127.0.0.1")); !errors.Is(err, ErrPrivateAddress) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("nothing allowed: %v", err)
	}
}

// TestDialControl: the dialler's Control hook, given the address about
// to be connected to, refuses restricted ones (called directly: nothing
// is dialled).
func TestDialControl(t *testing.T) {
	g := newDialGuard(nil)
	for addr, ok := range map[string]bool{
		"10.0.0.1:443": false, "[fe80::1%eth0]:443": false, "[fd00::7]:443": false, "169.254.169.254:80": false,
		"100.100.100.100:443": false, "127.0.0.1:8080": false, "[::ffff:192.168.0.1]:443": false,
		"8.8.8.8:443": true, "[2606:4700::1111]:443": true,
		"example.com:443": false, "": false, // not an address: refused
	} {
		if err := g.control("tcp", addr, nil); (err == nil) != ok || (err != nil && !errors.Is(err, ErrPrivateAddress)) {
			t.Errorf("%q: %v", addr, err)
		}
	}
}

// fakeResolver answers DNS queries for names from answers (over an
// in-memory pipe: no packet leaves the process) and counts them.
func fakeResolver(answers map[string][]netip.Addr, queries *atomic.Int32) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		c, s := net.Pipe()
		go serveDNS(s, answers, queries)
		return c, nil
	}}
}

// serveDNS answers queries framed as over TCP (a 2-byte length first),
// with the A or AAAA records of answers.
func serveDNS(c net.Conn, answers map[string][]netip.Addr, queries *atomic.Int32) {
	defer c.Close()
	for {
		var n uint16
		if binary.Read(c, binary.BigEndian, &n) != nil {
			return
		}
		q := make([]byte, n)
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		queries.Add(1)
		// The question: labels, then type and class.
		i, labels := 12, []string{}
		for i < len(q) && q[i] != 0 {
			l := int(q[i])
			if i+1+l > len(q) {
				return
			}
			labels = append(labels, strings.ToLower(string(q[i+1:i+1+l])))
			i += 1 + l
		}
		if i+5 > len(q) {
			return
		}
		qtype := binary.BigEndian.Uint16(q[i+1:])
		question := q[12 : i+5]
		var rrs [][]byte
		for _, a := range answers[strings.Join(labels, ".")] {
			if (qtype == 1 && a.Is4()) || (qtype == 28 && a.Is6()) {
				rr := []byte{0xc0, 12} // the question's name
				rr = binary.BigEndian.AppendUint16(rr, qtype)
				rr = binary.BigEndian.AppendUint16(rr, 1) // IN
				rr = binary.BigEndian.AppendUint32(rr, 60)
				ip := a.AsSlice()
				rr = binary.BigEndian.AppendUint16(rr, uint16(len(ip)))
				rrs = append(rrs, append(rr, ip...))
			}
		}
		resp := append([]byte{}, q[:2]...) // the query's ID
		resp = append(resp, 0x85, 0x80)    // a response, authoritative, recursion desired and available
		resp = append(resp, 0, 1, 0, byte(len(rrs)), 0, 0, 0, 0)
		resp = append(resp, question...)
		for _, rr := range rrs {
			resp = append(resp, rr...)
		}
		if binary.Write(c, binary.BigEndian, uint16(len(resp))) != nil {
			return
		}
		if _, err := c.Write(resp); err != nil {
			return
		}
	}
}

// TestDialChecksResolvedAddress: a name that resolves to a restricted
// address is refused where it is dialled, whatever the name looks like.
// The guard's Control is wrapped by a tripwire that refuses every
// address itself, so nothing but loopback is ever connected to even if
// the guard let one through.
func TestDialChecksResolvedAddress(t *testing.T) {
	var queries atomic.Int32
	res := fakeResolver(map[string][]netip.Addr{
		"intranet.test":        {netip.MustParseAddr("10.0.0.7"), netip.MustParseAddr("fd00::7")},
		"metadata.test":        {netip.MustParseAddr("169.254.169.254")},
		"rebound.example.test": {netip.MustParseAddr("192.168.0.1")},
	}, &queries)
	g := newDialGuard(nil)
	for _, name := range []string{"intranet.test", "metadata.test", "rebound.example.test"} {
		var seen []string
		d := g.checkedDialer(res)
		control := d.Control
		d.Control = func(network, address string, c syscall.RawConn) error {
			seen = append(seen, address)
			if err := control(network, address, c); err != nil {
				return err
			}
			t.Errorf("%s: %s let through", name, address)
			return errors.New("tripwire")
		}
		_, err := d.DialContext(context.Background(), "tcp", name+":443")
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("%s: %v", name, err)
		}
		if len(seen) == 0 {
			t.Errorf("%s: Control never saw an address", name)
		}
	}
	if queries.Load() == 0 {
		t.Fatal("the fake resolver was not asked")
	}
}

// TestFinding4NameResolvingToLoopbackRefused: end to end, a link whose
// name resolves (through DNS, not /etc/hosts or a literal) to this
// machine is refused at the dial: no connection reaches the server.
// With the owner's allowance the same name downloads.
func TestFinding4NameResolvingToLoopbackRefused(t *testing.T) {
	content := blob(mib)
	ts, c := countedTLS(t, "127.0.0.1:0", content)
	port := ts.Listener.Addr().(*net.TCPAddr).Port
	var queries atomic.Int32
	res := fakeResolver(map[string][]netip.Addr{"mirror.invalid": {netip.MustParseAddr("127.0.0.1")}}, &queries)
	link := Fetch{URL: fmt.Sprintf("https://mirror.invalid:%d/m", port), SHA256: sum(content)}
	d := strictDownloader()
	d.Client, d.resolver = asExampleCom(ownDialer(ts)), res
	err := d.Download(context.Background(), link, filepath.Join(t.TempDir(), "m"))
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("download: %v", err)
	}
	if n := c.conns.Load(); n != 0 || queries.Load() == 0 {
		t.Fatalf("%d connections reached the server (%d queries)", n, queries.Load())
	}
	d = strictDownloader()
	d.Client, d.resolver, d.AllowPrivateHosts = asExampleCom(ownDialer(ts)), res, LoopbackPrefixes()
	dest := filepath.Join(t.TempDir(), "m")
	if err := d.Download(context.Background(), link, dest); err != nil {
		t.Fatal("allowed:", err)
	}
	sameFile(t, dest, content)
}

// TestCheckHostAndRedirect: hosts written as restricted addresses, and
// redirects off https or past ten, are refused before any dial.
func TestCheckHostAndRedirect(t *testing.T) {
	g := newDialGuard(nil)
	for raw, want := range map[string]error{
		"https://models.example.com/x":     nil,
		"https://cafe.be/x":                nil, // letters a-f: a name, not a number
		"https://8.8.8.8/x":                nil,
		"http://models.example.com/x":      ErrInsecureRedirect,
		"ftp://models.example.com/x":       ErrInsecureRedirect,
		"https://10.0.0.1/x":               ErrPrivateAddress,
		"https://[fe80::1%25eth0]/x":       ErrPrivateAddress,
		"https://[::ffff:169.254.169.254]": ErrPrivateAddress,
		"https://localhost/x":              ErrPrivateAddress,
		"https://LocalHost./x":             ErrPrivateAddress,
		"https://db.localhost/x":           ErrPrivateAddress,
		"https://2130706433/x":             ErrPrivateAddress, // 127.0.0.1 in decimal
		"https://0x7f000001/x":             ErrPrivateAddress,
		"https://0x7f.1/x":                 ErrPrivateAddress,
		"https://127.1/x":                  ErrPrivateAddress,
		"https://017700000001/x":           ErrPrivateAddress,
		"https://a.b.0x/x":                 ErrPrivateAddress,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		err = g.checkRedirect(&http.Request{URL: u}, make([]*http.Request, 1))
		if (want == nil) != (err == nil) || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%s: %v, want %v", raw, err, want)
		}
	}
	u, _ := url.Parse("https://models.example.com/x")
	if err := g.checkRedirect(&http.Request{URL: u}, make([]*http.Request, maxRedirects)); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("the 11th redirect: %v", err)
	}
	allowed := newDialGuard([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	u, _ = url.Parse("https://10.0.0.1/x")
	if err := allowed.checkRedirect(&http.Request{URL: u}, nil); err != nil {
		t.Errorf("an allowed mirror: %v", err)
	}
}

// TestGuardedClientKeepsTheCallersOwn: a client's own CheckRedirect runs
// after the guard's; a transport the guard cannot see into still has the
// hosts its requests name checked; the client given is not changed.
func TestGuardedClientKeepsTheCallersOwn(t *testing.T) {
	g := newDialGuard(nil)
	var own atomic.Int32
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { own.Add(1); return nil }}
	hc := guardedClient(c, nil, g, nil)
	u, _ := url.Parse("https://models.example.com/x")
	if err := hc.CheckRedirect(&http.Request{URL: u}, nil); err != nil || own.Load() != 1 {
		t.Fatalf("%v, own called %d times", err, own.Load())
	}
	u, _ = url.Parse("http://models.example.com/x")
	if err := hc.CheckRedirect(&http.Request{URL: u}, nil); !errors.Is(err, ErrInsecureRedirect) || own.Load() != 1 {
		t.Fatalf("%v, own called %d times", err, own.Load())
	}
	if c.Transport != nil {
		t.Fatal("the caller's client was changed")
	}
	var carried atomic.Int32
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) { carried.Add(1); return nil, errors.New("not here") })
	hc = guardedClient(&http.Client{Transport: rt}, nil, g, nil)
	if _, err := hc.Get("https://127.0.0.1:1/x"); !errors.Is(err, ErrPrivateAddress) || carried.Load() != 0 {
		t.Fatalf("%v, %d carried", err, carried.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestProxyCarriesDownloads: the owner's proxy on this machine is used
// without any allowance (the link's host sees the proxy, not the node);
// a link naming a restricted address is refused even through it, and a
// direct request to the proxy's own address is refused (that dial is
// not checked).
func TestProxyCarriesDownloads(t *testing.T) {
	content := blob(2 * mib)
	var seen atomic.Int32
	var mu sync.Mutex
	var hosts []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A forward proxy that is also the origin: it never dials out.
		seen.Add(1)
		mu.Lock()
		hosts = append(hosts, r.URL.Host)
		mu.Unlock()
		if r.URL.Host != "models.invalid" {
			http.Error(w, "no", http.StatusBadGateway)
			return
		}
		http.ServeContent(w, r, "m", fileTime, strings.NewReader(string(content)))
	}))
	defer proxy.Close()
	d := strictDownloader()
	d.Proxy = mustURL(t, proxy.URL)
	dest := filepath.Join(t.TempDir(), "m")
	if err := d.Download(context.Background(), Fetch{URL: "http://models.invalid/m", SHA256: sum(content)}, dest); err != nil {
		t.Fatal(err)
	}
	sameFile(t, dest, content)
	mu.Lock()
	if seen.Load() < 2 || hosts[0] != "models.invalid" {
		t.Fatalf("%d requests through the proxy, for %v", seen.Load(), hosts)
	}
	mu.Unlock()
	before := seen.Load()
	for _, u := range []string{"http://127.0.0.1:9/m", "http://[::1]:9/m", "http://localhost/m", "http://169.254.169.254/latest/meta-data/"} {
		d := strictDownloader()
		d.Proxy = mustURL(t, proxy.URL)
		if err := d.Download(context.Background(), Fetch{URL: u, SHA256: sum(content)}, filepath.Join(t.TempDir(), "m")); !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("%s through the proxy: %v", u, err)
		}
	}
	if n := seen.Load() - before; n != 0 {
		t.Errorf("%d requests for restricted addresses reached the proxy", n)
	}
	// The proxy's own address, asked for directly.
	pu := mustURL(t, proxy.URL)
	g := newDialGuard(nil)
	route := g.proxy(func(r *http.Request) (*url.URL, error) {
		if r.URL.Host == "models.invalid" {
			return pu, nil
		}
		return nil, nil
	})
	for _, raw := range []string{"http://models.invalid/m", proxy.URL + "/m"} {
		r, _ := http.NewRequest(http.MethodGet, raw, nil)
		p, err := route(r)
		switch raw {
		case proxy.URL + "/m":
			if !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("direct to the proxy: %v %v", p, err)
			}
		default:
			if err != nil || p != pu {
				t.Errorf("through the proxy: %v %v", p, err)
			}
		}
	}
	if !g.isProxy(pu.Host) {
		t.Error("the proxy was not recorded")
	}
}

// TestNumericHost: the WHATWG rule for hosts that are IPv4 numbers.
func TestNumericHost(t *testing.T) {
	for h, want := range map[string]bool{
		"2130706433": true, "0x7f000001": true, "0X7F": true, "127.1": true, "a.0x": true, "1.2.3.4": true, "foo.123": true,
		"example.com": false, "cafe.be": false, "123.example": false, "0xg": false, "": false, "foo.": false, "x0x1": false,
	} {
		if got := numericHost(h); got != want {
			t.Errorf("%q: %v", h, got)
		}
	}
}

// TestDownloadMaxBytes: the Downloader's own cap, without a store.
func TestDownloadMaxBytes(t *testing.T) {
	srv := &chunked{content: blob(4 * mib)}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	d := testDownloader()
	d.MaxBytes = mib
	dest := filepath.Join(t.TempDir(), "m")
	if err := d.Download(context.Background(), Fetch{URL: ts.URL, SHA256: sum(srv.content)}, dest); !errors.Is(err, ErrTooLarge) {
		t.Fatal(err)
	}
	gone(t, dest, dest+".part", dest+".part.json")
	d = testDownloader()
	d.MaxBytes = 4 * mib // exactly the file: fits
	if err := d.Download(context.Background(), Fetch{URL: ts.URL, SHA256: sum(srv.content)}, dest); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dest); err != nil || fi.Size() != 4*mib {
		t.Fatal(fi, err)
	}
}
