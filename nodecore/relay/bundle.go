package relay

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
)

// A task's results travel as a bundle: a tar archive of regular files
// named 0, 1, 2, … in order (one per image, or one text).

// ResultHash is what a paid node records on chain for its results: the
// sha256 of the concatenated sha256 of each file, in order.
func ResultHash(files [][]byte) common.Hash {
	h := sha256.New()
	for _, f := range files {
		sum := sha256.Sum256(f)
		h.Write(sum[:])
	}
	return common.BytesToHash(h.Sum(nil))
}

// ArgsHash is what an application records on chain for its arguments.
func ArgsHash(args []byte) common.Hash { return sha256.Sum256(args) }

// EncodeBundle writes files as a bundle.
func EncodeBundle(files [][]byte) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i, f := range files {
		hdr := &tar.Header{Name: strconv.Itoa(i), Mode: 0o644, Size: int64(len(f)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ErrBadBundle is a result bundle that is not a sequence of regular files
// named 0, 1, 2, ….
var ErrBadBundle = errors.New("malformed result bundle")

// DecodeBundle reads a bundle of at most maxFiles files.
func DecodeBundle(data []byte, maxFiles int) ([][]byte, error) {
	tr := tar.NewReader(bytes.NewReader(data))
	var files [][]byte
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadBundle, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%w: entry %q is not a regular file", ErrBadBundle, hdr.Name)
		}
		if hdr.Name != strconv.Itoa(len(files)) {
			return nil, fmt.Errorf("%w: entry %q, want %q", ErrBadBundle, hdr.Name, strconv.Itoa(len(files)))
		}
		if len(files) == maxFiles {
			return nil, fmt.Errorf("%w: more than %d files", ErrBadBundle, maxFiles)
		}
		f, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadBundle, err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no files", ErrBadBundle)
	}
	return files, nil
}
