"""Inverses, determinants and solvers of ``ember.linalg``: inv/inv_ex, det, slogdet,
solve/solve_ex/solve_triangular, cholesky_solve/cholesky_inverse, the LU family
(lu_factor, lu, lu_unpack, lu_solve) and tensorinv/tensorsolve.

>>> A = ember.tensor([[4., 1.], [1., 3.]], requires_grad=True)
>>> ember.linalg.det(A)
tensor(11., grad_fn=<LinalgDetBackward0>)
>>> ember.linalg.solve(A, ember.tensor([1., 2.]))
tensor([0.0909, 0.6364], grad_fn=<LinalgSolveExBackward0>)
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
import math

from ..._backend import np
from ..._thread_pool import lapack_threads
from ..._tensor import _wrap
from ...autograd.function import Op
from ... import return_types as _RT
from .linalg_checks import (LinAlgError, _SolveEx, _apply, _check_square, _first_zero_pivot, _out, _rt,
                      _singular_error, _state, _tname, _unsq2)


# ------------------------------------------------------------------------- inverse
class LinalgInvEx(Op):
    @staticmethod
    def forward(ctx, a):
        try:
            with lapack_threads(a):
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
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return inv(A, out=out)
    _check_square(A, "linalg.inv")
    return _out(_apply(LinalgInvEx, (A,)), out)


def inv_ex(A, *, check_errors=False, out=None):
    """Inverse and an int32 ``info`` (0 where the matrix was invertible).

    >>> ember.linalg.inv_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, = _ac.fp32(A)
        with _ac.suspended():
            return inv_ex(A, check_errors=check_errors, out=out)
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
            with lapack_threads(a):
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
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        A, B = _ac.fp32(A, B)
        with _ac.suspended():
            return solve(A, B, left=left, out=out)
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


class CholeskySolve(Op):
    """``X = A^-1 B`` with ``A = L L^T`` (or ``U^T U``); only the factor's triangle is read."""

    @staticmethod
    def forward(ctx, b, l, upper):
        lt = np.triu(l) if upper else np.tril(l)
        a = np.swapaxes(lt, -1, -2).conj() @ lt if upper else lt @ np.swapaxes(lt, -1, -2).conj()
        with lapack_threads(a):
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
