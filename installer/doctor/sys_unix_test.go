//go:build unix

package doctor

import (
	"bufio"
	"strings"
	"testing"
)

func TestPrettyName(t *testing.T) {
	in := "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"
	if got := prettyName(bufio.NewScanner(strings.NewReader(in))); got != "Debian GNU/Linux 12 (bookworm)" {
		t.Fatalf("prettyName = %q", got)
	}
	if got := prettyName(bufio.NewScanner(strings.NewReader("ID=x\n"))); got != "" {
		t.Fatalf("prettyName without the key = %q", got)
	}
}
