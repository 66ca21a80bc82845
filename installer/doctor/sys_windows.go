//go:build windows

package doctor

import "golang.org/x/sys/windows"

func diskFree(path string) (free, total uint64, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, 0, err
	}
	err = windows.GetDiskFreeSpaceEx(p, &free, &total, nil)
	return free, total, err
}

func osName() string {
	maj, _, build := windows.RtlGetNtVersionNumbers()
	if maj == 10 && build >= 22000 {
		return "Windows 11"
	}
	if maj == 10 {
		return "Windows 10"
	}
	return "Windows"
}
