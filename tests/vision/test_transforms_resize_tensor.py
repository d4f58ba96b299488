"""The tensor path of the resize transforms against torchvision's recipe written with torch ops:
v1 (``transforms.functional``, the presets, RandomResizedCrop) interpolates non-float images
in float32 and rounds back; v2 resizes uint8 with PyTorch's native uint8 kernels."""
import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F
from ember.vision.transforms.v2 import functional as F2

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _v1_ref(a, size, mode, antialias=True):
    """torchvision.transforms.functional.resize on a (..., C, H, W) tensor, in torch ops."""
    x = torch.from_numpy(a)
    shape = x.shape
    x = x.reshape(-1, *shape[-3:])
    interp = mode in ("bilinear", "bicubic")
    y = TF.interpolate(x if x.is_floating_point() else x.float(), size=size, mode=mode,
                       align_corners=False if interp else None, antialias=antialias and interp)
    exact = y.clone()
    if x.dtype == torch.uint8:
        if mode == "bicubic":
            y = y.clamp(0, 255)
        y = y.round().to(torch.uint8)
    return y.reshape(*shape[:-2], *size).numpy(), exact.reshape(*shape[:-2], *size).numpy()


def _assert_uint8_close(got, want, exact):
    """Equal, except where torch's float32 value sits on a rounding tie (x.5), which float32
    arithmetic in a different order may round the other way."""
    diff = got.astype(int) - want.astype(int)
    assert np.abs(diff).max(initial=0) <= 1
    frac = np.abs(exact[diff != 0] % 1.0 - 0.5)
    assert (frac < 1e-3).all(), frac


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "nearest-exact"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("shape,size", [((3, 40, 30), [17, 13]), ((2, 3, 9, 12), [20, 25]), ((1, 11, 13), [5, 27])])
def test_v1_resize_float_and_uint8(mode, antialias, shape, size):
    rng = np.random.default_rng(len(shape) + size[0])
    interp = T.InterpolationMode(mode)
    for dtype in ("float32", "float64"):
        a = rng.random(shape).astype(dtype)
        got = F.resize(ember.from_numpy(a), size, interpolation=interp, antialias=antialias)
        assert got.dtype == getattr(ember, dtype)
        np.testing.assert_allclose(got.numpy(), _v1_ref(a, size, mode, antialias)[0], rtol=1e-5, atol=1e-5)
    u = rng.integers(0, 256, shape, dtype=np.uint8)
    got = F.resize(ember.from_numpy(u), size, interpolation=interp, antialias=antialias).numpy()
    assert got.dtype == np.uint8
    _assert_uint8_close(got, *_v1_ref(u, size, mode, antialias))


def test_v1_resize_keeps_gradients_of_float_images():
    a = np.random.default_rng(0).random((3, 12, 10))
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ye = F.resize(xe, [5, 7], interpolation=T.InterpolationMode.BICUBIC)
    yt = TF.interpolate(xt[None], size=[5, 7], mode="bicubic", align_corners=False, antialias=True)[0]
    g = np.random.default_rng(1).standard_normal((3, 5, 7))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
@pytest.mark.parametrize("antialias", [True, False])
def test_v2_resize_uint8_is_native(mode, antialias):
    rng = np.random.default_rng(7)
    for shape, size in (((3, 40, 30), [17, 13]), ((2, 3, 9, 12), [20, 25]), ((4, 11, 13), [5, 27])):
        u = rng.integers(0, 256, shape, dtype=np.uint8)
        if mode == "lanczos" and not antialias:
            with pytest.raises(ValueError):
                F2.resize(ember.from_numpy(u), size, interpolation=mode, antialias=False)
            continue
        got = F2.resize(ember.from_numpy(u), size, interpolation=mode, antialias=antialias)
        x = torch.from_numpy(u).reshape(-1, *shape[-3:])
        want = TF.interpolate(x, size=size, mode=mode, align_corners=False, antialias=antialias)
        np.testing.assert_array_equal(got.numpy(), want.reshape(*shape[:-2], *size).numpy())


def test_v2_sizes_and_crop():
    x = ember.zeros(3, 10, 20)
    assert F2.resize(x, None, max_size=8).shape == (3, 4, 8)
    assert F2.resize(x, 5, max_size=8).shape == (3, 4, 8)
    with pytest.raises(ValueError):
        F2.resize(x, [5, 6], max_size=8)
    with pytest.raises(ValueError):
        F2.resize(x, [5, 6], interpolation="cubic")
    u = np.random.default_rng(2).integers(0, 256, (3, 16, 16), dtype=np.uint8)
    got = F2.resized_crop(ember.from_numpy(u), 2, 3, 10, 12, [6, 5], interpolation="bicubic")
    want = TF.interpolate(torch.from_numpy(u)[None, :, 2:12, 3:15], size=[6, 5], mode="bicubic",
                          align_corners=False, antialias=True)[0]
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert F2.resize_image(ember.zeros(0, 3, 5, 5), [2, 2]).shape == (0, 3, 2, 2)


def test_resized_crop_and_random_resized_crop_bicubic():
    u = np.random.default_rng(3).integers(0, 256, (3, 30, 40), dtype=np.uint8)
    got = F.resized_crop(ember.from_numpy(u), 4, 6, 20, 25, [9, 11], T.InterpolationMode.BICUBIC).numpy()
    _assert_uint8_close(got, *_v1_ref(np.ascontiguousarray(u[:, 4:24, 6:31]), [9, 11], "bicubic"))
    ember.manual_seed(0)
    t = T.RandomResizedCrop(12, interpolation=T.InterpolationMode.BICUBIC)
    ember.manual_seed(5)
    i, j, h, w = t.get_params(ember.from_numpy(u), t.scale, t.ratio)
    ember.manual_seed(5)
    out = t(ember.from_numpy(u.astype(np.float32)))
    want = _v1_ref(np.ascontiguousarray(u[:, i:i + h, j:j + w]).astype(np.float32), [12, 12], "bicubic")[0]
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-3)


def _preset_ref(a, resize, crop, mode, mean, std):
    h, w = a.shape[-2:]
    size = [resize, int(resize * w / h)] if h <= w else [int(resize * h / w), resize]
    y = torch.from_numpy(_v1_ref(a, size, mode)[0])
    top, left = int(round((size[0] - crop) / 2.0)), int(round((size[1] - crop) / 2.0))
    y = y[..., top:top + crop, left:left + crop]
    y = y.float() / 255.0 if y.dtype == torch.uint8 else y
    return ((y - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]).numpy()


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_bicubic_weights_preset_on_tensors(dtype):
    from ember.vision.models import EfficientNet_B0_Weights
    t = EfficientNet_B0_Weights.IMAGENET1K_V1.transforms()
    assert t.interpolation == T.InterpolationMode.BICUBIC
    rng = np.random.default_rng(4)
    a = rng.integers(0, 256, (3, 300, 270), dtype=np.uint8)
    a = a if dtype == "uint8" else (a / 255.0).astype(np.float32)
    got = t(ember.from_numpy(a)).numpy()
    want = _preset_ref(a, 256, 224, "bicubic", t.mean, t.std)
    assert got.shape == want.shape == (3, 224, 224)
    if dtype == "float32":  # torch's float32 tolerance, before normalising
        np.testing.assert_allclose(got, want, rtol=1.3e-6, atol=1e-5 / min(t.std))
    else:  # one step of 1/255 at a rounding tie, nowhere else
        step = 1 / 255 / min(t.std)
        assert np.abs(got - want).max() <= step + 1e-5 and (np.abs(got - want) > 1e-5).mean() < 1e-3
