package settings

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// FuzzSettingsPatch: any PATCH /v1/settings body is refused, leaving the
// file as it was, or saved as settings that a restart reads back the
// same (a setting accepted once never stops the daemon from starting).
func FuzzSettingsPatch(f *testing.F) {
	for _, s := range []string{
		`{"idleMinutes":5}`, `{"tempLimitC":300}`, `{"schedule":[[0,1,2]]}`, `{"allow":["game.exe"],"block":["/bin/x"]}`,
		`{"proxy":"http://bob:pw@proxy.example:3128"}`, `{"proxy":"ftp://x"}`, `{"hfEndpoint":"https://hf-mirror.example/hf"}`,
		`{"mirrorNetworks":["192.168.1.0/24","10.0.0.5"]}`, `{"mirrorNetworks":["x"]}`, `{"maxDownloadGB":0}`,
		`{"downloadLimitMBps":-1}`, `{"language":"zh_Hans"}`, `{"quotaGB":1e9}`, `{}`, `null`, `[`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body []byte) {
		var p api.Settings
		if json.Unmarshal(body, &p) != nil {
			return
		}
		path := filepath.Join(dir, "settings.json")
		st, err := Open(path, Defaults(false))
		if err != nil {
			t.Fatalf("the saved settings do not open: %v", err)
		}
		before := st.Get()
		next, err := st.Patch(p)
		if err != nil {
			if b, _ := json.Marshal(st.Get()); string(b) != string(mustMarshal(t, before)) {
				t.Fatal("a refused patch changed the settings")
			}
			return
		}
		again, err := Open(path, Defaults(false))
		if err != nil {
			t.Fatalf("accepted settings do not open again: %v (%s)", err, body)
		}
		if string(mustMarshal(t, again.Get())) != string(mustMarshal(t, next)) {
			t.Fatalf("settings changed across a restart:\n%s\n%s", mustMarshal(t, next), mustMarshal(t, again.Get()))
		}
		_ = again.Downloads() // every accepted setting converts
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
