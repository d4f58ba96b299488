"""The one gather/scatter implementation (ops/index/gather_scatter.py) behind gather, scatter*,
scatter_reduce and the value-selecting reductions (sort, topk, kthvalue, max/min with a dim,
median, mode, cummax, quantile): forward, gradients and second derivatives match PyTorch."""
import numpy as np
import pytest

import ember
from ember.autograd.function import _set_op_observer
from ember.ops.index import gather_scatter as GS

torch = pytest.importorskip("torch")

R = np.random.default_rng(7)
X = R.permutation(24).reshape(2, 3, 4).astype(np.float64) / 7 - 1.5   # no ties
S = R.standard_normal((2, 3, 4))
PERM = np.argsort(R.random((2, 3, 4)), axis=1)   # each column along dim 1 a permutation

CASES = {
    "gather": lambda L, x: x.gather(2, L.tensor([[[1, 1, 3]], [[0, 2, 2]]])),
    "gather_dim0": lambda L, x: L.gather(x, 0, L.tensor([[[1, 0, 1, 1]]])),
    "scatter_add_dups": lambda L, x, s: x.scatter_add(2, L.tensor([[[0, 0, 3, 3]] * 3] * 2), s),
    "scatter_src": lambda L, x, s: x.scatter(1, L.tensor(PERM), s),
    "scatter_value": lambda L, x: x.scatter(1, L.tensor([[[2, 0, 1, 2]], [[1, 2, 0, 0]]]), 0.5),
    "scatter_reduce_sum": lambda L, x, s: x.scatter_reduce(2, L.tensor([[[0, 0, 3, 1]] * 3] * 2), s, "sum"),
    "scatter_reduce_mean": lambda L, x, s: x.scatter_reduce(2, L.tensor([[[0, 0, 3, 1]] * 3] * 2), s, "mean",
                                                            include_self=False),
    "sort": lambda L, x: L.sort(x, dim=1, descending=True)[0],
    "topk": lambda L, x: x.topk(2, dim=2)[0],
    "kthvalue": lambda L, x: x.kthvalue(2, dim=0)[0],
    "max_dim": lambda L, x: x.max(dim=1)[0],
    "min_dim_keepdim": lambda L, x: x.min(dim=2, keepdim=True)[0],
    "median_dim": lambda L, x: x.median(dim=2)[0],
    "cummax": lambda L, x: L.cummax(x, dim=2)[0],
    "quantile": lambda L, x: L.quantile(x, L.tensor([0.25, 0.5], dtype=L.float64), dim=2),
}


def _grads(L, fn, arrays):
    ts = [L.tensor(a, requires_grad=True) for a in arrays]
    y = fn(L, *ts)
    w = L.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
    gs = L.autograd.grad((y ** 3 * w).sum(), ts, create_graph=True)
    ggs = L.autograd.grad(sum((g * g).sum() for g in gs), ts, allow_unused=True)
    return [y] + list(gs) + [g if g is not None else L.zeros(a.shape, dtype=L.float64)
                             for g, a in zip(ggs, arrays)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_grad_and_second_derivative_match_torch(name):
    fn = CASES[name]
    arrays = [X, S][:fn.__code__.co_argcount - 1]
    got, want = _grads(ember, fn, arrays), _grads(torch, fn, arrays)
    for g, w in zip(got, want):
        assert tuple(g.shape) == tuple(w.shape)
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_float32_gradients_stay_float32():
    for mod in (ember, torch):
        x = mod.tensor(X.astype(np.float32), requires_grad=True)
        g, = mod.autograd.grad(mod.sort(x, dim=2)[0].sum() + x.gather(2, mod.tensor([[[1]] * 3] * 2)).sum(), x)
        assert str(g.dtype) == "torch.float32"


def test_every_user_goes_through_the_one_implementation():
    # the selections' backward and gather's backward record the same Gather/Scatter ops
    x = ember.tensor(X, requires_grad=True)
    seen = []
    prev = _set_op_observer(lambda op, ins, outs: seen.append(op))
    try:
        for y in (ember.sort(x, dim=2)[0], x.max(dim=1)[0], ember.cummax(x, dim=2)[0],
                  x.gather(2, ember.tensor([[[1, 1]] * 3] * 2))):
            g, = ember.autograd.grad((y ** 2).sum(), x, create_graph=True)
            ember.autograd.grad(g.sum(), x, allow_unused=True)
    finally:
        _set_op_observer(prev)
    ops = set(seen)
    assert {GS.Gather, GS.ScatterOp, GS.ScatterAdd} <= ops
    import ember.ops.reduce.selection_grads as SG
    import ember.ops.reduce.sort_ops as SO
    for mod in (SG, SO):
        assert not [n for n in vars(mod) if "gather" in n.lower() or "scatter" in n.lower()
                    and n != "scatter_into"]


def test_gather_index_is_an_input_without_gradient():
    x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    i = ember.tensor([[1, 1], [0, 1]])
    y = x.gather(1, i)
    assert y.grad_fn.name() == "GatherBackward0"
    assert [f is None for f, _ in y.grad_fn.next_functions] == [False, True]
    y.sum().backward()
    t = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    t.gather(1, torch.tensor([[1, 1], [0, 1]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
