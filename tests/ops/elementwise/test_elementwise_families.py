"""Parity of the elementwise families of ember/ops/elementwise/ (trig, exp_log,
erf_gamma, rounding, clamp, division, float_bits, logical_bitwise, predicates and the
ternaries in ternary.py) with PyTorch: forward values and dtypes,
gradients on float32 and float64, broadcasting, scalars, in-place forms, integer/bool
behaviour and error types."""
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _np(t):
    if isinstance(t, torch.Tensor):
        if t._is_zerotensor():
            return np.zeros(tuple(t.shape), dtype=torch.empty(0, dtype=t.dtype).numpy().dtype)
        return t.detach().numpy()
    return np.asarray(t._data)


def assert_same(e, t, rtol=1e-5, atol=1e-6, equal_nan=True):
    if isinstance(t, tuple):
        assert isinstance(e, tuple) and len(e) == len(t)
        for a, b in zip(e, t):
            assert_same(a, b, rtol, atol)
        return
    if isinstance(t, (bool, int, float)):
        assert e == t and type(e) is type(t), (e, t)
        return
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    a, b = _np(e), _np(t)
    if a.dtype.kind in "biu":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def both(x, dtype=None, rg=False):
    """The same data as an ember tensor and a torch tensor."""
    a = np.asarray(x, dtype=dtype)
    e = ember.tensor(a.copy(), requires_grad=rg)
    t = torch.tensor(a.copy(), requires_grad=rg)
    return e, t


def check(fe, ft, arrays, scalars=(), grad=True, dtype=np.float64, view=None, tol=None):
    """Run ``fe`` on ember tensors and ``ft`` on torch tensors built from ``arrays`` (cast to
    ``dtype``), then compare outputs and, if ``grad``, the gradients of ``sum(out * w)``."""
    tol = tol or TOL.get(dtype, dict(rtol=1e-5, atol=1e-6))
    es, ts = [], []
    for a in arrays:
        e, t = both(a, dtype, rg=grad)
        es.append(e)
        ts.append(t)
    ve = [view(x) if view else x for x in es]
    vt = [view(x) if view else x for x in ts]
    oe, ot = fe(*ve, *scalars), ft(*vt, *scalars)
    assert_same(oe, ot, **tol)
    if grad:
        w = RNG.standard_normal(tuple(ot.shape)).astype(_np(ot).dtype)
        with np.errstate(over="ignore"):
            (oe * ember.tensor(w)).sum().backward()
        (ot * torch.tensor(w)).sum().backward()
        for e, t in zip(es, ts):
            if t.grad is None:
                assert e.grad is None or not _np(e.grad).any()
            else:
                assert_same(e.grad, t.grad, **tol)
    return oe, ot


# ---------------------------------------------------------------- unary
def _u(lo, hi, shape=(3, 4)):
    return RNG.uniform(lo, hi, size=shape)


UNARY = {
    "exp2": _u(-3, 3), "expm1": _u(-2, 2), "log2": _u(0.1, 4), "log10": _u(0.1, 4),
    "log1p": _u(-0.9, 3), "tan": _u(-1.2, 1.2), "asin": _u(-0.95, 0.95),
    "arcsin": _u(-0.95, 0.95), "acos": _u(-0.95, 0.95), "arccos": _u(-0.95, 0.95),
    "atan": _u(-3, 3), "arctan": _u(-3, 3), "sinh": _u(-2, 2), "cosh": _u(-2, 2),
    "asinh": _u(-3, 3), "arcsinh": _u(-3, 3), "acosh": _u(1.1, 4), "arccosh": _u(1.1, 4),
    "atanh": _u(-0.9, 0.9), "arctanh": _u(-0.9, 0.9), "erf": _u(-3, 3), "erfc": _u(-3, 5),
    "erfinv": _u(-0.99, 0.99), "sinc": np.concatenate([_u(-3, 3, (11,)), [0.0]]),
    "deg2rad": _u(-360, 360), "rad2deg": _u(-4, 4), "logit": _u(0.05, 0.95),
    "sign": np.array([-2.0, 0.0, 3.5, -0.1]), "sgn": np.array([-2.0, 0.0, 3.5]),
    "floor": np.array([-1.5, -0.5, 0.5, 2.7, 3.0]), "ceil": np.array([-1.5, -0.5, 0.5, 2.7]),
    "trunc": np.array([-1.5, -0.5, 0.5, 2.7]), "fix": np.array([-1.5, -0.5, 0.5, 2.7]),
    "round": np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.2345]),
    "frac": np.array([-1.25, -0.5, 0.5, 2.75]), "nan_to_num": np.array([-1.5, 2.0]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_forward_backward(name, dtype):
    check(getattr(ember, name), getattr(torch, name), [UNARY[name]], dtype=dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_method_noncontiguous_and_inplace(name):
    x = UNARY[name]
    x = np.stack([x, x]) if x.ndim == 1 else x
    check(lambda a: getattr(a, name)(), lambda a: getattr(a, name)(), [x], view=lambda t: t.t(),
          dtype=np.float32)
    e, t = both(x, np.float64)
    re, rt = getattr(e, name + "_")(), getattr(t, name + "_")()
    assert re is e
    assert_same(e, t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["exp2", "expm1", "log2", "erf", "sinh", "tanh", "rad2deg", "sinc",
                                  "deg2rad", "erfinv", "atan", "logit"])
def test_unary_int_bool_give_default_float(name):
    x = np.array([-1, 0, 1, 2])
    for a in (x, x > 0):
        e, t = both(a)
        assert_same(getattr(ember, name)(e), getattr(torch, name)(t))


def test_unary_inplace_on_int_raises():
    e, t = both([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        e.exp2_()
    with pytest.raises(RuntimeError):
        t.exp2_()


def test_unary_inplace_autograd():
    for name in ["erf", "expm1", "tan", "atan"]:
        e, t = both(_u(-1, 1, (4,)), np.float64, rg=True)
        ye, yt = e * 2, t * 2
        getattr(ye, name + "_")()
        getattr(yt, name + "_")()
        assert ye.grad_fn.name() == yt.grad_fn.name()
        ye.sum().backward()
        yt.sum().backward()
        assert_same(e.grad, t.grad)


def test_unary_grad_fn_names():
    e, t = both([0.3, 0.6], np.float32, rg=True)
    for name in ["exp2", "erf", "erfinv", "floor", "round", "sign", "frac", "logit", "asin"]:
        assert getattr(ember, name)(e).grad_fn.name() == getattr(torch, name)(t).grad_fn.name()
    assert ember.round(e, decimals=2).grad_fn.name() == torch.round(t, decimals=2).grad_fn.name()


def test_erf_float64_accuracy_and_tails():
    x = np.concatenate([np.linspace(-8, 8, 4001), [0.0, -0.0, 1e-300, 26.0, 27.5, np.inf, -np.inf]])
    for fn in ("erf", "erfc"):
        ref = np.array([getattr(math, fn)(v) for v in x])
        got = getattr(ember, fn)(ember.tensor(x))._data
        np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-300)
    assert np.isnan(ember.erf(ember.tensor([np.nan]))._data).all()
    y = np.concatenate([np.linspace(-1, 1, 2001), 1 - np.logspace(-15, -1, 50), [1e-200, 2.0, -2.0]])
    assert_same(ember.erfinv(ember.tensor(y)), torch.erfinv(torch.tensor(y)), rtol=1e-12, atol=1e-300)


def test_erf_half_dtypes():
    x = np.array([-1.0, 0.25, 2.0])
    for dt in (torch.float16, torch.bfloat16):
        e = ember.tensor(x).to(getattr(ember, str(dt)[6:]))
        t = torch.tensor(x).to(dt)
        for fn in ("erf", "exp2", "expm1", "atan"):
            r = getattr(ember, fn)(e)
            assert str(r.dtype) == str(dt)
            np.testing.assert_allclose(r.float()._data, getattr(torch, fn)(t).float().numpy(), rtol=1e-2)


def test_rounding_int_and_bool():
    e, t = both([-3, 2, 0])
    for name in ["floor", "ceil", "trunc", "round", "sign", "sgn", "fix"]:
        assert_same(getattr(ember, name)(e), getattr(torch, name)(t))
    eb, tb = both([True, False])
    assert_same(ember.sign(eb), torch.sign(tb))
    for name in ["floor", "ceil", "trunc"]:
        with pytest.raises(NotImplementedError):
            getattr(ember, name)(eb)
    with pytest.raises(NotImplementedError):
        ember.frac(e)
    with pytest.raises(NotImplementedError):
        ember.round(e, decimals=1)
    with pytest.raises(NotImplementedError, match="sgn"):
        ember.sign(ember.tensor([1 + 1j]))


def test_round_decimals():
    x = RNG.uniform(-500, 500, (20,))
    for d in (-2, -1, 1, 2, 3):
        for dt in (np.float32, np.float64):
            e, t = both(x, dt)
            assert_same(ember.round(e, decimals=d), torch.round(t, decimals=d), rtol=1e-6, atol=1e-6)
    e, t = both(x, np.float32)
    assert_same(e.round(decimals=1), t.round(decimals=1))
    e.round_(decimals=2)
    t.round_(decimals=2)
    assert_same(e, t)


def test_sgn_complex():
    e, t = both([3 + 4j, 0j, -1j])
    assert_same(ember.sgn(e), torch.sgn(t))


def test_positive():
    e = ember.tensor([1.0, -2.0])
    assert ember.positive(e) is e and (+e) is e
    with pytest.raises(RuntimeError, match="bool"):
        ember.positive(ember.tensor([True]))


def test_logit_eps():
    x = np.array([-0.2, 0.0, 0.05, 0.5, 0.97, 1.0, 1.3])
    for dt in (np.float32, np.float64):
        check(lambda a: ember.logit(a, eps=0.1), lambda a: torch.logit(a, eps=0.1), [x], dtype=dt)
        check(ember.logit, torch.logit, [x], dtype=dt)
    e, t = both(x, np.float64)
    e.logit_(0.1)
    t.logit_(0.1)
    assert_same(e, t)


def test_unary_out_and_type_error():
    e = ember.tensor([0.5, 0.25])
    o = ember.empty(2)
    r = ember.erf(e, out=o)
    assert r is o
    np.testing.assert_allclose(o._data, torch.erf(torch.tensor([0.5, 0.25])).numpy(), rtol=1e-6)
    with pytest.raises(TypeError):
        ember.erf([0.5])


def test_second_derivative():
    for name in ["erf", "atan", "tan", "expm1", "log1p", "asinh"]:
        e, t = both([0.3, -0.7], np.float64, rg=True)
        ge, = ember.autograd.grad(getattr(ember, name)(e).sum(), e, create_graph=True)
        gt, = torch.autograd.grad(getattr(torch, name)(t).sum(), t, create_graph=True)
        assert_same(ge, gt)
        g2e, = ember.autograd.grad(ge.sum(), e)
        g2t, = torch.autograd.grad(gt.sum(), t)
        assert_same(g2e, g2t)


# ---------------------------------------------------------------- clamp
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clamp_scalar_bounds_and_gradient_at_bounds(dtype):
    x = np.array([[-2.0, -1.0, 0.0], [0.5, 1.0, 3.0]])
    for lo, hi in [(-1, 1), (None, 1.0), (-1.0, None), (0.5, -0.5)]:
        check(lambda a: ember.clamp(a, lo, hi), lambda a: torch.clamp(a, lo, hi), [x], dtype=dtype)
        check(lambda a: a.clip(min=lo, max=hi), lambda a: a.clip(min=lo, max=hi), [x], dtype=dtype,
              view=lambda t: t.t())
    check(lambda a: ember.clamp_min(a, 0.5), lambda a: torch.clamp_min(a, 0.5), [x], dtype=dtype)
    check(lambda a: ember.clamp_max(a, 0.5), lambda a: torch.clamp_max(a, 0.5), [x], dtype=dtype)
    e, t = both(x, dtype, rg=True)
    assert ember.clamp(e, 0, 1).grad_fn.name() == torch.clamp(t, 0, 1).grad_fn.name()
    assert ember.clamp_min(e, 0).grad_fn.name() == torch.clamp_min(t, 0).grad_fn.name()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clamp_tensor_bounds(dtype):
    x = np.array([[-2.0, -1.0, 0.0, 2.0], [0.5, 1.0, 3.0, 0.25]])
    lo = np.array([-1.0, -1.0, 0.5, 3.0])
    hi = np.array([[1.0], [0.5]])
    check(lambda a, l, h: ember.clamp(a, l, h), lambda a, l, h: torch.clamp(a, l, h), [x, lo, hi],
          dtype=dtype)
    check(lambda a, l: ember.clamp(a, min=l), lambda a, l: torch.clamp(a, min=l), [x, lo], dtype=dtype)
    check(lambda a, h: ember.clamp(a, max=h), lambda a, h: torch.clamp(a, max=h), [x, hi], dtype=dtype)
    check(lambda a, l: ember.clamp_min(a, l), lambda a, l: torch.clamp_min(a, l), [x, lo], dtype=dtype)
    check(lambda a, h: ember.clamp_max(a, h), lambda a, h: torch.clamp_max(a, h), [x, hi], dtype=dtype)


def test_clamp_dtypes_nan_and_errors():
    e, t = both([-3, 2, 0])
    assert_same(ember.clamp(e, min=1.5), torch.clamp(t, min=1.5))
    assert_same(ember.clamp(e, min=-1, max=1), torch.clamp(t, min=-1, max=1))
    assert_same(ember.clamp(e, min=ember.tensor(1.5)), torch.clamp(t, min=torch.tensor(1.5)))
    eb, tb = both([True, False])
    assert_same(ember.clamp(eb, min=0), torch.clamp(tb, min=0))
    en, tn = both([np.nan, 1.0, 5.0], np.float32)
    assert_same(ember.clamp(en, 0, 2), torch.clamp(tn, 0, 2))
    assert_same(ember.clamp(en, min=np.nan), torch.clamp(tn, min=np.nan))
    with pytest.raises(RuntimeError, match="At least one"):
        ember.clamp(e)
    with pytest.raises(RuntimeError, match="must match the size"):
        ember.clamp(ember.ones(3), min=ember.ones(2))


def test_clamp_inplace():
    x = np.array([-2.0, 0.5, 3.0])
    e, t = both(x, np.float32)
    assert e.clamp_(-1, 1) is e
    t.clamp_(-1, 1)
    assert_same(e, t)
    e, t = both(x, np.float32)
    e.clamp_min_(0.0), t.clamp_min_(0.0)
    e.clamp_max_(1.0), t.clamp_max_(1.0)
    assert_same(e, t)
    e, t = both(x, np.float32)
    e.clip_(min=ember.tensor([0.0, 0.0, 4.0]))
    t.clip_(min=torch.tensor([0.0, 0.0, 4.0]))
    assert_same(e, t)
    ei, ti = both([1, 5, -3])
    ei.clamp_(0, 2), ti.clamp_(0, 2)
    assert_same(ei, ti)
    with pytest.raises(RuntimeError, match="can't be cast"):
        ei.clamp_(min=0.5)
    v = ember.zeros(2, 3)
    v[0].clamp_(1, 2)
    assert v._data[0].tolist() == [1, 1, 1] and v._version >= 1
    # with autograd: a non-leaf, and a leaf raises
    e, t = both(x, np.float64, rg=True)
    ye, yt = e * 1, t * 1
    ye.clamp_(-1, 1), yt.clamp_(-1, 1)
    (ye * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    (yt * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert_same(e.grad, t.grad)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        e.clamp_(0, 1)


# ---------------------------------------------------------------- binary float ops
A = RNG.uniform(-3, 3, (3, 4))
B = RNG.uniform(-3, 3, (4,))
BINARY = {
    "maximum": (A, B), "minimum": (A, B), "fmax": (A, B), "fmin": (A, B), "atan2": (A, B),
    "arctan2": (A, B), "hypot": (A, B), "logaddexp": (A, B), "logaddexp2": (A, B),
    "remainder": (A, B), "fmod": (A, B), "copysign": (A, B),
    "xlogy": (A, np.abs(B) + 0.1),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_forward_backward_broadcast(name, dtype):
    a, b = BINARY[name]
    check(getattr(ember, name), getattr(torch, name), [a, b], dtype=dtype)
    check(getattr(ember, name), getattr(torch, name), [b, a], dtype=dtype)
    check(getattr(ember, name), getattr(torch, name), [a, a.T.copy()], dtype=dtype,
          view=lambda t: t if t.shape == (3, 4) else t.t())


@pytest.mark.parametrize("name", ["remainder", "fmod", "copysign", "xlogy"])
def test_binary_scalar_other(name):
    for s in (2, -1.5, 0.7):
        if name == "xlogy" and s < 0:
            continue
        for dt in (np.float32, np.float64):
            check(lambda a: getattr(ember, name)(a, s), lambda a: getattr(torch, name)(a, s),
                  [np.abs(A) if name == "xlogy" else A], dtype=dt)
            check(lambda a: getattr(a, name)(s), lambda a: getattr(a, name)(s), [A], dtype=dt)


def test_binary_tensor_only_arguments():
    for name in ["maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "logaddexp"]:
        with pytest.raises(TypeError):
            getattr(ember, name)(ember.ones(2), 2)
        with pytest.raises(RuntimeError, match="must match the size"):
            getattr(ember, name)(ember.ones(2), ember.ones(3))


def test_maximum_ties_and_nan():
    x = np.array([1.0, 2.0, np.nan, 3.0, np.nan])
    y = np.array([1.0, 3.0, 1.0, np.nan, 2.0])
    for name in ["maximum", "minimum", "fmax", "fmin"]:
        for dt in (np.float32, np.float64):
            check(getattr(ember, name), getattr(torch, name), [x, y], dtype=dt)


def test_maximum_int_bool_and_promotion():
    i = np.array([-3, 2, 0])
    f = np.array([-1.5, 2.5, 0.5], np.float32)
    for name in ["maximum", "minimum", "fmax", "fmin"]:
        (ei, ti), (ef, tf) = both(i), both(f)
        assert_same(getattr(ember, name)(ei, ef), getattr(torch, name)(ti, tf))
        assert_same(getattr(ember, name)(ei, ei), getattr(torch, name)(ti, ti))
        eb, tb = both([True, False])
        assert_same(getattr(ember, name)(eb, eb.logical_not()), getattr(torch, name)(tb, tb.logical_not()))


def test_atan2_int_and_copysign_int():
    e, t = both([-3, 2, 0])
    assert_same(ember.atan2(e, e), torch.atan2(t, t))
    assert_same(ember.copysign(e, -1), torch.copysign(t, -1))
    assert_same(ember.copysign(e, e * 0 - 1), torch.copysign(t, t * 0 - 1))
    for name in ["hypot", "logaddexp", "logaddexp2"]:
        with pytest.raises(NotImplementedError):
            getattr(ember, name)(e, e)


def test_copysign_grad_at_zero():
    x = np.array([0.0, -0.0, 1.5, -2.0])
    y = np.array([-1.0, 1.0, -0.0, 3.0])
    check(ember.copysign, torch.copysign, [x, y], dtype=np.float64)
    e, t = both(x, np.float32, rg=True)
    assert ember.copysign(e, -1.0).grad_fn.name() == torch.copysign(t, -1.0).grad_fn.name()


def test_xlogy_zeros_nan_and_scalars():
    x = np.array([0.0, 0.0, 2.0, 1.0, 0.0])
    y = np.array([0.0, -1.0, 3.0, np.nan, np.nan])
    check(ember.xlogy, torch.xlogy, [x, y], dtype=np.float64)
    e, t = both([-3, 2, 0])
    assert_same(ember.xlogy(e, 2), torch.xlogy(t, 2))
    assert_same(ember.xlogy(2, e), torch.xlogy(2, t))
    assert_same(ember.xlogy(2.5, e.float()), torch.xlogy(2.5, t.float()))
    e, t = both([1.0, 2.0], np.float64)
    e.xlogy_(3.0), t.xlogy_(3.0)
    assert_same(e, t)


# ---------------------------------------------------------------- remainder / fmod / division
def test_remainder_fmod_ints():
    a = np.array([-7, -3, -1, 0, 1, 3, 7])
    for b in (3, -3, 2):
        e, t = both(a)
        for name in ["remainder", "fmod", "floor_divide"]:
            assert_same(getattr(ember, name)(e, b), getattr(torch, name)(t, b))
            assert_same(getattr(ember, name)(e, ember.tensor(b)), getattr(torch, name)(t, torch.tensor(b)))
        assert_same(ember.div(e, b, rounding_mode="trunc"), torch.div(t, b, rounding_mode="trunc"))
        assert_same(ember.div(e, b, rounding_mode="floor"), torch.div(t, b, rounding_mode="floor"))
        assert_same(e % b, t % b)
        assert_same(e // b, t // b)
    e, t = both(a[a != 0])
    assert_same(7 % e, 7 % t)
    assert_same(7 // e, 7 // t)
    assert_same(ember.remainder(7, e), torch.remainder(7, t))
    e, t = both(a, np.int32)
    assert_same(ember.remainder(e, 2), torch.remainder(t, 2))
    assert_same(ember.remainder(e, 2.5), torch.remainder(t, 2.5))
    assert_same(e % ember.tensor(2.5), t % torch.tensor(2.5))
    assert_same(ember.fmod(e, 2.5), torch.fmod(t, 2.5))


def test_division_by_zero():
    e, t = both([-3, 2, 0])
    for fn in (lambda x: ember.remainder(x, 0), lambda x: ember.fmod(x, 0),
               lambda x: ember.floor_divide(x, 0), lambda x: ember.div(x, 0, rounding_mode="trunc"),
               lambda x: 2 % x, lambda x: 5 // x):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(e)
    ef, tf = both([-1.5, 2.5, 0.5, 0.0], np.float32)
    for name in ["remainder", "fmod", "floor_divide"]:
        assert_same(getattr(ember, name)(ef, 0), getattr(torch, name)(tf, 0))
    assert_same(ember.div(ef, 0, rounding_mode="trunc"), torch.div(tf, 0, rounding_mode="trunc"))


def test_float_division_rounding_modes():
    a = RNG.uniform(-10, 10, (3, 5))
    b = RNG.uniform(-3, 3, (5,))
    for dt in (np.float32, np.float64):
        (ea, ta), (eb, tb) = both(a, dt), both(b, dt)
        for mode in ("trunc", "floor"):
            assert_same(ember.div(ea, eb, rounding_mode=mode), torch.div(ta, tb, rounding_mode=mode))
        assert_same(ember.floor_divide(ea, eb), torch.floor_divide(ta, tb))
        assert_same(ea // 0.5, ta // 0.5)
        assert_same(ea % eb, ta % tb)


def test_rounding_div_grad_is_zero():
    e, t = both([-1.5, 2.5], np.float64, rg=True)
    ye, yt = ember.div(e, 2, rounding_mode="trunc"), torch.div(t, 2, rounding_mode="trunc")
    assert ye.grad_fn.name() == yt.grad_fn.name()
    ye.sum().backward(), yt.sum().backward()
    assert_same(e.grad, t.grad)


def test_remainder_bool_errors_and_names():
    eb = ember.tensor([True, False])
    for fn in (ember.remainder, ember.floor_divide):
        with pytest.raises(NotImplementedError):
            fn(eb, eb)
    e, t = both([1.5, 2.5], np.float32, rg=True)
    assert ember.remainder(e, 2).grad_fn.name() == torch.remainder(t, 2).grad_fn.name()
    assert ember.remainder(e, e).grad_fn.name() == torch.remainder(t, t).grad_fn.name()
    assert ember.fmod(e, 2).grad_fn.name() == torch.fmod(t, 2).grad_fn.name()


def test_remainder_inplace_and_dunders():
    e, t = both([5.5, -3.0, 7.25], np.float32)
    e %= 2
    t %= 2
    assert_same(e, t)
    e //= 0.5
    t //= 0.5
    assert_same(e, t)
    e, t = both([5, -3, 7])
    e.remainder_(3), t.remainder_(3)
    e.fmod_(2), t.fmod_(2)
    assert_same(e, t)
    e.floor_divide_(2), t.floor_divide_(2)
    assert_same(e, t)
    with pytest.raises(RuntimeError, match="can't be cast"):
        e.remainder_(1.5)


# ---------------------------------------------------------------- float_power / lerp / addc*
def test_float_power():
    e, t = both([1, 2, 3])
    assert_same(ember.float_power(e, 2), torch.float_power(t, 2))
    assert_same(ember.float_power(2, e), torch.float_power(2, t))
    assert_same(ember.float_power(e, e), torch.float_power(t, t))
    assert_same(e.float_power(0.5), t.float_power(0.5))
    ec, tc = both([1 + 1j])
    assert_same(ember.float_power(ec, 2), torch.float_power(tc, 2))
    for dt in (np.float32, np.float64):
        check(lambda a: ember.float_power(a, 2.5), lambda a: torch.float_power(a, 2.5),
              [np.abs(A) + 0.1], dtype=dt)
    with pytest.raises(RuntimeError, match="float_power_"):
        ember.tensor([1.0, 2.0]).float_power_(2)
    e, t = both([1.0, 2.0], np.float64)
    e.float_power_(3), t.float_power_(3)
    assert_same(e, t)


@pytest.mark.skipif(not hasattr(ember.Tensor, "masked_fill"), reason="pow's backward needs masked_fill")
def test_float_power_tensor_exponent_grad():
    for dt in (np.float32, np.float64):
        check(ember.float_power, torch.float_power, [np.abs(A) + 0.1, B], dtype=dt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lerp(dtype):
    a, b = A, RNG.uniform(-3, 3, (3, 4))
    for w in (0.3, 0.7, -0.2, 1.5):
        check(lambda x, y: ember.lerp(x, y, w), lambda x, y: torch.lerp(x, y, w), [a, b], dtype=dtype)
    w = RNG.uniform(-0.5, 1.5, (4,))
    check(ember.lerp, torch.lerp, [a, b, w], dtype=dtype)
    check(ember.lerp, torch.lerp, [a, B, w], dtype=dtype)
    e, t = both(a, dtype)
    e.lerp_(ember.tensor(b.astype(dtype)), 0.25), t.lerp_(torch.tensor(b.astype(dtype)), 0.25)
    assert_same(e, t)
    ee, te = both(a, dtype, rg=True)
    assert ember.lerp(ee, ee, 0.5).grad_fn.name() == torch.lerp(te, te, 0.5).grad_fn.name()


def test_lerp_errors():
    e = ember.tensor([1, 2])
    with pytest.raises(NotImplementedError):
        ember.lerp(e, e, 0.5)
    with pytest.raises(RuntimeError, match="expected dtype"):
        ember.lerp(ember.tensor([1.0]), ember.tensor([1.0], dtype=ember.float64), 0.5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_addcmul_addcdiv(dtype):
    c = np.abs(RNG.uniform(0.5, 2, (3, 1)))
    for v in (1, 0.5, -2):
        check(lambda x, y, z: ember.addcmul(x, y, z, value=v), lambda x, y, z: torch.addcmul(x, y, z, value=v),
              [A, B, c], dtype=dtype)
        check(lambda x, y, z: ember.addcdiv(x, y, z, value=v), lambda x, y, z: torch.addcdiv(x, y, z, value=v),
              [A, B, c], dtype=dtype)
    e, t = both(A, dtype)
    e.addcmul_(ember.tensor(B), ember.tensor(c), value=2)
    t.addcmul_(torch.tensor(B), torch.tensor(c), value=2)
    e.addcdiv_(ember.tensor(B), ember.tensor(c))
    t.addcdiv_(torch.tensor(B), torch.tensor(c))
    assert_same(e, t, rtol=1e-5)


def test_addc_int():
    e, t = both([-3, 2, 0])
    assert_same(ember.addcmul(e, e, e), torch.addcmul(t, t, t))
    assert_same(ember.addcmul(e, e, e, value=3), torch.addcmul(t, t, t, value=3))
    ef, tf = both([1.5, 2.0, 0.5], np.float32)
    assert_same(ember.addcmul(e, ef, ef), torch.addcmul(t, tf, tf))
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        ember.addcdiv(e, e, e)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        ember.addcdiv(ef, e, e)


# ---------------------------------------------------------------- where
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_where_grad_and_broadcast(dtype):
    cond = RNG.random((3, 4)) > 0.5
    ec, tc = ember.tensor(cond), torch.tensor(cond)
    check(lambda x, y: ember.where(ec, x, y), lambda x, y: torch.where(tc, x, y), [A, B], dtype=dtype)
    check(lambda x: ember.where(ec, x, 0.0), lambda x: torch.where(tc, x, 0.0), [B], dtype=dtype)
    check(lambda x: ember.where(ec, 1.5, x), lambda x: torch.where(tc, 1.5, x), [A], dtype=dtype)
    check(lambda x, y: x.where(ec, y), lambda x, y: x.where(tc, y), [A, B], dtype=dtype)
    e, t = both(A, dtype, rg=True)
    assert ember.where(ec, e, 0.0).grad_fn.name() == torch.where(tc, t, 0.0).grad_fn.name()


def test_where_promotion_and_errors():
    c = np.array([True, False, True])
    ec, tc = ember.tensor(c), torch.tensor(c)
    ei, ti = both([1, 2, 3])
    ef, tf = both([1.5, 2.5, 3.5], np.float32)
    cases = [(ei, 1.5), (1, 0), (1.0, 0), (ei, ef), (ef, ember.tensor(2.0, dtype=ember.float64)),
             (ei, True), (ef, 2)]
    tcases = [(ti, 1.5), (1, 0), (1.0, 0), (ti, tf), (tf, torch.tensor(2.0, dtype=torch.float64)),
              (ti, True), (tf, 2)]
    for (x, y), (u, v) in zip(cases, tcases):
        assert_same(ember.where(ec, x, y), torch.where(tc, u, v))
    assert_same(ember.where(ec), torch.where(tc))
    assert_same(ember.where(ember.tensor([[0, 1], [2, 0]]) > 0), torch.where(torch.tensor([[0, 1], [2, 0]]) > 0))
    with pytest.raises(RuntimeError, match="boolean tensor"):
        ember.where(ei, ei, ei)
    with pytest.raises(RuntimeError, match="must match the size"):
        ember.where(ec, ember.ones(2), 0.0)


def test_where_second_order():
    c = ember.tensor([True, False])
    e, t = both([1.0, 2.0], np.float64, rg=True)
    ge, = ember.autograd.grad(ember.where(c, e * e, e).sum(), e, create_graph=True)
    gt, = torch.autograd.grad(torch.where(torch.tensor([True, False]), t * t, t).sum(), t, create_graph=True)
    assert_same(ge, gt)
    assert_same(ember.autograd.grad(ge.sum(), e)[0], torch.autograd.grad(gt.sum(), t)[0])


# ---------------------------------------------------------------- logical / bitwise
def test_logical_ops():
    x, y = np.array([1, 0, 2, 0]), np.array([0.5, 0.0, 0.0, -1.0])
    (ex, tx), (ey, ty) = both(x), both(y)
    for name in ["logical_and", "logical_or", "logical_xor"]:
        assert_same(getattr(ember, name)(ex, ey), getattr(torch, name)(tx, ty))
        assert_same(getattr(ex, name)(ey), getattr(tx, name)(ty))
        with pytest.raises(TypeError):
            getattr(ember, name)(ex, 1)
        e, t = both(y, np.float32)
        getattr(e, name + "_")(ex), getattr(t, name + "_")(tx)
        assert_same(e, t)
    assert_same(ember.logical_not(ey), torch.logical_not(ty))
    e, t = both(y, np.float32)
    e.logical_not_(), t.logical_not_()
    assert_same(e, t)
    out = ember.empty(4)
    ember.logical_and(ex, ey, out=out)
    assert_same(out, torch.logical_and(tx, ty, out=torch.empty(4)))


def test_bitwise_ops_and_dunders():
    x, y = np.array([12, -10, 7, 0]), np.array([6, 3, -1, 5])
    (ex, tx), (ey, ty) = both(x), both(y)
    (eb, tb), (ec, tc) = both([True, False, True, False]), both([True, True, False, False])
    for name in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
        fe, ft = getattr(ember, name), getattr(torch, name)
        assert_same(fe(ex, ey), ft(tx, ty))
        assert_same(fe(ex, 3), ft(tx, 3))
        assert_same(fe(eb, ec), ft(tb, tc))
        assert_same(fe(ex, eb), ft(tx, tb))
        assert_same(fe(eb, 1), ft(tb, 1))
        assert_same(fe(ex.int(), 1), ft(tx.int(), 1))
        with pytest.raises(NotImplementedError):
            fe(ex.float(), ey)
    assert_same(ex & ey, tx & ty)
    assert_same(ex | 1, tx | 1)
    assert_same(ex ^ ey, tx ^ ty)
    assert_same(3 & ex, 3 & tx)
    assert_same(True | eb, True | tb)
    assert_same(5 ^ ex, 5 ^ tx)
    assert_same(~ex, ~tx)
    assert_same(~eb, ~tb)
    assert_same(ember.bitwise_not(ex.to(ember.uint8)), torch.bitwise_not(tx.to(torch.uint8)))
    with pytest.raises(TypeError):
        ~ember.tensor([1.5])
    with pytest.raises(NotImplementedError):
        ember.tensor([1.5]) & ember.tensor([1.5])
    e, t = both(x)
    e &= ember.tensor(y)
    t &= torch.tensor(y)
    e |= 8
    t |= 8
    e ^= 1
    t ^= 1
    assert_same(e, t)
    e.bitwise_not_(), t.bitwise_not_()
    assert_same(e, t)
    e, t = both([True, False])
    e &= ember.tensor([True, True])
    t &= torch.tensor([True, True])
    assert_same(e, t)


def test_shifts():
    for dt in (np.int64, np.int32, np.int8, np.uint8):
        a = np.array([1, 3, 100, 0], dtype=dt) if dt == np.uint8 else np.array([-8, 3, 100, -1], dtype=dt)
        e, t = both(a)
        for s in (0, 1, 3, 7, 9, 31, 63, 70):
            assert_same(e << s, t << s)
            assert_same(e >> s, t >> s)
        sh = np.array([0, 2, 5, 1], dtype=dt)
        assert_same(ember.bitwise_left_shift(e, ember.tensor(sh)), torch.bitwise_left_shift(t, torch.tensor(sh)))
        assert_same(ember.bitwise_right_shift(e, ember.tensor(sh)), torch.bitwise_right_shift(t, torch.tensor(sh)))
    e, t = both([1, 2])
    assert_same(3 << e, 3 << t)
    assert_same(64 >> e, 64 >> t)
    assert_same(ember.bitwise_left_shift(3, e), torch.bitwise_left_shift(3, t))
    e <<= 2
    t <<= 2
    e >>= 1
    t >>= 1
    assert_same(e, t)
    with pytest.raises(NotImplementedError):
        ember.tensor([1.5]) << 1


# ---------------------------------------------------------------- predicates
def test_predicates():
    x = np.array([1.0, -np.inf, np.inf, np.nan, -0.0, 0.0, -2.0])
    for dt in (np.float32, np.float64, np.float16):
        e, t = both(x, dt)
        for name in ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit"]:
            assert_same(getattr(ember, name)(e), getattr(torch, name)(t))
            assert_same(getattr(e, name)(), getattr(t, name)())
    for a in ([-3, 2, 0], [True, False]):
        e, t = both(a)
        for name in ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit"]:
            assert_same(getattr(ember, name)(e), getattr(torch, name)(t))
    e, t = both([1 + 0j, 1j, complex(np.nan, 0), complex(np.inf, 1)])
    for name in ["isnan", "isinf", "isfinite", "isreal"]:
        assert_same(getattr(ember, name)(e), getattr(torch, name)(t))


def test_isclose_allclose_equal():
    a = np.array([1.0, 1.1, np.nan, np.inf, -np.inf, 1e-9])
    b = np.array([1.000001, 1.0, np.nan, np.inf, np.inf, 0.0])
    for dt in (np.float32, np.float64):
        (ea, ta), (eb, tb) = both(a, dt), both(b, dt)
        assert_same(ember.isclose(ea, eb), torch.isclose(ta, tb))
        assert_same(ember.isclose(ea, eb, equal_nan=True), torch.isclose(ta, tb, equal_nan=True))
        assert_same(ember.isclose(ea, eb, rtol=0.2, atol=0), torch.isclose(ta, tb, rtol=0.2, atol=0))
        assert_same(ea.isclose(eb), ta.isclose(tb))
        assert ember.allclose(ea, eb) == torch.allclose(ta, tb)
        assert ember.allclose(ea[:2], eb[:2], rtol=0.2) is True
        assert ea.allclose(ea, equal_nan=True) is True
    ei, ti = both([1, 2, 3])
    assert_same(ember.isclose(ei, ei + 1, atol=1), torch.isclose(ti, ti + 1, atol=1))
    assert_same(ember.isclose(ei[:, None], ei), torch.isclose(ti[:, None], ti))
    with pytest.raises(RuntimeError, match="did not match"):
        ember.isclose(ei, ember.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="did not match"):
        ember.allclose(ei, ember.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="must match the size"):
        ember.isclose(ember.ones(2), ember.ones(3))
    assert ember.equal(ei, ei.float()) is True
    assert ember.equal(ei, ember.tensor([1, 2])) is False
    assert ember.equal(ember.tensor([np.nan]), ember.tensor([np.nan])) is False
    assert ember.equal(ei, ember.tensor([1, 2, 4])) is False
    assert ei.equal(ember.tensor([1, 2, 3])) is True


def test_nan_to_num():
    x = np.array([np.nan, np.inf, -np.inf, 1.5])
    for dt in (np.float32, np.float64):
        check(ember.nan_to_num, torch.nan_to_num, [x], dtype=dt)
        check(lambda a: ember.nan_to_num(a, nan=1.0, posinf=2.0, neginf=-3.0),
              lambda a: torch.nan_to_num(a, nan=1.0, posinf=2.0, neginf=-3.0), [x], dtype=dt)
        e, t = both(x, dt)
        e.nan_to_num_(posinf=5.0), t.nan_to_num_(posinf=5.0)
        assert_same(e, t)
    for a in ([-3, 2], [True, False]):
        e, t = both(a)
        assert_same(ember.nan_to_num(e), torch.nan_to_num(t))


# ---------------------------------------------------------------- lgamma / digamma / polygamma
def test_gamma_family_forward_backward():
    r = np.random.default_rng(767)  # own stream: the module RNG's draws depend on test order
    x = np.concatenate([r.uniform(0.05, 12, (9,)), r.uniform(-4.9, -0.1, (6,)), [1.0, 2.0, 25.0, 150.0]])
    x = x[np.abs(x - np.round(x)) > 2e-2]  # float32 polygamma near a pole differs in the 5th digit
    for dt in (np.float32, np.float64):
        tol = dict(rtol=1e-9, atol=1e-9) if dt == np.float64 else None
        check(ember.lgamma, torch.lgamma, [x], dtype=dt, tol=tol)
        check(ember.digamma, torch.digamma, [x], dtype=dt, tol=tol)
        for n in (1, 2, 3):
            check(lambda a: ember.polygamma(n, a), lambda a: torch.polygamma(n, a), [x], dtype=dt,
                  tol=tol)
            check(lambda a: a.polygamma(n), lambda a: a.polygamma(n), [x], dtype=dt, tol=tol)
    e, t = both([1.5, 4.0], np.float64, rg=True)
    for name in ["lgamma", "digamma"]:
        assert getattr(ember, name)(e).grad_fn.name() == getattr(torch, name)(t).grad_fn.name()
    assert ember.polygamma(2, e).grad_fn.name() == torch.polygamma(2, t).grad_fn.name()


def test_gamma_family_special_values():
    x = np.array([0.0, -0.0, -1.0, -2.0, 1.0, 2.0, np.inf, -np.inf, np.nan, 1e-300, 1e300, 0.5])
    e, t = both(x, np.float64)
    for name in ["lgamma", "digamma"]:
        assert_same(getattr(ember, name)(e), getattr(torch, name)(t), rtol=1e-12, atol=1e-300)
    ei, ti = both([-3, 1, 2, 5])
    for name in ["lgamma", "digamma"]:
        assert_same(getattr(ember, name)(ei), getattr(torch, name)(ti))
    assert_same(ember.polygamma(1, ember.tensor([0.0, 0.5, 1.0])),
                torch.polygamma(1, torch.tensor([0.0, 0.5, 1.0])))
    assert_same(ember.polygamma(0, e), torch.polygamma(0, t), rtol=1e-12, atol=1e-300)
    e, t = both([0.5, 3.0], np.float32)
    e.lgamma_(), t.lgamma_()
    e.digamma_(), t.digamma_()
    assert_same(e, t)
    e, t = both([0.5, 3.0], np.float32)
    e.polygamma_(1), t.polygamma_(1)
    assert_same(e, t)


def test_mvlgamma():
    x = _u(2.0, 6.0, (5,))
    for p in (1, 2, 3):
        for dt in (np.float32, np.float64):
            check(lambda a: ember.mvlgamma(a, p), lambda a: torch.mvlgamma(a, p), [x], dtype=dt,
                  tol=dict(rtol=1e-5, atol=1e-5) if dt == np.float32 else None)
    # torch 2.13 no longer checks x > (p-1)/2: log|Gamma| terms
    assert_same(ember.mvlgamma(ember.full((3,), 0.2), 3), torch.mvlgamma(torch.full((3,), 0.2), 3))
    with pytest.raises(RuntimeError, match="p has to be"):
        ember.mvlgamma(ember.tensor([2.5]), 0)


def test_misc_edge_cases():
    e, t = both([np.nan, -0.0, 0.0, -2.0], np.float32)
    assert_same(ember.sign(e), torch.sign(t))
    assert_same(ember.sgn(e), torch.sgn(t))
    e, t = both([-3, 2, 0, 16])
    for s in (-1, -70):
        assert_same(ember.bitwise_right_shift(e, s), torch.bitwise_right_shift(t, s))
        assert_same(ember.bitwise_left_shift(e, s), torch.bitwise_left_shift(t, s))
    eb, tb = both([True, False])
    assert_same(eb << 1, tb << 1)
    with pytest.raises(NotImplementedError):
        eb >> eb
    for name in ["erf", "erfc", "erfinv", "floor", "ceil", "trunc", "round"]:
        with pytest.raises(NotImplementedError):
            getattr(ember, name)(ember.tensor([1 + 1j]))
    with pytest.raises(RuntimeError, match="expected dtype long int for `weight` but got dtype float"):
        ember.tensor([1, 2]).lerp(ember.tensor([1, 2]), ember.tensor([0.5, 0.5]))
    e, t = both([np.inf, -2.5], np.float32)
    assert_same(ember.frac(e), torch.frac(t))
    assert_same(ember.clamp(ember.tensor([-1.5, 2.5, 0.5]), min=ember.tensor(0.0), max=1.0),
                torch.clamp(torch.tensor([-1.5, 2.5, 0.5]), min=torch.tensor(0.0), max=1.0))
    e, t = both([-3, 2, 0])
    assert_same(ember.clamp(e, min=ember.tensor([0.5, 1.0, 2.0])),
                torch.clamp(t, min=torch.tensor([0.5, 1.0, 2.0])))
    with pytest.warns(UserWarning, match="uint8"):
        r = ember.where(ember.tensor([1, 0], dtype=ember.uint8), ember.tensor([1.0, 2.0]), 0.0)
    assert r._data.tolist() == [1.0, 0.0]
    assert_same(ember.nan_to_num(ember.tensor([np.inf], dtype=ember.float16)),
                torch.nan_to_num(torch.tensor([np.inf], dtype=torch.float16)))


def test_zero_dim_results_and_double_backward():
    for name in ["exp2", "expm1", "tan", "erfinv", "atan", "sinh"]:
        e, t = both(0.3, np.float64, rg=True)
        ge, = ember.autograd.grad(getattr(ember, name)(e), e, create_graph=True)
        gt, = torch.autograd.grad(getattr(torch, name)(t), t, create_graph=True)
        assert_same(ember.autograd.grad(ge, e)[0], torch.autograd.grad(gt, t)[0])
    (ea, ta), (eb, tb) = both(1.3, np.float64, rg=True), both(-0.7, np.float64, rg=True)
    for name in ["hypot", "copysign", "atan2", "logaddexp"]:
        ge = ember.autograd.grad(getattr(ember, name)(ea, eb), (ea, eb), create_graph=True)
        gt = torch.autograd.grad(getattr(torch, name)(ta, tb), (ta, tb), create_graph=True)
        for i in range(2):
            if not gt[i].requires_grad:
                assert not ge[i].requires_grad or not any(
                    float(h) for h in ember.autograd.grad(ge[i], (ea, eb), allow_unused=True,
                                                          retain_graph=True, materialize_grads=True))
                continue
            he = ember.autograd.grad(ge[i], (ea, eb), allow_unused=True, retain_graph=True)
            ht = torch.autograd.grad(gt[i], (ta, tb), allow_unused=True, retain_graph=True)
            for x, y in zip(he, ht):
                if y is None:
                    assert x is None or float(x) == 0
                else:
                    assert_same(x, y)
    e, t = both(0.5, np.float32)
    assert_same(ember.clamp(e, min=0, max=0), torch.clamp(t, min=0, max=0))
    assert_same(ember.sign(e), torch.sign(t))


def test_python_scalar_on_the_left_keeps_tensor_dtype():
    for dt in (np.uint8, np.int16, np.float16):
        e, t = both([3, 4], dt)
        assert_same(7 % e, 7 % t)
        assert_same(7 // e, 7 // t)
        assert_same(2.5 % e, 2.5 % t)
        assert_same(ember.remainder(7, e), torch.remainder(7, t))
        if dt != np.float16:
            assert_same(6 & e, 6 & t)
            assert_same(1 << e, 1 << t)
    e, t = both(3, np.uint8)
    assert_same(7 % e, 7 % t)


# ---------------------------------------------------------------- heaviside / gcd / lcm / ldexp / nextafter / frexp
def test_heaviside_gcd_lcm():
    for x, v in (([-1.5, 0.0, 2.0, 0.0], [0.5]), ([-1, 0, 2], [7])):
        (ex, tx), (ev, tv) = both(x), both(v)
        assert_same(ember.heaviside(ex, ev), torch.heaviside(tx, tv))
        assert_same(ex.heaviside(ev), tx.heaviside(tv))
    with pytest.raises(RuntimeError, match="different dtypes"):
        ember.heaviside(ember.tensor([-1, 0]), ember.tensor([0.5]))
    (ea, ta), (eb, tb) = both([12, -18, 0, 7]), both([8, 12, 5, 0])
    for name in ("gcd", "lcm"):
        assert_same(getattr(ember, name)(ea, eb), getattr(torch, name)(ta, tb))
        assert_same(getattr(ember, name)(ea.int(), eb), getattr(torch, name)(ta.int(), tb))
        e, t = both([12, -18, 0, 7])
        getattr(e, name + "_")(eb), getattr(t, name + "_")(tb)
        assert_same(e, t)
        with pytest.raises(NotImplementedError):
            getattr(ember, name)(ea.float(), eb.float())
        with pytest.raises(TypeError):
            getattr(ember, name)(ea, 8)


def test_ldexp_nextafter():
    for dt in (np.float32, np.float64):
        check(ember.ldexp, torch.ldexp, [A, B.round()], dtype=dt)
    e, t = both([1.0, -2.5], np.float32, rg=True)
    (ee, te) = both([1, 3])
    assert_same(ember.ldexp(e, ee), torch.ldexp(t, te))
    assert ember.ldexp(e, ee).grad_fn.name() == torch.ldexp(t, te).grad_fn.name()
    assert_same(ember.ldexp(ee, ee), torch.ldexp(te, te))
    assert_same(ember.ldexp(e.double(), ee), torch.ldexp(t.double(), te))
    with pytest.raises(TypeError):
        ember.ldexp(e, 2)
    for dt in (np.float32, np.float64):
        (ea, ta), (eb, tb) = both([1.0, 0.0, -2.0, 3.0], dt), both([2.0, 1.0, -3.0, 3.0], dt)
        assert_same(ember.nextafter(ea, eb), torch.nextafter(ta, tb), rtol=0, atol=0)
        ea.nextafter_(eb), ta.nextafter_(tb)
        assert_same(ea, ta, rtol=0, atol=0)
    with pytest.raises(NotImplementedError):
        ember.nextafter(ember.tensor([1]), ember.tensor([2]))


def test_frexp():
    x = np.array([8.0, -3.0, 0.0, -0.0, np.inf, np.nan, 1e-40, 0.3])
    for dt in (np.float32, np.float64, np.float16):
        e, t = both(x, dt)
        re, rt = ember.frexp(e), torch.frexp(t)
        assert_same(re.mantissa, rt.mantissa)
        assert_same(re.exponent, rt.exponent)
        m, ex = re
        assert m is re[0]
    e, t = both([-1.5, 0.0, 2.0, 5.0], np.float64, rg=True)
    me, mt = ember.frexp(e).mantissa, torch.frexp(t).mantissa
    assert me.grad_fn.name() == mt.grad_fn.name()
    me.sum().backward(), mt.sum().backward()
    assert_same(e.grad, t.grad)
    with pytest.raises(RuntimeError, match="floating-point"):
        ember.frexp(ember.tensor([1, 2]))


def test_erf_family_float32_ulps():
    x = np.concatenate([np.linspace(-9, 9, 6001), np.logspace(-30, 0.9, 300)]).astype(np.float32)
    for fn, bound in (("erf", 2.0), ("erfc", 1.0)):
        got = getattr(ember, fn)(ember.tensor(x))._data
        assert got.dtype == np.float32
        ref = np.array([getattr(math, fn)(float(v)) for v in x])
        m = ref > 1e-37
        ulp = np.spacing(np.abs(ref[m]).astype(np.float32)).astype(np.float64)
        assert np.max(np.abs(got[m] - ref[m]) / ulp) <= bound, fn
    y = np.linspace(-0.9999, 0.9999, 4001).astype(np.float32)
    got = ember.erfinv(ember.tensor(y))._data
    ref = ember.erfinv(ember.tensor(y.astype(np.float64)))._data
    m = ref != 0
    ulp = np.spacing(np.abs(ref[m]).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(got[m] - ref[m]) / ulp) <= 1.0


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "lgamma", "digamma", "exp2", "sign", "frac"])
def test_zero_dim_and_empty_shapes(name):
    for dt in (np.float32, np.float64):
        for x in (np.array(0.5), np.array(2.5), np.array(-4.5), np.zeros((0, 3)), np.full((2, 1, 3), 1.5)):
            if name == "erfinv":
                x = x / 5
            e, t = both(x, dt)
            assert_same(getattr(ember, name)(e), getattr(torch, name)(t))
            if x.ndim == 3:
                assert_same(getattr(ember, name)(e.transpose(0, 2)), getattr(torch, name)(t.transpose(0, 2)))


def test_top_level_inplace_functions():
    from ember.ops.elementwise import division, erf_gamma, exp_log, float_bits, rounding, trig
    top = {}
    for family in (trig, exp_log, erf_gamma, rounding, division, float_bits):
        top.update(family._TOP_INPLACE)
    assert len(top) == 36
    for name in sorted(top):
        if name in ("gcd_", "lcm_"):
            args = ([12, -18], [8, 12])
        elif name == "ldexp_":
            args = ([1.5, -2.0], [2, 3])
        else:
            args = ([0.3, 0.7],)
        es = [ember.tensor(a) for a in args]
        ts = [torch.tensor(a) for a in args]
        if name == "xlogy_":
            es.append(2.0), ts.append(2.0)
        re, rt = getattr(ember, name)(*es), getattr(torch, name)(*ts)
        assert re is es[0]
        assert_same(re, rt)


# ---------------------------------------------------------------- promotion matrix (dtype x dtype x shape)
_PDT = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]


def _mk(dt, shape, rng):
    if dt == "bool":
        return np.asarray(rng.random(shape) > 0.5)
    if dt.startswith(("int", "uint")):
        return np.asarray(rng.integers(1 if dt == "uint8" else -5, 6, size=shape)).astype(dt)
    return np.asarray(rng.standard_normal(shape) * 3).astype(dt)


def _same_outcome(fe, ft, args):
    ea = [ember.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    ta = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    try:
        rt = ft(*ta)
    except Exception as ex:  # noqa: BLE001 - the same kind of failure is required
        with pytest.raises((type(ex), RuntimeError, NotImplementedError, TypeError)):
            fe(*ea)
        return
    re = fe(*ea)
    if isinstance(rt, bool):
        assert re is rt
        return
    tol = dict(rtol=2e-3, atol=2e-3) if rt.dtype == torch.float16 else dict(rtol=1e-5, atol=1e-6)
    assert_same(re, rt, **tol)


@pytest.mark.parametrize("name", ["maximum", "fmin", "remainder", "fmod", "floor_divide", "atan2",
                                  "copysign", "xlogy", "bitwise_and", "bitwise_left_shift",
                                  "logical_xor", "isclose", "float_power", "hypot"])
def test_promotion_matrix(name):
    rng = np.random.default_rng(3)
    fe, ft = getattr(ember, name), getattr(torch, name)
    for d1 in _PDT:
        for d2 in _PDT:
            for s1, s2 in (((3,), (3,)), ((3,), ()), ((), (3,))):
                _same_outcome(fe, ft, [_mk(d1, s1, rng), _mk(d2, s2, rng)])
        for sc in (2, 2.5, True, -1):
            _same_outcome(fe, ft, [_mk(d1, (3,), rng), sc])
            _same_outcome(fe, ft, [sc, _mk(d1, (3,), rng)])


def test_wrapping_and_scalar_argument_rules():
    u = ember.tensor([3, 4], dtype=ember.uint8)
    tu = torch.tensor([3, 4], dtype=torch.uint8)
    assert_same(ember.remainder(u, -1), torch.remainder(tu, -1))
    assert_same(ember.bitwise_and(u, -1), torch.bitwise_and(tu, -1))
    assert_same(ember.clamp(u, min=-1), torch.clamp(tu, min=-1))
    assert_same(-7 % u, -7 % tu)
    assert_same(ember.maximum(u, ember.tensor(-1, dtype=ember.int8)),
                torch.maximum(tu, torch.tensor(-1, dtype=torch.int8)))
    assert_same(ember.xlogy(-1, u), torch.xlogy(-1, tu))
    assert_same(ember.floor_divide(2, u), torch.floor_divide(2, tu))
    for name in ("fmod", "copysign", "logaddexp"):
        with pytest.raises(TypeError):
            getattr(ember, name)(2, u)
    b = ember.tensor([True, False])
    with pytest.raises(NotImplementedError):
        ember.addcmul(b, b, b)
    with pytest.raises(NotImplementedError):
        ember.clamp(b, min=True)
    with pytest.raises(NotImplementedError):
        ember.clamp(b, b, b)
    tb = torch.tensor([True, False])
    assert_same(ember.clamp(b, min=ember.tensor([False, True])), torch.clamp(tb, min=torch.tensor([False, True])))
    for x, y in (([1.5], [1.3]), ([1, 2], [True, True])):
        for dx, dy in ((np.float16, np.float32), (np.float64, np.float16), (None, None)):
            ex = np.asarray(x, dtype=dx) if dx and isinstance(x[0], float) else np.asarray(x)
            ey = np.asarray(y, dtype=dy) if dy and isinstance(y[0], float) else np.asarray(y)
            _same_outcome(ember.ldexp, torch.ldexp, [ex, ey])


def test_inplace_checks_output_before_kernel():
    b = ember.tensor([True, False, True])
    with pytest.raises(RuntimeError, match="can't be cast"):
        b.bitwise_and_(ember.tensor([1.0, 2.0, 3.0], dtype=ember.float16))
    for name in ("remainder_", "fmod_", "floor_divide_", "gcd_", "bitwise_left_shift_", "nextafter_"):
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            getattr(b, name)(ember.ones(2, 3, dtype=ember.bool))
    f = ember.tensor([0.0, 1.5])
    f.logical_and_(ember.tensor([True, True]))
    assert f._data.tolist() == [0.0, 1.0]
    b2 = ember.tensor([True, True])
    b2.logical_or_(ember.tensor([0.0, 0.0]))
    assert b2._data.tolist() == [True, True]


# ---------------------------------------------------------------- first and second derivatives vs torch
def _dom(name, shape, rng):
    if name in ("log2", "log10", "lgamma", "digamma", "acosh"):
        return rng.uniform(1.1, 3, shape)
    if name in ("asin", "acos", "atanh", "erfinv", "logit"):
        return rng.uniform(0.05, 0.95, shape)
    if name == "log1p":
        return rng.uniform(-0.5, 2, shape)
    return rng.uniform(-2, 2, shape)


def _grads_up_to_2(lib, fn, xs):
    ts = [lib.tensor(x, requires_grad=True) for x in xs]
    y = fn(lib, *ts)
    w = lib.tensor(np.linspace(0.5, 1.5, int(np.prod(tuple(y.shape)))).reshape(tuple(y.shape)))
    g = lib.autograd.grad((y * w).sum(), ts, create_graph=True, allow_unused=True)
    out = [y.detach()] + [None if gi is None else gi.detach() for gi in g]
    live = [gi for gi in g if gi is not None and gi.requires_grad]
    if live:
        s = sum((gi * gi).sum() for gi in live)
        out += [None if x is None else x.detach() for x in lib.autograd.grad(s, ts, allow_unused=True)]
    return out


def _check_grads_up_to_2(fn, xs):
    a, b = _grads_up_to_2(ember, fn, xs), _grads_up_to_2(torch, fn, xs)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        xn = None if x is None else np.asarray(x._data)
        yn = None if y is None else y.numpy()
        if xn is None and yn is None:
            continue
        xn = np.zeros_like(yn) if xn is None else xn
        yn = np.zeros_like(xn) if yn is None else yn
        np.testing.assert_allclose(xn, yn, rtol=1e-6, atol=1e-8, equal_nan=True)


_GG_UNARY = ["exp2", "expm1", "log2", "log10", "log1p", "tan", "asin", "acos", "atan", "sinh", "cosh",
             "asinh", "acosh", "atanh", "erf", "erfc", "erfinv", "sinc", "deg2rad", "rad2deg", "logit",
             "lgamma", "digamma", "frac", "nan_to_num", "sign", "floor", "round", "trunc"]
_GG_BINARY = ["maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "logaddexp", "logaddexp2",
              "remainder", "fmod", "copysign", "xlogy", "float_power"]


@pytest.mark.parametrize("name", _GG_UNARY)
def test_second_derivatives_unary(name):
    rng = np.random.default_rng(7)
    for shape in ((3,), (), (2, 3)):
        _check_grads_up_to_2(lambda L, x: getattr(L, name)(x), [_dom(name, shape, rng)])


@pytest.mark.parametrize("name", _GG_BINARY)
def test_second_derivatives_binary_broadcast(name):
    rng = np.random.default_rng(8)
    for s1, s2 in (((3,), (3,)), ((2, 3), (3,)), ((), (2, 1)), ((2, 1), (1, 3))):
        a, b = rng.uniform(-2, 2, s1), rng.uniform(-2, 2, s2)
        if name in ("xlogy", "float_power"):
            a, b = (np.abs(a) + 0.1 if name == "float_power" else a), np.abs(b) + 0.2
        _check_grads_up_to_2(lambda L, x, y: getattr(L, name)(x, y), [a, b])


@pytest.mark.parametrize("case", ["clamp", "clamp_min", "where", "lerp", "addcmul", "addcdiv",
                                  "polygamma", "frexp", "clamp_t", "lerp_t",
                                  "addcmul_t", "where_t", "ldexp"])
def test_second_derivatives_other(case):
    rng = np.random.default_rng(9)
    one = {"clamp": lambda L, x: L.clamp(x, -0.5, 0.5), "clamp_min": lambda L, x: L.clamp_min(x, 0.1),
           "where": lambda L, x: L.where(x > 0, x * x, x), "lerp": lambda L, x: L.lerp(x, x * 2, 0.3),
           "addcmul": lambda L, x: L.addcmul(x, x, x, value=0.5),
           "addcdiv": lambda L, x: L.addcdiv(x, x, x * x + 1, value=2),
           "polygamma": lambda L, x: L.polygamma(2, x.abs() + 1),
           "frexp": lambda L, x: L.frexp(x)[0],
           "ldexp": lambda L, x: L.ldexp(x, L.tensor(np.array([1, 2, 3])))}
    three = {"clamp_t": lambda L, x, lo, hi: L.clamp(x, lo, hi), "lerp_t": lambda L, x, e, w: L.lerp(x, e, w),
             "addcmul_t": lambda L, x, a, b: L.addcmul(x, a, b, value=-1.5),
             "where_t": lambda L, x, y, z: L.where(x > z, x, y)}
    if case in one:
        _check_grads_up_to_2(one[case], [rng.uniform(-2, 2, (2, 3))])
    else:
        _check_grads_up_to_2(three[case], [rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 0, (3,)),
                                           rng.uniform(0, 2, (2, 1))])


def test_heaviside_nextafter_autograd_like_torch():
    e, t = both([1.0, 0.0, -2.0], np.float64, rg=True)
    (eo, to) = both([2.0, -1.0, 3.0], np.float64, rg=True)
    ye, yt = ember.nextafter(e, eo), torch.nextafter(t, to)
    assert ye.requires_grad and ye.grad_fn.name() == yt.grad_fn.name()
    ye.sum().backward(), yt.sum().backward()
    assert_same(e.grad, t.grad)
    assert (eo.grad is None and to.grad is None) or np.allclose(_np(eo.grad), 0 if to.grad is None else _np(to.grad))
    he = ember.heaviside(e, ember.tensor([0.5], dtype=ember.float64))
    ht = torch.heaviside(t, torch.tensor([0.5], dtype=torch.float64))
    assert he.requires_grad == ht.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        he.sum().backward()


# ------------------------------------------------------------- no NumPy warnings where torch has none
@pytest.mark.parametrize("expr", ["x / 0", "x / y", "0 / x", "x / 0.", "x.div_(y)", "x ** -1",
                                  "ember.pow(0., x)", "(x * 100).exp()",
                                  "ember.tensor(0.) / 0", "ember.tensor([1, 0]) / 0",
                                  "2 / ember.tensor([True, False])"])
def test_no_numpy_float_warnings(expr):
    import warnings
    vals = [0., -1., float("inf"), float("nan"), 1.]
    res = {}
    for lib in (ember, torch):
        x, y = lib.tensor(vals), lib.tensor([0., 0., 1., 0., 0.])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            res[lib] = eval(expr, {"x": x, "y": y, "ember": lib})
    np.testing.assert_array_equal(_np(res[ember]), _np(res[torch]))


def test_abs_bool_not_implemented_as_torch():
    for lib in (ember, torch):
        with pytest.raises(NotImplementedError, match="\"abs_cpu\" not implemented for 'Bool'"):
            lib.abs(lib.tensor([True, False]))


@pytest.mark.parametrize("n", [1, 3])
def test_functional_prelu_1d_input_is_one_channel(n):
    x = [-1., 2., -3.]
    w = [0.25, 0.5, 0.1][:n]
    res = []
    for lib in (ember, torch):
        try:
            res.append(lib.nn.functional.prelu(lib.tensor(x), lib.tensor(w)).tolist())
        except RuntimeError as e:
            res.append(str(e))
    assert res[0] == res[1]
