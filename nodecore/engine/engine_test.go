package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"runtime"
	"strings"
	"testing"
)

// pngBomb is a valid PNG header claiming a w×h gray image, with almost
// no pixel data: about 70 bytes.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit gray
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// TestFinding8ImageBomb: a tiny PNG claiming a huge image is refused from
// its header, without allocating its pixels (a 70-byte file made the
// daemon allocate 256 MiB); an image task's output has at most MaxImages.
func TestFinding8ImageBomb(t *testing.T) {
	bomb := pngBomb(16384, 16384)
	if len(bomb) > 100 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ImageHash(bomb)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("err = %v, want ErrImageTooLarge", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Fatalf("refusing the bomb allocated %d MiB", grew>>20)
	}
	var small bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 64, 64)))
	if _, err := ImageHash(small.Bytes()); err != nil {
		t.Fatalf("a 64×64 image: %v", err)
	}
	many := Output{}
	for range MaxImages + 1 {
		many.Images = append(many.Images, small.Bytes())
	}
	if _, err := Score(KindImage, many); err == nil {
		t.Fatalf("%d images scored", len(many.Images))
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"image", `{"kind":"image","model":"base:sd15","prompt":"a fox","seed":1,"width":512,"height":512,"count":2}`, ""},
		{"text", `{"kind":"text","model":"base:llama","prompt":"hello","seed":1,"maxTokens":64}`, ""},
		{"not json", `{"kind":`, "unexpected EOF"},
		{"unknown field", `{"kind":"text","prompt":"x","maxTokens":1,"temperature":2}`, "unknown field"},
		{"trailing data", `{"kind":"text","prompt":"x","maxTokens":1} {}`, "trailing data"},
		{"empty prompt", `{"kind":"text","prompt":"","maxTokens":1}`, "empty prompt"},
		{"huge prompt", `{"kind":"text","prompt":"` + strings.Repeat("x", MaxPrompt+1) + `","maxTokens":1}`, "prompt of"},
		{"bad kind", `{"kind":"video","prompt":"x"}`, `kind "video"`},
		{"odd size", `{"kind":"image","prompt":"x","width":500,"height":512,"count":1}`, "multiple of 8"},
		{"giant", `{"kind":"image","prompt":"x","width":8192,"height":512,"count":1}`, "image size"},
		{"no images", `{"kind":"image","prompt":"x","width":512,"height":512,"count":0}`, "0 images"},
		{"too many images", `{"kind":"image","prompt":"x","width":512,"height":512,"count":17}`, "17 images"},
		{"no tokens", `{"kind":"text","prompt":"x","maxTokens":0}`, "0 tokens"},
		{"finding 5: 5,001 models", `{"kind":"text","prompt":"x","maxTokens":1,"models":[` + strings.Repeat(`"base:a",`, 5000) + `"base:a"]}`, "5001 models listed"},
		{"too many distinct models", `{"kind":"image","model":"base:m0","prompt":"x","width":512,"height":512,"count":1,"models":["base:m1","base:m2","base:m3","base:m4","base:m5","base:m6","base:m7","base:m8"]}`, "9 models named"},
		{"bad utf8", "{\"kind\":\"text\",\"prompt\":\"\xff\",\"maxTokens\":1}", ""}, // json replaces invalid bytes
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseArgs([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrBadArgs) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrBadArgs containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestScoreErrors(t *testing.T) {
	if _, err := Score(KindImage, Output{}); err == nil {
		t.Error("an image task with no image scored")
	}
	if _, err := Score(KindImage, Output{Images: [][]byte{[]byte("not a png")}}); err == nil {
		t.Error("a broken image scored")
	}
	if _, err := Score("video", Output{}); err == nil {
		t.Error("an unknown kind scored")
	}
	s, err := Score(KindText, Output{Text: "hi"})
	if err != nil || len(s) != 32 {
		t.Fatalf("text score %x, %v", s, err)
	}
	if got := (Output{Text: "hi"}).Files(); len(got) != 1 || string(got[0]) != "hi" {
		t.Errorf("text files %q", got)
	}
}
