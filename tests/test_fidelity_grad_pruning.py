"""autograd.grad / backward(inputs=...) ask each op only for the inputs that lead to the requested ones,
as torch 2.13 does (an input whose derivative is not implemented is fine when not asked for)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _pair(m):
    a = m.tensor([2.0, 3.5], dtype=m.float64, requires_grad=True)
    x = m.tensor([1.5, 0.7], dtype=m.float64, requires_grad=True)
    return a, x


@pytest.mark.parametrize("fn", ["igamma", "igammac"])
def test_grad_wrt_supported_input_only(fn):
    res = []
    for m in (torch, ember):
        a, x = _pair(m)
        y = getattr(m, fn)(a, x * 2).sin().sum()
        (gx,) = m.autograd.grad(y, [x], retain_graph=True)
        y.backward(inputs=[x], retain_graph=True)
        res.append((gx.numpy(), x.grad.numpy()))
        with pytest.raises(NotImplementedError):  # asking for every input still names the missing one
            y.backward()
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-10)
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-10)


def test_pruned_then_full_backward_keeps_needs_input_grad():
    res = []
    for m in (torch, ember):
        a, x = _pair(m)
        h = a * x
        y = (h.exp() * a).sum()
        (ga,) = m.autograd.grad(y, [a], retain_graph=True)
        (gh,) = m.autograd.grad(y, [h], retain_graph=True)
        y.backward()
        res.append([t.numpy() for t in (ga, gh, a.grad, x.grad)])
    for e, t in zip(res[1], res[0]):
        np.testing.assert_allclose(e, t, rtol=1e-12)
