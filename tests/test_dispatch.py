"""The one dispatch path: every elementwise op enters through ``apply_op`` (seen by the op
observer, with and without grad), and a gradient formula written once gives the same
gradients on its NumPy path (no create_graph) and its Tensor path (create_graph, half
types), matching PyTorch, including second derivatives."""
import threading

import numpy as np
import pytest

import ember
from ember.autograd.function import _set_op_observer

torch = pytest.importorskip("torch")

UNARY = ["neg", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "sqrt", "rsqrt",
         "reciprocal", "square", "tan", "asin", "atan", "sinh", "cosh"]
BINARY = ["add", "sub", "mul", "div", "pow"]


def _observe(fn):
    seen = []
    prev = _set_op_observer(lambda op, ins, outs: seen.append((op, ins, outs)))
    try:
        fn()
    finally:
        _set_op_observer(prev)
    return seen


@pytest.mark.parametrize("grad", [False, True])
def test_observer_sees_every_op_with_inputs_and_outputs(grad):
    x = ember.tensor([0.5, 0.25], requires_grad=grad)
    y = ember.tensor([2.0, 3.0])
    out = {}

    def run():
        out["a"] = x * y
        out["b"] = out["a"].exp()
        out["c"] = out["b"] + 1
    seen = _observe(run)
    assert [op.__name__ for op, _, _ in seen] == ["Mul", "Exp", "Add"]
    op, ins, outs = seen[0]
    assert ins[0] is x and ins[1] is y and outs == (out["a"],)
    assert seen[2][1][1] == 1          # the non-tensor argument follows the tensors
    assert seen[2][2][0] is out["c"]
    assert out["c"].requires_grad == grad


def test_observer_is_per_thread_and_removable():
    seen_other = []

    def other():
        prev = _set_op_observer(lambda op, ins, outs: seen_other.append(op.__name__))
        ember.ones(2).sin()
        _set_op_observer(prev)
    seen = _observe(lambda: (ember.ones(2).cos(), threading.Thread(target=other).start()))
    for t in threading.enumerate():
        if t is not threading.current_thread():
            t.join(timeout=5)
    assert [op.__name__ for op, _, _ in seen] == ["Cos"]
    assert seen_other == ["Sin"]
    assert _observe(lambda: None) == []
    ember.ones(2).exp()  # no observer left set: nothing is called


def _ember_fn(name):
    return getattr(ember, name)


def _run(mod, name, xs, create_graph):
    ts = [mod.tensor(x, requires_grad=True) for x in xs]
    fn = getattr(mod, name)
    y = fn(*ts) if len(ts) > 1 else fn(ts[0])
    gs = (mod.autograd.grad(y.sum(), ts, create_graph=create_graph))
    out = [y.detach().numpy().astype(np.float64)] + [g.detach().numpy().astype(np.float64) for g in gs]
    if create_graph:  # second derivative through the first one's graph
        s = sum((g * g).sum() for g in gs)
        g2 = mod.autograd.grad(s, ts, allow_unused=True) if s.requires_grad else [None] * len(ts)
        out += [np.zeros(len(xs[0])) if g is None else g.detach().numpy(force=True).astype(np.float64)
                for g in g2]
    return out


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY)
def test_unary_formula_matches_torch(name, dtype, create_graph):
    x = np.array([0.3, 0.7, -0.4 if name not in ("log", "sqrt", "rsqrt") else 1.6], dtype)
    got = _run(ember, name, [x], create_graph)
    want = _run(torch, name, [x], create_graph)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", BINARY)
def test_binary_formula_matches_torch(name, create_graph):
    a = np.array([0.3, 0.7, 1.4], np.float64)
    b = np.array([1.5, 2.0, 0.5], np.float64)
    got = _run(ember, name, [a, b], create_graph)
    want = _run(torch, name, [a, b], create_graph)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("exponent", [2, 0, 0.5, -1, 3])
def test_pow_scalar_exponent_grads_match_torch(exponent):
    res = []
    for mod in (ember, torch):
        x = mod.tensor([0.5, 2.0, 3.0], requires_grad=True)
        (x ** exponent).sum().backward()
        res.append(x.grad.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-6)


def test_half_precision_takes_the_tensor_path():
    for mod in (ember, torch):
        x = mod.tensor([0.5, 1.5], dtype=mod.float16, requires_grad=True)
        (x.sin() * x).sum().backward()
        assert x.grad.dtype == mod.float16
    e = ember.tensor([0.5, 1.5], dtype=ember.float16, requires_grad=True)
    t = torch.tensor([0.5, 1.5], dtype=torch.float16, requires_grad=True)
    (e.sin() * e).sum().backward()
    (t.sin() * t).sum().backward()
    np.testing.assert_allclose(e.grad.numpy().astype(np.float32), t.grad.numpy().astype(np.float32),
                               rtol=2e-3)


def test_int_tensor_to_float_power_is_float_as_torch():
    e, t = ember.tensor([3]) ** 2.0, torch.tensor([3]) ** 2.0
    assert str(e.dtype) == str(t.dtype) == "torch.float32"
    assert (ember.tensor([True, False]) ** 2).tolist() == (torch.tensor([True, False]) ** 2).tolist()
    assert str((ember.tensor([True]) ** 2).dtype) == str((torch.tensor([True]) ** 2).dtype)


def test_mixed_dtypes_promote_as_torch_in_backward():
    # a 0-d float64 tensor meeting a float32 tensor: the result (and its gradient) stay float32
    for mod in (ember, torch):
        x = mod.tensor([1.0, 2.0], requires_grad=True)
        s = mod.tensor(3.0, dtype=mod.float64, requires_grad=True)
        (x * s).sum().backward()
        assert x.grad.dtype == mod.float32 and s.grad.dtype == mod.float64


def test_saved_input_modified_in_place_is_detected():
    x = ember.tensor([0.5, 1.0], requires_grad=True)
    a = x * 1
    y = a.sin()
    a.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
