"""Converters for shape and indexing: view/reshape/flatten, permute/transpose, cat/stack,
split/chunk, expand/repeat, size/shape, indexing with ints, slices, None and Ellipsis, casts.

Sizes read from a traced tensor (``x.size(0)``) stay symbolic (Shape + Gather), so a model
that reshapes by its batch size exports with a dynamic batch axis.

>>> from ember.onnx._registry import lookup_method
>>> lookup_method("view").__name__
'view'
"""
from .._backend import np
from ._builder import Value, onnx_dtype
from ._convert_math import out_dtype
from ._registry import function, method

__all__ = []

_INT64_MAX = np.iinfo(np.int64).max


def _shape_arg(shape):
    """``view(2, 3)``, ``view((2, 3))`` and ``view(x.size())`` as one list (or a shape Value)."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    if len(shape) == 1 and isinstance(shape[0], Value) and shape[0].rank == 1:
        return shape[0]
    return list(shape)


def reshape_to(b, x, shape):
    """Reshape ``x`` to ``shape`` (ints, -1, symbolic sizes); a leading run of static sizes equal
    to ``x``'s own becomes 0 (copy the input's size) so the batch axis stays dynamic."""
    if isinstance(shape, Value):
        return b.op("Reshape", [x, shape])
    shape = list(shape)
    if all(not isinstance(d, Value) for d in shape):
        for i, d in enumerate(shape):
            if i < x.rank and d == x.shape[i] and d != 0:
                shape[i] = 0
            else:
                break
    return b.op("Reshape", [x, b.shape_tensor(shape)])


@method("view", "reshape")
def view(b, self, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (int, list, tuple, Value)):
        b.reject(f"Tensor.view({shape[0]!r}) (a dtype view)")
    return reshape_to(b, self, _shape_arg(shape))


@function("reshape")
def reshape(b, input, shape):
    return reshape_to(b, input, _shape_arg((shape,)))


@method("view_as", "reshape_as")
def view_as(b, self, other):
    return b.op("Reshape", [self, b.op("Shape", [other])])


@function("flatten")
@method("flatten")
def flatten(b, input, start_dim=0, end_dim=-1):
    r = input.rank
    if r == 0:
        return b.op("Reshape", [input, b.ints([1])])
    s, e = start_dim % r, end_dim % r
    if s == e:
        return input
    target = [0] * s + [-1] + [int(d) for d in input.shape[e + 1:]]
    return b.op("Reshape", [input, b.ints(target)])


@function("permute")
def permute(b, input, dims):
    return b.op("Transpose", [input], perm=[d % max(input.rank, 1) for d in dims])


@method("permute")
def permute_method(b, self, *dims):
    dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
    return permute(b, self, dims)


@function("transpose", "swapaxes", "swapdims")
@method("transpose", "swapaxes", "swapdims", "transpose_")
def transpose(b, input, dim0, dim1):
    perm = list(range(input.rank))
    d0, d1 = dim0 % input.rank, dim1 % input.rank
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return b.fold(input, "Transpose", lambda a: a.transpose(perm), perm=perm)


@function("t")
@method("t")
def t(b, input):
    if input.rank < 2:
        return input
    return b.fold(input, "Transpose", lambda a: a.T, perm=[1, 0])


@function("unsqueeze")
@method("unsqueeze", "unsqueeze_")
def unsqueeze(b, input, dim):
    return b.unsqueeze(input, [dim % (input.rank + 1)])


@function("squeeze")
@method("squeeze", "squeeze_")
def squeeze(b, input, dim=None):
    if dim is None:
        axes = [i for i, d in enumerate(input.shape) if d == 1]
    else:
        dims = [dim] if isinstance(dim, int) else list(dim)
        axes = [d % max(input.rank, 1) for d in dims if input.rank and input.shape[d % input.rank] == 1]
    return b.squeeze(input, axes) if axes else input


@function("cat", "concat", "concatenate")
def cat(b, tensors, dim=0, *, axis=None):
    dim = axis if axis is not None else dim
    dt = out_dtype(b)
    parts = [b.cast(x, dt) for x in tensors if not (x.rank == 1 and x.shape[0] == 0)]
    if len(parts) == 1:
        return parts[0]
    return b.op("Concat", parts, axis=dim % max(parts[0].rank, 1))


@function("stack")
def stack(b, tensors, dim=0):
    d = dim % (tensors[0].rank + 1)
    dt = out_dtype(b)
    return b.op("Concat", [b.unsqueeze(b.cast(x, dt), [d]) for x in tensors], axis=d)


def _split_by_out(b, input, dim):
    d = dim % input.rank
    sizes = [int(o.shape[d]) for o in b.out]
    if len(sizes) == 1:
        return (input,)
    return tuple(b.split(input, sizes, d))


@function("split")
@method("split")
def split(b, tensor, split_size_or_sections, dim=0):
    return _split_by_out(b, tensor, dim)


@function("chunk", "tensor_split")
@method("chunk", "tensor_split")
def chunk(b, input, chunks, dim=0):
    return _split_by_out(b, input, dim)


@function("unbind")
@method("unbind")
def unbind(b, input, dim=0):
    d = dim % input.rank
    n = input.shape[d]
    parts = b.split(input, [1] * n, d) if n > 1 else [input]
    return tuple(b.squeeze(p, [d]) for p in parts)


@function("narrow")
@method("narrow")
def narrow(b, input, dim, start, length):
    d = dim % input.rank
    return b.op("Slice", [input, b.shape_tensor([start]), b.shape_tensor([start + length]), b.ints([d])])


@method("expand")
def expand(b, self, *sizes):
    sizes = _shape_arg(sizes)
    if isinstance(sizes, Value):
        return b.op("Expand", [self, sizes])
    sizes = [1 if (not isinstance(s, Value) and s == -1) else s for s in sizes]
    return b.op("Expand", [self, b.shape_tensor(sizes)])


@method("expand_as")
def expand_as(b, self, other):
    return b.op("Expand", [self, b.op("Shape", [other])])


@function("broadcast_to")
def broadcast_to(b, input, size):
    return expand(b, input, size)


@method("repeat")
def repeat(b, self, *sizes):
    sizes = _shape_arg(sizes)
    x = self
    if len(sizes) > x.rank:
        x = b.unsqueeze(x, list(range(len(sizes) - x.rank)))
    return b.op("Tile", [x, b.shape_tensor(sizes)])


@function("tile")
@method("tile")
def tile(b, input, dims):
    return repeat(b, input, dims)


@method("size")
def size(b, self, dim=None):
    """Sizes that cannot change with the dynamic input axes are plain ints; the others are
    read from the tensor's Shape at run time."""
    static = b.static_dims(self)
    if dim is not None:
        d = dim % self.rank
        if static[d] is not None:
            return static[d]
        shp = b.op("Shape", [self])
        return b.op("Gather", [shp, b.const(np.asarray(d, dtype=np.int64))], axis=0)
    if all(s is not None for s in static):
        return b.out
    shp = b.op("Shape", [self])
    return tuple(s if s is not None else
                 b.op("Gather", [shp, b.const(np.asarray(i, dtype=np.int64))], axis=0)
                 for i, s in enumerate(static))


@method("dim", "ndimension")
def dim(b, self):
    return self.rank


@function("numel")
@method("numel", "nelement")
def numel(b, self):
    return b.reduce("ReduceProd", b.op("Shape", [self]), None, False)


@function("builtins.getattr")
def getattr_(b, obj, name, default=None):
    if isinstance(obj, Value):
        if name == "shape":
            return size(b, obj)
        if name in ("T", "mT"):
            perm = list(range(obj.rank))[::-1] if name == "T" else \
                list(range(obj.rank - 2)) + [obj.rank - 1, obj.rank - 2]
            return b.fold(obj, "Transpose", lambda a: a.transpose(perm), perm=perm)
        if name in ("ndim",):
            return obj.rank
        if name == "data":
            return obj
        ex = obj.example
        if name in ("dtype", "device", "is_cuda", "requires_grad", "layout", "is_sparse"):
            return getattr(ex, name)
        b.reject(f"getattr(tensor, {name!r})")
    return getattr(obj, name) if default is None else getattr(obj, name, default)


def _identity(b, self, *args, **kwargs):
    """Casts to the traced dtype; device moves, copies and detaches vanish."""
    dt = out_dtype(b)
    return b.cast(self, dt) if isinstance(self, Value) else self


for _n in ("to", "type", "float", "double", "half", "long", "int", "bool", "short", "byte", "char", "bfloat16",
           "contiguous", "clone", "detach", "cpu", "cuda", "requires_grad_", "type_as", "detach_", "__copy__"):
    method(_n)(_identity)


@function("clone", "detach")
def clone(b, input, *, memory_format=None):
    return input


def _full(b, size, value, dt):
    shape = b.shape_tensor(list(size))
    from onnx import helper
    return b.op("ConstantOfShape", [shape],
                value=helper.make_tensor("value", onnx_dtype(dt), [1], [np.asarray(value, dt).item()]))


def _creation(fill):
    def conv(b, *size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
             memory_format=None):
        size = size[0] if len(size) == 1 and isinstance(size[0], (list, tuple)) else size
        return _full(b, size, fill, out_dtype(b))
    return conv


function("zeros")(_creation(0))
function("ones")(_creation(1))


@function("full")
def full(b, size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _full(b, size, fill_value, out_dtype(b))


def _like(fill):
    def conv(b, input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        value = fill if fill is not None else args[0]
        return _full(b, [b.op("Shape", [input])], value, out_dtype(b))
    return conv


function("zeros_like")(_like(0))
function("ones_like")(_like(1))
function("full_like")(_like(None))


# ----- indexing
def _index_shape(b, obj, idx):
    if isinstance(idx, slice):
        st = 0 if idx.start is None else idx.start
        en = _INT64_MAX if idx.stop is None else idx.stop
        return b.op("Slice", [obj, b.shape_tensor([st]), b.shape_tensor([en]), b.ints([0])])
    i = idx if isinstance(idx, Value) else b.const(np.asarray(idx, dtype=np.int64))
    return b.op("Gather", [obj, b.cast(i, np.int64)], axis=0)


def index_tensor(b, x, idx):
    """``x[idx]`` for ints, slices, None, Ellipsis and one integer index tensor."""
    idx = idx if isinstance(idx, tuple) else (idx,)
    n_real = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if any(i is Ellipsis for i in idx):
        k = next(j for j, i in enumerate(idx) if i is Ellipsis)
        idx = idx[:k] + (slice(None),) * (x.rank - n_real) + idx[k + 1:]
    starts, ends, axes, steps, squeeze, unsq, gathers = [], [], [], [], [], [], []
    d = o = 0
    for it in idx:
        if it is None:
            unsq.append(o)
            o += 1
            continue
        if isinstance(it, slice):
            if it != slice(None):
                starts.append(0 if it.start is None else it.start)
                ends.append(_INT64_MAX if it.stop is None else it.stop)
                steps.append(1 if it.step is None else it.step)
                axes.append(d)
            o += 1
        elif isinstance(it, bool):
            b.reject("indexing with a bool")
        elif isinstance(it, int) or (isinstance(it, Value) and it.rank == 0):
            starts.append(it)
            ends.append(_INT64_MAX if (isinstance(it, int) and it == -1) else it + 1 if isinstance(it, int)
                        else None)
            steps.append(1)
            axes.append(d)
            squeeze.append(d)
        elif isinstance(it, Value):
            if it.np_dtype.kind == "b":
                b.reject("indexing with a boolean mask (data-dependent shape)")
            gathers.append((d, it))
            o += it.rank
        elif isinstance(it, (list, tuple)):
            gathers.append((d, b.const(np.asarray(it, dtype=np.int64))))
            o += 1
        else:
            b.reject(f"indexing with {type(it).__name__}")
        d += 1
    if len(gathers) > 1 or (gathers and gathers[0][1].rank != 1):
        b.reject("advanced indexing with more than one index tensor or a multi-dimensional one")
    y = x
    if axes:
        ends = [(b.op("Add", [b.cast(s, np.int64), b.const(np.asarray(1, np.int64))]) if e is None else e)
                for s, e in zip(starts, ends)]
        y = b.op("Slice", [y, b.shape_tensor(starts), b.shape_tensor(ends), b.ints(axes), b.ints(steps)])
    for axis, index in gathers:
        y = b.op("Gather", [y, b.cast(index, np.int64)], axis=axis)
    if squeeze:
        y = b.squeeze(y, squeeze)
    if unsq:
        y = b.unsqueeze(y, unsq)
    return y


@function("operator.getitem")
@method("__getitem__")
def getitem(b, obj, idx):
    if not isinstance(obj, Value):
        return obj[idx]
    if isinstance(obj.example, (tuple, list)):
        return _index_shape(b, obj, idx)
    return index_tensor(b, obj, idx)


@function("index_select")
@method("index_select")
def index_select(b, input, dim, index):
    return b.op("Gather", [input, b.cast(index, np.int64)], axis=dim % input.rank)


@function("roll")
@method("roll")
def roll(b, input, shifts, dims=None):
    """Slices and a Concat per rolled axis (a flat roll when ``dims`` is None)."""
    if dims is None:
        flat = b.op("Reshape", [input, b.ints([-1])])
        n = int(np.prod(input.shape))
        k = int(shifts if isinstance(shifts, int) else shifts[0]) % max(n, 1)
        if k == 0:
            return input
        parts = [b.op("Slice", [flat, b.ints([n - k]), b.ints([n]), b.ints([0])]),
                 b.op("Slice", [flat, b.ints([0]), b.ints([n - k]), b.ints([0])])]
        return b.op("Reshape", [b.op("Concat", parts, axis=0), b.op("Shape", [input])])
    shifts = [shifts] if isinstance(shifts, int) else list(shifts)
    dims = [dims] if isinstance(dims, int) else list(dims)
    y = input
    for s, d in zip(shifts, dims):
        d = d % input.rank
        n = input.shape[d]
        k = int(s) % max(n, 1)
        if k == 0:
            continue
        parts = [b.op("Slice", [y, b.ints([n - k]), b.ints([n]), b.ints([d])]),
                 b.op("Slice", [y, b.ints([0]), b.ints([n - k]), b.ints([d])])]
        y = b.op("Concat", parts, axis=d)
    return y


def _new_full(fill):
    def conv(b, self, *size, fill_value=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
        if fill is None and fill_value is None:
            fill_value, size = size[-1], size[:-1]
        size = size[0] if len(size) == 1 and isinstance(size[0], (list, tuple)) else size
        if all(not isinstance(s, Value) for s in size):
            return Value(b.out, const=True)        # folded: shape-only (an in-place fill may follow)
        return _full(b, size, fill if fill is not None else fill_value, out_dtype(b))
    return conv


method("new_zeros", "new_empty")(_new_full(0))
method("new_ones")(_new_full(1))
method("new_full")(_new_full(None))


@function("operator.setitem")
@method("__setitem__")
def setitem(b, obj, idx, value):
    b.reject("assignment into a traced tensor (x[i] = v) whose value depends on the inputs")
