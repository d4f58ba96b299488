"""``x[idx]`` and ``x[idx] = v``: parity with PyTorch (values, gradients, errors), views sharing memory,
and in-place ops on views routing gradients into the base."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from _si_parity import check, same_error

torch = pytest.importorskip("torch")

R = np.random.default_rng(3)
DTYPES = ["float32", "float64"]


def A(*shape, dt="float64"):
    return R.standard_normal(shape).astype(dt)


GET = {
    "int": lambda L: 1,
    "neg_int": lambda L: (-1, -2),
    "slice_step": lambda L: (slice(None), slice(None, None, 2), slice(1, None, 3)),
    "none_ellipsis": lambda L: (None, Ellipsis, None),
    "ellipsis_int": lambda L: (Ellipsis, 1),
    "slice_oob": lambda L: slice(5, 10),
    "list": lambda L: [0, 1, 0],
    "tensor": lambda L: L.tensor([1, 0]),
    "two_adv": lambda L: (L.tensor([1, 0]), L.tensor([2, 1])),
    "adv_slice_adv": lambda L: (L.tensor([1, 0]), slice(None), L.tensor([2, 1])),
    "adv_bcast": lambda L: (L.tensor([[1], [0]]), L.tensor([2, 1, 0])),
    "adv_int_adv": lambda L: (L.tensor([0, 1]), 1, L.tensor([0, 2])),
    "slice_then_adv": lambda L: (slice(None), L.tensor([0, 2, 2])),
    "adv_dup": lambda L: L.tensor([1, 1, 0, 1]),
    "adv_neg": lambda L: (slice(None), L.tensor([-1, 0, -3])),
    "bool_dim0": lambda L: L.tensor([True, False]),
    "bool_2d": lambda L: L.tensor([[True, False, True], [False, False, True]]),
    "bool_0d_true": lambda L: L.tensor(True),
    "bool_0d_false": lambda L: L.tensor(False),
    "py_true": lambda L: True,
    "py_false": lambda L: (None, False),
    "int_tensor_0d": lambda L: L.tensor(1),
    "int_tensor_0d_pair": lambda L: (L.tensor(1), L.tensor(2)),
    "numpy_int": lambda L: np.int64(1),
    "list_of_lists": lambda L: [[0, 1], [1, 0]],
    "empty_list": lambda L: [],
    "bool_list": lambda L: [True, False],
    "mixed_none_adv": lambda L: (None, L.tensor([0, 1]), None, slice(1, 3)),
    "ellipsis_adv": lambda L: (Ellipsis, L.tensor([3, 0])),
    "int32_index": lambda L: L.tensor([1, 0], dtype=L.int32),
    "range": lambda L: range(0, 2),
    "tensor_in_list": lambda L: [L.tensor(0), 1],
    "empty_adv": lambda L: L.tensor([], dtype=L.long),
    "empty_slice": lambda L: slice(2, 1),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", sorted(GET))
def test_getitem_parity(name, dt):
    def fn(L, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x.reshape(2, 3, 4)[GET[name](L)] * 1
    check(torch, fn, A(24, dt=dt))


def test_getitem_noncontiguous_and_int_dtype():
    check(torch, lambda L, x: x.transpose(0, 2)[1:, L.tensor([0, 2])], A(2, 3, 4))
    check(torch, lambda L, x: x[::2, 1][None], np.arange(12).reshape(4, 3), grad=False)


def test_getitem_grad_fn_names():
    for L in (torch, ember):
        a = L.ones(3, 3, requires_grad=True)
        names = [a[0].grad_fn.name(), a[:, 1].grad_fn.name(), a[0, 1].grad_fn.name(),
                 a[L.tensor([0])].grad_fn.name(), a[None].grad_fn.name(), a[1:].grad_fn.name()]
        names = [n.replace("torch::autograd::", "") for n in names]
        if L is torch:
            ref = names
        else:
            assert names == ref


SET = {
    "int": (lambda L: 1, (4,)),
    "int_scalar": (lambda L: (0, 2), ()),
    "slice_bcast": (lambda L: (slice(None), slice(1, 3)), (4,)),
    "step": (lambda L: (slice(None, None, 2), 0), (1, 4)),
    "adv": (lambda L: (L.tensor([0, 1]), L.tensor([1, 2])), (2, 4)),
    "adv_bcast_value": (lambda L: (L.tensor([1, 0]),), (3, 4)),
    "mask": (lambda L: L.tensor([[True, False, True], [False, True, False]]), (4,)),
    "mask_values": (lambda L: (L.tensor([True, False]), 1), (4,)),
    "ellipsis_none": (lambda L: (Ellipsis, None, 1), (3, 1)),
    "neg": (lambda L: (-1, -1, -1), ()),
    "list": (lambda L: [1, 0], (4,)),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", sorted(SET))
def test_setitem_parity_and_grads(name, dt):
    idx, vshape = SET[name]

    def fn(L, base, v):
        x = base.reshape(2, 3, 4) * 2
        x[idx(L)] = v * 3
        return x * x
    check(torch, fn, A(24, dt=dt), A(*vshape, dt=dt))


def test_setitem_scalar_and_casts():
    for fn in [lambda L, x: x.__setitem__(1, 5) or x,
               lambda L, x: x.__setitem__((slice(None), 0), 2.7) or x,
               lambda L, x: x.__setitem__(x > 4, 9.5) or x,
               lambda L, x: x.__setitem__((Ellipsis, L.tensor(1)), L.tensor([-1.5, -2.5])) or x,
               lambda L, x: x.__setitem__(L.tensor(True), 0) or x]:
        check(torch, fn, np.arange(8).reshape(2, 4), grad=False)  # int64 target: values truncate
        check(torch, fn, np.arange(8.).reshape(2, 4), grad=False)
    for fn in [lambda L, x: x.__setitem__(x > 4, L.tensor([9.5, 8.5, 7.5], dtype=x.dtype)) or x,
               lambda L, x: x.__setitem__((L.tensor([0, 0]), L.tensor([1, 1])), L.tensor([1., 1.], dtype=x.dtype)) or x]:
        check(torch, fn, np.arange(8.).reshape(2, 4), grad=False)
    check(torch, lambda L, x: x.__setitem__(0, 2.) or x, np.zeros((2, 3), dtype=bool), grad=False)
    check(torch, lambda L, x: x.__setitem__(x > 3, L.tensor(2.5)) or x, np.arange(6), grad=False)
    check(torch, lambda L, x: x.__setitem__(1, L.tensor([2.5, 3.5, 4.5])) or x, np.arange(6).reshape(2, 3),
          grad=False)
    check(torch, lambda L, x: x.__setitem__(Ellipsis, 2.) or x, np.array(1.), grad=False)


def test_setitem_value_requires_grad_into_plain_tensor():
    for L in (torch, ember):
        x = L.zeros(2, 3)
        keep = x[0]
        v = L.tensor([1., 2., 3.], requires_grad=True)
        r = x[1]
        r[:] = v * 2
        assert x.requires_grad and keep.requires_grad
        (x * L.arange(6.).view(2, 3)).sum().backward()
        assert v.grad.tolist() == [6., 8., 10.]


def _grads(fn, *arrays):
    out = []
    for L in (torch, ember):
        ts = [L.tensor(a, requires_grad=True) for a in arrays]
        y = fn(L, *ts)
        y.backward()
        out.append([t.grad.numpy() for t in ts])
    for e, t in zip(out[1], out[0]):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


INPLACE_VIEW = {
    "mul_on_row": lambda L, a: _use((a * 1).reshape(2, 3), lambda x: x[0].mul_(2)),
    "view_of_view": lambda L, a: _use(a * 1, lambda x: x.view(3, 4)[1:][:, 2].add_(L.tensor([5., 6.])).mul_(3),
                                      12),
    "use_intermediate_view": lambda L, a: _use_y(a),
    "base_then_view": lambda L, a: _base_then_view(a),
    "setitem_on_row_view": lambda L, a: _setitem_row(L, a),
    "exp_on_column": lambda L, a: _use((a * 1).reshape(2, 3), lambda x: x[:, 1].exp_()),
    "set_from_scaled_self": lambda L, a: _use((a * 1).reshape(2, 3), lambda x: x.__setitem__(
        (Ellipsis, slice(1, None)), x[..., :-1] * 2)),
    "add_scaled_view": lambda L, a: _use((a * 1).reshape(2, 3), lambda x: x[1].add_(x[0] / 3)),
}


def _use(x, f, n=6):
    f(x)
    w = x.new_tensor(np.arange(n, dtype=np.float64)).reshape(x.shape)
    return (x * x * w).sum()


def _use_y(a):
    x = a * 1
    y = x.view(3, 4)[1:]
    z = y[:, 2]
    z.mul_(3)
    return (y * y).sum()


def _base_then_view(a):
    x = a * 1
    v = x[2:]
    x.mul_(3)
    return (v * v).sum()


def _setitem_row(L, a):
    x = (a * 1).reshape(2, 3)
    r = x[1]
    r[0] = a[0] * 2
    return (x * x).sum()


def test_sibling_view_saved_then_modified_raises():
    for L in (torch, ember):
        x = (L.arange(6., requires_grad=True) * 1).reshape(2, 3)
        r0, r1 = x[0], x[1]
        r1.mul_(r0)  # saves r0, then bumps the version r0 shares with x
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            x.sum().backward()


@pytest.mark.parametrize("name", sorted(INPLACE_VIEW))
def test_inplace_on_views_routes_gradients(name):
    n = 12 if name in ("view_of_view", "use_intermediate_view") else 6
    _grads(INPLACE_VIEW[name], A(n))


def test_inplace_view_grad_fn_and_double_backward():
    for L in (torch, ember):
        a = L.arange(4., requires_grad=True)
        y = (a[L.tensor([0, 0, 2])] ** 3).sum()
        g, = L.autograd.grad(y, a, create_graph=True)
        g.sum().backward()
        if L is torch:
            ref = a.grad.tolist()
        else:
            assert a.grad.tolist() == ref
        x = a * 1
        x[:, None][1] = 0
        assert "CopySlices" in x.grad_fn.name()


def test_leaf_errors():
    for L in (torch, ember):
        a = L.arange(6., requires_grad=True)
        with pytest.raises(RuntimeError, match="^a view of a leaf Variable"):
            a[0] = 1
        with pytest.raises(RuntimeError, match="^a leaf Variable"):
            a[L.tensor([0])] = 1
        with pytest.raises(RuntimeError, match="^a view of a leaf Variable"):
            a[0].mul_(2)
        with L.no_grad():
            a[0] = 7
        assert a[0].item() == 7


def test_saved_view_modified_raises():
    for L in (torch, ember):
        a = L.arange(6., requires_grad=True)
        x = a * 1
        v = x[1:]
        y = v * v
        x[0] = 5
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


GET_ERRORS = {
    "int_oob": lambda L, x: x[2],
    "int_oob_dim1": lambda L, x: x[0, 5],
    "neg_oob": lambda L, x: x[0, -4],
    "adv_oob": lambda L, x: x[L.tensor([0, 5])],
    "adv_neg_oob": lambda L, x: x[L.tensor([0, -5])],
    "float_tensor": lambda L, x: x[L.tensor([0., 1.])],
    "float_scalar": lambda L, x: x[1.0],
    "too_many": lambda L, x: x[0, 0, 0, 0],
    "zero_step": lambda L, x: x[::0],
    "neg_step": lambda L, x: x[::-1],
    "mask_shape": lambda L, x: x[L.tensor([True, False, True])],
    "mask_shape_dim1": lambda L, x: x[:, L.tensor([True, False])],
    "zero_dim_int": lambda L, x: x.sum()[0],
    "zero_dim_tensor": lambda L, x: x.sum()[L.tensor([0])],
    "adv_bcast_mismatch": lambda L, x: x[L.tensor([0, 1]), L.tensor([0, 1, 2])],
    "set_shape": lambda L, x: x.__setitem__(0, L.ones(2)),
    "set_adv_shape": lambda L, x: x.__setitem__(L.tensor([0, 1]), L.ones(2, 3, 3)),
    "set_oob": lambda L, x: x.__setitem__(3, 1.),
    "set_adv_oob": lambda L, x: x.__setitem__(L.tensor([3]), 1.),
    "set_complex": lambda L, x: x.__setitem__(0, 1 + 2j),
    "set_adv_dtype": lambda L, x: x.long().__setitem__(L.tensor([0]), L.ones(3, 4)),
    "set_adv_dtype_int": lambda L, x: x.__setitem__(L.tensor([0]), L.ones(3, 4, dtype=L.int32)),
    "set_mask_dtype": lambda L, x: x.long().__setitem__(x.abs() >= 0, L.ones(24)),
    "zero_dim_list": lambda L, x: x.sum()[[0]],
    "zero_dim_tuple_int": lambda L, x: x.sum()[None, 0],
    "set_mask_shape": lambda L, x: x.__setitem__(L.tensor([True]), 0.),
}


@pytest.mark.parametrize("name", sorted(GET_ERRORS))
def test_index_errors(name):
    e, t = same_error(torch, GET_ERRORS[name], A(2, 3, 4))
    if name not in ("float_tensor", "adv_bcast_mismatch", "set_adv_shape"):
        assert e == t


def test_warnings_like_torch():
    x = ember.arange(6).view(2, 3)
    with pytest.warns(UserWarning, match="uint8"):
        assert x[ember.tensor([1, 0], dtype=ember.uint8)].tolist() == [[0, 1, 2]]
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[[0, 1], [1, 2]]].tolist() == [1, 5]


# ------------------------------------------------------------------ properties
def _basic_index(shape):
    items = []
    for n in shape:
        items.append(st.one_of(
            st.integers(-n, n - 1),
            st.builds(slice, st.one_of(st.none(), st.integers(-n - 1, n + 1)),
                      st.one_of(st.none(), st.integers(-n - 1, n + 1)),
                      st.one_of(st.none(), st.integers(1, 3)))))
    return st.lists(st.one_of(st.none(), st.just(Ellipsis)), max_size=2).flatmap(
        lambda extra: st.tuples(*items).map(lambda t: _mix(t, extra)))


def _mix(t, extra):
    t = list(t)
    if Ellipsis in extra:
        t = t[:1] + [Ellipsis]
    for e in extra:
        if e is None:
            t.insert(len(t) // 2, None)
    return tuple(t)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3).flatmap(lambda s: st.tuples(st.just(s), _basic_index(s))))
def test_basic_index_is_a_view_sharing_memory(case):
    shape, idx = case
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    x = ember.tensor(data)
    v = x[idx]
    t = torch.tensor(data)[idx]
    assert v.tolist() == t.tolist()
    assert v._base is x
    if v.numel():
        assert np.shares_memory(v.numpy(), x.numpy())
        v.fill_(-1.)  # writes through to the base
        tt = torch.tensor(data)
        tt[idx].fill_(-1.)
        assert x.tolist() == tt.tolist()
        v0 = x._version
        v.add_(1.)
        assert x._version > v0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3).flatmap(
    lambda s: st.tuples(st.just(s), st.lists(st.lists(st.integers(-s[0], s[0] - 1), min_size=1, max_size=4),
                                             min_size=1, max_size=2))))
def test_advanced_getitem_grad_accumulates(case):
    shape, idxs = case
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    res = []
    for L in (torch, ember):
        x = L.tensor(data, requires_grad=True)
        idx = L.tensor(idxs[0])
        y = x[idx]
        (y * L.arange(float(y.numel()), dtype=L.float64).reshape(y.shape)).sum().backward()
        res.append((y.tolist(), x.grad.tolist()))
    assert res[0] == res[1]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3).flatmap(
    lambda s: st.tuples(st.just(s), _basic_index(s), st.lists(st.integers(-s[0], s[0] - 1), min_size=1,
                                                              max_size=3))))
def test_setitem_matches_torch(case):
    shape, idx, rows = case
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    outs = []
    for L in (torch, ember):
        x = L.tensor(data)
        x[idx] = -1.
        x[L.tensor(rows)] = -2.
        x[x > 5] = x[x > 5] * 10
        w = L.tensor(data, requires_grad=True)
        y = w * 1
        y[idx] = 0.
        y[L.tensor(rows)] = y[L.tensor(rows)] * 3
        (y * y).sum().backward()
        outs.append((x.tolist(), w.grad.tolist()))
    assert outs[0] == outs[1]
