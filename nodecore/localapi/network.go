package localapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/redact"
)

func (s *Server) network(w http.ResponseWriter, r *http.Request) {
	nd, _, ok := s.ready(w)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	parts := s.current()
	ni := nd.Network(ctx, parts.RPC)
	out := api.Network{
		Name: parts.NetworkName, ChainID: strconv.FormatUint(ni.ChainID, 10), RPC: redact.URL(ni.RPC), Relay: redact.URL(ni.Relay),
		Block: ni.Block, Latency: api.Duration(ni.Latency), RelayOK: ni.RelayErr == nil, Nodes: int(ni.Members), Available: int(ni.Available),
	}
	if ni.ChainErr != nil {
		out.ChainError = redact.Text(ni.ChainErr.Error())
	}
	if ni.RelayErr != nil {
		out.RelayError = redact.Text(ni.RelayErr.Error())
	}
	reply(w, out)
}
