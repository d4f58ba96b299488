"""Transforms against hand-computed expectations, Pillow and PyTorch's own ops."""
import colorsys

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def u8(rng):
    return rng.integers(0, 256, (3, 9, 12), dtype=np.uint8)


def pil(a):
    return Image.fromarray(np.ascontiguousarray(a.transpose(1, 2, 0)))


def test_to_tensor_scales_uint8_hwc(u8):
    hwc = u8.transpose(1, 2, 0)
    x = T.ToTensor()(hwc)
    assert x.dtype == ember.float32 and x.shape == (3, 9, 12)
    np.testing.assert_allclose(x.numpy(), u8 / 255.0, rtol=1e-6)
    np.testing.assert_allclose(T.ToTensor()(pil(u8)).numpy(), u8 / 255.0, rtol=1e-6)
    y = T.PILToTensor()(pil(u8))
    assert y.dtype == ember.uint8 and np.array_equal(y.numpy(), u8)
    gray = T.ToTensor()(Image.fromarray(u8[0]))
    assert gray.shape == (1, 9, 12)
    f = F.to_tensor(np.ones((2, 2, 1), np.float64))
    assert f.dtype == ember.float64 and f.max().item() == 1.0  # not scaled


def test_to_pil_image_roundtrip(u8):
    assert np.array_equal(np.asarray(F.to_pil_image(ember.from_numpy(u8))), u8.transpose(1, 2, 0))
    img = F.to_pil_image(ember.full((1, 2, 2), 0.5))
    assert img.mode == "L" and np.asarray(img).tolist() == [[127, 127], [127, 127]]  # truncates
    assert T.ToPILImage()(np.zeros((2, 2, 4), np.uint8)).mode == "RGBA"


def test_convert_image_dtype():
    x = ember.tensor([0, 128, 255], dtype=ember.uint8)
    np.testing.assert_allclose(F.convert_image_dtype(x).numpy(), [0, 128 / 255, 1], rtol=1e-6)
    assert F.convert_image_dtype(ember.tensor([0.0, 0.5, 1.0]), ember.uint8).tolist() == [0, 127, 255]
    assert F.convert_image_dtype(x, ember.int16).tolist() == [0, 128 * 128, 255 * 128]
    assert F.convert_image_dtype(ember.tensor([32767], dtype=ember.int16), ember.uint8).tolist() == [255]
    with pytest.raises(RuntimeError):
        F.convert_image_dtype(ember.tensor([1.0]), ember.int32)


def test_normalize(rng):
    x = ember.from_numpy(rng.random((2, 3, 4, 5), dtype=np.float32))
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
    want = (x.numpy() - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    got = T.Normalize(mean, std)(x)
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    y = x.clone()
    out = T.Normalize(mean, std, inplace=True)(y)
    assert out is y
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-6)
    with pytest.raises(TypeError):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), mean, std)
    with pytest.raises(ValueError, match="zero"):
        F.normalize(ember.zeros(3, 2, 2), mean, (1.0, 0.0, 1.0))


@pytest.mark.parametrize("size", [(5, 7), (18, 30), (9, 4), (4, 25)])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_resize_tensor_matches_torch_interpolate(torch_ref, rng, size, mode):
    a = rng.random((2, 3, 9, 12), dtype=np.float32)
    kw = {"align_corners": False} if mode == "bilinear" else {}
    want = torch_ref.nn.functional.interpolate(torch_ref.from_numpy(a), size=size, mode=mode, **kw).numpy()
    got = F.resize(ember.from_numpy(a), list(size), interpolation=T.InterpolationMode(mode), antialias=False)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    # uint8: interpolated in float, rounded and clamped back
    u = (a * 255).astype(np.uint8)
    want_u = torch_ref.nn.functional.interpolate(torch_ref.from_numpy(u.astype(np.float32)), size=size,
                                                 mode=mode, **kw).round().clamp(0, 255).to(torch_ref.uint8)
    got_u = F.resize(ember.from_numpy(u), list(size), interpolation=T.InterpolationMode(mode), antialias=False)
    assert got_u.dtype == ember.uint8
    assert np.abs(got_u.numpy().astype(int) - want_u.numpy().astype(int)).max() <= 1


@pytest.mark.parametrize("size", [(5, 7), (3, 4), (18, 30), (4, 25), (9, 5)])
def test_resize_tensor_antialias_matches_torch(torch_ref, rng, size):
    a = rng.random((2, 3, 9, 12), dtype=np.float32)
    want = torch_ref.nn.functional.interpolate(torch_ref.from_numpy(a), size=size, mode="bilinear",
                                               align_corners=False, antialias=True).numpy()
    got = F.resize(ember.from_numpy(a), list(size))  # antialias=True is the default
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    u = (a * 255).astype(np.uint8)
    want_u = torch_ref.nn.functional.interpolate(torch_ref.from_numpy(u), size=size, mode="bilinear",
                                                 align_corners=False, antialias=True).numpy()
    got_u = T.Resize(list(size))(ember.from_numpy(u)).numpy()
    assert got_u.dtype == np.uint8 and np.abs(got_u.astype(int) - want_u.astype(int)).max() <= 1


def test_resize_sizes_and_pil(u8):
    assert T.Resize(6)(ember.zeros(3, 9, 12)).shape == (3, 6, 8)
    assert T.Resize(6)(ember.zeros(3, 12, 9)).shape == (3, 8, 6)
    assert T.Resize(6, max_size=7)(ember.zeros(3, 9, 12)).shape == (3, 5, 7)
    assert T.Resize([4])(ember.zeros(1, 8, 8)).shape == (1, 4, 4)
    img = T.Resize((5, 7))(pil(u8))
    assert img.size == (7, 5)
    assert np.array_equal(np.asarray(img), np.asarray(pil(u8).resize((7, 5), Image.BILINEAR)))
    with pytest.raises(NotImplementedError):  # as torchvision: interpolate has no box mode
        F.resize(ember.zeros(1, 4, 4), [2, 2], T.InterpolationMode.BOX)


def test_center_crop_offsets():
    x = ember.arange(36).reshape(1, 6, 6)
    # (6 - 3) / 2 = 1.5 rounds to 2 (Python's round, as torchvision)
    assert F.center_crop(x, 3)[0, 0].tolist() == [14, 15, 16]
    assert F.center_crop(x, [4, 2])[0, :, 0].tolist() == [8, 14, 20, 26]
    big = F.center_crop(ember.ones(1, 2, 2), [4, 5])
    assert big.shape == (1, 4, 5) and big.sum().item() == 4 and big[0, 1, 1:3].tolist() == [1.0, 1.0]
    p = Image.fromarray(np.arange(36, dtype=np.uint8).reshape(6, 6))
    assert np.asarray(T.CenterCrop(3)(p))[0].tolist() == [14, 15, 16]


def test_crop_flips_pad_agree_between_pil_and_tensor(u8):
    t, p = ember.from_numpy(u8), pil(u8)

    def same(a, b):
        np.testing.assert_array_equal(a.numpy(), np.asarray(b).transpose(2, 0, 1))
    same(F.crop(t, 2, 3, 4, 5), F.crop(p, 2, 3, 4, 5))
    same(F.crop(t, -1, -2, 4, 5), F.crop(p, -1, -2, 4, 5))
    same(F.hflip(t), F.hflip(p))
    same(F.vflip(t), F.vflip(p))
    np.testing.assert_array_equal(F.hflip(t).numpy(), u8[:, :, ::-1])
    for mode in ("constant", "edge", "reflect", "symmetric"):
        want = np.pad(u8, [(0, 0), (2, 3), (1, 4)], mode=mode)
        got = F.pad(t, [1, 2, 4, 3], padding_mode=mode)
        np.testing.assert_array_equal(got.numpy(), want)
        same(got, F.pad(p, [1, 2, 4, 3], padding_mode=mode))
    assert F.pad(t, 1, fill=7)[0, 0, 0].item() == 7
    assert np.asarray(F.pad(p, 1, fill=(1, 2, 3)))[0, 0].tolist() == [1, 2, 3]
    assert F.pad(t, [-1, 0]).shape == (3, 9, 10)


def test_rotate(u8, rng):
    t = ember.from_numpy(u8[:, :9, :9].copy())
    np.testing.assert_array_equal(F.rotate(t, 90).numpy(), np.rot90(u8[:, :9, :9], 1, axes=(1, 2)))
    np.testing.assert_array_equal(F.rotate(t, -90).numpy(), np.rot90(u8[:, :9, :9], -1, axes=(1, 2)))
    p = pil(u8[:, :9, :9])
    np.testing.assert_array_equal(np.asarray(F.rotate(p, 90)).transpose(2, 0, 1), F.rotate(t, 90).numpy())
    # arbitrary angles: nearest sampling agrees with Pillow on almost every pixel
    a = rng.integers(0, 256, (3, 20, 20), dtype=np.uint8)
    got = F.rotate(ember.from_numpy(a), 30).numpy()
    want = np.asarray(F.rotate(pil(a), 30)).transpose(2, 0, 1)
    assert (got == want).mean() > 0.95
    assert F.rotate(ember.ones(1, 5, 5), 45, fill=[9.0])[0, 0, 0].item() == 9.0
    b = F.rotate(ember.ones(1, 5, 5), 45, interpolation=T.InterpolationMode.BILINEAR)
    assert b[0, 2, 2].item() == pytest.approx(1.0) and b[0, 0, 0].item() == pytest.approx(2 - 2 ** 1.5 + 1, abs=1e-5)
    with pytest.raises(NotImplementedError):
        F.rotate(t, 10, expand=True)
    assert F.rotate(p, 10, expand=True).size[0] > 9


def test_grayscale(u8):
    r, g, b = u8.astype(np.float32)
    want = (0.2989 * r + 0.587 * g + 0.114 * b).astype(np.uint8)
    got = T.Grayscale()(ember.from_numpy(u8))
    assert got.shape == (1, 9, 12) and np.array_equal(got.numpy()[0], want)
    three = T.Grayscale(3)(ember.from_numpy(u8))
    assert three.shape == (3, 9, 12) and np.array_equal(three.numpy()[2], want)
    pg = np.asarray(T.Grayscale()(pil(u8))).astype(int)  # Pillow: 299/587/114, rounded
    assert np.abs(pg - want).max() <= 1
    f = F.rgb_to_grayscale(ember.from_numpy(u8 / 255.0)).numpy()[0]
    np.testing.assert_allclose(f, (0.2989 * r + 0.587 * g + 0.114 * b) / 255.0, rtol=1e-5)


def test_color_adjustments_float(rng):
    a = rng.random((3, 4, 5)).astype(np.float32)
    t = ember.from_numpy(a)
    np.testing.assert_allclose(F.adjust_brightness(t, 1.5).numpy(), np.clip(a * 1.5, 0, 1), rtol=1e-6)
    gray = 0.2989 * a[0] + 0.587 * a[1] + 0.114 * a[2]
    want = np.clip(0.5 * a + 0.5 * gray.mean(), 0, 1)
    np.testing.assert_allclose(F.adjust_contrast(t, 0.5).numpy(), want, rtol=1e-5)
    want = np.clip(2.0 * a - gray, 0, 1)
    np.testing.assert_allclose(F.adjust_saturation(t, 2.0).numpy(), want, rtol=1e-5, atol=1e-6)
    got = F.adjust_hue(t, 0.2).numpy()
    for (i, j) in [(0, 0), (1, 3), (3, 4)]:
        h, l_, s = colorsys.rgb_to_hsv(*a[:, i, j])
        np.testing.assert_allclose(got[:, i, j], colorsys.hsv_to_rgb((h + 0.2) % 1.0, l_, s), atol=1e-5)
    with pytest.raises(ValueError):
        F.adjust_hue(t, 0.7)


def test_color_adjustments_pil_close_to_tensor(u8):
    t, p = ember.from_numpy(u8), pil(u8)
    for fn, f in ((F.adjust_brightness, 1.3), (F.adjust_saturation, 0.4), (F.adjust_hue, 0.1)):
        got = fn(t, f).numpy().astype(int)
        want = np.asarray(fn(p, f)).transpose(2, 0, 1).astype(int)
        assert np.abs(got - want).max() <= (12 if fn is F.adjust_hue else 2), fn.__name__


def test_random_transforms_reproducible_and_shapes(u8):
    t = ember.from_numpy(u8)
    aug = T.Compose([T.RandomCrop(8, padding=2, padding_mode="reflect"), T.RandomHorizontalFlip(),
                     T.RandomVerticalFlip(), T.RandomRotation(15), T.ColorJitter(0.4, 0.4, 0.4, 0.1),
                     T.RandomResizedCrop(6)])
    ember.manual_seed(3)
    a = aug(t)
    ember.manual_seed(3)
    b = aug(t)
    assert a.shape == (3, 6, 6) and np.array_equal(a.numpy(), b.numpy())
    assert aug(pil(u8)).size == (6, 6)
    assert T.RandomCrop(12, pad_if_needed=True)(t).shape == (3, 12, 12)
    assert np.array_equal(T.RandomHorizontalFlip(p=1.0)(t).numpy(), u8[:, :, ::-1])
    assert T.RandomHorizontalFlip(p=0.0)(t) is t
    for _ in range(20):
        i, j, h, w = T.RandomResizedCrop.get_params(t, (0.08, 1.0), (3 / 4, 4 / 3))
        assert 0 <= i and i + h <= 9 and 0 <= j and j + w <= 12
        i, j, h, w = T.RandomCrop.get_params(t, (4, 5))
        assert 0 <= i <= 5 and 0 <= j <= 7 and (h, w) == (4, 5)
    with pytest.raises(ValueError):
        T.RandomCrop.get_params(t, (10, 5))


def test_batches_and_modules():
    x = ember.rand(4, 3, 8, 8)
    assert T.Resize(4)(x).shape == (4, 3, 4, 4)
    assert T.CenterCrop(2)(x).shape == (4, 3, 2, 2)
    assert T.Grayscale()(x).shape == (4, 1, 8, 8)
    assert T.Normalize([0.5] * 3, [0.5] * 3)(x).shape == x.shape
    assert T.Pad([1, 2])(x).shape == (4, 3, 12, 10)
    seq = ember.nn.Sequential(T.CenterCrop(4), T.Normalize([0.0] * 3, [1.0] * 3))
    assert seq(x).shape == (4, 3, 4, 4)
    assert "Normalize" in repr(T.Compose([T.Normalize([0.0], [1.0])]))
    assert T.Lambda(lambda v: v * 2)(3) == 6
    with pytest.raises(TypeError):
        T.Lambda(3)
    assert T.Resize(4, interpolation=0).interpolation is T.InterpolationMode.NEAREST  # PIL constants
    x = ember.rand(3, 4, 4, requires_grad=True)
    T.Normalize([0.5] * 3, [0.25] * 3)(x).sum().backward()  # differentiable, as torchvision
    assert x.grad.flatten().tolist() == [4.0] * 48


def test_color_adjustments_on_batches_equal_per_image():
    x = ember.rand(4, 3, 5, 6)
    for fn, f in ((F.adjust_contrast, 0.3), (F.adjust_saturation, 1.7), (F.adjust_hue, -0.2),
                  (F.adjust_brightness, 0.7)):
        per = np.stack([fn(x[i], f).numpy() for i in range(4)])
        np.testing.assert_array_equal(fn(x, f).numpy(), per)
