package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// RegistryParams are the node registry's deployment parameters.
type RegistryParams = bindings.NodeRegistryParams

// TaskParams are the task manager's deployment parameters.
type TaskParams = bindings.TaskManagerParams

// Params are all deployment parameters of a network.
type Params struct {
	Registry RegistryParams `json:"registry"`
	Tasks    TaskParams     `json:"tasks"`
}

// DefaultParams returns the parameters of the devnet (docs/protocol.md
// argues each): a stake of 1 ETH that unbonds for a day; QoS averaged
// over about 20 tasks with a kick below 3 points (a node that always
// commits last scores 8); 3 yields in any 24 hours at 5 % of the score
// each; downloads when fewer than 3 nodes have proven a model (10 nodes
// told, once per 10 minutes per model and per creator); tasks between 1
// minute and 1 hour with 5 minutes to disclose and 10 to record the
// result; image hashes agreeing within 10 bits and slashable beyond 24;
// a fee of at least 0.0001 ETH, of which nodes keep 20 % when the
// arguments never came; 5 % of agreeing tasks audited; a draw within a
// minute of its round (nodes draw at once; the window bounds a creator
// who would wait for pools it likes).
func DefaultParams() Params {
	return Params{
		Registry: RegistryParams{
			MinStake:          new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil),
			QosWindow:         20,
			KickThreshold:     3_000,
			YieldCost:         500,
			MaxYields:         3,
			YieldPeriod:       uint64((24 * time.Hour).Seconds()),
			MinHolders:        3,
			NotifyCount:       10,
			MaxModels:         16,
			UnbondingPeriod:   uint64((24 * time.Hour).Seconds()),
			RejoinDelay:       uint64((24 * time.Hour).Seconds()),
			RejoinScore:       5_000,
			ResumeDelay:       60,
			SilencePenaltyBps: 1_000,
			NotifyCooldown:    600,
		},
		Tasks: TaskParams{
			MinTimeout:        60,
			MaxTimeout:        3600,
			DiscloseWindow:    300,
			DistanceThreshold: 10,
			DoubtThreshold:    24,
			MaxImages:         16,
			MaxModels:         8,
			MinFee:            new(big.Int).Exp(big.NewInt(10), big.NewInt(14), nil),
			AuditRateBps:      500,
			ArgsShareBps:      2_000,
			ReplaceTime:       30,
			ResultWindow:      600,
			DrawWindow:        60,
		},
	}
}

// Validate reports the first parameter that would make the protocol
// misbehave.
func (p Params) Validate() error {
	r, t := p.Registry, p.Tasks
	switch {
	case r.MinStake == nil || r.MinStake.Sign() <= 0:
		return errors.New("chain: minimum stake must be positive")
	case r.QosWindow < 1:
		return errors.New("chain: QoS window must be at least 1")
	case r.KickThreshold > 10_000 || r.RejoinScore > 10_000:
		return errors.New("chain: kick threshold or rejoin score above the best score")
	case r.KickThreshold >= 8_000:
		return errors.New("chain: kick threshold must stay below what a node that always commits last scores (8000)")
	case r.YieldPeriod == 0 || r.MaxYields == 0 || r.MaxYields > 8:
		return errors.New("chain: yields must be 1 to 8 per positive period")
	case r.MinHolders == 0 || r.MaxModels == 0:
		return errors.New("chain: min holders and max models must be positive")
	case r.SilencePenaltyBps > 10_000:
		return errors.New("chain: silence penalty above the whole stake")
	case t.MinTimeout == 0 || t.MaxTimeout < t.MinTimeout || t.MaxTimeout > 1<<32-1:
		return errors.New("chain: task timeouts must satisfy 0 < min <= max < 2^32")
	case t.DiscloseWindow == 0 || t.ResultWindow == 0:
		return errors.New("chain: disclose and result windows must be positive")
	case t.DoubtThreshold > 64 || t.DoubtThreshold < t.DistanceThreshold:
		return errors.New("chain: thresholds must satisfy distance <= doubt <= 64 bits")
	case t.MaxImages == 0 || t.MaxModels == 0:
		return errors.New("chain: max images and max models must be positive")
	case t.MinFee == nil || t.MinFee.Sign() <= 0:
		return errors.New("chain: minimum fee must be positive")
	case t.AuditRateBps > 10_000 || t.ArgsShareBps > 10_000:
		return errors.New("chain: audit rate and arguments share are at most 100 %")
	case t.ReplaceTime >= t.MinTimeout:
		return errors.New("chain: a replacement's time must be shorter than the shortest task")
	case t.DrawWindow == 0 || t.DrawWindow > t.MaxTimeout:
		return errors.New("chain: the draw window must be positive and no longer than the longest task")
	}
	return nil
}

// Network is what a node needs to find a deployment: the chain, the
// contract addresses and the parameters. `hydrogend deploy` writes it. A
// node trusts none of it blindly: see VerifyContracts and CheckEndpoints;
// the parameters it acts on are the contracts' (Client.Params).
type Network struct {
	ChainID     *hexutil.Big   `json:"chainId"`
	Registry    common.Address `json:"registry"`
	Tasks       common.Address `json:"tasks"`
	Randomness  common.Address `json:"randomness"`
	DeployBlock uint64         `json:"deployBlock"` // events start here
	Params      Params         `json:"params"`

	// Name is what the app calls the network.
	Name string `json:"name,omitempty"`

	// Endpoints a node may use when its command line names none. A devnet
	// writes all three; a public network's file may name none.
	RPC    string `json:"rpc,omitempty"`    // JSON-RPC: https, wss, http/ws to loopback, or an IPC path in the data directory
	Relay  string `json:"relay,omitempty"`  // relay base URL: https, or http to loopback
	Faucet string `json:"faucet,omitempty"` // devnet only: funds a node that asks

	// Models is the catalog of the models the network hosts: where each
	// is downloaded from and its sha256. (A link's model names its own.)
	Models []models.CatalogEntry `json:"models,omitempty"`
}

// Catalog is the network's model catalog, checked.
func (n *Network) Catalog() (*models.Catalog, error) { return models.NewCatalog(n.Models) }

// Deploy deploys the randomness source, the registry and the task manager
// with params, binds them together, and returns the network.
func Deploy(ctx context.Context, tx *Transactor, params Params) (*Network, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	deploy := func(name string, bin string, args []byte) (common.Address, *types.Receipt, error) {
		code := append(common.FromHex(bin), args...)
		rcpt, err := tx.Send(ctx, nil, code, nil)
		if err != nil {
			return common.Address{}, nil, fmt.Errorf("chain: deploy %s: %w", name, err)
		}
		return rcpt.ContractAddress, rcpt, nil
	}
	rnd, first, err := deploy("BlockRandomness", bindings.BlockRandomnessMetaData.Bin, nil)
	if err != nil {
		return nil, err
	}
	reg, _, err := deploy("NodeRegistry", bindings.NodeRegistryMetaData.Bin,
		bindings.NewNodeRegistry().PackConstructor(rnd, params.Registry))
	if err != nil {
		return nil, err
	}
	tm, _, err := deploy("TaskManager", bindings.TaskManagerMetaData.Bin,
		bindings.NewTaskManager().PackConstructor(reg, params.Tasks))
	if err != nil {
		return nil, err
	}
	if _, err := tx.Send(ctx, &reg, bindings.NewNodeRegistry().PackBindTaskManager(tm), nil); err != nil {
		return nil, fmt.Errorf("chain: bind task manager: %w", err)
	}
	return &Network{
		ChainID:     (*hexutil.Big)(tx.ChainID()),
		Registry:    reg,
		Tasks:       tm,
		Randomness:  rnd,
		DeployBlock: first.BlockNumber.Uint64(),
		Params:      params,
	}, nil
}

// LoadNetwork reads a network file.
func LoadNetwork(path string) (*Network, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n, err := ParseNetwork(b)
	if err != nil {
		return nil, fmt.Errorf("chain: network file %s: %w", path, err)
	}
	return n, nil
}

// MaxNetworkFile bounds a network file.
const MaxNetworkFile = 1 << 20 // a catalog of thousands of models fits

// ParseNetwork reads and checks a network file's contents: a chain id and
// contract addresses (exactly a known network's, if it claims one's chain
// id: ErrNetworkMismatch), endpoints a node may use (CheckEndpoints:
// ErrBadEndpoint), valid parameters (which only describe the network: a
// node reads them from the contracts) and catalog.
func ParseNetwork(b []byte) (*Network, error) {
	if len(b) > MaxNetworkFile {
		return nil, fmt.Errorf("%d bytes, at most %d", len(b), MaxNetworkFile)
	}
	var n Network
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	if n.ChainID == nil || n.ChainID.ToInt().Sign() <= 0 || n.Registry == (common.Address{}) || n.Tasks == (common.Address{}) {
		return nil, fmt.Errorf("no chain id or no contract address")
	}
	if err := checkKnown(&n, knownNetworks); err != nil {
		return nil, err
	}
	if err := n.CheckEndpoints(); err != nil {
		return nil, err
	}
	if err := n.Params.Validate(); err != nil {
		return nil, err
	}
	if _, err := n.Catalog(); err != nil {
		return nil, err
	}
	return &n, nil
}

// Save writes the network file atomically.
func (n *Network) Save(path string) error {
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'), 0o644)
}
