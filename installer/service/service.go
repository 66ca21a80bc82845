// Package service registers hydrogend with the operating system's service
// manager (Windows services, systemd, SysV init, launchd) through
// kardianos/service, and supervises the node once started: the service
// runs `hydrogend service run`, which runs `hydrogend run` as a child and
// restarts it with a growing pause when it fails. The restart is ours on
// every platform, because SysV init has none; where the manager has one
// (systemd, Windows) it is configured as well, for the supervisor itself.
package service

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kardianos/service"
)

// DefaultName is the service's name.
const DefaultName = "hydrogend"

// Spec describes the service to register.
type Spec struct {
	Name string // the service's name (DefaultName)
	Exe  string // hydrogend's absolute path
	// Args follow `hydrogend service run -name NAME`: the data directory
	// and anything else for `hydrogend run`.
	Args []string
	// User, if set, runs the service as this user (systemd, launchd,
	// Windows); SysV runs it as root.
	User string
	// Env is extra environment for the service (e.g. DOCKER_HOST).
	Env map[string]string
}

// config is the kardianos configuration of s.
func (s Spec) config() *service.Config {
	opts := service.KeyValue{
		// systemd: the supervisor itself is restarted if it dies.
		"Restart": "on-failure",
		// Windows: the service manager restarts the supervisor.
		"OnFailure": "restart", "OnFailureDelayDuration": "5s", "OnFailureResetPeriod": 600,
		"KeepAlive": true, "RunAtLoad": true, // launchd
	}
	return &service.Config{
		Name:        s.Name,
		DisplayName: "Hydrogen node",
		Description: "Hires out this computer's NVIDIA GPU to the Hydrogen network while its owner is away.",
		Executable:  s.Exe,
		Arguments:   append([]string{"service", "run", "-name", s.Name, "--"}, s.Args...),
		UserName:    s.User,
		EnvVars:     s.Env,
		Option:      opts,
	}
}

// noop is the program of a service handle used only for control.
type noop struct{}

func (noop) Start(service.Service) error { return nil }
func (noop) Stop(service.Service) error  { return nil }

func handle(s Spec) (service.Service, error) {
	if s.Name == "" {
		s.Name = DefaultName
	}
	return service.New(noop{}, s.config())
}

// ErrNeedsAdmin is an install or uninstall without the rights for it.
var ErrNeedsAdmin = errors.New("registering a service needs administrator rights: run it with sudo (or as Administrator on Windows)")

func adminErr(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w (%v)", ErrNeedsAdmin, err)
	}
	return err
}

// Install registers the service to start at boot. It does not start it.
func Install(s Spec) error {
	if !filepath.IsAbs(s.Exe) {
		return fmt.Errorf("service: the executable %q is not an absolute path", s.Exe)
	}
	h, err := handle(s)
	if err != nil {
		return err
	}
	if st, err := h.Status(); err == nil && st != service.StatusUnknown {
		return fmt.Errorf("service %s is already installed", h)
	}
	return adminErr(h.Install())
}

// Uninstall stops the service if it runs and removes its registration,
// and with SysV also what kardianos leaves: the rc links, the pid file
// and the logs.
func Uninstall(s Spec) error {
	if s.Name == "" {
		s.Name = DefaultName
	}
	h, err := handle(s)
	if err != nil {
		return err
	}
	if st, _ := h.Status(); st == service.StatusRunning {
		if err := h.Stop(); err != nil {
			return fmt.Errorf("stopping %s: %w", s.Name, err)
		}
	}
	err = h.Uninstall()
	if isSysV(h.Platform()) {
		if cerr := cleanSysV(s.Name); cerr != nil && err == nil {
			err = cerr
		}
	}
	return adminErr(err)
}

// sysvDirs are where SysV keeps what a service leaves; tests point them
// elsewhere.
var sysvDirs = struct{ etc, run, log string }{"/etc", "/var/run", "/var/log"}

// cleanSysV removes the /etc/rc?.d links to the service's init script,
// its pid file and its logs.
func cleanSysV(name string) error {
	var errs []error
	script := filepath.Join(sysvDirs.etc, "init.d", name)
	links, _ := filepath.Glob(filepath.Join(sysvDirs.etc, "rc?.d", "[SK][0-9][0-9]"+name))
	for _, l := range links {
		if target, err := os.Readlink(l); err == nil && target == script {
			errs = append(errs, os.Remove(l))
		}
	}
	for _, f := range []string{filepath.Join(sysvDirs.run, name+".pid"), filepath.Join(sysvDirs.log, name+".log"), filepath.Join(sysvDirs.log, name+".err")} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Start starts the installed service.
func Start(s Spec) error {
	h, err := handle(s)
	if err != nil {
		return err
	}
	return h.Start()
}

// Stop stops the service.
func Stop(s Spec) error {
	h, err := handle(s)
	if err != nil {
		return err
	}
	return h.Stop()
}

// Status says "running", "stopped" or "not installed", and the service
// manager in use.
func Status(s Spec) (status, platform string, err error) {
	h, err := handle(s)
	if err != nil {
		return "", "", err
	}
	st, err := h.Status()
	switch {
	case st == service.StatusRunning:
		return "running", h.Platform(), nil
	case st == service.StatusStopped:
		return "stopped", h.Platform(), nil
	case isSysV(h.Platform()):
		// Its status script exits 1 when stopped: the script says
		// whether it is installed.
		if _, serr := os.Stat(filepath.Join(sysvDirs.etc, "init.d", name(s))); serr == nil {
			return "stopped", h.Platform(), nil
		}
		return "not installed", h.Platform(), nil
	case err == nil || errors.Is(err, service.ErrNotInstalled):
		return "not installed", h.Platform(), nil
	}
	return "", h.Platform(), err
}

func name(s Spec) string {
	if s.Name == "" {
		return DefaultName
	}
	return s.Name
}

// Platform names the service manager this system uses.
func Platform() string { return service.ChosenSystem().String() }

// Interactive reports whether the process runs from a terminal rather
// than under the service manager.
func Interactive() bool { return service.Interactive() }

// ValidName checks a service name: it becomes a file name.
func ValidName(n string) error {
	if n == "" || len(n) > 64 || strings.ContainsAny(n, `/\ .`) {
		return fmt.Errorf("service: %q is not a service name (letters, digits, - and _)", n)
	}
	return nil
}

func isSysV(platform string) bool { return strings.HasSuffix(platform, "-systemv") }
