package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://mainnet.example.io/v3/0123456789abcdef": "https://mainnet.example.io/…",
		"wss://user:secret@rpc.example:8546":             "wss://…@rpc.example:8546",
		"http://127.0.0.1:8545":                          "http://127.0.0.1:8545",
		"http://127.0.0.1:8545/":                         "http://127.0.0.1:8545",
		"https://rpc.example/?apikey=k":                  "https://rpc.example/…",
		"/var/lib/hydrogen/geth.ipc":                     "/var/lib/hydrogen/geth.ipc",
		"socks5://bob:hunter2@proxy.example:1080":        "socks5://…@proxy.example:1080",
		"": "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFinding13NoKeyInText: an error quoting its endpoint shows it
// without the key.
func TestFinding13NoKeyInText(t *testing.T) {
	in := `chain: Post "https://mainnet.example.io/v3/0123456789abcdef": dial tcp: lookup mainnet.example.io: no such host; and wss://u:p@x.example/ws.`
	got := Text(in)
	for _, secret := range []string{"0123456789abcdef", "u:p", "/ws"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q still holds %q", got, secret)
		}
	}
	if !strings.Contains(got, `"https://mainnet.example.io/…": dial tcp`) || !strings.HasSuffix(got, "wss://…@x.example/….") {
		t.Errorf("redacted text %q", got)
	}
	if Text("no url here") != "no url here" {
		t.Error("plain text changed")
	}
}
