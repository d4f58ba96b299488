"""nn.utils clipping and flattening against PyTorch."""
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches(norm_type, max_norm):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,), (2, 2, 2)]]
    pe = [ember.nn.Parameter(ember.zeros(g.shape)) for g in grads]
    pt = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, q, g in zip(pe, pt, grads):
        p.grad, q.grad = ember.tensor(g), torch.tensor(g)
    ne = ember.nn.utils.clip_grad_norm_(pe, max_norm, norm_type)
    nt = torch.nn.utils.clip_grad_norm_(pt, max_norm, norm_type)
    assert abs(ne.item() - nt.item()) < 1e-4 * max(1, nt.item()) and ne.dtype == ember.float32
    for p, q in zip(pe, pt):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_clip_errors_and_value_and_vectors():
    p = ember.nn.Parameter(ember.ones(2))
    p.grad = ember.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        ember.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    p.grad = ember.tensor([-3.0, 0.5])
    ember.nn.utils.clip_grad_value_(p, 1.0)
    assert p.grad.tolist() == [-1.0, 0.5]
    lin = ember.nn.Linear(3, 2)
    v = ember.nn.utils.parameters_to_vector(lin.parameters())
    assert v.shape == (8,)
    ember.nn.utils.vector_to_parameters(ember.arange(8.0), lin.parameters())
    assert lin.bias.tolist() == [6.0, 7.0]
