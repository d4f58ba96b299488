"""Nearest and nearest-exact interpolation as one node (``ember.ops.nn.upsample_nearest``):
torch's values, gradients, second-order gradients (the backward's backward is the gather) and
node names, for integer and fractional scales, down- and upsampling, 1-3 spatial dims."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [((2, 3, 5), dict(scale_factor=2)), ((2, 3, 5), dict(size=3)), ((2, 3, 5, 6), dict(scale_factor=2)),
         ((2, 3, 5, 6), dict(size=(3, 8))), ((2, 3, 5, 6), dict(size=(7, 4), mode="nearest-exact")),
         ((2, 3, 4, 5, 6), dict(scale_factor=(2, 1, 0.5))), ((2, 3, 5, 6), dict(scale_factor=1.7)),
         ((2, 3, 9, 9), dict(size=(4, 2))), ((1, 1, 3, 3), dict(scale_factor=3)),
         ((3, 4, 4), dict(scale_factor=2, mode="nearest-exact"))]


@pytest.mark.parametrize("shape,kw", CASES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_nearest_matches_torch_to_second_order(shape, kw, dtype, tol):
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape).astype(dtype)
    g0 = None
    res = []
    for L in (torch, ember):
        X = L.tensor(x, requires_grad=True)
        y = L.nn.functional.interpolate(X, **kw)
        if g0 is None:
            g0 = rng.standard_normal(tuple(y.shape)).astype(dtype)
        g = L.tensor(g0, requires_grad=True)
        gx, = L.autograd.grad(y, X, g, create_graph=True)
        gg, = L.autograd.grad((gx * gx).sum(), g)
        res.append((y.detach().numpy(), gx.detach().numpy(), gg.numpy(), y.grad_fn.name()))
    assert res[1][3] == res[0][3]
    np.testing.assert_array_equal(res[1][0], res[0][0])
    for a, b in zip(res[0][1:3], res[1][1:3]):
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


def test_nearest_without_grad_is_a_gather():
    x = ember.arange(6.).reshape(1, 1, 2, 3)
    with ember.no_grad():
        y = ember.nn.functional.interpolate(x, scale_factor=2)
    assert y.grad_fn is None and tuple(y.shape) == (1, 1, 4, 6)
    np.testing.assert_array_equal(y.numpy()[0, 0, :, ::2], np.repeat(x.numpy()[0, 0], 2, axis=0))
