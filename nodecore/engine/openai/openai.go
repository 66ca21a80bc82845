// Package openai runs text tasks on an OpenAI-compatible server (llama.cpp
// server, vLLM): one chat completion with a fixed seed and greedy,
// deterministic sampling, so that honest nodes produce the same text.
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// Engine runs text tasks on an OpenAI-compatible server.
type Engine struct {
	HTTP *http.Client // reaches the server (the worker's socket)
	Base string       // e.g. http://llm
	// Model is the name the server knows the task's model by; empty uses
	// the task's model ID.
	Model string
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is the body of POST /v1/chat/completions. Sampling is greedy
// (temperature 0, top_k 1, top_p 1) with the task's seed: llama.cpp and
// vLLM then return the same tokens on every run.
type Request struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	MaxTokens   int       `json:"max_tokens"`
	Seed        int64     `json:"seed"`
	Temperature float64   `json:"temperature"`
	TopP        float64   `json:"top_p"`
	TopK        int       `json:"top_k"`
	N           int       `json:"n"`
	Stream      bool      `json:"stream"`
}

// NewRequest builds the request for a text task.
func (e *Engine) NewRequest(a engine.Args) (Request, error) {
	if err := a.Validate(); err != nil {
		return Request{}, err
	}
	if a.Kind != engine.KindText {
		return Request{}, fmt.Errorf("%w: the OpenAI-compatible engine runs text tasks", engine.ErrBadArgs)
	}
	model := e.Model
	if model == "" {
		model = a.Model
	}
	return Request{
		Model: model, Messages: []Message{{Role: "user", Content: a.Prompt}},
		MaxTokens: a.MaxTokens, Seed: a.Seed, Temperature: 0, TopP: 1, TopK: 1, N: 1,
	}, nil
}

// Name says what produces the output.
func (e *Engine) Name() string { return "OpenAI-compatible server" }

// MaxAnswer bounds the server's answer.
const MaxAnswer = 4 << 20

// Run asks the server for the completion.
func (e *Engine) Run(ctx context.Context, a engine.Args) (engine.Output, error) {
	r, err := e.NewRequest(a)
	if err != nil {
		return engine.Output{}, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return engine.Output{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Base+"/v1/chat/completions", bytes.NewReader(body))
	if err != nil {
		return engine.Output{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	c := e.HTTP
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return engine.Output{}, fmt.Errorf("openai: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer+1))
	if err != nil {
		return engine.Output{}, fmt.Errorf("openai: %w", err)
	}
	if len(b) > MaxAnswer {
		return engine.Output{}, fmt.Errorf("openai: answer over %d bytes", MaxAnswer)
	}
	if resp.StatusCode != http.StatusOK {
		return engine.Output{}, fmt.Errorf("openai: %s: %s", resp.Status, strings.TrimSpace(string(b[:min(len(b), 300)])))
	}
	var out struct {
		Choices []struct {
			Message      Message `json:"message"`
			FinishReason string  `json:"finish_reason"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return engine.Output{}, fmt.Errorf("openai: the answer is not a chat completion: %w", err)
	}
	if len(out.Choices) != 1 {
		return engine.Output{}, fmt.Errorf("openai: %d choices, want 1", len(out.Choices))
	}
	return engine.Output{Text: out.Choices[0].Message.Content}, nil
}
