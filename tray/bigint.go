package tray

import "math/big"

// bigInt sums wei amounts written as decimal text; bad text is skipped.
type bigInt struct{ v big.Int }

func (b *bigInt) add(s string) {
	if x, ok := new(big.Int).SetString(s, 10); ok {
		b.v.Add(&b.v, x)
	}
}

func (b *bigInt) String() string { return b.v.String() }
