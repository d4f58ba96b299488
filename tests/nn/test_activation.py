"""Activations (F and modules) against PyTorch, including gradients at the kinks."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

X = np.array([-50, -5, -3, -2.5, -1, -0.5, 0, 0.5, 1, 2.5, 3, 5, 6, 7, 25, 100.0])

FUNCS = [("relu", {}), ("relu6", {}), ("hardtanh", {}), ("hardtanh", dict(min_val=-2.0, max_val=3.0)),
         ("leaky_relu", dict(negative_slope=0.2)), ("rrelu", {}), ("elu", dict(alpha=1.3)), ("selu", {}),
         ("celu", dict(alpha=2.0)), ("gelu", {}), ("gelu", dict(approximate="tanh")), ("silu", {}),
         ("mish", {}), ("softplus", {}), ("softplus", dict(beta=2, threshold=10)), ("softsign", {}),
         ("hardsigmoid", {}), ("hardswish", {}), ("logsigmoid", {}), ("tanhshrink", {}),
         ("softshrink", {}), ("hardshrink", dict(lambd=1.0)), ("threshold", dict(threshold=1.0, value=-2.0)),
         ("sigmoid", {}), ("tanh", {})]


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("name,kw", FUNCS)
def test_activation_matches_pytorch(name, kw, dtype, tol):
    x = X.astype(dtype)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = getattr(F, name)(xe, **kw), getattr(TF, name)(xt, **kw)
    assert str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=max(tol, 1e-8))


def test_prelu_glu():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4))
    w = np.array([0.1, 0.2, 0.3])
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    we, wt = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    F.prelu(xe, we).sum().backward()
    TF.prelu(xt, wt).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy())
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy())
    np.testing.assert_allclose(F.glu(ember.tensor(x), 2).numpy(), TF.glu(torch.tensor(x), 2).numpy())
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(ember.tensor(x), 1)


def test_rrelu_training_slopes_in_range():
    x = -ember.ones(1000)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    assert float(y.max()) <= -0.1 and float(y.min()) >= -0.3


def test_inplace_variants_modify_input():
    x = ember.tensor([-1.0, 2.0])
    F.leaky_relu(x, 0.5, inplace=True)
    assert x.tolist() == [-0.5, 2.0]
    m = ember.nn.ReLU(inplace=True)
    y = ember.tensor([-1.0, 2.0])
    m(y)
    assert y.tolist() == [0.0, 2.0]


MODULES = ["ReLU6()", "ReLU6(True)", "LeakyReLU()", "LeakyReLU(0.2, True)", "PReLU()", "PReLU(3)", "RReLU()",
           "ELU()", "ELU(inplace=True)", "SELU()", "SELU(True)", "CELU()", "GELU()", "GELU('tanh')", "SiLU()",
           "SiLU(True)", "Mish()", "Sigmoid()", "Tanh()", "Hardtanh()", "Hardtanh(-2, 2, True)",
           "Hardsigmoid()", "Hardswish()", "Softplus()", "Softsign()", "Threshold(0.1, 20.)", "LogSigmoid()",
           "GLU()", "Tanhshrink()", "Softshrink()", "Hardshrink()", "Softmax(dim=1)", "LogSoftmax(1)",
           "Softmin(0)", "ReLU(inplace=True)"]


@pytest.mark.parametrize("expr", MODULES)
def test_module_repr_and_forward(expr):
    ours, theirs = eval("ember.nn." + expr), eval("torch.nn." + expr)
    assert repr(ours) == repr(theirs)
    ours.eval(), theirs.eval()
    x = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(ember.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
