package icon

import (
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

func TestShouldReport(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := func(at time.Duration, idle api.Duration) api.Presence {
		return api.Presence{At: t0.Add(at), Idle: idle, ControllerIdle: api.Unknown}
	}
	s := api.Duration(time.Second)
	last := p(0, 0)
	for _, c := range []struct {
		name string
		last *api.Presence
		p    api.Presence
		want bool
	}{
		{"first", nil, p(0, 0), true},
		{"typing, 250 ms later", &last, p(250*time.Millisecond, 0), false},
		{"heartbeat", &last, p(Heartbeat, 0), true},
		{"idle growing", ptr(p(0, 120*s)), p(time.Second, 121*s), false},
		{"back after 2 min", ptr(p(0, 120*s)), p(time.Second, 0), true},
		{"full screen", &last, api.Presence{At: t0.Add(time.Second), FullScreen: true, ControllerIdle: api.Unknown}, true},
		{"controller appears", &last, api.Presence{At: t0.Add(time.Second), ControllerIdle: 0}, true},
		{"source lost", &last, p(time.Second, api.Unknown), true},
	} {
		if got := ShouldReport(c.last, c.p); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func ptr[T any](v T) *T { return &v }
