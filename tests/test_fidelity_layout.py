"""stride() / is_contiguous() of op results vs torch 2.13: elementwise ops follow the input's layout,
clone and *_like keep it (preserve_format), contiguous()/reductions/cat give contiguous results."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def T(m):
    return m.arange(12.).reshape(3, 4).t()


def P(m):
    return m.arange(24.).reshape(2, 3, 4).permute(2, 0, 1)


def CL(m):  # channels-last-like strides
    return m.arange(2 * 3 * 4 * 5.).reshape(2, 4, 5, 3).permute(0, 3, 1, 2)


def SL(m):  # not dense: every other row, transposed
    return m.arange(48.).reshape(8, 6)[::2].t()


CASES = {
    "t+1": lambda m: T(m) + 1, "t*t": lambda m: T(m) * T(m), "t.exp": lambda m: T(m).exp(), "neg": lambda m: -T(m),
    "t.contiguous": lambda m: T(m).contiguous(), "t.clone": lambda m: T(m).clone(), "perm.clone": lambda m: P(m).clone(),
    "perm+perm": lambda m: P(m) + P(m), "empty_like t": lambda m: m.empty_like(T(m)),
    "zeros_like t": lambda m: m.zeros_like(T(m)), "ones_like perm": lambda m: m.ones_like(P(m)),
    "full_like t": lambda m: m.full_like(T(m), 2.0), "zeros_like t int": lambda m: m.zeros_like(T(m), dtype=m.int32),
    "sum0 perm": lambda m: P(m).sum(0), "sum1 perm": lambda m: P(m).sum(1), "sum keepdim": lambda m: P(m).sum(1, keepdim=True),
    "mean t": lambda m: T(m).mean(0), "cat t": lambda m: m.cat([T(m), T(m)]), "cat1 t": lambda m: m.cat([T(m), T(m)], 1),
    "stack t": lambda m: m.stack([T(m), T(m)]), "cl+1": lambda m: CL(m) + 1, "cl relu": lambda m: CL(m).relu(),
    "cl*cl": lambda m: CL(m) * CL(m), "cl clone": lambda m: CL(m).clone(), "cl.contiguous": lambda m: CL(m).contiguous(),
    "cl zeros_like": lambda m: m.zeros_like(CL(m)), "t.to(f64)": lambda m: T(m).to(m.float64),
    "t>0": lambda m: T(m) > 0, "t.clamp": lambda m: T(m).clamp(0, 3), "t**2": lambda m: T(m) ** 2,
    "t.abs_": lambda m: T(m).clone().abs_(), "t matmul": lambda m: T(m) @ m.ones(3, 2), "t.sqrt": lambda m: T(m).sqrt(),
    "sliced clone": lambda m: SL(m).clone(), "sliced empty_like": lambda m: m.empty_like(SL(m)),
    "expanded clone": lambda m: m.ones(3).expand(2, 3).clone(), "expanded col clone": lambda m: m.ones(3, 1).expand(3, 4).t().clone(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_result_layout_matches_torch(name):
    t, e = CASES[name](torch), CASES[name](ember)
    assert (e.stride(), e.is_contiguous()) == (t.stride(), t.is_contiguous())
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6) if name not in ("empty_like t", "sliced empty_like") else None


def test_clone_keeps_values_and_grad():
    x = ember.arange(12.).reshape(3, 4).t().requires_grad_()
    y = x.clone()
    assert y.stride() == (1, 4)
    (y * ember.arange(12.).reshape(4, 3)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(12.).reshape(4, 3))
    z = x.contiguous()
    assert z.is_contiguous() and z.stride() == (3, 1)
    assert y.view(-1).shape == (12,) if y.is_contiguous() else y.reshape(-1).shape == (12,)
