"""PyTorch's linear algebra outside ``torch.linalg``: the deprecated-but-working top-level
forms (``torch.lu``, ``lu_solve``, ``triangular_solve``, ``frobenius_norm``), the Householder
functions (``geqrf``, ``orgqr``, ``ormqr``), the low-rank ones (``svd_lowrank``,
``pca_lowrank``, ``lobpcg``), and the names PyTorch removed in 1.9 and keeps only to raise
(``solve``, ``eig``, ``symeig``, ``lstsq``, ``matrix_rank``) with PyTorch's messages.
"""
import warnings

from ... import return_types as _RT
from .householder import geqrf, orgqr, ormqr

__all__ = ["lu", "lu_solve", "triangular_solve", "frobenius_norm", "norm_except_dim", "geqrf", "orgqr", "ormqr",
           "svd_lowrank", "pca_lowrank", "lobpcg", "solve", "eig", "symeig", "lstsq", "matrix_rank"]

_REMOVED = "This function was deprecated since version 1.9 and is now removed. "


def solve(input, A, *, out=None):
    """Removed in PyTorch 1.9: raises RuntimeError pointing to ``linalg.solve``.

    >>> ember.solve(ember.eye(2), ember.eye(2))
    Traceback (most recent call last):
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has "
        "its arguments reversed and does not return the LU factorization.\n\nTo get the LU factorization see "
        "`torch.lu`, which can be used with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, "
        "A).solution should be replaced with:\nX = torch.linalg.solve(A, B)")


def eig(input, eigenvectors=False, *, out=None):
    """Removed in PyTorch 1.9: raises RuntimeError pointing to ``linalg.eig``.

    >>> ember.eig(ember.eye(2))
    Traceback (most recent call last):
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than "
        "real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced with:\nL_complex = "
        "torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) should be replaced with:\n"
        "L_complex, V_complex = torch.linalg.eig(A)")


def symeig(input, eigenvectors=False, upper=True, *, out=None):
    """Removed in PyTorch 1.9: raises RuntimeError pointing to ``linalg.eigh``.

    >>> ember.symeig(ember.eye(2))
    Traceback (most recent call last):
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "The default behavior has changed from using the upper triangular portion of the matrix by "
        "default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, upper=upper) should be "
        "replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
        "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = torch.linalg.eigh(A, UPLO='U' if "
        "upper else 'L')")


def lstsq(input, A, *, out=None):
    """Removed in PyTorch 1.9: raises RuntimeError pointing to ``linalg.lstsq``.

    >>> ember.lstsq(ember.eye(2), ember.eye(2))
    Traceback (most recent call last):
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has "
        "reversed arguments and does not return the QR decomposition in the returned tuple (although it "
        "returns other information about the problem).\n\nTo get the QR decomposition consider using "
        "`torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` stored the residuals of the solution in "
        "the last m - n columns of the returned value whenever m > n. In torch.linalg.lstsq, the residuals "
        "are in the field 'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\n"
        "X, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\nX = torch.linalg.lstsq(A, "
        "B).solution")


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    """Removed in PyTorch 1.9: raises RuntimeError pointing to ``linalg.matrix_rank``.

    >>> ember.matrix_rank(ember.eye(2))
    Traceback (most recent call last):
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED.rstrip() + "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter 'symmetric' "
        "was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")


# ------------------------------------------------------------------ deprecated, working

def lu(A, pivot=True, get_infos=False, out=None):
    """Packed LU with partial pivoting: ``(LU, pivots)``, plus int32 ``infos`` when
    ``get_infos`` (deprecated in PyTorch for ``linalg.lu_factor(_ex)``).

    >>> LU, piv = ember.lu(ember.tensor([[1., 2.], [3., 4.]])); piv
    tensor([2, 2], dtype=torch.int32)
    """
    from .householder import lu_factor_ex
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
                  "will be removed in a future PyTorch release.", UserWarning, stacklevel=2)
    LU, piv, info = lu_factor_ex(A, pivot=pivot)  # as torch: a singular U is not an error here
    return (LU, piv, info) if get_infos else (LU, piv)


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """Solve ``A X = b`` from ``torch.lu``'s factorisation (deprecated in PyTorch for
    ``linalg.lu_solve``, whose arguments are reversed).

    >>> A = ember.tensor([[1., 2.], [3., 4.]]); LU, piv = ember.lu(A)
    >>> ember.lu_solve(ember.tensor([[5.], [11.]]), LU, piv)
    tensor([[1.],
            [2.]])
    """
    from .solvers import lu_solve as _lu_solve
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a "
                  "future PyTorch release.", UserWarning, stacklevel=2)
    return _lu_solve(LU_data, LU_pivots, b)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Solve ``A X = b`` (``A^T X = b`` when ``transpose``) for triangular ``A``; returns
    ``(solution, cloned_coefficient)`` (deprecated in PyTorch for ``linalg.solve_triangular``).

    >>> ember.triangular_solve(ember.tensor([[2.], [3.]]), ember.tensor([[2., 0.], [1., 1.]]),
    ...                        upper=False).solution
    tensor([[1.],
            [2.]])
    """
    from .solvers import solve_triangular
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    if b.dim() < 2 or A.dim() < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{b.dim()} dimensions instead" if b.dim() < 2 else
                           f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has "
                           f"{A.dim()} dimensions instead")
    M = A.mT if transpose else A
    X = solve_triangular(M, b, upper=(not upper) if transpose else upper, unitriangular=unitriangular)
    Ab = A.broadcast_to(tuple(X.shape[:-2]) + tuple(A.shape[-2:])) if X.dim() > A.dim() else A
    return _RT.triangular_solve((X, Ab.clone()))


def frobenius_norm(input, dim=(), keepdim=False, *, out=None):
    """The Frobenius (2-) norm over ``dim`` (deprecated in PyTorch for ``linalg.vector_norm``).

    >>> ember.frobenius_norm(ember.tensor([[3., 4.]]), [0, 1])
    tensor(5.)
    """
    from .norms import vector_norm
    warnings.warn("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be "
                  "removed in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` "
                  "instead", UserWarning, stacklevel=2)
    if isinstance(dim, int):
        dim = (dim,)
    return vector_norm(input, 2, tuple(dim) if len(dim) else None, keepdim)


def norm_except_dim(v, pow=2, dim=0):  # noqa: A002 - PyTorch's name
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept as size-1 dims (the norm
    ``weight_norm`` uses); ``dim=-1`` gives the norm of the whole tensor.

    >>> ember.norm_except_dim(ember.tensor([[3., 4.], [6., 8.]]), 2, 0)
    tensor([[ 5.],
            [10.]])
    """
    from .norms import vector_norm
    if dim == -1:
        return vector_norm(v, pow)
    nd = v.dim()
    dims = tuple(d for d in range(nd) if d != dim % nd)
    return vector_norm(v, pow, dims, keepdim=True)


# ------------------------------------------------------------------ low rank

def _orth(X):
    from .decompositions import qr
    return qr(X).Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """A randomized rank-``q`` SVD ``A ~ U diag(S) V^H`` (of ``A - M`` when ``M`` is given):
    a Gaussian sketch refined by ``niter`` subspace iterations. Exact (up to signs) when ``A``
    has rank <= ``q``. Returns ``(U, S, V)``.

    >>> _ = ember.manual_seed(0); A = ember.tensor([[2., 0.], [0., 1.], [0., 0.]])
    >>> U, S, V = ember.svd_lowrank(A, q=2); S
    tensor([2., 1.])
    """
    from ..random.factories import randn
    from .decompositions import svd
    q = 6 if q is None else int(q)
    niter = 2 if niter is None else int(niter)
    if M is not None:
        A = A - M
    m, n = A.shape[-2:]
    R = randn(*(tuple(A.shape[:-2]) + (n, q)), dtype=A.dtype)
    AH = A.mT.conj()
    Q = _orth(A @ R)
    for _ in range(niter):
        Q = _orth(AH @ Q)
        Q = _orth(A @ Q)
    B = Q.mT.conj() @ A
    U, S, Vh = svd(B, full_matrices=False)
    return Q @ U, S, Vh.mT.conj()


def pca_lowrank(A, q=None, center=True, niter=2):
    """Principal components of the rows of ``A`` by :func:`svd_lowrank` of ``A`` minus its
    column means (``center``); ``q`` defaults to ``min(6, m, n)``. Returns ``(U, S, V)``.

    >>> _ = ember.manual_seed(0); A = ember.tensor([[1., 0.], [-1., 0.], [0., 2.], [0., -2.]])
    >>> U, S, V = ember.pca_lowrank(A, q=2); S
    tensor([2.8284, 1.4142])
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    M = A.mean(-2, keepdim=True) if center else None
    return svd_lowrank(A, q, niter=niter, M=M)


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """The ``k`` largest (or smallest, ``largest=False``) eigenpairs of the symmetric
    generalized problem ``A x = lambda B x``. ember computes them exactly with a dense
    eigendecomposition (what LOBPCG converges to); ``niter``, ``tol``, ``iK``, ``method`` and
    ``tracker`` only steer the iteration and are accepted for compatibility. Returns ``(E, X)``.

    >>> E, X = ember.lobpcg(ember.diag(ember.arange(1., 7.)), k=2); E
    tensor([6., 5.])
    """
    from .decompositions import cholesky, eigh
    from .solvers import solve_triangular
    if tracker is not None:
        raise NotImplementedError("lobpcg: ember solves densely and has no iterations to track")
    if k is None:
        k = 1 if X is None else X.shape[-1]
    nn = (k if X is None else X.shape[-1]) if n is None else n
    m = A.shape[-1]
    if m < 3 * nn:
        raise ValueError(f"LPBPCG algorithm is not applicable when the number of A rows (={m}) is smaller "
                         f"than 3 x the number of requested eigenpairs (={nn})")
    largest = True if largest is None else largest
    S = (A + A.mT) * 0.5
    if B is not None:
        L = cholesky((B + B.mT) * 0.5)
        C = solve_triangular(L, solve_triangular(L, S, upper=False).mT, upper=False).mT
        E, Y = eigh(C)
        V = solve_triangular(L.mT, Y, upper=True)
    else:
        E, V = eigh(S)
    if largest:
        E, V = E.flip(-1), V.flip(-1)
    return E[..., :k], V[..., :k]


TENSOR_METHODS = {"lu": lu, "lu_solve": lu_solve, "triangular_solve": triangular_solve, "geqrf": geqrf,
                  "orgqr": orgqr, "ormqr": ormqr, "solve": solve, "eig": eig, "symeig": symeig,
                  "lstsq": lstsq}
