"""Shape and view ops: view/reshape, transpose/permute, expand, squeeze/unsqueeze and
flatten. Views share memory with their base, as in PyTorch. Indexing is in
ops/index/indexing.py.

>>> x = ember.zeros(2, 3)
>>> v = x.view(3, 2); v[0, 0] = 1.; x[0, 0]
tensor(1.)
"""
from .._util import np, D, Op, apply_op, norm_dim, make_view, _NOGRAD
from .reinterpret import view_dtype as _view_dtype
from operator import index as _operator_index
from .expand_args import expand_sizes as _expand_sizes
from ..numpy_arg_names import numpy_names, required_dim

__all__ = ["reshape", "transpose", "swapaxes", "swapdims", "permute", "squeeze", "unsqueeze",
           "flatten", "t", "movedim", "moveaxis"]


def _shape_arg(size):
    """A size given as ints or one sequence of ints, as a tuple; floats and other types raise
    PyTorch's TypeError (``int()`` would have truncated 2.5 silently)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for s in size:                      # (the common case: plain ints, checked without a generator)
        if s.__class__ is not int:
            break
    else:
        return tuple(size)
    try:
        return tuple(s if s.__class__ is int else _as_size(s) for s in size)
    except TypeError:
        bad = next(s for s in size if not _is_index(s))
        raise TypeError(f"argument 'size' must be tuple of ints, but found element of type "
                        f"{type(bad).__name__} at pos {list(size).index(bad)}") from None


def _as_size(s):
    return _operator_index(s)


def _is_index(s):
    try:
        _as_size(s)
        return True
    except (TypeError, RuntimeError):
        return False




def _invalid_dim(shape):
    i = next(i for i, s in enumerate(shape) if s < -1)
    raise RuntimeError(f"invalid shape dimension {shape[i]} at index {i} of shape {list(shape)}")


def _infer(shape, numel):
    if -1 not in shape:                 # (the common case: every size given)
        known = 1
        for s in shape:
            if s < 0:
                _invalid_dim(shape)
            known *= s
        if known != numel:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                _invalid_dim(shape)
            known *= s
    if known == 0 or numel % known:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    i = shape.index(-1)
    return shape[:i] + (numel // known,) + shape[i + 1:]


def _view_result(cls, x, fn, *args):
    """Run a view op and mark its output as a view of ``x``."""
    return make_view(apply_op(cls, (x,), *args), x, fn)


class View(Op):
    @staticmethod
    def forward(ctx, a, shape):
        if ctx is not _NOGRAD:
            ctx.in_shape = a.shape
        out = a.view()
        try:
            out.shape = shape  # never copies: raises when a copy would be needed
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
        return out

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


class UnsqueezeView(View):
    _name = "UnsqueezeBackward0"


class Squeeze(View):
    pass


class SqueezeDim(View):
    _name = "SqueezeBackward1"


class SqueezeDims(View):
    _name = "SqueezeBackward2"


class Reshape(Op):
    _name = "UnsafeViewBackward0"     # (a reshape that copies: torch's _unsafe_view)

    @staticmethod
    def forward(ctx, a, shape):
        if ctx is not _NOGRAD:
            ctx.in_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


def view(self, *shape, dtype=None, size=None):
    """A view with another shape (no copy; the strides must allow it), or of another dtype.

    >>> ember.arange(6).view(2, -1).shape
    torch.Size([2, 3])
    >>> ember.zeros(2).view(dtype=ember.int32)
    tensor([0, 0], dtype=torch.int32)
    """
    if dtype is not None and not shape and size is None:
        return _view_dtype(self, dtype)
    if size is not None and not shape:
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    shape = _infer(_shape_arg(shape), self._data.size)
    return _view_result(View, self, lambda t, s=shape: t.view(s), shape)


def reshape(input, *sizes, shape=None):
    """``input`` with another shape: a view when the strides allow, else a copy.

    >>> ember.reshape(ember.arange(4), (2, 2))
    tensor([[0, 1],
            [2, 3]])
    """
    if shape is not None and not sizes:  # (reshape(shape=...), as PyTorch's keyword)
        sizes = (shape,)
    return _reshape_to(input, _infer(_shape_arg(sizes), input._data.size))


def _reshape_to(input, shape):
    """``reshape`` to a checked ``shape`` (a tuple of sizes for ``input``'s elements): a view
    when the strides allow (always for a C-contiguous tensor), else a copy."""
    d = input._data
    if not d.flags.c_contiguous and shape != d.shape:
        try:
            d.view().shape = shape
        except AttributeError:
            return apply_op(Reshape, (input,), shape)
    return _view_result(View, input, lambda t, s=shape: t.view(s), shape)


def view_as(self, other):
    return view(self, other._data.shape)


def reshape_as(self, other):
    return reshape(self, other._data.shape)


class Transpose(Op):
    @staticmethod
    def forward(ctx, a, d0, d1):
        if ctx is not _NOGRAD:
            ctx.dims = (d0, d1)
        return a.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.dims)


class T(Transpose):
    pass


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view).

    >>> ember.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    n = input._data.ndim
    d0, d1 = norm_dim(dim0, n), norm_dim(dim1, n)
    if n == 0:
        return view(input, ())
    return _view_result(Transpose, input, lambda x, a=d0, b=d1: x.transpose(a, b), d0, d1)


def swapaxes(input, axis0, axis1):
    """Swap two dimensions, NumPy's name for :func:`transpose`.

    >>> ember.swapaxes(ember.zeros(2, 3), 0, 1).shape
    torch.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """Swap two dimensions (an alias of :func:`transpose`).

    >>> ember.swapdims(ember.zeros(2, 3), 0, 1).shape
    torch.Size([3, 2])
    """
    return transpose(input, dim0, dim1)


def t(input):
    """Transpose a tensor of at most 2 dims.

    >>> ember.zeros(2, 3).t().shape
    torch.Size([3, 2])
    """
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return view(input, input._data.shape)
    return _view_result(T, input, lambda x: x.t(), 0, 1)


class Permute(Op):
    @staticmethod
    def forward(ctx, a, dims):
        if ctx is not _NOGRAD:
            ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims).tolist()))


def permute(input, *order, dims=None):
    """Reorder dimensions (a view).

    >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    n = input._data.ndim
    dims = _shape_arg(order if dims is None or order else (dims,))
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                           f"the length of the desired ordering of dimensions i.e. input.dim() = {n} "
                           f"is not equal to len(dims) = {len(dims)}")
    if sorted(dims) != list(range(n)):    # (anything but a permutation of 0..n-1: normalise, check)
        dims = tuple(norm_dim(d, n) for d in dims)
        if len(set(dims)) != n:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_result(Permute, input, lambda x, p=dims: x.permute(p), dims)


def movedim(input, source, destination):
    """Move dims from ``source`` to ``destination`` positions (a view).

    >>> ember.zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    n = input._data.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [norm_dim(s, n) for s in src]
    dst = [norm_dim(s, n) for s in dst]
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


@property
def _T(self):
    n = self._data.ndim
    if n <= 1:
        return self
    return permute(self, tuple(range(n - 1, -1, -1)))


@property
def _mT(self):
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


class Expand(Op):
    @staticmethod
    def forward(ctx, a, shape):
        if ctx is not _NOGRAD:
            ctx.in_shape = a.shape
        r = np.broadcast_to(a, shape)
        if 1 in shape:  # size-1 dims get PyTorch's strides (NumPy gives them 0): kept, or size * stride of the next
            lead = r.ndim - a.ndim
            st = [0] * r.ndim
            for i in range(r.ndim - 1, -1, -1):
                if i >= lead:
                    st[i] = a.strides[i - lead] if a.shape[i - lead] == shape[i] else 0
                elif shape[i] == 1:
                    st[i] = shape[i + 1] * st[i + 1] if i + 1 < r.ndim else 0
            if tuple(st) != r.strides:
                r = np.lib.stride_tricks.as_strided(r, shape, st, writeable=False)
        if a.flags.writeable and all(s or n == 1 for s, n in zip(r.strides, r.shape)):
            # no element is repeated (only size-1 dims added): writable, as PyTorch allows
            r = np.lib.stride_tricks.as_strided(a, r.shape, r.strides, writeable=True)
        return r

    @staticmethod
    def backward(ctx, g):
        return g.sum_to_size(ctx.in_shape) if ctx.in_shape else g.sum()


def expand(self, *sizes, size=None):
    """Broadcast to a larger shape without copying (``-1`` keeps a size).

    >>> ember.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    sizes = _expand_sizes(sizes, size)
    shape = self._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(f"expand({self.type()}{{{list(shape)}}}, size={list(sizes)}): the number "
                           f"of sizes provided ({len(sizes)}) must be greater or equal to the number "
                           f"of dimensions in the tensor ({len(shape)})")
    out = []
    for i in range(len(sizes) - 1, -1, -1):  # from the last dim, as PyTorch checks (and names) them
        s = sizes[i]
        if i < lead:
            if s == -1 and shape:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}")
            out.append(s)
        else:
            cur = shape[i - lead]
            if s == -1:
                s = cur
            if cur != s and cur != 1:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                                   f"({cur}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                                   f"Tensor sizes: {list(shape)}")
            out.append(s)
    out = tuple(reversed(out))
    if any(s < 0 for s in out):  # a size below -1: PyTorch's element count overflows
        raise RuntimeError("numel: integer multiplication overflow")
    if out == shape:
        return view(self, shape)
    return _view_result(Expand, self, lambda x, s=out: x.expand(s), out)


def expand_as(self, other):
    return expand(self, other._data.shape)


def squeeze(input, dim=None, *, axis=None):
    """Remove dims of size 1 (all, or those in ``dim``); a view.

    >>> ember.zeros(1, 2, 1).squeeze().shape
    torch.Size([2])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("squeeze", dim, False, axis, None, None)[0]
    shape = input._data.shape
    n = len(shape)
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = {norm_dim(d, n) for d in ((dim,) if isinstance(dim, int) else dim)}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    cls = Squeeze if dim is None else SqueezeDim if isinstance(dim, int) else SqueezeDims
    return _view_result(cls, input, lambda t, s=new: t.view(s), new)


def unsqueeze(input, dim=None, *, axis=None):
    """Insert a dim of size 1 at ``dim``; a view.

    >>> ember.zeros(2).unsqueeze(0).shape
    torch.Size([1, 2])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("unsqueeze", axis)
    shape = list(input._data.shape)
    dim = norm_dim(dim, len(shape) + 1)
    shape.insert(dim, 1)
    shape = tuple(shape)
    return _view_result(UnsqueezeView, input, lambda t, s=shape: t.view(s), shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one.

    >>> ember.zeros(2, 3, 4).flatten(1).shape
    torch.Size([2, 12])
    """
    shape = input._data.shape
    n = len(shape)
    if n == 0:
        return reshape(input, (1,))
    s, e = norm_dim(start_dim, n), norm_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    m = 1
    for x in shape[s:e + 1]:
        m *= x
    return _reshape_to(input, shape[:s] + (m,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes``.

    >>> ember.zeros(2, 6).unflatten(1, (2, 3)).shape
    torch.Size([2, 2, 3])
    """
    shape = input._data.shape
    dim = norm_dim(dim, len(shape))
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) <= 1:
        known = 1
        for s in sizes:
            known *= s if s != -1 else 1
        n = shape[dim]
        if (n % known if known else n) if -1 in sizes else known != n:
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                               f"{dim} ({n}) in the input tensor")
    sizes = _infer(sizes, shape[dim])
    return view(input, shape[:dim] + sizes + shape[dim + 1:])


TENSOR_METHODS = {
    "view": view, "view_as": view_as, "reshape": reshape, "reshape_as": reshape_as,
    "transpose": transpose, "swapaxes": swapaxes, "swapdims": swapdims, "t": t,
    "permute": permute, "movedim": movedim, "moveaxis": movedim, "T": _T, "mT": _mT,
    "expand": expand, "expand_as": expand_as, "squeeze": squeeze, "unsqueeze": unsqueeze,
    "flatten": flatten, "unflatten": unflatten,
}
