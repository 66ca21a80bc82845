//go:build unix

package doctor

import (
	"bufio"
	"os"
	"strings"
)

// osName reads PRETTY_NAME from /etc/os-release.
func osName() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return ""
	}
	defer f.Close()
	return prettyName(bufio.NewScanner(f))
}

func prettyName(sc *bufio.Scanner) string {
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}
