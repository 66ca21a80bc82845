package models

import (
	"errors"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	good := map[string]string{
		"base:runwayml/stable-diffusion-v1-5":                "checkpoints/runwayml/stable-diffusion-v1-5.safetensors",
		"base:stabilityai/stable-diffusion-xl-base-1.0+fp16": "checkpoints/stabilityai/stable-diffusion-xl-base-1.0+fp16.safetensors",
		"lora:civitai/pixel-art_v2":                          "loras/civitai/pixel-art_v2.safetensors",
		"controlnet:lllyasviel/control_v11p_sd15_openpose":   "controlnet/lllyasviel/control_v11p_sd15_openpose.safetensors",
	}
	for s, want := range good {
		id, err := ParseID(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if id.Path() != want || id.String() != s {
			t.Errorf("%s: path %s string %s", s, id.Path(), id.String())
		}
	}
	bad := []string{
		"", "sd15", "base:sd15", "base:org/", "base:/name", "video:org/name",
		"base:../etc/passwd", "base:org/../../etc", "base:org/na..me", "base:org/name/extra",
		"base:org/name+", "base:org/name+a/b", `base:org\name`, "base:org/name ", "BASE:org/name",
		"base:org/" + strings.Repeat("n", 97), "lora:" + strings.Repeat("o", 96) + "/" + strings.Repeat("n", 96) + "+" + strings.Repeat("v", 10),
		"base:.hidden/name", "base:org/-dash",
	}
	for _, s := range bad {
		if _, err := ParseID(s); !errors.Is(err, ErrBadID) {
			t.Errorf("%q accepted (%v)", s, err)
		}
	}
}
