"""Sparse CSR tensors (``layout=torch.sparse_csr``): a 2-D matrix stored as row pointers
``crow_indices`` (``nrows + 1``), column indices ``col_indices`` (``nnz``) and ``values`` (``nnz``).

A CSR tensor is a :class:`~ember._sparse_tensor.SparseTensor` that also keeps its COO
indices (``(2, nnz)``, sorted by row then column), so the COO machinery (products, dense
fallback, elementwise forms on the values) serves it; only the layout-specific parts live here.
Batched and hybrid (dense-dimension) CSR tensors are not built (NotImplementedError).

>>> c = ember.tensor([[0., 2., 0.], [3., 0., 4.]]).to_sparse_csr()
>>> c
tensor(crow_indices=tensor([0, 1, 3]),
       col_indices=tensor([1, 0, 2]),
       values=tensor([2., 3., 4.]), size=(2, 3), nnz=3,
       layout=torch.sparse_csr)
>>> (c @ ember.ones(3)).tolist()
[2.0, 7.0]
"""
from ._backend import np
from . import _layout
from ._sparse_tensor import SparseTensor, make_sparse
from ._tensor import Tensor, _wrap

__all__ = ["SparseCsrTensor", "sparse_csr_tensor", "make_csr", "dense_to_csr"]

_INDEX_NAMES = {np.dtype(np.int64): "Long", np.dtype(np.int32): "Int", np.dtype(np.int16): "Short",
                np.dtype(np.int8): "Char", np.dtype(np.uint8): "Byte", np.dtype(np.float32): "Float",
                np.dtype(np.float64): "Double", np.dtype(np.bool_): "Bool"}


def _not_coo(name):
    def f(self, *args, **kwargs):
        raise RuntimeError(f"{name} expected sparse coordinate tensor layout but got SparseCsr")
    f.__name__ = name
    return f


class SparseCsrTensor(SparseTensor):
    """A 2-D sparse CSR tensor (see the module docstring); build one with
    ``ember.sparse_csr_tensor`` or ``dense.to_sparse_csr()``.

    >>> ember.sparse_csr_tensor([0, 1, 1], [2], [5.0], (2, 3)).to_dense()
    tensor([[0., 0., 5.],
            [0., 0., 0.]])
    """

    __slots__ = ("_crow", "_col")

    @property
    def layout(self):
        return _layout.sparse_csr

    @property
    def is_sparse(self):
        return False

    @property
    def is_sparse_csr(self):
        return True

    def crow_indices(self):
        """The row pointers: row ``i`` holds entries ``crow[i]:crow[i + 1]``."""
        return _wrap(self._crow)

    def col_indices(self):
        """The column of each stored entry."""
        return _wrap(self._col)

    def values(self):
        """The stored values (shares memory; autograd flows through)."""
        return self._vals

    indices = _not_coo("indices")
    _indices = _not_coo("_indices")
    is_coalesced = _not_coo("is_coalesced")
    coalesce = _not_coo("coalesce")

    def stride(self, dim=None):
        raise RuntimeError("Sparse CSR tensors do not have strides")

    def numpy(self, *, force=False):
        raise TypeError("can't convert SparseCsr layout tensor to numpy. Use Tensor.to_dense() first.")

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            raise RuntimeError("Unimplemented backend SparseCsrCPU")
        return self.to(dtype)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        """This matrix as sparse COO (coalesced), or itself for ``layout=torch.sparse_csr``.

        >>> ember.sparse_csr_tensor([0, 1, 1], [2], [5.0], (2, 3)).to_sparse().indices().tolist()
        [[0], [2]]
        """
        if layout is _layout.sparse_csr:
            return self
        if layout not in (None, _layout.sparse_coo):
            raise NotImplementedError(f"ember: to_sparse(layout={layout}) from sparse CSR")
        if sparse_dim not in (None, 2):
            raise RuntimeError(f"to_sparse: conversion from SparseCsr to Sparse with sparse_dim argument "
                               f"!=2 is not supported")
        return make_sparse(self._ix, self._vals, self._size, True)

    def to_sparse_coo(self):
        return self.to_sparse()

    def to_sparse_csr(self, dense_dim=None):
        return self

    def _with_values(self, vals, coalesced=None):
        return make_csr(self._crow, self._col, vals, self._size)

    def clone(self, *, memory_format=None):
        return make_csr(self._crow.copy(), self._col.copy(), self._vals.clone(), self._size)

    def detach(self):
        return make_csr(self._crow, self._col, self._vals.detach(), self._size)

    def t(self):
        raise NotImplementedError("ember: transposing a sparse CSR tensor (PyTorch returns the sparse CSC "
                                  "layout, which ember does not build)")

    def transpose(self, dim0, dim1):
        return self.t()

    def __add__(self, other, *, alpha=1):
        from ._sparse_ops import add
        out = add(self, other, alpha=alpha)
        if isinstance(other, SparseCsrTensor) and isinstance(out, SparseTensor):
            return out.coalesce().to_sparse_csr()
        return out

    add = __add__

    def __repr__(self, *, tensor_contents=None):
        from ._sparse_ops import _inner_repr
        from ._dtype import get_default_dtype, int64
        head = (f"tensor(crow_indices={_inner_repr(_wrap(self._crow), 20)},\n"
                f"       col_indices={_inner_repr(_wrap(self._col), 19)},\n"
                f"       values={_inner_repr(self._vals, 14)}")
        tail = [f"size={tuple(self._size)}", f"nnz={self._col.shape[0]}"]
        dt = self.dtype
        if dt not in (get_default_dtype(), int64) and dt.name != "bool":
            tail.append(f"dtype=torch.{dt.name}")
        tail.append("layout=torch.sparse_csr")
        if self._vals.grad_fn is not None:
            tail.append(f"grad_fn=<{self._vals.grad_fn.name()}>")
        elif self._vals.requires_grad:
            tail.append("requires_grad=True")
        parts, line = [head], len(head) - head.rfind("\n") - 1
        for s in tail:  # PyTorch's wrapping: a new line once one would reach 78 columns
            if line + 2 + len(s) >= 78:
                parts.append(",\n       " + s)
                line = 7 + len(s)
            else:
                parts.append(", " + s)
                line += 2 + len(s)
        return "".join(parts) + ")"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return make_csr, (self._crow, self._col, self._vals, self._size)


def make_csr(crow, col, values, size):
    """A SparseCsrTensor around checked index arrays ``crow``/``col``, a values Tensor and ``size``."""
    rows = np.repeat(np.arange(len(crow) - 1, dtype=np.int64), np.diff(crow.astype(np.int64)))
    ix = np.stack([rows, col.astype(np.int64)]).reshape(2, -1)
    t = make_sparse(ix, values, size, True, cls=SparseCsrTensor)
    t._crow, t._col = crow, col
    return t


def _index_array(x):
    a = x._data if isinstance(x, Tensor) else np.asarray(x)
    if a.size == 0 and a.dtype.kind == "f" and not isinstance(x, Tensor):
        a = a.astype(np.int64)
    return np.ascontiguousarray(a)


def _bad(cond):
    raise RuntimeError(f"`{cond}` is not satisfied.")


def _check(crow, col, nnz, size):
    if crow.dtype != col.dtype or crow.dtype.kind not in "iu":
        raise RuntimeError(f"crow_indices and col_indices must have the same dtype, bot got "
                           f"{_INDEX_NAMES.get(crow.dtype, crow.dtype)} and "
                           f"{_INDEX_NAMES.get(col.dtype, col.dtype)}, respectively")
    if crow.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"crow_indices and col_indices must be an int32 or int64 type, but got: "
                           f"{_INDEX_NAMES.get(crow.dtype, crow.dtype)}")
    if crow.ndim != col.ndim:
        raise RuntimeError(f"crow_indices and col_indices dimensionalities must be equal but got {crow.ndim} and "
                           f"{col.ndim}, respectively")
    if crow.ndim != 1:
        raise NotImplementedError("ember: batched sparse CSR tensors (crow_indices with more than one dimension)")
    if len(size) != 2:
        raise RuntimeError(f"tensor dimensionality must be sum of batch, base, and dense dimensionalities "
                           f"(=0 + 2 + 0) but got {len(size)}")
    if col.shape[0] != nnz:
        raise RuntimeError(f"col_indices.shape[-1] must be equal to nnz (={nnz}) as defined by values.shape[0], "
                           f"but got {col.shape[0]}")
    nrows, ncols = size
    if crow.shape[0] != nrows + 1:
        raise RuntimeError(f"crow_indices.shape[-1] must be equal to the number of rows + 1 (={nrows + 1}), "
                           f"but got {crow.shape[0]}")
    if crow[0] != 0:
        _bad("crow_indices[..., 0] == 0")
    if crow[-1] != nnz:
        _bad("crow_indices[..., -1] == nnz")
    step = np.diff(crow)
    if (step < 0).any() or (step > ncols).any():
        _bad("0 <= crow_indices[..., 1:] - crow_indices[..., :-1] <= ncols")
    if nnz and (col.min() < 0 or col.max() >= ncols):
        _bad("0 <= col_indices < ncols")
    if nnz > 1:
        same_row = np.ones(nnz - 1, dtype=bool)
        same_row[crow[1:-1][(crow[1:-1] > 0) & (crow[1:-1] < nnz)] - 1] = False
        if (np.diff(col)[same_row] <= 0).any():
            _bad("col_indices[..., crow_indices[..., i - 1]:crow_indices[..., i]] for all i = 1, ..., nrows are "
                 "sorted and distinct along the last dimension values")


def sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None):
    """A 2-D sparse CSR tensor: row ``i`` holds ``values[crow[i]:crow[i+1]]`` at the columns
    ``col_indices[crow[i]:crow[i+1]]``. ``size`` defaults to ``(len(crow) - 1, max(col) + 1)``.
    The invariants are always checked (PyTorch checks them with ``check_invariants=True``) and a
    broken one raises PyTorch's RuntimeError.

    >>> ember.sparse_csr_tensor([0, 2, 3], [0, 2, 1], [1.0, 2.0, 3.0]).to_dense()
    tensor([[1., 0., 2.],
            [0., 3., 0.]])
    """
    from ._creation import tensor as _tensor
    crow, col = _index_array(crow_indices), _index_array(col_indices)
    vals = values if isinstance(values, Tensor) else _tensor(values, dtype=dtype)
    if dtype is not None and vals.dtype != dtype:
        vals = vals.to(dtype)
    if vals.dim() != 1:
        raise NotImplementedError("ember: hybrid sparse CSR tensors (values with dense dimensions)")
    nnz = vals.shape[0]
    if size is None:
        if crow.ndim != 1 or col.ndim != 1:
            _check(crow, col, nnz, (0, 0))
        size = (max(crow.shape[0] - 1, 0), int(col.max()) + 1 if col.size else 0)
    size = tuple(int(s) for s in size)
    _check(crow, col, nnz, size)
    if requires_grad:
        vals.requires_grad_(True)
    return make_csr(crow, col, vals, size)


def dense_to_csr(x):
    """The CSR form of a 2-D dense tensor (its non-zero entries, row by row)."""
    if x.dim() != 2:
        if x.dim() > 2:
            raise NotImplementedError("ember: batched sparse CSR tensors (to_sparse_csr of a tensor with more "
                                      "than 2 dimensions)")
        raise IndexError(f"to_sparse_csr: expected a 2-D tensor, got {x.dim()} dimension(s)")
    rows, cols = np.nonzero(x._data != 0)
    crow = np.zeros(x.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=x.shape[0]), out=crow[1:])
    vals = x[_wrap(rows.astype(np.int64)), _wrap(cols.astype(np.int64))]
    return make_csr(crow, cols.astype(np.int64), vals, tuple(x.shape))
