package node

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// NetworkInfo is the chain and the relay as this node sees them.
type NetworkInfo struct {
	ChainID    uint64
	RPC, Relay string
	Block      uint64
	Latency    time.Duration // of the block-height query
	ChainErr   error
	RelayErr   error  // nil: the relay answered its health check
	Available  uint64 // nodes ready for a task now
	Members    uint64 // nodes in the network
}

// Network queries the chain's height and the number of nodes ready for
// work, and checks the relay; each failure is reported, not returned.
func (n *Node) Network(ctx context.Context, rpc string) NetworkInfo {
	ni := NetworkInfo{ChainID: n.cfg.Network.ChainID.ToInt().Uint64(), RPC: rpc, Relay: n.cfg.RelayURL}
	began := time.Now()
	ni.Block, ni.ChainErr = n.cfg.Backend.BlockNumber(ctx)
	ni.Latency = time.Since(began)
	if ni.ChainErr == nil {
		ni.Available, ni.ChainErr = n.client.AvailableNodes(ctx, n.cfg.Version)
	}
	if ni.ChainErr == nil {
		ni.Members, ni.ChainErr = n.client.MemberCount(ctx)
	}
	ni.RelayErr = relayHealth(ctx, n.cfg.RelayURL)
	return ni
}

// relayHealth asks the relay whether it serves.
func relayHealth(ctx context.Context, base string) error {
	if base == "" {
		return fmt.Errorf("no relay configured")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/health", nil)
	if err != nil {
		return err
	}
	resp, err := endpointClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("relay health: %s", resp.Status)
	}
	return nil
}

// learnModels remembers the IDs behind the model hashes of a task's
// arguments, so that the app can name the models of the ledger.
func (n *Node) learnModels(a engine.Args) {
	n.namesMu.Lock()
	defer n.namesMu.Unlock()
	for _, id := range a.ModelIDs() {
		if len(n.names) < maxNames {
			n.names[chain.ModelHash(id)] = id
		}
	}
}

// maxNames bounds the remembered model names.
const maxNames = 4096

// ModelName returns the model ID behind a hash, if this node has seen it
// (in a task or in its configuration).
func (n *Node) ModelName(h common.Hash) (string, bool) {
	n.namesMu.Lock()
	defer n.namesMu.Unlock()
	id, ok := n.names[h]
	return id, ok
}

// ReportModel tells the network this node holds (or no longer holds) a
// model; before the node has joined there is nothing to tell.
func (n *Node) ReportModel(ctx context.Context, id string, held bool) error {
	if s := n.Snapshot().State; s == StateInitializing || s == StateWaitingForFund || s == StateJoining || s == StateStopped {
		return nil
	}
	_, err := n.client.ReportModel(ctx, chain.ModelHash(id), held)
	return err
}
