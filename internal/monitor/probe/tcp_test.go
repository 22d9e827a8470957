package probe

import "testing"

func TestTCP(t *testing.T) {
	t.Parallel()
	ln := mustListen(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	res := probe(t, Spec{Type: TCP, Target: ln.Addr().String()}, local)
	want(t, res, Up, "")
	if res.Timings.Connect <= 0 {
		t.Errorf("no connect time: %+v", res.Timings)
	}

	// A port that was just listening and is now closed.
	closed := mustListen(t)
	addr := closed.Addr().String()
	closed.Close()
	want(t, probe(t, Spec{Type: TCP, Target: addr}, local), Down, "connection refused by "+addr)
}
