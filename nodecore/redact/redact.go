// Package redact takes secrets out of what the daemon shows and logs:
// the credentials and API keys that ride in endpoint URLs (an RPC
// provider's https://host/v3/KEY, a proxy's user:password@).
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// URL returns raw without what may be a secret: user info, the query,
// the fragment, and a path beyond "/" (providers put API keys there),
// shown as "…". What does not parse as a URL with a host (an IPC path)
// is returned as it is.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return raw
	}
	out := u.Scheme + "://"
	if u.User != nil {
		out += "…@"
	}
	out += u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		out += "/…"
	}
	return out
}

var urlPattern = regexp.MustCompile(`(?i)\b(?:https?|wss?|socks5)://[^\s"'<>]+`)

// Text returns s with every URL in it redacted (an error's text often
// quotes the endpoint it failed on, key and all).
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlPattern.ReplaceAllStringFunc(s, func(m string) string {
		trail := strings.TrimRight(m, ".,;:)]}")
		return URL(trail) + m[len(trail):]
	})
}
