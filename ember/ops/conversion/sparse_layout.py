"""Sparse COO tensors from the dense side: ``sparse_coo_tensor``, ``Tensor.to_sparse``,
``sparse_mask``, the sparse products ``spmm``/``smm``/``hspmm``/``dsmm``/``sspaddmm``, and the
layout queries (``sparse_dim``, ``dense_dim``, ``indices`` ...) as dense tensors answer them.

>>> x = ember.tensor([[0., 2.], [3., 0.]])
>>> s = x.to_sparse()
>>> s.indices().tolist(), s.values().tolist()
([[0, 1], [1, 0]], [2.0, 3.0])
>>> ember.spmm(s, ember.ones(2, 1)).tolist()
[[2.0], [3.0]]
"""
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, Tensor, _wrap
from ..._sparse_tensor import SparseTensor, make_sparse
from ... import _layout

from ..._sparse_csr import sparse_csr_tensor, dense_to_csr

__all__ = ["sparse_coo_tensor", "sparse_csr_tensor", "spmm", "smm", "hspmm", "dsmm", "sspaddmm"]


def _index_array(indices):
    a = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if a.dtype.kind not in "iu":
        if a.size == 0:
            a = a.astype(np.int64)
        else:
            raise RuntimeError(f"indices must be an int64 tensor, got {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.int64)


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with ``values[k]`` at position ``indices[:, k]`` (``indices``:
    ``(sparse_dim, nnz)``; ``values``: ``(nnz, *dense_dims)``). ``size`` defaults to the smallest
    that holds every index. Indices are checked (negative or beyond ``size``: RuntimeError).

    >>> ember.sparse_coo_tensor([[0, 2]], [1.0, 5.0], (4,)).to_dense()
    tensor([1., 0., 5., 0.])
    """
    from ..._creation import tensor as _tensor
    ix = _index_array(indices)
    if ix.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(ix.shape)}")
    vals = values if isinstance(values, Tensor) else _tensor(values, dtype=dtype)
    if dtype is not None and vals.dtype != dtype:
        vals = vals.to(dtype)
    if vals.dim() == 0:
        raise RuntimeError("values must have at least one dimension (nnz)")
    sd, nnz = ix.shape
    if vals.shape[0] != nnz:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {nnz}, "
                           f"nnz from values: {vals.shape[0]}")
    dense_shape = tuple(vals.shape[1:])
    if size is None:
        size = tuple(int(m) + 1 for m in ix.max(axis=1)) if nnz else (0,) * sd
        size = size + dense_shape
    size = tuple(int(s) for s in size)
    if len(size) != sd + len(dense_shape):
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                           f"sparse_dim = {sd}, dense_dim = {len(dense_shape)}")
    if nnz:
        lo, hi = ix.min(axis=1), ix.max(axis=1)
        for d in range(sd):
            if lo[d] < 0:
                raise RuntimeError(f"found negative index {lo[d]} for dim {d}")
            if hi[d] >= size[d]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} "
                                   f"but found index {hi[d]}")
    if tuple(size[sd:]) != dense_shape:
        raise RuntimeError(f"values has incorrect size, expected {[nnz] + list(size[sd:])}, got "
                           f"{list(vals.shape)}")
    s = make_sparse(ix, vals, size, nnz <= 1 if is_coalesced is None else bool(is_coalesced))  # as torch
    if requires_grad:
        vals.requires_grad_(True)
    return s


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """This tensor as sparse COO: the positions (over the first ``sparse_dim`` dimensions,
    default all) whose entries are not all zero.

    >>> ember.tensor([0., 7., 0.]).to_sparse()
    tensor(indices=tensor([[1]]),
           values=tensor([7.]),
           size=(3,), nnz=1, layout=torch.sparse_coo)
    """
    if getattr(self, "_rg", None) is _QM:
        raise _q_refuse("aten::to_sparse")
    if layout is _layout.sparse_csr:
        return to_sparse_csr(self)
    if layout not in (None, _layout.sparse_coo):
        raise NotImplementedError(f"ember: to_sparse(layout={layout}) — only the sparse COO and CSR layouts "
                                  "are built")
    if isinstance(self, SparseTensor):
        return self.to_sparse(sparse_dim)
    nd = self.dim()
    sd = nd if sparse_dim is None else int(sparse_dim)
    if not 0 <= sd <= nd:
        raise RuntimeError(f"sparse_dim must be in [0, {nd}], got {sd}")
    a = self._data
    mask = a != 0 if sd == nd else (a.reshape(a.shape[:sd] + (-1,)) != 0).any(-1)
    ix = np.stack(np.nonzero(mask)).astype(np.int64).reshape(sd, -1)
    vals = self[tuple(_wrap(i) for i in ix)] if sd else self.unsqueeze(0)
    return make_sparse(ix, vals, tuple(self.shape), True)


def to_sparse_coo(self):
    """``to_sparse()``."""
    if getattr(self, "_rg", None) is _QM:
        raise _q_refuse("aten::to_sparse")
    return to_sparse(self)


def to_sparse_csr(self, dense_dim=None):
    """This 2-D tensor in the sparse CSR layout (row pointers, columns, values).

    >>> ember.tensor([[0., 7.], [1., 0.]]).to_sparse_csr().crow_indices()
    tensor([0, 1, 2])
    """
    if getattr(self, "_rg", None) is _QM:
        raise _q_refuse("aten::to_sparse_csr")
    if isinstance(self, SparseTensor):
        return self.to_sparse_csr(dense_dim)
    if dense_dim:
        raise NotImplementedError("ember: hybrid sparse CSR tensors (dense_dim)")
    return dense_to_csr(self)


def sparse_mask(self, mask):
    """This dense tensor's entries at the stored positions of the sparse ``mask``: sparse.

    >>> m = ember.sparse_coo_tensor([[0, 1], [1, 0]], [1., 1.], (2, 2))
    >>> ember.tensor([[1., 2.], [3., 4.]]).sparse_mask(m).values()
    tensor([2., 3.])
    """
    if not isinstance(mask, SparseTensor):
        raise RuntimeError("sparse_mask expects mask to be sparse")
    if tuple(mask.shape) != tuple(self.shape):
        raise RuntimeError(f"sparse_mask(): operands have incompatible sizes; self has size "
                           f"{list(self.shape)} but mask has size {list(mask.shape)}")
    m = mask.coalesce()
    vals = self[tuple(_wrap(i) for i in m._ix)]
    return make_sparse(m._ix, vals, m._size, True)


def _not_sparse(name, what="sparse coordinate tensor"):
    def f(self, *args, **kwargs):
        raise RuntimeError(f"{name} expected {what} layout but got Strided")
    f.__name__ = name
    f.__doc__ = f"``{name}`` of a sparse tensor; a dense tensor raises PyTorch's RuntimeError."
    return f


def sparse_dim(self):
    """0 for a dense tensor (every dimension is dense)."""
    return 0


def dense_dim(self):
    """The number of dimensions, for a dense tensor."""
    return self.dim()


def _dense_operand(x):
    return x.to_dense() if isinstance(x, SparseTensor) else x


def spmm(input, mat2):
    """``input @ mat2`` for a sparse ``input``: dense.

    >>> s = ember.sparse_coo_tensor([[0], [1]], [2.], (2, 2))
    >>> ember.spmm(s, ember.ones(2, 2)).tolist()
    [[2.0, 2.0], [0.0, 0.0]]
    """
    from ..._sparse_ops import sparse_mm
    if isinstance(input, SparseTensor):
        return sparse_mm(input, _dense_operand(mat2))
    return input.mm(_dense_operand(mat2))


dsmm = spmm


def smm(input, mat):
    """``input @ mat`` for a sparse ``input``, as a sparse tensor.

    >>> s = ember.sparse_coo_tensor([[0], [1]], [2.], (2, 2))
    >>> ember.smm(s, ember.eye(2)).to_dense().tolist()
    [[0.0, 2.0], [0.0, 0.0]]
    """
    return to_sparse(spmm(input, mat))


def hspmm(mat1, mat2):
    """``mat1 @ mat2`` as a hybrid sparse tensor: one sparse dimension (the non-empty rows of
    ``mat1``), the columns dense.

    >>> s = ember.sparse_coo_tensor([[1], [0]], [3.], (2, 2))
    >>> ember.hspmm(s, ember.ones(2, 2)).values()
    tensor([[3., 3.]])
    """
    dense = spmm(mat1, mat2)
    rows = np.unique(mat1.coalesce()._ix[0]) if isinstance(mat1, SparseTensor) else \
        np.nonzero((dense._data != 0).any(1))[0]
    rows = rows.astype(np.int64)
    return make_sparse(rows[None, :], dense.index_select(0, _wrap(rows)), tuple(dense.shape), True)


def sspaddmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` for sparse ``input`` and ``mat1``: sparse.

    >>> s = ember.sparse_coo_tensor([[0], [0]], [1.], (1, 1))
    >>> ember.sspaddmm(s, s, ember.ones(1, 1)).to_dense()
    tensor([[2.]])
    """
    prod = to_sparse(spmm(mat1, mat2) * alpha)
    return (input * beta) + prod if isinstance(input, SparseTensor) else to_sparse(input * beta) + prod


TENSOR_METHODS = {
    "to_sparse": to_sparse, "to_sparse_coo": to_sparse_coo, "sparse_mask": sparse_mask,
    "sparse_dim": sparse_dim, "dense_dim": dense_dim, "smm": smm, "sspaddmm": sspaddmm,
    "coalesce": _not_sparse("coalesce"), "is_coalesced": _not_sparse("is_coalesced"),
    "indices": _not_sparse("indices"), "values": _not_sparse("values", "sparse tensor"),
    "to_sparse_csr": to_sparse_csr, "crow_indices": _not_sparse("crow_indices", "sparse row compressed tensor"),
    "col_indices": _not_sparse("col_indices", "sparse row compressed tensor"),
}
