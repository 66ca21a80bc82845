package localapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

func (s *Server) network(w http.ResponseWriter, r *http.Request) {
	nd, _, ok := s.ready(w)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	ni := nd.Network(ctx, s.RPC)
	out := api.Network{
		Name: s.NetworkName, ChainID: strconv.FormatUint(ni.ChainID, 10), RPC: ni.RPC, Relay: ni.Relay,
		Block: ni.Block, Latency: api.Duration(ni.Latency), RelayOK: ni.RelayErr == nil, Nodes: int(ni.Members), Available: int(ni.Available),
	}
	if ni.ChainErr != nil {
		out.ChainError = ni.ChainErr.Error()
	}
	if ni.RelayErr != nil {
		out.RelayError = ni.RelayErr.Error()
	}
	reply(w, out)
}
