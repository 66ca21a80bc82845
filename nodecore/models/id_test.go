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

func TestLinkID(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	s := "lora:https://civitai.com/api/download/models/12345?type=Model&format=SafeTensor#sha256=" + sum
	id, err := ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	if !id.IsLink() || id.URL != "https://civitai.com/api/download/models/12345?type=Model&format=SafeTensor" || id.SHA256 != sum {
		t.Fatalf("parsed %+v", id)
	}
	if id.String() != s || id.Path() != "loras/url-sha256/"+sum+".safetensors" {
		t.Fatalf("string %s path %s", id, id.Path())
	}
	if _, err := FromPath(id.Path()); err == nil {
		t.Fatal("a link's model named from its path alone")
	}
	bad := []string{
		"lora:https://civitai.com/x",                                              // no sha256
		"lora:https://civitai.com/x#sha256=" + strings.ToUpper(sum),               // not canonical
		"lora:https://civitai.com/x#sha256=" + sum[:63],                           // short
		"lora:http://civitai.com/x#sha256=" + sum,                                 // not https (and not a catalog ID)
		"lora:https://user:pw@civitai.com/x#sha256=" + sum,                        // credentials
		"lora:https:///x#sha256=" + sum,                                           // no host
		"lora:https://civitai.com/a b#sha256=" + sum,                              // space
		"lora:https://civitai.com/ü#sha256=" + sum,                                // not ASCII
		"video:https://civitai.com/x#sha256=" + sum,                               // kind
		"lora:https://civitai.com/" + strings.Repeat("x", 500) + "#sha256=" + sum, // length
		"lora:https://civitai.com/x#sha256=" + sum + "#sha256=" + sum,
		"lora:url-sha256/" + sum, // the links' folder is reserved
	}
	for _, s := range bad {
		if _, err := ParseID(s); !errors.Is(err, ErrBadID) {
			t.Errorf("%q accepted (%v)", s, err)
		}
	}
}
