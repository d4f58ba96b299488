"""Convolutions (F and modules) against PyTorch: forward, backward, double backward, repr."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.fixture(params=["rows", "by_image", "by_image_one_per_block"], autouse=True)
def im2col_layout(request, monkeypatch):
    """Every test runs with both im2col layouts (ops/nn/conv_kernels.py picks one by output size), the
    by-image one also with one image per cache block."""
    import importlib
    from ember.nn.functional_conv import _C
    C = importlib.import_module(_C.__name__.rsplit(".", 1)[0] + ".conv_kernels")
    monkeypatch.setattr(C, "_BY_IMAGE", 10 ** 9 if request.param == "rows" else 0)
    if request.param == "by_image_one_per_block":
        monkeypatch.setattr(C, "_BLOCK_BYTES", 1)


def _cmp(fe, ft, arrays, tol):
    rng = np.random.default_rng(7)
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    ye, yt = fe(*E), ft(*T)
    assert tuple(ye.shape) == tuple(yt.shape)
    assert str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(tuple(yt.shape)).astype(arrays[0].dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


CONV2D = [  # (N, C, H, W), (O, C/g, kh, kw), stride, padding, dilation, groups
    ((2, 4, 9, 8), (6, 4, 3, 3), 1, 1, 1, 1),
    ((2, 4, 9, 8), (6, 2, 3, 2), 2, 0, 2, 2),
    ((1, 6, 7, 7), (6, 1, 3, 3), 1, 2, 1, 6),
    ((3, 3, 5, 6), (2, 3, 1, 1), (2, 1), (0, 1), 1, 1),
    ((2, 2, 6, 6), (4, 2, 3, 3), 1, "same", (2, 1), 1),
    ((2, 2, 6, 6), (4, 2, 3, 3), 1, "valid", 1, 1),
]


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("xs,ws,s,p,d,g", CONV2D)
def test_conv2d(xs, ws, s, p, d, g, dtype, tol):
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(sh).astype(dtype) for sh in (xs, ws, (ws[0],)))
    _cmp(lambda x, w, b: F.conv2d(x, w, b, s, p, d, g), lambda x, w, b: TF.conv2d(x, w, b, s, p, d, g),
         [x, w, b], tol)


def test_conv1d_conv3d_unbatched():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((4, 7)), rng.standard_normal((6, 2, 3))
    _cmp(lambda x, w: F.conv1d(x, w, None, 2, 1, 1, 2), lambda x, w: TF.conv1d(x, w, None, 2, 1, 1, 2), [x, w], 1e-10)
    x, w = rng.standard_normal((2, 2, 5, 4, 6)), rng.standard_normal((3, 2, 2, 3, 2))
    _cmp(lambda x, w: F.conv3d(x, w, None, (1, 2, 1), (1, 0, 1)),
         lambda x, w: TF.conv3d(x, w, None, (1, 2, 1), (1, 0, 1)), [x, w], 1e-10)


@pytest.mark.parametrize("nd,args", [(1, (2, 1, 1, 2, 1)), (2, (2, 1, 1, 2, 1)), (2, (1, 0, 0, 1, 2)),
                                     (3, (2, 0, 1, 1, 1))])
def test_conv_transpose(nd, args):
    rng = np.random.default_rng(2)
    s, p, op, g, d = args
    x = rng.standard_normal((2, 4) + (5,) * nd)
    w = rng.standard_normal((4, 3) + (3,) * nd)
    b = rng.standard_normal(3 * g)
    fe = getattr(F, f"conv_transpose{nd}d")
    ft = getattr(TF, f"conv_transpose{nd}d")
    _cmp(lambda x, w, b: fe(x, w, b, s, p, op, g, d), lambda x, w, b: ft(x, w, b, s, p, op, g, d), [x, w, b], 1e-10)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_modes(mode):
    x = np.random.default_rng(3).standard_normal((2, 3, 5, 4))
    _cmp(lambda x: F.pad(x, (1, 2, 2, 1), mode), lambda x: TF.pad(x, (1, 2, 2, 1), mode), [x], 1e-12)
    _cmp(lambda x: F.pad(x, (-1, 2), value=3.0), lambda x: TF.pad(x, (-1, 2), value=3.0), [x], 1e-12)


def test_conv2d_double_backward():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    res = []
    for lib, f in ((ember, F.conv2d), (torch, TF.conv2d)):
        xx, ww = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = f(xx, ww, None, 2, 1)
        gx, gw = lib.autograd.grad((y * y).sum(), (xx, ww), create_graph=True)
        res.append([a.detach().numpy() for a in lib.autograd.grad((gx * gx).sum() + (gw ** 3).sum(), (xx, ww))])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_conv_errors_like_pytorch():
    with pytest.raises(RuntimeError, match="expected input\\[1, 3, 5, 5\\] to have 4 channels, but got 3"):
        F.conv2d(ember.ones(1, 3, 5, 5), ember.ones(2, 4, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(ember.ones(1, 1, 2, 2), ember.ones(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match=r"expected weight to be at least 1 at dimension 0, but got weight "
                                           r"of size \[0, 2, 3, 3\]"):
        F.conv2d(ember.ones(1, 2, 5, 5), ember.ones(0, 2, 3, 3))
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        F.conv2d(ember.ones(1, 1, 3, 3, dtype=ember.float64), ember.ones(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match=r"Input type \(float\) and bias type \(double\) should be the same"):
        F.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2), ember.ones(1, dtype=ember.float64))


@pytest.mark.parametrize("cls,args,kw", [
    ("Conv2d", (1, 32, 3, 1), {}),
    ("Conv2d", (16, 33, (3, 5)), dict(stride=(2, 1), padding=(4, 2), dilation=(3, 1))),
    ("Conv2d", (4, 4, 3), dict(padding="same", groups=2, bias=False, padding_mode="reflect")),
    ("Conv1d", (4, 6, 3), dict(padding=1, padding_mode="circular")),
    ("Conv3d", (2, 4, 3), dict(stride=2)),
    ("ConvTranspose2d", (16, 8, 3, 2, 1, 1), {}),
    ("ConvTranspose1d", (4, 6, 3), dict(groups=2)),
])
def test_conv_modules_match_pytorch(cls, args, kw):
    ours, theirs = getattr(ember.nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    assert repr(ours) == repr(theirs)
    sd = theirs.state_dict()
    assert list(ours.state_dict()) == list(sd)
    assert [tuple(v.shape) for v in ours.state_dict().values()] == [tuple(v.shape) for v in sd.values()]
    ours.load_state_dict({k: ember.tensor(v.numpy()) for k, v in sd.items()})
    nd = int(cls[-2])
    x = np.random.default_rng(5).standard_normal((2, args[0]) + (9,) * nd).astype(np.float32)
    _cmp(lambda x: ours(x), lambda x: theirs(x), [x], 2e-4)
    # PyTorch's init: weight and bias within U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    fan_in = ours.weight[0].numel()
    assert float(ours.reset_parameters() or ours.weight.abs().max()) <= 1 / np.sqrt(fan_in) + 1e-6


@pytest.mark.parametrize("sp", [12, 5])
@pytest.mark.parametrize("transposed", [False, True])
def test_conv_empty_batch(sp, transposed):
    """A batch of zero images: empty output and input gradient, zero weight gradient."""
    res = []
    for lib, f in ((ember, F.conv_transpose2d if transposed else F.conv2d),
                   (torch, TF.conv_transpose2d if transposed else TF.conv2d)):
        x = lib.zeros(0, 4, sp, sp, requires_grad=True)
        w = lib.ones(*((4, 6, 3, 3) if transposed else (6, 4, 3, 3)), requires_grad=True)
        y = f(x, w, padding=1)
        y.sum().backward()
        res.append((tuple(y.shape), tuple(x.grad.shape), w.grad.detach().numpy()))
    assert res[0][:2] == res[1][:2]
    np.testing.assert_array_equal(res[0][2], res[1][2])


def test_conv_bfloat16_keeps_dtype_in_both_layouts():
    for sp in (5, 12):
        x = ember.ones(2, 4, sp, sp, dtype=ember.bfloat16, requires_grad=True)
        w = ember.ones(6, 4, 3, 3, dtype=ember.bfloat16, requires_grad=True)
        y = F.conv2d(x, w, padding=1)
        y.sum().backward()
        assert y.dtype == x.grad.dtype == w.grad.dtype == ember.bfloat16
