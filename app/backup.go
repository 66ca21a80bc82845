package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
)

// backupper hands the wallet out as a keystore file (an *api.Client).
type backupper interface {
	BackupWallet(ctx context.Context, passphrase string) (api.WalletBackup, error)
}

// minPassphrase is the shortest backup passphrase the daemon accepts.
const minPassphrase = 8

// backupForm is the wallet backup: a passphrase twice and where to save
// the file. The wizard's backup step and Settings' "Back up wallet" use it.
type backupForm struct {
	form               *fyne.Container
	pass, repeat, path *widget.Entry
	result             *widget.Label
}

func newBackupForm(address string) *backupForm {
	b := &backupForm{pass: widget.NewPasswordEntry(), repeat: widget.NewPasswordEntry(), path: widget.NewEntry(), result: wrapped("")}
	b.pass.SetPlaceHolder(lang.L("at least 8 characters"))
	b.repeat.SetPlaceHolder(lang.L("the same again"))
	b.path.SetText(defaultBackupPath(address))
	b.result.Hide()
	b.pass.OnSubmitted = func(string) {
		if c := fyne.CurrentApp(); c != nil {
			if w := c.Driver().CanvasForObject(b.pass); w != nil {
				w.Focus(b.repeat)
			}
		}
	}
	b.form = container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.L("Passphrase"), b.pass),
		widget.NewFormItem(lang.L("Passphrase again"), b.repeat),
		widget.NewFormItem(lang.L("Save to"), b.path),
	), b.result)
	return b
}

// defaultBackupPath is a file in the owner's Documents (else home) named
// after the wallet.
func defaultBackupPath(address string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	dir := home
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		dir = filepath.Join(home, "Documents")
	}
	name := "hydrogen-wallet.json"
	if a := strings.TrimPrefix(strings.ToLower(address), "0x"); len(a) >= 8 {
		name = "hydrogen-wallet-" + a[:8] + ".json"
	}
	return filepath.Join(dir, name)
}

// save checks the form, asks the daemon for the wallet under the
// passphrase and writes it (mode 0600), never over an existing file.
func (b *backupForm) save(ctx context.Context, s backupper) (string, error) {
	pass, path := b.pass.Text, strings.TrimSpace(b.path.Text)
	switch {
	case len([]rune(pass)) < minPassphrase:
		return "", &api.Error{Code: api.CodeWeakPassphrase}
	case pass != b.repeat.Text:
		return "", localErr(lang.L("The two passphrases differ"))
	case path == "":
		return "", localErr(lang.L("Say where to save the backup file"))
	}
	if _, err := os.Stat(path); err == nil {
		return "", localErr(lang.L("A file is already there: choose another name"))
	}
	bk, err := s.BackupWallet(ctx, pass)
	if err != nil {
		return "", err
	}
	err = os.MkdirAll(filepath.Dir(path), 0o700)
	if err == nil {
		err = atomicfile.Write(path, bk.Keystore, 0o600)
	}
	if err != nil {
		return "", localErr(lang.L("Cannot write the backup file: {{.Error}}", map[string]any{"Error": err.Error()}))
	}
	return path, nil
}

// localErr is a problem found here, already in words: the window shows
// its message as it is.
func localErr(msg string) error { return &api.Error{Code: api.CodeBadRequest, Message: msg} }

// saved shows where the backup went and clears the passphrases.
func (b *backupForm) saved(path string) {
	b.pass.SetText("")
	b.repeat.SetText("")
	b.result.SetText(lang.L("Saved to {{.Path}}. To restore it, choose \"Restore a backup file\" when setting Hydrogen up, or import it into any Ethereum wallet with its passphrase.", map[string]any{"Path": path}))
	b.result.Show()
}
