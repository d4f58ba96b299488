"""Per-axis resampling weights for ``F.interpolate``'s bicubic and antialiased modes.

Every 2-D mode here is separable: resizing an axis of length ``n_in`` to ``n_out`` is a
product with an ``(n_out, n_in)`` weight matrix, and its gradient is a product with the
transpose. The matrices follow PyTorch's CPU kernels:

* ``cubic_matrix``: Keys' cubic convolution with ``A = -0.75``; the four taps around each
  source point read clamped indices (the border pixel is repeated).
* ``aa_matrix``: the antialiased filters (triangle, cubic with ``A = -0.5``, Lanczos-3) whose
  support widens by the scale when downsampling; each row is normalised to sum to one
  and taps outside the image are dropped (not clamped).
* ``int16_weights``: the fixed-point form of a matrix used by PyTorch's uint8 path.

>>> from ember.nn.resample_weights import cubic_matrix
>>> cubic_matrix(2, 2, None, False).tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""
from .._backend import np

__all__ = ["axis_scale", "cubic_matrix", "aa_matrix", "int16_weights", "nearest_index", "linear_matrix", "TAPS"]

# taps of each filter (PyTorch's interp_size): the support is half of it, times the scale
TAPS = {"bilinear": 2, "bicubic": 4, "lanczos": 6}


def axis_scale(n_in, n_out, align_corners, scale_factor, dtype=np.float64):
    """Step between source coordinates of neighbouring outputs (PyTorch's area_pixel scale).

    >>> from ember.nn.resample_weights import axis_scale
    >>> axis_scale(4, 2, False, None)
    2.0
    """
    if align_corners:
        return float(dtype(n_in - 1) / dtype(n_out - 1)) if n_out > 1 else 0.0
    if scale_factor is not None and scale_factor > 0:
        return float(dtype(1.0 / scale_factor))
    return float(dtype(n_in) / dtype(n_out))


def _cubic(x, a):
    """Keys' cubic convolution kernel with parameter ``a`` at the points ``x``."""
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _triangle(x):
    return np.maximum(1.0 - np.abs(x), 0.0)


def _lanczos3(x):
    return np.where(np.abs(x) < 3.0, np.sinc(x) * np.sinc(x / 3.0), 0.0)


_FILTERS = {"bilinear": _triangle, "bicubic": lambda x: _cubic(x, -0.5), "lanczos": _lanczos3}


def cubic_matrix(n_out, n_in, scale_factor, align_corners, dtype=np.float64):
    """The ``(n_out, n_in)`` matrix of bicubic interpolation (``A = -0.75``, clamped border).

    Source coordinates are computed in ``dtype`` (float32 for float32 inputs, as PyTorch).

    >>> from ember.nn.resample_weights import cubic_matrix
    >>> cubic_matrix(1, 3, None, True).tolist()
    [[1.0, 0.0, 0.0]]
    """
    ct = np.float32 if dtype == np.float32 else np.float64
    scale = ct(axis_scale(n_in, n_out, align_corners, scale_factor, ct))
    o = np.arange(n_out, dtype=ct)
    # one rounding of scale * (o + 0.5) - 0.5, as PyTorch's compiled kernel (a fused multiply-add)
    src = scale * o if align_corners else (np.float64(scale) * (o + ct(0.5)) - 0.5).astype(ct)
    i0 = np.floor(src)
    t = (src - i0).astype(np.float64)
    i0 = i0.astype(np.int64)
    A = np.zeros((n_out, n_in), np.float64)
    rows = np.arange(n_out)
    for k in (-1, 0, 1, 2):
        np.add.at(A, (rows, np.clip(i0 + k, 0, n_in - 1)), _cubic(t - k, -0.75))
    return A.astype(dtype)


def _aa_rows(n_out, n_in, scale, mode, antialias, delta, ct=np.float64):
    """Normalised weights of each output over its window (PyTorch's aa helper), computed in
    ``ct`` with PyTorch's mix of float and double steps (its float32 weights drift a little
    along the axis, and ember follows them); evaluated on the windows only."""
    f64 = np.float64
    stretch = antialias and scale >= 1.0
    support = ct(TAPS[mode] * 0.5 * float(ct(scale)) if stretch else TAPS[mode] * 0.5)
    inv = ct(1.0 / float(ct(scale)) if stretch else 1.0)
    center = (f64(ct(scale)) * (np.arange(n_out) + 0.5 - delta)).astype(ct)
    lo = np.maximum(((center - support).astype(f64) + 0.5 + delta).astype(np.int64), 0)  # C casts truncate
    hi = np.minimum(((center + support).astype(f64) + 0.5 + delta).astype(np.int64), n_in)
    k = max(int((hi - lo).max(initial=0)), 1)
    j = lo[:, None] + np.arange(k)
    inside = j < hi[:, None]
    filt = _FILTERS[mode] if (antialias or mode != "bicubic") else (lambda x: _cubic(x, -0.75))
    arg = ((j.astype(ct) - center[:, None]).astype(f64) + (0.5 - delta)) * f64(inv)
    w = filt(arg.astype(ct)) * inside
    tot = w.sum(1, keepdims=True)
    w = w / np.where(tot == 0, ct(1), tot)
    out = np.zeros((n_out, n_in), ct)
    rows = np.broadcast_to(np.arange(n_out)[:, None], j.shape)
    out[rows[inside], j[inside]] = w[inside]
    return out


def aa_matrix(n_out, n_in, scale_factor, align_corners, mode, antialias=True, dtype=np.float64):
    """The ``(n_out, n_in)`` windowed-filter matrix of ``mode`` (bilinear, bicubic, lanczos).

    With ``antialias`` the filter is stretched by the scale when downsampling. Without it
    (PyTorch's uint8 bilinear) the window keeps its width and ``align_corners=True`` shifts
    the centers by half a pixel.

    >>> from ember.nn.resample_weights import aa_matrix
    >>> aa_matrix(1, 2, None, False, "bilinear").tolist()
    [[0.5, 0.5]]
    """
    ct = np.float32 if dtype == np.float32 else np.float64
    scale = axis_scale(n_in, n_out, align_corners, scale_factor, ct)
    delta = 0.5 if (align_corners and not antialias) else 0.0
    return _aa_rows(n_out, n_in, scale, mode, antialias, delta, ct).astype(dtype)


def int16_weights(w):
    """Fixed-point weights of PyTorch's uint8 resize and their precision (bits).

    The float weights are scaled by ``2**precision``, the largest power that keeps the
    biggest weight below ``2**15``, and rounded half away from zero.

    >>> from ember.nn.resample_weights import aa_matrix, int16_weights
    >>> q, p = int16_weights(aa_matrix(1, 2, None, False, "bilinear"))
    >>> q.tolist(), p
    ([[16384.0, 16384.0]], 15)
    """
    wmax = float(w.max()) if w.size else 0.0
    prec = 0
    while prec < 31 and int(0.5 + wmax * (1 << (prec + 1))) < (1 << 15):
        prec += 1
    q = w * float(1 << prec)
    return np.trunc(np.where(q < 0, q - 0.5, q + 0.5)), prec


def nearest_index(n_out, n_in, scale_factor, exact, dtype=np.float32, keep_same_size=False):
    """Source index of each output for 'nearest' (``floor(o * scale)``) or 'nearest-exact'
    (``floor((o + 0.5) * scale)``), with PyTorch's arithmetic: the scale in float64 for float64
    inputs and float32 otherwise, the products rounded to float32 before the floor.
    ``keep_same_size``: an axis whose size is kept is copied whatever the scale (PyTorch's
    2-D kernels do this; its 1-D and 3-D kernels apply the scale).

    >>> from ember.nn.resample_weights import nearest_index
    >>> nearest_index(4, 2, None, False).tolist(), nearest_index(3, 2, None, True).tolist()
    ([0, 0, 1, 1], [0, 1, 1])
    """
    f32, f64 = np.float32, np.float64
    o = np.arange(n_out)
    if keep_same_size and n_out == n_in:
        return o
    ct = f64 if dtype == f64 else f32
    s = f64(ct(axis_scale(n_in, n_out, False, scale_factor, ct)))
    if exact:
        real = (s * (o + 0.5) - 0.5).astype(f32)
        src = np.floor((real.astype(f64) + 0.5).astype(f32))
    else:
        src = np.floor((o * s).astype(f32))
    return np.minimum(src.astype(np.int64), n_in - 1)


def linear_matrix(n_out, n_in, scale_factor, align_corners, dtype=np.float64):
    """The ``(n_out, n_in)`` matrix of (bi/tri)linear interpolation, source coordinates and
    weights computed in ``dtype``'s arithmetic (float32 for float32 inputs, as PyTorch). An
    axis whose size is kept is left as it is, whatever the scale (as PyTorch).

    >>> from ember.nn.resample_weights import linear_matrix
    >>> linear_matrix(3, 2, None, True).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    """
    if n_out == n_in:
        return np.eye(n_in, dtype=dtype)
    ct = np.float32 if dtype == np.float32 else np.float64
    scale = ct(axis_scale(n_in, n_out, align_corners, scale_factor, ct))
    o = np.arange(n_out)
    if align_corners:
        src = (scale * o.astype(ct)).astype(ct)
    else:
        src = np.maximum((np.float64(scale) * (o + 0.5) - 0.5).astype(ct), ct(0))
    i0 = np.minimum(src.astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = np.minimum(src - i0.astype(ct), ct(1))
    A = np.zeros((n_out, n_in), ct)
    rows = np.arange(n_out)
    np.add.at(A, (rows, i0), ct(1) - lam)
    np.add.at(A, (rows, i1), lam)
    return A.astype(dtype)
