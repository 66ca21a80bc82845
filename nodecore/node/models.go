package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
)

// ModelStore is the node's model store as the node uses it
// (*models.Manager has it).
type ModelStore interface {
	// Held lists the models held, the most recently used first.
	Held() []string
	Has(id string) bool
	// Fetch makes sure the store holds id (downloading it) and pins it.
	Fetch(ctx context.Context, id string) error
	Unpin(id string)
	// Use keeps id from eviction until release.
	Use(id string) (release func(), err error)
	// Pending lists the downloads a stop cut short.
	Pending() []string
}

// PhaseDownloading: a task's model is being downloaded before it runs.
const PhaseDownloading = "downloading"

// nameWait is how long the relay is asked for a model's name it does not
// know yet.
var nameWait = 2 * time.Minute

// modelName finds the model ID behind a hash: the names this node knows
// (its catalog, its store, tasks it ran), else the relay, which learns
// them from the tasks' arguments. The arguments reach the relay just
// after the task that asked for the download, so "not yet" is retried
// for a while.
func (n *Node) modelName(ctx context.Context, h common.Hash) (string, error) {
	if id, ok := n.ModelName(h); ok {
		return id, nil
	}
	wait, deadline := n.cfg.Poll, time.Now().Add(nameWait)
	for {
		id, err := n.relay.ModelID(ctx, h)
		if err == nil {
			n.namesMu.Lock()
			if len(n.names) < maxNames {
				n.names[h] = id
			}
			n.namesMu.Unlock()
			return id, nil
		}
		var re *relay.Error
		if !errors.As(err, &re) || re.Code != relay.CodeNotFound || time.Now().After(deadline) {
			return "", err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// downloadRequested acts on the network's request that this node hold
// model h: in the background, so that tasks go on meanwhile. Once the
// model is in the store it is reported held.
func (n *Node) downloadRequested(ctx context.Context, h common.Hash) {
	n.fetchInBackground(ctx, h, func() (string, error) { return n.modelName(ctx, h) })
}

// resumeDownloads fetches in the background the models whose download
// a stop cut short.
func (n *Node) resumeDownloads(ctx context.Context) {
	if n.cfg.Store == nil {
		return
	}
	for _, id := range n.cfg.Store.Pending() {
		n.log.Info("resuming a model download", "model", id)
		n.fetchInBackground(ctx, chain.ModelHash(id), func() (string, error) { return id, nil })
	}
}

// fetchInBackground names model h, fetches it and reports it held, once
// at a time per model.
func (n *Node) fetchInBackground(ctx context.Context, h common.Hash, name func() (string, error)) {
	if n.cfg.Store == nil {
		n.log.Info("the network asked for a model; this node keeps no model store", "model", h)
		return
	}
	n.dlMu.Lock()
	if n.requested[h] {
		n.dlMu.Unlock()
		return
	}
	n.requested[h] = true
	n.dlMu.Unlock()
	n.bg.Go(func() {
		defer func() {
			n.dlMu.Lock()
			delete(n.requested, h)
			n.dlMu.Unlock()
		}()
		id, err := name()
		if err != nil {
			n.log.Warn("the network asked for a model this node cannot name", "model", h, "err", err)
			return
		}
		n.log.Info("fetching a model the network asked this node to hold", "model", id)
		if err := n.cfg.Store.Fetch(ctx, id); err != nil {
			if ctx.Err() == nil {
				n.log.Warn("downloading a model the network asked for failed", "model", id, "err", err)
			}
			return
		}
		if err := n.reportHeld(chain.Background(ctx), id); err != nil && ctx.Err() == nil {
			n.log.Warn("reporting a downloaded model failed", "model", id, "err", err)
		}
	})
}

// reportHeld tells the chain this node holds id, unless it knows.
func (n *Node) reportHeld(ctx context.Context, id string) error {
	h := chain.ModelHash(id)
	on, err := n.client.NodeModels(ctx, n.addr)
	if err != nil {
		return err
	}
	if slices.Contains(on, h) {
		return nil
	}
	if err := n.ReportModel(ctx, id, true); err != nil {
		return err
	}
	n.log.Info("reported a model held", "model", id)
	return nil
}

// heldModels are the models to declare at join: the configured ones and
// the store's, at most the network's limit (the most recently used).
func (n *Node) heldModels() []string {
	held := slices.Clone(n.cfg.Models)
	if n.cfg.Store != nil {
		for _, id := range n.cfg.Store.Held() {
			if !slices.Contains(held, id) {
				held = append(held, id)
			}
		}
	}
	if max := int(n.knownParams().Registry.MaxModels); len(held) > max {
		held = held[:max]
	}
	return held
}

// syncModels, for a node already in the network, reports the models it
// holds that the chain does not list, and those the chain lists that it
// no longer holds (deleted or evicted while it was stopped).
func (n *Node) syncModels(ctx context.Context) error {
	on, err := n.client.NodeModels(ctx, n.addr)
	if err != nil {
		return err
	}
	held := n.heldModels()
	heldHash := map[common.Hash]bool{}
	for _, id := range held {
		heldHash[chain.ModelHash(id)] = true
		if !slices.Contains(on, chain.ModelHash(id)) && len(on) < int(n.knownParams().Registry.MaxModels) {
			if _, err := n.client.ReportModel(ctx, chain.ModelHash(id), true); err != nil {
				return fmt.Errorf("reporting %s held: %w", id, err)
			}
			on = append(on, chain.ModelHash(id))
		}
	}
	for _, h := range on {
		if !heldHash[h] {
			if _, err := n.client.ReportModel(ctx, h, false); err != nil {
				return fmt.Errorf("reporting %s gone: %w", h, err)
			}
		}
	}
	return nil
}

// taskModels makes sure the store holds the models of a task (a model
// the network did not ask this node for is downloaded now, against the
// task's deadline) and keeps them from eviction while it runs. A
// malformed model ID is the task's fault (errBadTask); a failed download
// is this node's (the task is yielded). release may be called more than
// once: the first call counts.
func (n *Node) taskModels(ctx context.Context, id uint64, t chain.TaskInfo, a engine.Args) (release func(), err error) {
	var releases []func()
	release = sync.OnceFunc(func() {
		for _, r := range releases {
			r()
		}
	})
	s := n.cfg.Store
	if s == nil {
		return release, nil
	}
	deadline := time.Unix(int64(t.CommitDeadline), 0).Add(-n.cfg.MinTaskTime / 2)
	for _, m := range a.ModelIDs() {
		if _, err := models.ParseID(m); err != nil {
			release()
			return nil, fmt.Errorf("%w: %v", errBadTask, err)
		}
		held := s.Has(m)
		if !held {
			n.update(func(sn *Snapshot) { sn.TaskModel, sn.TaskPhase = m, PhaseDownloading })
			n.log.Info("a task needs a model this node does not hold; downloading it", "task", id, "model", m)
		}
		// Fetch also checks, once, a model found in the cache unverified.
		dctx, cancel := context.WithTimeout(ctx, deadline.Sub(n.cfg.Now())) // the deadline is in the chain's time
		err := s.Fetch(dctx, m)
		cancel()
		if err != nil {
			release()
			return nil, err
		}
		if !held {
			n.bg.Go(func() {
				if err := n.reportHeld(chain.Background(ctx), m); err != nil && ctx.Err() == nil {
					n.log.Warn("reporting a downloaded model failed", "model", m, "err", err)
				}
			})
		}
		r, err := s.Use(m)
		if err != nil {
			release()
			return nil, err
		}
		releases = append(releases, r, func() { s.Unpin(m) })
	}
	return release, nil
}

// errBadTask is a task whose arguments cannot be run.
var errBadTask = errors.New("node: the task is malformed")
