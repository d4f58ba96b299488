"""Sparse tensors in checkpoints against torch: ember.save -> torch.load(weights_only=True) and
torch.save -> ember.load, comparing layout, size, nnz, indices, values, dtype and the coalesced
flag; broken invariants in a file are rejected as torch rejects them."""
import io
import warnings

import numpy as np
import pytest

import ember
from ember._sparse_tensor import make_sparse
from ember.serialization import LoadError

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore", message="Sparse invariant checks")
warnings.filterwarnings("ignore", message="Sparse CSR tensor support")

CASES = [
    lambda L: L.sparse_coo_tensor([[0, 1, 1, 2], [2, 0, 2, 1]], [3.0, 4.0, 5.0, -1.5], (3, 3)),
    lambda L: L.sparse_coo_tensor([[0, 1, 1, 2], [2, 0, 2, 1]], [3.0, 4.0, 5.0, -1.5], (3, 3)).coalesce(),
    lambda L: L.sparse_coo_tensor([[1, 0, 1], [0, 2, 0]], [1, 2, 3], (2, 4), dtype=L.float64),
    lambda L: L.sparse_coo_tensor([[0, 3]], [[1., 2.], [3., 4.]], (5, 2)),          # a dense dimension
    lambda L: L.sparse_coo_tensor([[2, 0]], [7, 8], (3,)),                           # int64 values
    lambda L: L.sparse_coo_tensor(L.zeros(2, 0, dtype=L.int64), L.zeros(0), (2, 3)),  # nnz = 0
    lambda L: L.tensor([[0., 1.], [2., 0.]]).to_sparse(),
]


def _save(lib, obj):
    buf = io.BytesIO()
    lib.save(obj, buf)
    buf.seek(0)
    return buf


def _check(a, b):
    """``a`` (one library) and ``b`` (the other) hold the same sparse tensor."""
    assert str(a.layout) == str(b.layout) == "torch.sparse_coo"
    assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
    assert a._nnz() == b._nnz() and a.is_coalesced() == b.is_coalesced()
    assert (a.sparse_dim(), a.dense_dim()) == (b.sparse_dim(), b.dense_dim())
    assert a._indices().tolist() == b._indices().tolist()
    np.testing.assert_array_equal(np.asarray(a._values().detach().tolist()),
                                  np.asarray(b._values().detach().tolist()))
    assert not a.requires_grad and not b.requires_grad


@pytest.mark.parametrize("case", range(len(CASES)))
def test_ember_save_torch_load(case):
    e, t = CASES[case](ember), CASES[case](torch)
    got = torch.load(_save(ember, {"adj": e, "n": 1}), weights_only=True)
    assert got["n"] == 1
    _check(got["adj"], t)
    _check(e, got["adj"])


@pytest.mark.parametrize("case", range(len(CASES)))
def test_torch_save_ember_load(case):
    e, t = CASES[case](ember), CASES[case](torch)
    got = ember.load(_save(torch, {"adj": t, "w": torch.ones(2)}))
    assert got["w"].tolist() == [1.0, 1.0]
    _check(got["adj"], t)
    _check(e, got["adj"])
    np.testing.assert_array_equal(got["adj"].to_dense().numpy(), t.to_dense().numpy())


def test_requires_grad_is_not_saved_as_in_torch():
    e = CASES[0](ember).requires_grad_(True)
    t = CASES[0](torch).requires_grad_(True)
    back_t = torch.load(_save(ember, e), weights_only=True)
    back_e = ember.load(_save(torch, t))
    assert back_t.requires_grad is False and back_e.requires_grad is False
    _check(back_e, back_t)


def test_round_trip_through_ember_twice_and_shared_values():
    s = CASES[1](ember)
    a, b = ember.load(_save(ember, [s, s]))
    _check(a, b)
    assert a.is_coalesced() and a.indices().tolist() == s.indices().tolist()
    assert (a.to_dense() == s.to_dense()).all()


def test_layouts_round_trip():
    for lay in ("strided", "sparse_coo", "sparse_csr"):
        assert torch.load(_save(ember, getattr(ember, lay)), weights_only=True) is getattr(torch, lay)
        assert ember.load(_save(torch, getattr(torch, lay))) is getattr(ember, lay)


@pytest.mark.parametrize("bad", [
    lambda: make_sparse(np.array([[1, 0]]), ember.tensor([1., 2.]), (3,), True),   # "coalesced" but unsorted
    lambda: make_sparse(np.array([[1, 1]]), ember.tensor([1., 2.]), (3,), True),   # "coalesced" with duplicates
    lambda: make_sparse(np.array([[0, 5]]), ember.tensor([1., 2.]), (3,), False),  # index beyond size
    lambda: make_sparse(np.array([[0, -1]]), ember.tensor([1., 2.]), (3,), False),  # negative index
    lambda: make_sparse(np.array([[0, 1]]), ember.tensor([1., 2., 3.]), (3,), False),  # nnz mismatch
])
def test_broken_invariants_are_rejected_like_torch(bad):
    buf = _save(ember, {"adj": bad()})
    with torch.sparse.check_sparse_tensor_invariants(), pytest.raises(RuntimeError):
        torch.load(buf, weights_only=True)
    buf.seek(0)
    with pytest.raises(LoadError):
        ember.load(buf)


def test_saved_globals_are_torchs():
    buf = _save(ember, {"adj": CASES[0](ember)})
    names = ember.serialization.get_unsafe_globals_in_checkpoint(buf)
    assert names == [] or all(n.startswith(("torch", "collections")) for n in names)
