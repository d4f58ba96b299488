"""``ember._select.select``: np.where by bits gives np.where's exact bits (dtypes, broadcasting,
numbers, NaN payloads, signed zeros); and where/masked_fill built on it match torch."""
import numpy as np
import pytest

import ember
from ember._select import select, MIN_SIZE

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


def _same(r, ref):
    assert r.dtype == ref.dtype and r.shape == ref.shape
    assert np.array_equal(np.ascontiguousarray(r).view(np.uint8), np.ascontiguousarray(ref).view(np.uint8))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,cshape", [((100, 200), (100, 200)), ((100, 200), (100, 1)),
                                          ((50, 400), (400,)), ((3,), (3,)), ((MIN_SIZE,), (MIN_SIZE,))])
def test_bits_as_np_where(dt, shape, cshape):
    rng = np.random.default_rng(0)
    dt = np.dtype(dt)
    c = rng.random(cshape) > 0.5
    x = (rng.standard_normal(shape) * 10).astype(dt)
    y = (rng.standard_normal(shape) * 10).astype(dt)
    if dt.kind == "f" and x.size > 4:
        x.reshape(-1)[:4] = [np.nan, -0.0, np.inf, -np.nan]
    others = [y, 0, dt.type(0), 5, True]
    if dt.kind == "f":
        others += [-0.0, 0.1, np.nan]
    for b in others:
        for args in ((x, b), (b, x)):
            _same(select(c, *args, dt), np.where(c, *args).astype(dt, copy=False))


def test_falls_back_where_numpy_would_promote():
    c = np.ones(MIN_SIZE, bool)
    x = np.zeros(MIN_SIZE, np.int8)
    _same(select(c[::-1], x, 300, np.dtype(np.int16)), np.where(c[::-1], x, 300).astype(np.int16))
    _same(select(c, x, 1.5, np.dtype(np.float32)), np.where(c, x, 1.5).astype(np.float32))
    t = np.ones((MIN_SIZE, 2), np.float32).T                  # not C-contiguous
    _same(select(np.ones(t.shape, bool), t, 0.0, np.dtype(np.float32)), np.where(True, t, 0.0).astype(np.float32))


def test_where_masked_fill_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 300)).astype(np.float32)
    y = rng.standard_normal((64, 300)).astype(np.float32)
    m = rng.random((64, 300)) > 0.4
    ex, ey = ember.tensor(x, requires_grad=True), ember.tensor(y, requires_grad=True)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    g = rng.standard_normal((64, 300)).astype(np.float32)
    ew = ember.where(ember.from_numpy(m), ex, ey)
    tw = torch.where(torch.from_numpy(m), tx, ty)
    np.testing.assert_array_equal(ew.detach().numpy(), tw.detach().numpy())
    ew.backward(ember.from_numpy(g)), tw.backward(torch.from_numpy(g))
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(ey.grad.numpy(), ty.grad.numpy())
    em = ember.from_numpy(m[:1])                                # broadcast mask
    np.testing.assert_array_equal(ember.from_numpy(x).masked_fill(em, -np.inf).numpy(),
                                  torch.from_numpy(x).masked_fill(torch.from_numpy(m[:1]), -np.inf).numpy())
    e_in, t_in = ember.from_numpy(x.copy()), torch.from_numpy(x.copy())
    e_in.masked_fill_(ember.from_numpy(m), 2.5), t_in.masked_fill_(torch.from_numpy(m), 2.5)
    np.testing.assert_array_equal(e_in.numpy(), t_in.numpy())
    xl = ember.tensor(x, requires_grad=True)
    tl = torch.tensor(x, requires_grad=True)
    ember.nn.functional.leaky_relu(xl, 0.2).backward(ember.from_numpy(g))
    torch.nn.functional.leaky_relu(tl, 0.2).backward(torch.from_numpy(g))
    np.testing.assert_allclose(xl.grad.numpy(), tl.grad.numpy(), rtol=1e-6)
    eh = ember.nn.functional.hardtanh(ember.from_numpy(x * 3), -1.5, 2.0)
    np.testing.assert_array_equal(eh.numpy(), torch.nn.functional.hardtanh(torch.from_numpy(x * 3), -1.5, 2.0).numpy())


def test_strided_operands_take_the_bitwise_path_with_where_bits(monkeypatch):
    """A strided x or y (a gradient coming back from a convolution) is read through its
    integer view, not handed to np.where; the bits are np.where's."""
    from ember import _select
    rng = np.random.default_rng(7)
    x = rng.standard_normal((8, 30, 30, 16)).astype(np.float32).transpose(0, 3, 1, 2)
    x[0, 0, 0, :4] = [np.nan, -0.0, np.inf, -np.inf]
    c = np.ascontiguousarray(rng.random(x.shape) > 0.5)
    calls = []
    real = np.where
    monkeypatch.setattr(_select.np, "where", lambda *a: calls.append(1) or real(*a))
    for y in (0, np.float32(-0.0), np.ascontiguousarray(rng.standard_normal(x.shape).astype(np.float32))):
        for a, b in ((x, y), (y, x)):
            got = _select.select(c, a, b, np.dtype(np.float32))
            ref = np.asarray(real(c, a, b), np.float32)
            np.testing.assert_array_equal(got.view(np.int32), ref.view(np.int32))
    assert not calls
