"""What the convolution kernels share: padding, the strided view of every window, and a copy
split into blocks over ember's intra-op threads.

>>> from ember.ops.nn.conv_windows import windows
>>> windows(np.arange(16.).reshape(1, 1, 4, 4), (2, 2), (2, 2), (1, 1), (2, 2))[0, 0, 1, 1]
array([[10., 11.],
       [14., 15.]])
"""
from .._util import np
from ..._thread_pool import num_threads, parallel_for, blocks

sliding_window_view = np.lib.stride_tricks.sliding_window_view

__all__ = []

_PAR_BYTES = 1 << 21     # copies smaller than this stay on one thread (handing work over costs
                         # ~20 us on a quiet machine, far more on a busy one)


def _split_axis(shape, T, skip=0):
    """The first axis (from ``skip``) long enough to give each of T threads a block, or None."""
    for ax in range(skip, len(shape)):
        if shape[ax] >= T:
            return ax
    return None


def par_copy(dst, src):
    """``dst[...] = src`` split into blocks over the pool when large (else one np.copyto)."""
    T = num_threads()
    ax = _split_axis(dst.shape, T) if T > 1 and dst.nbytes >= _PAR_BYTES else None
    if ax is None:
        np.copyto(dst, src)
        return dst
    sl = blocks(dst.shape[ax], T)
    lead = (slice(None),) * ax
    parallel_for(lambda i: np.copyto(dst[lead + (sl[i],)], src[lead + (sl[i],)]), len(sl))
    return dst


def pad_array(x, pads):
    if not any(l or r for l, r in pads):
        return x
    shape = x.shape[:2] + tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
    xp = np.empty(shape, x.dtype)
    for ax, (s, (l, r)) in enumerate(zip(x.shape[2:], pads), 2):   # zero the borders only
        lead = (slice(None),) * ax
        xp[lead + (slice(0, l),)] = 0
        xp[lead + (slice(l + s, None),)] = 0
    par_copy(xp[(slice(None),) * 2 + tuple(slice(l, l + s) for s, (l, _) in zip(x.shape[2:], pads))], x)
    return xp


def out_sizes(sp, k, stride, dil):
    return tuple((s - (d * (kk - 1) + 1)) // st + 1 for s, kk, st, d in zip(sp, k, stride, dil))


def windows(xp, k, stride, dil, out):
    """Strided view (N, C, *out, *k) of the padded input: the input under each window."""
    nd = len(k)
    eff = tuple(d * (kk - 1) + 1 for kk, d in zip(k, dil))
    v = sliding_window_view(xp, eff, axis=tuple(range(2, 2 + nd)))
    return v[(slice(None), slice(None)) + tuple(slice(None, o * s, s) for o, s in zip(out, stride))
             + tuple(slice(None, None, d) for d in dil)]
