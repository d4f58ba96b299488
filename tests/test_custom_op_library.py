"""``torch.library.custom_op`` + ``register_autograd`` give the same values and gradients as PyTorch."""
import numpy as np
import pytest

import ember


def _define(lib, ns):
    @lib.library.custom_op(f"{ns}::scaled_mul", mutates_args=())
    def scaled_mul(x: lib.Tensor, y: lib.Tensor, s: float) -> lib.Tensor:
        return x * y * s

    @scaled_mul.register_fake
    def _(x, y, s):
        return lib.empty_like(x)

    def setup(ctx, inputs, output):
        x, y, s = inputs
        ctx.save_for_backward(x, y)
        ctx.s = s

    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y * ctx.s, g * x * ctx.s, None

    lib.library.register_autograd(f"{ns}::scaled_mul", backward, setup_context=setup)
    return scaled_mul


def test_custom_op_forward_and_backward_match_torch(torch_ref, rng):
    a, b = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((2, 3)).astype(np.float32)
    outs = []
    for lib, ns in ((ember, "embertest"), (torch_ref, "embertest_ref")):
        op = _define(lib, ns)
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out = op(x, y, 2.5)
        (out * out).sum().backward()
        outs.append((out.detach().numpy(), x.grad.numpy(), y.grad.numpy()))
    for o, t in zip(*outs):
        np.testing.assert_allclose(o, t, rtol=1e-6, atol=1e-6)


def test_custom_op_errors():
    with pytest.raises(ValueError):
        ember.library.custom_op("no_namespace", lambda x: x, mutates_args=())
    with pytest.raises(ValueError, match="must have a type annotation"):
        ember.library.custom_op("embertest::unannotated", lambda x: x, mutates_args=())
    with pytest.raises(RuntimeError, match="does not exist"):
        ember.library.register_fake("embertest::missing", lambda x: x)
    with pytest.raises(NotImplementedError):
        ember.library.Library("aten", "IMPL")
