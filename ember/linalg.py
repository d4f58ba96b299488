"""``ember.linalg``: norms, determinants, inverses, solvers and decompositions, as
``torch.linalg``. Forward through ``np.linalg`` in the input's own dtype; backward in
Tensor ops (det, slogdet, inv, solve, cholesky, eigh, svdvals, pinv).

>>> A = ember.tensor([[4., 1.], [1., 3.]], requires_grad=True)
>>> ember.linalg.det(A)
tensor(11., grad_fn=<LinalgDetBackward0>)
>>> ember.linalg.solve(A, ember.tensor([1., 2.]))
tensor([0.0909, 0.6364], grad_fn=<LinalgSolveExBackward0>)
"""
import math

from ._backend import np
from . import _dtype as D
from ._tensor import Tensor, _wrap
from .autograd import grad_mode
from .autograd.function import Op, apply_op

from . import return_types as _RT

_SolveEx = getattr(_RT, "linalg_solve_ex", None) or _RT.structseq("linalg_solve_ex", ("result", "info"))
_state = grad_mode._state
inf = math.inf

__all__ = ["LinAlgError", "norm", "vector_norm", "matrix_norm", "det", "slogdet", "inv", "inv_ex",
           "solve", "solve_triangular", "cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eigh",
           "eigvalsh", "eig", "eigvals", "pinv", "matrix_rank", "matrix_power", "multi_dot", "vecdot",
           "cross", "matmul", "cond", "lstsq", "matrix_exp", "diagonal", "lu_factor", "lu", "lu_solve",
           "solve_ex", "tensorinv", "tensorsolve", "vander"]


class LinAlgError(RuntimeError):
    """Raised when a matrix is singular or not positive-definite (``torch.linalg.LinAlgError``).

    >>> issubclass(ember.linalg.LinAlgError, RuntimeError)
    True
    """


_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
          "float64": "Double"}


def _tname(a):
    n = D.NP2DT[a.dtype].name
    return _NAMES.get(n, n)


def _rt(name, values):
    return getattr(_RT, name)(tuple(values))


def _check_float(A, name, low=False):
    """Float or complex input; half precision only where PyTorch computes it (``low``)."""
    k = A._data.dtype.kind
    if low and k == "V" or (low and A._data.dtype == np.float16):
        return
    if k not in "fc" or A._data.dtype == np.float16:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tname(A._data)}")


def _check_square(A, name, square=True, low=False):
    _check_float(A, name, low)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def _batch_prefix(a, i):
    return f"(Batch element {i}): " if a.ndim > 2 else ""


def _first_zero_pivot(m):
    """1-based index of the first exactly-zero pivot of an LU factorisation with partial pivoting."""
    u = m.astype(np.float64 if m.dtype.kind == "f" else np.complex128, copy=True)
    n = u.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        if p != k:
            u[[k, p]] = u[[p, k]]
        u[k + 1:, k:] -= np.outer(u[k + 1:, k] / u[k, k], u[k, k:])
    return 0


def _singular_error(a, name):
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        k = _first_zero_pivot(m)
        if k:
            return LinAlgError(f"{name}: {_batch_prefix(a, i)}The diagonal element {k} is zero, the inversion "
                               "could not be completed because the input matrix is singular.")
    return LinAlgError(f"{name}: The inversion could not be completed because the input matrix is singular.")


def _not_pd_error(a, name):
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return LinAlgError(f"{name}: {_batch_prefix(a, i)}The factorization could not be completed "
                                   "because the input is not positive-definite (the leading minor of order "
                                   f"{k} is not positive-definite).")
    return LinAlgError(f"{name}: The factorization could not be completed because the input is not "
                       "positive-definite.")


def _apply(cls, tensors, *args):
    if _state[0] and any(t._rg for t in tensors):
        return apply_op(cls, tensors, *args)
    out = cls.forward(_NoCtx, *[t._data for t in tensors], *args)
    if isinstance(out, tuple):
        return tuple(_wrap(o) for o in out)
    return _wrap(out)


class _NoCtxT:
    def save_for_backward(self, *a):
        pass

    def mark_non_differentiable(self, *a):
        pass

    def __setattr__(self, k, v):  # keep nothing alive between calls
        pass


_NoCtx = _NoCtxT()


def _unsq2(t):
    return t.unsqueeze(-1).unsqueeze(-1)


# ------------------------------------------------------------------------- inverse
class LinalgInvEx(Op):
    @staticmethod
    def forward(ctx, a):
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise _singular_error(a, "linalg.inv") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        ai, = ctx.saved_tensors
        ait = ai.mT
        return -(ait @ g @ ait)


def inv(A, *, out=None):
    """Inverse of a square matrix or a batch of them.

    >>> ember.linalg.inv(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _check_square(A, "linalg.inv")
    return _out(_apply(LinalgInvEx, (A,)), out)


def inv_ex(A, *, check_errors=False, out=None):
    """Inverse and an int32 ``info`` (0 where the matrix was invertible).

    >>> ember.linalg.inv_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    _check_square(A, "linalg.inv_ex")
    try:
        r = _apply(LinalgInvEx, (A,))
        info = np.zeros(A.shape[:-2], dtype=np.int32)
    except LinAlgError:
        if check_errors:
            raise
        a = A._data.reshape((-1,) + A.shape[-2:])
        info = np.array([_first_zero_pivot(m) for m in a], dtype=np.int32).reshape(A.shape[:-2])
        r = _wrap(np.full(A.shape, np.nan, dtype=A._data.dtype))
    return _rt("linalg_inv_ex", (r, _wrap(info)))


# ---------------------------------------------------------------------- determinant
def _adjugate_t(a):
    """Transposed adjugate (the gradient of det) by SVD: valid for singular matrices too."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    prods = np.empty_like(s)
    for i in range(n):
        prods[..., i] = np.prod(np.delete(s, i, axis=-1), axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    adj = np.swapaxes(vh, -1, -2) @ (prods[..., :, None] * np.swapaxes(u, -1, -2))
    return np.swapaxes(adj * sign[..., None, None], -1, -2).astype(a.dtype)


class LinalgDet(Op):
    @staticmethod
    def forward(ctx, a):
        out = np.asarray(np.linalg.det(a))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, d = ctx.saved_tensors
        if np.all(d._data != 0):
            return _unsq2(g * d) * inv(a).mT
        return _unsq2(g) * _wrap(_adjugate_t(a._data))


def det(A, *, out=None):
    """Determinant of a square matrix or a batch of them.

    >>> ember.linalg.det(ember.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _check_square(A, "linalg.det")
    return _out(_apply(LinalgDet, (A,)), out)


class LinalgSlogdet(Op):
    @staticmethod
    def forward(ctx, a):
        sign, logabs = np.linalg.slogdet(a)
        sign = np.asarray(sign, dtype=a.dtype)
        logabs = np.asarray(logabs, dtype=a.real.dtype)
        ctx.save_for_backward(a)
        return sign, logabs   # sign's gradient is zero (PyTorch still lets it require grad)

    @staticmethod
    def backward(ctx, gs, gl):
        a, = ctx.saved_tensors
        return _unsq2(gl) * inv(a).mT


def slogdet(A, *, out=None):
    """``(sign, logabsdet)`` of the determinant; stable where ``det`` would over/underflow.

    >>> ember.linalg.slogdet(ember.tensor([[-2., 0.], [0., 3.]]))
    torch.return_types.linalg_slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(1.7918))
    """
    _check_square(A, "linalg.slogdet")
    return _rt("linalg_slogdet", _apply(LinalgSlogdet, (A,)))


def _logdet(A):
    _check_square(A, "logdet")
    sign, la = _apply(LinalgSlogdet, (A,))
    with np.errstate(divide="ignore", invalid="ignore"):
        return la + _wrap(np.log(sign._data))


# --------------------------------------------------------------------------- solve
class LinalgSolveEx(Op):
    @staticmethod
    def forward(ctx, a, b, vector):
        try:
            x = np.linalg.solve(a, b[..., None])[..., 0] if vector else np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
        ctx.vector = vector
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = _solve_mat(a.mT, g, ctx.vector)
        ga = None
        if ctx.needs_input_grad[0]:
            ga = -(gb.unsqueeze(-1) * x.unsqueeze(-2)) if ctx.vector else -(gb @ x.mT)
        return ga, gb


def _solve_mat(a, b, vector=False):
    return _apply(LinalgSolveEx, (a, b), vector)


def solve(A, B, *, left=True, out=None):
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``); ``B`` may be a (batch of) vector(s).

    >>> ember.linalg.solve(ember.tensor([[2., 0.], [0., 4.]]), ember.tensor([2., 2.]))
    tensor([1.0000, 0.5000])
    """
    _check_square(A, "linalg.solve")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError("linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_tname(A._data)} and B of type {_tname(B._data)} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if not left:
        if vector:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported "
                               "for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)")
        return _out(solve(A.mT, B.mT).mT, out)
    n = A.shape[-1]
    rows, cols = (B.shape[-1], 1) if vector else (B.shape[-2], B.shape[-1])
    if rows != n:
        raise RuntimeError("linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{n} and {rows}x{cols})")
    return _out(_solve_mat(A, B, vector), out)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """Solve ``A X = B`` for a triangular ``A`` (only its ``upper``/lower triangle is read).

    >>> ember.linalg.solve_triangular(ember.tensor([[2., 1.], [0., 1.]]), ember.tensor([[3.], [1.]]), upper=True)
    tensor([[1.],
            [1.]])
    """
    n = A.shape[-1]
    mask = np.triu(np.ones((n, n), dtype=A._data.dtype)) if upper else np.tril(np.ones((n, n), A._data.dtype))
    if unitriangular:
        np.fill_diagonal(mask, 0)
        T = A * _wrap(mask) + _wrap(np.eye(n, dtype=A._data.dtype))
    else:
        T = A * _wrap(mask)
    if not left:
        return _out(solve(T.mT, B.mT).mT, out)
    return _out(_solve_mat(T, B), out)


# ------------------------------------------------------------------------ cholesky
class LinalgCholeskyEx(Op):
    @staticmethod
    def forward(ctx, a, upper):
        try:
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
    _check_square(A, "linalg.cholesky")
    return _out(_apply(LinalgCholeskyEx, (A,), bool(upper)), out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """Cholesky factor and an int32 ``info`` (0 on success, else the order of the failing minor).

    >>> ember.linalg.cholesky_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
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
        from .ops.joining import cat
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
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                           "(default), 'r', or 'complete'")
    _check_square(A, "linalg.qr", square=False)
    return _rt("linalg_qr", _apply(LinalgQr, (A,), mode))


class LinalgSvd(Op):
    @staticmethod
    def forward(ctx, a, full):
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
    _check_square(A, "linalg.svd", square=False)
    return _rt("linalg_svd", _apply(LinalgSvd, (A,), bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    """Singular values of ``A``, descending.

    >>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., -2.]]))
    tensor([3., 2.])
    """
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
    _check_square(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _rt("linalg_eigh", _apply(LinalgEigh, (A,), UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) of a symmetric/Hermitian matrix.

    >>> ember.linalg.eigvalsh(ember.tensor([[2., 1.], [1., 2.]]))
    tensor([1., 3.])
    """
    return _out(eigh(A, UPLO)[0], out)


def eig(A, *, out=None):
    """Eigenvalues and eigenvectors of a general square matrix (complex results).

    >>> ember.linalg.eig(ember.tensor([[2., 0.], [0., 1.]])).eigenvalues.tolist()
    [(2+0j), (1+0j)]
    """
    _check_square(A, "linalg.eig")
    if A.requires_grad and _state[0]:
        raise NotImplementedError("ember: the derivative of linalg.eig is not implemented")
    a = A._data
    w, v = np.linalg.eig(a)
    ct = np.complex64 if a.dtype in (np.float32, np.complex64) else np.complex128
    return _rt("linalg_eig", (_wrap(w.astype(ct)), _wrap(v.astype(ct))))


def eigvals(A, *, out=None):
    """Eigenvalues of a general square matrix (complex).

    >>> ember.linalg.eigvals(ember.tensor([[2., 0.], [0., 1.]])).tolist()
    [(2+0j), (1+0j)]
    """
    return _out(eig(A)[0], out)


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` (minimum norm when rank-deficient).

    ``residuals`` and ``singular_values`` are empty, as with PyTorch's default CPU driver.

    >>> ember.linalg.lstsq(ember.tensor([[1., 0.], [0., 1.], [0., 0.]]), ember.tensor([[1.], [2.], [3.]])).solution
    tensor([[1.],
            [2.]])
    """
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


class CholeskySolve(Op):
    """``X = A^-1 B`` with ``A = L L^T`` (or ``U^T U``); only the factor's triangle is read."""

    @staticmethod
    def forward(ctx, b, l, upper):
        lt = np.triu(l) if upper else np.tril(l)
        a = np.swapaxes(lt, -1, -2).conj() @ lt if upper else lt @ np.swapaxes(lt, -1, -2).conj()
        x = np.linalg.solve(a, b)
        ctx.upper = upper
        ctx.save_for_backward(l, x)
        return x

    @staticmethod
    def backward(ctx, g):
        l, x = ctx.saved_tensors
        gb = _apply(CholeskySolve, (g, l), ctx.upper)
        gl = None
        if ctx.needs_input_grad[1]:
            # PyTorch's convention: the gradient w.r.t. the whole factor, not masked to its triangle
            c = -(gb @ x.mT)
            c = c + c.mT
            gl = l @ c if ctx.upper else c @ l
        return gb, gl


def cholesky_solve(B, L, upper=False, *, out=None):
    """Solve ``A X = B`` given the Cholesky factor ``L`` of ``A`` (``U`` with ``upper=True``).

    >>> L = ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 5.]]))
    >>> ember.cholesky_solve(ember.tensor([[6.], [7.]]), L)
    tensor([[1.],
            [1.]])
    """
    return _out(_apply(CholeskySolve, (B, L), bool(upper)), out)


def cholesky_inverse(L, upper=False, *, out=None):
    """Inverse of ``A`` from its Cholesky factor.

    >>> ember.cholesky_inverse(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.2500, 0.0000],
            [0.0000, 0.0625]])
    """
    eye = _wrap(np.broadcast_to(np.eye(L.shape[-1], dtype=L._data.dtype), L.shape).copy())
    return _out(cholesky_solve(eye, L, upper), out)


def _expm(a):
    """exp of square matrices: scaling and squaring around a degree-18 Taylor polynomial."""
    if a.dtype.kind == "V" or a.dtype == np.float16:
        return _expm(a.astype(np.float32)).astype(a.dtype)
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm1 = float(np.abs(a).sum(-2).max())
    s = int(np.ceil(np.log2(norm1 / 0.5))) if norm1 > 0.5 else 0
    x = a / (2.0 ** s) if s else a
    eye = np.eye(n, dtype=a.dtype)
    r = eye + x / 18
    for k in range(17, 0, -1):
        r = eye + (x @ r) / k
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype, copy=False)


class LinalgMatrixExp(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a)

    @staticmethod
    def backward(ctx, g):
        # d<G, exp(A)> = the top-right block of exp([[A^T, G], [0, A^T]])
        a, = ctx.saved_tensors
        from .ops.joining import cat
        n = a.shape[-1]
        at = a.mT
        z = _wrap(np.zeros(at.shape, dtype=at._data.dtype))
        big = cat([cat([at, g], -1), cat([z, at], -1)], -2)
        return matrix_exp(big)[..., :n, n:]


def matrix_exp(A):
    """Matrix exponential of a square matrix (or batch).

    >>> ember.linalg.matrix_exp(ember.zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    _check_square(A, "linalg.matrix_exp", low=True)
    return _apply(LinalgMatrixExp, (A,))


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """Diagonals of a (batch of) matrices, as ``ember.diagonal`` with matrix defaults.

    >>> ember.linalg.diagonal(ember.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    from .ops.diagonals import diagonal as d
    return d(A, offset=offset, dim1=dim1, dim2=dim2)


# ------------------------------------------------------------------------------ LU
def _lu_np(a):
    """Partial-pivoting LU of (..., m, n) arrays, as LAPACK getrf: packed LU and 1-based pivots."""
    m, n = a.shape[-2:]
    k = min(m, n)
    bshape = a.shape[:-2]
    lu = a.reshape((-1, m, n)).astype(a.dtype, copy=True)
    B = lu.shape[0]
    piv = np.zeros((B, k), dtype=np.int32)
    rows = np.arange(B)
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        piv[:, j] = p + 1
        tmp = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = tmp
        pivot = lu[:, j, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = lu[:, j + 1:, j] / pivot[:, None]
        lu[:, j + 1:, j] = np.where((pivot != 0)[:, None], scaled, lu[:, j + 1:, j])
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return lu.reshape(bshape + (m, n)), piv.reshape(bshape + (k,))


def _perm_from_pivots(piv, m):
    """Row order ``perm`` with ``A[perm] = L U`` from LAPACK pivots."""
    flat = piv.reshape((-1, piv.shape[-1])) - 1
    B = flat.shape[0]
    perm = np.tile(np.arange(m), (B, 1))
    rows = np.arange(B)
    for j in range(flat.shape[1]):
        p = flat[:, j]
        tmp = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = tmp
    return perm.reshape(piv.shape[:-1] + (m,))


def _unpack_np(lu, piv):
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype)
    U = np.triu(lu[..., :k, :])
    perm = _perm_from_pivots(piv, m)
    eye = np.eye(m, dtype=lu.dtype)
    P = np.swapaxes(eye[perm], -1, -2)     # A = P L U
    return P, L, U


def _no_lu_grad(A, name):
    if A.requires_grad and _state[0]:
        raise NotImplementedError(f"ember: the derivative of {name} is not implemented")


def lu_factor(A, *, pivot=True, out=None):
    """Packed LU factorisation with partial pivoting: ``(LU, pivots)`` (pivots 1-based, int32).

    >>> ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]])).pivots
    tensor([2, 2], dtype=torch.int32)
    """
    _check_square(A, "linalg.lu_factor", square=False)
    if not pivot:
        raise NotImplementedError("ember: linalg.lu_factor without pivoting is not implemented")
    _no_lu_grad(A, "linalg.lu_factor")
    lu, piv = _lu_np(A._data)
    return _RT.linalg_lu_factor((_wrap(lu), _wrap(piv)))


def lu(A, *, pivot=True, out=None):
    """``(P, L, U)`` with ``A = P L U``, ``L`` unit lower triangular, ``U`` upper triangular.

    >>> P, L, U = ember.linalg.lu(ember.tensor([[1., 2.], [3., 4.]]))
    >>> (P @ L @ U).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    _check_square(A, "linalg.lu", square=False)
    if not pivot:
        raise NotImplementedError("ember: linalg.lu without pivoting is not implemented")
    _no_lu_grad(A, "linalg.lu")
    P, L, U = _unpack_np(*_lu_np(A._data))
    return _RT.linalg_lu((_wrap(P), _wrap(L), _wrap(U)))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from a packed LU factorisation (``torch.lu_unpack``).

    >>> LU, piv = ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]]))
    >>> ember.lu_unpack(LU, piv).L.tolist()
    [[1.0, 0.0], [0.3333333432674408, 1.0]]
    """
    lu_ = LU_data._data
    P = _unpack_np(lu_, LU_pivots._data)[0]
    m, n = lu_.shape[-2:]
    k = min(m, n)
    dt = lu_.dtype
    # masks of LU_data, so that L and U carry gradients back to it
    L = LU_data[..., :, :k] * _wrap(np.tril(np.ones((m, k), dtype=dt), -1)) + _wrap(np.eye(m, k, dtype=dt))
    U = LU_data[..., :k, :] * _wrap(np.triu(np.ones((k, n), dtype=dt)))
    return _RT.lu_unpack((_wrap(P), L, U))


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """Solve ``A X = B`` from ``A``'s packed LU factorisation (differentiable in ``LU`` and ``B``).

    >>> A = ember.tensor([[1., 2.], [3., 4.]])
    >>> LU, piv = ember.linalg.lu_factor(A)
    >>> ember.linalg.lu_solve(LU, piv, ember.tensor([[5.], [11.]]))
    tensor([[1.],
            [2.]])
    """
    m = LU.shape[-1]
    dt = LU._data.dtype
    P = _wrap(_unpack_np(LU._data, pivots._data)[0])
    lower = _wrap(np.tril(np.ones((m, m), dtype=dt), -1))
    L = LU * lower + _wrap(np.eye(m, dtype=dt))
    U = LU * _wrap(np.triu(np.ones((m, m), dtype=dt)))
    if not left:   # X A = B  <=>  A^T X^T = B^T
        return _out(lu_solve(LU, pivots, B.mT, left=True, adjoint=not adjoint).mT, out)
    if adjoint:    # A^T X = B with A^T = U^T L^T P^T
        y = _solve_mat(U.mT, B)
        z = _solve_mat(L.mT, y)
        return _out(P @ z, out)
    y = _solve_mat(L, P.mT @ B)
    return _out(_solve_mat(U, y), out)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``solve`` and an int32 ``info`` (0 on success).

    >>> ember.linalg.solve_ex(ember.eye(2), ember.ones(2)).info
    tensor(0, dtype=torch.int32)
    """
    try:
        X = solve(A, B, left=left)
        info = np.zeros(A.shape[:-2], dtype=np.int32)
    except LinAlgError:
        if check_errors:
            raise
        a = A._data.reshape((-1,) + A.shape[-2:])
        info = np.array([_first_zero_pivot(x) for x in a], dtype=np.int32).reshape(A.shape[:-2])
        X = _wrap(np.full(np.broadcast_shapes(A.shape[:-1], B.shape) if B.ndim == 1 else B.shape, np.nan,
                          dtype=A._data.dtype))
    return _SolveEx((X, _wrap(info)))


# ---------------------------------------------------------------- tensor versions
def tensorinv(A, ind=2, *, out=None):
    """Inverse for ``tensordot``: ``tensordot(tensorinv(A, ind), A, ind)`` is the identity.

    >>> ember.linalg.tensorinv(ember.eye(4).reshape(4, 2, 2), ind=1).shape
    torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows = math.prod(A.shape[:ind])
    cols = math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return _out(inv(A.reshape(rows, cols)).reshape(out_shape), out)


def tensorsolve(A, B, dims=None, *, out=None):
    """``X`` with ``tensordot(A, X, X.ndim) = B``.

    >>> ember.linalg.tensorsolve(ember.eye(6).reshape(6, 2, 3), ember.ones(6)).shape
    torch.Size([2, 3])
    """
    if dims is not None:
        nd = A.ndim
        dims = [d % nd for d in dims]
        A = A.permute([d for d in range(nd) if d not in dims] + dims)
    x_shape = tuple(A.shape[B.ndim:])
    n = math.prod(x_shape)
    X = solve(A.reshape(-1, n), B.reshape(-1))
    return _out(X.reshape(x_shape), out)


def vander(x, *, N=None):
    """Vandermonde matrix with increasing powers ``x^0, x^1, ..., x^(N-1)`` in the last dim.

    >>> ember.linalg.vander(ember.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [1, 2, 4],
            [1, 3, 9]])
    """
    if x.ndim == 0:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    from .ops.joining import cat
    xc = x.unsqueeze(-1)
    cols = [_wrap(np.ones(xc.shape, dtype=xc._data.dtype))]
    for _ in range(n - 1):
        cols.append(cols[-1] * xc)
    return cat(cols, -1)


# -------------------------------------------------------------- pinv, rank, powers
def _tol(s, shape, atol, rtol):
    """PyTorch's threshold for 'zero' singular values: max(atol, rtol * largest)."""
    smax = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    if atol is None and rtol is None:
        rtol = max(shape[-2:]) * np.finfo(s.dtype).eps
    elif rtol is None:
        rtol = 0.0 if atol is not None and (not hasattr(atol, "__len__") and atol > 0) else \
            max(shape[-2:]) * np.finfo(s.dtype).eps
    atol = 0.0 if atol is None else atol
    a = atol._data[..., None] if isinstance(atol, Tensor) else atol
    r = rtol._data[..., None] if isinstance(rtol, Tensor) else rtol
    return np.maximum(a, r * smax)


class LinalgPinv(Op):
    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        tol = _tol(s, a.shape, atol, rtol)
        with np.errstate(divide="ignore"):
            sinv = np.where(s > tol, 1.0 / s, 0).astype(s.dtype)
        out = np.swapaxes(vh, -1, -2).conj() @ (sinv[..., :, None] * np.swapaxes(u, -1, -2).conj())
        out = out.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        dt = a._data.dtype
        pt = p.mT
        ga = -(pt @ g @ pt)
        ga = ga + (_wrap(np.eye(m, dtype=dt)) - a @ p) @ g.mT @ p @ pt
        ga = ga + pt @ p @ g.mT @ (_wrap(np.eye(n, dtype=dt)) - p @ a)
        return ga


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Moore-Penrose pseudo-inverse (singular values below ``max(atol, rtol * s_max)`` dropped).

    >>> ember.linalg.pinv(ember.tensor([[1., 0.], [0., 0.], [0., 2.]]))
    tensor([[1.0000, 0.0000, 0.0000],
            [0.0000, 0.0000, 0.5000]])
    """
    _check_square(A, "linalg.pinv", square=False)
    return _out(_apply(LinalgPinv, (A,), atol, rtol, hermitian), out)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Number of singular values above ``max(atol, rtol * s_max)`` (int64).

    >>> ember.linalg.matrix_rank(ember.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    _check_square(A, "linalg.matrix_rank", square=False)
    a = A._data
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    tol = _tol(s, a.shape, atol, rtol)
    return _out(_wrap(np.asarray((s > tol).sum(-1), dtype=np.int64)), out)


class MatrixPowerZero(Op):
    _name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a):
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()

    @staticmethod
    def backward(ctx, g):
        return g * 0


def matrix_power(A, n, *, out=None):
    """``A`` to the integer power ``n`` (negative powers invert first; ``n = 0`` gives I).

    >>> ember.linalg.matrix_power(ember.tensor([[2., 0.], [0., 3.]]), -1)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.3333]])
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim > 1 else 1} by {A.shape[-1] if A.ndim else 1} matrices")
    if n == 0:  # the identity; its gradient is zero, but it stays in the graph as in PyTorch
        return _out(_apply(MatrixPowerZero, (A,)), out)
    if n < 0:
        A = inv(A)
        n = -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return _out(result, out)


def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices; the first/last may be 1-D (a row/column vector).

    >>> ember.linalg.multi_dot([ember.ones(3), ember.ones(3, 2), ember.ones(2)])
    tensor(6.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        if t.ndim != 2 and not (t.ndim == 1 and i in (0, len(tensors) - 1)):
            if i in (0, len(tensors) - 1):
                which = "first" if i == 0 else "last"
                raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.ndim}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    r = tensors[0]
    for t in tensors[1:]:
        r = r @ t
    return _out(r, out)


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of vectors along ``dim`` (with broadcasting).

    >>> ember.linalg.vecdot(ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if x._data.dtype.kind == "c":
        x = _wrap(np.conj(x._data)) if not x.requires_grad else x
    return _out((x * y).sum(dim), out)


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (default the last), broadcasting the rest.

    >>> ember.linalg.cross(ember.tensor([0., 1., 0.]), ember.tensor([0., 0., 1.]))
    tensor([1., 0., 0.])
    """
    from .ops.linalg import cross as c
    return c(input, other, dim=dim, out=out)


def matmul(input, other, *, out=None):
    """Alias of ``ember.matmul``.

    >>> ember.linalg.matmul(ember.ones(2, 2), ember.ones(2)).tolist()
    [2.0, 2.0]
    """
    from .ops.linalg import matmul as m
    return m(input, other, out=out)


# --------------------------------------------------------------------------- norms
class LinalgVectorNorm(Op):
    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        x0 = x
        if x.dtype.kind == "V" or x.dtype == np.float16:  # accumulate half precision in float32
            x = x.astype(np.float32)
        ax = np.abs(x)
        if ord == 2:
            if x.dtype.kind == "c":
                out = np.sqrt(np.sum(ax * ax, axis=dims, keepdims=keepdim))
            else:
                out = np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim))
        elif ord == inf:
            out = np.max(ax, axis=dims, keepdims=keepdim, initial=0)
        elif ord == -inf:
            out = np.min(ax, axis=dims, keepdims=keepdim)
        elif ord == 1:
            out = np.sum(ax, axis=dims, keepdims=keepdim)
        elif ord == 0:
            out = np.sum(ax != 0, axis=dims, keepdims=keepdim).astype(ax.dtype)
        else:
            with np.errstate(divide="ignore"):
                out = np.sum(ax ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
        out = np.asarray(out, dtype=ax.dtype if x0 is x else x0.dtype)
        ctx.save_for_backward(x0, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        ord, dims, shape = ctx.ord, ctx.dims, x.shape
        if not ctx.keepdim:
            red = tuple(1 if i in dims else s for i, s in enumerate(shape))
            g, out = g.reshape(red), out.reshape(red)
        xd, od = x._data, out._data
        if ord == 2:
            return g * x / (out + (out == 0))
        sign = _wrap(np.sign(xd))
        if ord == 1:
            return g * sign
        if ord == 0:
            return g * _wrap(np.zeros_like(xd))
        if ord in (inf, -inf):
            mask = (np.abs(xd) == od)
            cnt = mask.sum(axis=dims, keepdims=True)
            return g * _wrap((np.sign(xd) * mask / np.maximum(cnt, 1)).astype(xd.dtype))
        denom = out + (out == 0)
        ax = x.abs() + _wrap(xd == 0)  # |x| with zeros replaced by one: sign(0) = 0 keeps them at 0
        return g * sign * ax ** (ord - 1) / denom ** (ord - 1)


def _norm_dims(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    n = ndim if ndim else 1
    out = []
    for d in dim:
        if not -n <= d < n:
            from ._tensor import _dim_msg
            raise IndexError(_dim_msg(d, ndim))
        out.append(d % n if ndim else 0)
    return tuple(out)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all elements by default); ord may be inf/-inf/0.

    >>> ember.linalg.vector_norm(ember.tensor([3., -4.]))
    tensor(5.)
    >>> ember.linalg.vector_norm(ember.tensor([3., -4.]), ord=float("inf"))
    tensor(4.)
    """
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not str")
    if dtype is not None:
        x = x.to(dtype)
    _check_float(x, "linalg.vector_norm", low=True)
    dims = _norm_dims(dim, x.ndim)
    ord = float(ord)
    if ord < 0 or ord == inf:
        shown = int(ord) if ord.is_integer() else ord
        if dim is None and x.numel() == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on an empty tensor because "
                               "the operation does not have an identity")
        for d in dims:
            if x.shape[d] == 0 if x.ndim else False:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on the dimension {d}"
                                   "because this dimension is empty and the operation does not have an identity")
    return _out(_apply(LinalgVectorNorm, (x,), ord, dims, bool(keepdim)), out)


def _drop(t, dims):
    shape = [s for i, s in enumerate(t.shape) if i not in dims]
    return t.reshape(shape)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf or -inf.

    >>> ember.linalg.matrix_norm(ember.tensor([[1., -2.], [3., 4.]]), ord=1)
    tensor(6.)
    """
    if dtype is not None:
        A = A.to(dtype)
    _check_float(A, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    d0, d1 = _norm_dims(tuple(dim), A.ndim)
    if ord == "fro":
        return _out(vector_norm(A, 2, (d0, d1), keepdim), out)
    if ord in ("nuc", 2, -2):
        B = A.movedim((d0, d1), (-2, -1))
        S = svdvals(B)
        r = S.sum(-1) if ord == "nuc" else vector_norm(S, inf if ord == 2 else -inf, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return _out(r, out)
    if ord in (1, -1, inf, -inf):
        s_dim, m_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(s_dim, keepdim=True)
        r = vector_norm(s, inf if ord > 0 else -inf, m_dim, keepdim=True)
        return _out(r if keepdim else _drop(r, (d0, d1)), out)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """Vector or matrix norm: a vector norm over one dim, a matrix norm over two.

    >>> ember.linalg.norm(ember.tensor([[1., 2.], [2., 4.]]))
    tensor(5.)
    >>> ember.linalg.norm(ember.tensor([[1., 2.], [2., 4.]]), ord=1)
    tensor(6.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.ndim == 1:
            return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    if len(dim) == 1:
        return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)


def cond(A, p=None, *, out=None):
    """Condition number: ``norm(A, p) * norm(inv(A), p)``, or the ratio of singular values.

    >>> ember.linalg.cond(ember.tensor([[2., 0.], [0., 1.]]))
    tensor(2.)
    """
    if p is None or p in (2, -2):
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
        return _out(r, out)
    return _out(matrix_norm(A, p) * matrix_norm(inv(A), p), out)


def _out(r, out):
    if out is None:
        return r
    from .ops.elementwise import _out as o
    return o(r, out)
