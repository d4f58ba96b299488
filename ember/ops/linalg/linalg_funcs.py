"""Top-level names of ember.linalg functions, with PyTorch's older signatures: det, logdet,
slogdet, inverse, pinverse, cholesky, matrix_power, cholesky_solve/inverse, matrix_exp,
svd, qr, lu_unpack, norm, nuclear_norm, dist and pdist.

>>> ember.tensor([[2., 0.], [0., 3.]]).det()
tensor(6.)
>>> ember.dist(ember.tensor([0., 0.]), ember.tensor([3., 4.]))
tensor(5.)
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import np, _wrap
from .products import _out
from .cross_dist import cdist

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "norm", "dist", "matrix_power",
           "cholesky_solve", "cholesky_inverse", "matrix_exp", "svd", "qr", "pdist", "nuclear_norm", "lu_unpack"]


# ------------------------------------------- top-level names of ember.linalg functions
from .solvers import (det as _linalg_det, _logdet as _linalg_logdet, slogdet as _linalg_slogdet,
                      inv as _linalg_inv, cholesky_solve as _linalg_cholesky_solve,
                      cholesky_inverse as _linalg_cholesky_inverse,
                      lu_unpack as _linalg_lu_unpack)  # noqa: E402
from .matrix_functions import (pinv as _linalg_pinv, matrix_power as _linalg_matrix_power,
                               matrix_exp as _linalg_matrix_exp)  # noqa: E402
from .decompositions import (cholesky as _linalg_cholesky, svdvals as _linalg_svdvals,
                             svd as _linalg_svd, qr as _linalg_qr)  # noqa: E402
from .norms import (matrix_norm as _linalg_matrix_norm,
                    vector_norm as _linalg_vector_norm)  # noqa: E402


def det(input):
    """Determinant of a square matrix (or batch), as ``ember.linalg.det``.

    >>> ember.det(ember.tensor([[2., 0.], [0., 3.]]))
    tensor(6.)
    """
    return _linalg_det(input)


def logdet(input):
    """Log-determinant; nan for a negative determinant.

    >>> ember.logdet(ember.tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    return _linalg_logdet(input)


def slogdet(input):
    """Sign and log of the absolute determinant, as ``ember.linalg.slogdet``.

    >>> ember.slogdet(ember.tensor([[-2., 0.], [0., 3.]])).sign
    tensor(-1.)
    """
    return _linalg_slogdet(input)


def inverse(input, *, out=None):
    """Inverse of a square matrix, as ``ember.linalg.inv``.

    >>> ember.inverse(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return inverse(input, out=out)
    return _out(_linalg_inv(input), out)


def pinverse(input, rcond=1e-15):
    """Pseudo-inverse, as ``ember.linalg.pinv`` with ``rtol=rcond``.

    >>> ember.pinverse(ember.tensor([[2., 0.], [0., 0.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return pinverse(input, rcond)
    return _linalg_pinv(input, rtol=rcond)


def cholesky(input, upper=False, *, out=None):
    """Cholesky factor (lower, or upper with ``upper=True``), as ``ember.linalg.cholesky``.

    >>> ember.cholesky(ember.tensor([[4., 0.], [0., 9.]]))
    tensor([[2., 0.],
            [0., 3.]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return cholesky(input, upper, out=out)
    return _out(_linalg_cholesky(input, upper=upper), out)


def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (inverse first for negative ``n``).

    >>> ember.matrix_power(ember.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    return _linalg_matrix_power(input, n)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solve ``A X = input`` given the Cholesky factor ``input2`` of ``A``.

    >>> ember.cholesky_solve(ember.tensor([[2.], [4.]]), ember.tensor([[1., 0.], [0., 2.]]))
    tensor([[2.],
            [1.]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, input2 = _ac.fp32(input, input2)
        with _ac.suspended():
            return cholesky_solve(input, input2, upper, out=out)
    return _linalg_cholesky_solve(input, input2, upper, out=out)


def cholesky_inverse(input, upper=False, *, out=None):
    """Inverse of ``A`` given its Cholesky factor.

    >>> ember.cholesky_inverse(ember.tensor([[1., 0.], [0., 2.]]))
    tensor([[1.0000, 0.0000],
            [0.0000, 0.2500]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return cholesky_inverse(input, upper, out=out)
    return _linalg_cholesky_inverse(input, upper, out=out)


def matrix_exp(input):
    """Matrix exponential, as ``ember.linalg.matrix_exp``.

    >>> ember.matrix_exp(ember.tensor([[0., 1.], [0., 0.]]))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _linalg_matrix_exp(input)


def svd(input, some=True, compute_uv=True, *, out=None):
    """``torch.svd``: ``(U, S, V)`` with ``V`` (not ``Vh``); reduced unless ``some=False``.

    >>> ember.svd(ember.tensor([[3., 0.], [0., 2.]])).S
    tensor([3., 2.])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return svd(input, some, compute_uv, out=out)
    from ... import return_types as rt
    if not compute_uv:
        S = _linalg_svdvals(input)
        m, n = input.shape[-2], input.shape[-1]
        bs = tuple(input.shape[:-2])
        z = np.zeros
        dt = input._data.dtype
        U = _wrap(z(bs + (m, m), dt))   # PyTorch gives full-size zero U and V here
        V = _wrap(z(bs + (n, n), dt))
        return rt.svd((U, S, V))
    U, S, Vh = _linalg_svd(input, full_matrices=not some)
    return rt.svd((U, S, Vh.mT))


def qr(input, some=True, *, out=None):
    """``torch.qr``: reduced QR decomposition, or complete with ``some=False``.

    >>> ember.qr(ember.tensor([[2., 0.], [0., 3.]])).R.abs()
    tensor([[2., 0.],
            [0., 3.]])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return qr(input, some, out=out)
    from ... import return_types as rt
    Q, R = _linalg_qr(input, mode="reduced" if some else "complete")
    return rt.qr((Q, R))


def pdist(input, p=2):
    """Distances between all pairs of rows of a 2-D tensor (the upper triangle of ``cdist``).

    >>> ember.pdist(ember.tensor([[0., 0.], [3., 4.], [0., 1.]]))
    tensor([5.0000, 1.0000, 4.2426])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    d = cdist(input, input, p, compute_mode="donot_use_mm_for_euclid_dist")
    return d[_wrap(i), _wrap(j)]


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """Sum of the singular values over the last two dims (or ``dim``).

    >>> ember.nuclear_norm(ember.tensor([[3., 0.], [0., -2.]]))
    tensor(5.)
    """
    return _out(_linalg_matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim), out)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from a packed LU factorisation, as ``ember.linalg.lu_factor`` returns it.

    >>> P, L, U = ember.lu_unpack(*ember.linalg.lu_factor(ember.tensor([[0., 1.], [1., 0.]])))
    >>> P.tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    return _linalg_lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: Frobenius/2-norm by default, a vector p-norm, or 'nuc' over two dims.

    >>> ember.norm(ember.tensor([[3., 4.], [0., 0.]]))
    tensor(5.)
    >>> ember.norm(ember.tensor([[3., 4.], [0., 1.]]), p=1, dim=1)
    tensor([7., 1.])
    """
    if isinstance(dim, int):
        dim = (dim,)
    elif dim is not None and not len(dim):  # dim=(): every dim, as PyTorch
        dim = None
    if p == "fro" and (dim is None or len(dim) <= 2):
        r = _linalg_vector_norm(input, 2, dim, keepdim, dtype=dtype)
    elif p == "nuc":
        r = _linalg_matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    elif isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type {p!r}")
    else:
        r = _linalg_vector_norm(input, p, dim, keepdim, dtype=dtype)
    return _out(r, out)


def dist(input, other, p=2):
    """``p``-norm of ``input - other``.

    >>> ember.dist(ember.tensor([3., 0.]), ember.tensor([0., 4.]))
    tensor(5.)
    """
    return _linalg_vector_norm(input - other, p)


TENSOR_METHODS = {
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse, "pinverse": pinverse,
    "cholesky": cholesky, "matrix_power": matrix_power, "norm": norm, "dist": dist,
    "cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse, "matrix_exp": matrix_exp,
    "svd": svd, "qr": qr, "nuclear_norm": nuclear_norm,
}
