"""In-place activations on tensors inside a graph: forward and gradients match torch 2.13."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

ACTS = [("elu", {}), ("celu", {"alpha": 1.5}), ("selu", {}), ("relu", {}), ("leaky_relu", {"negative_slope": 0.2}),
        ("hardtanh", {}), ("relu6", {}), ("silu", {}), ("hardswish", {}), ("hardsigmoid", {}), ("mish", {}),
        ("threshold", {"threshold": 0.1, "value": -2.0})]


def _run(m, name, kw, w, b, x):
    lin_w = m.tensor(w, requires_grad=True)
    lin_b = m.tensor(b, requires_grad=True)
    h = m.nn.functional.linear(m.tensor(x), lin_w, lin_b)
    y = getattr(m.nn.functional, name)(h, inplace=True, **kw)
    assert y is h
    (y * y).sum().backward()
    return y.detach().numpy(), lin_w.grad.numpy(), lin_b.grad.numpy()


@pytest.mark.parametrize("name,kw", ACTS, ids=[a for a, _ in ACTS])
def test_inplace_activation_in_graph(name, kw):
    rng = np.random.default_rng(0)
    w, b, x = (rng.standard_normal(s) * 2 for s in [(4, 3), (4,), (5, 3)])
    for got, want in zip(_run(ember, name, kw, w, b, x), _run(torch, name, kw, w, b, x)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cls", ["ELU", "CELU", "SELU", "ReLU", "LeakyReLU", "Hardtanh", "SiLU", "Hardswish", "Mish"])
def test_inplace_module_after_linear_trains(cls):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 3)).astype(np.float32)
    grads = []
    for m in (ember, torch):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(3, 4), getattr(m.nn, cls)(inplace=True), m.nn.Linear(4, 1))
        if m is torch:  # same weights in both
            with torch.no_grad():
                for p, q in zip(net.parameters(), ember_params):
                    p.copy_(torch.from_numpy(q.detach().numpy()))
        else:
            ember_params = list(net.parameters())
        net(m.tensor(x)).pow(2).sum().backward()
        grads.append([p.grad.numpy() for p in net.parameters()])
    for g, t in zip(*grads):
        np.testing.assert_allclose(g, t, rtol=1e-4, atol=1e-6)
