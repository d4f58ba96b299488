"""``ember._scalar_rows``: maximum/minimum/clip against a number through cached rows give
NumPy's bits (NaN, signed zeros, infinities) for every size, dtype and layout; and the ops
built on them (relu, clamp, hardswish, ...) match torch on large tensors."""
import numpy as np
import pytest

import ember
from ember import _scalar_rows as R

SIZES = [0, 1, R.MIN_SIZE - 1, R.MIN_SIZE, R.ROW, R.ROW + 1, 3 * R.ROW, 3 * R.ROW + 17]


def _data(n, dt, seed=0):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(n) * 10).astype(dt)
    if dt.kind == "f" and n >= 8:
        a[:8] = [np.nan, -np.nan, -0.0, 0.0, np.inf, -np.inf, 6.0, -6.0]
    return a


def _same(x, y):
    assert x.dtype == y.dtype and x.shape == y.shape
    assert np.array_equal(np.ascontiguousarray(x).view(np.uint8), np.ascontiguousarray(y).view(np.uint8))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int32, np.int64, np.float16])
@pytest.mark.parametrize("uf", ["maximum", "minimum"])
def test_bits_as_numpy(n, dt, uf):
    dt = np.dtype(dt)
    a = _data(n, dt)
    for s in (dt.type(0), dt.type(-3) if dt.kind != "u" else dt.type(3)):
        ref = getattr(np, uf)(s, a)
        _same(getattr(R, uf)(a, s), ref)
        b = a.copy()
        assert getattr(R, uf)(b, s, out=b) is b
        _same(b, ref)


@pytest.mark.parametrize("s", [0.0, -0.0, np.nan, np.inf])
def test_special_numbers(s):
    a = _data(2 * R.ROW + 5, np.dtype(np.float32))
    for uf in ("maximum", "minimum"):
        _same(getattr(R, uf)(a, np.float32(s)), getattr(np, uf)(np.float32(s), a))


def test_layouts_and_shapes():
    a = _data(6 * R.ROW, np.dtype(np.float32)).reshape(6, 64, R.ROW // 64)
    _same(R.maximum(a, np.float32(0)), np.maximum(np.float32(0), a))
    t = a.transpose(2, 0, 1)                            # not C-contiguous: NumPy's own call
    r = R.maximum(t, np.float32(0))
    _same(r, np.maximum(np.float32(0), t))
    assert r.strides == np.maximum(np.float32(0), t).strides
    out = np.empty((6, 64, R.ROW // 64), np.float32)[:, ::2]   # a strided out
    src = a[:, ::2]
    R.minimum(src, np.float32(1), out=out)
    _same(out, np.minimum(np.float32(1), src))
    crop = a[:, 1:-1, 2:-3]                                   # unstrided rows, C-ordered: a new C array
    r = R.maximum(crop, np.float32(0.5))
    _same(r, np.maximum(np.float32(0.5), crop))
    assert r.flags.c_contiguous
    short = a[:, :, :R.MIN_ROW - 1]
    _same(R.maximum(short, np.float32(0)), np.maximum(np.float32(0), short))


def test_python_numbers_and_clip():
    a = _data(3 * R.ROW + 1, np.dtype(np.float32))
    _same(R.maximum(a, 0), np.maximum(0, a))
    _same(R.maximum(a, 0.1), np.maximum(0.1, a))          # 0.1 rounded to float32 as NumPy does
    _same(R.clip(a, 0, 6), np.clip(a, 0, 6))
    _same(R.clip(a, 2.0, -1.0), np.minimum(-1.0, np.maximum(2.0, a)))   # lo > hi: every value hi
    b = a.copy()
    assert R.clip(b, -1.5, 1.5, out=b) is b
    _same(b, np.clip(a, -1.5, 1.5))
    # a float64 NumPy scalar promotes a float32 array as NumPy would
    assert R.maximum(a, np.float64(0)).dtype == np.float64


def test_integer_overflow_is_numpy_error():
    a = np.zeros(R.ROW, np.int32)
    with pytest.raises(OverflowError):
        R.maximum(a, 2 ** 40)


@pytest.mark.parametrize("shape", [(7,), (64, 57, 31), (3, 5, 4096)])
def test_relu_clamp_hardswish_match_torch(shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32) * 8
    x.reshape(-1)[:3] = [np.nan, -0.0, np.inf]
    e, t = ember.from_numpy(x.copy()), torch.from_numpy(x.copy())
    for fe, ft in [(ember.relu, torch.relu),
                   (lambda v: ember.clamp(v, -1.5, 2.5), lambda v: torch.clamp(v, -1.5, 2.5)),
                   (lambda v: ember.clamp(v, min=0.3), lambda v: torch.clamp(v, min=0.3)),
                   (lambda v: ember.clamp(v, max=-0.3), lambda v: torch.clamp(v, max=-0.3)),
                   (ember.nn.functional.relu6, torch.nn.functional.relu6),
                   (ember.nn.functional.hardswish, torch.nn.functional.hardswish),
                   (ember.nn.functional.hardsigmoid, torch.nn.functional.hardsigmoid)]:
        r, ref = fe(e).numpy(), ft(t).numpy()
        np.testing.assert_array_equal(np.isnan(r), np.isnan(ref))
        np.testing.assert_allclose(r, ref, rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(np.signbit(r[r == 0]), np.signbit(ref[r == 0]))   # relu(-0.) is -0.
    ei, ti = e.clone(), t.clone()
    ei.clamp_(-1, 1), ti.clamp_(-1, 1)
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    with ember.no_grad():
        h = ember.nn.Hardswish(inplace=True)(e.clone())
    np.testing.assert_allclose(h.numpy(), torch.nn.functional.hardswish(t).numpy(), rtol=1e-6, atol=1e-7)


def test_relu_gradient_large():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).standard_normal((50, 4000)).astype(np.float32)
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    (ember.relu(e) * 3).sum().backward()
    (torch.relu(t) * 3).sum().backward()
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("n", [6, 50_000])
def test_relu_gradient_selects_as_torch(n):
    """Zero where the output is <= 0, the gradient elsewhere: an inf or NaN gradient at a
    zeroed position gives 0 (not inf * 0), a NaN output passes its gradient; double backward too."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    xs = rng.standard_normal(n).astype(np.float32)
    gs = rng.standard_normal(n).astype(np.float32)
    xs[:6] = [np.nan, -1, 2, -3, 0.0, -0.0]
    gs[:6] = [1, np.inf, 3, np.nan, -np.inf, 5]
    e, t = ember.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    eg, tg = ember.tensor(gs, requires_grad=True), torch.tensor(gs, requires_grad=True)
    (ge,) = ember.autograd.grad(ember.relu(e), e, eg, create_graph=True)
    (gt,) = torch.autograd.grad(torch.relu(t), t, tg, create_graph=True)
    np.testing.assert_array_equal(ge.detach().numpy(), gt.detach().numpy())
    (ge * ge).sum().backward()
    (gt * gt).sum().backward()
    np.testing.assert_array_equal(eg.grad.numpy(), tg.grad.numpy())
