"""Property tests (hypothesis): broadcasting of binary ops matches NumPy (and torch's shapes);
view ops share memory with their base (writes go both ways) and have the right shapes;
reshape round trips."""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import ember  # noqa: E402
from ember.testing import assert_close  # noqa: E402

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)

try:
    import torch
except ImportError:  # the suite passes without torch
    torch = None

BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide,
          "maximum": np.maximum, "eq": np.equal, "lt": np.less}


def _arr(shape, seed, dtype=np.float32):
    return np.random.default_rng(seed).uniform(-3, 3, size=shape).astype(dtype)


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
       op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2 ** 16))
def test_binary_broadcasting_matches_numpy_and_torch(shapes, op, seed):
    if not hasattr(ember, op):
        return
    sa, sb = shapes.input_shapes
    a, b = _arr(sa, seed), _arr(sb, seed + 1)
    b = np.where(np.abs(b) < 0.1, 0.5, b).astype(np.float32)
    r = getattr(ember, op)(ember.tensor(a), ember.tensor(b))
    expected = BINARY[op](a, b)
    assert tuple(r.shape) == shapes.result_shape == np.broadcast_shapes(sa, sb)
    if hasattr(ember, "broadcast_shapes"):
        assert tuple(ember.broadcast_shapes(sa, sb)) == shapes.result_shape
    assert_close(np.asarray(r._data), np.asarray(expected), check_dtype=False, rtol=1e-6, atol=1e-6)
    if torch is not None:
        tr = getattr(torch, op)(torch.from_numpy(a), torch.from_numpy(b))
        assert tuple(tr.shape) == tuple(r.shape)
        assert str(tr.dtype) == repr(r.dtype)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4), seed=st.integers(0, 2 ** 16))
def test_operator_broadcasting_with_scalars(shape, seed):
    a = _arr(shape, seed)
    t = ember.tensor(a)
    for r, e in [(t + 2, a + np.float32(2)), (2.5 * t, np.float32(2.5) * a), (t - t[..., :1] if a.ndim else t - t,
                                                                                a - a[..., :1] if a.ndim else a - a)]:
        e = np.asarray(e)
        assert tuple(r.shape) == e.shape
        assert_close(np.asarray(r._data), e, check_dtype=False)


# ------------------------------------------------------------------ views share memory

@st.composite
def view_cases(draw):
    """(shape, name, ember_fn, numpy_fn) for a view op applicable to ``shape``."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    nd = len(shape)
    kind = draw(st.sampled_from(["view", "reshape", "transpose", "permute", "squeeze", "unsqueeze",
                                 "slice", "t", "flatten", "select", "expand_read", "T"]))
    if kind == "view":
        new = (-1,) if draw(st.booleans()) else (int(np.prod(shape[:1])), -1)
        return shape, kind, lambda x: x.view(*new), lambda a: a.reshape(new)
    if kind == "reshape":
        new = tuple(reversed(shape))
        return shape, kind, lambda x: x.reshape(new), lambda a: a.reshape(new)
    if kind == "transpose":
        d0, d1 = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
        return shape, kind, lambda x: x.transpose(d0, d1), lambda a: np.swapaxes(a, d0, d1)
    if kind == "permute":
        perm = tuple(draw(st.permutations(range(nd))))
        return shape, kind, lambda x: x.permute(*perm), lambda a: np.transpose(a, perm)
    if kind == "squeeze":
        return shape, kind, lambda x: x.squeeze(), lambda a: np.squeeze(a)
    if kind == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return shape, kind, lambda x: x.unsqueeze(d), lambda a: np.expand_dims(a, d)
    if kind == "slice":
        idx = tuple(slice(draw(st.integers(0, s - 1)), None, draw(st.integers(1, 2))) for s in shape)
        return shape, kind, lambda x: x[idx], lambda a: a[idx]
    if kind == "select":
        i = draw(st.integers(0, shape[0] - 1))
        return shape, kind, lambda x: x[i], lambda a: a[i, ...]
    if kind == "t":
        shape = (shape + (2,))[:2]
        return shape, kind, lambda x: x.t(), lambda a: a.T
    if kind == "T":
        shape = (shape + (2,))[:2]
        return shape, kind, lambda x: x.T, lambda a: a.T
    if kind == "flatten":
        return shape, kind, lambda x: x.flatten(), lambda a: a.reshape(-1)
    # expand: a read-only view (overlapping memory); base writes must show through
    new = (2,) + shape
    return shape, kind, lambda x: x.expand(*new), lambda a: np.broadcast_to(a, new)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(case=view_cases(), seed=st.integers(0, 2 ** 16))
def test_views_share_memory_with_base(case, seed):
    shape, kind, efn, nfn = case
    a = _arr(shape, seed, np.float64)
    base = ember.tensor(a)
    v = efn(base)
    nv = nfn(a.copy())
    assert tuple(v.shape) == nv.shape, f"{kind}: shape {tuple(v.shape)}, expected {nv.shape}"
    assert_close(np.asarray(v._data), nv)
    assert np.shares_memory(v._data, base._data), f"{kind} copied instead of returning a view"
    assert v._base is base or v._base is base._base or v._base is not None
    # base -> view
    base.mul_(2.0)
    assert_close(np.asarray(v._data), nfn(a * 2.0), msg=lambda m: f"{kind}: base write not seen in view\n{m}")
    if kind == "expand_read":
        return
    # view -> base
    v.add_(1.0)
    na = a * 2.0
    nfn(na)[...] += 1.0
    assert_close(np.asarray(base._data), na, msg=lambda m: f"{kind}: view write not seen in base\n{m}")
    if torch is not None:
        tb = torch.from_numpy(a.copy())
        tv = efn(tb)
        assert tuple(tv.shape) == tuple(v.shape)


@SETTINGS
@given(case=view_cases(), seed=st.integers(0, 2 ** 16))
def test_view_setitem_writes_through(case, seed):
    shape, kind, efn, nfn = case
    if kind == "expand_read":
        return
    a = _arr(shape, seed, np.float64)
    base = ember.tensor(a)
    v = efn(base)
    v[...] = 7.0
    na = a.copy()
    nfn(na)[...] = 7.0
    assert_close(np.asarray(base._data), na)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), seed=st.integers(0, 2 ** 16),
       data=st.data())
def test_reshape_round_trip(shape, seed, data):
    a = _arr(shape, seed)
    x = ember.tensor(a)
    n = int(np.prod(shape))
    # a random factorisation of n (or a shape with a zero when empty)
    if n == 0:
        new = (0,) + tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    else:
        new, rest = [], n
        for p in (2, 3, 5, 7):
            while rest % p == 0 and data.draw(st.booleans()):
                new.append(p)
                rest //= p
        new.append(rest)
        new = tuple(data.draw(st.permutations(new)))
    y = x.reshape(new)
    assert tuple(y.shape) == new
    z = y.reshape(shape)
    assert tuple(z.shape) == shape
    assert_close(z, x)
    assert_close(np.asarray(x.reshape(-1)._data), a.reshape(-1))
    # non-contiguous input: reshape copies where it must, values still round trip
    if len(shape) >= 2:
        xt = x.transpose(0, 1)
        assert_close(np.asarray(xt.reshape(new)._data), a.swapaxes(0, 1).reshape(new))
        assert_close(xt.reshape(new).reshape(xt.shape), xt)


def test_integer_index_of_1d_tensor_is_a_view():
    x = ember.tensor([1.5, 2.5])
    v = x[0]
    v.fill_(7.0)
    assert x.tolist() == [7.0, 2.5]
    assert np.shares_memory(v._data, x._data)
