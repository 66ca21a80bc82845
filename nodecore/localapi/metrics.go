package localapi

import (
	"context"
	"math/big"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hydrogen-network/hydrogen/nodecore/node"
)

// Metrics serves Prometheus metrics for rig owners (hydrogend run
// -metrics ADDR): the node's state, the hire-out decision, tasks and
// earnings from the ledger, and the GPU. Each scrape reads them afresh.
func (s *Server) Metrics() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&collector{s: s})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

type collector struct{ s *Server }

var (
	mState = prometheus.NewDesc("hydrogen_node_state", "1 for the node's current state.", []string{"state"}, nil)
	mEarn  = prometheus.NewDesc("hydrogen_hire_out_open", "1 while the policy lets the GPU work for the network.", []string{"reason"}, nil)
	mTasks = prometheus.NewDesc("hydrogen_tasks_total", "Tasks in the ledger, by outcome.", []string{"outcome"}, nil)
	mEarnd = prometheus.NewDesc("hydrogen_earned_tokens_total", "Fees earned, in tokens (1e18 wei).", nil, nil)
	mLost  = prometheus.NewDesc("hydrogen_slashed_tokens_total", "Stake lost, in tokens (1e18 wei).", nil, nil)
	mTemp  = prometheus.NewDesc("hydrogen_gpu_temperature_celsius", "GPU core temperature.", []string{"gpu"}, nil)
	mUtil  = prometheus.NewDesc("hydrogen_gpu_utilization_ratio", "Share of time the GPU was busy (0-1).", []string{"gpu"}, nil)
	mMem   = prometheus.NewDesc("hydrogen_gpu_memory_used_bytes", "GPU memory in use.", []string{"gpu"}, nil)
	mPower = prometheus.NewDesc("hydrogen_gpu_power_watts", "GPU power draw.", []string{"gpu"}, nil)
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{mState, mEarn, mTasks, mEarnd, mLost, mTemp, mUtil, mMem, mPower} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.Status()
	for i := node.StateInitializing; i <= node.StateError; i++ {
		v := 0.0
		if i.Wire() == st.State {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(mState, prometheus.GaugeValue, v, i.String())
	}
	earn := 0.0
	if st.Decision.Earn {
		earn = 1
	}
	ch <- prometheus.MustNewConstMetric(mEarn, prometheus.GaugeValue, earn, string(st.Decision.Reason))
	c.s.mu.Lock()
	l := c.s.Ledger
	c.s.mu.Unlock()
	if l != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		t, err := l.Totals(ctx)
		cancel()
		if err == nil {
			for o, n := range t.ByResult {
				ch <- prometheus.MustNewConstMetric(mTasks, prometheus.CounterValue, float64(n), string(o))
			}
			ch <- prometheus.MustNewConstMetric(mEarnd, prometheus.CounterValue, tokens(t.Earned))
			ch <- prometheus.MustNewConstMetric(mLost, prometheus.CounterValue, tokens(t.Lost))
		}
	}
	if g := st.GPU; g != nil && g.Error == "" {
		if g.HasTemp {
			ch <- prometheus.MustNewConstMetric(mTemp, prometheus.GaugeValue, float64(g.TempC), g.Name)
		}
		if g.HasUtil {
			ch <- prometheus.MustNewConstMetric(mUtil, prometheus.GaugeValue, float64(g.Utilization)/100, g.Name)
		}
		if g.HasMemory {
			ch <- prometheus.MustNewConstMetric(mMem, prometheus.GaugeValue, float64(g.MemoryUsed), g.Name)
		}
		if g.HasPower {
			ch <- prometheus.MustNewConstMetric(mPower, prometheus.GaugeValue, g.PowerW, g.Name)
		}
	}
}

// tokens converts wei to tokens for a gauge (float precision is enough
// for a dashboard; the ledger keeps exact wei).
func tokens(v *big.Int) float64 {
	if v == nil {
		return 0
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18)).Float64()
	return f
}
