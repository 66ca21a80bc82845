package worker

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// PullProgress is one step of an image pull, for the app.
type PullProgress struct {
	Layer          string // layer ID, "" for the image as a whole
	Status         string // e.g. "Downloading", "Pull complete"
	Current, Total int64  // bytes, when known
}

// EnsureImage makes image present: inspects it, else pulls it, sending
// progress to progress (which may be nil). Without a reachable registry
// the error is ErrImageMissing.
func EnsureImage(ctx context.Context, d Docker, image string, progress func(PullProgress)) error {
	if _, err := d.ImageInspect(ctx, image); err == nil {
		return nil
	} else if !cerrdefs.IsNotFound(err) {
		return classify(err)
	}
	resp, err := d.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return wrap(ErrImageMissing, fmt.Errorf("pull %s: %w", image, err))
	}
	defer resp.Close()
	for m, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return wrap(ErrImageMissing, fmt.Errorf("pull %s: %w", image, err))
		}
		if m.Error != nil {
			return wrap(ErrImageMissing, fmt.Errorf("pull %s: %s", image, m.Error.Message))
		}
		if progress != nil {
			p := PullProgress{Layer: m.ID, Status: m.Status}
			if m.Progress != nil {
				p.Current, p.Total = m.Progress.Current, m.Progress.Total
			}
			progress(p)
		}
	}
	if _, err := d.ImageInspect(ctx, image); err != nil {
		return wrap(ErrImageMissing, fmt.Errorf("pull %s: the image is still not there: %w", image, err))
	}
	return nil
}

// File is one file of an image build context.
type File struct {
	Name string
	Mode int64
	Data []byte
}

// BuildImage builds an image tagged tag from a Dockerfile and files, with
// the classic builder (no BuildKit session needed). It returns the build
// output's last lines on failure.
func BuildImage(ctx context.Context, d Docker, tag string, dockerfile string, files []File) error {
	var ctxTar bytes.Buffer
	tw := tar.NewWriter(&ctxTar)
	all := append([]File{{Name: "Dockerfile", Mode: 0o644, Data: []byte(dockerfile)}}, files...)
	for _, f := range all {
		if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: f.Mode, Size: int64(len(f.Data)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	resp, err := d.ImageBuild(ctx, &ctxTar, client.ImageBuildOptions{
		Tags: []string{tag}, Remove: true, ForceRemove: true, Version: build.BuilderV1,
		Labels: map[string]string{LabelImage: "true"},
	})
	if err != nil {
		return classify(err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	var tail []string
	for {
		var l jsonLine
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("worker: build %s: %w", tag, err)
		}
		if l.Error != "" {
			return fmt.Errorf("worker: build %s: %s (after %v)", tag, l.Error, tail)
		}
		if l.Stream != "" {
			tail = append(tail, l.Stream)
			if len(tail) > 5 {
				tail = tail[1:]
			}
		}
	}
	if _, err := d.ImageInspect(ctx, tag); err != nil {
		return fmt.Errorf("worker: build %s: no image afterwards: %w (%v)", tag, err, tail)
	}
	return nil
}
