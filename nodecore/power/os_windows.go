package power

import (
	"context"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

var getSystemPowerStatus = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetSystemPowerStatus")

// systemPowerStatus is SYSTEM_POWER_STATUS.
type systemPowerStatus struct {
	ACLineStatus        byte
	BatteryFlag         byte
	BatteryLifePercent  byte
	SystemStatusFlag    byte
	BatteryLifeTime     uint32
	BatteryFullLifeTime uint32
}

type windowsSource struct{}

// OS returns the running OS's power source: GetSystemPowerStatus, which
// a service in session 0 may call.
func OS() Source { return windowsSource{} }

func (windowsSource) Read(context.Context) (State, error) {
	if err := getSystemPowerStatus.Find(); err != nil {
		return State{}, err
	}
	var s systemPowerStatus
	r, _, err := getSystemPowerStatus.Call(uintptr(unsafe.Pointer(&s)))
	if r == 0 {
		return State{}, fmt.Errorf("power: GetSystemPowerStatus: %w", err)
	}
	return fromWindows(windowsStatus{ACLineStatus: s.ACLineStatus, BatteryFlag: s.BatteryFlag}), nil
}
