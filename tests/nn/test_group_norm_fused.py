"""GroupNorm as one node (``ember.ops.nn.group_norm``): PyTorch's values, gradients, node name
and errors; the same bits on 1 and 2 threads and with or without autograd; double backward."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")

CASES = [((2, 4, 3), 2), ((8, 32, 16, 16), 8), ((4, 6, 5, 7), 3), ((3, 4), 2), ((2, 6, 4, 4, 4), 3),
         ((1, 8, 33, 33), 8), ((16, 64, 32, 32), 32), ((2, 4, 1), 4)]


def _run(L, x, G, w, b, g):
    xt = L.tensor(x, requires_grad=True)
    wt = None if w is None else L.tensor(w, requires_grad=True)
    bt = None if b is None else L.tensor(b, requires_grad=True)
    y = L.nn.functional.group_norm(xt, G, wt, bt, 1e-5)
    y.backward(L.tensor(g))
    out = [y.detach().numpy(), xt.grad.numpy()]
    out += [] if wt is None else [wt.grad.numpy()]
    out += [] if bt is None else [bt.grad.numpy()]
    return out, y.grad_fn.name()


@pytest.mark.parametrize("shape,G", CASES)
@pytest.mark.parametrize("affine", [0, 1, 3])       # (bias without weight: torch 2.13's backward fails)
def test_matches_torch_float32_and_float64(shape, G, affine):
    rng = np.random.default_rng(len(shape) * 7 + G + affine)
    C = shape[1]
    x = rng.standard_normal(shape) * 3 + 2
    w = rng.standard_normal(C) if affine & 1 else None
    b = rng.standard_normal(C) if affine & 2 else None
    g = rng.standard_normal(shape)
    ref, _ = _run(torch, x, G, w, b, g)
    for dt, tol in ((np.float32, 3.0), (np.float64, None)):
        cast = lambda a: None if a is None else a.astype(dt)
        got, name = _run(ember, cast(x), G, cast(w), cast(b), cast(g))
        want, tname = _run(torch, cast(x), G, cast(w), cast(b), cast(g))
        assert name == tname == "NativeGroupNormBackward0"
        for e, t, r in zip(got, want, ref):
            assert e.dtype == t.dtype and e.shape == t.shape
            scale = max(np.abs(r).max(), 1.0)
            if tol is None:
                np.testing.assert_allclose(e, r, rtol=0, atol=1e-12 * scale)
            else:
                err, terr = np.abs(e - r).max(), np.abs(t - r).max()
                assert err <= tol * max(terr, 4 * np.finfo(dt).eps * scale), (err, terr)


def test_bias_without_weight_against_the_composite():
    x = ember.randn(3, 6, 5, dtype=ember.float64, requires_grad=True)
    b = ember.randn(6, dtype=ember.float64, requires_grad=True)
    y = F.group_norm(x, 3, None, b)
    xr = x.detach().clone().requires_grad_()
    br = b.detach().clone().requires_grad_()
    xg = xr.reshape(3, 3, -1)
    yr = ((xg - xg.mean(2, keepdim=True)) / (xg.var(2, unbiased=False, keepdim=True) + 1e-5).sqrt()).reshape(3, 6, 5) \
        + br.reshape(1, 6, 1)
    g = ember.randn(3, 6, 5, dtype=ember.float64)
    y.backward(g)
    yr.backward(g)
    np.testing.assert_allclose(y.detach().numpy(), yr.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), xr.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), br.grad.numpy(), atol=1e-12)


def test_same_bits_on_one_and_two_threads_and_without_grad():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 64, 40, 40)).astype(np.float32)          # several blocks of rows
    w, b = rng.standard_normal(64).astype(np.float32), rng.standard_normal(64).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    old = ember.get_num_threads()
    res = []
    try:
        for n in (1, 2):
            ember.set_num_threads(n)
            xt, wt, bt = (ember.tensor(a, requires_grad=True) for a in (x, w, b))
            y = F.group_norm(xt, 8, wt, bt)
            y.backward(ember.tensor(g))
            with ember.no_grad():
                y0 = F.group_norm(ember.tensor(x), 8, ember.tensor(w), ember.tensor(b))
            res.append([y.detach().numpy(), y0.numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()])
    finally:
        ember.set_num_threads(old)
    np.testing.assert_array_equal(res[0][0], res[0][1])
    for a, b_ in zip(*res):
        np.testing.assert_array_equal(a, b_)


def test_double_backward_and_gradcheck():
    x = ember.randn(2, 4, 3, dtype=ember.float64, requires_grad=True)
    w = ember.randn(4, dtype=ember.float64, requires_grad=True)
    b = ember.randn(4, dtype=ember.float64, requires_grad=True)
    fn = lambda a, c, d: F.group_norm(a, 2, c, d)
    assert ember.autograd.gradcheck(fn, (x, w, b))
    assert ember.autograd.gradgradcheck(fn, (x, w, b))


@pytest.mark.parametrize("args", [((4,), 2, None), ((2, 4, 3), 3, None), ((2, 4, 3), 2, (3,))])
def test_errors_as_torch(args):
    shape, G, wshape = args
    msgs = []
    for L in (ember, torch):
        with pytest.raises(RuntimeError) as e:
            L.nn.functional.group_norm(L.randn(*shape), G, None if wshape is None else L.ones(*wshape))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_module_without_affine_and_half_precision_falls_back():
    m = ember.nn.GroupNorm(2, 4, affine=False)
    x = ember.randn(3, 4, 5, requires_grad=True)
    y = m(x)
    assert y.grad_fn.name() == "NativeGroupNormBackward0"
    h = ember.randn(3, 4, 5).half()
    np.testing.assert_allclose(F.group_norm(h, 2).float().numpy(),
                               torch.nn.functional.group_norm(torch.tensor(h.float().numpy()), 2).numpy(),
                               atol=2e-2)


@pytest.mark.parametrize("shape", [(2, 3, 4, 4), (4, 8, 10), (2, 3, 3, 4, 5)])
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm_without_running_stats_takes_the_group_node(shape, affine):
    """InstanceNorm that updates no running statistics is GroupNorm with a group per channel,
    returned as a view as torch returns it (``ViewBackward0``)."""
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) * 2 + 1).astype(np.float64)
    g = rng.standard_normal(shape)
    res = []
    for L in (ember, torch):
        m = getattr(L.nn, f"InstanceNorm{len(shape) - 2}d")(shape[1], affine=affine).double()
        if affine:
            with L.no_grad():
                m.weight.copy_(L.tensor(rng.standard_normal(shape[1]) if L is ember else res[0][-1][0]))
                m.bias.copy_(L.tensor(rng.standard_normal(shape[1]) if L is ember else res[0][-1][1]))
        xt = L.tensor(x, requires_grad=True)
        y = m(xt)
        y.backward(L.tensor(g))
        res.append([y.grad_fn.name(), y.detach().numpy(), xt.grad.numpy()]
                   + ([m.weight.grad.numpy(), m.bias.grad.numpy()] if affine else [])
                   + [[m.weight.detach().numpy(), m.bias.detach().numpy()] if affine else None])
    assert res[0][0] == res[1][0] == "ViewBackward0"
    for a, b in zip(res[0][1:-1], res[1][1:-1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
