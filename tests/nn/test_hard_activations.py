"""Hardswish / hardsigmoid outside autograd (ember/ops/nn/hard_activations.py) against PyTorch,
to the bit, in place and not, and the autograd forms left as they were."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")

VALUES = [-np.inf, -4.0, -3.0, -2.9999, -1.5, -0.0, 0.0, 1e-8, 0.5, 2.9999, 3.0, 3.5, 1e30, np.inf, np.nan]


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("inplace", [False, True])
def test_matches_torch_bitwise(name, dtype, inplace):
    rng = np.random.default_rng(0)
    a = np.concatenate([np.array(VALUES), rng.standard_normal(200) * 4]).astype(dtype).reshape(5, 43)
    xe, xt = ember.tensor(a.copy()), torch.tensor(a.copy())
    with ember.no_grad():
        ye = getattr(F, name)(xe, inplace=inplace)
    yt = getattr(torch.nn.functional, name)(xt, inplace=inplace)
    assert ye.dtype == getattr(ember, str(yt.dtype).split(".")[1])
    np.testing.assert_array_equal(ye.numpy(), yt.numpy())
    num = ~np.isnan(yt.numpy())                    # the sign of zeros too (-0.0 below -3)
    assert np.array_equal(np.signbit(ye.numpy())[num], np.signbit(yt.numpy())[num])
    if inplace:
        assert ye is xe
        np.testing.assert_array_equal(xe.numpy(), xt.numpy())
    else:
        np.testing.assert_array_equal(xe.numpy(), a)


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_inplace_on_a_view_writes_through(name):
    base_e, base_t = ember.arange(-6.0, 6.0, 0.5).reshape(4, 6), torch.arange(-6.0, 6.0, 0.5).reshape(4, 6)
    getattr(F, name)(base_e[:, 1::2], inplace=True)
    getattr(torch.nn.functional, name)(base_t[:, 1::2], inplace=True)
    np.testing.assert_array_equal(base_e.numpy(), base_t.numpy())


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_gradients_still_match_torch(name):
    a = np.array([-4.0, -3.0, -1.0, 0.0, 2.0, 3.0, 5.0])
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    getattr(F, name)(xe).sum().backward()
    getattr(torch.nn.functional, name)(xt).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy())
