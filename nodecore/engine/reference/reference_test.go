package reference

import (
	"bytes"
	"context"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

func imageArgs(prompt string, seed int64) engine.Args {
	return engine.Args{Kind: engine.KindImage, Model: "base:sd15", Prompt: prompt, Seed: seed, Width: 256, Height: 256, Count: 2}
}

func hashes(t *testing.T, e Engine, a engine.Args) []uint64 {
	t.Helper()
	out, err := e.Run(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	var hs []uint64
	for _, img := range out.Images {
		h, err := engine.ImageHash(img)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return hs
}

func TestDeterministic(t *testing.T) {
	a := imageArgs("a lighthouse at dusk", 42)
	o1, err := Engine{}.Run(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	o2, _ := Engine{}.Run(context.Background(), a)
	if len(o1.Images) != 2 || !bytes.Equal(o1.Images[0], o2.Images[0]) || !bytes.Equal(o1.Images[1], o2.Images[1]) {
		t.Fatal("the same arguments gave different images")
	}
	if bytes.Equal(o1.Images[0], o1.Images[1]) {
		t.Fatal("the two images of one task are identical")
	}
	if dir := os.Getenv("HYDROGEN_SCREENSHOT_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "reference.png"), o1.Images[0], 0o644)
	}
	s1, _ := engine.Score(engine.KindImage, o1)
	s2, _ := engine.Score(engine.KindImage, o2)
	if !bytes.Equal(s1, s2) || len(s1) != 16 {
		t.Fatalf("scores %x and %x", s1, s2)
	}
}

func TestPromptsLookDifferent(t *testing.T) {
	base := hashes(t, Engine{}, imageArgs("a lighthouse at dusk", 42))
	for _, other := range []engine.Args{imageArgs("a red fox in the snow", 42), imageArgs("a lighthouse at dusk", 43)} {
		hs := hashes(t, Engine{}, other)
		if d := bits.OnesCount64(base[0] ^ hs[0]); d <= 10 {
			t.Errorf("%q seed %d: perceptual distance %d to the base, want clearly different (> 10)", other.Prompt, other.Seed, d)
		}
	}
}

// TestNoiseStaysWithinThreshold: nodes with different noise produce
// images that differ, but within the protocol's threshold of 5 bits.
func TestNoiseStaysWithinThreshold(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		a := imageArgs("a quiet harbor", seed)
		clean := hashes(t, Engine{}, a)
		for node := uint64(1); node <= 3; node++ {
			noisy := hashes(t, Engine{NoisePixels: 12, NoiseSeed: node}, a)
			for i := range clean {
				if d := bits.OnesCount64(clean[i] ^ noisy[i]); d > 5 {
					t.Errorf("seed %d node %d image %d: distance %d > 5", seed, node, i, d)
				}
			}
		}
	}
}

func TestTextIsDeterministicAndLabelled(t *testing.T) {
	a := engine.Args{Kind: engine.KindText, Prompt: "Tell me about hydrogen", Seed: 9, MaxTokens: 30}
	o1, err := Engine{}.Run(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	o2, _ := Engine{NoisePixels: 50}.Run(context.Background(), a)
	if o1.Text != o2.Text {
		t.Fatal("text differs between runs or with image noise")
	}
	if !strings.HasPrefix(o1.Text, "["+Label+"]") {
		t.Errorf("text %q is not labelled", o1.Text)
	}
	if n := len(strings.Fields(o1.Text)); n > 30+10 {
		t.Errorf("%d words for 30 tokens", n)
	}
	a.Seed = 10
	if o3, _ := (Engine{}).Run(context.Background(), a); o3.Text == o1.Text {
		t.Error("another seed gave the same text")
	}
}

func TestRefusesBadArgsAndCancellation(t *testing.T) {
	if _, err := (Engine{}).Run(context.Background(), engine.Args{Kind: engine.KindImage, Prompt: "x"}); err == nil {
		t.Error("bad arguments ran")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Engine{}).Run(ctx, imageArgs("x", 1)); err == nil {
		t.Error("a cancelled task ran")
	}
}
