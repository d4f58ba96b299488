"""MSE, smooth L1, Huber and soft-margin losses as one node each (``ops/nn/pointwise_loss.py``),
against torch: values, gradients of input and target, every reduction, broadcast targets,
integer targets, ``weight`` (mse/l1/huber, PyTorch's weighted mean), second derivatives, and
torch's node names."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

LOSSES = {
    "mse": lambda F, x, y, **k: F.mse_loss(x, y, **k),
    "smooth_l1": lambda F, x, y, **k: F.smooth_l1_loss(x, y, beta=0.7, **k),
    "smooth_l1_beta0": lambda F, x, y, **k: F.smooth_l1_loss(x, y, beta=0.0, **k),
    "huber": lambda F, x, y, **k: F.huber_loss(x, y, delta=0.8, **k),
    "soft_margin": lambda F, x, y, **k: F.soft_margin_loss(x, y, **k),
    "l1": lambda F, x, y, **k: F.l1_loss(x, y, **k),
}


def _run(L, name, x, y, reduction, yshape=None, grad_y=True, create_graph=False):
    X = L.tensor(x, requires_grad=True)
    Y = L.tensor(y, requires_grad=grad_y and y.dtype.kind == "f" and name != "soft_margin")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loss = LOSSES[name](L.nn.functional, X, Y, reduction=reduction)
    ins = [X] + ([Y] if Y.requires_grad else [])
    g = L.ones_like(loss) * 0.5 if reduction == "none" else None
    grads = L.autograd.grad(loss, ins, g, create_graph=create_graph)
    out = [loss.detach().numpy()] + [t.detach().numpy() for t in grads]
    if create_graph:
        out += [t.numpy() for t in L.autograd.grad(sum((t * t).sum() for t in grads), ins, allow_unused=True)
                if t is not None]
    return out, loss.grad_fn.name()


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_loss_matches_torch(name, reduction, dtype, tol):
    rng = np.random.default_rng(len(name))
    x = rng.standard_normal((6, 5)).astype(dtype)
    y = (np.sign(rng.standard_normal((6, 5))) if name == "soft_margin" else rng.standard_normal((6, 5))).astype(dtype)
    (e, en), (t, tn) = _run(ember, name, x, y, reduction), _run(torch, name, x, y, reduction)
    assert en == tn
    for a, b in zip(e, t):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["mse", "smooth_l1", "huber", "soft_margin"])
def test_broadcast_integer_targets_and_second_order(name):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3))
    y = rng.standard_normal((1, 3))
    (e, _), (t, _) = (_run(L, name, x, y, "mean", create_graph=True) for L in (ember, torch))
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    yi = np.sign(rng.standard_normal((4, 3))).astype(np.int64)           # an integer target
    xf = x.astype(np.float32)
    try:
        t, _ = _run(torch, name, xf, yi, "sum")
    except RuntimeError:              # (torch's huber backward refuses an integer target)
        return
    e, _ = _run(ember, name, xf, yi, "sum")
    for a, b in zip(e, t):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("fn", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weight_as_torch(fn, reduction):
    rng = np.random.default_rng(5)
    x, y, w = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), rng.random((4, 3))
    res = []
    for L in (ember, torch):
        X = L.tensor(x, requires_grad=True)
        loss = getattr(L.nn.functional, fn)(X, L.tensor(y), reduction=reduction, weight=L.tensor(w))
        g, = L.autograd.grad(loss.sum(), X)
        res.append((loss.detach().numpy(), g.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    for L in (ember, torch):          # a weight of another size than the input's
        with pytest.raises(ValueError, match="Weights and input must have the same size"):
            getattr(L.nn.functional, fn)(L.tensor(x), L.tensor(y), reduction=reduction, weight=L.tensor(w[0]))


def test_soft_margin_overflows_as_torch_and_bad_reduction_raises():
    for L in (ember, torch):      # torch has no target gradient for the soft margin loss
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
            L.nn.functional.soft_margin_loss(L.ones(2, requires_grad=True), L.ones(2, requires_grad=True))
    x, y = np.array([100.0, -3.0], np.float32), np.array([-1.0, 1.0], np.float32)
    e = ember.nn.functional.soft_margin_loss(ember.tensor(x), ember.tensor(y), reduction="none").numpy()
    t = torch.nn.functional.soft_margin_loss(torch.tensor(x), torch.tensor(y), reduction="none").numpy()
    np.testing.assert_allclose(e, t, rtol=1e-6)
    for L in (ember, torch):
        with pytest.raises(ValueError, match="is not a valid value for reduction"):
            L.nn.functional.mse_loss(L.ones(2), L.ones(2), reduction="avg")


@pytest.mark.parametrize("fn", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("extra", [(), ("weight",), ("pos_weight",), ("weight", "pos_weight")])
def test_bce_nodes_fold_weight_and_reduction_as_torch(fn, reduction, extra):
    if fn == "binary_cross_entropy" and "pos_weight" in extra:
        pytest.skip("binary_cross_entropy has no pos_weight")
    rng = np.random.default_rng(7)
    x = rng.random((4, 5)) * 0.9 + 0.05 if fn == "binary_cross_entropy" else rng.standard_normal((4, 5))
    y, w, pw = rng.random((4, 5)), rng.random(5), rng.random(5) + 0.5
    res = []
    for L in (torch, ember):
        X, Y = L.tensor(x, requires_grad=True), L.tensor(y, requires_grad=True)
        kw = {k: L.tensor({"weight": w, "pos_weight": pw}[k]) for k in extra}
        loss = getattr(L.nn.functional, fn)(X, Y, reduction=reduction, **kw)
        gx, gy = L.autograd.grad(loss.sum(), [X, Y], create_graph=True)
        gg, = L.autograd.grad((gx * gx).sum(), X)
        res.append([loss.detach().numpy(), gx.detach().numpy(), gy.detach().numpy(), gg.numpy(), loss.grad_fn.name()])
    assert res[0].pop() == res[1].pop()
    for a, b in zip(*res):            # (float64: the order of the weight's product differs)
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-14)
    for L in (ember, torch):          # weights are constants
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
            getattr(L.nn.functional, fn)(L.tensor(x), L.tensor(y), weight=L.tensor(w, requires_grad=True))
