package gpu

import (
	"encoding/binary"
	"testing"
)

func TestParseProcessInfos(t *testing.T) {
	rec := func(pid uint32, mem uint64) []byte {
		b := make([]byte, processInfoV3Size)
		binary.LittleEndian.PutUint32(b[0:], pid)
		binary.LittleEndian.PutUint32(b[4:], 0xdeadbeef) // padding must be ignored
		binary.LittleEndian.PutUint64(b[8:], mem)
		binary.LittleEndian.PutUint32(b[16:], 7)
		binary.LittleEndian.PutUint32(b[20:], 9)
		return b
	}
	buf := append(append(rec(4242, 6<<30), rec(77, ^uint64(0))...), rec(0, 0)...)
	cases := []struct {
		name  string
		count int
		want  []rawProcess
		err   bool
	}{
		{"none", 0, []rawProcess{}, false},
		{"two", 2, []rawProcess{{4242, 6 << 30}, {77, ^uint64(0)}}, false},
		{"three", 3, []rawProcess{{4242, 6 << 30}, {77, ^uint64(0)}, {0, 0}}, false},
		{"more than the buffer", 4, nil, true},
		{"negative", -1, nil, true},
	}
	for _, c := range cases {
		got, err := parseProcessInfos(buf, c.count)
		if (err != nil) != c.err || len(got) != len(c.want) {
			t.Errorf("%s: %v %v", c.name, got, err)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: record %d = %+v, want %+v", c.name, i, got[i], c.want[i])
			}
		}
	}
	merged := mergeRaw(func(pid uint32) string { return map[uint32]string{4242: "game.exe"}[pid] },
		[]rawProcess{{4242, 1 << 30}}, []rawProcess{{4242, 6 << 30}, {77, ^uint64(0)}})
	if len(merged) != 2 || merged[0].Kind != Graphics || merged[0].MemoryUsed != 6<<30 || merged[0].Name != "game.exe" || merged[1].MemoryUsed != 0 {
		t.Fatalf("merged %+v", merged)
	}
}

func TestCStringAndMemory(t *testing.T) {
	if s := cString([]byte("NVIDIA GeForce RTX 4090\x00garbage")); s != "NVIDIA GeForce RTX 4090" {
		t.Fatal(s)
	}
	if s := cString([]byte("no terminator")); s != "no terminator" {
		t.Fatal(s)
	}
	b := make([]byte, 24)
	binary.LittleEndian.PutUint64(b[0:], 24<<30)
	binary.LittleEndian.PutUint64(b[8:], 20<<30)
	binary.LittleEndian.PutUint64(b[16:], 4<<30)
	if tot, used, err := memoryInfo(b); err != nil || tot != 24<<30 || used != 4<<30 {
		t.Fatal(tot, used, err)
	}
	if _, _, err := memoryInfo(b[:10]); err == nil {
		t.Fatal("short buffer accepted")
	}
}
