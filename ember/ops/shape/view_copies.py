"""The ``*_copy`` variants of the view ops (``torch.t_copy``, ``torch.diagonal_copy`` ...): the
same values as the view, in fresh contiguous memory, and ``as_strided_scatter``. Each copy is
the view followed by a clone, so its gradient is the view's.
"""
import builtins

from .._util import np
from ... import _tensor

__all__ = ["alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
           "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
           "unsqueeze_copy", "view_copy", "as_strided_scatter", "slice_inverse"]


def _fresh(t):
    """A contiguous copy of ``t`` (never its memory, even when ``t`` is contiguous)."""
    out = t.clone()
    return out if out.is_contiguous() else out.contiguous()


def alias_copy(input):
    """A copy of ``input`` (the copy of the identity view).

    >>> ember.alias_copy(ember.tensor([1., 2.]))
    tensor([1., 2.])
    """
    return _fresh(input)


def as_strided_copy(input, size, stride, storage_offset=None):
    """A copy of ``input.as_strided(size, stride, storage_offset)``.

    >>> ember.as_strided_copy(ember.arange(4.), (2, 2), (1, 1))
    tensor([[0., 1.],
            [1., 2.]])
    """
    return _fresh(input.as_strided(size, stride, storage_offset))


def detach_copy(input):
    """A copy of ``input`` cut from the graph.

    >>> ember.detach_copy(ember.ones(2, requires_grad=True)).requires_grad
    False
    """
    return input.detach().clone()


def diagonal_copy(input, offset=0, dim1=0, dim2=1):
    """A copy of ``input.diagonal(offset, dim1, dim2)``.

    >>> ember.diagonal_copy(ember.eye(2))
    tensor([1., 1.])
    """
    return _fresh(input.diagonal(offset, dim1, dim2))


def expand_copy(input, size, *, implicit=False):
    """A copy of ``input.expand(size)`` (materialized: each element its own memory).

    >>> ember.expand_copy(ember.tensor([[1.], [2.]]), (2, 3))
    tensor([[1., 1., 1.],
            [2., 2., 2.]])
    """
    return _fresh(input.expand(*size))


def permute_copy(input, dims):
    """A copy of ``input.permute(dims)``.

    >>> ember.permute_copy(ember.zeros(2, 3), (1, 0)).shape
    torch.Size([3, 2])
    """
    return _fresh(input.permute(*dims))


def select_copy(input, dim, index):
    """A copy of ``input.select(dim, index)``.

    >>> ember.select_copy(ember.arange(6.).reshape(2, 3), 1, 2)
    tensor([2., 5.])
    """
    return _fresh(input.select(dim, index))


def slice_copy(input, dim=0, start=None, end=None, step=1):
    """A copy of ``input[start:end:step]`` along ``dim``.

    >>> ember.slice_copy(ember.arange(6.), 0, 1, 5, 2)
    tensor([1., 3.])
    """
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    nd = input.dim()
    if nd == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                         f"but got {dim})")
    key = [builtins.slice(None)] * nd
    key[dim % nd] = builtins.slice(start, end, step)
    return _fresh(input[tuple(key)])


def split_copy(input, split_size, dim=0):
    """Copies of the pieces of ``input.split(split_size, dim)`` (an int size).

    >>> [t.tolist() for t in ember.split_copy(ember.arange(5.), 2)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """
    return tuple(_fresh(t) for t in input.split(split_size, dim))


def split_with_sizes_copy(input, split_sizes, dim=0):
    """Copies of the pieces of ``input`` of the listed sizes along ``dim``.

    >>> [t.tolist() for t in ember.split_with_sizes_copy(ember.arange(5.), [3, 2])]
    [[0.0, 1.0, 2.0], [3.0, 4.0]]
    """
    sizes = [int(s) for s in split_sizes]
    n = input.shape[dim] if input.dim() else 0
    if builtins.sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={sizes}")
    return tuple(_fresh(t) for t in input.split(sizes, dim))


def squeeze_copy(input, dim=None):
    """A copy of ``input.squeeze(dim)`` (all size-1 dims when ``dim`` is None).

    >>> ember.squeeze_copy(ember.zeros(1, 2, 1), [0, 2]).shape
    torch.Size([2])
    """
    return _fresh(input.squeeze() if dim is None else input.squeeze(dim))


def t_copy(input):
    """A copy of ``input.t()``.

    >>> ember.t_copy(ember.zeros(2, 3)).shape
    torch.Size([3, 2])
    """
    return _fresh(input.t())


def transpose_copy(input, dim0, dim1):
    """A copy of ``input.transpose(dim0, dim1)``.

    >>> ember.transpose_copy(ember.zeros(2, 3, 4), 0, 2).shape
    torch.Size([4, 3, 2])
    """
    return _fresh(input.transpose(dim0, dim1))


def unbind_copy(input, dim=0):
    """Copies of ``input.unbind(dim)``.

    >>> ember.unbind_copy(ember.eye(2))
    (tensor([1., 0.]), tensor([0., 1.]))
    """
    return tuple(_fresh(t) for t in input.unbind(dim))


def unfold_copy(input, dimension, size, step):
    """A copy of ``input.unfold(dimension, size, step)``.

    >>> ember.unfold_copy(ember.arange(4.), 0, 2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    return _fresh(input.unfold(dimension, size, step))


def unsqueeze_copy(input, dim):
    """A copy of ``input.unsqueeze(dim)``.

    >>> ember.unsqueeze_copy(ember.zeros(2), 1).shape
    torch.Size([2, 1])
    """
    return _fresh(input.unsqueeze(dim))


def view_copy(input, size):
    """A copy of ``input.view(size)``; ``size`` may be a dtype (a bit reinterpretation).

    >>> ember.view_copy(ember.arange(6.), (2, 3)).shape
    torch.Size([2, 3])
    """
    from ..._dtype import dtype as _dtype_cls
    if isinstance(size, _dtype_cls):
        return _fresh(input.view(size))
    return _fresh(input.view(*size) if isinstance(size, (list, tuple, _tensor.Size)) else input.view(size))


def _storage_order(t):
    """Dims of ``t`` sorted from the largest stride to the smallest (PyTorch's stride order
    of a dense tensor, ties kept in dim order)."""
    st = t._data.strides
    return sorted(range(t.dim()), key=lambda d: (-st[d], d))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of ``input`` with ``src`` written where ``input.as_strided(size, stride,
    storage_offset)`` would look (the positions counted in ``input``'s memory order).

    >>> ember.as_strided_scatter(ember.zeros(2, 3), ember.ones(2), (2,), (2,), 1)
    tensor([[0., 1., 0.],
            [1., 0., 0.]])
    """
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    off = 0 if storage_offset is None else int(storage_offset)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if tuple(src.shape) != size:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(size)}")
    n = input.numel()
    need = off + 1 + builtins.sum((k - 1) * s for k, s in zip(size, stride)) if all(size) else 0
    if need > n:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, "
                           f"and itemsize {input.element_size()} requiring a storage size of "
                           f"{need * input.element_size()} are out of bounds for storage of size "
                           f"{n * input.element_size()}")
    order = _storage_order(input)
    base = input.permute(*order) if order != list(range(input.dim())) else input
    shape = tuple(base.shape)
    idx = np.full(size, off, dtype=np.int64)
    for d, (k, s) in enumerate(zip(size, stride)):
        sh = [1] * len(size)
        sh[d] = k
        idx = idx + (np.arange(k, dtype=np.int64) * s).reshape(sh)
    flat = base.reshape(-1).scatter(0, _tensor._wrap(idx.reshape(-1)), src.reshape(-1).to(input.dtype))
    out = flat.reshape(shape)
    if order != list(range(input.dim())):
        inv = [0] * len(order)
        for i, d in enumerate(order):
            inv[d] = i
        out = out.permute(*inv)
    return out


def slice_inverse(input, src, dim=0, start=None, end=None, step=1):
    """The inverse of slicing: when ``input`` is ``src[start:end:step]`` along ``dim`` (a view
    of some tensor laid out like ``src``), the view of that whole tensor, with ``src``'s sizes
    and strides, over ``input``'s memory.

    >>> b = ember.arange(6.).reshape(3, 2)
    >>> ember.slice_inverse(b[1:], b, 0, 1)
    tensor([[0., 1.],
            [2., 3.],
            [4., 5.]])
    """
    nd = src.dim()
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    dim %= nd
    n = src.shape[dim]
    first = 0 if start is None else int(start)
    if first < 0:
        first += n
    first = builtins.min(builtins.max(first, 0), n)
    strides = src.stride()
    offset = input.storage_offset() - first * strides[dim]
    if offset < 0:
        raise RuntimeError(f"as_strided: Negative storage offset {offset} is not supported")
    return input.as_strided(tuple(src.shape), strides, offset)


TENSOR_METHODS = {"as_strided_scatter": as_strided_scatter, "slice_inverse": slice_inverse}
