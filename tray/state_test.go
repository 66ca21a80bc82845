package tray

import (
	"testing"

	"github.com/hydrogen-network/hydrogen/i18n"
)

func TestStates(t *testing.T) {
	t.Setenv("LANGUAGE", "en")
	if err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
	icons, labels := map[string]State{}, map[string]State{}
	for _, s := range States {
		icon, err := s.Icon()
		if err != nil {
			t.Fatalf("%d: %v", s, err)
		}
		if prev, dup := icons[string(icon)]; dup {
			t.Errorf("states %d and %d share an icon", s, prev)
		}
		icons[string(icon)] = s
		l := s.Label()
		if prev, dup := labels[l]; dup || l == "" {
			t.Errorf("state %d label %q collides with %d", s, l, prev)
		}
		labels[l] = s
	}
	if got := Earning.Label(); got != "Earning" {
		t.Errorf("Earning label in English = %q", got)
	}
	if _, err := State(42).Icon(); err == nil {
		t.Error("an unknown state got an icon")
	}
}

func TestLabelsTranslated(t *testing.T) {
	t.Setenv("LANGUAGE", "zh_Hans")
	if err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
	if got := Paused.Label(); got != "已暂停" {
		t.Errorf("Paused label in Chinese = %q", got)
	}
}
