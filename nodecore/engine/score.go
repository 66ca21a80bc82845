package engine

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"

	"github.com/corona10/goimagehash"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// MaxImagePixels bounds an output image: the largest side a task may ask
// for, squared. A PNG's header is read first, so a tiny file claiming a
// huge image is refused before its pixels are allocated.
const MaxImagePixels = MaxSide * MaxSide

// ErrImageTooLarge is an output image with more pixels than any task may
// ask for.
var ErrImageTooLarge = errors.New("engine: image too large")

// ImageHash is the 64-bit DCT perceptual hash of a PNG image.
func ImageHash(pngData []byte) (uint64, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(pngData))
	if err != nil {
		return 0, fmt.Errorf("engine: decode image: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxImagePixels {
		return 0, fmt.Errorf("%w: %d×%d pixels, at most %d×%d", ErrImageTooLarge, cfg.Width, cfg.Height, MaxSide, MaxSide)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		return 0, fmt.Errorf("engine: decode image: %w", err)
	}
	h, err := goimagehash.PerceptionHash(img)
	if err != nil {
		return 0, fmt.Errorf("engine: perceptual hash: %w", err)
	}
	return h.GetHash(), nil
}

// Score is what a node commits to for an output of a task of kind: one
// perceptual hash per image, or the sha256 of the text.
func Score(kind string, o Output) ([]byte, error) {
	switch kind {
	case KindImage:
		if len(o.Images) == 0 {
			return nil, fmt.Errorf("engine: an image task produced no image")
		}
		if len(o.Images) > MaxImages {
			return nil, fmt.Errorf("engine: %d images, at most %d", len(o.Images), MaxImages)
		}
		hashes := make([]uint64, len(o.Images))
		for i, img := range o.Images {
			h, err := ImageHash(img)
			if err != nil {
				return nil, fmt.Errorf("engine: image %d: %w", i, err)
			}
			hashes[i] = h
		}
		return chain.ImageScore(hashes...), nil
	case KindText:
		return chain.TextScore(TextScore(o.Text)), nil
	}
	return nil, fmt.Errorf("engine: unknown task kind %q", kind)
}
