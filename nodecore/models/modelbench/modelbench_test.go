package modelbench

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunPrintsEveryMeasurement(t *testing.T) {
	rows, err := Run(context.Background(), 8<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	Write(&b, 8<<20, rows)
	if len(rows) != 3 || rows[0].MiBps <= 0 || rows[2].MiBps <= 0 || !strings.Contains(b.String(), "4 parallel ranges") {
		t.Fatalf("%+v\n%s", rows, b.String())
	}
}
