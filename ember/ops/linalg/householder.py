"""Householder QR in LAPACK's packed form and what uses it: ``geqrf`` (the packed factors
``(a, tau)``), ``householder_product`` (``orgqr``: the explicit Q), ``ormqr`` (multiplying by
Q without forming it), and ``lu_factor_ex`` (``lu_factor`` with LAPACK's ``info``).

The products are written in ember Tensor ops (one rank-1 update per reflector), so they are
differentiable in the reflectors, ``tau`` and the other operand, as in PyTorch.

>>> a, tau = ember.geqrf(ember.tensor([[3., 1.], [4., 2.]]))
>>> ember.linalg.householder_product(a, tau) @ a.triu()
tensor([[3.0000, 1.0000],
        [4.0000, 2.0000]])
"""
from ..._backend import np
from ..._tensor import _wrap
from ...autograd.function import Op
from ... import return_types as _RT
from .linalg_checks import _apply, _tname

__all__ = ["geqrf", "householder_product", "orgqr", "ormqr", "lu_factor_ex"]

_lu_factor_ex = _RT.structseq("linalg_lu_factor_ex", ("LU", "pivots", "info"))


def _check_matrix(A, name):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


class Geqrf(Op):
    @staticmethod
    def forward(ctx, a):
        if a.shape[-2] == 0 or a.shape[-1] == 0:
            return a.copy(), np.zeros(a.shape[:-2] + (0,), dtype=a.dtype)
        h, tau = np.linalg.qr(a, mode="raw")
        return np.ascontiguousarray(np.swapaxes(h, -1, -2)).astype(a.dtype), tau.astype(a.dtype)

    @staticmethod
    def backward(ctx, ga, gtau):
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def geqrf(input, *, out=None):
    """Householder QR as LAPACK's geqrf: ``a`` holds R on and above its diagonal and the
    Householder vectors below it; ``tau`` their scales. Not differentiable (as in PyTorch,
    the backward raises).

    >>> ember.geqrf(ember.tensor([[3., 0.], [4., 5.]])).tau
    tensor([1.6000, 0.0000])
    """
    if input.dim() < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if input._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{_tname(input._data)}'")
    a, tau = _apply(Geqrf, (input,))
    return _RT.geqrf((a, tau))


def _reflectors(A, k):
    """The Householder vectors (columns of unit lower trapezoidal V) of the first ``k`` columns."""
    m = A.shape[-2]
    dt = A._data.dtype
    below = _wrap(np.tril(np.ones((m, k), dtype=dt), -1))
    return A[..., :, :k] * below + _wrap(np.eye(m, k, dtype=dt))


def _check_tau(A, tau, name):
    if tau.dim() < 1:
        raise RuntimeError(f"{name}: input.dim() must be greater than or equal to 2")
    if tau.shape[-1] > A.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tuple(A.shape[:-2]) != tuple(tau.shape[:-1]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but "
                           f"got {list(tau.shape[:-1])}")
    if A.dtype != tau.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype} does not match input dtype {A.dtype}")


def _apply_h(V, tau, i, X, left, adjoint):
    """``H_i X`` (left) or ``X H_i`` with ``H_i = I - tau_i v_i v_i^H`` (``adjoint``: H_i^H)."""
    v = V[..., :, i:i + 1]
    t = tau[..., i:i + 1].unsqueeze(-1)
    if adjoint:
        t = t.conj()
    if left:
        return X - v @ (t * (v.mT.conj() @ X))
    return X - ((X @ v) * t) @ v.mT.conj()


def householder_product(A, tau, *, out=None):
    """The first ``n`` columns of ``Q = H_1 H_2 ... H_k`` from Householder vectors below the
    diagonal of ``A`` (m x n, m >= n) and the scales ``tau`` (k <= n): LAPACK's orgqr.

    >>> a, tau = ember.geqrf(ember.tensor([[0., 1.], [1., 0.]]))
    >>> ember.linalg.householder_product(a, tau).abs()
    tensor([[0., 1.],
            [1., 0.]])
    """
    _check_matrix(A, "torch.linalg.householder_product")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal "
                           "to input.shape[-1]")
    _check_tau(A, tau, "torch.linalg.householder_product")
    k = tau.shape[-1]
    V = _reflectors(A, k)
    dt = A._data.dtype
    Q = _wrap(np.broadcast_to(np.eye(m, n, dtype=dt), tuple(A.shape[:-2]) + (m, n)).copy())
    for i in range(k - 1, -1, -1):
        Q = _apply_h(V, tau, i, Q, True, False)
    return Q


def orgqr(input, tau):
    """``torch.orgqr``: the same as :func:`householder_product`.

    >>> a, tau = ember.geqrf(ember.eye(2)); ember.orgqr(a, tau).abs()
    tensor([[1., 0.],
            [0., 1.]])
    """
    return householder_product(input, tau)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """Multiply ``other`` by the Q of a :func:`geqrf` factorisation without forming it:
    ``Q C`` (``left``) or ``C Q``; ``transpose`` uses Q^H.

    >>> a, tau = ember.geqrf(ember.tensor([[3., 1.], [4., 2.]]))
    >>> ember.ormqr(a, tau, a.triu()).round(decimals=4)
    tensor([[3., 1.],
            [4., 2.]])
    """
    _check_matrix(input, "torch.ormqr")
    _check_matrix(other, "torch.ormqr")
    _check_tau(input, tau, "torch.ormqr")
    k = tau.shape[-1]
    m = input.shape[-2]
    size = other.shape[-2] if left else other.shape[-1]
    if size != m:
        which = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"torch.ormqr: {which} must be equal to input.shape[-2]")
    if k != min(size, input.shape[-1]):
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] must be equal to min(other.shape[{-2 if left else -1}], "
                           "input.shape[-1])")
    V = _reflectors(input, k)
    # Q = H_1 ... H_k. Q C applies H_k first; Q^H C applies H_1^H first; C Q applies H_1 first;
    # C Q^H applies H_k^H first.
    forward_order = (left and transpose) or (not left and not transpose)
    order = range(k) if forward_order else range(k - 1, -1, -1)
    X = other
    for i in order:
        X = _apply_h(V, tau, i, X, left, transpose)
    return X


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """:func:`lu_factor` and LAPACK's int32 ``info``: 0, or the 1-based index of the first
    zero on U's diagonal (the factorisation is still returned).

    >>> ember.linalg.lu_factor_ex(ember.tensor([[1., 2.], [2., 4.]])).info
    tensor(2, dtype=torch.int32)
    """
    from .solvers import lu_factor
    LU, piv = lu_factor(A, pivot=pivot)
    m, n = A.shape[-2:]
    diag = np.diagonal(LU._data, 0, -2, -1).reshape((-1, min(m, n)))
    zero = diag == 0
    info = np.where(zero.any(-1), zero.argmax(-1) + 1, 0).astype(np.int32).reshape(A.shape[:-2])
    if check_errors and np.any(info > 0):
        from .linalg_checks import LinAlgError
        raise LinAlgError(f"torch.linalg.lu_factor_ex: U[{int(info.flat[np.argmax(info.ravel() > 0)])},"
                          f"{int(info.flat[np.argmax(info.ravel() > 0)])}] is zero, singular U.")
    return _lu_factor_ex((LU, piv, _wrap(info)))
