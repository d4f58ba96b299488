"""The backward engine's array path (no create_graph: gradients travel as bare arrays through
FormulaOp formulas) against PyTorch: same gradients, and the cases where a Tensor is needed
(hooks, retain_grad, in-place checks, a second backward) behave as before."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _graph(T, x, y):
    a = x * y
    b = a + x
    c = b.sin()
    d = c * y
    e = d.exp() - x
    g = e.tanh() / y
    return (g ** 2 + a).sum()


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_graph_grads_match_torch(shape, dtype):
    rng = np.random.default_rng(0)
    xs = rng.uniform(0.2, 1.0, shape).astype(dtype)
    ys = rng.uniform(0.5, 1.5, shape).astype(dtype)
    got = []
    for T in (ember, torch):
        x = T.tensor(xs, requires_grad=True)
        y = T.tensor(ys, requires_grad=True)
        _graph(T, x, y).backward()
        got.append((x.grad.detach().numpy(), y.grad.detach().numpy(), str(x.grad.dtype)))
    (ex, ey, edt), (tx, ty, tdt) = got
    assert edt.split(".")[-1] == tdt.split(".")[-1]
    np.testing.assert_allclose(ex, tx, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ey, ty, rtol=1e-5, atol=1e-6)


def test_add_of_two_leaves_gives_separate_grads():
    # Add's formula returns one array for both inputs: each leaf must get its own .grad
    x = ember.ones(3, requires_grad=True)
    y = ember.ones(3, requires_grad=True)
    (x + y).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    x.grad.add_(1)
    assert y.grad.tolist() == [1.0, 1.0, 1.0]


def test_hooks_and_retain_grad_on_formula_nodes():
    out = []
    for T in (ember, torch):
        x = T.tensor([0.5, 1.0], requires_grad=True)
        s = x.sin()
        s.retain_grad()
        t = s.exp()
        t.register_hook(lambda g: g * 3)
        t.grad_fn.register_hook(lambda gi, go: None)
        t.sum().backward()
        out.append((x.grad.numpy().copy(), s.grad.numpy().copy()))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-6)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-6)


def test_inplace_change_of_saved_input_raises_like_torch():
    errs = []
    for T in (ember, torch):
        x = T.tensor([0.5, 1.0], requires_grad=True)
        a = x * 1
        y = a.sin()
        a.add_(1)
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        errs.append(str(e.value))
    assert "modified by an inplace operation" in errs[0]


def test_second_backward_raises_and_retain_graph_allows_it():
    x = ember.tensor([0.5], requires_grad=True)
    y = (x.sin() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    tx = torch.tensor([0.5], requires_grad=True)
    ty = (tx.sin() * tx).sum()
    ty.backward(retain_graph=True)
    ty.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_accumulates_into_existing_grad_and_float16_falls_back():
    x = ember.tensor([0.5, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 8.0]
    h = ember.tensor([0.5, 2.0], dtype=ember.float16, requires_grad=True)
    (h.exp() * h).sum().backward()
    th = torch.tensor([0.5, 2.0], dtype=torch.float16, requires_grad=True)
    (th.exp() * th).sum().backward()
    assert h.grad.dtype == ember.float16
    np.testing.assert_allclose(h.grad.numpy().astype(np.float32), th.grad.numpy().astype(np.float32),
                               rtol=1e-2)
