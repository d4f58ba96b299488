"""Per-channel passes at memory speed (ember/_ufunc_buffers.py) give the same bits as the
plain broadcast, in eval-mode BatchNorm (every layout regime) and training BatchNorm; a
gradient that is a whole view of a fresh buffer becomes .grad without a copy."""
import numpy as np
import pytest

import ember
from ember import _ufunc_buffers as ub


@pytest.mark.parametrize("inner", [49, 511, 512, 784, 1024, 3136, 8191, 8192, 50176])
def test_rows_and_expanded_rows_keep_the_bits(inner):
    rng = np.random.default_rng(inner)
    x = rng.standard_normal((3, 5, inner)).astype(np.float32)
    s = rng.standard_normal(5).astype(np.float32)
    ref = x * s.reshape(5, 1) + s.reshape(5, 1)
    with ub.rows(inner):
        got = x * ub.expand_rows(s, inner) + ub.expand_rows(s, inner)
    np.testing.assert_array_equal(got, ref)
    assert np.getbufsize() == 8192


def test_row_buffer_choices():
    assert ub.row_buffer(100) is None and ub.row_buffer(8192) is None
    assert ub.row_buffer(784) == 784 and ub.row_buffer(3136) == 1024
    assert ub.row_buffer(600) % 16 == 0


@pytest.mark.parametrize("shape", [(1, 4, 7, 7), (3, 4, 7, 7), (2, 3, 28, 28), (2, 3, 56, 56),
                                   (1, 3, 56, 56), (2, 2, 100, 100), (2, 5)])
@pytest.mark.parametrize("threads", [1, 2])
def test_batchnorm_eval_matches_the_formula_bit_for_bit(shape, threads):
    rng = np.random.default_rng(0)
    C = shape[1]
    bn = ember.nn.BatchNorm2d(C) if len(shape) == 4 else ember.nn.BatchNorm1d(C)
    with ember.no_grad():
        bn.running_mean.copy_(ember.tensor(rng.standard_normal(C).astype(np.float32)))
        bn.running_var.copy_(ember.tensor(rng.random(C).astype(np.float32) + 0.5))
        bn.weight.copy_(ember.tensor(rng.standard_normal(C).astype(np.float32)))
        bn.bias.copy_(ember.tensor(rng.standard_normal(C).astype(np.float32)))
    bn.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    scale = (np.float32(1) / np.sqrt(bn.running_var.numpy() + np.float32(1e-5))) * bn.weight.detach().numpy()
    shift = -bn.running_mean.numpy() * scale + bn.bias.detach().numpy()
    b = (1, -1) + (1,) * (len(shape) - 2)
    old = ember.get_num_threads()
    ember.set_num_threads(threads)
    try:
        with ember.no_grad():
            y = bn(ember.tensor(x)).numpy()
    finally:
        ember.set_num_threads(old)
    np.testing.assert_array_equal(y, x * scale.reshape(b) + shift.reshape(b))


@pytest.mark.parametrize("shape", [(4, 3, 56, 56), (2, 3, 7, 7), (2, 3, 28, 28)])
def test_batchnorm_train_against_torch(shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    outs = []
    for T in (ember, torch):
        bn = T.nn.BatchNorm2d(shape[1])
        xt = T.tensor(x, requires_grad=True)
        y = bn(xt)
        y.backward(T.tensor(g))
        outs.append((y.detach().numpy(), xt.grad.numpy(), bn.weight.grad.numpy(), bn.running_var.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_whole_view_gradient_taken_without_a_copy():
    from ember._tensor import _wrap
    held, keep = [], [False]

    class ViewGrad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, w):
            return w.sum()

        @staticmethod
        def backward(ctx, g):
            buf = np.full(6, 2.0, np.float32)       # a fresh buffer; the gradient a view of it
            if keep[0]:
                held.append(buf)
            return _wrap(buf.reshape(2, 3))

    w = ember.zeros(2, 3, requires_grad=True)
    ViewGrad.apply(w).backward()
    assert w.grad.tolist() == [[2.0] * 3] * 2
    assert w.grad.numpy().base is not None          # the view itself is .grad (a copy owns its data)
    keep[0] = True
    w.grad = None
    ViewGrad.apply(w).backward()
    assert w.grad.tolist() == [[2.0] * 3] * 2
    assert not np.shares_memory(w.grad.numpy(), held[0])   # still referenced elsewhere: copied
