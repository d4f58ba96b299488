"""gather/scatter, index_*, masked_*, take, nonzero: parity with PyTorch (forward, backward, errors)."""
import warnings

import numpy as np
import pytest

import ember
from _si_parity import check, same_error

torch = pytest.importorskip("torch")

R = np.random.default_rng(2)


def A(*shape, dt="float64"):
    return R.standard_normal(shape).astype(dt)


def I(*vals):
    return np.array(vals, dtype=np.int64)


DTYPES = ["float32", "float64"]
MASK = np.array([[True, False, True], [False, False, True]])

CASES = {
    "gather0": (lambda L, a: a.gather(0, L.tensor([[1, 0, 1], [0, 0, 1]])), [(2, 3)]),
    "gather1_small": (lambda L, a: L.gather(a, 1, L.tensor([[2, 2], [0, 1]])), [(3, 4)]),
    "gather_dup_noncontig": (lambda L, a: a.t().gather(1, L.tensor([[0, 0, 0], [1, 1, 0]])), [(3, 2)]),
    "gather_neg_dim": (lambda L, a: a.gather(-1, L.tensor([[[1], [0]]])), [(1, 2, 2)]),
    "scatter_src": (lambda L, a, s: a.scatter(0, L.tensor([[1, 0, 1]]), s), [(2, 3), (1, 3)]),
    "scatter_value": (lambda L, a: L.scatter(a, 1, L.tensor([[2], [0]]), 1.5), [(2, 3)]),
    "scatter_add": (lambda L, a, s: a.scatter_add(1, L.tensor([[0, 0, 2], [1, 1, 1]]), s), [(2, 3), (2, 3)]),
    "scatter_add_fn": (lambda L, a, s: L.scatter_add(a, 0, L.tensor([[0], [0], [1]]), s), [(2, 2), (3, 1)]),
    "scatter_reduce_sum": (lambda L, a, s: a.scatter_reduce(0, L.tensor([0, 0, 2, 2]), s, "sum"), [(3,), (4,)]),
    "scatter_reduce_sum_noself": (lambda L, a, s: a.scatter_reduce(0, L.tensor([0, 0, 2]), s, "sum",
                                                                   include_self=False), [(3,), (3,)]),
    "scatter_reduce_mean": (lambda L, a, s: a.scatter_reduce(1, L.tensor([[0, 0, 1]]), s, "mean"),
                            [(1, 3), (1, 3)]),
    "scatter_reduce_mean_noself": (lambda L, a, s: a.scatter_reduce(0, L.tensor([1, 1, 1]), s, "mean",
                                                                    include_self=False), [(3,), (3,)]),
    "scatter_reduce_amax": (lambda L, a, s: a.scatter_reduce(0, L.tensor([0, 0, 2, 1]), s, "amax"), [(3,), (4,)]),
    "scatter_reduce_amin_noself": (lambda L, a, s: a.scatter_reduce(0, L.tensor([0, 0, 2]), s, "amin",
                                                                    include_self=False), [(3,), (3,)]),
    "scatter_reduce_prod": (lambda L, a, s: a.scatter_reduce(0, L.tensor([0, 0, 2]), s, "prod"), [(3,), (3,)]),
    "index_select": (lambda L, a: a.index_select(1, L.tensor([2, 0, 2])), [(2, 3)]),
    "index_select_fn": (lambda L, a: L.index_select(a.t(), 0, L.tensor([1, 1])), [(2, 3)]),
    "index_select_0d_idx": (lambda L, a: a.index_select(0, L.tensor(1)), [(2, 3)]),
    "index_add": (lambda L, a, s: a.index_add(0, L.tensor([1, 1, 0]), s), [(2, 3), (3, 3)]),
    "index_add_alpha": (lambda L, a, s: L.index_add(a, 1, L.tensor([2, 0]), s, alpha=2.5), [(2, 3), (2, 2)]),
    "index_copy": (lambda L, a, s: a.index_copy(1, L.tensor([2, 0]), s), [(2, 3), (2, 2)]),
    "index_fill": (lambda L, a: a.index_fill(1, L.tensor([0, -1]), -2.), [(2, 3)]),
    "index_fill_tensor": (lambda L, a, v: a.index_fill(0, L.tensor([1, 1]), v), [(2, 3), ()]),
    "index_put": (lambda L, a, v: a.index_put((L.tensor([0, 1]), L.tensor([2, 2])), v), [(2, 3), (2,)]),
    "index_put_acc": (lambda L, a, v: L.index_put(a, (L.tensor([0, 0, 1]),), v, accumulate=True), [(2, 3), (3, 3)]),
    "index_put_bcast": (lambda L, a, v: a.index_put((L.tensor([1]),), v), [(2, 3), (3,)]),
    "masked_fill": (lambda L, a: a.masked_fill(L.tensor(MASK), 3.), [(2, 3)]),
    "masked_fill_bcast": (lambda L, a: a.masked_fill(L.tensor([True, False, True]), -1.), [(2, 3)]),
    "masked_fill_bcast_out": (lambda L, a: L.masked_fill(a, L.tensor(MASK), 0.), [(3,)]),
    "masked_fill_tensor": (lambda L, a, v: a.masked_fill(L.tensor(MASK), v), [(2, 3), ()]),
    "masked_scatter": (lambda L, a, s: a.masked_scatter(L.tensor(MASK), s), [(2, 3), (5,)]),
    "masked_scatter_2d_src": (lambda L, a, s: a.masked_scatter(L.tensor([True, False, True]), s), [(2, 3), (2, 3)]),
    "masked_select": (lambda L, a: a.masked_select(L.tensor(MASK)), [(2, 3)]),
    "masked_select_bcast": (lambda L, a: L.masked_select(a, L.tensor(MASK)), [(3,)]),
    "take": (lambda L, a: a.take(L.tensor([[0, 5], [5, -1]])), [(2, 3)]),
    "take_along_dim": (lambda L, a: a.take_along_dim(L.tensor([[0], [2]]), 1), [(2, 3)]),
    "take_along_dim_bcast": (lambda L, a: L.take_along_dim(a, L.tensor([[1, 0, 1]]), dim=0), [(2, 3)]),
    "take_along_dim_none": (lambda L, a: a.take_along_dim(L.tensor([5, 0, 0])), [(2, 3)]),
    "put": (lambda L, a, s: a.put(L.tensor([[1, 5], [-1, 0]]), s), [(2, 3), (2, 2)]),
    "put_acc": (lambda L, a, s: L.put(a.t(), L.tensor([1, 1, 4]), s, accumulate=True), [(2, 3), (3,)]),
    "take_along_dim_neg": (lambda L, a: a.take_along_dim(L.tensor([[-1], [0]]), 1), [(2, 3)]),
    "gather_0d": (lambda L, a: a.gather(0, L.tensor(0)), [()]),
    "scatter_0d": (lambda L, a, v: a.scatter(0, L.tensor(0), v), [(), ()]),
    "index_select_0d": (lambda L, a: a.index_select(0, L.tensor([0])), [()]),
    "masked_fill_0d": (lambda L, a: a.masked_fill(L.tensor(True), 1.), [()]),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_parity(name, dt):
    fn, shapes = CASES[name]
    check(torch, fn, *[A(*s, dt=dt) for s in shapes])


@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_with_zeros(include_self):
    a = np.array([2., 0., 3., 4.])
    s = np.array([0., 5., 0., 2., 7., 0.])
    for idx in ([0, 0, 1, 1, 2, 3], [3, 2, 1, 0, 0, 0]):
        check(torch, lambda L, x, y: x.scatter_reduce(0, L.tensor(idx), y, "prod", include_self=include_self),
              a, s)


def test_integer_inputs():
    x = np.arange(6).reshape(2, 3)
    for fn in [lambda L, a: a.gather(1, L.tensor([[0], [2]])),
               lambda L, a: a.scatter_add(0, L.tensor([[1, 0, 1]]), a),
               lambda L, a: a.scatter(0, L.tensor([[1, 0, 1]]), 7),
               lambda L, a: a.scatter_reduce(0, L.tensor([[1, 0, 1], [1, 1, 1]]), a, "mean"),
               lambda L, a: a.scatter_reduce(0, L.tensor([[1, 0, 1], [1, 1, 1]]), a, "amax", include_self=False),
               lambda L, a: a.index_select(0, L.tensor([1, 1])),
               lambda L, a: a.index_fill(1, L.tensor([1]), 2.7),
               lambda L, a: a.masked_fill(a > 2, 2.7),
               lambda L, a: a.masked_select(a > 2),
               lambda L, a: a.take(L.tensor([4])),
               lambda L, a: L.nonzero(a),
               lambda L, a: a.nonzero(as_tuple=True),
               lambda L, a: L.argwhere(a > 3),
               lambda L, a: L.where(a > 2),
               lambda L, a: L.tensor(3).nonzero(),
               lambda L, a: L.tensor(0).nonzero(as_tuple=True),
               lambda L, a: L.zeros(0, 2).nonzero()]:
        check(torch, fn, x, grad=False)


def test_scatter_reduce_bfloat16():
    x = ember.zeros(3, dtype=ember.bfloat16)
    s = ember.tensor([1., 5., 2.], dtype=ember.bfloat16)
    for red in ("amax", "amin", "sum", "prod", "mean"):
        for inc in (True, False):
            e = x.scatter_reduce(0, ember.tensor([0, 0, 2]), s, red, include_self=inc)
            t = torch.zeros(3, dtype=torch.bfloat16).scatter_reduce(
                0, torch.tensor([0, 0, 2]), torch.tensor([1., 5., 2.], dtype=torch.bfloat16), red, include_self=inc)
            assert e.float().tolist() == t.float().tolist()


def test_scatter_src_larger_than_index():
    # torch's backward refuses src larger than index, so compare the forward only
    check(torch, lambda L, a, s: a.scatter(0, L.tensor([[1, 0, 1]]), s), A(2, 3), A(2, 4), grad=False)
    check(torch, lambda L, a, s: a.scatter_add(1, L.tensor([[1], [0]]), s), A(2, 3), A(3, 4), grad=False)
    a = ember.zeros(2, 3, requires_grad=True)
    s = ember.ones(2, 4, requires_grad=True)
    a.scatter(0, ember.tensor([[1, 0, 1]]), s).sum().backward()
    assert s.grad.tolist() == [[1, 1, 1, 0], [0, 0, 0, 0]]


def test_scatter_reduce_legacy():
    x = np.ones((2, 3))
    for red in ("add", "multiply"):
        check(torch, lambda L, a: a.scatter(0, L.tensor([[1, 0, 1]]), L.full((1, 3), 3., dtype=a.dtype),
                                            reduce=red), x, grad=False)


@pytest.mark.parametrize("name", ["put_", "scatter_", "scatter_add_", "index_add_", "index_copy_", "index_fill_",
                                  "masked_fill_", "masked_scatter_", "index_put_", "scatter_reduce_"])
def test_inplace_variants(name):
    args = {
        "put_": lambda L: (L.tensor([4, 0, 4]), L.tensor([1., 2., 3.], dtype=L.float64), True),
        "scatter_": lambda L: (0, L.tensor([[1, 0, 1]]), L.ones(1, 3, dtype=L.float64) * 5),
        "scatter_add_": lambda L: (1, L.tensor([[0, 0], [2, 1]]), L.ones(2, 2, dtype=L.float64)),
        "index_add_": lambda L: (1, L.tensor([0, 0]), L.ones(2, 2, dtype=L.float64)),
        "index_copy_": lambda L: (0, L.tensor([1]), L.ones(1, 3, dtype=L.float64)),
        "index_fill_": lambda L: (1, L.tensor([2]), 4.),
        "masked_fill_": lambda L: (L.tensor(MASK), 4.),
        "masked_scatter_": lambda L: (L.tensor(MASK), L.arange(6, dtype=L.float64)),
        "index_put_": lambda L: ((L.tensor([0, 1]), L.tensor([1, 2])), L.tensor([5., 6.], dtype=L.float64)),
        "scatter_reduce_": lambda L: (0, L.tensor([[1, 0, 1]]), L.ones(1, 3, dtype=L.float64), "amax"),
    }[name]
    a = A(2, 3)
    res = []
    for L in (torch, ember):
        x = L.tensor(a)
        r = getattr(x, name)(*args(L))
        assert r is x
        w = L.tensor(a, requires_grad=True)
        y = w * 2
        getattr(y, name)(*args(L))
        (y * y).sum().backward()
        res.append((x.numpy().copy(), w.grad.numpy()))
    np.testing.assert_allclose(res[1][0], res[0][0])
    np.testing.assert_allclose(res[1][1], res[0][1])


def test_inplace_leaf_error_and_shape_error():
    for L in (torch, ember):
        w = L.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            w.masked_fill_(L.tensor([True, False, True]), 1.)
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            L.zeros(3).masked_fill_(L.zeros(2, 3, dtype=L.bool), 1.)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            w.index_add_(0, L.tensor([0]), L.ones(1))


def test_gather_double_backward():
    a = A(3, 4)
    res = []
    for L in (torch, ember):
        w = L.tensor(a, requires_grad=True)
        y = (w.gather(1, L.tensor([[0, 0], [3, 1], [2, 2]])) ** 3).sum() + \
            (w.index_select(0, L.tensor([2, 2])) ** 3).sum() + (w.masked_fill(w > 0, 0.) ** 3).sum()
        g, = L.autograd.grad(y, w, create_graph=True)
        g.sum().backward()
        res.append(w.grad.numpy())
    np.testing.assert_allclose(res[1], res[0])


def test_scatter_value_tensor_requires_grad_masked_fill():
    a = A(2, 3)
    res = []
    for L in (torch, ember):
        v = L.tensor(2., requires_grad=True, dtype=L.float64)
        x = L.tensor(a, requires_grad=True)
        y = x.masked_fill(L.tensor(MASK), v) * L.tensor(a)
        y.sum().backward()
        res.append((v.grad.item(), x.grad.numpy()))
    assert res[0][0] == pytest.approx(res[1][0])
    np.testing.assert_allclose(res[1][1], res[0][1])


ERRORS = {
    "gather_ndim": lambda L, a: a.gather(0, L.zeros(2, dtype=L.long)),
    "gather_oob": lambda L, a: a.gather(0, L.tensor([[5]])),
    "gather_neg": lambda L, a: a.gather(0, L.tensor([[-1]])),
    "gather_float": lambda L, a: a.gather(0, L.tensor([[0.]])),
    "gather_big": lambda L, a: a.gather(1, L.zeros(3, 1, dtype=L.long)),
    "gather_dim": lambda L, a: a.gather(2, L.zeros(1, 1, dtype=L.long)),
    "scatter_oob": lambda L, a: a.scatter(0, L.tensor([[5]]), 1.),
    "scatter_src_small": lambda L, a: a.scatter(0, L.tensor([[0, 1]]), L.ones(1, 1, dtype=a.dtype)),
    "scatter_dtype": lambda L, a: a.float().scatter(0, L.tensor([[0, 1]]), L.ones(1, 2, dtype=L.float64)),
    "scatter_reduce_bad": lambda L, a: a.scatter(0, L.tensor([[0]]), L.ones(1, 1, dtype=a.dtype), reduce="x"),
    "scatter_add_oob": lambda L, a: a.scatter_add(0, L.tensor([[-1]]), L.ones(1, 1, dtype=a.dtype)),
    "scatter_reduce_name": lambda L, a: a.scatter_reduce(0, L.tensor([[0]]), L.ones(1, 1, dtype=a.dtype), "x"),
    "index_select_oob": lambda L, a: a.index_select(0, L.tensor([5])),
    "index_select_oob_dim1": lambda L, a: a.index_select(1, L.tensor([1, 5, -1])),
    "index_select_oob_3d": lambda L, a: a.view(2, 3, 1).index_select(2, L.tensor([1])),
    "index_select_neg": lambda L, a: a.index_select(0, L.tensor([-1])),
    "index_select_2d": lambda L, a: a.index_select(0, L.tensor([[0]])),
    "index_select_float": lambda L, a: a.index_select(0, L.tensor([0.])),
    "index_add_oob": lambda L, a: a.index_add(0, L.tensor([5]), L.ones(1, 3, dtype=a.dtype)),
    "index_add_shape": lambda L, a: a.index_add(0, L.tensor([1]), L.ones(1, 4, dtype=a.dtype)),
    "index_add_count": lambda L, a: a.index_add(0, L.tensor([1, 0]), L.ones(1, 3, dtype=a.dtype)),
    "index_copy_oob": lambda L, a: a.index_copy(0, L.tensor([5]), L.ones(1, 3, dtype=a.dtype)),
    "index_fill_oob": lambda L, a: a.index_fill(0, L.tensor([5]), 1.),
    "index_fill_vec": lambda L, a: a.index_fill(0, L.tensor([1]), L.ones(2)),
    "index_put_oob": lambda L, a: a.index_put((L.tensor([5]),), L.tensor(1., dtype=a.dtype)),
    "masked_fill_float_mask": lambda L, a: a.masked_fill(L.zeros(2, 3), 1.),
    "masked_fill_vec": lambda L, a: a.masked_fill(L.zeros(2, 3, dtype=L.bool), L.ones(2)),
    "masked_fill_bcast": lambda L, a: a.masked_fill(L.zeros(4, dtype=L.bool), 1.),
    "masked_scatter_few": lambda L, a: a.masked_scatter(L.ones(2, 3, dtype=L.bool), L.ones(2, dtype=a.dtype)),
    "masked_select_float": lambda L, a: a.masked_select(L.ones(2, 3)),
    "take_oob": lambda L, a: a.take(L.tensor([6])),
    "put_oob": lambda L, a: a.put_(L.tensor([6]), L.ones(1, dtype=a.dtype)),
    "put_count": lambda L, a: a.put_(L.tensor([1, 2]), L.ones(3, dtype=a.dtype)),
    "index_select_0d_many": lambda L, a: a.sum().index_select(0, L.tensor([0, 0])),
    "take_neg_oob": lambda L, a: a.take(L.tensor([-7])),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    e, t = same_error(torch, ERRORS[name], A(2, 3))
    if not name.startswith(("scatter_dtype", "index_select_float", "masked_select")):
        assert e == t


@pytest.mark.parametrize("n,k,tail", [(10, 50, (4,)), (1000, 700, (3, 2)), (7, 5, ()), (50, 9, (2,)),
                                      (3, 40, ())])
def test_add_rows_at_matches_np_add_at(n, k, tail):
    """The sort + reduceat scatter used by embedding/index_select/x[i] gradients gives
    np.add.at's result (to rounding: reduceat may sum a long run of repeats pairwise):
    repeats summed, negative indices, a strided ``out`` view."""
    from ember.ops._util import add_rows_at
    rng = np.random.default_rng(k)
    idx = rng.integers(-n, n, k)
    vals = rng.standard_normal((k,) + tail).astype(np.float32)
    base = rng.standard_normal((n,) + tail).astype(np.float32)
    want = base.copy()
    np.add.at(want, idx, vals)
    got = base.copy()
    add_rows_at(got, idx, vals)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    zero_want, zero_got = np.zeros_like(base), np.zeros_like(base)
    np.add.at(zero_want, idx, vals)
    add_rows_at(zero_got, idx, vals)
    np.testing.assert_allclose(zero_got, zero_want, rtol=1e-6, atol=1e-6)
    if tail:                                            # out as a moved-axis view
        big = np.zeros(tail[:1] + (n,) + tail[1:], np.float32)
        add_rows_at(np.moveaxis(big, 1, 0), idx, vals)
        assert np.array_equal(np.moveaxis(big, 1, 0), zero_got)


def test_index_add_bool_with_repeated_indices():
    """bool index_add is a logical or (repeats included), as PyTorch."""
    for lib in (torch, ember):
        x = lib.zeros(3, dtype=lib.bool)
        idx = lib.tensor([0, 0, 1, 1, 0, 0, 1, 1, 2])
        src = lib.tensor([True, True, False, False, True, True, False, False, False])
        assert lib.index_add(x, 0, idx, src).tolist() == [True, False, False]
