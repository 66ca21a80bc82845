package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

// FirstScreen is what the window shows before the daemon is connected:
// who we are, how hiring out the card works, and how to check this
// computer.
func FirstScreen(info version.Info) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(Icon())
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(72, 72))

	name := widget.NewLabelWithStyle(Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText
	tagline := widget.NewLabel(lang.L("Earn with your GPU while you are away"))
	header := container.NewBorder(nil, nil, logo, nil, container.NewVBox(name, tagline))

	service := widget.NewCard(lang.L("Node service"), lang.L("Not connected yet"),
		wrapped(lang.L("The node service (hydrogend) runs your GPU for the network. To see whether this computer is ready, run: hydrogend doctor")))

	how := widget.NewCard(lang.L("How it works"), "", container.NewVBox(
		step(theme.ComputerIcon(), lang.L("Earns only while you are away"),
			lang.L("When you leave the computer, your GPU runs AI tasks for the Hydrogen network and earns tokens.")),
		step(theme.MediaFastForwardIcon(), lang.L("Your GPU back instantly"),
			lang.L("The moment you touch the keyboard or start a game, the work stops and the card is yours again.")),
		step(theme.ConfirmIcon(), lang.L("Safe by design"),
			lang.L("Tasks run in a locked-down container; your wallet key never leaves this computer.")),
	))

	footer := widget.NewLabelWithStyle(
		lang.L("Version {{.Version}}", map[string]any{"Version": info.Version}),
		fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})

	return container.NewPadded(container.NewBorder(header, footer, nil, nil,
		container.NewVScroll(container.NewVBox(service, how))))
}

// step is one line of "how it works": an icon, a bold title, a sentence.
func step(icon fyne.Resource, title, text string) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil,
		container.NewVBox(t, wrapped(text)))
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
