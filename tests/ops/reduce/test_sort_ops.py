"""Parity with PyTorch for sort, topk, kthvalue, unique, searchsorted, histc, bincount."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(1)
DTYPES = [np.float32, np.float64]


def _close(e, t):
    t = t.detach()
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(e.detach().numpy(), t.numpy(), rtol=1e-6, atol=1e-6)


def _values_and_grad(fe, ft, arr, exact_indices=True):
    """Compare (values, indices) results and the gradient of the values."""
    e = ember.tensor(arr, requires_grad=arr.dtype.kind == "f")
    t = torch.tensor(arr, requires_grad=arr.dtype.kind == "f")
    re, rt = fe(e), ft(t)
    _close(re[0], rt[0])
    assert str(re[1].dtype) == str(rt[1].dtype)
    if exact_indices:
        _close(re[1], rt[1])
    else:  # ties may pick different (equally valid) indices: check they select the values
        assert tuple(re[1].shape) == tuple(rt[1].shape)
    if arr.dtype.kind == "f":
        g = RNG.standard_normal(tuple(rt[0].shape)).astype(arr.dtype)
        re[0].backward(ember.tensor(g))
        rt[0].backward(torch.tensor(g))
        if exact_indices:
            _close(e.grad, t.grad)
        else:  # the gradient lands where ember's own indices point
            want = np.zeros_like(arr)
            np.put_along_axis(want, re[1].numpy(), g, -1)
            np.testing.assert_allclose(e.grad.numpy(), want)
    return re, rt


def same_error(fe, ft):
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(type(te.value)) as ee:
        fe()
    assert str(ee.value) == str(te.value)


# -------------------------------------------------------------------------- sort
@pytest.mark.parametrize("dt", DTYPES + [np.int64])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort(dt, dim, descending):
    a = RNG.integers(0, 5, size=(4, 6)).astype(dt)  # many ties: stable order must match
    kw = dict(dim=dim, descending=descending, stable=True)
    _values_and_grad(lambda x: ember.sort(x, **kw), lambda x: torch.sort(x, **kw), a)
    _values_and_grad(lambda x: x.sort(**kw), lambda x: x.sort(**kw), a)
    _close(ember.argsort(ember.tensor(a), dim=dim, descending=descending, stable=True),
           torch.argsort(torch.tensor(a), dim=dim, descending=descending, stable=True))


def test_sort_nan_noncontiguous_and_0d():
    a = np.array([[3.0, np.nan, 1.0], [2.0, 0.0, np.nan]])
    for desc in (False, True):
        _values_and_grad(lambda x: ember.sort(x, descending=desc), lambda x: torch.sort(x, descending=desc), a)
    b = RNG.standard_normal((5, 3))
    _values_and_grad(lambda x: ember.sort(x.t(), 1), lambda x: torch.sort(x.t(), 1), b)
    _values_and_grad(lambda x: ember.sort(x), lambda x: torch.sort(x), np.array(3.0))
    r = ember.sort(ember.tensor([2.0, 1.0]))
    assert repr(r) == repr(torch.sort(torch.tensor([2.0, 1.0])))
    assert r.values.tolist() == [1.0, 2.0] and r.indices.tolist() == [1, 0]
    _close(ember.sort(ember.tensor([True, False]))[0], torch.sort(torch.tensor([True, False]))[0])
    _close(ember.msort(ember.tensor([[3, 1], [2, 4]])), torch.msort(torch.tensor([[3, 1], [2, 4]])))


def test_sort_grad_fn_and_double_backward():
    x = ember.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v, i = ember.sort(x)
    assert v.grad_fn.name() == "SortBackward0" and not i.requires_grad
    g, = ember.autograd.grad((v * v).sum(), x, create_graph=True)
    g.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


# -------------------------------------------------------------------------- topk
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("dim", [0, -1])
def test_topk(dt, largest, dim):
    a = RNG.standard_normal((5, 7)).astype(dt)
    for k in (0, 1, 3, 5):
        _values_and_grad(lambda x: ember.topk(x, k, dim=dim, largest=largest),
                         lambda x: torch.topk(x, k, dim=dim, largest=largest), a)


def test_topk_large_partial_path_and_ties():
    a = RNG.standard_normal((3, 2000)).astype(np.float32)
    _values_and_grad(lambda x: ember.topk(x, 5), lambda x: torch.topk(x, 5), a)
    _values_and_grad(lambda x: x.topk(7, largest=False), lambda x: x.topk(7, largest=False), a)
    ties = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    re, rt = _values_and_grad(lambda x: ember.topk(x, 2), lambda x: torch.topk(x, 2), ties, exact_indices=False)
    assert all(ties[i] == 3.0 for i in re.indices.tolist())
    r = ember.topk(ember.tensor([1.0, 5.0, 3.0]), 2, sorted=False)
    assert sorted(r.values.tolist()) == [3.0, 5.0]
    _values_and_grad(lambda x: ember.topk(x, 1), lambda x: torch.topk(x, 1), np.array(3.0))


# ---------------------------------------------------------------------- kthvalue
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("keepdim", [False, True])
def test_kthvalue(dt, keepdim):
    a = RNG.standard_normal((4, 6)).astype(dt)
    for k in (1, 3, 6):
        _values_and_grad(lambda x: ember.kthvalue(x, k, -1, keepdim),
                         lambda x: torch.kthvalue(x, k, -1, keepdim), a)
    for k in (1, 4):
        _values_and_grad(lambda x: x.kthvalue(k, dim=0, keepdim=keepdim),
                         lambda x: x.kthvalue(k, dim=0, keepdim=keepdim), a)
    _values_and_grad(lambda x: ember.kthvalue(x, 1), lambda x: torch.kthvalue(x, 1), np.array(3.0, dtype=dt))
    assert ember.kthvalue(ember.tensor([1., 2.], requires_grad=True), 1).values.grad_fn.name() == \
        "KthvalueBackward0"


SORT_ERRORS = [
    lambda m: m.topk(m.tensor([3., 1., 2.]), 4),
    lambda m: m.topk(m.tensor([3., 1., 2.]), -1),
    lambda m: m.topk(m.tensor([True, False]), 1),
    lambda m: m.kthvalue(m.tensor([3., 1., 2.]), 4),
    lambda m: m.kthvalue(m.tensor([3., 1., 2.]), 0),
    lambda m: m.sort(m.tensor([3., 1.]), dim=2),
    lambda m: m.sort(m.tensor([1 + 1j])),
    lambda m: m.histc(m.tensor([1, 1, 1]), bins=4),
    lambda m: m.histc(m.tensor([1., 2, 3]), bins=4, min=3, max=1),
    lambda m: m.histc(m.tensor([1., 2, 3]), bins=0),
    lambda m: m.bincount(m.tensor([1, -1, 3])),
    lambda m: m.bincount(m.tensor([[1, 1, 3]])),
    lambda m: m.bincount(m.tensor([1., 1, 3])),
    lambda m: m.bincount(m.tensor([1, 1, 3]), minlength=-1),
    lambda m: m.bincount(m.tensor([1, 1, 3]), weights=m.tensor([1., 2])),
    lambda m: m.searchsorted(m.tensor([1., 2, 3]), m.tensor([2.0]), right=True, side="left"),
    lambda m: m.searchsorted(m.tensor([1., 2, 3]), m.tensor([2.0]), side="foo"),
    lambda m: m.searchsorted(m.tensor([[1., 2, 3]]), m.tensor([2.0, 3.])),
    lambda m: m.searchsorted(m.tensor([[1., 2, 3]]), m.tensor([[2.0, 3.], [1, 1]])),
    lambda m: m.bucketize(m.tensor([2., 3]), m.tensor([[1., 2, 3]])),
]


@pytest.mark.parametrize("i", range(len(SORT_ERRORS)))
def test_errors(i):
    f = SORT_ERRORS[i]
    same_error(lambda: f(ember), lambda: f(torch))


# ------------------------------------------------------------------------ unique
def _cmp_tuple(re, rt):
    if not isinstance(rt, tuple):
        re, rt = (re,), (rt,)
    assert len(re) == len(rt)
    for e, t in zip(re, rt):
        _close(e, t)


@pytest.mark.parametrize("kw", [{}, dict(return_inverse=True), dict(return_counts=True),
                                dict(return_inverse=True, return_counts=True), dict(sorted=False)])
def test_unique(kw):
    a = np.array([[3, 1, 2], [1, 3, 3]])
    _cmp_tuple(ember.unique(ember.tensor(a), **kw), torch.unique(torch.tensor(a), **kw))
    f = a.astype(np.float32)
    _cmp_tuple(ember.tensor(f).unique(**kw), torch.tensor(f).unique(**kw))
    rows = np.array([[3, 1], [3, 1], [2, 1]])
    for dim in (0, 1):
        _cmp_tuple(ember.unique(ember.tensor(rows), dim=dim, **kw), torch.unique(torch.tensor(rows), dim=dim, **kw))
    x = np.array([1, 1, 2, 2, 3, 1, 1])
    kw.pop("sorted", None)
    _cmp_tuple(ember.unique_consecutive(ember.tensor(x), **kw), torch.unique_consecutive(torch.tensor(x), **kw))
    _cmp_tuple(ember.unique_consecutive(ember.tensor(rows), dim=0, **kw),
               torch.unique_consecutive(torch.tensor(rows), dim=0, **kw))
    _cmp_tuple(ember.unique_consecutive(ember.tensor(rows.T.copy()), dim=1, **kw),
               torch.unique_consecutive(torch.tensor(rows.T.copy()), dim=1, **kw))


def test_unique_empty():
    _cmp_tuple(ember.unique(ember.tensor([], dtype=ember.long), return_counts=True),
               torch.unique(torch.tensor([], dtype=torch.long), return_counts=True))
    _cmp_tuple(ember.unique_consecutive(ember.tensor([], dtype=ember.long), return_inverse=True),
               torch.unique_consecutive(torch.tensor([], dtype=torch.long), return_inverse=True))


# ------------------------------------------------------------ searchsorted, bucketize
@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_bucketize(right):
    seq = np.array([1.0, 2.0, 2.0, 4.0])
    v = np.array([[0.0, 2.0, 3.0], [4.0, 5.0, 2.0]])
    s = ember.searchsorted
    _close(s(ember.tensor(seq), ember.tensor(v), right=right), torch.searchsorted(torch.tensor(seq), torch.tensor(v), right=right))
    _close(s(ember.tensor(seq), ember.tensor(v), side="right" if right else "left"),
           torch.searchsorted(torch.tensor(seq), torch.tensor(v), side="right" if right else "left"))
    _close(s(ember.tensor(seq), 2.0, right=right), torch.searchsorted(torch.tensor(seq), 2.0, right=right))
    _close(s(ember.tensor(seq), ember.tensor(v), out_int32=True),
           torch.searchsorted(torch.tensor(seq), torch.tensor(v), out_int32=True))
    seq2 = np.array([[1.0, 3.0, 5.0], [0.0, 2.0, 2.0]])
    _close(s(ember.tensor(seq2), ember.tensor(v), right=right),
           torch.searchsorted(torch.tensor(seq2), torch.tensor(v), right=right))
    unsorted = np.array([4.0, 1.0, 2.0])
    sorter = np.argsort(unsorted)
    _close(s(ember.tensor(unsorted), ember.tensor(v), sorter=ember.tensor(sorter)),
           torch.searchsorted(torch.tensor(unsorted), torch.tensor(v), sorter=torch.tensor(sorter)))
    b = ember.bucketize
    _close(b(ember.tensor(v), ember.tensor(seq), right=right),
           torch.bucketize(torch.tensor(v), torch.tensor(seq), right=right))
    _close(b(2.0, ember.tensor(seq), right=right), torch.bucketize(2.0, torch.tensor(seq), right=right))
    _close(b(ember.tensor([1, 4, 9]), ember.tensor([2, 4, 6]), out_int32=True),
           torch.bucketize(torch.tensor([1, 4, 9]), torch.tensor([2, 4, 6]), out_int32=True))


# ------------------------------------------------------------------ histc, bincount
@pytest.mark.parametrize("dt", DTYPES)
def test_histc(dt):
    a = RNG.standard_normal(200).astype(dt)
    for kw in [{}, dict(bins=7), dict(bins=5, min=-1, max=1), dict(bins=3, min=0, max=0)]:
        _close(ember.histc(ember.tensor(a), **kw), torch.histc(torch.tensor(a), **kw))
    _close(ember.tensor([1., 1, 1]).to(ember.float64 if dt == np.float64 else ember.float32).histc(bins=4),
           torch.tensor([1., 1, 1], dtype=torch.float64 if dt == np.float64 else torch.float32).histc(bins=4))
    edge = np.array([0.0, 1.0, 2.0, 3.0], dtype=dt)
    _close(ember.histc(ember.tensor(edge), bins=3, min=0, max=3), torch.histc(torch.tensor(edge), bins=3, min=0, max=3))


def test_bincount():
    x = np.array([1, 1, 3, 0, 7])
    _close(ember.bincount(ember.tensor(x)), torch.bincount(torch.tensor(x)))
    _close(ember.tensor(x).bincount(minlength=10), torch.tensor(x).bincount(minlength=10))
    for w in [np.arange(5, dtype=np.float32), np.arange(5, dtype=np.float64), np.arange(5)]:
        _close(ember.bincount(ember.tensor(x), ember.tensor(w)), torch.bincount(torch.tensor(x), torch.tensor(w)))
    _close(ember.bincount(ember.tensor([], dtype=ember.long), minlength=3),
           torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))


def _summary(m, f):
    """What ``f(m)`` gives (shapes, dtypes, rounded values) or raises (type, message)."""
    try:
        r = f(m)
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return (type(e).__name__, str(e))
    rs = r if isinstance(r, tuple) else (r,)
    out = []
    for x in rs:
        a = np.asarray(x.detach().numpy())
        out.append((tuple(x.shape), str(x.dtype), (a.round(4) if a.dtype.kind == "f" else a).tolist()))
    return out


EDGE = [
    lambda m: m.sort(m.zeros(0,3), dim=0),
    lambda m: m.sort(m.zeros(2,0)),
    lambda m: m.topk(m.zeros(2,0), 0),
    lambda m: m.kthvalue(m.zeros(0), 1),
    lambda m: m.argsort(m.tensor([[1,3],[2,0]]), dim=0),
    lambda m: m.unique(m.tensor([True,False,True])),
    lambda m: m.unique(m.tensor([[1.,2],[1,2]]), dim=1, return_inverse=True),
    lambda m: m.searchsorted(m.tensor([1,3,5]), m.tensor([2.5, 3.0])),
    lambda m: m.searchsorted(m.tensor([1.,3,5]), m.tensor([[2,3]])),
    lambda m: m.bucketize(m.tensor([[2.5, 3.0]]), m.tensor([1,3,5]), out_int32=True),
    lambda m: m.histc(m.tensor([0.,1,2,3,4]), bins=5),
    lambda m: m.histc(m.tensor([]), bins=3),
    lambda m: m.bincount(m.tensor([0,0,1],dtype=m.uint8)),
    lambda m: m.bincount(m.tensor([True,False])),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("i", range(len(EDGE)))
def test_edge_cases_match_torch(i):
    assert _summary(ember, EDGE[i]) == _summary(torch, EDGE[i])


@pytest.mark.parametrize("dt", DTYPES)
def test_histogram(dt):
    a = RNG.standard_normal(100).astype(dt)
    w = RNG.random(100).astype(dt)
    for args, kw in [((5,), {}), ((4,), dict(range=(-1.0, 1.0))), ((3,), dict(weight=True, density=True)),
                     ((np.array([-2.0, 0.0, 0.5, 3.0], dtype=dt),), {})]:
        ke, kt = dict(kw), dict(kw)
        if kw.get("weight"):
            ke["weight"], kt["weight"] = ember.tensor(w), torch.tensor(w)
        be = ember.tensor(args[0]) if isinstance(args[0], np.ndarray) else args[0]
        bt = torch.tensor(args[0]) if isinstance(args[0], np.ndarray) else args[0]
        re, rt = ember.histogram(ember.tensor(a), be, **ke), torch.histogram(torch.tensor(a), bt, **kt)
        _close(re.hist, rt.hist)
        _close(re.bin_edges, rt.bin_edges)
    _cmp_tuple(ember.histogram(ember.tensor([1., 1, 1]), bins=2), torch.histogram(torch.tensor([1., 1, 1]), bins=2))
    _cmp_tuple(ember.tensor([], dtype=ember.float64).histogram(2), torch.tensor([], dtype=torch.float64).histogram(2))
    same_error(lambda: ember.histogram(ember.tensor([1, 2]), 2), lambda: torch.histogram(torch.tensor([1, 2]), 2))
