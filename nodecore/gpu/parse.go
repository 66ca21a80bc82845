package gpu

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The layouts below are NVML's C structures as nvml.dll fills them on
// Windows (little-endian, 8-byte aligned), read without cgo.

// processInfoV3Size is sizeof(nvmlProcessInfo_v3_t): pid (uint32, then 4
// bytes of padding), usedGpuMemory (uint64), gpuInstanceId and
// computeInstanceId (uint32 each).
const processInfoV3Size = 24

// rawProcess is one nvmlProcessInfo_t.
type rawProcess struct {
	PID    uint32
	Memory uint64 // ^uint64(0) means "not available"
}

// parseProcessInfos decodes count nvmlProcessInfo_v3_t records.
func parseProcessInfos(b []byte, count int) ([]rawProcess, error) {
	if count < 0 || count*processInfoV3Size > len(b) {
		return nil, fmt.Errorf("gpu: %d process records do not fit in %d bytes", count, len(b))
	}
	out := make([]rawProcess, count)
	for i := range out {
		r := b[i*processInfoV3Size:]
		out[i] = rawProcess{PID: binary.LittleEndian.Uint32(r[0:4]), Memory: binary.LittleEndian.Uint64(r[8:16])}
	}
	return out, nil
}

// cString returns the NUL-terminated string at the start of b.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// memoryInfo decodes nvmlMemory_t: total, free, used (uint64 each).
func memoryInfo(b []byte) (total, used uint64, err error) {
	if len(b) < 24 {
		return 0, 0, errors.New("gpu: short nvmlMemory_t")
	}
	return binary.LittleEndian.Uint64(b[0:8]), binary.LittleEndian.Uint64(b[16:24]), nil
}

// mergeRaw lists each PID once across compute and graphics records; a
// process in both is reported as graphics with the larger memory.
func mergeRaw(name func(uint32) string, comp, gfx []rawProcess) []Process {
	var out []Process
	idx := map[uint32]int{}
	add := func(p rawProcess, k ProcessKind) {
		mem := p.Memory
		if mem == ^uint64(0) {
			mem = 0
		}
		if i, ok := idx[p.PID]; ok {
			out[i].Kind = Graphics
			out[i].MemoryUsed = max(out[i].MemoryUsed, mem)
			return
		}
		idx[p.PID] = len(out)
		out = append(out, Process{PID: p.PID, Name: name(p.PID), Kind: k, MemoryUsed: mem})
	}
	for _, p := range comp {
		add(p, Compute)
	}
	for _, p := range gfx {
		add(p, Graphics)
	}
	return out
}
