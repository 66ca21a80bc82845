package localapi

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// UsageLedger is the ledger's model usage, when the ledger has it.
type UsageLedger interface {
	ModelUsage(ctx context.Context) (map[string]ledger.Usage, error)
}

// ModelStore is what the API needs of the node's model store.
type ModelStore interface {
	Dir() string
	List() []models.Entry
	Used() int64
	Remove(id models.ID) error
	MakeRoom(need int64) ([]string, error)
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	if s.Models == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "this daemon keeps no model store")
		return
	}
	s.mu.Lock()
	l := s.Ledger
	s.mu.Unlock()
	var usage map[string]ledger.Usage
	if ul, ok := l.(UsageLedger); ok {
		var err error
		if usage, err = ul.ModelUsage(r.Context()); err != nil {
			fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
			return
		}
	}
	inUse := s.modelInUse()
	list := []api.Model{}
	for _, e := range s.Models.List() {
		m := api.Model{ID: e.ID, Bytes: e.Bytes, LastUsed: e.LastUsed, InUse: e.InUse || e.ID == inUse}
		u, h := usage[e.ID], usage[chain.ModelHash(e.ID).Hex()]
		m.Tasks = u.Tasks + h.Tasks
		for _, t := range []time.Time{u.Last, h.Last} {
			if t.After(m.LastUsed) {
				m.LastUsed = t
			}
		}
		list = append(list, m)
	}
	slices.SortFunc(list, func(a, b api.Model) int { return strings.Compare(a.ID, b.ID) })
	quota := int64(0)
	if s.Settings != nil {
		if q := s.Settings.Get().QuotaGB; q != nil {
			quota = int64(*q) << 30
		}
	}
	reply(w, api.Models{Dir: s.Models.Dir(), UsedBytes: s.Models.Used(), QuotaBytes: quota, Models: list, Downloads: s.downloads(true)})
}

// modelInUse is the model of the task being run, if any.
func (s *Server) modelInUse() string {
	if n, _, _ := s.parts(); n != nil {
		return n.Snapshot().TaskModel
	}
	return ""
}

// deleteModel removes a model from the store (?id=kind:org/name).
func (s *Server) deleteModel(w http.ResponseWriter, r *http.Request) {
	if s.Models == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "this daemon keeps no model store")
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
	switch err := s.Models.Remove(id); {
	case errors.Is(err, fs.ErrNotExist):
		fail(w, http.StatusNotFound, api.CodeNoSuchModel, id.String()+" is not in the cache")
		return
	case errors.Is(err, models.ErrInUse):
		fail(w, http.StatusConflict, api.CodeModelInUse, err.Error())
		return
	case err != nil:
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	s.Log.Info("model deleted by the owner", "model", id.String())
	reply(w, struct{}{})
}
