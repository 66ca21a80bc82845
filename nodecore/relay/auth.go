// Package relay carries task payloads between applications and nodes, so
// that nodes behind NAT never accept a connection: the application puts a
// task's arguments, the selected nodes get them, a paid node puts the
// results, the application gets them.
//
// The relay is trusted with nothing. Every write is signed by a wallet and
// checked against the chain: the arguments must hash to what the task
// creation recorded and be written by the task's creator; the results
// must hash to what a paid node recorded and be written by such a node.
// Results are readable only by the task's creator.
package relay

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Headers of a signed request.
const (
	HeaderAddress   = "X-Hydrogen-Address"
	HeaderTimestamp = "X-Hydrogen-Timestamp"
	HeaderSignature = "X-Hydrogen-Signature"
)

// MaxSkew is how far a request's timestamp may be from the relay's clock.
const MaxSkew = 60 * time.Second

// signedMessage is the canonical text a request signature covers: the
// method, the path, the Unix time and the sha256 of the body.
func signedMessage(method, path string, ts int64, body []byte) []byte {
	sum := sha256.Sum256(body)
	return fmt.Appendf(nil, "hydrogen-relay/1\n%s\n%s\n%d\n%s", method, path, ts, hex.EncodeToString(sum[:]))
}

// Sign returns the signature headers for a request (EIP-191 personal
// message signature of the canonical text).
func Sign(key *ecdsa.PrivateKey, method, path string, ts time.Time, body []byte) (map[string]string, error) {
	sig, err := crypto.Sign(accounts.TextHash(signedMessage(method, path, ts.Unix(), body)), key)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		HeaderAddress:   crypto.PubkeyToAddress(key.PublicKey).Hex(),
		HeaderTimestamp: strconv.FormatInt(ts.Unix(), 10),
		HeaderSignature: hex.EncodeToString(sig),
	}, nil
}

// Verification failures.
var (
	ErrNoSignature  = errors.New("the request is not signed")
	ErrBadSignature = errors.New("the signature does not match the address")
	ErrStale        = errors.New("the request's timestamp is too far from the relay's clock")
)

// verify checks a request's signature headers and returns the signer.
func verify(get func(string) string, method, path string, body []byte, now time.Time) (common.Address, error) {
	addr, tsText, sigText := get(HeaderAddress), get(HeaderTimestamp), get(HeaderSignature)
	if addr == "" || tsText == "" || sigText == "" {
		return common.Address{}, ErrNoSignature
	}
	if !common.IsHexAddress(addr) {
		return common.Address{}, fmt.Errorf("%w: %q is not an address", ErrBadSignature, addr)
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrStale, tsText)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > MaxSkew || d < -MaxSkew {
		return common.Address{}, fmt.Errorf("%w (off by %s)", ErrStale, d.Round(time.Second))
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(sigText, "0x"))
	if err != nil || len(sig) != crypto.SignatureLength {
		return common.Address{}, fmt.Errorf("%w: malformed signature", ErrBadSignature)
	}
	if sig[crypto.RecoveryIDOffset] >= 27 { // accept wallets that add 27
		sig[crypto.RecoveryIDOffset] -= 27
	}
	pub, err := crypto.SigToPub(accounts.TextHash(signedMessage(method, path, ts, body)), sig)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	signer := crypto.PubkeyToAddress(*pub)
	if signer != common.HexToAddress(addr) {
		return common.Address{}, ErrBadSignature
	}
	return signer, nil
}
