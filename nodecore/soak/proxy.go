package soak

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// proxy forwards TCP connections from a loopback port to a target, and
// can cut them all off for a while: the endpoint behind it seems gone
// (connections reset, new ones refused), then comes back on the same
// port.
type proxy struct {
	target string
	addr   string // where it listens, fixed across cuts

	mu    sync.Mutex // guards ln, conns and down
	ln    net.Listener
	conns map[net.Conn]bool
	down  bool
	wg    sync.WaitGroup
}

// newProxy listens on a free loopback port for target.
func newProxy(ctx context.Context, target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{target: target, addr: ln.Addr().String(), conns: map[net.Conn]bool{}}
	p.serve(ctx, ln)
	return p, nil
}

// Addr is host:port the proxy listens on.
func (p *proxy) Addr() string { return p.addr }

func (p *proxy) serve(ctx context.Context, ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed: cut, or stopped
			}
			p.wg.Add(1)
			go func() { defer p.wg.Done(); p.forward(ctx, c) }()
		}
	}()
}

func (p *proxy) forward(ctx context.Context, c net.Conn) {
	var d net.Dialer
	up, err := d.DialContext(ctx, "tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, up) {
		return
	}
	defer p.untrack(c, up)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// track registers a pair of connections, or closes them when the proxy
// is down.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		p.conns[c] = true
	}
	return true
}

func (p *proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		c.Close()
		delete(p.conns, c)
	}
}

// Cut closes every connection and the listener, and listens again on the
// same port after d (or when ctx ends, not at all). It returns at once.
func (p *proxy) Cut(ctx context.Context, d time.Duration) {
	p.mu.Lock()
	p.down = true
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
		var ln net.Listener
		var err error
		for range 50 { // the port is ours; a moment may pass before it is free
			if ln, err = net.Listen("tcp", p.addr); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			return
		}
		p.mu.Lock()
		p.down = false
		p.mu.Unlock()
		p.serve(ctx, ln)
	}()
}

// Close stops the proxy and waits for its goroutines.
func (p *proxy) Close() error {
	p.mu.Lock()
	p.down = true
	var err error
	if p.ln != nil {
		err = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
	p.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
