package devnet

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/bits"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
)

// Source is the demo application: it creates image and text tasks, stores
// their arguments in the relay, closes tasks whose nodes went silent, and
// checks every result it gets back against the chain's hash and against
// what the reference engine draws or writes.
type Source struct {
	client *chain.Client
	relay  *relay.Client
	log    *slog.Logger

	// Fee paid per task and the task timeout in seconds.
	Fee     *big.Int
	Timeout uint64
	// ResultWait is how long after validation the result may take to
	// reach the relay before the task counts as having a bad result.
	ResultWait time.Duration

	mu    sync.Mutex
	tasks map[uint64]*SourceTask
	order []uint64
	made  int
}

// SourceTask is one task the source created, as the source last saw it.
type SourceTask struct {
	ID        uint64
	Kind      string
	Nodes     [3]common.Address
	State     chain.TaskState
	Honest    uint16 // slots paid
	Disclosed uint16 // slots that disclosed
	Checked   bool   // the result was fetched and matched
	Problem   string
	validated time.Time
	args      engine.Args
}

// Final reports whether the source is done with the task.
func (t *SourceTask) Final() bool {
	return t.State == chain.TaskAborted || t.Checked || t.Problem != ""
}

// The demo's models. The reference engine needs no weights; the devnet
// hosts generated files under these IDs (HostedModels), which its peers
// download as the network asks them to.
const (
	DemoImageModel = "base:runwayml/stable-diffusion-v1-5"
	DemoTextModel  = "base:meta-llama/llama-3.1-8b-instruct"
)

var demoPrompts = []string{
	"a lighthouse on a cliff at dusk, oil painting",
	"a red fox in fresh snow, morning light",
	"a futuristic city of glass towers at night",
	"a bowl of ramen on a wooden table, steam rising",
	"a sailing boat on a calm turquoise sea",
	"an astronaut reading in a library on the moon",
}

var demoQuestions = []string{
	"Explain in two sentences why the sky is blue.",
	"Write a haiku about a graphics card at rest.",
	"List three uses of a perceptual hash.",
	"Summarize what a commit-reveal scheme is for.",
}

// newSource returns a source acting as app.
func newSource(app *chain.Client, relayURL string, key *ecdsa.PrivateKey, log *slog.Logger) *Source {
	rc := relay.NewClient(relayURL, key)
	rc.ChainID = app.Network().ChainID.ToInt()
	return &Source{
		client: app, relay: rc, log: log,
		Fee: new(big.Int).Exp(big.NewInt(10), big.NewInt(15), nil), Timeout: 120, ResultWait: time.Minute,
		tasks: map[uint64]*SourceTask{},
	}
}

// Create creates one task of kind (engine.KindImage or engine.KindText)
// and stores its arguments in the relay.
func (s *Source) Create(ctx context.Context, kind string) (uint64, error) {
	return s.CreateWith(ctx, kind, "")
}

// CreateWith is Create for a task that also needs model extra (a LoRA,
// e.g. DemoLoRA; "" for none).
func (s *Source) CreateWith(ctx context.Context, kind, extra string) (uint64, error) {
	s.mu.Lock()
	i := s.made
	s.mu.Unlock()
	a := engine.Args{Kind: kind, Model: DemoImageModel, Seed: int64(1000 + i)}
	typ := chain.TaskImage
	if kind == engine.KindText {
		typ = chain.TaskText
		a.Model, a.Prompt, a.MaxTokens = DemoTextModel, demoQuestions[i%len(demoQuestions)], 64
	} else {
		a.Prompt, a.Width, a.Height, a.Count = demoPrompts[i%len(demoPrompts)], 256, 256, 1+i%2
	}
	if extra != "" {
		a.LoRAs = []engine.LoRA{{Model: extra, Weight: 0.8}}
	}
	args, err := json.Marshal(a)
	if err != nil {
		return 0, err
	}
	// The spec lists the task's models: the chain prefers nodes that hold
	// the first and asks more to download any that too few hold.
	var ms []common.Hash
	for _, id := range a.ModelIDs() {
		ms = append(ms, chain.ModelHash(id))
	}
	if extra != "" {
		ms[0], ms[len(ms)-1] = ms[len(ms)-1], ms[0] // the rare one first: its holders run it
	}
	spec := chain.Spec{Type: typ, ArgsHash: relay.ArgsHash(args), MinVRAMMiB: 4096, Version: node.EngineVersion, Models: ms}
	// A task the draw cannot fill is refunded, but its two transactions
	// are paid for: look first.
	if free, err := s.client.AvailableNodes(ctx, node.EngineVersion); err != nil {
		return 0, err
	} else if free < 3 {
		return 0, chain.ErrNotEnoughNodes
	}
	id, nodes, _, err := s.client.CreateTask(ctx, spec, s.Timeout, s.Fee)
	if errors.Is(err, chain.ErrNotEnoughNodes) {
		return 0, err // refunded; nothing to follow
	}
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.made++
	s.tasks[id] = &SourceTask{ID: id, Kind: kind, Nodes: nodes, State: chain.TaskCommitting, args: a}
	s.order = append(s.order, id)
	s.mu.Unlock()
	// Nodes wait for the arguments (they retry "not found"), so storing
	// them after creation, as any application must, is fine.
	if err := s.relay.PutArgs(ctx, id, args); err != nil {
		return id, fmt.Errorf("devnet: store the arguments of task %d: %w", id, err)
	}
	s.log.Info("task created", "task", id, "kind", kind)
	return id, nil
}

// Tasks returns a copy of every task created so far, in creation order.
func (s *Source) Tasks() []SourceTask {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SourceTask, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *s.tasks[id])
	}
	return out
}

// Created is how many tasks the source created.
func (s *Source) Created() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.made
}

// Open is how many tasks the source is not done with.
func (s *Source) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.tasks {
		if !t.Final() {
			n++
		}
	}
	return n
}

// Check looks at every open task once: closes those past their
// deadlines and checks the results that arrived.
func (s *Source) Check(ctx context.Context) error {
	s.mu.Lock()
	var open []*SourceTask
	for _, id := range s.order {
		if t := s.tasks[id]; !t.Final() {
			c := *t
			open = append(open, &c)
		}
	}
	s.mu.Unlock()
	for _, t := range open {
		if err := s.checkOne(ctx, t); err != nil {
			return err
		}
		s.mu.Lock()
		*s.tasks[t.ID] = *t
		s.mu.Unlock()
	}
	return nil
}

func (s *Source) checkOne(ctx context.Context, t *SourceTask) error {
	info, err := s.client.Task(ctx, t.ID)
	if err != nil {
		return err
	}
	t.State, t.Honest, t.Disclosed = info.State, info.Honest, info.Disclosed
	copy(t.Nodes[:], info.Nodes[:3])
	now := uint64(time.Now().Unix())
	switch info.State {
	case chain.TaskCommitting, chain.TaskDisclosing, chain.TaskAuditing, chain.TaskAuditDisclosing:
		t.validated = time.Time{} // an audit the coin called: the wait for the result starts again after it
		committing := info.State == chain.TaskCommitting || info.State == chain.TaskAuditing
		if (committing && info.CommitDeadline != 0 && now > info.CommitDeadline) || (!committing && now > info.DiscloseDeadline) {
			if _, err := s.client.CloseTask(ctx, t.ID); err != nil && !chain.Reverted[*bindings.TaskManagerTooEarly](err) && !chain.Reverted[*bindings.TaskManagerBadTaskState](err) {
				s.log.Warn("closing an expired task failed", "task", t.ID, "err", err)
			}
		}
	case chain.TaskValidated:
		if t.validated.IsZero() {
			t.validated = time.Now()
		} else if time.Since(t.validated) > s.ResultWait {
			t.Problem = "validated, but no paid node recorded the result hash in time"
		}
	case chain.TaskDone:
		if t.validated.IsZero() {
			t.validated = time.Now()
		}
		files, err := s.relay.GetResult(ctx, t.ID)
		var re *relay.Error
		if errors.As(err, &re) && re.Code == relay.CodeNotFound {
			if time.Since(t.validated) > s.ResultWait {
				t.Problem = "the result never reached the relay"
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("devnet: read the result of task %d: %w", t.ID, err)
		}
		if relay.ResultHash(files) != info.ResultHash {
			t.Problem = "the relay's result does not match the chain's result hash"
		} else if why := checkContent(t.args, files, int(s.client.Network().Params.Tasks.DistanceThreshold)); why != "" {
			t.Problem = why
		} else {
			t.Checked = true
			s.log.Info("task result checked", "task", t.ID, "kind", t.Kind, "files", len(files))
		}
		if t.Problem != "" {
			s.log.Error("bad task result", "task", t.ID, "problem", t.Problem)
		}
	}
	return nil
}

// checkContent compares a result with what the reference engine produces
// for the same arguments: texts exactly, images within the network's
// perceptual-hash threshold.
func checkContent(a engine.Args, files [][]byte, threshold int) string {
	want, err := reference.Engine{}.Run(context.Background(), a)
	if err != nil {
		return "the reference engine refused the arguments: " + err.Error()
	}
	if a.Kind == engine.KindText {
		if len(files) != 1 || string(files[0]) != want.Text {
			return "the text differs from the reference engine's"
		}
		return ""
	}
	if len(files) != len(want.Images) {
		return fmt.Sprintf("%d images, want %d", len(files), len(want.Images))
	}
	for i := range files {
		got, err := engine.ImageHash(files[i])
		if err != nil {
			return fmt.Sprintf("image %d: %v", i, err)
		}
		ref, err := engine.ImageHash(want.Images[i])
		if err != nil {
			return err.Error()
		}
		if d := bits.OnesCount64(got ^ ref); d > threshold {
			return fmt.Sprintf("image %d is %d bits from the reference picture", i, d)
		}
	}
	return ""
}
