package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/installer/service"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
)

func (e *env) serviceCommand() *ffcli.Command {
	named := func(cmd string) (*ffcli.Command, *string) {
		fs := e.flagSet("service " + cmd)
		name := fs.String("name", service.DefaultName, "the service's `name`")
		return &ffcli.Command{Name: cmd, FlagSet: fs}, name
	}

	install, iname := named("install")
	data := install.FlagSet.String("data", datadir.Default(), "the node's data `directory`")
	userName := install.FlagSet.String("user", "", "run the service as this `user` (systemd, launchd, Windows; SysV runs it as root)")
	desktop := install.FlagSet.String("desktop-user", defaultDesktopUser(), "the desktop `user` whose tray and window may read and control the node (default: the user who ran sudo; on Windows, this user)")
	desktopGroup := install.FlagSet.String("desktop-group", "", "the `group` whose members may read the node through its socket (default: the desktop user's primary group, refused when others share it)")
	exeDir := install.FlagSet.String("exe-dir", SystemExeDir, "where a binary that is not safe to run as root where it is (e.g. in a home directory) is copied to; unix only")
	var env envFlag
	install.FlagSet.Var(&env, "env", "`KEY=VALUE` in the service's environment (e.g. DOCKER_HOST=…); repeatable")
	install.ShortUsage = "hydrogend service install [-name NAME] [-data DIR] [-desktop-user USER] [-- RUN FLAGS]"
	install.ShortHelp = "Register hydrogend to run at boot (does not start it)."
	install.LongHelp = "Registers `hydrogend service run` with this system's service manager\n" +
		"(" + service.Platform() + " here). The service runs `hydrogend run -presence api` with\n" +
		"the data directory, restarting it with a growing pause when it fails. Flags\n" +
		"after -- are passed to hydrogend run. Needs administrator rights."
	install.Exec = func(ctx context.Context, args []string) error {
		if err := service.ValidName(*iname); err != nil {
			return usageError{err.Error()}
		}
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		if exe, err = filepath.EvalSymlinks(exe); err != nil {
			return err
		}
		// The service runs as root: never from a place its owner's user
		// (or anything running as them) could replace the binary.
		exe, note, err := installExecutable(exe, *exeDir, true)
		if err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintln(e.stdout, note)
		}
		dir, err := filepath.Abs(*data)
		if err != nil {
			return err
		}
		runArgs := []string{"-data", dir, "-presence", "api"}
		gid := -1
		if *desktop != "" {
			u, err := user.Lookup(*desktop)
			if err != nil {
				return usageError{fmt.Sprintf("-desktop-user %q: %v", *desktop, err)}
			}
			runArgs = append(runArgs, "-api-writers", u.Uid)
			group := u.Gid
			if *desktopGroup != "" {
				g, err := user.LookupGroup(*desktopGroup)
				if err != nil {
					return usageError{fmt.Sprintf("-desktop-group %q: %v", *desktopGroup, err)}
				}
				group = g.Gid
			} else if others := groupMembers(u.Gid, u.Username); len(others) > 0 {
				// The socket's group may read the node (its wallet's
				// address, earnings, settings): not a group others share.
				return usageError{fmt.Sprintf("%s's primary group (gid %s) is shared with %s: name a group only %s is in with -desktop-group", u.Username, u.Gid, strings.Join(others, ", "), u.Username)}
			}
			if g, err := strconv.Atoi(group); err == nil {
				gid = g
				runArgs = append(runArgs, "-api-group", group)
			}
		}
		runArgs = append(runArgs, args...)
		// The desktop user's group reaches the socket inside; nothing in
		// it stays another user's.
		if err := secureDataDir(dir, gid); err != nil {
			return err
		}
		spec := service.Spec{Name: *iname, Exe: exe, Args: runArgs, User: *userName, Env: env.m}
		if err := service.Install(spec); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "installed service %s (%s): %s service run -name %s %v\nstart it with: hydrogend service start -name %s\n", *iname, service.Platform(), exe, *iname, runArgs, *iname)
		return nil
	}

	uninstall, uname := named("uninstall")
	uninstall.ShortUsage = "hydrogend service uninstall [-name NAME]"
	uninstall.ShortHelp = "Stop the service and remove its registration (the data directory stays)."
	uninstall.Exec = func(ctx context.Context, args []string) error {
		if err := noArgs("service uninstall", args); err != nil {
			return err
		}
		if err := service.Uninstall(service.Spec{Name: *uname}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "uninstalled service %s\n", *uname)
		return nil
	}

	control := func(cmd, help string, f func(service.Spec) error) *ffcli.Command {
		c, name := named(cmd)
		c.ShortUsage = "hydrogend service " + cmd + " [-name NAME]"
		c.ShortHelp = help
		c.Exec = func(ctx context.Context, args []string) error {
			if err := noArgs("service "+cmd, args); err != nil {
				return err
			}
			return f(service.Spec{Name: *name})
		}
		return c
	}

	status, sname := named("status")
	status.ShortUsage = "hydrogend service status [-name NAME]"
	status.ShortHelp = "Print running, stopped or not installed (exit 1 unless running)."
	status.Exec = func(ctx context.Context, args []string) error {
		if err := noArgs("service status", args); err != nil {
			return err
		}
		st, platform, err := service.Status(service.Spec{Name: *sname})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s (%s)\n", st, platform)
		if st != "running" {
			return exitError{ExitFailure}
		}
		return nil
	}

	runSvc, rname := named("run")
	runSvc.ShortUsage = "hydrogend service run [-name NAME] RUN FLAGS…"
	runSvc.ShortHelp = "The service's body (started by the service manager): supervise hydrogend run."
	runSvc.Exec = func(ctx context.Context, args []string) error {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		sup := &service.Supervisor{Exe: exe, Args: append([]string{"run"}, args...), Log: slog.New(slog.NewTextHandler(e.stderr, nil))}
		err = service.RunService(*rname, &service.Program{Supervisor: sup})
		if errors.Is(err, service.ErrBadCommandLine) {
			return exitError{ExitUsage}
		}
		return err
	}

	return &ffcli.Command{
		Name:       "service",
		ShortUsage: "hydrogend service install|uninstall|start|stop|status [flags]",
		ShortHelp:  "Run the node as an operating system service.",
		FlagSet:    e.flagSet("service"),
		Subcommands: []*ffcli.Command{install, uninstall,
			control("start", "Start the installed service.", service.Start),
			control("stop", "Stop the service.", service.Stop),
			status, runSvc},
		Exec: func(ctx context.Context, args []string) error {
			return usageError{"hydrogend service needs a subcommand: install, uninstall, start, stop or status"}
		},
	}
}

// envFlag collects KEY=VALUE pairs.
type envFlag struct{ m map[string]string }

func (f *envFlag) String() string { return fmt.Sprint(f.m) }

func (f *envFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" || strings.ContainsAny(k, " \t\n'\"$;") || strings.ContainsAny(val, "\n'\"$;`") {
		return fmt.Errorf("%q is not KEY=VALUE (no quotes, $, ; or newlines)", v)
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[k] = val
	return nil
}

// defaultDesktopUser is who installs the service for their desktop: the
// user behind sudo, or on Windows the (elevated) user running the
// installer.
func defaultDesktopUser() string {
	if runtime.GOOS == "windows" {
		if u, err := user.Current(); err == nil {
			return u.Username
		}
		return ""
	}
	return os.Getenv("SUDO_USER")
}
