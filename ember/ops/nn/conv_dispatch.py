"""Which kernels run a convolution: depthwise ones (groups == in_channels, float32/float64)
go straight to ``conv_depthwise`` with the unpadded input (it pads block by block), 1x1 ones
(stride 1, no padding, one group) to one matrix product, every other one to the im2col
kernels of ``conv_kernels``.

>>> from ember.ops.nn.conv_dispatch import conv_fwd
>>> conv_fwd(np.ones((1, 2, 3, 3), np.float32), np.ones((2, 1, 3, 3), np.float32),
...          (1, 1), ((1, 1), (1, 1)), (1, 1), 2)[0, 0]
array([[4., 6., 4.],
       [6., 9., 6.],
       [4., 6., 4.]], dtype=float32)
"""
from .._util import np
from . import conv_kernels as _K
from ..._parallel_gemm import gemm
from ..._ufunc_buffers import rows
from ..._thread_pool import num_threads, parallel_for, blocks
from . import conv_depthwise as _dw

__all__ = []


def _depthwise(C, groups, cg, a, b):
    """True when the direct depthwise kernels run this convolution (C input channels, cg of
    them per group, on arrays a and b)."""
    if groups <= 1 or groups != C or cg != 1 or not _K._DEPTHWISE:
        return False
    dt = np.result_type(a, b)
    return dt.kind == "f" and dt.itemsize >= 4


def _pointwise(x, w, stride, pads, groups, bias, post=None):
    """A 1x1 convolution (stride 1, no padding, one group, float32/float64) as one product:
    w (O, C) @ x (N, C, P) -> (N, O, P), or x (N, C) @ w^T when P == 1 (squeeze-excitation);
    None for any other convolution. ``post`` (``conv_bn_eval.Epilogue``) runs on the output;
    on several threads, each thread runs its share end to end (``_pointwise_blocks``)."""
    dt = x.dtype
    if groups != 1 or dt != w.dtype or dt.kind != "f" or dt.itemsize < 4 or bias is not None and bias.dtype != dt:
        return None
    if any(k != 1 for k in w.shape[2:]) or any(s != 1 for s in stride) or any(l or r for l, r in pads):
        return None
    N, C = x.shape[:2]
    O = w.shape[0]
    sp = x.shape[2:]
    w2 = w.reshape(O, C)
    if (post is not None and x.size > N * C and num_threads() > 1
            and 2 * N * O * x.size // N >= _K._PAR_FLOPS):
        return _pointwise_blocks(x.reshape(N, C, -1), w2, bias, post).reshape((N, O) + sp)
    if x.size == N * C:
        y = gemm(x.reshape(N, C), w2.T)
        if bias is not None:
            y += bias
    else:
        y = gemm(w2, x.reshape(N, C, -1))
        if bias is not None:
            with rows(y.shape[2]):
                y += bias.reshape(O, 1)
    if post is not None:
        post(y.reshape(N, O, -1), (slice(None), slice(None)))
    return y.reshape((N, O) + sp)


def _pointwise_blocks(x3, w2, bias, post):
    """y (N, O, P) = w2 @ x3 (+ bias), then ``post``, each thread on its own images (or, with
    fewer images than threads, its own run of positions) end to end, the BLAS on one thread.
    (Runs no shorter than P / threads: ``post``'s passes over a block of short runs pay
    NumPy's per-row overhead.)"""
    N, C, P = x3.shape
    O = w2.shape[0]
    y = np.empty((N, O, P), x3.dtype)
    T = num_threads()
    if N >= T:
        work = [(b, slice(None)) for b in blocks(N, T)]
    else:
        k = -(-T // N)
        work = [(slice(n, n + 1), p) for n in range(N) for p in blocks(P, k, 256)]

    def run(i):
        b, p = work[i]
        blk = y[b, :, p]
        np.matmul(w2, x3[b, :, p], out=blk)
        if bias is not None:
            with rows(blk.shape[2]):
                blk += bias.reshape(O, 1)
        post(y, (b, p))
    parallel_for(run, len(work))
    return y


def conv_fwd(x, w, stride, pads, dil, groups, bias=None, act=None, post=None):
    """y = x (*) w (+ bias): x (N, C, *sp), w (O, C/groups, *k) -> (N, O, *out); ``act`` (an
    in-place array function such as ``hard_activations.relu_array_``) then applied to y, by
    the depthwise kernels block by block while each block is in cache; or ``post``
    (``conv_bn_eval.Epilogue``) applied by every kernel block by block."""
    if post is not None and act is not None:
        raise ValueError("conv_fwd takes act or post, not both")
    if _depthwise(x.shape[1], groups, w.shape[1], x, w):
        sp = tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
        if all(s >= d * (k - 1) + 1 for s, k, d in zip(sp, w.shape[2:], dil)):
            if post is not None and post.scale is None and post.shift is None and post.residual is None:
                act, post = post.act, None
            y = _dw.depthwise_conv(x, w, stride, pads, dil, bias, act)
            if post is not None:
                post(y.reshape(y.shape[:2] + (-1,)), (slice(None), slice(None)))
            return y
    y = _pointwise(x, w, stride, pads, groups, bias, post) if x.ndim > 2 and x.shape[0] else None
    if y is None:
        y = _K.conv_fwd(x, w, stride, pads, dil, groups, bias, post)
    if act is not None:
        act(y)
    return y


def conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups):
    """The input gradient of conv: gy (N, O, *out), w (O, Cg, *k) -> (N, C, *in_sp)."""
    if _depthwise(groups * w.shape[1], groups, w.shape[1], gy, w):
        return _dw.depthwise_dx(gy, w, in_sp, stride, pads, dil, groups)
    return _K.conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups)


def conv_dw_fwd(x, gy, k, stride, pads, dil, groups):
    """The weight gradient of conv: x (N, C, *in), gy (N, O, *out) -> (O, Cg, *k)."""
    if _depthwise(x.shape[1], groups, 1, x, gy) and gy.shape[1] % groups == 0:
        return _dw.depthwise_dw(x, gy, k, stride, pads, dil)
    return _K.conv_dw_fwd(x, gy, k, stride, pads, dil, groups)
