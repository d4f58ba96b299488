"""RoI Align / RoI Pool / PS RoI Align / PS RoI Pool vs loop-by-loop NumPy transcriptions of
torchvision's kernel definitions (its C++ kernels cannot load next to CPU torch here), vs
torchvision's own pure-Python RoI Align where its sources are available, and gradients by
gradcheck in float64."""
import math

import numpy as np
import pytest

import ember
from ember.vision import ops


# -- references: the kernels' definitions, one sample at a time --------------------------------
def _bilinear(plane, y, x):
    H, W = plane.shape
    if not (-1.0 <= y <= H and -1.0 <= x <= W):
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    yl, xl = int(y), int(x)
    if yl >= H - 1:
        yl = yh = H - 1
        y = float(yl)
    else:
        yh = yl + 1
    if xl >= W - 1:
        xl = xh = W - 1
        x = float(xl)
    else:
        xh = xl + 1
    ly, lx = y - yl, x - xl
    return ((1 - ly) * (1 - lx) * plane[yl, xl] + (1 - ly) * lx * plane[yl, xh]
            + ly * (1 - lx) * plane[yh, xl] + ly * lx * plane[yh, xh])


def _align_ref(x, rois, ph, pw, scale, sr, aligned, position_sensitive=False):
    K = len(rois)
    N, C, H, W = x.shape
    co = C // (ph * pw) if position_sensitive else C
    out = np.zeros((K, co, ph, pw))
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        off = 0.5 if aligned else 0.0
        sx, sy = x1 * scale - off, y1 * scale - off
        rw, rh = x2 * scale - off - sx, y2 * scale - off - sy
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        gh = sr if sr > 0 else math.ceil(rh / ph)
        gw = sr if sr > 0 else math.ceil(rw / pw)
        count = gh * gw if position_sensitive else max(gh * gw, 1)
        for c in range(co):
            for p in range(ph):
                for q in range(pw):
                    ci = (c * ph + p) * pw + q if position_sensitive else c
                    s = 0.0
                    for iy in range(gh):
                        for ix in range(gw):
                            s += _bilinear(x[int(b), ci], sy + p * bh + (iy + .5) * bh / gh,
                                           sx + q * bw + (ix + .5) * bw / gw)
                    out[k, c, p, q] = s / count if count else math.nan
    return out


def _cround(v):
    return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)


def _pool_ref(x, rois, ph, pw, scale, position_sensitive=False):
    N, C, H, W = x.shape
    co = C // (ph * pw) if position_sensitive else C
    out = np.zeros((len(rois), co, ph, pw))
    arg = np.full(out.shape, -1)
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        sx, sy, ex, ey = (_cround(v * scale) for v in (x1, y1, x2, y2))
        extra = 0 if position_sensitive else 1
        rw, rh = max(ex - sx + extra, 1), max(ey - sy + extra, 1)
        hi_h, hi_w = (H - 1, W - 1) if position_sensitive else (H, W)
        for p in range(ph):
            for q in range(pw):
                hs = min(max(math.floor(p * rh / ph) + sy, 0), hi_h)
                he = min(max(math.ceil((p + 1) * rh / ph) + sy, 0), hi_h)
                ws = min(max(math.floor(q * rw / pw) + sx, 0), hi_w)
                we = min(max(math.ceil((q + 1) * rw / pw) + sx, 0), hi_w)
                empty = he <= hs or we <= ws
                for c in range(co):
                    ci = (c * ph + p) * pw + q if position_sensitive else c
                    region = x[int(b), ci, hs:he, ws:we]
                    if empty:
                        continue
                    if position_sensitive:
                        out[k, c, p, q] = region.mean()
                    else:
                        a = int(np.argmax(region))
                        out[k, c, p, q] = region.flat[a]
                        arg[k, c, p, q] = (hs + a // (we - ws)) * W + ws + a % (we - ws)
    return out, arg


def _rois(rng, k, n, lo=-3.0, hi=14.0, maxsize=9.0):
    xy = rng.uniform(lo, hi, (k, 2))
    wh = rng.uniform(0.2, maxsize, (k, 2))
    return np.concatenate([rng.integers(0, n, (k, 1)), xy, xy + wh], 1)


def _close(e, ref, dtype):
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(e.detach().numpy(), ref, **tol)
    assert e.dtype == (ember.float32 if dtype == np.float32 else ember.float64)


# -- forward ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sr,aligned,scale", [(-1, False, 1.0), (-1, True, 0.5), (2, False, 0.7), (3, True, 1.0),
                                              (1, False, 1.0)])
def test_roi_align_forward(rng, dtype, sr, aligned, scale):
    x = rng.standard_normal((2, 3, 11, 13)).astype(dtype)
    rois = _rois(rng, 9, 2).astype(dtype)
    rois[0, 1:] = [-4.0, -3.0, 20.0, 25.0]                  # samples outside the map
    rois[1, 1:] = [3.0, 3.0, 3.2, 3.1]                      # tiny box
    out = ops.roi_align(ember.tensor(x), ember.tensor(rois), (3, 4), scale, sr, aligned)
    _close(out, _align_ref(x.astype(np.float64), rois.astype(np.float64), 3, 4, scale, sr, aligned), dtype)


def test_roi_align_box_list_and_module(rng):
    x = rng.standard_normal((2, 2, 8, 8)).astype(np.float32)
    b0, b1 = _rois(rng, 3, 1)[:, 1:], _rois(rng, 2, 1)[:, 1:]
    lst = [ember.tensor(b0.astype(np.float32)), ember.tensor(b1.astype(np.float32))]
    rois = np.concatenate([np.concatenate([np.zeros((3, 1)), b0], 1), np.concatenate([np.ones((2, 1)), b1], 1)])
    ref = _align_ref(x.astype(np.float64), rois, 2, 2, 1.0, -1, False)
    _close(ops.roi_align(ember.tensor(x), lst, 2), ref, np.float32)
    m = ops.RoIAlign(2, 1.0, -1)
    _close(m(ember.tensor(x), lst), ref, np.float32)
    assert repr(ops.RoIAlign((2, 3), 0.5, 2, True)) == \
        "RoIAlign(output_size=(2, 3), spatial_scale=0.5, sampling_ratio=2, aligned=True)"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1.0, 0.5, 0.73])
def test_roi_pool_forward(rng, dtype, scale):
    x = rng.standard_normal((2, 3, 12, 10)).astype(dtype)
    x[0, 0, 4:8, 4:8] = 1.5                                 # ties: the first in row-major order wins
    rois = _rois(rng, 10, 2).astype(dtype)
    rois[0] = [0, 3.5, 3.5, 8.5, 8.5]
    rois[1] = [1, 20, 20, 30, 30]                           # entirely outside: empty bins give 0
    ref, arg = _pool_ref(x.astype(np.float64), rois.astype(np.float64), 3, 2, scale)
    xe = ember.tensor(x, requires_grad=True)
    out = ops.roi_pool(xe, ember.tensor(rois), (3, 2), scale)
    _close(out, ref, dtype)
    g = rng.standard_normal(ref.shape)
    out.backward(ember.tensor(g.astype(dtype)))
    expect = np.zeros(x.shape)
    for (k, c, p, q), a in np.ndenumerate(arg):
        if a >= 0:
            expect[int(rois[k, 0]), c].flat[a] += g[k, c, p, q]
    _close(xe.grad, expect, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sr,scale", [(-1, 1.0), (2, 0.5), (1, 1.3)])
def test_ps_roi_align_forward(rng, dtype, sr, scale):
    x = rng.standard_normal((2, 2 * 6, 9, 10)).astype(dtype)
    rois = _rois(rng, 7, 2).astype(dtype)
    out = ops.ps_roi_align(ember.tensor(x), ember.tensor(rois), (2, 3), scale, sr)
    _close(out, _align_ref(x.astype(np.float64), rois.astype(np.float64), 2, 3, scale, sr, True, True), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_ps_roi_pool_forward(rng, dtype, scale):
    x = rng.standard_normal((2, 3 * 4, 10, 9)).astype(dtype)
    rois = _rois(rng, 8, 2).astype(dtype)
    rois[0] = [0, 0, 0, 9, 8]                               # reaches the last row/column
    ref, _ = _pool_ref(x.astype(np.float64), rois.astype(np.float64), 2, 2, scale, True)
    _close(ops.ps_roi_pool(ember.tensor(x), ember.tensor(rois), 2, scale), ref, dtype)


# -- gradients ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x, r: ops.roi_align(x, r, (2, 3), 0.8, -1, False),
    lambda x, r: ops.roi_align(x, r, 2, 1.0, 2, True),
    lambda x, r: ops.ps_roi_align(x, r, 2, 1.0, -1),
    lambda x, r: ops.ps_roi_pool(x, r, 2, 0.9),
    lambda x, r: ops.roi_pool(x, r, 2, 1.0),
], ids=["roi_align", "roi_align_aligned", "ps_roi_align", "ps_roi_pool", "roi_pool"])
def test_gradcheck(rng, fn):
    x = ember.tensor(rng.standard_normal((2, 4, 6, 7)), requires_grad=True)
    rois = ember.tensor(_rois(rng, 4, 2, -1.0, 5.0, 5.0))
    assert ember.autograd.gradcheck(lambda t: fn(t, rois), (x,), eps=1e-6, atol=1e-7)
    assert ember.autograd.gradgradcheck(lambda t: fn(t, rois), (x,), eps=1e-6, atol=1e-7)


def test_roi_align_grad_is_the_adjoint(rng):
    """<roi_align(x), g> is linear in x, so d/dx equals the sum of g over the sampling weights."""
    x = rng.standard_normal((1, 2, 7, 8))
    rois = _rois(rng, 5, 1, -2.0, 8.0)
    xe = ember.tensor(x, requires_grad=True)
    out = ops.roi_align(xe, ember.tensor(rois), 3, 1.0, -1, True)
    g = rng.standard_normal(tuple(out.shape))
    (out * ember.tensor(g)).sum().backward()
    basis = np.zeros_like(x)
    for idx in [(0, 0, 3, 4), (0, 1, 0, 0), (0, 1, 6, 7)]:
        basis[:] = 0
        basis[idx] = 1.0
        expect = (_align_ref(basis, rois, 3, 3, 1.0, -1, True) * g).sum()
        np.testing.assert_allclose(xe.grad.numpy()[idx], expect, rtol=1e-10, atol=1e-12)


# -- edge cases and errors -------------------------------------------------------------------------
def test_empty_rois_and_large_batch_of_rois(rng):
    x = ember.tensor(rng.standard_normal((1, 3, 5, 5)).astype(np.float32), requires_grad=True)
    for fn in (ops.roi_align, ops.roi_pool):
        out = fn(x, ember.zeros(0, 5), 2)
        assert out.shape == (0, 3, 2, 2)
    assert ops.ps_roi_align(ember.zeros(1, 4, 5, 5), ember.zeros(0, 5), 2).shape == (0, 1, 2, 2)
    # many RoIs of mixed sizes go through several chunks and come back in order
    xs = rng.standard_normal((2, 64, 40, 40)).astype(np.float32)
    rois = _rois(rng, 300, 2, 0.0, 30.0, 38.0).astype(np.float32)
    out = ops.roi_align(ember.tensor(xs), ember.tensor(rois), 2, 1.0, 1)
    pick = [0, 77, 299]
    ref = _align_ref(xs[:, :2].astype(np.float64), rois[pick].astype(np.float64), 2, 2, 1.0, 1, False)
    np.testing.assert_allclose(out.numpy()[pick, :2], ref, rtol=1e-4, atol=1e-5)


def test_ps_roi_align_empty_grid_is_nan():
    out = ops.ps_roi_align(ember.ones(1, 4, 5, 5), ember.tensor([[0., 2., 2., 2., 2.]]), 2)
    assert np.isnan(out.numpy()).all()


def test_errors():
    x = ember.zeros(1, 4, 5, 5)
    for fn in (ops.roi_align, ops.roi_pool, ops.ps_roi_align, ops.ps_roi_pool):
        with pytest.raises(AssertionError, match=r"The boxes tensor shape is not correct as Tensor\[K, 5\]"):
            fn(x, ember.zeros(3, 4), 2)
        with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
            fn(x, [ember.zeros(3, 5)], 2)
        with pytest.raises(AssertionError, match="boxes is expected to be a Tensor"):
            fn(x, np.zeros((3, 5)), 2)
        with pytest.raises(RuntimeError, match="same type"):
            fn(x, ember.zeros(1, 5, dtype=ember.float64), 2)
    for fn in (ops.ps_roi_align, ops.ps_roi_pool):
        with pytest.raises(RuntimeError, match="input channels must be a multiple of pooling height"):
            fn(x, ember.zeros(1, 5), 3)


def test_roi_align_against_torchvision_python(rng, tv):
    import sys
    import torch
    ref = sys.modules["torchvision.ops.roi_align"]._roi_align
    ref = getattr(ref, "__wrapped__", ref)
    x = rng.standard_normal((2, 5, 12, 14))
    rois = _rois(rng, 8, 2, 0.0, 8.0, 5.0)           # samples inside the map (the Python version
    for sr, al, sc in [(-1, False, 1.0), (2, True, 0.7), (3, False, 0.5)]:   # does not zero outside ones)
        e = ops.roi_align(ember.tensor(x), ember.tensor(rois), (3, 4), sc, sr, al).numpy()
        t = ref(torch.tensor(x), torch.tensor(rois), sc, 3, 4, sr, al).numpy()
        np.testing.assert_allclose(e, t, rtol=1e-12, atol=1e-13)
