//go:build windows

package doctor

import "golang.org/x/sys/windows"

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
