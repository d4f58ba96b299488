"""``torch.sparse``: products, sums and softmax of sparse COO tensors.

>>> s = ember.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3))
>>> ember.sparse.sum(s)
tensor(12.)
>>> ember.sparse.mm(s, ember.ones(3, 1)).tolist()
[[3.0], [9.0]]
"""
import contextlib

from .._sparse_ops import sparse_mm, sparse_softmax, sparse_sum
from .._sparse_tensor import SparseTensor
from .._tensor import Tensor  # noqa: F401  (torch.sparse.Tensor)

__all__ = ["mm", "addmm", "sum", "softmax", "log_softmax", "check_sparse_tensor_invariants",
           "spdiags"]


def mm(mat1, mat2, reduce="sum"):
    """``mat1 @ mat2`` with a sparse ``mat1``: dense for a dense ``mat2``, sparse for a sparse one.

    >>> s = ember.sparse_coo_tensor([[0], [0]], [2.0], (1, 1))
    >>> ember.sparse.mm(s, ember.tensor([[3.0]]))
    tensor([[6.]])
    """
    if reduce != "sum":
        raise NotImplementedError(f"ember.sparse.mm(reduce={reduce!r}): only reduce='sum' is built")
    if not isinstance(mat1, SparseTensor):
        return mat1.mm(mat2.to_dense() if isinstance(mat2, SparseTensor) else mat2)
    return sparse_mm(mat1, mat2)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """``beta * mat + alpha * (mat1 @ mat2)`` with a sparse ``mat1`` and dense ``mat``/``mat2``.

    >>> s = ember.sparse_coo_tensor([[0], [0]], [2.0], (1, 1))
    >>> ember.sparse.addmm(ember.ones(1, 1), s, ember.ones(1, 1), beta=2, alpha=3)
    tensor([[8.]])
    """
    return mat * beta + mm(mat1, mat2) * alpha


def sum(input, dim=None, dtype=None):
    """Sum of a sparse tensor: every entry (a dense 0-d tensor) or over ``dim`` (sparse while
    sparse dimensions remain).

    >>> s = ember.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3,))
    >>> ember.sparse.sum(s)
    tensor(3.)
    """
    return sparse_sum(input, dim, False, dtype)


def softmax(input, dim, *, dtype=None):
    """Softmax over ``dim`` of the stored entries (unstored ones count as -inf, stay unstored).

    >>> s = ember.sparse_coo_tensor([[0, 0], [0, 2]], [1.0, 1.0], (1, 3))
    >>> ember.sparse.softmax(s, 1).to_dense()
    tensor([[0.5000, 0.0000, 0.5000]])
    """
    return sparse_softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    """``log(softmax(input, dim))`` over the stored entries.

    >>> s = ember.sparse_coo_tensor([[0, 0], [0, 2]], [1.0, 1.0], (1, 3))
    >>> ember.sparse.log_softmax(s, 1).values()
    tensor([-0.6931, -0.6931])
    """
    return sparse_softmax(input, dim, dtype, log=True)


def spdiags(diagonals, offsets, shape, layout=None):
    """A sparse matrix of ``shape`` with row ``k`` of ``diagonals`` on diagonal ``offsets[k]``
    (entry ``(j - offsets[k], j)`` takes ``diagonals[k, j]``, as SciPy's ``spdiags``).

    >>> ember.sparse.spdiags(ember.tensor([[1., 2., 3.]]), ember.tensor([0]), (3, 3)).to_dense()
    tensor([[1., 0., 0.],
            [0., 2., 0.],
            [0., 0., 3.]])
    """
    from .._backend import np
    from .._tensor import _wrap
    from .._sparse_tensor import make_sparse
    d = diagonals._data
    offs = offsets._data.reshape(-1)
    if d.ndim != 2 or d.shape[0] != offs.shape[0]:
        raise ValueError("Number of diagonals does not match the number of offsets")
    rows, cols, picks = [], [], []
    m, n = shape
    for k, off in enumerate(offs.tolist()):
        j = np.arange(max(0, off), min(n, m + off, d.shape[1]))
        rows.append(j - off)
        cols.append(j)
        picks.append(k * d.shape[1] + j)
    ix = np.stack([np.concatenate(rows), np.concatenate(cols)]).astype(np.int64)
    vals = diagonals.reshape(-1).index_select(0, _wrap(np.concatenate(picks).astype(np.int64)))
    out = make_sparse(ix, vals, (m, n)).coalesce()
    if layout is not None:
        return out.to_sparse(layout=layout)
    return out


class check_sparse_tensor_invariants(contextlib.ContextDecorator):
    """Context manager and decorator switching sparse invariant checks on (ember checks the
    indices of every new sparse tensor anyway, so this only records the setting).

    >>> with ember.sparse.check_sparse_tensor_invariants():
    ...     ember.sparse.check_sparse_tensor_invariants.is_enabled()
    True
    """

    _enabled = [False]

    def __init__(self, enable=True):
        self.state = enable
        self.saved_state = None

    @staticmethod
    def is_enabled():
        return check_sparse_tensor_invariants._enabled[0]

    @staticmethod
    def enable():
        check_sparse_tensor_invariants._enabled[0] = True

    @staticmethod
    def disable():
        check_sparse_tensor_invariants._enabled[0] = False

    def __enter__(self):
        self.saved_state = self.is_enabled()
        self._enabled[0] = self.state
        return self

    def __exit__(self, *exc):
        self._enabled[0] = self.saved_state
        return False
