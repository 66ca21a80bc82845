// Command genicons draws Hydrogen's icons into the assets directory. Run
// it through `go generate ./assets`; a test in assets fails when the
// committed PNGs differ from what it draws.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/hydrogen-network/hydrogen/assets/internal/iconart"
)

func main() {
	dir := flag.String("dir", ".", "the assets `directory` to write into")
	flag.Parse()
	for _, f := range iconart.Files() {
		b, err := iconart.EncodePNG(f.Draw())
		if err != nil {
			log.Fatalf("genicons: %s: %v", f.Path, err)
		}
		path := filepath.Join(*dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
