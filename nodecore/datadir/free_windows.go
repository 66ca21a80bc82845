//go:build windows

package datadir

import "golang.org/x/sys/windows"

// Free is the space left for this user on the disk that holds path, and
// the disk's size, in bytes.
func Free(path string) (free, total uint64, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, 0, err
	}
	err = windows.GetDiskFreeSpaceEx(p, &free, &total, nil)
	return free, total, err
}
