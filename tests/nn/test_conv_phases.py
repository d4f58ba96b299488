"""The input gradient of a convolution as stride-1 convolutions of the output gradient (one per
residue of the input positions mod the stride) against PyTorch, and against the GEMM + col2im
kernel: float32 and float64, strides, asymmetric padding, dilation, groups, output padding."""
import importlib
import itertools

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

from ember.nn.functional_conv import _C  # noqa: E402
K = importlib.import_module("ember.ops.nn.conv_kernels")  # the im2col kernels (depthwise goes to its own)


@pytest.fixture(params=["phases", "col2im"])
def algorithm(request, monkeypatch):
    """Every input gradient by phases, or none (the col2im kernel), whatever its shape."""
    monkeypatch.setattr(K, "_PHASES_ALL", request.param == "phases")
    monkeypatch.setattr(K, "_PHASES_MIN_C", 0 if request.param == "phases" else 10 ** 9)
    return request.param


CASES = [  # (N, C, *sp), (O, C/g, *k), stride, padding, dilation, groups
    ((2, 4, 9, 8), (6, 4, 3, 3), 1, 1, 1, 1),
    ((2, 4, 9, 8), (6, 4, 3, 3), 2, 1, 1, 1),
    ((2, 4, 10, 9), (6, 2, 3, 2), 2, 0, 2, 2),
    ((1, 6, 11, 11), (4, 3, 5, 5), 3, 2, 1, 2),
    ((2, 3, 12, 7), (5, 3, 3, 3), (2, 1), (0, 2), (3, 1), 1),
    ((2, 4, 9, 9), (4, 4, 1, 1), 2, 0, 1, 1),
    ((2, 4, 9, 9), (4, 4, 4, 4), 2, 3, 2, 1),
    ((3, 2, 7, 8), (2, 2, 7, 7), 1, 3, 1, 1),
]


@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("xs,ws,s,p,d,g", CASES)
def test_input_gradient_matches_torch(xs, ws, s, p, d, g, dtype, tol, algorithm):
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x, w, b = (rng.standard_normal(sh).astype(dtype) for sh in (xs, ws, (ws[0],)))
    E = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    T = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    ye, yt = F.conv2d(*E, s, p, d, g), TF.conv2d(*T, s, p, d, g)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    gy = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(gy))
    yt.backward(torch.tensor(gy))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


def test_same_padding_1d_3d_and_double_backward(algorithm):
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 4, 9)), rng.standard_normal((6, 2, 4))
    for args in ((1, "same", 2, 2), (3, 2, 1, 2)):
        E = [ember.tensor(a, requires_grad=True) for a in (x, w)]
        T = [torch.tensor(a, requires_grad=True) for a in (x, w)]
        ye, yt = F.conv1d(*E, None, *args), TF.conv1d(*T, None, *args)
        (ge,) = ember.autograd.grad((ye * ye).sum(), E[0], create_graph=True)
        (gt,) = torch.autograd.grad((yt * yt).sum(), T[0], create_graph=True)
        np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), atol=1e-10)
        ge.sum().backward()
        gt.sum().backward()
        for e, t in zip(E, T):
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), atol=1e-10)
    x, w = rng.standard_normal((1, 2, 5, 6, 7)), rng.standard_normal((3, 2, 3, 2, 3))
    E = [ember.tensor(a, requires_grad=True) for a in (x, w)]
    T = [torch.tensor(a, requires_grad=True) for a in (x, w)]
    F.conv3d(*E, None, (2, 1, 3), (1, 0, 2), (1, 2, 1)).sum().backward()
    TF.conv3d(*T, None, (2, 1, 3), (1, 0, 2), (1, 2, 1)).sum().backward()
    np.testing.assert_allclose(E[0].grad.numpy(), T[0].grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("s,p,op,d", [(2, 1, 1, 1), (3, 0, 2, 1), (2, 2, 1, 3), (1, 1, 0, 2)])
def test_conv_transpose_with_output_padding(s, p, op, d, algorithm):
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(6)
    E = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    T = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    ye = F.conv_transpose2d(*E, s, p, op, 2, d)
    yt = TF.conv_transpose2d(*T, s, p, op, 2, d)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), atol=1e-10)
    ye.backward(ember.ones_like(ye))
    yt.backward(torch.ones_like(yt))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), atol=1e-10)


def test_every_geometry_of_one_dim_equals_col2im(monkeypatch):
    """All strides 1-3, dilations 1-3, kernels 1-5, paddings 0-4 on 1-d inputs of several sizes:
    phases and col2im give the same input gradient."""
    rng = np.random.default_rng(5)
    for s, d, k, p, n in itertools.product((1, 2, 3), (1, 2, 3), (1, 2, 5), (0, 1, 4), (5, 8)):
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        out = (n + 2 * p - d * (k - 1) - 1) // s + 1
        gy, w = rng.standard_normal((2, 3, out)), rng.standard_normal((3, 2, k))
        args = (gy, w, (n,), (s,), ((p, p),), (d,), 1)
        monkeypatch.setattr(K, "_PHASES_ALL", True)
        a = K.conv_dx_fwd(*args)
        monkeypatch.setattr(K, "_PHASES_ALL", False)
        monkeypatch.setattr(K, "_PHASES_MIN_C", 10 ** 9)
        np.testing.assert_allclose(a, K.conv_dx_fwd(*args), atol=1e-12)


@pytest.mark.parametrize("layout", ["rows", "by_image"])
@pytest.mark.parametrize("xs,ws,s,p,d,g", CASES[:5])
def test_products_split_over_two_threads(xs, ws, s, p, d, g, layout, monkeypatch):
    """Every GEMM split into blocks over the pool (the BLAS single-threaded in each)."""
    monkeypatch.setattr(K, "_PAR_FLOPS", 0)
    monkeypatch.setattr(K, "_BY_IMAGE", 10 ** 9 if layout == "rows" else 0)
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        rng = np.random.default_rng(sum(xs))
        x, w = (rng.standard_normal(sh).astype(np.float32) for sh in (xs[:1] + xs[1:], ws))
        for n in (1, xs[0]):      # one image: the by-image products split; several: images split
            E = [ember.tensor(a, requires_grad=True) for a in (x[:n], w)]
            T = [torch.tensor(a, requires_grad=True) for a in (x[:n], w)]
            ye, yt = F.conv2d(*E, None, s, p, d, g), TF.conv2d(*T, None, s, p, d, g)
            np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=3e-4, atol=3e-4)
            gy = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
            ye.backward(ember.tensor(gy))
            yt.backward(torch.tensor(gy))
            for e, t in zip(E, T):
                np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=3e-4, atol=3e-4)
    finally:
        ember.set_num_threads(old)
