"""grid_sample (bilinear/nearest/bicubic, zeros/border/reflection, align_corners, 4-D and 5-D)
and affine_grid (2-D and 3-D) against PyTorch, forward and gradients w.r.t. input, grid and
theta; the deprecated upsample_* wrappers; error types and warnings."""
import itertools
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = [(nd, m, p, a) for nd, m, p, a in itertools.product((2, 3), ("bilinear", "nearest", "bicubic"),
                                                             ("zeros", "border", "reflection"), (False, True))
         if not (nd == 3 and m == "bicubic")]


def _both(x):
    return ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


@pytest.mark.parametrize("nd,mode,padding_mode,align_corners", CASES)
def test_grid_sample_matches_pytorch(nd, mode, padding_mode, align_corners):
    rng = np.random.default_rng(len(CASES) * nd + CASES.index((nd, mode, padding_mode, align_corners)))
    sp, osp = (3, 4, 5)[-nd:], (2, 3, 4)[-nd:]
    x = rng.standard_normal((2, 3) + sp).astype(np.float32)
    g = (rng.random((2,) + osp + (nd,)) * 2.6 - 1.3).astype(np.float32)   # some points outside [-1, 1]
    xe, xt = _both(x)
    ge, gt = _both(g)
    ye = F.grid_sample(xe, ge, mode, padding_mode, align_corners)
    yt = TF.grid_sample(xt, gt, mode, padding_mode, align_corners)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    w = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ge.grad.numpy(), gt.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_grid_sample_float64_input_only_grad():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 5, 5))
    g = rng.random((1, 4, 4, 2)) * 2 - 1
    xe, xt = _both(x)
    ye = F.grid_sample(xe, ember.tensor(g), align_corners=True)
    yt = TF.grid_sample(xt, torch.tensor(g), align_corners=True)
    assert ye.dtype == ember.float64
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_matches_pytorch(nd, align_corners):
    rng = np.random.default_rng(nd + 2 * align_corners)
    theta = rng.standard_normal((2, nd, nd + 1)).astype(np.float32)
    size = (2, 3, 4, 5) if nd == 2 else (2, 3, 2, 4, 5)
    te, tt = _both(theta)
    ye, yt = F.affine_grid(te, size, align_corners), TF.affine_grid(tt, size, align_corners)
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    w = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(te.grad.numpy(), tt.grad.numpy(), rtol=1e-4, atol=1e-5)
    # the spatial-transformer pipeline end to end
    x = rng.standard_normal(size).astype(np.float32)
    np.testing.assert_allclose(F.grid_sample(ember.tensor(x), ye, align_corners=align_corners).detach().numpy(),
                               TF.grid_sample(torch.tensor(x), yt, align_corners=align_corners).detach().numpy(),
                               rtol=1e-4, atol=1e-5)


def test_affine_grid_unit_size():
    theta = np.array([[[0.5, 0.1, 0.2], [0.3, 1.0, -0.4]]], dtype=np.float32)
    for ac in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ye = F.affine_grid(ember.tensor(theta), (1, 1, 1, 3), ac)
            yt = TF.affine_grid(torch.tensor(theta), (1, 1, 1, 3), ac)
        np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-6, atol=1e-7)


def _same_error(fe, ft):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(et.type):
        fe()


def test_sampling_errors_and_warnings():
    x, g = np.zeros((2, 3, 4, 5), np.float32), np.zeros((2, 6, 7, 2), np.float32)
    th = np.zeros((2, 2, 3), np.float32)

    class NS:
        def __init__(self, lib):
            self.lib, self.x, self.g, self.th = lib, lib.tensor(x), lib.tensor(g), lib.tensor(th)

        def __getattr__(self, name):
            return getattr(self.lib, name)

    E, T = NS(ember), NS(torch)
    cases = [lambda m, f: f.grid_sample(m.x, m.g, mode="foo", align_corners=False),
             lambda m, f: f.grid_sample(m.x, m.g, padding_mode="foo", align_corners=False),
             lambda m, f: f.grid_sample(m.x, m.g[:1], align_corners=False),
             lambda m, f: f.grid_sample(m.x, m.g[..., :1], align_corners=False),
             lambda m, f: f.grid_sample(m.x, m.g[0], align_corners=False),
             lambda m, f: f.grid_sample(m.x, m.g.double(), align_corners=False),
             lambda m, f: f.grid_sample(m.x.long(), m.g, align_corners=False),
             lambda m, f: f.grid_sample(m.zeros(1, 1, 2, 3, 4), m.zeros(1, 2, 2, 2, 3), mode="bicubic",
                                        align_corners=False),
             lambda m, f: f.affine_grid(m.th, (2, 3, 4, 5, 6), align_corners=False),
             lambda m, f: f.affine_grid(m.th, (2, 3, 4), align_corners=False),
             lambda m, f: f.affine_grid(m.th.long(), (2, 3, 4, 5), align_corners=False),
             lambda m, f: f.affine_grid(m.th, (2, 3, 0, 5), align_corners=False),
             lambda m, f: f.affine_grid(m.th, (3, 3, 4, 5), align_corners=False)]
    for c in cases:
        _same_error(lambda: c(E, F), lambda: c(T, TF))
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(E.x, E.g)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(E.th, (2, 3, 4, 5))


@pytest.mark.parametrize("name,kw", [("upsample_nearest", dict(scale_factor=2)), ("upsample_nearest", dict(size=5)),
                                     ("upsample_bilinear", dict(scale_factor=2)),
                                     ("upsample_bilinear", dict(size=(3, 7)))])
def test_deprecated_upsample(name, kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
    xe, xt = _both(x)
    with pytest.warns(UserWarning, match=f"nn.functional.{name}` is deprecated"):
        ye = getattr(F, name)(xe, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = getattr(TF, name)(xt, **kw)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_grid_sample_mode_tables():
    assert F.GRID_SAMPLE_INTERPOLATION_MODES == TF.GRID_SAMPLE_INTERPOLATION_MODES
    assert F.GRID_SAMPLE_PADDING_MODES == TF.GRID_SAMPLE_PADDING_MODES
