// Package tray is Hydrogen's tray icon: what the owner sees of the node
// at all times. It shows the node's state as an icon and a line of text.
package tray

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/assets"
)

// State is what the tray shows; each has its own icon and label.
type State int

// The tray states. The values match assets.TrayState.
const (
	Waiting State = State(assets.TrayWaiting) // the card is the owner's; waiting for them to be away
	Earning State = State(assets.TrayEarning) // the card is working for the network
	Paused  State = State(assets.TrayPaused)  // the owner paused earning
	Problem State = State(assets.TrayError)   // something needs the owner's attention
)

// States lists every tray state.
var States = []State{Waiting, Earning, Paused, Problem}

// IconSize is the size of tray icons: the Linux panel size, drawn at 2x so
// it stays sharp on high-density screens. Windows scales it down.
const IconSize = 44

// Icon returns the PNG icon of the state.
func (s State) Icon() ([]byte, error) {
	return assets.TrayIcon(assets.TrayState(s), IconSize)
}

// Label returns the state's status line in the owner's language.
func (s State) Label() string {
	switch s {
	case Waiting:
		return lang.L("Waiting for you to be away")
	case Earning:
		return lang.L("Earning")
	case Paused:
		return lang.L("Paused")
	case Problem:
		return lang.L("Needs your attention")
	}
	return fmt.Sprintf("State(%d)", int(s))
}
