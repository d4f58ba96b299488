"""Sparse CSR tensors against torch: construction, printing, metadata, conversions to and from
dense and COO, products with dense operands (forward and gradients), invariant errors, and
checkpoints both ways."""
import io
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore", message="Sparse invariant checks")
warnings.filterwarnings("ignore", message="Sparse CSR tensor support")

DENSE = [[0., 2., 0.], [3., 0., 4.], [0., 0., 0.], [1., 0., 5.]]


def both(fn):
    return fn(ember), fn(torch)


def same_csr(a, b):
    assert str(a.layout) == str(b.layout) == "torch.sparse_csr"
    assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype) and a._nnz() == b._nnz()
    assert a.crow_indices().tolist() == b.crow_indices().tolist()
    assert a.col_indices().tolist() == b.col_indices().tolist()
    assert str(a.crow_indices().dtype) == str(b.crow_indices().dtype)
    np.testing.assert_allclose(a.values().detach().numpy(), b.values().detach().numpy())
    np.testing.assert_allclose(a.to_dense().detach().numpy(), b.to_dense().detach().numpy())


CASES = [
    lambda L: L.tensor(DENSE).to_sparse_csr(),
    lambda L: L.tensor([[0, 2], [3, 0]]).to_sparse_csr(),
    lambda L: L.tensor(DENSE, dtype=L.float64).to_sparse_csr(),
    lambda L: L.tensor(DENSE).to_sparse_csr().requires_grad_(),
    lambda L: L.zeros(2, 3).to_sparse_csr(),
    lambda L: L.sparse_csr_tensor([0, 1, 2], [1, 0], [1., 2.]),
    lambda L: L.sparse_csr_tensor([0, 1], [0], [1.], (1, 100000), requires_grad=True),
    lambda L: L.sparse_csr_tensor([0, 1], [0], [1.], (1, 100000), dtype=L.float64)
    * L.tensor(2., dtype=L.float64, requires_grad=True),
    lambda L: L.tensor(DENSE).to_sparse().to_sparse_csr(),
    lambda L: L.tensor(DENSE).to_sparse(layout=L.sparse_csr) * 2,
    lambda L: L.sparse_csr_tensor(L.tensor([0, 1, 2], dtype=L.int32), L.tensor([1, 0], dtype=L.int32), [1., 2.]),
] + [(lambda n: lambda L: L.sparse_csr_tensor([0, n], list(range(n)), list(range(n)), (1, n)))(n) for n in range(1, 8)]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_repr_and_contents_match_torch(case):
    a, b = both(CASES[case])
    assert repr(a) == repr(b)
    same_csr(a, b)


def test_metadata_and_layout_errors():
    a, b = both(CASES[0])
    for x in (a, b):
        assert x.is_sparse_csr and not x.is_sparse
        assert (x.sparse_dim(), x.dense_dim(), x._nnz(), len(x)) == (2, 0, 5, 4)
    assert a.layout is ember.sparse_csr and isinstance(a, ember.Tensor)
    assert not ember.ones(2, 2).is_sparse_csr
    for name in ("indices", "is_coalesced", "coalesce"):
        with pytest.raises(RuntimeError) as e:
            getattr(a, name)()
        with pytest.raises(RuntimeError) as t:
            getattr(b, name)()
        assert str(e.value) == str(t.value).split("\n")[0]
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="crow_indices expected sparse row compressed tensor layout"):
            lib.ones(2, 2).crow_indices()
        with pytest.raises(RuntimeError, match="Sparse CSR tensors do not have strides"):
            CASES[0](lib).stride()
        with pytest.raises(TypeError, match="SparseCsr layout tensor to numpy"):
            CASES[0](lib).numpy()


def test_conversions_match_torch():
    a, b = both(CASES[0])
    ca, cb = a.to_sparse(), b.to_sparse()
    assert str(ca.layout) == str(cb.layout) == "torch.sparse_coo" and ca.is_coalesced() and cb.is_coalesced()
    assert ca.indices().tolist() == cb.indices().tolist() and ca.values().tolist() == cb.values().tolist()
    assert a.to_sparse_csr() is a and a.to_sparse(layout=ember.sparse_csr) is a
    same_csr(ca.to_sparse_csr(), cb.to_sparse_csr())
    # an uncoalesced COO matrix becomes CSR with duplicates summed
    raw = ([[1, 0, 1], [2, 1, 2]], [1., 2., 3.], (2, 3))
    same_csr(ember.sparse_coo_tensor(*raw).to_sparse_csr(), torch.sparse_coo_tensor(*raw).to_sparse_csr())
    same_csr(a.clone(), b.clone())
    same_csr(a.detach(), b.detach())
    same_csr(a.to(ember.float64), b.to(torch.float64))
    same_csr(a + a, b + b)
    same_csr(-a, -b)


@pytest.mark.parametrize("rhs_shape", [(3, 2), (3,)])
def test_products_forward_and_gradients(rhs_shape):
    rng = np.random.default_rng(0)
    d = rng.standard_normal(rhs_shape).astype(np.float32)
    res = []
    for lib in (ember, torch):
        vals = lib.tensor([2., 3., 4., 1., 5.], requires_grad=True)
        c = lib.sparse_csr_tensor([0, 1, 3, 3, 5], [1, 0, 2, 0, 2], vals, (4, 3))
        x = lib.tensor(d, requires_grad=True)
        outs = [c @ x, c.matmul(x)] + ([lib.mm(c, x), c.mm(x)] if len(rhs_shape) == 2 else [])
        (sum(o.sum() for o in outs) * 1.0).backward() if lib is ember else sum(o.sum() for o in outs).backward()
        assert outs[0].layout == lib.strided
        res.append([o.detach().numpy() for o in outs] + [x.grad.numpy(), vals.grad.numpy()])
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("args", [
    ([1, 2, 4], [0, 1, 1, 2], [1., 2., 3., 4.], (2, 3)),   # crow[0] != 0
    ([0, 2, 3], [0, 1, 1, 2], [1., 2., 3., 4.], (2, 3)),   # crow[-1] != nnz
    ([0, 2, 4], [0, 5, 1, 2], [1., 2., 3., 4.], (2, 3)),   # column out of range
    ([0, 2, 4], [0, -1, 1, 2], [1., 2., 3., 4.], (2, 3)),  # negative column
    ([0, 2, 4], [1, 0, 1, 2], [1., 2., 3., 4.], (2, 3)),   # unsorted within a row
    ([0, 2, 4], [1, 1, 1, 2], [1., 2., 3., 4.], (2, 3)),   # duplicate within a row
    ([0, 4, 4], [0, 1, 1, 2], [1., 2., 3., 4.], (2, 3)),   # a row longer than ncols
    ([0, 2, 4, 4], [0, 1, 1, 2], [1., 2., 3., 4.], (2, 3)),  # crow length
    ([0, 2, 4], [0, 1, 1], [1., 2., 3., 4.], (2, 3)),      # col length vs nnz
    ([0, 2, 4], [0, 1, 1, 2], [1., 2., 3., 4.], (2,)),     # size of the wrong rank
    ([0., 2, 4], [0, 1, 1, 2], [1., 2., 3., 4.], (2, 3)),  # float crow
])
def test_invariant_errors_match_torch_check_invariants(args):
    crow, col, vals, size = args
    with pytest.raises(RuntimeError) as t:
        torch.sparse_csr_tensor(torch.tensor(crow), torch.tensor(col), torch.tensor(vals), size,
                                check_invariants=True)
    with pytest.raises(RuntimeError) as e:
        ember.sparse_csr_tensor(ember.tensor(crow), ember.tensor(col), ember.tensor(vals), size)
    assert str(e.value) == str(t.value).split("\n")[0]


def test_csr_rows_without_entries_are_not_mistaken_for_unsorted():
    args = ([0, 0, 2, 2, 3], [0, 2, 1], [1., 2., 3.], (4, 3))
    same_csr(ember.sparse_csr_tensor(*args), torch.sparse_csr_tensor(*args, check_invariants=True))


def test_checkpoints_both_ways():
    a, b = both(CASES[0])
    buf = io.BytesIO()
    ember.save({"csr": a}, buf)
    buf.seek(0)
    same_csr(a, torch.load(buf, weights_only=True)["csr"])
    buf = io.BytesIO()
    torch.save({"csr": b}, buf)   # torch shares one storage between crow and col
    buf.seek(0)
    back = ember.load(buf)["csr"]
    same_csr(back, b)
    assert back.values().requires_grad is False


def test_broken_csr_in_a_checkpoint_is_rejected():
    from ember._sparse_csr import make_csr
    bad = make_csr(np.array([0, 2, 4]), np.array([1, 0, 1, 2]), ember.tensor([1., 2., 3., 4.]), (2, 3))
    buf = io.BytesIO()
    ember.save(bad, buf)
    buf.seek(0)
    with pytest.raises(ember.serialization.LoadError, match="sorted and distinct"):
        ember.load(buf)
