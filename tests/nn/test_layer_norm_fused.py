"""LayerNorm as one node (``ember.ops.nn.layer_norm``): PyTorch's values, gradients, node name and
errors; the same bits on 1 and 2 threads and with or without autograd; double backward."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops.nn import layer_norm as LN

torch = pytest.importorskip("torch")

CASES = [((4, 5), 1), ((2, 3, 8), 1), ((3, 4, 5, 6), 2), ((64, 35, 200), 1), ((6, 97, 768), 1), ((2, 3, 4), 3), ((5, 1), 1),
         ((1, 1, 64), 1), ((1, 40), 1), ((1, 3, 4), 2)]     # one row: the small kernel's scalar path


def _run(L, x, ns, w, b, g, affine):
    xt = L.tensor(x, requires_grad=True)
    wt = L.tensor(w, requires_grad=True) if affine & 1 else None
    bt = L.tensor(b, requires_grad=True) if affine & 2 else None
    y = L.nn.functional.layer_norm(xt, ns, wt, bt, 1e-5)
    y.backward(L.tensor(g))
    out = [y.detach().numpy(), xt.grad.numpy()]
    out += [wt.grad.numpy()] if wt is not None else []
    out += [bt.grad.numpy()] if bt is not None else []
    return out, y.grad_fn.name()


@pytest.mark.parametrize("shape,k", CASES)
@pytest.mark.parametrize("affine", [0, 1, 2, 3])
def test_matches_torch_float32_and_float64(shape, k, affine):
    rng = np.random.default_rng(len(shape) * 10 + affine)
    ns = shape[len(shape) - k:]
    x = rng.standard_normal(shape) * 3 + 5
    w, b, g = rng.standard_normal(ns), rng.standard_normal(ns), rng.standard_normal(shape)
    ref, _ = _run(torch, x, ns, w, b, g, affine)                  # float64
    for dt, tol in ((np.float32, 3.0), (np.float64, None)):
        args = [a.astype(dt) for a in (x, w, b, g)]
        got, name = _run(ember, args[0], ns, *args[1:], affine)
        want, tname = _run(torch, args[0], ns, *args[1:], affine)
        assert name == tname == "NativeLayerNormBackward0"
        for e, t, r in zip(got, want, ref):
            assert e.dtype == t.dtype and e.shape == t.shape
            scale = max(np.abs(r).max(), 1.0)
            if tol is None:
                np.testing.assert_allclose(e, r, rtol=0, atol=1e-12 * scale)
            else:   # within a few times torch's own float32 error against float64
                err, terr = np.abs(e - r).max(), np.abs(t - r).max()
                assert err <= tol * max(terr, 4 * np.finfo(dt).eps * scale), (err, terr)


def test_same_bits_on_one_and_two_threads_and_without_grad():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((9, 300, 512)).astype(np.float32)          # several blocks of rows
    w, b = rng.standard_normal(512).astype(np.float32), rng.standard_normal(512).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    old = ember.get_num_threads()
    res = []
    try:
        for n in (1, 2):
            ember.set_num_threads(n)
            xt, wt, bt = (ember.tensor(a, requires_grad=True) for a in (x, w, b))
            y = F.layer_norm(xt, (512,), wt, bt)
            y.backward(ember.tensor(g))
            with ember.no_grad():
                y0 = F.layer_norm(ember.tensor(x), (512,), ember.tensor(w), ember.tensor(b))
            res.append([y.detach().numpy(), y0.numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()])
    finally:
        ember.set_num_threads(old)
    np.testing.assert_array_equal(res[0][0], res[0][1])
    for a, b_ in zip(*res):
        np.testing.assert_array_equal(a, b_)


def test_double_backward_and_gradcheck():
    x = ember.randn(3, 2, 5, dtype=ember.float64, requires_grad=True)
    w = ember.randn(5, dtype=ember.float64, requires_grad=True)
    b = ember.randn(5, dtype=ember.float64, requires_grad=True)
    fn = lambda a, c, d: F.layer_norm(a, (5,), c, d)
    assert ember.autograd.gradcheck(fn, (x, w, b))
    assert ember.autograd.gradgradcheck(fn, (x, w, b))
    xt = torch.tensor(x.detach().numpy(), requires_grad=True)
    for L, xx, ww in ((ember, x, w), (torch, xt, torch.tensor(w.detach().numpy(), requires_grad=True))):
        y = L.nn.functional.layer_norm(xx, (5,), ww)
        gx, = L.autograd.grad((y ** 3).sum(), xx, create_graph=True)
        gg, = L.autograd.grad((gx ** 2).sum(), xx)
        if L is ember:
            got = gg.numpy()
        else:
            np.testing.assert_allclose(got, gg.numpy(), rtol=1e-9, atol=1e-10)


def test_input_changed_in_place_before_backward_is_an_error_as_in_torch():
    for L in (ember, torch):
        x = L.randn(4, 6, requires_grad=True)
        h = x * 1
        y = L.nn.functional.layer_norm(h, (6,))
        h.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_non_contiguous_input_and_frozen_parts():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((7, 6, 5)).astype(np.float32)
    w = rng.standard_normal(7).astype(np.float32)
    res = []
    for L in (ember, torch):
        xt = L.tensor(x).permute(2, 1, 0)                              # (5, 6, 7), strided
        wt = L.tensor(w, requires_grad=True)
        y = L.nn.functional.layer_norm(xt, (7,), wt, None)
        y.sum().backward()
        res.append((y.detach().numpy(), wt.grad.numpy(), xt.grad))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-4, atol=1e-4)
    assert res[0][2] is None and res[1][2] is None


def test_module_without_affine_and_the_fused_gate():
    m = ember.nn.LayerNorm(8, elementwise_affine=False)
    x = ember.randn(3, 8, requires_grad=True)
    y = m(x)
    assert y.grad_fn.name() == "NativeLayerNormBackward0"
    y.sum().backward()
    assert np.allclose(x.grad.numpy(), 0, atol=1e-5)            # sum of a normalised row is constant
    assert LN.fusable(x._data, 1, None, None)
    assert not LN.fusable(x._data.astype(np.float16), 1, None, None)
    assert not LN.fusable(x._data, 1, ember.ones(8, dtype=ember.float64), None)


_BAD = {
    "weight of another shape": lambda L: L.nn.functional.layer_norm(L.randn(4, 2, 3), (2, 3), L.ones(6)),
    "bias of another shape": lambda L: L.nn.functional.layer_norm(L.randn(4, 2, 3), (2, 3), None, L.ones(3, 2)),
    "0-d weight": lambda L: L.nn.functional.layer_norm(L.randn(4, 3), (3,), L.tensor(2.)),
    "float64 weight": lambda L: L.nn.functional.layer_norm(L.randn(4, 3), (3,), L.ones(3, dtype=L.float64)),
    "float32 weight, float64 input": lambda L: L.nn.functional.layer_norm(L.randn(4, 3).double(), (3,), L.ones(3)),
    "group norm, float64 weight": lambda L: L.nn.functional.group_norm(L.randn(2, 4, 3), 2, L.ones(4, dtype=L.float64)),
    "group norm, negative groups": lambda L: L.nn.functional.group_norm(L.randn(2, 4, 3), -2),
    "group norm, one value per channel": lambda L: L.nn.functional.group_norm(L.randn(1, 2), 2),
    "instance norm, one spatial element": lambda L: L.nn.functional.instance_norm(L.randn(2, 3, 1)),
    "instance norm, float64 weight": lambda L: L.nn.functional.instance_norm(L.randn(2, 3, 4),
                                                                            weight=L.ones(3, dtype=L.float64)),
}


@pytest.mark.parametrize("case", sorted(_BAD))
def test_bad_parameters_raise_torch_errors(case):
    errs = []
    for L in (ember, torch):
        with pytest.raises((RuntimeError, ValueError)) as e:
            _BAD[case](L)
        errs.append((e.type, str(e.value)))
    assert errs[0] == errs[1]


@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
def test_half_inputs_compute_in_float32_and_keep_their_dtype(dt):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 10)).astype(np.float32)
    res = []
    for L in (ember, torch):
        xt = L.tensor(x).to(getattr(L, dt)).requires_grad_()
        w = L.tensor(np.linspace(0.5, 1.5, 10, dtype=np.float32), requires_grad=True)
        y = L.nn.functional.layer_norm(xt, (10,), w)
        y.float().sum().backward()
        gn = L.nn.functional.group_norm(xt.detach().reshape(6, 2, 5), 2, L.ones(2))
        res.append((str(y.dtype), y.detach().float().numpy(), w.grad.numpy(), str(gn.dtype), gn.float().numpy()))
    assert res[0][0] == res[1][0] and res[0][3] == res[1][3]
    np.testing.assert_allclose(res[0][1], res[1][1], atol=2e-2)
    np.testing.assert_allclose(res[0][2], res[1][2], atol=5e-2)
    np.testing.assert_allclose(res[0][4], res[1][4], atol=2e-2)


def test_no_rows():
    for L in (ember, torch):
        x = L.randn(0, 3, requires_grad=True)
        y = L.nn.functional.layer_norm(x, (3,), L.ones(3))
        y.sum().backward()
        g = L.nn.functional.group_norm(L.randn(0, 4, 3, requires_grad=True), 2)
        assert tuple(y.shape) == (0, 3) and tuple(x.grad.shape) == (0, 3) and tuple(g.shape) == (0, 4, 3)


@pytest.mark.parametrize("shape", [(1, 1, 64), (3, 64), (1, 8192), (2, 4096)])
def test_small_inputs_same_bits_with_and_without_grad_and_torch_edge_values(shape):
    """The small kernel (one block; a single row with scalar statistics): the same bits with
    and without autograd, and torch's results for a constant row with eps=0 (rstd inf) and a
    row holding inf."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape).astype(np.float32)
    w, b = (rng.standard_normal(shape[-1]).astype(np.float32) for _ in range(2))
    xt, wt, bt = (ember.tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.layer_norm(xt, (shape[-1],), wt, bt)
    with ember.no_grad():
        y0 = F.layer_norm(ember.tensor(x), (shape[-1],), ember.tensor(w), ember.tensor(b))
    np.testing.assert_array_equal(y.detach().numpy(), y0.numpy())
    for row in (np.full(shape, 2.0, np.float32), np.where(np.arange(shape[-1]) == 3, np.inf, x).astype(np.float32)):
        for eps in (0.0, 1e-5):
            e = F.layer_norm(ember.tensor(row), (shape[-1],), eps=eps).numpy()
            t = torch.nn.functional.layer_norm(torch.tensor(row), (shape[-1],), eps=eps).numpy()
            np.testing.assert_array_equal(np.isnan(e), np.isnan(t))
            np.testing.assert_allclose(e[~np.isnan(e)], t[~np.isnan(t)], rtol=1e-5, atol=1e-5)
