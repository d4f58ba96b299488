"""Decompositions of ``ember.linalg``: cholesky/cholesky_ex, qr, svd/svdvals, eigh/eigvalsh,
eig/eigvals and lstsq.

>>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., -2.]]))
tensor([3., 2.])
>>> ember.linalg.eigvalsh(ember.tensor([[2., 1.], [1., 2.]]))
tensor([1., 3.])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from ..._backend import np
from ..._thread_pool import lapack_threads
from ..._tensor import _wrap
from ...autograd.function import Op
from ... import return_types as _RT
from .linalg_checks import LinAlgError, _apply, _check_square, _not_pd_error, _out, _rt, _state, _tname
from .solvers import _solve_mat
from .matrix_functions import matrix_rank, pinv


# ------------------------------------------------------------------------ cholesky
class LinalgCholeskyEx(Op):
    @staticmethod
    def forward(ctx, a, upper):
        try:
            with lapack_threads(a):
                L = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _not_pd_error(a, "linalg.cholesky") from None
        ctx.upper = upper
        out = np.ascontiguousarray(np.swapaxes(L, -1, -2).conj()) if upper else L
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        L, = ctx.saved_tensors
        if ctx.upper:
            L, g = L.mT, g.mT
        n = L.shape[-1]
        mask = np.tril(np.ones((n, n), dtype=L._data.dtype))
        np.fill_diagonal(mask, 0.5)
        phi = (L.mT @ g) * _wrap(mask)
        Lt = L.mT
        s = _solve_mat(Lt, _solve_mat(Lt, phi).mT).mT     # L^-T phi L^-1
        return (s + s.mT) * 0.5


def cholesky(A, *, upper=False, out=None):
    """Cholesky factor ``L`` (lower) with ``A = L L^T``, or ``U`` with ``upper=True``.

    >>> ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 5.]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return cholesky(A, upper=upper, out=out)
    _check_square(A, "linalg.cholesky")
    return _out(_apply(LinalgCholeskyEx, (A,), bool(upper)), out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """Cholesky factor and an int32 ``info`` (0 on success, else the order of the failing minor).

    >>> ember.linalg.cholesky_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return cholesky_ex(A, upper=upper, check_errors=check_errors, out=out)
    _check_square(A, "linalg.cholesky_ex")
    try:
        L = _apply(LinalgCholeskyEx, (A,), bool(upper))
        info = np.zeros(A.shape[:-2], dtype=np.int32)
    except LinAlgError:
        if check_errors:
            raise
        flat = A._data.reshape((-1,) + A.shape[-2:])
        infos = []
        for m in flat:
            k = 0
            for j in range(1, m.shape[0] + 1):
                try:
                    np.linalg.cholesky(m[:j, :j])
                except np.linalg.LinAlgError:
                    k = j
                    break
            infos.append(k)
        info = np.array(infos, dtype=np.int32).reshape(A.shape[:-2])
        L = _wrap(np.zeros(A.shape, dtype=A._data.dtype))
    return _rt("linalg_cholesky_ex", (L, _wrap(info)))


# ------------------------------------------------------------------ decompositions
class LinalgQr(Op):
    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode = mode
        with lapack_threads(a):
            if mode == "r":
                r = np.linalg.qr(a, mode="r")
                return np.zeros((0,), dtype=a.dtype), np.ascontiguousarray(r)
            q, r = np.linalg.qr(a, mode=mode)
        q, r = np.ascontiguousarray(q), np.ascontiguousarray(r)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        q, r = ctx.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                               "nrows > ncols.")
        if m >= n:
            return _qr_square_grad(q, r, gq, gr)
        # wide: A = Q [R1 | R2] with X = A[:, :m] = Q R1 square and Y = A[:, m:] = Q R2
        r1, r2 = r[..., :, :m], r[..., :, m:]
        gr1, gr2 = gr[..., :, :m], gr[..., :, m:]
        y = q @ r2
        gx = _qr_square_grad(q, r1, gq + y @ gr2.mT, gr1)
        gy = q @ gr2
        from ..shape.joining import cat
        return cat([gx, gy], -1)


def _qr_square_grad(q, r, gq, gr):
    """Gradient of ``A = Q R`` for ``R`` square upper-triangular: ``(gQ + Q copyltu(M)) R^-T``."""
    m = r @ gr.mT - gq.mT @ q
    k = m.shape[-1]
    low = np.tril(np.ones((k, k), dtype=m._data.dtype), -1)
    lower = m * _wrap(low)
    sym = lower + lower.mT + m * _wrap(np.eye(k, dtype=m._data.dtype))
    b = gq + q @ sym
    return _solve_mat(r, b.mT).mT           # b R^-T


def qr(A, mode="reduced", *, out=None):
    """QR decomposition ``A = Q R``; ``mode`` is 'reduced', 'complete' or 'r'.

    >>> Q, R = ember.linalg.qr(ember.tensor([[3., 0.], [4., 5.]]))
    >>> (Q @ R).round()
    tensor([[3., 0.],
            [4., 5.]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return qr(A, mode, out=out)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                           "(default), 'r', or 'complete'")
    _check_square(A, "linalg.qr", square=False)
    return _rt("linalg_qr", _apply(LinalgQr, (A,), mode))


class LinalgSvd(Op):
    @staticmethod
    def forward(ctx, a, full):
        with lapack_threads(a):
            u, s, vh = np.linalg.svd(a, full_matrices=full)
        s = s.astype(a.real.dtype, copy=False)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        k = s.shape[-1]
        u, vh = u[..., :, :k], vh[..., :k, :]
        only_s = not (np.any(gu._data) or np.any(gvh._data))
        if only_s:
            return (u * gs.unsqueeze(-2)) @ vh
        gu, gvh = gu[..., :, :k], gvh[..., :k, :]
        sd = s._data
        s2 = sd * sd
        with np.errstate(divide="ignore"):
            f = 1.0 / (s2[..., None, :] - s2[..., :, None])
        f[..., np.arange(k), np.arange(k)] = 0
        f = _wrap(f.astype(sd.dtype))
        v, gv = vh.mT, gvh.mT
        utgu = u.mT @ gu
        vtgv = v.mT @ gv
        inner = (f * (utgu - utgu.mT)) * s.unsqueeze(-2) + s.unsqueeze(-1) * (f * (vtgv - vtgv.mT))
        inner = inner + _diag_embed(gs)
        ga = u @ inner @ vh
        sinv = 1 / s
        m, n = u.shape[-2], vh.shape[-1]
        if m > k:
            ga = ga + ((gu - u @ utgu) * sinv.unsqueeze(-2)) @ vh
        if n > k:
            ga = ga + (u * sinv.unsqueeze(-2)) @ (gv - v @ vtgv).mT
        return ga


class LinalgSvdvals(Op):
    _name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a):
        with lapack_threads(a):
            u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.save_for_backward(u, vh)
        return s.astype(a.real.dtype, copy=False)

    @staticmethod
    def backward(ctx, gs):
        u, vh = ctx.saved_tensors
        return (u * gs.unsqueeze(-2)) @ vh


def svd(A, full_matrices=True, *, driver=None, out=None):
    """Singular value decomposition ``A = U diag(S) Vh`` (S descending).

    >>> ember.linalg.svd(ember.tensor([[3., 0.], [0., -2.]])).S
    tensor([3., 2.])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return svd(A, full_matrices, driver=driver, out=out)
    _check_square(A, "linalg.svd", square=False)
    return _rt("linalg_svd", _apply(LinalgSvd, (A,), bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    """Singular values of ``A``, descending.

    >>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., -2.]]))
    tensor([3., 2.])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return svdvals(A, driver=driver, out=out)
    _check_square(A, "linalg.svd", square=False)
    return _out(_apply(LinalgSvdvals, (A,)), out)


def _sym(a, uplo):
    """The symmetric matrix read from the ``uplo`` triangle of ``a`` (what LAPACK sees)."""
    if uplo == "L":
        lo = np.tril(a)
    else:
        lo = np.swapaxes(np.triu(a), -1, -2).conj()
    return lo + np.swapaxes(np.tril(lo, -1), -1, -2).conj()


class LinalgEigh(Op):
    @staticmethod
    def forward(ctx, a, uplo):
        with lapack_threads(a):
            w, v = np.linalg.eigh(a, UPLO=uplo)
        w = w.astype(a.real.dtype, copy=False)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        wd = w._data
        with np.errstate(divide="ignore"):
            f = 1.0 / (wd[..., None, :] - wd[..., :, None])
        n = wd.shape[-1]
        f[..., np.arange(n), np.arange(n)] = 0
        inner = (v.mT @ gv) * _wrap(f.astype(wd.dtype))
        inner = inner + _diag_embed(gw)
        ga = v @ inner @ v.mT
        return (ga + ga.mT) * 0.5


def _diag_embed(t):
    n = t.shape[-1]
    return t.unsqueeze(-1) * _wrap(np.eye(n, dtype=t._data.dtype))


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric/Hermitian matrix.

    >>> ember.linalg.eigh(ember.tensor([[2., 0.], [0., 1.]])).eigenvalues
    tensor([1., 2.])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return eigh(A, UPLO, out=out)
    _check_square(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _rt("linalg_eigh", _apply(LinalgEigh, (A,), UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) of a symmetric/Hermitian matrix.

    >>> ember.linalg.eigvalsh(ember.tensor([[2., 1.], [1., 2.]]))
    tensor([1., 3.])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return eigvalsh(A, UPLO, out=out)
    return _out(eigh(A, UPLO)[0], out)


def eig(A, *, out=None):
    """Eigenvalues and eigenvectors of a general square matrix (complex results).

    >>> ember.linalg.eig(ember.tensor([[2., 0.], [0., 1.]])).eigenvalues.tolist()
    [(2+0j), (1+0j)]
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return eig(A, out=out)
    _check_square(A, "linalg.eig")
    if A.requires_grad and _state[0]:
        raise NotImplementedError("ember: the derivative of linalg.eig is not implemented")
    a = A._data
    with lapack_threads(a):
        w, v = np.linalg.eig(a)
    ct = np.complex64 if a.dtype in (np.float32, np.complex64) else np.complex128
    return _rt("linalg_eig", (_wrap(w.astype(ct)), _wrap(v.astype(ct))))


def eigvals(A, *, out=None):
    """Eigenvalues of a general square matrix (complex).

    >>> ember.linalg.eigvals(ember.tensor([[2., 0.], [0., 1.]])).tolist()
    [(2+0j), (1+0j)]
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return eigvals(A, out=out)
    return _out(eig(A)[0], out)


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` (minimum norm when rank-deficient).

    ``residuals`` and ``singular_values`` are empty, as with PyTorch's default CPU driver.

    >>> ember.linalg.lstsq(ember.tensor([[1., 0.], [0., 1.], [0., 0.]]), ember.tensor([[1.], [2.], [3.]])).solution
    tensor([[1.],
            [2.]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, B = _ac.fp32(A, B)
        with _ac.suspended():
            return lstsq(A, B, rcond, driver=driver)
    _check_square(A, "torch.linalg.lstsq", square=False)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError("torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input with dtype {_tname(A._data)} and other with dtype {_tname(B._data)}")
    if not (A.ndim >= B.ndim and A.ndim - B.ndim <= 1):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vector = A.ndim == B.ndim + 1
    rows = B.shape[-1] if vector else B.shape[-2]
    if rows != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-{1 if vector else 2})")
    rtol = rcond if rcond is not None and rcond > 0 else None
    p = pinv(A, rtol=rtol)
    X = (p @ B.unsqueeze(-1)).squeeze(-1) if vector else p @ B
    rank = matrix_rank(A, rtol=rtol)
    empty = _wrap(np.zeros((0,), dtype=A._data.real.dtype))
    return getattr(_RT, "linalg_lstsq")((X, _wrap(np.zeros((0,), A._data.dtype)), rank, empty))
