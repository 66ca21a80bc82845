package relay

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
)

// tarBlock is a hand-made ustar header block: archive/tar writes no
// sparse entries, and checks what it writes.
func tarBlock(name string, typ byte, size int64, magic string, extra func(b []byte)) []byte {
	b := make([]byte, 512)
	copy(b[0:], name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "00000000000\x00")
	b[156] = typ
	copy(b[257:], magic)
	if extra != nil {
		extra(b)
	}
	copy(b[148:], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

const ustarMagic, gnuMagic = "ustar\x0000", "ustar  \x00"

func tarPad(b []byte) []byte {
	if n := len(b) % 512; n != 0 {
		b = append(b, make([]byte, 512-n)...)
	}
	return b
}

// paxRecord is one "len key=value\n" record of a PAX header.
func paxRecord(k, v string) string {
	s := " " + k + "=" + v + "\n"
	n := len(s)
	for l := 0; l != n; {
		l = n
		n = len(strconv.Itoa(l)) + len(s)
	}
	return strconv.Itoa(n) + s
}

func paxEntry(records ...string) []byte {
	var pax string
	for i := 0; i+1 < len(records); i += 2 {
		pax += paxRecord(records[i], records[i+1])
	}
	return append(tarBlock("PaxHeaders/0", tar.TypeXHeader, int64(len(pax)), ustarMagic, nil), tarPad([]byte(pax))...)
}

const sparseSize = 512 << 20 // what the bombs below decode to

// sparseBundles are a few KiB each that decode to sparseSize bytes with a
// plain tar reader: the three GNU sparse formats.
func sparseBundles() map[string][]byte {
	end := make([]byte, 1024)
	out := map[string][]byte{}

	// PAX GNU sparse 1.0: the map leads the entry's data.
	b := paxEntry("GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", "0", "GNU.sparse.realsize", strconv.Itoa(sparseSize))
	data := append(tarPad([]byte("1\n"+strconv.Itoa(sparseSize-1)+"\n1\n")), 'A')
	b = append(b, tarBlock("0", tar.TypeReg, int64(len(data)), ustarMagic, nil)...)
	out["pax 1.0"] = append(append(b, tarPad(data)...), end...)

	// PAX GNU sparse 0.1: the map is a record.
	b = paxEntry("GNU.sparse.size", strconv.Itoa(sparseSize), "GNU.sparse.numblocks", "1", "GNU.sparse.map", strconv.Itoa(sparseSize-1)+",1")
	b = append(b, tarBlock("0", tar.TypeReg, 1, ustarMagic, nil)...)
	out["pax 0.1"] = append(append(b, tarPad([]byte("A"))...), end...)

	// Old GNU sparse: the map is in the header.
	b = tarBlock("0", tar.TypeGNUSparse, 1, gnuMagic, func(h []byte) {
		copy(h[386:], fmt.Sprintf("%011o\x00", sparseSize-1)) // offset
		copy(h[398:], fmt.Sprintf("%011o\x00", 1))            // length
		copy(h[483:], fmt.Sprintf("%011o\x00", sparseSize))   // real size
	})
	out["gnu old"] = append(append(b, tarPad([]byte("A"))...), end...)
	return out
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestFinding1SparseBundleRejected: a few KiB of sparse tar decoded to
// 512 MiB; now every sparse form is refused before anything is allocated
// for it, by DecodeBundle, by the relay's PUT result and by the client's
// GetResult from a hostile relay.
func TestFinding1SparseBundleRejected(t *testing.T) {
	for name, bomb := range sparseBundles() {
		t.Run(name, func(t *testing.T) {
			if len(bomb) > 4<<10 {
				t.Fatalf("the bomb is %d bytes", len(bomb))
			}
			var err error
			if n := allocated(func() { _, err = DecodeBundle(bomb, 16) }); n > 1<<20 {
				t.Errorf("decoding allocated %d bytes", n)
			}
			if !errors.Is(err, ErrBundleSparse) || !errors.Is(err, ErrBadBundle) {
				t.Fatalf("got %v, want ErrBundleSparse", err)
			}
		})
	}

	f := newFixture(t, DefaultLimits)
	f.recordResult(t)
	bomb := sparseBundles()["pax 1.0"]
	t.Run("PUT result", func(t *testing.T) {
		var err error
		if n := allocated(func() { err = f.raw(t, f.node(0).Key, http.MethodPut, taskPath(f.run.ID, "result"), bomb, nil) }); n > 8<<20 {
			t.Errorf("the relay allocated %d bytes", n)
		}
		wantError(t, err, http.StatusBadRequest, CodeBadRequest)
		if f.stored("result") {
			t.Fatal("a sparse bundle was stored")
		}
	})
	t.Run("GetResult from a hostile relay", func(t *testing.T) {
		hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/health" {
				writeJSON(w, http.StatusOK, Health{Status: "ok", Protocol: protocol, ChainID: "1337"})
				return
			}
			_, _ = w.Write(bomb)
		}))
		defer hostile.Close()
		var err error
		if n := allocated(func() { _, err = NewClient(hostile.URL, f.app.Key).GetResult(ctx, f.run.ID) }); n > 8<<20 {
			t.Errorf("the client allocated %d bytes", n)
		}
		if !errors.Is(err, ErrBundleSparse) {
			t.Fatalf("got %v, want ErrBundleSparse", err)
		}
	})
}

// TestFinding1OversizeEntryRejected: entries that claim more bytes than
// the bundle holds, and more files than allowed, are ErrBundleTooLarge
// without an allocation of their claimed size; other entry types are
// refused.
func TestFinding1OversizeEntryRejected(t *testing.T) {
	end := make([]byte, 1024)
	huge := append(append(tarBlock("0", tar.TypeReg, 1<<40, ustarMagic, nil), tarPad([]byte("0123456789"))...), end...)
	twoEntries := append(tarBlock("0", tar.TypeReg, 5, ustarMagic, nil), tarPad([]byte("hello"))...)
	twoEntries = append(append(twoEntries, tarBlock("1", tar.TypeReg, 2048, ustarMagic, nil)...), end...)
	paxSize := append(paxEntry("size", strconv.Itoa(1<<40)), tarBlock("0", tar.TypeReg, 1, ustarMagic, nil)...)
	paxSize = append(append(paxSize, tarPad([]byte("A"))...), end...)
	for name, b := range map[string][]byte{"1 TiB header": huge, "second entry past the end": twoEntries, "PAX size record": paxSize} {
		t.Run(name, func(t *testing.T) {
			var err error
			if n := allocated(func() { _, err = DecodeBundle(b, 16) }); n > 1<<20 {
				t.Errorf("decoding allocated %d bytes", n)
			}
			if !errors.Is(err, ErrBundleTooLarge) || !errors.Is(err, ErrBadBundle) {
				t.Fatalf("got %v, want ErrBundleTooLarge", err)
			}
		})
	}
	t.Run("PUT result", func(t *testing.T) {
		f := newFixture(t, DefaultLimits)
		f.recordResult(t)
		wantError(t, f.raw(t, f.node(0).Key, http.MethodPut, taskPath(f.run.ID, "result"), huge, nil), http.StatusRequestEntityTooLarge, CodeTooLarge)
	})
	t.Run("too many files", func(t *testing.T) {
		b, err := EncodeBundle([][]byte{{1}, {2}, {3}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeBundle(b, 2); !errors.Is(err, ErrBundleTooLarge) {
			t.Fatalf("got %v, want ErrBundleTooLarge", err)
		}
	})
	for _, typ := range []byte{tar.TypeSymlink, tar.TypeLink, tar.TypeDir, tar.TypeChar, tar.TypeFifo, tar.TypeCont} {
		b := append(tarBlock("0", typ, 0, ustarMagic, nil), end...)
		if _, err := DecodeBundle(b, 16); !errors.Is(err, ErrBadBundle) {
			t.Errorf("type %q: got %v, want ErrBadBundle", typ, err)
		}
	}
	// A real bundle still decodes to exactly its files.
	files := [][]byte{bytes.Repeat([]byte{7}, 10000), nil, []byte("x")}
	b, err := EncodeBundle(files)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBundle(b, 3)
	if err != nil || len(got) != 3 || !bytes.Equal(got[0], files[0]) || len(got[1]) != 0 || !bytes.Equal(got[2], files[2]) {
		t.Fatalf("round trip: %d files, %v", len(got), err)
	}
}
