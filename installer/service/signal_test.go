//go:build !windows

package service

import "syscall"

var nilSignal = syscall.Signal(0)
