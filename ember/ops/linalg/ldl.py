"""LDL^T factorisation of symmetric matrices with Bunch-Kaufman pivoting, in LAPACK's sytrf
layout (the lower triangle used; L below the diagonal, D's 1x1 and 2x2 blocks on and next to
it; 1-based pivots, negative for a 2x2 block), and the solve from it (LAPACK's sytrs).
Not differentiable, as in PyTorch (the backward raises).

>>> A = ember.tensor([[4., 2.], [2., 3.]])
>>> LD, piv = ember.linalg.ldl_factor(A)
>>> ember.linalg.ldl_solve(LD, piv, ember.tensor([[6.], [5.]]))
tensor([[1.],
        [1.]])
"""
import math

from ..._backend import np
from ..._tensor import _wrap
from ...autograd.function import Op
from ... import return_types as _RT
from .linalg_checks import _apply, _tname

__all__ = ["ldl_factor", "ldl_factor_ex", "ldl_solve"]

_ldl = _RT.structseq("linalg_ldl_factor", ("LD", "pivots"))
_ldl_ex = _RT.structseq("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
_ALPHA = (1.0 + math.sqrt(17.0)) / 8.0


def _sytf2(a, hermitian):
    """One matrix: (LD, 1-based pivots, info) as LAPACK's unblocked sytf2 with uplo='L'."""
    a = np.tril(a).astype(a.dtype, copy=True)
    a = a + np.tril(a, -1).T.conj() if hermitian else a + np.tril(a, -1).T
    n = a.shape[0]
    piv = np.zeros(n, np.int32)
    info = 0
    conj = np.conj if hermitian else (lambda z: z)
    # LAPACK measures complex entries by |re| + |im| (and a Hermitian diagonal by |re|)
    mag = (lambda z: np.abs(np.real(z)) + np.abs(np.imag(z))) if a.dtype.kind == "c" else np.abs
    dmag = (lambda z: abs(np.real(z))) if hermitian else mag
    k = 0
    while k < n:
        kstep = 1
        absakk = dmag(a[k, k])
        if k < n - 1:
            imax = k + 1 + int(np.argmax(mag(a[k + 1:, k])))
            colmax = mag(a[imax, k])
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0:
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                jmax = k + int(np.argmax(mag(a[imax, k:imax])))
                rowmax = mag(a[imax, jmax])
                if imax < n - 1:
                    j2 = imax + 1 + int(np.argmax(mag(a[imax + 1:, imax])))
                    rowmax = max(rowmax, mag(a[j2, imax]))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif dmag(a[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:  # swap rows and columns kk and kp of the trailing lower triangle
                if kp < n - 1:
                    a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
                seg = slice(kk + 1, kp)
                tmp = conj(a[seg, kk].copy())
                a[seg, kk] = conj(a[kp, seg])
                a[kp, seg] = tmp
                if hermitian:
                    a[kp, kk] = conj(a[kp, kk])
                a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]
                if kstep == 2:
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            if kstep == 1:
                if k < n - 1:
                    x = a[k + 1:, k].copy()
                    r1 = 1.0 / (a[k, k].real if hermitian else a[k, k])
                    a[k + 1:, k + 1:] -= np.tril(r1 * np.outer(x, conj(x)))
                    a[k + 1:, k] = x * r1
            elif k < n - 2 and hermitian:  # LAPACK hetf2's 2x2 update
                dabs = abs(a[k + 1, k])
                d11 = a[k + 1, k + 1].real / dabs
                d22 = a[k, k].real / dabs
                tt = 1.0 / (d11 * d22 - 1.0)
                d21 = a[k + 1, k] / dabs
                dd = tt / dabs
                wk = dd * (d11 * a[k + 2:, k] - d21 * a[k + 2:, k + 1])
                wkp1 = dd * (d22 * a[k + 2:, k + 1] - np.conj(d21) * a[k + 2:, k])
                a[k + 2:, k + 2:] -= np.tril(np.outer(a[k + 2:, k], np.conj(wk))
                                             + np.outer(a[k + 2:, k + 1], np.conj(wkp1)))
                a[k + 2:, k] = wk
                a[k + 2:, k + 1] = wkp1
            elif k < n - 2:
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1.0 / (d11 * d22 - 1.0)
                d21 = t / d21
                wk = d21 * (d11 * a[k + 2:, k] - a[k + 2:, k + 1])
                wkp1 = d21 * (d22 * a[k + 2:, k + 1] - a[k + 2:, k])
                a[k + 2:, k + 2:] -= np.tril(np.outer(a[k + 2:, k], wk) + np.outer(a[k + 2:, k + 1], wkp1))
                a[k + 2:, k] = wk
                a[k + 2:, k + 1] = wkp1
            if hermitian and a.dtype.kind == "c":
                idx = np.arange(k, n)
                a[idx, idx] = a[idx, idx].real
        if kstep == 1:
            piv[k] = kp + 1
        else:
            piv[k] = piv[k + 1] = -(kp + 1)
        k += kstep
    return np.tril(a), piv, info


class LinalgLdlFactorEx(Op):
    @staticmethod
    def forward(ctx, a, hermitian):
        n = a.shape[-1]
        flat = a.reshape((-1, n, n))
        res = [_sytf2(m, hermitian) for m in flat]
        LD = np.array([r[0] for r in res], dtype=a.dtype).reshape(a.shape)
        piv = np.array([r[1] for r in res], dtype=np.int32).reshape(a.shape[:-1])
        info = np.array([r[2] for r in res], dtype=np.int32).reshape(a.shape[:-2])
        return LD, piv, info

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented")


def _check(A, name):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if A._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tname(A._data)}")


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """:func:`ldl_factor` and LAPACK's int32 ``info`` (0, or the 1-based index of a zero
    block of D).

    >>> ember.linalg.ldl_factor_ex(ember.tensor([[0., 1.], [1., 0.]])).pivots
    tensor([-2, -2], dtype=torch.int32)
    """
    _check(A, "torch.linalg.ldl_factor_ex")
    LD, piv, info = _apply(LinalgLdlFactorEx, (A,), bool(hermitian))
    if check_errors and bool((info._data > 0).any()):
        raise RuntimeError(f"torch.linalg.ldl_factor_ex: The factorization could not be completed because the "
                           f"input is singular (info = {int(info._data.max())}).")
    return _ldl_ex((LD, piv, info))


def ldl_factor(A, *, hermitian=False, out=None):
    """``A = P L D L^T P^T`` for symmetric (``hermitian``: Hermitian) ``A``, compact: ``(LD,
    pivots)`` as LAPACK's sytrf (the lower triangle of ``A`` is read).

    >>> ember.linalg.ldl_factor(ember.tensor([[4., 2.], [2., 3.]])).LD
    tensor([[4.0000, 0.0000],
            [0.5000, 2.0000]])
    """
    _check(A, "torch.linalg.ldl_factor")
    LD, piv, info = _apply(LinalgLdlFactorEx, (A,), bool(hermitian))
    if bool((info._data > 0).any()):
        raise RuntimeError(f"torch.linalg.ldl_factor: The factorization could not be completed because the "
                           f"input is singular (info = {int(info._data.max())}).")
    return _ldl((LD, piv))


def _sytrs(ld, piv, b, hermitian):
    """Solve with one factorisation (LAPACK sytrs, uplo='L'); ``b`` is (n, k)."""
    conj = np.conj if hermitian else (lambda z: z)
    n = ld.shape[0]
    b = b.copy()
    k = 0
    while k < n:
        if piv[k] > 0:
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= np.outer(ld[k + 1:, k], b[k])
            b[k] /= ld[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            if k < n - 2:
                b[k + 2:] -= np.outer(ld[k + 2:, k], b[k]) + np.outer(ld[k + 2:, k + 1], b[k + 1])
            akm1k = ld[k + 1, k]
            akm1 = ld[k, k] / (conj(akm1k))
            ak = ld[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1 = b[k] / conj(akm1k)
            bk = b[k + 1] / akm1k
            b[k] = (ak * bkm1 - bk) / denom
            b[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:
        if piv[k] > 0:
            b[k] -= conj(ld[k + 1:, k]) @ b[k + 1:]
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= conj(ld[k + 1:, k]) @ b[k + 1:]
            b[k - 1] -= conj(ld[k + 1:, k - 1]) @ b[k + 1:]
            kp = -piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def _solve_batch(ld, piv, b, hermitian):
    n = ld.shape[-1]
    batch = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    ldb = np.broadcast_to(ld, batch + (n, n)).reshape((-1, n, n))
    pb = np.broadcast_to(piv, batch + (n,)).reshape((-1, n))
    bb = np.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    out = np.array([_sytrs(x, p, y, hermitian) for x, p, y in zip(ldb, pb, bb)], dtype=np.result_type(ld, b))
    return out.reshape(batch + b.shape[-2:])


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """Solve ``A X = B`` from :func:`ldl_factor`'s ``(LD, pivots)``.

    >>> LD, piv = ember.linalg.ldl_factor(ember.tensor([[0., 1.], [1., 0.]]))
    >>> ember.linalg.ldl_solve(LD, piv, ember.tensor([[2.], [3.]]))
    tensor([[3.],
            [2.]])
    """
    if B.dim() < 2:
        raise RuntimeError("torch.linalg.ldl_solve: Expected B to have at least 2 dimensions, but it has "
                           f"{B.dim()} dimensions instead")
    if B.shape[-2] != LD.shape[-1]:
        raise RuntimeError(f"torch.linalg.ldl_solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({LD.shape[-2]}x{LD.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    if pivots._data.dtype != np.int32:
        raise RuntimeError("torch.linalg.ldl_solve: Expected LU_pivots to be int32 tensor")
    if LD.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, but found LD of "
                           f"type {LD.dtype} and B of type {B.dtype} instead")
    return _wrap_solve(LD, pivots, B, bool(hermitian))


def _wrap_solve(LD, pivots, B, hermitian):
    from ...autograd.function import apply_op
    from .linalg_checks import _state
    if _state[0] and (LD.requires_grad or B.requires_grad):
        return apply_op(_LdlSolveOp, (LD, B), pivots._data, hermitian)
    return _wrap(_solve_batch(LD._data, pivots._data, B._data, hermitian))


class _LdlSolveOp(Op):
    _name = "LinalgLdlSolveBackward0"

    @staticmethod
    def forward(ctx, ld, b, piv, hermitian):
        return _solve_batch(ld, piv, b, hermitian)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::linalg_ldl_solve is not implemented")
