"""Parity with PyTorch for the reductions: sum/mean fixes, prod, max/min, amax/amin,
argmax/argmin, aminmax, var/std, norm, logsumexp, cumulative ops, all/any, median,
nanmedian, nansum, nanmean, count_nonzero, mode, and ember.return_types."""
import math
import pickle

import numpy as np
import pytest

import ember
from ember.ops.reduce import moments as RM

torch = pytest.importorskip("torch")

FLOATS = [("float32", 1e-5), ("float64", 1e-10)]
nan, inf = math.nan, math.inf


def _np(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


def _cmp(e, t, tol, what=""):
    if isinstance(t, tuple):
        assert isinstance(e, tuple) and len(e) == len(t), what
        for a, b in zip(e, t):
            _cmp(a, b, tol, what)
        return
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), (what, type(e))
        assert str(e.dtype) == str(t.dtype), (what, e.dtype, t.dtype)
        assert tuple(e.shape) == tuple(t.shape), (what, e.shape, t.shape)
        np.testing.assert_allclose(_np(e), _np(t), rtol=tol, atol=tol, equal_nan=True, err_msg=what)
    else:
        assert e == t or (e != e and t != t), (what, e, t)


def _first(r):
    return r[0] if isinstance(r, tuple) else r


def parity(f, data, dtype="float64", grad=True, prep=None, tol=None, create_graph=False):
    """Run ``f(lib, x)`` on torch and ember; compare outputs and input gradients."""
    tol = tol if tol is not None else (1e-5 if dtype == "float32" else 1e-10)
    arr = np.asarray(data, dtype=dtype)
    xt = torch.tensor(arr, requires_grad=grad and arr.dtype.kind == "f")
    xe = ember.tensor(arr, requires_grad=grad and arr.dtype.kind == "f")
    it, ie = (prep(torch, xt), prep(ember, xe)) if prep else (xt, xe)
    rt, re = f(torch, it), f(ember, ie)
    _cmp(re, rt, tol, "forward")
    if not (grad and arr.dtype.kind == "f"):
        return re, rt
    ot, oe = _first(rt), _first(re)
    if not ot.requires_grad:
        return re, rt
    w = np.random.default_rng(0).standard_normal(tuple(ot.shape)).astype(dtype)
    try:
        gt, = torch.autograd.grad((ot * torch.tensor(w)).sum(), xt, create_graph=create_graph)
    except RuntimeError:  # e.g. no gradient path at all (norm with p=0)
        with pytest.raises(RuntimeError):
            ember.autograd.grad((oe * ember.tensor(w)).sum(), xe, create_graph=create_graph)
        return re, rt
    ge, = ember.autograd.grad((oe * ember.tensor(w)).sum(), xe, create_graph=create_graph)
    _cmp(ge, gt, tol, "grad")
    if create_graph and gt.requires_grad:
        ggt, = torch.autograd.grad((gt * gt).sum(), xt, allow_unused=True)
        gge, = ember.autograd.grad((ge * ge).sum(), xe, allow_unused=True)
        if ggt is None:
            assert gge is None or np.all(_np(gge) == 0)
        else:
            _cmp(gge, ggt, tol * 100, "gradgrad")
    return re, rt


def raises_like(f, data, dtype="float32"):
    arr = np.asarray(data, dtype=dtype)
    with pytest.raises(Exception) as et:
        f(torch, torch.tensor(arr))
    with pytest.raises(et.type):
        f(ember, ember.tensor(arr))


R = np.random.default_rng(42)
X34 = R.standard_normal((3, 4))
X234 = R.standard_normal((2, 3, 4))
T = (lambda L, x: x.transpose(0, 1))  # a non-contiguous view


# ---------------------------------------------------------------- sum / mean fixes
@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("f", [
    lambda L, x: x.sum(dim=()), lambda L, x: x.mean(()), lambda L, x: x.sum((), keepdim=True),
    lambda L, x: L.sum(x, (0, -1)), lambda L, x: x.mean(-1, True), lambda L, x: x.sum(dtype=L.float64),
    lambda L, x: L.sum(x, dim=None, keepdim=True), lambda L, x: L.mean(x, None, True),
    lambda L, x: L.nansum(x, None, True), lambda L, x: L.nanmean(x, None, True),
])
def test_sum_mean(f, dt, tol):
    parity(f, X234, dt)


@pytest.mark.parametrize("f", [lambda L, x: x.sum(0), lambda L, x: x.sum(-1, keepdim=True),
                               lambda L, x: x.mean(0), lambda L, x: x.sum(())])
def test_sum_mean_0d(f):
    parity(f, 2.5)


# ---------------------------------------------------------------- prod
@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("f", [
    lambda L, x: x.prod(), lambda L, x: L.prod(x, 1), lambda L, x: x.prod(-1, keepdim=True),
    lambda L, x: x.prod(0, dtype=L.float64),
])
@pytest.mark.parametrize("data", [X34, [[1., 0., 2., 3.], [0., 2., 0., 1.], [1., 2., 3., 4.]]],
                         ids=["plain", "zeros"])
def test_prod(f, data, dt, tol):
    parity(f, data, dt, create_graph=True)


@pytest.mark.parametrize("data", [[0., 2., 3.], [0., 0., 3.], [1., 2., 3.]])
def test_prod_all_zeros_gradgrad(data):
    parity(lambda L, x: x.prod(), data, create_graph=True)


def test_prod_noncontiguous():
    parity(lambda L, x: x.prod(1), X34, prep=T)


@pytest.mark.parametrize("dt", ["int32", "int8", "bool", "uint8"])
def test_prod_int(dt):
    parity(lambda L, x: x.prod(), [[1, 2], [3, 1]], dt)
    parity(lambda L, x: x.prod(0, keepdim=True), [[1, 2], [3, 1]], dt)


def test_prod_misc():
    parity(lambda L, x: x.prod(1), np.zeros((0, 2)))
    parity(lambda L, x: x.prod(0), np.zeros((2, 0)))
    parity(lambda L, x: x.prod(0), 3.0)
    raises_like(lambda L, x: x.prod((0, 1)), X34)
    raises_like(lambda L, x: x.prod(2), X34)


# ---------------------------------------------------------------- max / min
TIES = [[1., 3., 3., 0.], [2., 2., -1., 2.], [5., 4., 5., 5.]]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("call", [
    lambda L, x, n: getattr(x, n)(), lambda L, x, n: getattr(L, n)(x, 1),
    lambda L, x, n: getattr(x, n)(dim=-2, keepdim=True), lambda L, x, n: getattr(L, n)(x, 0, True),
])
@pytest.mark.parametrize("data", [X34, TIES], ids=["plain", "ties"])
def test_max_min(call, name, data, dt, tol):
    parity(lambda L, x: call(L, x, name), data, dt)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_nan_and_noncontiguous(name):
    d = [[1., nan, 3.], [nan, 2., nan]]
    parity(lambda L, x: getattr(x, name)(), d)
    parity(lambda L, x: getattr(x, name)(1), d)
    parity(lambda L, x: getattr(x, name)(1), X34, prep=T)
    parity(lambda L, x: getattr(x, name)(-1), 2.0)
    parity(lambda L, x: getattr(L, name)(x, dim=0), np.zeros((2, 0)))


@pytest.mark.parametrize("dt", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("name", ["max", "min", "amax", "amin", "argmax", "argmin"])
def test_max_min_int(name, dt):
    d = [[1, 0, 1], [0, 0, 1]]
    if dt == "bool" and name.startswith("arg"):
        raises_like(lambda L, x: getattr(x, name)(), d, dt)
        return
    parity(lambda L, x: getattr(x, name)(), d, dt)
    parity(lambda L, x: getattr(x, name)(1), d, dt)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@pytest.mark.parametrize("dt,tol", FLOATS)
def test_max_min_elementwise(name, dt, tol):
    fn = "max" if name == "maximum" else "min"
    a = np.array([[5., 1., 5.], [0., nan, 3.]], dtype=dt)
    b = np.array([5., 2., 4.], dtype=dt)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ae, be = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    rt, re = getattr(torch, fn)(at, bt), getattr(ember, fn)(ae, be)
    _cmp(re, rt, tol)
    assert re.grad_fn.name() == rt.grad_fn.name()
    rt.sum().backward()
    re.sum().backward()
    _cmp(ae.grad, at.grad, tol)
    _cmp(be.grad, bt.grad, tol)
    _cmp(getattr(ember, fn)(ember.tensor([1, 5]), ember.tensor([2., 2.])),
         getattr(torch, fn)(torch.tensor([1, 5]), torch.tensor([2., 2.])), tol)


def test_max_min_errors():
    raises_like(lambda L, x: x.max(), np.zeros((0,)))
    raises_like(lambda L, x: x.min(), np.zeros((2, 0)))
    raises_like(lambda L, x: x.max(0), np.zeros((0, 3)))
    raises_like(lambda L, x: x.min(-1), np.zeros((3, 0)))
    raises_like(lambda L, x: x.max(2), X34)
    raises_like(lambda L, x: x.amax(0), np.zeros((0, 3)))
    raises_like(lambda L, x: x.amax(), np.zeros((0, 3)))
    raises_like(lambda L, x: L.aminmax(x), np.zeros((0, 3)))
    raises_like(lambda L, x: x.argmax(), np.zeros((0, 3)))
    raises_like(lambda L, x: x.argmin(0), np.zeros((0, 3)))
    raises_like(lambda L, x: L.max(x, 1.5), X34)


def test_max_out_and_names():
    x = ember.tensor(X34, requires_grad=True)
    assert x.max().grad_fn.name() == "MaxBackward1"
    assert x.max(1).values.grad_fn.name() == "MaxBackward0"
    assert x.amin(1).grad_fn.name() == "AminBackward0"
    v, i = ember.empty(0), ember.empty(0, dtype=ember.long)
    r = ember.max(ember.tensor(X34), 1, out=(v, i))
    assert r.values is v and r.indices is i
    np.testing.assert_array_equal(i.numpy(), X34.argmax(1))


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["amax", "amin"])
@pytest.mark.parametrize("call", [
    lambda L, x, n: getattr(x, n)(), lambda L, x, n: getattr(L, n)(x, (0, 2)),
    lambda L, x, n: getattr(x, n)(-1, keepdim=True), lambda L, x, n: getattr(L, n)(x, dim=(-1, 0), keepdim=True),
])
def test_amax_amin(call, name, dt, tol):
    ties = np.round(X234 * 1.5)
    parity(lambda L, x: call(L, x, name), ties, dt)
    parity(lambda L, x: call(L, x, name), X234, dt)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"keepdim": True},
                                {"dim": 0}])
def test_argmax_argmin(name, kw):
    parity(lambda L, x: getattr(L, name)(x, **kw), np.round(X234), grad=False)
    parity(lambda L, x: getattr(x, name)(**kw), [[1., nan, 3.], [2., 1., nan]], grad=False)
    if "dim" in kw and kw["dim"] in (0, -1):
        parity(lambda L, x: getattr(x, name)(**kw), 3.0, grad=False)


@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": -1, "keepdim": True}])
def test_aminmax(kw):
    parity(lambda L, x: L.aminmax(x, **kw), X34)
    r = ember.aminmax(ember.tensor(X34), **kw)
    assert type(r).__name__ == "aminmax" and r.min is r[0] and r.max is r[1]


# ---------------------------------------------------------------- var / std
VAR_CALLS = [
    lambda L, x, n: getattr(x, n)(), lambda L, x, n: getattr(L, n)(x, 1),
    lambda L, x, n: getattr(x, n)((0, 2), keepdim=True), lambda L, x, n: getattr(L, n)(x, -1, False),
    lambda L, x, n: getattr(x, n)(False), lambda L, x, n: getattr(L, n)(x, dim=1, correction=0),
    lambda L, x, n: getattr(x, n)(dim=0, correction=2, keepdim=True),
    lambda L, x, n: getattr(x, n)(0, True, True), lambda L, x, n: getattr(x, n)(keepdim=True),
]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("call", VAR_CALLS)
def test_var_std(call, name, dt, tol):
    parity(lambda L, x: call(L, x, name), X234, dt, create_graph=(dt == "float64"))


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_edges(name):
    parity(lambda L, x: getattr(x, name)(1), [[1., 1.], [1., 2.]])  # std 0: zero gradient
    parity(lambda L, x: getattr(x, name)(1), X34, prep=T)
    with np.errstate(all="ignore"):
        parity(lambda L, x: getattr(x, name)(), [1.])
        parity(lambda L, x: getattr(x, name)(correction=3), [1., 2.], grad=False)
    raises_like(lambda L, x: getattr(x, name)(), [1, 2], "int64")
    raises_like(lambda L, x: getattr(L, name)(x, 0, unbiased=True, correction=1), X34)
    parity(lambda L, x: getattr(x, name)(dim=()), X34, grad=False)  # torch's grad here is inf


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": (0, 1), "keepdim": True, "correction": 0}])
def test_var_mean(name, kw):
    parity(lambda L, x: getattr(L, name)(x, **kw), X34)
    parity(lambda L, x: getattr(L, name)(x, **kw)[1], X34)


# ---------------------------------------------------------------- norm
NORM_CASES = [
    ({}, X234), ({"p": 1}, X234), ({"p": 3, "dim": 1}, X234), ({"p": inf, "dim": (0, 2)}, X234),
    ({"p": -inf}, X234), ({"p": 0, "dim": -1}, X234), ({"p": 0.5, "dim": 1, "keepdim": True}, X234),
    ({"p": -2}, X234), ({"p": 1.5}, X234), ({"p": "fro", "dim": (1, 2)}, X234),
    ({"p": 2, "dim": ()}, X234),
    ({}, [[0., 0.], [3., 4.]]), ({"dim": 1}, [[0., 0.], [3., 4.]]),
    ({"p": 0.5}, [0., 1., 0., 2.]), ({"p": 1.5}, [0., 1., 0., 2.]), ({"p": 3}, [0., 1., 0., 2.]),
    ({"p": -1.}, [0., 0.]), ({"p": -inf}, [0., 2.]), ({"p": inf}, [-3., 1., 3., 2.]),
    ({"p": 1}, [0., -1., 2.]),
]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("kw,data", NORM_CASES)
def test_norm(kw, data, dt, tol):
    def f(L, x):
        return RM.norm(x, **kw) if L is ember else torch.norm(x, **kw)
    with np.errstate(all="ignore"):
        parity(f, data, dt)


def test_norm_method_and_errors():
    parity(lambda L, x: x.norm(), X34, prep=T)
    parity(lambda L, x: L.norm(x, dtype=L.float64), X34, "float32")
    parity(lambda L, x: x.norm(p="nuc"), X34, grad=False)
    raises_like(lambda L, x: x.norm(), [1, 2], "int64")
    raises_like(lambda L, x: (RM.norm if L is ember else torch.norm)(x, float("inf")), np.zeros((0, 2)))
    raises_like(lambda L, x: (RM.norm if L is ember else torch.norm)(x, float("inf"), dim=0), np.zeros((0, 2)))
    e = RM.norm(ember.zeros(0, 2), float("inf"), dim=1)          # reduces over a non-empty dim
    assert tuple(e.shape) == tuple(torch.norm(torch.zeros(0, 2), float("inf"), dim=1).shape) == (0,)


# ---------------------------------------------------------------- logsumexp
@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("call", [
    lambda L, x: L.logsumexp(x, 1), lambda L, x: x.logsumexp((0, 2), keepdim=True),
    lambda L, x: x.logsumexp(-1), lambda L, x: L.logsumexp(x * 500, dim=(0, 1, 2)),
])
def test_logsumexp(call, dt, tol):
    parity(call, X234, dt, create_graph=(dt == "float64"))


def test_logsumexp_edges():
    parity(lambda L, x: x.logsumexp(1), [[-inf, -inf], [inf, 1.], [1e4, 1e4]])
    parity(lambda L, x: x.logsumexp(0), np.zeros((0, 2)))
    parity(lambda L, x: x.logsumexp(0), [[1, 2], [3, 4]], "int64")
    parity(lambda L, x: x.logsumexp(1), X34, prep=T)
    raises_like(lambda L, x: L.logsumexp(x), X34)


# ---------------------------------------------------------------- cumsum / cumprod
CUM_DATA = [X34, [[1., 0., 2., 3.], [0., 2., 0., 1.], [1., 2., 3., 0.]]]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("data", CUM_DATA, ids=["plain", "zeros"])
def test_cumsum_cumprod(name, dim, data, dt, tol):
    parity(lambda L, x: getattr(L, name)(x, dim), data, dt, create_graph=(dt == "float64"))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cum_misc(name):
    parity(lambda L, x: getattr(x, name)(1), X34, prep=T)
    parity(lambda L, x: getattr(x, name)(0), 2.0)
    parity(lambda L, x: getattr(x, name)(dim=0, dtype=L.float64), X34, "float32")
    parity(lambda L, x: getattr(x, name)(0), np.zeros((0, 2)))
    for dt in ["int32", "int8", "bool", "uint8"]:
        parity(lambda L, x: getattr(x, name)(1), [[1, 1, 0], [1, 0, 1]], dt)
    parity(lambda L, x: getattr(x, name)(1, dtype=L.int32), [[1, 1, 0], [1, 0, 1]], "int64")
    raises_like(lambda L, x: getattr(x, name)(2), X34)


@pytest.mark.parametrize("name", ["cumsum_", "cumprod_"])
def test_cum_inplace(name):
    def f(L, x):
        y = x * 1
        r = getattr(y, name)(1)
        assert r is y
        return y
    parity(f, X34)
    xi = ember.tensor([[1, 2], [3, 4]], dtype=ember.int32)
    getattr(xi, name)(0)
    assert xi.dtype == ember.int32
    ti = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    getattr(ti, name)(0)
    np.testing.assert_array_equal(xi.numpy(), ti.numpy())


# ---------------------------------------------------------------- cummax / cummin
@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("data", [X34, TIES, [[1., nan, 3., nan, 0.], [2., 1., 2., 1., 0.]]],
                         ids=["plain", "ties", "nan"])
def test_cummax_cummin(name, dim, data, dt, tol):
    parity(lambda L, x: getattr(L, name)(x, dim), data, dt, create_graph=True)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_misc(name):
    parity(lambda L, x: getattr(x, name)(1), X34, prep=T)
    parity(lambda L, x: getattr(x, name)(0), 2.0)
    parity(lambda L, x: getattr(x, name)(0), np.zeros((0, 2)))
    parity(lambda L, x: getattr(x, name)(1), [[1, 3, 3, 0], [2, 2, 5, 1]], "int64")
    raises_like(lambda L, x: getattr(x, name)(2), X34)


# ---------------------------------------------------------------- all / any / count_nonzero
@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("dt", ["bool", "float32", "int64", "uint8"])
@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": (0, 1)},
                                {"dim": ()}, {"dim": 0}])
def test_all_any(name, dt, kw):
    d = [[1, 0, 2], [1, 1, 1]]
    parity(lambda L, x: getattr(x, name)(**kw), d, dt, grad=False)
    parity(lambda L, x: getattr(L, name)(x, **kw), np.zeros((2, 0, 3)), dt, grad=False)


@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": (0, -1)}, {"dim": ()}])
def test_count_nonzero(kw):
    parity(lambda L, x: L.count_nonzero(x, **kw), np.round(X234), grad=False)
    parity(lambda L, x: x.count_nonzero(**kw), np.round(X234) > 0, "bool", grad=False)


# ---------------------------------------------------------------- nansum / nanmean
NAN_DATA = [[1., nan, 3., 0.5], [nan, nan, 2., -1.], [nan, nan, nan, nan]]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["nansum", "nanmean"])
@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": (0, 1), "keepdim": True}, {"dim": -2}])
def test_nansum_nanmean(name, kw, dt, tol):
    with np.errstate(all="ignore"):
        parity(lambda L, x: getattr(L, name)(x, **kw), NAN_DATA, dt)
        parity(lambda L, x: getattr(x, name)(**kw), X34, dt, prep=T)


def test_nan_int():
    parity(lambda L, x: L.nansum(x), [[1, 2], [3, 4]], "int32")
    parity(lambda L, x: L.nansum(x, 1, dtype=L.float32), [[1, 2], [3, 4]], "int32")
    raises_like(lambda L, x: L.nanmean(x), [1, 2], "int64")


# ---------------------------------------------------------------- median / nanmedian / mode
MED_DATA = [
    [[4., 1., 3., 2.], [0., 5., 6., -1.], [2., 7., 1., 8.]],
    [[1., nan, 3., 2.], [nan, 5., nan, nan], [1., 2., nan, 0.]],
]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("call", [
    lambda L, x, n: getattr(x, n)(), lambda L, x, n: getattr(L, n)(x, 1),
    lambda L, x, n: getattr(x, n)(dim=0, keepdim=True), lambda L, x, n: getattr(x, n)(-1),
])
@pytest.mark.parametrize("data", MED_DATA, ids=["plain", "nan"])
def test_median(call, name, data, dt, tol):
    parity(lambda L, x: call(L, x, name), data, dt)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_median_misc(name):
    parity(lambda L, x: getattr(x, name)(), [3., 1., 3., 2., 1., 1.])  # ties share the grad
    parity(lambda L, x: getattr(x, name)(1), X34, prep=T)
    parity(lambda L, x: getattr(x, name)(0), 2.0)
    parity(lambda L, x: getattr(x, name)(), 2.0)
    parity(lambda L, x: getattr(x, name)(1), [[3, 1, 2], [5, 4, 9]], "int64")
    parity(lambda L, x: getattr(x, name)(), [[3, 1, 2], [5, 4, 9]], "int64")
    parity(lambda L, x: getattr(x, name)(), np.zeros((0,)), grad=False)
    raises_like(lambda L, x: getattr(x, name)(0), np.zeros((0, 2)))
    d = np.array([[nan, nan, nan, nan], [1., nan, 2., 3.]])
    r = getattr(ember.tensor(d), name)(1)
    np.testing.assert_array_equal(r.values.numpy(), _np(getattr(torch.tensor(d), name)(1).values))
    np.testing.assert_array_equal(np.take_along_axis(d, r.indices.numpy()[:, None], 1)[:, 0],
                                  r.values.numpy())


def test_median_ties_index_picks_a_median():
    d = np.random.default_rng(1).integers(0, 3, (20, 7)).astype(np.float64)
    r = ember.median(ember.tensor(d), 1)
    t = torch.median(torch.tensor(d), 1)
    np.testing.assert_array_equal(r.values.numpy(), t.values.numpy())
    np.testing.assert_array_equal(np.take_along_axis(d, r.indices.numpy()[:, None], 1)[:, 0],
                                  t.values.numpy())


@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"dim": 1, "keepdim": True}])
def test_mode(kw):
    d = np.random.default_rng(3).integers(0, 4, (6, 9))
    parity(lambda L, x: L.mode(x, **kw), d, "int64")
    parity(lambda L, x: x.mode(**kw), d, "float64")
    parity(lambda L, x: x.mode(**kw), d, "float32", prep=T)


def test_mode_misc():
    parity(lambda L, x: x.mode(), 2.0)
    parity(lambda L, x: x.mode(0), np.zeros((2, 0)))
    raises_like(lambda L, x: x.mode(), np.zeros((0,)))
    raises_like(lambda L, x: x.mode(0), np.zeros((0, 2)))


# ---------------------------------------------------------------- return_types
def test_return_types():
    x = [[1., 5.], [7., 2.]]
    r, t = ember.max(ember.tensor(x), 1), torch.max(torch.tensor(x), 1)
    assert repr(r) == repr(t) and str(r) == str(t)
    assert isinstance(r, tuple) and r.n_fields == 2 and type(r).__name__ == "max"
    v, i = r
    assert v is r.values and i is r.indices
    r2 = pickle.loads(pickle.dumps(r))
    assert type(r2) is type(r)
    np.testing.assert_array_equal(r2.indices.numpy(), [1, 0])
    m = ember.return_types.mode((1, 2))
    assert m.values == 1 and m.indices == 2
    with pytest.raises(TypeError):
        ember.return_types.max((1,))
    assert repr(ember.cummin(ember.tensor([2., 1.]), 0)) == repr(torch.cummin(torch.tensor([2., 1.]), 0))


# ---------------------------------------------------------------- quantile / nanquantile
Q_CALLS = [
    lambda L, x, n: getattr(L, n)(x, 0.5), lambda L, x, n: getattr(x, n)(0.3, dim=1),
    lambda L, x, n: getattr(L, n)(x, L.tensor([0.25, 0.5, 1.0], dtype=x.dtype), dim=-1, keepdim=True),
    lambda L, x, n: getattr(x, n)(L.tensor([0.1, 0.9], dtype=x.dtype), keepdim=True),
    lambda L, x, n: getattr(x, n)(L.tensor(0.7, dtype=x.dtype), 0),
    lambda L, x, n: getattr(x, n)(0.4, 0, True, interpolation="lower"),
    lambda L, x, n: getattr(x, n)(0.4, 1, interpolation="higher"),
    lambda L, x, n: getattr(x, n)(L.tensor([0.125, 0.375, 0.625], dtype=x.dtype), 1, interpolation="nearest"),
    lambda L, x, n: getattr(x, n)(0.3, 1, interpolation="midpoint"),
]


@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("call", Q_CALLS)
@pytest.mark.parametrize("data", [X34, [[1., nan, 3., 2.], [nan, nan, nan, nan], [4., 0., 2., 1.]]],
                         ids=["plain", "nan"])
def test_quantile(call, name, data, dt, tol):
    parity(lambda L, x: call(L, x, name), data, dt, create_graph=True)


def test_quantile_misc():
    parity(lambda L, x: x.quantile(0.5, 1), X34, prep=T)
    parity(lambda L, x: x.quantile(0.5), 2.0)
    parity(lambda L, x: x.quantile(0.5, 0), 2.0)
    parity(lambda L, x: L.quantile(x, 0.5, dim=1), np.round(X234))
    for f in [lambda L, x: x.quantile(1.5), lambda L, x: x.quantile(L.tensor([0.5], dtype=L.float64)),
              lambda L, x: x.quantile(L.ones(2, 2) / 2), lambda L, x: x.quantile(0.5, interpolation="foo"),
              lambda L, x: x.long().quantile(0.5), lambda L, x: x[:0].quantile(0.5)]:
        raises_like(f, X34)


@pytest.mark.parametrize("f", [
    lambda L, x: x.logsumexp(0), lambda L, x: x.logsumexp(-1, keepdim=True), lambda L, x: x.prod(),
    lambda L, x: x.prod(0), lambda L, x: x.amax(), lambda L, x: x.max(), lambda L, x: x.median(),
    lambda L, x: x.cumprod(0), lambda L, x: x.cumsum(0), lambda L, x: x.nansum(),
    lambda L, x: x.std(correction=0), lambda L, x: L.logsumexp(x * x, 0),
])
def test_0d_second_order(f):
    parity(f, 1.5, create_graph=True)


@pytest.mark.parametrize("call", [
    "x.max()", "x.max(1)", "x.min(0)", "x.amax(0)", "x.amin()", "x.argmax()", "x.argmin(1)",
    "L.aminmax(x)", "x.median()", "x.median(1)", "x.nanmedian(0)", "x.cummax(1)", "x.cummin(0)",
    "x.mode(1)", "x.nansum()", "x.nanmean(1)", "x.quantile(0.5)",
])
def test_complex_rejected_like_torch(call):
    raises_like(lambda L, x: eval(call, {"x": x.to(L.complex64), "L": L}), X34)


@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
@pytest.mark.parametrize("call", [
    "x.nansum(1)", "x.nanmean(1)", "x.median(1)", "x.nanmedian(1)", "x.median()", "x.nanmedian()",
    "x.cummax(1)", "x.cummin(1)", "x[3:].mode(1)", "x.max(1)", "x.amax(1)", "x.argmin(1)", "x.max()",
    "x.prod(1)", "x.var(1)", "x.logsumexp(1)", "x.cumsum(1)",
])
def test_half_precision_with_nan(call, dt):
    if dt == "bfloat16":
        pytest.importorskip("ml_dtypes")
    d = [[1., nan, 3., 2., 2.], [nan, .5, -1., 4., .5], [nan] * 5, [1., 2., 3., 2., 1.]]
    rt = eval(call, {"x": torch.tensor(d).to(getattr(torch, dt))})
    re = eval(call, {"x": ember.tensor(d).to(getattr(ember, dt))})
    if call == "x.nanmedian(1)":  # the index for an all-NaN row is implementation-defined
        rt, re = rt.values, re.values
    for a, b in zip(re if isinstance(re, tuple) else (re,), rt if isinstance(rt, tuple) else (rt,)):
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.float().numpy() if a.dtype != ember.int64 else a.numpy(),
                                   b.float().numpy() if b.dtype != torch.int64 else b.numpy(),
                                   rtol=1e-2, atol=1e-2, equal_nan=True)


# ---------------------------------------------------------------- logcumsumexp
@pytest.mark.parametrize("dt,tol", FLOATS)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("data", [X34, [[-1000., 0., 5., 2.], [1000., -3., 1000., 0.], [-inf, 0., 1., -inf]]],
                         ids=["plain", "extreme"])
def test_logcumsumexp(dim, data, dt, tol):
    with np.errstate(all="ignore"):
        parity(lambda L, x: L.logcumsumexp(x, dim), data, dt, tol=max(tol, 1e-6),
               create_graph=(data is X34))


def test_logcumsumexp_misc():
    parity(lambda L, x: x.logcumsumexp(1), X34, prep=T)
    parity(lambda L, x: x.logcumsumexp(0), 2.0)
    parity(lambda L, x: x.logcumsumexp(0), np.zeros((0, 2)))
    raises_like(lambda L, x: x.logcumsumexp(0), [1, 2], "int64")
    raises_like(lambda L, x: x.logcumsumexp(2), X34)
