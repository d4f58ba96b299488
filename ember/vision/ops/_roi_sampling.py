"""What the RoI pooling ops share: the box formats they accept, and the per-axis sampling
operators that make RoI Align (and position-sensitive RoI Align/Pool) separable.

A bilinear sample at ``(y, x)`` weighs pixel ``(i, j)`` by ``wy(i) * wx(j)``, and torchvision's
rules for a sample (zero outside ``[-1, size]``, clamped at the edges) act on each axis
separately, so averaging a regular grid of samples over a bin is ``Ay[k, p, :] @ X @ Ax[k, q, :]``.
For each RoI the axis operators cover only the rows/columns the RoI touches (a window, or the
list of sampled taps when that is shorter); the RoIs are processed in chunks of similar window
size, each chunk one gather of its windows and two batched matmuls, so autograd gives the
input gradient (a scatter of the same weights) and higher derivatives.

>>> from ember.vision.ops._roi_sampling import convert_boxes_to_roi_format
>>> convert_boxes_to_roi_format([ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[2., 2., 3., 3.]])])
tensor([[0., 0., 0., 1., 1.],
        [1., 2., 2., 3., 3.]])
"""
import ember
from ..._backend import np
from ...autograd.function import Op, apply_op

__all__ = []

_BUDGET = 1 << 22                      # elements of one chunk's gathered windows


def check_roi_boxes_shape(boxes):
    """AssertionError (as torchvision's ``torch._assert``) unless boxes is ``Tensor[K, 5]`` or a
    list of ``Tensor[L, 4]``."""
    if isinstance(boxes, (list, tuple)):
        for t in boxes:
            if t.dim() != 2 or t.shape[1] != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
    elif isinstance(boxes, ember.Tensor):
        if boxes.dim() != 2 or boxes.shape[1] != 5:
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def convert_boxes_to_roi_format(boxes):
    """A list of per-image ``[L, 4]`` boxes as one ``[K, 5]`` tensor whose first column is the image index."""
    ids = [ember.full_like(b[:, :1], i) for i, b in enumerate(boxes)]
    cat = (lambda ts: ts[0] if len(ts) == 1 else ember.cat(ts, 0))
    return ember.cat([cat(ids), cat(list(boxes))], dim=1)


def rois_of(input, boxes, op):
    """Checked ``[K, 5]`` rois for ``input`` (same dtype, 4-d input), as a NumPy array."""
    check_roi_boxes_shape(boxes)
    rois = boxes if isinstance(boxes, ember.Tensor) else convert_boxes_to_roi_format(boxes)
    if input.dim() != 4:
        raise RuntimeError(f"{op}: expected a 4-D input [N, C, H, W], got {input.dim()}-D")
    if input.dtype != rois.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'input' to have the same type as tensor for "
                           f"argument #2 'rois'; but type {input.dtype} does not equal {rois.dtype} "
                           f"(while checking arguments for {op})")
    if not input.is_floating_point():
        raise RuntimeError(f"\"{op}\" not implemented for '{input.dtype}'")
    return rois.detach().numpy()


def round_half_away(x):
    """C's ``round``: halves away from zero."""
    x = x.astype(np.float64)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)


def bilinear_taps(start, bin_size, grid, pooled, size):
    """Per-axis bilinear taps of ``grid[k]`` samples per bin (C++ float arithmetic in the rois'
    dtype): (pixel index ``[K, P, T]``, weight ``[K, P, T]``) with ``T = 2 * max(grid)``, weights
    already divided by ``grid[k]`` and zero for samples outside ``[-1, size]`` or past ``grid[k]``."""
    dt = start.dtype.type
    g_max = max(int(grid.max()) if grid.size else 0, 1)
    p = np.arange(pooled, dtype=start.dtype)[None, :, None]
    g = np.arange(g_max)[None, None, :]
    gk = np.maximum(grid, 1).astype(start.dtype)[:, None, None]
    y = start[:, None, None] + p * bin_size[:, None, None] + (g.astype(start.dtype) + dt(0.5)) * bin_size[:, None, None] / gk
    valid = (y >= -1.0) & (y <= size) & (g < grid[:, None, None])
    y = np.where(valid, np.maximum(y, dt(0)), dt(0))
    low = y.astype(np.int64)
    edge = low >= size - 1
    low = np.where(edge, size - 1, low)
    high = np.where(edge, size - 1, low + 1)
    frac = np.where(edge, dt(0), y - low.astype(start.dtype))
    scale = valid.astype(start.dtype) / gk
    idx = np.concatenate([low, high], axis=2)
    w = np.concatenate([(dt(1) - frac) * scale, frac * scale], axis=2)
    return idx, w


def integer_bins(start, length, pooled, clip_hi):
    """Per-axis integer bins ``[lo, hi)`` of torchvision's RoI pools (``floor``/``ceil`` of the bin
    edges in the dtype of ``length``, the rois' dtype; offset by ``start`` and clipped to
    ``[0, clip_hi]``), each ``[K, P]``."""
    bin_size = length
    p = np.arange(pooled, dtype=bin_size.dtype)[None, :]
    b = (bin_size / bin_size.dtype.type(pooled))[:, None]
    lo = np.floor(p * b).astype(np.int64) + start[:, None]
    hi = np.ceil((p + 1) * b).astype(np.int64) + start[:, None]
    return np.clip(lo, 0, clip_hi), np.clip(hi, 0, clip_hi)


def bins_as_taps(lo, hi, size, average):
    """Integer bins as window taps: (index ``[K, P, L]``, weight ``[K, P, L]``) over each RoI's
    rows ``min(lo) .. max(hi)``, weight ``1 / (hi - lo)`` (``average``) or 1 inside the bin."""
    start = lo.min(axis=1) if lo.size else np.zeros(lo.shape[0], np.int64)
    length = max(int((hi.max(axis=1) - start).max()) if lo.size else 1, 1)
    pos = start[:, None, None] + np.arange(length)[None, None, :]
    inside = (pos >= lo[:, :, None]) & (pos < hi[:, :, None])
    w = inside / np.maximum(hi - lo, 1)[:, :, None] if average else inside.astype(np.float64)
    return np.broadcast_to(np.minimum(pos, size - 1), inside.shape), w


def to_window(idx, w, size):
    """Compact taps ``[K, P, T]`` into per-RoI operators: (rows ``[K, L]``, matrix ``[K, P, L]``).
    Each RoI uses the contiguous window of the pixels it touches, or its raw tap list when that
    is shorter (few samples spread over a large box)."""
    K, P, T = idx.shape
    used = w != 0
    lo = np.where(used, idx, size).min(axis=(1, 2)) if K else np.zeros(0, np.int64)
    hi = np.where(used, idx, -1).max(axis=(1, 2)) if K else np.zeros(0, np.int64)
    lo = np.where(hi < lo, 0, lo)
    span = np.maximum(hi - lo + 1, 1)
    win = span <= P * T
    L = max(int(np.minimum(span, P * T).max()) if K else 1, 1)
    rows = np.zeros((K, L), np.int64)
    mat = np.zeros((K, P, L), dtype=w.dtype)
    kw = np.nonzero(win)[0]
    if kw.size:
        rows[kw] = np.minimum(lo[kw, None] + np.arange(L)[None, :], size - 1)
        k = np.broadcast_to(kw[:, None, None], (kw.size, P, T))
        p = np.broadcast_to(np.arange(P)[None, :, None], k.shape)
        u = used[kw]
        np.add.at(mat, (k[u], p[u], (idx[kw] - lo[kw, None, None])[u]), w[kw][u])
    kt = np.nonzero(~win)[0]
    if kt.size:                                   # here L == P * T
        rows[kt] = idx[kt].reshape(kt.size, P * T)
        block = np.zeros((kt.size, P, P, T), dtype=w.dtype)
        block[:, np.arange(P), np.arange(P)] = w[kt]
        mat[kt] = block.reshape(kt.size, P, P * T)
    return rows, mat


def _extent(mat):
    """Per RoI, one past the last column of ``mat [K, P, L]`` with a nonzero weight (at least 1)."""
    used = (mat != 0).any(axis=1)
    last = np.where(used.any(axis=1), used.shape[1] - np.argmax(used[:, ::-1], axis=1), 1)
    return np.maximum(last, 1)


def chunks(ly, lx, channels):
    """Index arrays grouping RoIs of similar window height ``ly`` and width ``lx`` so that each
    chunk's padded windows (``count * max(ly) * max(lx) * channels``) stay near _BUDGET elements."""
    ly, lx = np.maximum(ly, 1), np.maximum(lx, 1)
    order = np.lexsort((lx, ly // 4))
    out, start = [], 0
    while start < len(order):
        my, mx = ly[order[start]], lx[order[start]]
        stop = start + 1
        while stop < len(order):
            ny, nx = max(my, ly[order[stop]]), max(mx, lx[order[stop]])
            if (stop + 1 - start) * ny * nx * channels > _BUDGET:
                break
            my, mx, stop = ny, nx, stop + 1
        out.append(order[start:stop])
        start = stop
    return out


def _scatter_rows(g, idx, n):
    """``out[idx[m]] += g[m]`` for rows ``g [M, C]`` into ``[n, C]``: one ``bincount`` over
    (row, channel) pairs of the touched range (``np.add.at`` on rows is several times slower)."""
    out = np.zeros((n,) + g.shape[1:], dtype=g.dtype)
    if idx.size == 0:
        return out
    C = g.shape[1]
    lo, hi = int(idx.min()), int(idx.max()) + 1
    pairs = ((idx - lo)[:, None] * C + np.arange(C)[None, :]).ravel()
    out[lo:hi] = np.bincount(pairs, weights=g.ravel(), minlength=(hi - lo) * C).reshape(hi - lo, C)
    return out


class _GatherRows(Op):
    """``pixels[flat]`` for a ``[M, C]`` matrix and an int index array; backward scatters rows."""

    @staticmethod
    def forward(ctx, pixels, flat):
        if isinstance(ctx, Op):
            ctx.args = (flat, pixels.shape[0])
        return np.take(pixels, flat, axis=0)

    @staticmethod
    def backward(ctx, g):
        flat, n = ctx.args
        return apply_op(_ScatterRows, (g,), flat, n)


class _ScatterRows(Op):
    """The adjoint of ``_GatherRows``: rows of ``g`` summed into an ``[n, C]`` matrix."""

    @staticmethod
    def forward(ctx, g, flat, n):
        if isinstance(ctx, Op):
            ctx.args = flat
        return _scatter_rows(g.reshape(-1, g.shape[-1]), flat.ravel(), n)

    @staticmethod
    def backward(ctx, g):
        return apply_op(_GatherRows, (g,), ctx.args)


def separable_pool(input, batch, ops_y, ops_x, out_channels=None):
    """``sum_ij Ay[k, p, i] X[b_k, c, i, j] Ax[k, q, j]`` for every RoI ``k`` (``[K, C, P, Q]``).

    ``ops_y``/``ops_x`` are (taps index, taps weight) pairs from the helpers above. With
    ``out_channels`` (position-sensitive pooling) input channel ``(c * P + p) * Q + q`` feeds only
    output ``[k, c, p, q]``. Works channels-last: each chunk gathers its windows as
    ``[k, Ly, Lx, C]`` rows of the ``[N * H * W, C]`` pixel matrix, then contracts columns
    (one batched matmul) and rows (a second).
    """
    K = batch.shape[0]
    N, C, H, W = input.shape
    P, Q = ops_y[0].shape[1], ops_x[0].shape[1]
    c_out = C if out_channels is None else out_channels
    if K == 0:
        return ember.zeros((0, c_out, P, Q), dtype=input.dtype) + input.sum() * 0
    rows, my = to_window(*ops_y, H)
    cols, mx = to_window(*ops_x, W)
    ly, lx = _extent(my), _extent(mx)
    pixels = input.permute(0, 2, 3, 1).reshape(N * H * W, C)
    np_dt = np.dtype(str(input.dtype).replace("torch.", ""))
    pieces, orders = [], []
    for sel in chunks(ly, lx, C):
        k = len(sel)
        ny, nx = int(ly[sel].max()), int(lx[sel].max())
        flat = (batch[sel][:, None, None] * H + rows[sel][:, :ny, None]) * W + cols[sel][:, None, :nx]
        xw = apply_op(_GatherRows, (pixels,), flat)                      # [k, ny, nx, C]
        ay = ember.from_numpy(np.ascontiguousarray(my[sel, :, :ny], dtype=np_dt))      # [k, P, ny]
        ax = ember.from_numpy(np.ascontiguousarray(mx[sel, :, :nx], dtype=np_dt))      # [k, Q, nx]
        if out_channels is None:
            t = ax[:, None] @ xw                                                       # [k, ny, Q, C]
            out = (ay @ t.reshape(k, ny, Q * C)).reshape(k, P, Q, C)                  # channels last
        else:
            xw = xw.reshape(k, ny, nx, out_channels, P, Q)
            t = (xw * ax.permute(0, 2, 1)[:, None, :, None, None, :]).sum(2)           # [k, ny, c, P, Q]
            out = (t * ay.permute(0, 2, 1)[:, :, None, :, None]).sum(1).permute(0, 2, 3, 1)  # [k, P, Q, c]
        pieces.append(out)
        orders.append(sel)
    out = pieces[0] if len(pieces) == 1 else ember.cat(pieces, 0)
    order = np.concatenate(orders)
    if (order != np.arange(K)).any():
        out = out[ember.from_numpy(np.argsort(order))]
    return out.permute(0, 3, 1, 2).contiguous()
