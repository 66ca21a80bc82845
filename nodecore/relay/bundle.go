package relay

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

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

// Bundle errors. ErrBundleTooLarge and ErrBundleSparse are also
// ErrBadBundle (errors.Is).
var (
	// ErrBadBundle is a result bundle that is not a sequence of regular
	// files named 0, 1, 2, ….
	ErrBadBundle = errors.New("malformed result bundle")
	// ErrBundleTooLarge is a bundle whose entries claim more bytes than
	// the bundle holds, or more files than allowed.
	ErrBundleTooLarge = fmt.Errorf("%w: too large", ErrBadBundle)
	// ErrBundleSparse is a bundle with a sparse entry (GNU sparse types or
	// PAX GNU.sparse.* records): a few bytes that would decode to many.
	ErrBundleSparse = fmt.Errorf("%w: sparse entries are not allowed", ErrBadBundle)
)

// DecodeBundle reads a bundle of at most maxFiles files. Every file must
// be a plain regular entry whose bytes are in data, so the files decoded
// never total more than len(data): sparse entries, links, directories and
// entries that claim more bytes than data has left are refused before
// anything is allocated for them.
func DecodeBundle(data []byte, maxFiles int) ([][]byte, error) {
	src := bytes.NewReader(data)
	tr := tar.NewReader(src)
	var files [][]byte
	var total int64
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadBundle, err)
		}
		if err := checkEntry(hdr); err != nil {
			return nil, err
		}
		if hdr.Name != strconv.Itoa(len(files)) {
			return nil, fmt.Errorf("%w: entry %q, want %q", ErrBadBundle, truncate(hdr.Name), strconv.Itoa(len(files)))
		}
		if len(files) >= maxFiles {
			return nil, fmt.Errorf("%w: more than %d files", ErrBundleTooLarge, max(maxFiles, 0))
		}
		// The entry's bytes follow its header in data: it cannot hold more
		// than what is left of data, nor can all entries together.
		left := int64(src.Len())
		if hdr.Size < 0 || hdr.Size > left || total+hdr.Size > int64(len(data)) {
			return nil, fmt.Errorf("%w: entry %s claims %d bytes; the bundle has %d left", ErrBundleTooLarge, hdr.Name, hdr.Size, left)
		}
		f := make([]byte, hdr.Size)
		if _, err := io.ReadFull(io.LimitReader(tr, hdr.Size), f); err != nil {
			return nil, fmt.Errorf("%w: entry %s: %v", ErrBadBundle, hdr.Name, err)
		}
		total += hdr.Size
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no files", ErrBadBundle)
	}
	return files, nil
}

// checkEntry refuses every entry but a plain regular file.
func checkEntry(hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return fmt.Errorf("%w (entry %q)", ErrBundleSparse, truncate(hdr.Name))
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return fmt.Errorf("%w (entry %q has %s)", ErrBundleSparse, truncate(hdr.Name), truncate(k))
		}
	}
	if hdr.Typeflag != tar.TypeReg {
		return fmt.Errorf("%w: entry %q is not a regular file (type %q)", ErrBadBundle, truncate(hdr.Name), hdr.Typeflag)
	}
	return nil
}

// truncate shortens a name from a bundle for an error message.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
