package soak

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"
)

// TestProxyCut: a cut closes the open connections and refuses new ones;
// after it the same port forwards again.
func TestProxyCut(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() {
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					c.Write([]byte(sc.Text() + "\n"))
				}
				c.Close()
			}()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := newProxy(ctx, echo.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); p.Close() }()
	say := func(c net.Conn) error {
		c.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write([]byte("hi\n")); err != nil {
			return err
		}
		_, err := bufio.NewReader(c).ReadString('\n')
		return err
	}
	c, err := net.Dial("tcp", p.Addr())
	if err != nil || say(c) != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	p.Cut(ctx, 300*time.Millisecond)
	if say(c) == nil {
		t.Fatal("an open connection survived the cut")
	}
	if c2, err := net.Dial("tcp", p.Addr()); err == nil {
		if say(c2) == nil {
			t.Fatal("a new connection went through during the cut")
		}
		c2.Close()
	}
	time.Sleep(600 * time.Millisecond)
	c3, err := net.Dial("tcp", p.Addr())
	if err != nil || say(c3) != nil {
		t.Fatalf("after the cut: %v", err)
	}
	c3.Close()
}
