"""``HistogramObserver``: the activation observer of ``get_default_qconfig``. It keeps a
2048-bin histogram of everything it saw (rebinned onto the wider range when a batch falls
outside it) and picks the [min, max] clipping range that minimizes the L2 error of
quantizing that histogram onto 256 (or 128 with ``reduce_range``) levels.

The arithmetic follows PyTorch's float32 steps (``histc`` binning, 16x upsampled rebinning,
the greedy search that trims the tail holding less mass first); the chosen range matches
PyTorch's to float rounding, checked in tests/quantization/test_histogram_observer.py.

>>> obs = ember.ao.quantization.HistogramObserver()
>>> _ = obs(ember.linspace(-1.0, 3.0, 1000))
>>> obs.calculate_qparams()
(tensor([0.0157]), tensor([64], dtype=torch.int32))
"""
from ..._backend import np
from ..._tensor import _wrap
from .observer import UniformQuantizationObserverBase

__all__ = ["HistogramObserver", "default_histogram_observer"]

_f32 = np.float32


def _histc(x, bins, lo, hi):
    """float32 counts of ``x`` in ``bins`` equal bins over [lo, hi] (values outside
    ignored, ``hi`` in the last bin), as ``torch.histc``."""
    lo, hi = _f32(lo), _f32(hi)
    if lo == hi:
        lo, hi = lo - _f32(1), hi + _f32(1)
    x = x[(x >= lo) & (x <= hi)]
    pos = ((x - lo) * _f32(bins) / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return np.bincount(pos, minlength=bins).astype(_f32)


def _linspace(start, end, steps):
    """float32 ``torch.linspace`` (first half counted up from ``start``, second half down
    from ``end``; each value one fused multiply-add, as PyTorch's vectorized kernel)."""
    start, end = _f32(start), _f32(end)
    step = np.float64((end - start) / _f32(steps - 1))
    idx = np.arange(steps, dtype=np.float64)
    half = steps // 2
    out = np.empty(steps, _f32)
    out[:half] = np.float64(start) + step * idx[:half]
    out[half:] = np.float64(end) - step * (steps - 1 - idx[half:])
    return out


class HistogramObserver(UniformQuantizationObserverBase):
    """Histogram of the observed values (buffers ``histogram``, ``min_val``, ``max_val``);
    qparams from the clipping range with the least quantization error.

    >>> ember.ao.quantization.HistogramObserver(reduce_range=True).quant_max
    127
    """

    def __init__(self, bins=2048, dtype=None, qscheme=None, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=float(np.finfo(np.float32).eps),
                 is_dynamic=False, **kwargs):
        if is_dynamic:
            raise NotImplementedError("HistogramObserver doesn't support dynamic quantization")
        super().__init__(dtype, qscheme, reduce_range, quant_min, quant_max, factory_kwargs, eps,
                         is_dynamic, **kwargs)
        self.bins = bins
        self.register_buffer("histogram", _wrap(np.zeros(bins, _f32)))
        self.register_buffer("min_val", _wrap(np.array(np.inf, _f32)))
        self.register_buffer("max_val", _wrap(np.array(-np.inf, _f32)))
        self.dst_nbins = 2 ** 8
        self.upsample_rate = 16

    def extra_repr(self):
        return f"min_val={float(self.min_val._data)}, max_val={float(self.max_val._data)}"

    def _upscale(self, hist, old_lo, old_hi, lo, hi):
        """``hist`` over [old_lo, old_hi] moved onto ``bins`` bins over [lo, hi]: each bin
        split in 16, each piece assigned by its mid point."""
        r, n = self.upsample_rate, self.bins
        fine = np.repeat(hist, r) / _f32(r)
        width = (_f32(old_hi) - _f32(old_lo)) / _f32(n * r)
        mids = _linspace(old_lo, old_hi, n * r + 1)[:-1] + _f32(0.5) * width
        edges = _linspace(lo, hi, n + 1)
        idx = np.clip(np.searchsorted(edges, mids, side="right") - 1, 0, n - 1)
        out = np.zeros(n, _f32)
        np.add.at(out, idx, fine)
        return out

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = np.asarray(x_orig.detach()._data, dtype=_f32).ravel()
        x = x[np.isfinite(x)]
        if not x.size:
            return x_orig
        x_lo, x_hi = _f32(x.min()), _f32(x.max())
        lo, hi = self.min_val._data, self.max_val._data
        if lo == np.inf or hi == -np.inf:
            hist, new_lo, new_hi = _histc(x, self.bins, x_lo, x_hi), x_lo, x_hi
        else:
            new_lo, new_hi = min(lo, x_lo), max(hi, x_hi)
            update = _histc(x, self.bins, new_lo, new_hi)
            old = self.histogram._data
            if new_lo == lo and new_hi == hi:
                hist = old + update
            elif lo == hi:
                hist = _histc(np.array([lo], _f32), self.bins, new_lo, new_hi) * old.sum(
                    dtype=_f32) + update
            else:
                hist = update + self._upscale(old, lo, hi, new_lo, new_hi)
        self.histogram = _wrap(hist.astype(_f32))
        self.min_val = _wrap(np.array(new_lo, _f32))
        self.max_val = _wrap(np.array(new_hi, _f32))
        return x_orig

    def _error(self, start, end):
        """L2 error of quantizing bins [start, end] onto ``dst_nbins`` levels (float32)."""
        n = self.bins
        width = (self.max_val._data - self.min_val._data) / _f32(n)
        dst = width * _f32(end - start + 1) / _f32(self.dst_nbins)
        if dst == 0.0:
            return 0.0
        src = np.arange(n, dtype=_f32)
        begin = (src - _f32(start)) * width
        finish = begin + width
        top = _f32(self.dst_nbins - 1)
        d_begin = np.clip(np.floor(begin / dst), 0, top)
        d_end = np.clip(np.floor(finish / dst), 0, top)
        density = self.histogram._data / width
        half = dst / _f32(2)

        def cube_diff(a, b):
            return (b * b * b - a * a * a) / _f32(3)

        norm = density * cube_diff(begin - (d_begin + _f32(0.5)) * dst, half)
        norm = norm + (d_end - d_begin - _f32(1)) * (density * cube_diff(-half, half))
        norm = norm + density * cube_diff(-half, finish - (d_end * dst + half))
        return float(norm.astype(_f32).sum(dtype=_f32))

    def _search(self):
        hist = self.histogram._data
        total = float(hist.sum(dtype=_f32))
        csum = np.cumsum(hist, dtype=_f32)
        step, alpha, beta = 1e-5, 0.0, 1.0
        start, end = 0, self.bins - 1
        best = float("inf")
        while alpha < beta:
            na, nb = alpha + step, beta - step
            lo_cut, hi_cut = _f32(na * total), _f32(nb * total)
            left, right = start, end
            while left < end and csum[left] < lo_cut:
                left += 1
            while right > start and csum[right] > hi_cut:
                right -= 1
            ns, ne = start, end
            if left - start > end - right:
                ns, alpha = left, na
            else:
                ne, beta = right, nb
            if ns == start and ne == end:
                continue
            err = self._error(ns, ne)
            if err > best:
                break
            best, start, end = err, ns, ne
        width = (self.max_val._data - self.min_val._data) / _f32(self.bins)
        return (self.min_val._data + width * _f32(start),
                self.min_val._data + width * _f32(end + 1))

    def calculate_qparams(self):
        """``(scale, zero_point)`` of the least-error clipping range."""
        lo, hi = self.min_val._data, self.max_val._data
        if lo == np.inf and hi == -np.inf:
            return _wrap(np.array([1.0], _f32)), _wrap(np.array([0], np.int64))
        new_lo, new_hi = self._search()
        s, z = self._calculate_qparams(np.asarray(new_lo, _f32), np.asarray(new_hi, _f32))
        return _wrap(s), _wrap(z)

    def reset_min_max_vals(self):
        """Forget the histogram and range."""
        self.min_val = _wrap(np.array(np.inf, _f32))
        self.max_val = _wrap(np.array(-np.inf, _f32))
        self.histogram = _wrap(np.zeros(self.bins, _f32))


default_histogram_observer = HistogramObserver.with_args(quant_min=0, quant_max=127)
