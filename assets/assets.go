// Package assets holds Hydrogen's artwork: the app icon at every size and
// one tray icon per state. The PNGs are drawn by internal/genicons from
// geometry (see internal/iconart); regenerate them with
//
//	go generate ./assets
//
// The package has no GUI dependency: the tray hands the bytes to systray,
// the window wraps them in a Fyne resource.
package assets

import (
	"embed"
	"fmt"
	"slices"

	"github.com/hydrogen-network/hydrogen/assets/internal/iconart"
)

//go:generate go run ./internal/genicons -dir .

//go:embed icon.png icon/*.png tray/*.png
var files embed.FS

// TrayState selects a tray icon. The values match the tray's states.
type TrayState int

// The tray states that have an icon.
const (
	TrayWaiting TrayState = 0 // the card is the owner's; waiting for them to be away
	TrayEarning TrayState = 1 // the card is working for the network
	TrayPaused  TrayState = 2 // the owner paused earning
	TrayError   TrayState = 3 // something needs the owner's attention
)

// String returns the state's name, which is also its file name.
func (s TrayState) String() string {
	switch s {
	case TrayWaiting:
		return iconart.Waiting
	case TrayEarning:
		return iconart.Earning
	case TrayPaused:
		return iconart.Paused
	case TrayError:
		return iconart.Error
	}
	return fmt.Sprintf("TrayState(%d)", int(s))
}

// AppIconName is the file name of the 512 px app icon, as Fyne packaging
// and FyneApp.toml refer to it.
const AppIconName = "icon.png"

// AppIcon returns the 512×512 app icon as PNG.
func AppIcon() []byte { return mustRead(AppIconName) }

// AppIconSize returns the app icon drawn for size px, or an error for a
// size that was not drawn (see AppSizes).
func AppIconSize(size int) ([]byte, error) {
	if !slices.Contains(iconart.AppSizes, size) {
		return nil, fmt.Errorf("assets: no %d px app icon (have %v)", size, iconart.AppSizes)
	}
	return mustRead(fmt.Sprintf("icon/hydrogen-%d.png", size)), nil
}

// AppSizes returns the sizes the app icon exists in.
func AppSizes() []int { return slices.Clone(iconart.AppSizes) }

// TraySizes returns the sizes each tray icon exists in.
func TraySizes() []int { return slices.Clone(iconart.TraySizes) }

// TrayIcon returns the tray icon for a state at size px, or an error for
// an unknown state or a size that was not drawn.
func TrayIcon(s TrayState, size int) ([]byte, error) {
	if s < TrayWaiting || s > TrayError {
		return nil, fmt.Errorf("assets: no tray icon for %v", s)
	}
	if !slices.Contains(iconart.TraySizes, size) {
		return nil, fmt.Errorf("assets: no %d px tray icon (have %v)", size, iconart.TraySizes)
	}
	return mustRead(fmt.Sprintf("tray/%s-%d.png", s, size)), nil
}

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		// Every name is built from the lists the generator used, and the
		// embed directive fails the build when a file is missing.
		panic("assets: " + err.Error())
	}
	return b
}
