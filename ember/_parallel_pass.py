"""One large NumPy pass split into blocks over ember's intra-op threads.

An elementwise pass (a ufunc, a copy, a function of several ufuncs) gives the same bits
whether it runs on the whole array or block by block, and so does a reduction whose reduced
axes are not split. The functions here run such a pass in one block per intra-op thread
(``ember._thread_pool``) when it writes at least ``MIN_BYTES`` (per pass), and as one plain
call otherwise: one thread set, a small array, or a call from inside another parallel block.
Waking a worker costs ~20-50 us and a single memory-bound pass gains only ~15-20% from a
second core on a 2-core machine (compute-bound ones, erf or exp, ~2x), so the cut-off keeps
small and mid-sized ops as they were. Blocks run under the caller's NumPy floating-point
error state (a context variable that worker threads would not otherwise see), and a result
is laid out as NumPy would lay it out (else the pass runs as one call).

* ``par_ufunc(ufunc, *args, out=None, **kw)``: ``ufunc(*args, out=out, **kw)`` with broadcasting.
* ``par_map(fn, *args, passes=1)``: ``fn(*args)`` for an elementwise ``fn`` of arrays; a
  function of many passes (``passes > 1``, e.g. erf) also runs in cache-sized chunks of
  C-contiguous inputs, on one thread as well.
* ``par_blocks(fn, out, *args, keep=(), passes=1)``: ``fn(out_block, *arg_blocks)`` over
  blocks of ``out``'s leading axes, never splitting the axes in ``keep`` (those ``fn``
  reduces over).
* ``par_copy(dst, src)``, ``run_blocks(fn, n)``.

>>> from ember._parallel_pass import par_ufunc, par_map, par_blocks
>>> a = np.arange(6.).reshape(2, 3)
>>> par_ufunc(np.add, a, np.ones(3))
array([[1., 2., 3.],
       [4., 5., 6.]])
>>> par_map(lambda x: x * x + 1, a)[1]
array([10., 17., 26.])
>>> out = np.empty((2, 1)); _ = par_blocks(lambda o, x: np.sum(x, axis=1, keepdims=True, out=o), out, a, keep=(1,))
>>> out.ravel()
array([ 3., 12.])
"""
import contextvars
from math import prod

from ._backend import np
from . import _thread_pool as _tp

__all__ = ["MIN_BYTES", "MIN_SIZE", "CHUNK", "run_blocks", "pass_threads", "par_ufunc", "par_map", "par_blocks",
           "par_copy"]

MIN_BYTES = 1 << 21      # outputs smaller than this (per pass) run as one call on the calling thread
MIN_SIZE = MIN_BYTES // 8   # a cheap first check for callers: fewer elements stay serial
CHUNK = 1 << 15          # elements per cache-sized chunk of a many-pass function

_ndarray = np.ndarray
_LOCAL = _tp._LOCAL


def pass_threads(nbytes, passes=1, min_bytes=None):
    """Threads a pass writing ``nbytes`` (``passes`` times over) runs on: 1 when small (under
    ``min_bytes``, default ``MIN_BYTES``), with one thread set, or inside a parallel block.

    >>> from ember._parallel_pass import pass_threads
    >>> pass_threads(64)
    1
    """
    T = _tp._N[0]
    if T <= 1 or nbytes * passes < (MIN_BYTES if min_bytes is None else min_bytes) \
            or _LOCAL.__dict__.get("worker"):
        return 1
    return T


def _split_axis(shape, T, keep=()):
    """The first axis not in ``keep`` whose extent gives each of T threads a block, or None."""
    for ax, n in enumerate(shape):
        if n >= T and ax not in keep:
            return ax
    return None


def _cut(a, ax, sl, nd):
    """Block ``sl`` along output axis ``ax`` of ``a`` broadcast to ``nd`` dims (a broadcast
    axis of extent 1, a missing axis or a number is passed whole)."""
    if a.__class__ is not _ndarray:
        return a
    k = ax - (nd - a.ndim)
    if k < 0 or a.shape[k] == 1:
        return a
    return a[(slice(None),) * k + (sl,)]


def run_blocks(fn, n):
    """``fn(i)`` for i < n over the pool (``parallel_for``), each block under a copy of the
    caller's context (NumPy's floating-point error state among it).

    >>> from ember._parallel_pass import run_blocks
    >>> seen = []; run_blocks(seen.append, 2); sorted(seen)
    [0, 1]
    """
    ctxs = [contextvars.copy_context() for _ in range(n)]
    _tp.parallel_for(lambda i: ctxs[i].run(fn, i), n)


def _shape_of(arrs):
    s = arrs[0].shape
    for a in arrs[1:]:
        if a.shape != s:
            return np.broadcast_shapes(*[a.shape for a in arrs])
    return s


def _first(a):
    """A one-element view of array ``a`` (its dtype, for probing a result dtype)."""
    return a[(slice(0, 1),) * a.ndim] if a.__class__ is _ndarray and a.ndim else a


def par_ufunc(ufunc, *args, out=None, **kw):
    """``ufunc(*args, out=out, **kw)`` (broadcasting), in one block per thread when large.

    >>> from ember._parallel_pass import par_ufunc
    >>> par_ufunc(np.multiply, np.arange(3.), 2.0)
    array([0., 2., 4.])
    """
    if _tp._N[0] <= 1 or (out is not None and out.size < MIN_SIZE) or _LOCAL.__dict__.get("worker"):
        return ufunc(*args, out=out, **kw)
    arrs = [a for a in args if a.__class__ is _ndarray]
    if not arrs:
        return ufunc(*args, out=out, **kw)
    shape = _shape_of(arrs) if out is None else out.shape
    n = prod(shape)
    T = pass_threads(n * (out.itemsize if out is not None else max(a.itemsize for a in arrs)))
    ax = _split_axis(shape, T) if T > 1 else None
    if ax is None:
        return ufunc(*args, out=out, **kw)
    if out is None:   # laid out as NumPy would: C order, or the one layout all inputs share
        if all(a.flags.c_contiguous for a in arrs):
            like = None
        elif all(a.shape == shape and a.strides == arrs[0].strides for a in arrs):
            like = arrs[0]
        else:
            return ufunc(*args, **kw)
        dt = ufunc(*[_first(a) for a in args], **kw).dtype     # the dtype NumPy would give
        out = np.empty(shape, dt) if like is None else np.empty_like(like, dtype=dt)
    sl = _tp.blocks(shape[ax], T)
    nd = len(shape)
    lead = (slice(None),) * ax
    run_blocks(lambda i: ufunc(*[_cut(a, ax, sl[i], nd) for a in args], out=out[lead + (sl[i],)], **kw), len(sl))
    return out


def par_copy(dst, src):
    """``dst[...] = src`` (``np.copyto``), in one block per thread when large.

    >>> from ember._parallel_pass import par_copy
    >>> par_copy(np.zeros(3), np.ones(3))
    array([1., 1., 1.])
    """
    T = pass_threads(dst.nbytes)
    ax = _split_axis(dst.shape, T) if T > 1 else None
    if ax is None:
        np.copyto(dst, src)
        return dst
    sl = _tp.blocks(dst.shape[ax], T)
    lead = (slice(None),) * ax
    run_blocks(lambda i: np.copyto(dst[lead + (sl[i],)], _cut(src, ax, sl[i], dst.ndim)), len(sl))
    return dst


def _flat_alike(arrs, shape):
    return all(a.shape == shape and a.flags.c_contiguous for a in arrs)


def par_map(fn, *args, passes=1):
    """``fn(*args)`` for ``fn`` elementwise over its (broadcasting) array arguments, in one
    block per thread when large. ``passes > 1`` marks a function of several passes over the
    data: C-contiguous inputs of one shape then also go in cache-sized chunks (on one thread too).

    >>> from ember._parallel_pass import par_map
    >>> par_map(np.exp, np.zeros(2), passes=2)
    array([1., 1.])
    """
    arrs = [a for a in args if a.__class__ is _ndarray]
    if not arrs:
        return fn(*args)
    shape = _shape_of(arrs)
    n = prod(shape)
    isz = max(a.itemsize for a in arrs)
    T = pass_threads(n * isz, passes)
    # chunks: a many-pass function's passes in cache; a one-pass function's results copied
    # from cache (not from memory) into the output, on more than one thread only
    c = CHUNK if passes > 1 else 4 * CHUNK
    chunked = ((passes > 1 or T > 1) and n >= 4 * c and not _LOCAL.__dict__.get("worker")
               and _flat_alike(arrs, shape))
    if chunked:
        flat = [a.reshape(-1) if a.__class__ is _ndarray else a for a in args]
        parts = _tp.blocks(n, T, c)
        r0 = fn(*[f[:c] if f.__class__ is _ndarray else f for f in flat])
        out = np.empty(shape, r0.dtype)
        of = out.reshape(-1)
        of[:c] = r0

        def run(i):
            s = parts[i]
            for j in range(max(s.start, c), s.stop, c):
                k = min(j + c, s.stop)
                of[j:k] = fn(*[f[j:k] if f.__class__ is _ndarray else f for f in flat])
        if len(parts) > 1:
            run_blocks(run, len(parts))
        else:
            run(0)
        return out
    ax = _split_axis(shape, T) if T > 1 and all(a.flags.c_contiguous for a in arrs) else None
    if ax is None:   # (a C-ordered result is what NumPy gives for C-ordered inputs)
        return fn(*args)
    sl = _tp.blocks(shape[ax], T)
    nd = len(shape)
    lead = (slice(None),) * ax
    dt = np.asarray(fn(*[_first(a) for a in args])).dtype      # the result's dtype, from one element
    out = np.empty(shape, dt)

    def run(i):
        out[lead + (sl[i],)] = fn(*[_cut(a, ax, sl[i], nd) for a in args])
    run_blocks(run, len(sl))
    return out


def par_blocks(fn, out, *args, keep=(), passes=1, min_bytes=None, chunk=CHUNK):
    """``fn(out_block, *arg_blocks)`` over blocks of ``out`` along its first axis that is not
    in ``keep`` (the axes ``fn`` reduces over or mixes), args broadcast against ``out``;
    one call ``fn(out, *args)`` when small. ``passes > 1`` (``fn`` makes several passes)
    also cuts each thread's block into pieces of about ``chunk`` elements along that axis (on
    one thread too) when the axis is the first. ``min_bytes``: ``pass_threads``'s. Returns
    ``out``.

    >>> from ember._parallel_pass import par_blocks
    >>> par_blocks(lambda o, x: np.multiply(x, 2, out=o), np.empty(2), np.ones(2))
    array([2., 2.])
    """
    T = pass_threads(out.nbytes, passes, min_bytes)
    ax = _split_axis(out.shape, T, keep) if T > 1 or passes > 1 else None
    if ax is None:
        fn(out, *args)
        return out
    nd = out.ndim
    lead = (slice(None),) * ax
    step = out.shape[ax]
    if passes > 1 and ax == 0 and out.size >= 4 * chunk:   # rows of about ``chunk`` elements
        step = max(1, chunk * out.shape[0] // out.size)
    sl = _tp.blocks(out.shape[ax], T)
    if T == 1 and step >= out.shape[ax]:
        fn(out, *args)
        return out

    def run(i):
        s = sl[i]
        for j in range(s.start, s.stop, step):
            p = slice(j, min(j + step, s.stop))
            fn(out[lead + (p,)], *[_cut(a, ax, p, nd) for a in args])
    if len(sl) == 1:
        run(0)
    else:
        run_blocks(run, len(sl))
    return out
