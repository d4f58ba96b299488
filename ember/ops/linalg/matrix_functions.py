"""Matrix functions and products of ``ember.linalg``: matrix_exp, matrix_power, pinv,
matrix_rank, diagonal, vander, multi_dot, vecdot, cross and matmul.

>>> ember.linalg.matrix_power(ember.tensor([[1., 1.], [0., 1.]]), 3)
tensor([[1., 3.],
        [0., 1.]])
>>> ember.linalg.matrix_rank(ember.tensor([[1., 2.], [2., 4.]]))
tensor(1)
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from ..._backend import np
from ..._thread_pool import lapack_threads
from ..._tensor import Tensor, _wrap
from ...autograd.function import Op
from .linalg_checks import _apply, _check_square, _out
from .solvers import inv


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
        from ..shape.joining import cat
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
    from ..shape.diagonals import diagonal as d
    return d(A, offset=offset, dim1=dim1, dim2=dim2)


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
    from ..shape.joining import cat
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
        with lapack_threads(a):
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
    if _ac_on[0]:
        x, y = _ac.lower(x, y)
    if x._data.dtype.kind == "c":
        x = _wrap(np.conj(x._data)) if not x.requires_grad else x
    return _out((x * y).sum(dim), out)


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (default the last), broadcasting the rest.

    >>> ember.linalg.cross(ember.tensor([0., 1., 0.]), ember.tensor([0., 0., 1.]))
    tensor([1., 0., 0.])
    """
    from .cross_dist import cross as c
    return c(input, other, dim=dim, out=out)


def matmul(input, other, *, out=None):
    """Alias of ``ember.matmul``.

    >>> ember.linalg.matmul(ember.ones(2, 2), ember.ones(2)).tolist()
    [2.0, 2.0]
    """
    from .products import matmul as m
    return m(input, other, out=out)
