package localapi

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// UsageLedger is the ledger's model usage, when the ledger has it.
type UsageLedger interface {
	ModelUsage(ctx context.Context) (map[string]ledger.Usage, error)
}

// scanModels lists the model files in dir (partial downloads and strays
// are skipped).
func scanModels(dir string) ([]api.Model, int64, error) {
	var out []api.Model
	var used int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		used += info.Size()
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		id, err := models.FromPath(filepath.ToSlash(rel))
		if err != nil {
			return nil // counted in the storage used, not a model
		}
		out = append(out, api.Model{ID: id.String(), Bytes: info.Size(), LastUsed: info.ModTime()})
		return nil
	})
	slices.SortFunc(out, func(a, b api.Model) int { return strings.Compare(a.ID, b.ID) })
	return out, used, err
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	if s.ModelDir == "" {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "this daemon keeps no model cache (the reference engine needs none)")
		return
	}
	list, used, err := scanModels(s.ModelDir)
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, "reading the model cache: "+err.Error())
		return
	}
	var usage map[string]ledger.Usage
	s.mu.Lock()
	l := s.Ledger
	s.mu.Unlock()
	if ul, ok := l.(UsageLedger); ok {
		if usage, err = ul.ModelUsage(r.Context()); err != nil {
			fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
			return
		}
	}
	inUse := s.modelInUse()
	for i := range list {
		u, h := usage[list[i].ID], usage[chain.ModelHash(list[i].ID).Hex()]
		list[i].Tasks = u.Tasks + h.Tasks
		if h.Last.After(u.Last) {
			u.Last = h.Last
		}
		if u.Last.After(list[i].LastUsed) {
			list[i].LastUsed = u.Last
		}
		list[i].InUse = list[i].ID == inUse
	}
	quota := int64(0)
	if s.Settings != nil {
		if q := s.Settings.Get().QuotaGB; q != nil {
			quota = int64(*q) << 30
		}
	}
	if list == nil {
		list = []api.Model{}
	}
	reply(w, api.Models{Dir: s.ModelDir, UsedBytes: used, QuotaBytes: quota, Models: list})
}

// modelInUse is the model of the task being run, if any.
func (s *Server) modelInUse() string {
	if n, _, _ := s.parts(); n != nil {
		return n.Snapshot().TaskModel
	}
	return ""
}

// deleteModel removes a model file from the cache (?id=kind:org/name).
func (s *Server) deleteModel(w http.ResponseWriter, r *http.Request) {
	if s.ModelDir == "" {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "this daemon keeps no model cache")
		return
	}
	id, err := models.ParseID(r.URL.Query().Get("id"))
	if err != nil {
		fail(w, http.StatusBadRequest, api.CodeBadModel, err.Error())
		return
	}
	if id.String() == s.modelInUse() {
		fail(w, http.StatusConflict, api.CodeModelInUse, "the task running now needs "+id.String()+": delete it when the task is done")
		return
	}
	p := filepath.Join(s.ModelDir, filepath.FromSlash(id.Path()))
	if err := os.Remove(p); errors.Is(err, fs.ErrNotExist) {
		fail(w, http.StatusNotFound, api.CodeNoSuchModel, id.String()+" is not in the cache")
		return
	} else if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	s.Log.Info("model deleted by the owner", "model", id.String())
	reply(w, struct{}{})
}
