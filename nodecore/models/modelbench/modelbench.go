// Package modelbench is `hydrogend bench models`: how fast the model
// downloader fetches over loopback in one range and in parallel ranges,
// and how fast sha256 verifies what arrived.
package modelbench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// Row is one measurement: the median over the runs.
type Row struct {
	What   string
	MiBps  float64
	Median time.Duration
	Runs   int
}

// Run measures with a file of size bytes, runs times each.
func Run(ctx context.Context, size int64, runs int) ([]Row, error) {
	content := make([]byte, size)
	x := uint64(88172645463325252)
	for i := range content {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		content[i] = byte(x)
	}
	h := sha256.Sum256(content)
	want := hex.EncodeToString(h[:])

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "model.safetensors", time.Time{}, bytes.NewReader(content))
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/model.safetensors"

	dir, err := os.MkdirTemp("", "hmodelbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var rows []Row
	for _, parts := range []int{1, 4} {
		var ds []time.Duration
		for i := range runs {
			d := &models.Downloader{Parts: parts, MinPart: 4 << 20, AllowPrivateHosts: models.LoopbackPrefixes()} // the server is on loopback
			dest := filepath.Join(dir, fmt.Sprintf("m-%d-%d.safetensors", parts, i))
			began := time.Now()
			if err := d.Download(ctx, models.Fetch{URL: url, SHA256: want}, dest); err != nil {
				return nil, err
			}
			ds = append(ds, time.Since(began))
			os.Remove(dest)
		}
		what := "download, 1 range (incl. sha256)"
		if parts > 1 {
			what = fmt.Sprintf("download, %d parallel ranges (incl. sha256)", parts)
		}
		rows = append(rows, row(what, size, ds))
	}
	var ds []time.Duration
	for range runs {
		began := time.Now()
		hh := sha256.New()
		if _, err := io.Copy(hh, bytes.NewReader(content)); err != nil {
			return nil, err
		}
		ds = append(ds, time.Since(began))
	}
	rows = append(rows, row("sha256 verification (memory)", size, ds))
	return rows, nil
}

func row(what string, size int64, ds []time.Duration) Row {
	slices.Sort(ds)
	m := ds[len(ds)/2]
	return Row{What: what, Median: m, Runs: len(ds), MiBps: float64(size) / (1 << 20) / m.Seconds()}
}

// Write prints the table.
func Write(w io.Writer, size int64, rows []Row) {
	fmt.Fprintf(w, "model downloads over loopback, a %d MiB file\n\n", size>>20)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "what\truns\tmedian\tMiB/s\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.0f\t\n", r.What, r.Runs, r.Median.Round(time.Millisecond), r.MiBps)
	}
	tw.Flush()
}
