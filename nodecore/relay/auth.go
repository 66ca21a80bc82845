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
//
// A signature covers the chain id, the relay's host, the method, the
// path, the time, a random nonce and the body's sha256, so a request is
// good for one relay on one chain, once, within MaxSkew of its time.
package relay

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
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
	HeaderNonce     = "X-Hydrogen-Nonce"          // 32 hex digits, random per request
	HeaderChain     = "X-Hydrogen-Chain"          // the chain id, decimal
	HeaderRelay     = "X-Hydrogen-Relay"          // the relay's host, as the client addressed it
	HeaderBodyHash  = "X-Hydrogen-Content-Sha256" // hex sha256 of the body
)

// MaxSkew is how far a request's timestamp may be from the relay's clock.
const MaxSkew = 60 * time.Second

// protocol names the signed message's format.
const protocol = "hydrogen-relay/2"

// nonceLen is the length, in hex digits, of a request's nonce.
const nonceLen = 32

// Scope is what a signature is good for: one chain and one relay.
type Scope struct {
	ChainID *big.Int
	Host    string // the relay's host[:port], as in its base URL
}

// signedMessage is the canonical text a request signature covers.
func signedMessage(chainID, host, method, path string, ts int64, nonce, bodySum string) []byte {
	return fmt.Appendf(nil, "%s\n%s\n%s\n%s\n%s\n%d\n%s\n%s", protocol, chainID, host, method, path, ts, nonce, bodySum)
}

// Sign returns the signature headers for a request to the relay of scope
// (EIP-191 personal message signature of the canonical text), with a
// fresh random nonce.
func Sign(key *ecdsa.PrivateKey, scope Scope, method, path string, ts time.Time, body []byte) (map[string]string, error) {
	if scope.ChainID == nil || scope.ChainID.Sign() <= 0 {
		return nil, errors.New("relay: signing needs the chain id")
	}
	var n [nonceLen / 2]byte
	if _, err := rand.Read(n[:]); err != nil {
		return nil, err
	}
	nonce := hex.EncodeToString(n[:])
	sum := hex.EncodeToString(ArgsHash(body).Bytes())
	chainID, host := scope.ChainID.String(), NormalizeHost(scope.Host)
	sig, err := crypto.Sign(accounts.TextHash(signedMessage(chainID, host, method, path, ts.Unix(), nonce, sum)), key)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		HeaderAddress:   crypto.PubkeyToAddress(key.PublicKey).Hex(),
		HeaderTimestamp: strconv.FormatInt(ts.Unix(), 10),
		HeaderSignature: hex.EncodeToString(sig),
		HeaderNonce:     nonce,
		HeaderChain:     chainID,
		HeaderRelay:     host,
		HeaderBodyHash:  sum,
	}, nil
}

// NormalizeHost is the form of a relay's host that signatures cover:
// lower case, without a trailing dot or the default ports 80 and 443.
func NormalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, port, err := net.SplitHostPort(h); err == nil && (port == "80" || port == "443") {
		h = host
		if strings.Contains(h, ":") {
			h = "[" + h + "]"
		}
	}
	return strings.TrimSuffix(h, ".")
}

// Verification failures.
var (
	ErrNoSignature  = errors.New("the request is not signed")
	ErrBadSignature = errors.New("the signature does not match the address")
	ErrStale        = errors.New("the request's timestamp is too far from the relay's clock")
	ErrWrongRelay   = errors.New("the request was signed for another relay or chain")
	ErrReplay       = errors.New("the request was already received once")
)

// signed is what a verified signature vouches for.
type signed struct {
	signer  common.Address
	ts      time.Time
	nonce   string
	bodySum common.Hash // of the body still to read
}

// verifier checks requests' signatures for one relay.
type verifier struct {
	chainID string
	// hostOK reports whether a request that reached the relay as reqHost
	// may have been signed for host.
	hostOK func(host, reqHost string) bool
}

// verify checks a request's signature headers and returns what they
// vouch for. It reads no body: the body's hash is a signed header, which
// the caller checks once it reads the body.
func (v verifier) verify(get func(string) string, reqHost, method, path string, now time.Time) (signed, error) {
	addr, tsText, sigText := get(HeaderAddress), get(HeaderTimestamp), get(HeaderSignature)
	nonce, chainID, host, sumText := get(HeaderNonce), get(HeaderChain), get(HeaderRelay), get(HeaderBodyHash)
	if addr == "" || tsText == "" || sigText == "" {
		return signed{}, ErrNoSignature
	}
	if nonce == "" || chainID == "" || host == "" || sumText == "" {
		return signed{}, fmt.Errorf("%w: sign with %s (the nonce, chain, relay and body hash headers are missing)", ErrBadSignature, protocol)
	}
	if !common.IsHexAddress(addr) {
		return signed{}, fmt.Errorf("%w: %q is not an address", ErrBadSignature, truncate(addr))
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return signed{}, fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrStale, truncate(tsText))
	}
	// Compare in seconds: time.Unix of a huge ts overflows a Duration.
	if d := now.Unix() - ts; d > int64(MaxSkew/time.Second) || d < -int64(MaxSkew/time.Second) {
		return signed{}, fmt.Errorf("%w (off by more than %s)", ErrStale, MaxSkew)
	}
	if chainID != v.chainID {
		return signed{}, fmt.Errorf("%w: signed for chain %q; this relay serves chain %s", ErrWrongRelay, truncate(chainID), v.chainID)
	}
	if host != NormalizeHost(host) || !v.hostOK(host, NormalizeHost(reqHost)) {
		return signed{}, fmt.Errorf("%w: signed for relay %q", ErrWrongRelay, truncate(host))
	}
	if len(nonce) != nonceLen || !isHex(nonce) {
		return signed{}, fmt.Errorf("%w: the nonce is not %d hex digits", ErrBadSignature, nonceLen)
	}
	if len(sumText) != 64 || !isHex(sumText) {
		return signed{}, fmt.Errorf("%w: the body hash is not 64 hex digits", ErrBadSignature)
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(sigText, "0x"))
	if err != nil || len(sig) != crypto.SignatureLength {
		return signed{}, fmt.Errorf("%w: malformed signature", ErrBadSignature)
	}
	if sig[crypto.RecoveryIDOffset] >= 27 { // accept wallets that add 27
		sig[crypto.RecoveryIDOffset] -= 27
	}
	pub, err := crypto.SigToPub(accounts.TextHash(signedMessage(chainID, host, method, path, ts, nonce, sumText)), sig)
	if err != nil {
		return signed{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	signer := crypto.PubkeyToAddress(*pub)
	if signer != common.HexToAddress(addr) {
		return signed{}, ErrBadSignature
	}
	return signed{signer: signer, ts: time.Unix(ts, 0), nonce: nonce, bodySum: common.HexToHash(sumText)}, nil
}

// isHex reports whether s is lower- or upper-case hex digits only.
func isHex(s string) bool {
	return strings.Trim(s, "0123456789abcdefABCDEF") == ""
}
