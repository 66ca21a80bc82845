package engine

import (
	"errors"
	"strings"
	"testing"
)

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
