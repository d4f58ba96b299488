"""Binary cross-entropy losses at the extremes vs torch 2.13: forward, input/target/pos_weight gradients,
float32 and float64, every reduction."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

P_X = [0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 0.999, 0.25]
P_Y = [1.0, 0.0, 0.0, 1.0, 0.3, 1.0, 0.5, 0.9]
L_X = [0.0, 1e4, -1e4, 0.0, 50.0, -50.0, float("inf"), -float("inf"), 1e30, 0.0, -3.0, 2.5]
L_Y = [1.0, 0.0, 1.0, 0.3, 0.0, 1.0, 0.0, 1.0, 0.5, 0.0, 0.7, 0.2]


def _run(m, kind, dt, red, pw, w):
    F = m.nn.functional
    d = getattr(m, dt)
    xs, ys = (P_X, P_Y) if kind == "bce" else (L_X, L_Y)
    x = m.tensor(xs, dtype=d, requires_grad=True)
    y = m.tensor(ys, dtype=d, requires_grad=True)
    kw = {"reduction": red}
    if w:
        kw["weight"] = m.linspace(0.5, 2.0, len(xs), dtype=d)
    leaves = [x, y]
    if kind == "bce":
        out = F.binary_cross_entropy(x, y, **kw)
    else:
        if pw:
            kw["pos_weight"] = m.tensor([2.0], dtype=d)
        out = F.binary_cross_entropy_with_logits(x, y, **kw)
    (out * m.linspace(1.0, 2.0, out.numel(), dtype=d).reshape(out.shape)).sum().backward()
    return [out.detach().numpy()] + [t.grad.numpy() for t in leaves]


CASES = [("bce", False, w) for w in (False, True)] + [("bcel", pw, w) for pw in (False, True) for w in (False, True)]


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("red", ["none", "mean", "sum"])
@pytest.mark.parametrize("kind,pw,w", CASES)
def test_bce_extremes_match_torch(kind, pw, w, dt, red):
    got, want = _run(ember, kind, dt, red, pw, w), _run(torch, kind, dt, red, pw, w)
    assert len(got) == len(want)
    for g, t in zip(got, want):
        assert g.dtype == t.dtype and g.shape == t.shape
        np.testing.assert_allclose(g, t, rtol=2e-6 if dt == "float32" else 1e-12, equal_nan=True)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(t))


def test_bce_with_logits_grad_at_zero_is_half_minus_target():
    x = ember.zeros(3, requires_grad=True)
    ember.nn.functional.binary_cross_entropy_with_logits(x, ember.tensor([1.0, 0.0, 0.3]), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 0.5, 0.2], rtol=1e-6)


@pytest.mark.parametrize("kind", ["bce", "bcel"])
def test_bce_double_backward_matches_torch(kind):
    res = []
    for m in (torch, ember):
        x = m.tensor([0.2, 0.7, 0.45] if kind == "bce" else [-1.5, 0.0, 2.0], dtype=m.float64, requires_grad=True)
        y = m.tensor([1.0, 0.25, 0.0], dtype=m.float64)
        F = m.nn.functional
        loss = F.binary_cross_entropy(x, y) if kind == "bce" else \
            F.binary_cross_entropy_with_logits(x, y, pos_weight=m.tensor([3.0], dtype=m.float64))
        (g,) = m.autograd.grad(loss, [x], create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), [x])
        res.append((g.detach().numpy(), gg.numpy()))
    for e, t in zip(res[1], res[0]):
        np.testing.assert_allclose(e, t, rtol=1e-10)


def test_pos_weight_requiring_grad_is_refused_as_torch():
    for m in (ember, torch):
        pw = m.tensor([2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'pos_weight'"):
            m.nn.functional.binary_cross_entropy_with_logits(m.zeros(2), m.ones(2), pos_weight=pw)
        with m.no_grad():
            out = m.nn.functional.binary_cross_entropy_with_logits(m.zeros(2), m.ones(2), pos_weight=pw)
        assert abs(float(out) - 2 * np.log(2)) < 1e-6
