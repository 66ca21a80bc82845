package models

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"testing"
)

// Fuzz targets for every parser of outside input in the package: model
// IDs and sources (from tasks and the network file), Content-Range (from
// servers), the resume state (from the disk). Their seeds run in every
// `go test`; `go test -fuzz=FuzzX` explores.

const fuzzSHA = "ab54d286fde1f2a0a3c7ee7e8e4fa5e1fa5b63d8a2c1d9e0ff0a6b1e2c3d4e5f"

// FuzzParseID: an ID that parses is canonical (String gives it back),
// lives under its kind's folder in a clean relative path ending in
// .safetensors, and a catalog ID's path names it again.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"base:runwayml/stable-diffusion-v1-5", "base:stabilityai/stable-diffusion-xl-base-1.0+fp16", "lora:civitai/pixel-art_v2",
		"controlnet:lllyasviel/control_v11p_sd15_openpose", "lora:https://civitai.com/api/download/models/12345?type=Model&format=SafeTensor#sha256=" + fuzzSHA,
		"base:../etc/passwd", "base:org/../../etc", "base:org/na..me", "lora:url-sha256/" + fuzzSHA, "lora:https://civitai.com/x#sha256=" + strings.ToUpper(fuzzSHA),
		"lora:https://user:pw@civitai.com/x#sha256=" + fuzzSHA, "lora:https:///x#sha256=" + fuzzSHA, "lora:https://h/%2e%2e/x#sha256=" + fuzzSHA,
		"lora:https://h/a#b#sha256=" + fuzzSHA, "base:org/name+", "video:org/name", "", ":", "base:", "lora:https://[::1]:443/x#sha256=" + fuzzSHA,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			return
		}
		if id.String() != s {
			t.Fatalf("%q parses to %q", s, id.String())
		}
		p := id.Path()
		if path.Clean(p) != p || path.IsAbs(p) || strings.ContainsAny(p, "\\:") || !strings.HasSuffix(p, ".safetensors") {
			t.Fatalf("%q lives at %q", s, p)
		}
		for _, e := range strings.Split(p, "/") {
			if e == "" || e == "." || e == ".." {
				t.Fatalf("%q lives at %q", s, p)
			}
		}
		if dir, _, _ := strings.Cut(p, "/"); dir != dirs[id.Kind] || strings.Count(p, "/") != 2 {
			t.Fatalf("%q lives at %q, outside %s/ORG/", s, p, dirs[id.Kind])
		}
		if id.IsLink() {
			u, err := url.Parse(id.URL)
			if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || !sha256Hex.MatchString(id.SHA256) {
				t.Fatalf("%q: link %q", s, id.URL)
			}
			return
		}
		back, err := FromPath(p)
		if err != nil || back != id {
			t.Fatalf("%q: FromPath(%q) = %+v, %v", s, p, back, err)
		}
	})
}

// FuzzResolveSource: a source that resolves is an https URL (or plain
// http to this machine) with a host and no credentials, and an hf://
// source stays inside the endpoint's path.
func FuzzResolveSource(f *testing.F) {
	for _, c := range [][2]string{
		{"", "hf://runwayml/stable-diffusion-v1-5/v1-5-pruned-emaonly.safetensors"},
		{"", "hf://stabilityai/sdxl-base/unet/diffusion_pytorch_model.fp16.safetensors@a1b2c3"},
		{"https://hf-mirror.example/base", "hf://org/repo/file.safetensors"},
		{"", "https://civitai.com/api/download/models/12345?type=Model&format=SafeTensor"},
		{"http://127.0.0.1:8080", "hf://o/r/f"}, {"http://plain", "hf://o/r/f"}, {"", "hf://org/../etc/passwd"},
		{"", "hf://org/repo/file@rev/../x"}, {"", "https://user:pw@host/x"}, {"", "file:///etc/passwd"}, {"", "http://civitai.com/x"},
		{"", "hf://o/r/f@"}, {"", "hf://o/r/%2e%2e/f"}, {"https://h/a/../b", "hf://o/r/f"}, {"", "http://localhost:1/x"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, endpoint, source string) {
		src := Sources{HFEndpoint: endpoint}
		fe, err := src.Resolve(source, fuzzSHA)
		if err != nil {
			return
		}
		u, err := url.Parse(fe.URL)
		if err != nil || u.Host == "" || u.User != nil || fe.SHA256 != fuzzSHA {
			t.Fatalf("%q via %q: %q (%v)", source, endpoint, fe.URL, err)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && loopback(u)) {
			t.Fatalf("%q via %q: %q is neither https nor loopback http", source, endpoint, fe.URL)
		}
		if strings.HasPrefix(source, "hf://") {
			base := endpoint
			if base == "" {
				base = DefaultHFEndpoint
			}
			b, _ := url.Parse(base)
			if u.Host != b.Host || !strings.HasPrefix(u.Path, strings.TrimSuffix(path.Clean("/"+b.Path), "/")+"/") || strings.Contains(u.Path, "/../") {
				t.Fatalf("%q via %q: %q left the endpoint", source, endpoint, fe.URL)
			}
		}
	})
}

// FuzzContentRange: a Content-Range that parses has 0 <= first <= last
// < complete (or complete unknown), and its canonical form parses back
// to the same.
func FuzzContentRange(f *testing.F) {
	for _, s := range []string{
		"bytes 0-0/1234", "bytes 0-499/1234", "bytes 500-1233/1234", "bytes 0-0/*", "bytes */1234", "bytes 5-4/10", "bytes 0-10/10",
		"bytes -1-5/10", "bytes +1-5/10", "bytes 0-9223372036854775807/9223372036854775807", "bytes 0-9223372036854775806/9223372036854775807",
		"bytes 0-99999999999999999999/5", "BYTES 1-2/3", "bytes 1-2/3 ", " bytes 1-2/3", "bytes  1-2/3", "bytes 1 -2/3", "items 1-2/3", "bytes 1-2", "", "bytes ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		first, last, complete, ok := parseContentRange(h)
		if !ok {
			return
		}
		if first < 0 || last < first || (complete != -1 && (complete <= last)) || complete < -1 {
			t.Fatalf("%q: %d-%d/%d", h, first, last, complete)
		}
		total := "*"
		if complete >= 0 {
			total = fmt.Sprint(complete)
		}
		canon := fmt.Sprintf("bytes %d-%d/%s", first, last, total)
		a, b, c, ok := parseContentRange(canon)
		if !ok || a != first || b != last || c != complete {
			t.Fatalf("%q: canonical %q reads %d-%d/%d %v", h, canon, a, b, c, ok)
		}
	})
}

// FuzzResumeState: a state the loader accepts for a file of at most max
// bytes is safe to resume from: ranges that tile [0, Size) in order,
// each with what is done inside it, Size within the cap; or one piece
// starting over.
func FuzzResumeState(f *testing.F) {
	fe := Fetch{URL: "https://models.example/m", SHA256: fuzzSHA}
	const max = 1 << 40
	seed := func(size int64, ranged bool, parts string) []byte {
		return fmt.Appendf(nil, `{"url":%q,"sha256":%q,"size":%d,"ranged":%v,"parts":%s}`, fe.URL, fe.SHA256, size, ranged, parts)
	}
	good, _ := json.Marshal((&Downloader{Parts: 4, MinPart: 1 << 20}).plan(fe, 9<<20+123, true))
	f.Add(good, int64(max))
	f.Add(seed(100, true, `[{"start":0,"end":50,"done":50},{"start":50,"end":100,"done":7}]`), int64(max))
	f.Add(seed(100, true, `[{"start":1,"end":100,"done":9223372036854775807}]`), int64(max))
	f.Add(seed(100, true, `[{"start":0,"end":60,"done":0},{"start":50,"end":100,"done":0}]`), int64(max))
	f.Add(seed(9223372036854775807, true, `[{"start":0,"end":9223372036854775807,"done":0}]`), int64(max))
	f.Add(seed(-1, false, `[{"start":0,"end":-1,"done":5}]`), int64(max))
	f.Add(seed(-1, false, `[{"start":0,"end":-1},{"start":0,"end":-1}]`), int64(max))
	f.Add(seed(100, true, `[]`), int64(max))
	f.Add(seed(100, true, `null`), int64(50))
	f.Add([]byte(`{"url":"https://other/m","sha256":"`+fuzzSHA+`","size":1,"ranged":true,"parts":[{"start":0,"end":1,"done":0}]}`), int64(max))
	f.Add([]byte(`{`), int64(max))
	f.Fuzz(func(t *testing.T, b []byte, max int64) {
		st, err := parseState(b, fe, max)
		if err != nil {
			return
		}
		if st.URL != fe.URL || !strings.EqualFold(st.SHA256, fe.SHA256) || len(st.Parts) == 0 || len(st.Parts) > maxParts {
			t.Fatalf("accepted %s", b)
		}
		if !st.Ranged {
			if len(st.Parts) != 1 || st.Parts[0] != (part{Start: 0, End: -1}) || st.Size < -1 || st.Size > max {
				t.Fatalf("one piece: %+v", st)
			}
			return
		}
		if st.Size <= 0 || st.Size > max {
			t.Fatalf("size %d, cap %d", st.Size, max)
		}
		next, done := int64(0), int64(0)
		for _, p := range st.Parts {
			if p.Start != next || p.End <= p.Start || p.Done < 0 || p.Start+p.Done > p.End || p.Start+p.Done < p.Start {
				t.Fatalf("range %+v of %d", p, st.Size)
			}
			next, done = p.End, done+p.Done
		}
		if next != st.Size || done > st.Size || done != st.done() {
			t.Fatalf("ranges end at %d, %d done, of %d", next, done, st.Size)
		}
	})
}

// FuzzRestricted: an IPv4 address is judged the same in each IPv6
// spelling that carries it (mapped, NAT64, 6to4), and the dial hook
// agrees with the classification.
func FuzzRestricted(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "10.1.2.3", "8.8.8.8", "169.254.169.254", "100.64.0.1", "0.0.0.0", "255.255.255.255", "1.1.1.1"} {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 4 {
			return
		}
		v4 := netip.AddrFrom4([4]byte(b[:4]))
		want := restricted(v4)
		mapped := netip.AddrFrom16(v4.As16())
		var n64, s24 [16]byte
		copy(n64[:], netip.MustParseAddr("64:ff9b::").AsSlice())
		copy(n64[12:], b[:4])
		s24[0], s24[1] = 0x20, 0x02
		copy(s24[2:], b[:4])
		for _, a := range []netip.Addr{mapped, netip.AddrFrom16(n64), netip.AddrFrom16(s24)} {
			if restricted(a) != want {
				t.Fatalf("%s: %v, but %s: %v", v4, want, a, restricted(a))
			}
		}
		g := newDialGuard(nil)
		if err := g.control("tcp", netip.AddrPortFrom(v4, 443).String(), nil); (err != nil) != want {
			t.Fatalf("%s: control says %v, restricted %v", v4, err, want)
		}
		if len(b) >= 16 {
			a := netip.AddrFrom16([16]byte(b[:16]))
			if err := g.control("tcp", netip.AddrPortFrom(a, 443).String(), nil); (err != nil) != restricted(a) {
				t.Fatalf("%s: control says %v", a, err)
			}
		}
	})
}
