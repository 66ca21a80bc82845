//go:build unix

package doctor

import (
	"bufio"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

func diskFree(path string) (free, total uint64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	bs := uint64(st.Bsize) // int64 on Linux, uint32 on macOS
	return st.Bavail * bs, st.Blocks * bs, nil
}

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
