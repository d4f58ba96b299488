"""Sparse COO tensors against torch: construction, printing, coalescing, conversions, products
(forward and gradients), elementwise forms, sums, softmax, indexing and errors."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore", message="Sparse invariant checks")

IX = [[0, 1, 1, 2], [2, 0, 2, 1]]
VALS = [3.0, 4.0, 5.0, -1.5]


def both(fn):
    """fn(lib) for ember and torch."""
    return fn(ember), fn(torch)


def same(a, b, tol=1e-6):
    """Equal layout, shape, dtype name and entries (sparse ones compared densely)."""
    assert str(a.layout) == str(b.layout), (a.layout, b.layout)
    assert tuple(a.shape) == tuple(b.shape)
    assert str(a.dtype) == str(b.dtype)
    da = a.to_dense() if a.layout != ember.strided else a
    db = b.to_dense() if b.layout != torch.strided else b
    np.testing.assert_allclose(da.detach().numpy(), db.detach().numpy(), rtol=tol, atol=tol)


def make(lib, **kw):
    return lib.sparse_coo_tensor(IX, VALS, (3, 3), **kw)


def test_repr_matches_torch():
    for f in (lambda L: make(L), lambda L: make(L).coalesce(), lambda L: make(L, dtype=L.float64),
              lambda L: L.sparse_coo_tensor([[0, 1]], [1, 2], (3,)),
              lambda L: L.sparse_coo_tensor([[0, 1]], [[1., 2.], [3., 4.]], (2, 2)),
              lambda L: L.sparse_coo_tensor(L.zeros(2, 0, dtype=L.int64), L.zeros(0), (2, 3)),
              lambda L: make(L, requires_grad=True),
              lambda L: L.tensor([[0., 1.], [2., 0.]]).to_sparse()):
        a, b = both(f)
        assert repr(a) == repr(b)


def test_metadata_and_coalesce():
    raw = [[1, 0, 1], [0, 2, 0]]
    a, b = both(lambda L: L.sparse_coo_tensor(raw, [1., 2., 3.], (2, 3)))
    for x in (a, b):
        assert x.is_sparse and not x.is_coalesced() and x._nnz() == 3
        assert (x.sparse_dim(), x.dense_dim()) == (2, 0)
    with pytest.raises(RuntimeError, match="Cannot get indices on an uncoalesced tensor"):
        a.indices()
    ca, cb = a.coalesce(), b.coalesce()
    assert ca.is_coalesced() and ca._nnz() == 2
    assert ca.indices().tolist() == cb.indices().tolist()
    assert ca.values().tolist() == cb.values().tolist()
    same(a, b)
    assert isinstance(a, ember.Tensor) and a.layout == ember.sparse_coo


@pytest.mark.parametrize("case", [
    lambda L, s: s * 2, lambda L, s: 2 * s, lambda L, s: s / 4, lambda L, s: -s,
    lambda L, s: s * L.arange(3.0), lambda L, s: L.ones(3, 3) * s, lambda L, s: s + s,
    lambda L, s: L.ones(3, 3) + s, lambda L, s: s.t(), lambda L, s: s.transpose(0, 1),
    lambda L, s: s.abs(), lambda L, s: s.sqrt(), lambda L, s: s.relu(), lambda L, s: s.pow(2),
    lambda L, s: s.sin(), lambda L, s: s[1], lambda L, s: s[2, 1], lambda L, s: s.double(),
    lambda L, s: s.to(L.float64), lambda L, s: s.sum(), lambda L, s: s.sum(0), lambda L, s: s.sum(1),
    lambda L, s: L.sparse.sum(s, 1), lambda L, s: L.sparse.sum(s), lambda L, s: s.to_dense(),
    lambda L, s: s.clone(), lambda L, s: s.detach(), lambda L, s: s.coalesce().t(),
    lambda L, s: L.sparse.softmax(s, 1), lambda L, s: L.sparse.log_softmax(s, 0),
    lambda L, s: L.sparse.softmax(s.t(), 1),
])
def test_ops_keep_torchs_layout_and_values(case):
    a, b = both(lambda L: case(L, make(L)))
    same(a, b, tol=1e-5)


@pytest.mark.parametrize("case", [
    lambda L, s, d: s @ d, lambda L, s, d: L.mm(s, d), lambda L, s, d: L.spmm(s, d),
    lambda L, s, d: L.sparse.mm(s, d), lambda L, s, d: L.matmul(s, d), lambda L, s, d: s.mm(d),
    lambda L, s, d: d.t() @ s, lambda L, s, d: s @ d[:, 0], lambda L, s, d: L.dsmm(s, d),
    lambda L, s, d: L.sparse.addmm(L.ones(3, 2), s, d, beta=0.5, alpha=2.0),
])
def test_products_forward_and_gradients(case):
    rng = np.random.default_rng(0)
    d0 = rng.standard_normal((3, 2)).astype(np.float32)
    out = {}
    for L in (ember, torch):
        d = L.tensor(d0, requires_grad=True)
        r = case(L, make(L), d)
        out[L] = r
        dense = r.to_dense() if r.layout != L.strided else r
        g = L.tensor(np.random.default_rng(7).standard_normal(tuple(dense.shape)).astype(np.float32))
        (dense * g).sum().backward()
        out[L, "grad"] = d.grad.numpy()
    same(out[ember], out[torch], tol=1e-5)
    np.testing.assert_allclose(out[ember, "grad"], out[torch, "grad"], rtol=1e-5, atol=1e-6)


def test_sparse_results_of_products():
    d = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    for f in (lambda L: L.smm(make(L), L.tensor(d)), lambda L: L.hspmm(make(L), L.tensor(d)),
              lambda L: L.sspaddmm(make(L).coalesce(), make(L), L.eye(3), beta=2.0),
              lambda L: L.sparse.mm(make(L), make(L))):
        a, b = both(f)
        same(a, b)


def test_gradient_reaches_the_values():
    res = {}
    for L in (ember, torch):
        v = L.tensor(VALS, requires_grad=True)
        s = L.sparse_coo_tensor(IX, v, (3, 3))
        w = L.arange(6.0).reshape(3, 2)
        (L.sparse.mm(s, w) ** 2).sum().backward()
        res[L] = v.grad.numpy()
    np.testing.assert_allclose(res[ember], res[torch], rtol=1e-6)


def test_to_sparse_sparse_mask_and_hybrid():
    x = np.array([[0., 2., 0.], [0., 0., 0.], [1., 0., 3.]], dtype=np.float32)
    for f in (lambda L: L.tensor(x).to_sparse(), lambda L: L.tensor(x).to_sparse(1),
              lambda L: L.tensor(x).sparse_mask(make(L).coalesce()),
              lambda L: L.tensor(x).to_sparse_coo(), lambda L: L.zeros(2, 3).to_sparse()):
        a, b = both(f)
        same(a, b)
        assert repr(a) == repr(b)
        assert (a.sparse_dim(), a.dense_dim()) == (b.sparse_dim(), b.dense_dim())


def test_errors_as_torch():
    cases = [
        lambda L: L.sparse_coo_tensor([[0, 1]], [1., 2., 3.], (2,)),
        lambda L: L.sparse_coo_tensor([[0, 3]], [1., 2.], (2,), check_invariants=True),
        lambda L: L.sparse_coo_tensor([[0, -1]], [1., 2.], (2,), check_invariants=True),
        lambda L: make(L) + L.ones(3, 3),
        lambda L: make(L) + L.sparse_coo_tensor([[0]], [1.], (3,)),
        lambda L: L.mm(make(L), L.ones(2, 2)),
        lambda L: make(L).reshape(9),
        lambda L: make(L).numpy(),
        lambda L: make(L).tolist(),
        lambda L: L.ones(2).coalesce(),
        lambda L: L.ones(2).indices(),
        lambda L: L.ones(2).values(),
    ]
    for f in cases:
        errs = []
        for L in (ember, torch):
            with pytest.raises(Exception) as e:
                f(L)
            errs.append(e)
        assert errs[0].type is errs[1].type, (errs[0], errs[1])
        assert str(errs[0].value)[:40] == str(errs[1].value)[:40], (str(errs[0].value), str(errs[1].value))
    assert ember.ones(2, 2).sparse_dim() == 0 and ember.ones(2, 2).dense_dim() == 2


def test_spdiags_and_invariants_context():
    a, b = both(lambda L: L.sparse.spdiags(L.tensor([[1., 2., 3.], [4., 5., 6.]]), L.tensor([0, -1]), (3, 3)))
    same(a, b)
    with ember.sparse.check_sparse_tensor_invariants():
        assert ember.sparse.check_sparse_tensor_invariants.is_enabled()
    assert not ember.sparse.check_sparse_tensor_invariants.is_enabled()


def test_gcn_style_normalised_adjacency():
    """The pytorch/examples GCN preprocessing and layer, ember vs torch."""
    rng = np.random.default_rng(1)
    V, E = 7, 12
    edges = rng.integers(0, V, (E, 2))
    feats = (rng.random((V, 5)) > 0.6).astype(np.float32)
    kern = rng.standard_normal((5, 3)).astype(np.float32)
    res = {}
    for L in (ember, torch):
        adj = L.sparse_coo_tensor(L.tensor(edges.T), L.ones(E), (V, V), dtype=L.int64)
        adj = L.eye(V) + adj
        deg = L.diag(L.sum(adj, dim=1) ** -0.5).to_sparse()
        adj = (deg @ adj @ deg).to_sparse()
        x = L.tensor(feats).to_sparse()
        w = L.tensor(kern, requires_grad=True)
        out = L.spmm(adj, L.mm(x, w))
        out.sum().backward()
        res[L] = (out.detach().numpy(), w.grad.numpy())
    np.testing.assert_allclose(res[ember][0], res[torch][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res[ember][1], res[torch][1], rtol=1e-5, atol=1e-5)
