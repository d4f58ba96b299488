"""3x3, stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3): 16 multiplies per
2x2 output tile and input channel instead of 36 (2.25x fewer than im2col + GEMM).

The output is cut into 2x2 tiles, each computed from the 4x4 tile of the padded input under it
(input tiles overlap by two rows and columns, so they start every second position):

    U = G g G^T      the kernel g (3x3) of each (output, input) channel pair   -> (16, O, C)
    V = B^T d B      each 4x4 input tile d of each input channel              -> (16, C, T)
    M = U @ V        16 GEMMs, one per position of the 4x4 transformed tile    -> (16, O, T)
    y = A^T M A      each 2x2 output tile                                        (T tiles)

    B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    G   = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]
    A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]

The padded input is first split into its four phases (row and column parity), so that B^T d B
is 20 adds and subtracts of contiguous runs along whole rows of tiles (rows first, then
columns; each tile row carries one junk tile at its end). U is one product with G kron G,
A^T M A one with A^T kron A^T followed by four strided copies into y. The bias is added to
M[1, 1], the one entry that reaches all four outputs of a tile with weight 1. An odd output
height or width gets one more row or column of zero padding (its tile half computed, half
dropped). The tiles are processed in blocks (several images, or a band of tile rows of one)
small enough that V and M stay in the L2 cache; with several intra-op threads each thread takes
its own blocks (or, where U outweighs the tiles, its share of each block's 16 GEMMs).

The weight gradient runs the same algorithm backwards (``winograd_dw``): with Z = A g A^T of
each 2x2 tile g of the output gradient, dw = G^T (sum over tiles Z * V) G, again 16 GEMMs.
The input gradient of a stride-1 convolution is a convolution of the output gradient
(``conv_kernels._dx_by_phases``), so it comes here through ``winograd_conv``.

>>> from ember.ops.nn.conv_winograd import winograd_conv
>>> winograd_conv(np.ones((1, 1, 4, 4), np.float32), np.ones((1, 1, 3, 3), np.float32), ((0, 0), (0, 0)))
array([[[[9., 9.],
         [9., 9.]]]], dtype=float32)
"""
from .._util import np
from ... import _thread_pool as _tp
from ..._thread_pool import num_threads, parallel_for, blocks
from ..._parallel_gemm import gemm
from ..._ufunc_buffers import rows

__all__ = []

_ENABLED = True          # False: every convolution by im2col (the tests run both algorithms)
# When it pays (``_pays``; measured on one core with OpenBLAS's AVX-512 kernels, against im2col):
_MIN_C = 16              # fewer input or output channels than this: im2col (a first layer's C = 3)
_MIN_H = 48              # C O / (C + O) below this (64 -> 64 channels give 32): im2col, as the
                         # transforms cost per channel and the GEMMs save per pair of channels ...
_MIN_H_ONE_THREAD = 32   # ... on one thread 64 -> 64 channels pay (a resnet18 training step -4%);
                         # split over threads their many small transform calls scale worse than
                         # im2col (4 images of 56 x 56, 2 threads: 1.15x im2col's time)
_BIG_IMAGE = 12544       # ... unless an image has this many outputs (112 x 112), where im2col's
                         # matrix outgrows the caches (64 -> 64 channels, 224 x 224: 0.66x the time)
_FEW_IMAGES_IM2COL = True   # fewer images than threads: im2col unless the image is big
_DW_MIN_H = 64           # the same for the weight gradient (``dw_eligible``), its big images too
_MIN_SAVING = 3000       # fewer multiplies saved per pair of channels than this: im2col (U's
                         # transform and its trips through the caches cost more: one 14x14 image
                         # saves 868 and takes 1.35x the time, four 3472 and take 0.89x)
_BLOCK_BYTES = 1 << 21   # V and M of one block of tiles: about this much, so they stay in cache
_MIN_BLOCK = 256         # tiles per block at least
_PAR_FLOPS = 1 << 25     # convolutions with fewer multiply-adds * 2 than this run on one thread
_SPLIT_GEMMS = None      # with threads: None (by size, ``_schedule``), True (split each block's GEMMs)
                         # or False (share the blocks); the tests run each

_G = np.array([[1., 0., 0.], [.5, .5, .5], [.5, -.5, .5], [0., 0., 1.]])
_GG = np.kron(_G, _G)    # (16, 9): vec(G g G^T) = (G kron G) vec(g)
_AT = np.array([[1., 1., 1., 0.], [0., 1., -1., -1.]])
_AA = np.kron(_AT, _AT)  # (4, 16): vec(A^T m A)


def eligible(x, w, stride, pads, dil, groups):
    """True when ``winograd_conv`` runs this convolution: 2-d, a 3x3 kernel, stride 1, dilation
    1, no groups, float32 or float64, and enough channels and 2x2 output tiles that it pays."""
    if not _ENABLED or groups != 1 or w.ndim != 4 or w.shape[2:] != (3, 3):
        return False
    if tuple(stride) != (1, 1) or tuple(dil) != (1, 1) or x.dtype != w.dtype:
        return False
    if x.dtype not in (np.float32, np.float64):
        return False
    return _pays(x.shape[0], x.shape[1], w.shape[0], *(s + l + r - 2 for s, (l, r) in zip(x.shape[2:], pads)))


def dx_eligible(gy, w, in_sp, stride, dil, groups):
    """True when the input gradient of this convolution (gy (N, O, ...), w (O, C, ...)), taken
    as a convolution of gy, runs ``winograd_conv``."""
    if not _ENABLED or groups != 1 or w.ndim != 4 or w.shape[2:] != (3, 3):
        return False
    if tuple(stride) != (1, 1) or tuple(dil) != (1, 1) or gy.dtype != w.dtype:
        return False
    if gy.dtype not in (np.float32, np.float64):
        return False
    return _pays(gy.shape[0], w.shape[0], w.shape[1], *in_sp)


def dw_eligible(x, gy, k, stride, dil, groups):
    """True when ``winograd_dw`` computes this weight gradient (x (N, C, ...), gy (N, O, ...),
    kernel size k): as ``eligible``, with more channels (``_DW_MIN_H``: its transforms cost more)."""
    if not _ENABLED or groups != 1 or x.ndim != 4 or tuple(k) != (3, 3) or tuple(stride) != (1, 1):
        return False
    if tuple(dil) != (1, 1) or x.dtype != gy.dtype or x.dtype not in (np.float32, np.float64):
        return False
    return _pays(gy.shape[0], x.shape[1], gy.shape[1], *gy.shape[2:], _DW_MIN_H)


def _pays(N, C, O, Ho, Wo, min_h=None):
    """Whether F(2x2, 3x3) beats im2col on N images, C -> O channels, Ho x Wo outputs: enough
    channels (``_MIN_C``, and ``_MIN_H`` (``_MIN_H_ONE_THREAD`` on one thread) or ``min_h`` of
    C O / (C + O), or a big image), and
    im2col's 9 multiplies per output over the 16 per tile (with a junk tile per tile row, see
    ``_input_transform``) saving ``_MIN_SAVING`` per pair of channels. With fewer images than
    intra-op threads, only a big image (``_BIG_IMAGE``): im2col's one GEMM split over them scales
    better than the transforms (128 -> 128 channels, one 28 x 28 image, 2 threads: 1.12x
    im2col's time)."""
    if min(C, O) < _MIN_C or Ho <= 0 or Wo <= 0:
        return False
    if _FEW_IMAGES_IM2COL and N < num_threads() and Ho * Wo < _BIG_IMAGE:
        return False
    dw = min_h is not None
    if not dw:
        min_h = _MIN_H_ONE_THREAD if num_threads() == 1 else _MIN_H
    if C * O < min_h * (C + O) and (Ho * Wo < _BIG_IMAGE or dw):
        return False
    return 9 * N * Ho * Wo - 16 * N * ((Ho + 1) // 2) * ((Wo + 1) // 2 + 1) >= _MIN_SAVING


def weight_transform(w, par=False):
    """U = G g G^T for every (output, input) channel pair: w (O, C, 3, 3) -> (16, O, C), as
    one product with G kron G (its entries 0, 1/4, 1/2 and 1, so float32 loses only the
    rounding of the sums); in column blocks that stay in cache, shared over the pool when
    ``par``."""
    O, C = w.shape[:2]
    g = w.reshape(O * C, 9).T                  # (9, O*C), a view
    u = np.empty((16, O * C), w.dtype)
    gg = _GG.astype(w.dtype)
    sl = blocks(O * C, -(-O * C // 8192))
    _for(lambda i: np.matmul(gg, g[:, sl[i]], out=u[:, sl[i]]), len(sl), par)
    return u.reshape(16, O, C)


def _for(fn, n, par):
    """``fn(0) .. fn(n - 1)``: over the pool when ``par``."""
    if not par:
        for i in range(n):
            fn(i)
        return
    parallel_for(fn, n)


def _split_phases(x, pads, th, tw, par=False):
    """The zero-padded input split into its four phases (row and column parity): x (N, C, H, W)
    -> (N, C, 2, 2, th + 1, tw + 1), padded position (r, q) at [..., r % 2, q % 2, r // 2, q // 2]
    (one strided copy, by blocks of channels over the pool when ``par``; it makes every read of
    the transform a run along whole rows of tiles)."""
    N, C, H, W = x.shape
    (pt, _), (pl, _) = pads
    xq = np.empty((N, C, 2, 2, th + 1, tw + 1), x.dtype)
    sl = blocks(C, num_threads() if par else 1)

    def copy(k):
        for pr in range(2):
            r0 = (pr - pt) % 2                 # the first row of x that lands on row parity pr
            i0, ni = (r0 + pt) // 2, len(range(r0, H, 2))
            for pc in range(2):
                c0 = (pc - pl) % 2
                j0, nj = (c0 + pl) // 2, len(range(c0, W, 2))
                dst = xq[:, sl[k], pr, pc]
                dst[:, :, :i0] = 0
                dst[:, :, i0 + ni:] = 0
                dst[:, :, i0:i0 + ni, :j0] = 0
                dst[:, :, i0:i0 + ni, j0 + nj:] = 0
                np.copyto(dst[:, :, i0:i0 + ni, j0:j0 + nj], x[:, sl[k], r0::2, c0::2])
    _for(copy, len(sl), par)
    return xq


def _input_transform(xb, R, V, r0, r1):
    """V (4, 4, C, n, L) = B^T d B of the tiles in tile rows [r0, r1) of xb (n, C, 2, 2, th + 1,
    tw + 1) (``_split_phases``); L = (r1 - r0) (tw + 1): each tile row has one tile of junk at
    its end (the last one zero). R (4, n, C, 2, L) holds the rows' transform."""
    L = (r1 - r0) * xb.shape[-1]
    n, C = xb.shape[:2]
    d = [xb[:, :, k % 2, :, r0 + k // 2:r1 + k // 2].reshape(n, C, 2, L) for k in range(4)]
    np.subtract(d[0], d[2], out=R[0])
    np.add(d[1], d[2], out=R[1])
    np.subtract(d[2], d[1], out=R[2])
    np.subtract(d[1], d[3], out=R[3])
    V[..., L - 1] = 0
    for i in range(4):
        ev, od = R[i, :, :, 0].swapaxes(0, 1), R[i, :, :, 1].swapaxes(0, 1)   # (C, n, L)
        e0, e1, e2, e3 = ev[..., :L - 1], od[..., :L - 1], ev[..., 1:], od[..., 1:]
        v = V[i, ..., :L - 1]
        np.subtract(e0, e2, out=v[0])
        np.add(e1, e2, out=v[1])
        np.subtract(e2, e1, out=v[2])
        np.subtract(e1, e3, out=v[3])


def _output_transform(M, Y, yb, Wq, par):
    """yb (n, O, rows, cols) = A^T m A of every tile of M (16, O, n tr Wq) (the junk tiles
    dropped, the last tile row or column cropped to yb): one product with A^T kron A^T (4, 16)
    into Y (4, O, n tr Wq) (by column blocks over the pool when ``par``), then four strided
    copies. (1.5x faster than the 24 adds and subtracts of two stages.)"""
    a = _AA.astype(M.dtype, copy=False)
    m, y = M.reshape(16, -1), Y.reshape(4, -1)
    sl = blocks(m.shape[1], num_threads() if par else 1)
    _for(lambda i: np.matmul(a, m[:, sl[i]], out=y[:, sl[i]]), len(sl), par)
    n, O = yb.shape[:2]
    Y = Y.reshape(2, 2, O, n, -1, Wq)
    for r in range(2):
        for c in range(2):
            dst = yb[:, :, r::2, c::2].swapaxes(0, 1)                        # (O, n, ra, ca)
            np.copyto(dst, Y[r, c, :, :, :dst.shape[2], :dst.shape[3]])


def _plan(N, th, Wq, C, O, itemsize, parts):
    """The blocks of tiles: [(images slice, tile rows slice)], each with V and M of about
    ``_BLOCK_BYTES`` but at least ``_MIN_BLOCK`` tiles (each block streams all of U through
    its 16 GEMMs, and a GEMM on few columns runs slowly); a multiple of ``parts`` of them."""
    total = N * th * Wq
    nb = -(-total // max(_MIN_BLOCK, _BLOCK_BYTES // (16 * (C + O) * itemsize)))
    nb = -(-nb // parts) * parts
    if nb <= N:
        n = -(-N // nb)
        return [(slice(i, min(N, i + n)), slice(0, th)) for i in range(0, N, n)]
    rows = -(-th // -(-nb // N))
    return [(slice(i, i + 1), slice(r, min(th, r + rows))) for i in range(N) for r in range(0, th, rows)]


def _gemms(a, b, out, split):
    """The 16 products ``np.matmul(a, b, out=out)``, shared by the pool's threads when ``split``."""
    if not split:
        return np.matmul(a, b, out=out)
    sl = blocks(16, num_threads())
    _for(lambda i: np.matmul(a[sl[i]], b[sl[i]], out=out[sl[i]]), len(sl), True)
    return out


def _schedule(N, th, Wq, C, O, dt, prepare, run, finish=list):
    """``prepare(par)``, then ``run(part, split)`` over the blocks of tiles, then ``finish`` of
    the list of ``run``'s results (returned). Serial on one thread or under ``_PAR_FLOPS`` of
    work. With several threads ``prepare`` shares its copies over the pool, and then either
    each thread takes its share of the blocks, or, where U is larger than all of V and M
    (deep layers, few tiles), the blocks run one after the other with their 16 GEMMs split
    over the threads (``split``), so that each thread streams only its part of U. The BLAS
    runs one thread throughout (its own threads would compete with the pool's)."""
    Tn = 1 if _tp._LOCAL.__dict__.get("worker") else num_threads()   # (inside a block: serial)
    par = Tn > 1 and 32 * N * th * Wq * C * O >= _PAR_FLOPS
    if not par:
        prepare(False)
        return finish([run(_plan(N, th, Wq, C, O, dt.itemsize, 1), False)])
    prepare(True)
    if O * C > (C + O) * N * th * Wq if _SPLIT_GEMMS is None else _SPLIT_GEMMS:
        return finish([run(_plan(N, th, Wq, C, O, dt.itemsize, 1), True)])
    plan = _plan(N, th, Wq, C, O, dt.itemsize, Tn)
    sl = blocks(len(plan), Tn)
    res = [None] * len(sl)
    _for(lambda i: res.__setitem__(i, run(plan[sl[i]], False)), len(sl), True)
    return finish(res)


def winograd_conv(x, w, pads, bias=None, post=None):
    """y = x (*) w (+ bias) by F(2x2, 3x3): x (N, C, H, W), w (O, C, 3, 3), pads ((top, bottom),
    (left, right)), bias (O,) or None -> (N, O, H + top + bottom - 2, W + left + right - 2);
    ``post(y3, (images, positions))`` run on each block of output rows as it is finished."""
    N, C = x.shape[:2]
    O = w.shape[0]
    dt = x.dtype
    Ho, Wo = (s + l + r - 2 for s, (l, r) in zip(x.shape[2:], pads))
    th, tw = (Ho + 1) // 2, (Wo + 1) // 2
    Wq = tw + 1
    y = np.empty((N, O, Ho, Wo), dt)
    y3 = y.reshape(N, O, Ho * Wo)
    xq = U = None

    def prepare(par):
        nonlocal xq, U
        xq, U = _split_phases(x, pads, th, tw, par), weight_transform(w, par)

    def run(part, split):
        n = max(b.stop - b.start for b, _ in part)
        T = n * max(r.stop - r.start for _, r in part) * Wq
        buf = np.empty((24 * C + 20 * O) * T, dt)
        for b, r in part:
            nb, rb = b.stop - b.start, r.stop - r.start
            T = nb * rb * Wq
            R, V, M, Y = np.split(buf[:(24 * C + 20 * O) * T], np.cumsum((8 * C * T, 16 * C * T, 16 * O * T)))
            V = V.reshape(4, 4, C, nb, rb * Wq)
            _input_transform(xq[b], R.reshape(4, nb, C, 2, rb * Wq), V, r.start, r.stop)
            M = _gemms(U, V.reshape(16, C, T), M.reshape(16, O, T), split)
            if bias is not None:
                with rows(T):
                    M[5] += bias.reshape(O, 1)
            _output_transform(M, Y, y[b, :, 2 * r.start:2 * r.stop], Wq, split)
            if post is not None:
                post(y3, (b, slice(2 * r.start * Wo, min(Ho, 2 * r.stop) * Wo)))

    _schedule(N, th, Wq, C, O, dt, prepare, run)
    return y


def _grad_transform(gb, P, Z, r0, r1):
    """Z (4, 4, O, n, L) = A g A^T of every 2x2 tile g of the output gradient in tile rows
    [r0, r1) of gb (n, O, 2, 2, th, tw + 1) (phases of gy, a zero junk column), its entries in
    row or column 3 negated (``_DW_SIGNS`` puts the sign back); P (2, 2, O, n, L) is scratch."""
    n, O = gb.shape[:2]
    L = (r1 - r0) * gb.shape[-1]
    g = [[gb[:, :, a, c, r0:r1].reshape(n, O, L).swapaxes(0, 1) for c in range(2)] for a in range(2)]
    for c in range(2):                     # A (4x2) times the tile's rows: g0, g0 + g1, g0 - g1, g1
        np.add(g[0][c], g[1][c], out=P[0, c])
        np.subtract(g[0][c], g[1][c], out=P[1, c])
    rows = [(g[0][0], g[0][1]), (P[0, 0], P[0, 1]), (P[1, 0], P[1, 1]), (g[1][0], g[1][1])]
    for i, (p0, p1) in enumerate(rows):     # ... and the columns
        np.copyto(Z[i, 0], p0)
        np.add(p0, p1, out=Z[i, 1])
        np.subtract(p0, p1, out=Z[i, 2])
        np.copyto(Z[i, 3], p1)


_DW_SIGNS = np.array([1., 1., 1., -1.])


def winograd_dw(x, gy, pads):
    """The weight gradient of a 3x3, stride-1 convolution by F(2x2, 3x3) run backwards:
    dw = G^T (sum over tiles (A g A^T) * (B^T d B)) G, with g each 2x2 tile of the output
    gradient and d the 4x4 input tile under it: 16 GEMMs (O, T) @ (T, C) summed over blocks of
    tiles. x (N, C, H, W), gy (N, O, Ho, Wo) -> (O, C, 3, 3).

    >>> from ember.ops.nn.conv_winograd import winograd_dw
    >>> winograd_dw(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), ((0, 0), (0, 0)))[0, 0]
    array([[4., 4., 4.],
           [4., 4., 4.],
           [4., 4., 4.]])
    """
    N, C = x.shape[:2]
    O = gy.shape[1]
    dt = np.result_type(x, gy)
    Ho, Wo = gy.shape[2:]
    th, tw = (Ho + 1) // 2, (Wo + 1) // 2
    Wq = tw + 1
    xq = gq = None

    def prepare(par):
        nonlocal xq, gq
        xq, gq = _split_phases(x, pads, th, tw, par), _split_phases(gy, ((0, 0), (0, 0)), th - 1, tw, par)

    def run(part, split):
        n = max(b.stop - b.start for b, _ in part)
        T = n * max(r.stop - r.start for _, r in part) * Wq
        buf = np.empty((24 * C + 20 * O) * T, dt)
        dU = tmp = None
        for b, r in part:
            nb, rb = b.stop - b.start, r.stop - r.start
            T = nb * rb * Wq
            R, V, P, Z = np.split(buf[:(24 * C + 20 * O) * T], np.cumsum((8 * C * T, 16 * C * T, 4 * O * T)))
            V = V.reshape(4, 4, C, nb, rb * Wq)
            _input_transform(xq[b], R.reshape(4, nb, C, 2, rb * Wq), V, r.start, r.stop)
            Z = Z.reshape(4, 4, O, nb, rb * Wq)
            _grad_transform(gq[b], P.reshape(2, 2, O, nb, rb * Wq), Z, r.start, r.stop)
            Vt = V.reshape(16, C, T).transpose(0, 2, 1)
            if dU is None:     # the first block's products are dU, the others are added to it
                dU = _gemms(Z.reshape(16, O, T), Vt, np.empty((16, O, C), dt), split)
            else:
                tmp = np.empty((16, O, C), dt) if tmp is None else tmp
                dU += _gemms(Z.reshape(16, O, T), Vt, tmp, split)
        return dU

    def finish(parts):
        dU = parts[0]
        for p in parts[1:]:
            dU += p
        # dw = G^T dU G per (o, c): one product with (G kron G)^T, the signs of Z put back
        gs = (_GG * np.kron(_DW_SIGNS, _DW_SIGNS)[:, None]).astype(dt)
        return gemm(dU.reshape(16, O * C).T, gs).reshape(O, C, 3, 3)

    return _schedule(N, th, Wq, C, O, dt, prepare, run, finish)
