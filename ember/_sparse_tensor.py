"""Sparse COO tensors (``layout=torch.sparse_coo``): an int64 ``indices`` array of shape
``(sparse_dim, nnz)`` and a ``values`` Tensor of shape ``(nnz, *dense_dims)``.

A sparse tensor is a :class:`~ember.Tensor` (``isinstance`` holds). Its own methods keep it
sparse where PyTorch does (``coalesce``, ``t``, ``*``/``/`` by a number or a tensor, ``+`` of two
sparse tensors, zero-preserving elementwise functions, ``sum`` over some dimensions, integer
indexing) and multiply into dense results (``@``, ``mm``, ``matmul``). Products run on the
stored entries only, through differentiable ops, so gradients reach the dense operand and the
values. Any other op reads the tensor as its dense equivalent (built on demand, read-only);
``view``/``reshape``/``numpy()``/``tolist()`` fail as in PyTorch.

>>> s = ember.sparse_coo_tensor([[0, 1], [2, 0]], [3.0, 4.0], (2, 3))
>>> s
tensor(indices=tensor([[0, 1],
                       [2, 0]]),
       values=tensor([3., 4.]),
       size=(2, 3), nnz=2, layout=torch.sparse_coo)
>>> (s @ ember.ones(3, 1)).tolist()
[[3.0], [4.0]]
"""
import math

from ._backend import np
from . import _layout
from ._tensor import Tensor, _SLOTS, _new_size, Size, _wrap

__all__ = ["SparseTensor", "make_sparse", "is_sparse_tensor"]


def _check_sparse_dim(s, what):
    if not isinstance(s, SparseTensor):
        raise RuntimeError(f"{what} expected sparse coordinate tensor layout but got Strided")


class SparseTensor(Tensor):
    """A sparse COO tensor (see the module docstring); build one with
    ``ember.sparse_coo_tensor`` or ``dense.to_sparse()``."""

    __slots__ = ("_ix", "_vals", "_size", "_coalesced", "_cache")

    # -- storage ---------------------------------------------------------------------------
    @property
    def _data(self):
        """The dense equivalent, read-only (any op without a sparse form computes on it)."""
        key = (id(self._vals._data), self._vals._version, id(self._ix))
        c = self._cache
        if c is None or c[0] != key:
            out = np.zeros(self._size, dtype=self._vals._data.dtype)
            if self._ix.shape[1]:
                np.add.at(out, tuple(self._ix), self._vals._data)
            out.flags.writeable = False
            c = self._cache = (key, out)
        return c[1]

    @_data.setter
    def _data(self, value):
        raise RuntimeError("ember: a sparse tensor's dense data cannot be assigned (build a new "
                           "sparse tensor, or use .to_dense())")

    # -- metadata --------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._vals.dtype

    @property
    def shape(self):
        return _new_size(Size, self._size)

    def size(self, dim=None):
        if dim is None:
            return _new_size(Size, self._size)
        return self._size[dim]

    def dim(self):
        return len(self._size)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._size)

    def numel(self):
        return math.prod(self._size)

    nelement = numel

    @property
    def layout(self):
        return _layout.sparse_coo

    @property
    def is_sparse(self):
        return True

    def is_contiguous(self, memory_format=None):
        raise RuntimeError("is_contiguous is not implemented for sparse tensors")

    def stride(self, dim=None):
        raise RuntimeError("Sparse CPU tensors do not have strides")

    def data_ptr(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def numpy(self, *, force=False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def view(self, *shape):
        raise NotImplementedError("Could not run 'aten::view' with arguments from the 'SparseCPU' backend.")

    def reshape(self, *shape):
        raise RuntimeError("reshape is not implemented for sparse tensors")

    def sparse_dim(self):
        """How many leading dimensions are sparse."""
        return self._ix.shape[0]

    def dense_dim(self):
        """How many trailing dimensions each stored value has."""
        return len(self._size) - self._ix.shape[0]

    def _nnz(self):
        """The number of stored entries (duplicates counted until ``coalesce``)."""
        return self._ix.shape[1]

    def is_coalesced(self):
        """True when the indices are sorted and unique."""
        return self._coalesced

    def _indices(self):
        return _wrap(self._ix)

    def _values(self):
        return self._vals

    def indices(self):
        """The ``(sparse_dim, nnz)`` indices of a coalesced tensor."""
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return _wrap(self._ix)

    def values(self):
        """The stored values of a coalesced tensor (shares memory; autograd flows through)."""
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._vals

    def coalesce(self):
        """Sort the indices and sum the values of duplicates.

        >>> s = ember.sparse_coo_tensor([[1, 0, 1]], [1.0, 2.0, 3.0], (2,))
        >>> c = s.coalesce(); c.indices().tolist(), c.values().tolist()
        ([[0, 1]], [2.0, 4.0])
        """
        if self._coalesced:
            return self
        ix = self._ix
        if ix.shape[1] == 0:
            return make_sparse(ix, self._vals, self._size, True)
        flat = np.ravel_multi_index(tuple(ix), self._size[:ix.shape[0]])
        uniq, inv = np.unique(flat, return_inverse=True)
        new_ix = np.stack(np.unravel_index(uniq, self._size[:ix.shape[0]])).astype(np.int64)
        new_ix = new_ix.reshape(ix.shape[0], -1)
        from ._creation import zeros
        vals = self._vals
        summed = zeros((len(uniq),) + tuple(vals.shape[1:]), dtype=vals.dtype).index_add(
            0, _wrap(inv.reshape(-1).astype(np.int64)), vals)
        return make_sparse(new_ix, summed, self._size, True)

    # -- conversions -----------------------------------------------------------------------
    def to_dense(self, dtype=None, *, masked_grad=None):
        """The dense tensor with the same entries (differentiable in the values).

        >>> ember.sparse_coo_tensor([[1]], [5.0], (3,)).to_dense()
        tensor([0., 5., 0.])
        """
        from ._creation import zeros
        sd = self._ix.shape[0]
        out = zeros(self._size, dtype=dtype or self.dtype)
        if self._ix.shape[1] == 0:
            return out
        if sd == 1:
            return out.index_put((_wrap(self._ix[0]),), self._vals.to(out.dtype), accumulate=True)
        flat = np.ravel_multi_index(tuple(self._ix), self._size[:sd])
        rest = tuple(self._size[sd:])
        out = out.reshape((-1,) + rest).index_add(0, _wrap(flat.astype(np.int64)), self._vals.to(out.dtype))
        return out.reshape(self._size)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout is _layout.sparse_csr and blocksize is None:
            return self.to_sparse_csr(dense_dim)
        if layout not in (None, _layout.sparse_coo):
            return self.to_dense().to_sparse(layout=layout, blocksize=blocksize, dense_dim=dense_dim)
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError(f"to_sparse: conversion from Sparse to Sparse with sparse_dim argument "
                               f"!={self.sparse_dim()} is not supported")
        return self

    def to_sparse_coo(self):
        return self

    def to_sparse_csr(self, dense_dim=None):
        """This 2-D COO matrix in the sparse CSR layout (coalesced first)."""
        from ._sparse_csr import make_csr
        if len(self._size) != 2 or self._ix.shape[0] != 2:
            raise NotImplementedError("ember: to_sparse_csr of a sparse tensor that is not a 2-D matrix")
        c = self.coalesce()
        crow = np.zeros(self._size[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(c._ix[0], minlength=self._size[0]), out=crow[1:])
        return make_csr(crow, c._ix[1].copy(), c._vals, self._size)

    def _with_values(self, vals, coalesced=None):
        return make_sparse(self._ix, vals, self._size, self._coalesced if coalesced is None else coalesced)

    def clone(self, *, memory_format=None):
        return make_sparse(self._ix.copy(), self._vals.clone(), self._size, self._coalesced)

    def detach(self):
        return make_sparse(self._ix, self._vals.detach(), self._size, self._coalesced)

    def to(self, *args, **kwargs):
        from ._dtype import dtype as _dtype_cls
        dt = kwargs.get("dtype")
        for a in args:
            if isinstance(a, _dtype_cls):
                dt = a
            elif isinstance(a, Tensor):
                dt = a.dtype
        if dt is None or dt == self.dtype:
            return self
        return self._with_values(self._vals.to(dt))

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return "torch.sparse." + Tensor.type(self._vals)[len("torch."):]
        return self.to(dtype)

    def cpu(self, memory_format=None):
        return self

    def double(self, memory_format=None):
        from ._dtype import float64
        return self.to(float64)

    def float(self, memory_format=None):
        from ._dtype import float32
        return self.to(float32)

    def half(self, memory_format=None):
        from ._dtype import float16
        return self.to(float16)

    def long(self, memory_format=None):
        from ._dtype import int64
        return self.to(int64)

    def int(self, memory_format=None):
        from ._dtype import int32
        return self.to(int32)

    def bool(self, memory_format=None):
        from ._dtype import bool as _bool
        return self.to(_bool)

    def requires_grad_(self, requires_grad=True):
        self._vals.requires_grad_(requires_grad)
        return self

    @property
    def requires_grad(self):
        return self._vals.requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self._vals.requires_grad_(value)

    def __repr__(self, *, tensor_contents=None):
        from ._sparse_ops import sparse_repr
        return sparse_repr(self)

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        from ._sparse_ops import _rebuild_sparse
        return _rebuild_sparse, (self._ix, self._vals, self._size, self._coalesced)

    def __len__(self):
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]


def make_sparse(indices, values, size, coalesced=False, cls=None):
    """A SparseTensor (or subclass ``cls``) around int64 ``indices`` (an array), ``values`` (a
    Tensor) and ``size``."""
    t = Tensor.__new__(cls or SparseTensor)
    for k in _SLOTS:
        if k != "_data":
            setattr(t, k, None)
    t._rg = False
    t._ix = indices
    t._vals = values
    t._size = tuple(int(s) for s in size)
    t._coalesced = bool(coalesced)
    t._cache = None
    return t


def is_sparse_tensor(x):
    return isinstance(x, SparseTensor)
