package chain

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// dataError is an RPC error carrying revert data, as a node answers.
type dataError struct{ data string }

func (e dataError) Error() string          { return "execution reverted" }
func (e dataError) ErrorData() interface{} { return e.data }

func revertData(sig string, args ...byte) string {
	return hexutil.Encode(append(crypto.Keccak256([]byte(sig))[:4], args...))
}

// TestRevertedIsTyped: a protocol revert is recognised by its binding's
// type, wrapped or not; another error, another type or a revert that is
// not the protocol's is not; an error both contracts declare matches
// either binding.
func TestRevertedIsTyped(t *testing.T) {
	state := make([]byte, 32)
	state[31] = 3
	err := fmt.Errorf("draw: %w", decodeRevert(dataError{revertData("BadTaskState(uint8)", state...)}, ProtocolABIs()))
	if !Reverted[*bindings.TaskManagerBadTaskState](err) || !IsRevert(err, "BadTaskState") {
		t.Fatalf("%v not recognised", err)
	}
	if Reverted[*bindings.TaskManagerTooEarly](err) || Reverted[*bindings.NodeRegistryBadState](err) {
		t.Fatalf("%v taken for another error", err)
	}
	var re *RevertError
	if !errors.As(err, &re) || len(re.Values) != 1 || re.Values[0].(*bindings.TaskManagerBadTaskState).State != 3 {
		t.Fatalf("values %+v", re)
	}
	none := decodeRevert(dataError{revertData("NothingToWithdraw()")}, ProtocolABIs())
	if !Reverted[*bindings.TaskManagerNothingToWithdraw](none) || !Reverted[*bindings.NodeRegistryNothingToWithdraw](none) {
		t.Fatalf("NothingToWithdraw, which both contracts declare (Payouts): %+v", none)
	}
	early := decodeRevert(dataError{revertData("TooEarly()")}, ProtocolABIs())
	if !Reverted[*bindings.TaskManagerTooEarly](early) || Reverted[*bindings.NodeRegistryTooEarly](early) {
		t.Fatalf("the task manager's TooEarly() is not the registry's TooEarly(uint256): %+v", early)
	}
	if Reverted[*bindings.TaskManagerTooEarly](errors.New("TooEarly")) {
		t.Fatal("a plain error taken for a revert")
	}
	other := decodeRevert(dataError{revertData("Mine()")}, ProtocolABIs())
	if Reverted[*bindings.TaskManagerTooEarly](other) || !errors.As(other, &re) || len(re.Values) != 0 {
		t.Fatalf("another contract's revert: %+v", other)
	}
}
