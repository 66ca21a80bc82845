//go:build unix

package datadir

import "golang.org/x/sys/unix"

// Free is the space left for this user on the disk that holds path, and
// the disk's size, in bytes.
func Free(path string) (free, total uint64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	bs := uint64(st.Bsize) // int64 on Linux, uint32 on macOS
	return st.Bavail * bs, st.Blocks * bs, nil
}
