"""make_grid / save_image against hand-built grids; tensor rotate against torch's grid_sample."""
import math

import numpy as np
import pytest

import ember
from ember.vision.transforms import functional as F
from ember.vision.utils import make_grid, save_image


def test_make_grid_layout(rng):
    a = rng.random((5, 3, 2, 3)).astype(np.float32)
    g = make_grid(ember.from_numpy(a), nrow=2, padding=1, pad_value=0.25).numpy()
    assert g.shape == (3, 1 + 3 * 3, 1 + 2 * 4)
    for k in range(5):
        y, x = divmod(k, 2)
        np.testing.assert_array_equal(g[:, 1 + 3 * y:3 + 3 * y, 1 + 4 * x:4 + 4 * x], a[k])
    assert (g[:, 0] == 0.25).all() and (g[:, 7:, 5:] == 0.25).all()  # padding and the empty slot
    assert make_grid(ember.zeros(2, 1, 4, 4)).shape == (3, 8, 14)  # one channel -> three
    assert make_grid([ember.zeros(3, 4, 4)] * 3, nrow=8, padding=0).shape == (3, 4, 12)
    assert make_grid(ember.zeros(1, 3, 4, 4)).shape == (3, 4, 4)


def test_make_grid_normalize(rng):
    a = np.stack([np.linspace(-1, 1, 12, dtype=np.float32).reshape(1, 3, 4),
                  np.linspace(0, 4, 12, dtype=np.float32).reshape(1, 3, 4)])
    g = make_grid(ember.from_numpy(a), normalize=True, padding=0).numpy()
    np.testing.assert_allclose(g[0, :, :4], (a[0, 0] + 1) / 5, rtol=1e-6)
    g = make_grid(ember.from_numpy(a), normalize=True, scale_each=True, padding=0).numpy()
    np.testing.assert_allclose(g[0, :, 4:], a[1, 0] / 4, rtol=1e-6)
    g = make_grid(ember.from_numpy(a), normalize=True, value_range=(0.0, 2.0), padding=0).numpy()
    np.testing.assert_allclose(g[0, :, 4:], np.clip(a[1, 0] / 2, 0, 1), rtol=1e-6)
    with pytest.raises(TypeError):
        make_grid(ember.from_numpy(a), normalize=True, value_range=[0, 1])


def test_save_image_roundtrip(tmp_path, rng):
    Image = pytest.importorskip("PIL.Image")
    a = rng.random((2, 3, 4, 5)).astype(np.float32)
    p = tmp_path / "g.png"
    save_image(ember.from_numpy(a), str(p), nrow=2, padding=0)
    back = np.asarray(Image.open(p))
    want = np.clip(np.concatenate([a[0], a[1]], 2) * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(back, want)


@pytest.mark.parametrize("angle", [17.0, -40.0, 90.0, 135.0])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_rotate_matches_grid_sample(torch_ref, rng, angle, mode):
    """torchvision rotates tensors with affine_grid + grid_sample(align_corners=False)."""
    h, w = (7, 10) if mode == "bilinear" else (9, 9)  # non-square 90 degrees puts nearest on exact ties
    a = rng.random((2, 3, h, w)).astype(np.float32)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    theta = torch_ref.tensor([[[c, -s * h / w, 0.0], [s * w / h, c, 0.0]]] * 2)
    grid = torch_ref.nn.functional.affine_grid(theta, (2, 3, h, w), align_corners=False)
    want = torch_ref.nn.functional.grid_sample(torch_ref.from_numpy(a), grid, mode=mode,
                                               padding_mode="zeros", align_corners=False).numpy()
    got = F.rotate(ember.from_numpy(a), angle, interpolation=F.InterpolationMode(mode)).numpy()
    if mode == "bilinear":
        np.testing.assert_allclose(got, want, atol=1e-5)
    else:  # ties at exactly half a pixel may round either way
        assert (np.isclose(got, want)).mean() > 0.97
