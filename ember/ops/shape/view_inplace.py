"""In-place changes of a tensor's geometry: ``t_``, ``transpose_`` (``swapaxes_``, ``swapdims_``),
``squeeze_``, ``unsqueeze_``, ``as_strided_``, ``resize_`` and ``resize_as_``.

The tensor keeps its memory and takes the shape and strides of the matching view, as in
PyTorch: its version counter moves on, and under autograd it takes the history of that view
(``TBackward1``, ``UnsqueezeBackward1`` ...). A view stays a view of its base (its replay
function gains the new step); views of the tensor keep their own geometry. PyTorch's errors
apply: a leaf that requires grad (or a view of one) cannot be changed while grad mode is on,
and ``resize_`` refuses any tensor that requires grad.

>>> x = ember.zeros(2, 3)
>>> x.t_().shape, x.unsqueeze_(0).shape, x.squeeze_().shape
(torch.Size([3, 2]), torch.Size([1, 3, 2]), torch.Size([3, 2]))
"""
from .._util import np, Tensor, _wrap, apply_op, _state, norm_dim, live_views, _NOGRAD
from ..inplace.history import check_inplace, _move_retain
from . import movement as _M
from . import shape_ops as _S

__all__ = ["resize_as_", "as_strided_"]


class TransposeInplace(_M.Transpose):
    _name = "TransposeBackward1"

    @staticmethod
    def forward(ctx, a, d0, d1):
        if a.ndim == 0:  # 0-d: nothing to swap
            if ctx is not _NOGRAD:
                ctx.dims = (0, 0)
            return a.view()
        return _M.Transpose.forward(ctx, a, d0, d1)


class TInplace(TransposeInplace):
    _name = "TBackward1"


class UnsqueezeInplace(_M.UnsqueezeView):
    _name = "UnsqueezeBackward1"


class SqueezeInplace(_M.Squeeze):
    _name = "SqueezeBackward3"


class SqueezeDimInplace(_M.SqueezeDim):
    _name = "SqueezeBackward4"


class SqueezeDimsInplace(_M.SqueezeDims):
    _name = "SqueezeBackward5"


class AsStridedInplace(_S.AsStrided):
    _name = "AsStridedBackward1"


def _restride(self, cls, replay, undo, *args):
    """Give ``self`` the geometry of the view ``cls`` computes (``replay`` redoes it on another
    tensor, ``undo`` maps the new geometry back to the old one for views of ``self``)."""
    base = self._base
    if _state[0] and (self._rg or (base is not None and base._rg)):
        check_inplace(self)
    if _state[0] and self._rg:
        alias = _wrap(self._data)
        alias._rg, alias.grad_fn, alias._out_nr = True, self.grad_fn, self._out_nr
        out = apply_op(cls, (alias,), *args)
        old_fn, old_nr = self.grad_fn, self._out_nr
        self._data = out._data
        self.grad_fn, self._out_nr = out.grad_fn, out._out_nr
        _move_retain(self, old_fn, old_nr)
    else:
        self._data = apply_op(cls, (self,), *args)._data
    _relink(self, replay, undo)
    return self


def _relink(self, replay, undo):
    """Keep view bookkeeping right after ``self``'s geometry changed (and bump its version)."""
    if self._view_fn is not None:
        p = self._view_fn
        self._view_fn = lambda t, _p=p: replay(_p(t))
    elif "_views" in self.__dict__:  # views of self replay on its old geometry
        for v in live_views(self):
            if v._base is self and v._view_fn is not None:
                f = v._view_fn
                v._view_fn = lambda t, _f=f: _f(undo(t))
    if "_accum" in self.__dict__:  # a leaf's gradient node records its shape
        self._accum = None
    self._bump()


def t_(self):
    """In-place :meth:`t`: ``self`` becomes its transpose (at most 2 dims).

    >>> ember.zeros(2, 3).t_().shape
    torch.Size([3, 2])
    """
    n = self._data.ndim
    if n > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {n}D")
    d1 = 1 if n == 2 else 0
    return _restride(self, TInplace, _t, _t, 0, d1)


def _t(x):
    return x.t()


def transpose_(self, dim0, dim1):
    """In-place :meth:`transpose`: swap dims ``dim0`` and ``dim1`` of ``self``.

    >>> ember.zeros(2, 3, 4).transpose_(0, 2).shape
    torch.Size([4, 3, 2])
    """
    n = self._data.ndim
    a, b = norm_dim(dim0, n), norm_dim(dim1, n)
    swap = lambda x, a=a, b=b: x.transpose(a, b)  # noqa: E731
    return _restride(self, TransposeInplace, swap, swap, a, b)


def swapaxes_(self, axis0, axis1):
    """In-place :meth:`swapaxes` (the same as :meth:`transpose_`).

    >>> ember.zeros(2, 3).swapaxes_(0, 1).shape
    torch.Size([3, 2])
    """
    return transpose_(self, axis0, axis1)


def swapdims_(self, dim0, dim1):
    """In-place :meth:`swapdims` (the same as :meth:`transpose_`).

    >>> ember.zeros(2, 3).swapdims_(0, 1).shape
    torch.Size([3, 2])
    """
    return transpose_(self, dim0, dim1)


def squeeze_(self, dim=None):
    """In-place :meth:`squeeze`: drop size-1 dims (all, or those in ``dim``).

    >>> ember.zeros(1, 3, 1).squeeze_(0).shape
    torch.Size([3, 1])
    """
    shape = self._data.shape
    n = len(shape)
    if dim is None:
        new, cls = tuple(s for s in shape if s != 1), SqueezeInplace
    else:
        dims = {norm_dim(d, n) for d in ((dim,) if isinstance(dim, int) else dim)}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        cls = SqueezeDimInplace if isinstance(dim, int) else SqueezeDimsInplace
    return _restride(self, cls, lambda x, s=new: x.view(s), lambda x, s=shape: x.view(s), new)


def unsqueeze_(self, dim):
    """In-place :meth:`unsqueeze`: insert a size-1 dim at ``dim``.

    >>> ember.zeros(3).unsqueeze_(-1).shape
    torch.Size([3, 1])
    """
    shape = self._data.shape
    new = list(shape)
    new.insert(norm_dim(dim, len(shape) + 1), 1)
    new = tuple(new)
    return _restride(self, UnsqueezeInplace, lambda x, s=new: x.view(s), lambda x, s=shape: x.view(s), new)


def as_strided_(self, size, stride, storage_offset=None):
    """In-place :meth:`as_strided`: ``self`` takes the given sizes and element strides over its
    storage.

    >>> x = ember.arange(6.)
    >>> x.as_strided_((2, 2), (1, 2), 1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    off = None if storage_offset is None else int(storage_offset)
    old = (tuple(self._data.shape), self.stride(), self.storage_offset())
    return _restride(self, AsStridedInplace, lambda x, a=(size, stride, off): _S.as_strided(x, *a),
                     _storage_undo(self, old, "as_strided_"), size, stride, off)


def _storage_undo(root, old, name):
    """Map ``root``'s new geometry back to ``old`` (sizes, strides, offset in its memory) for views of
    ``root``. That works on ``root`` itself; a gradient buffer of ``root``'s shape does not hold
    the old elements (PyTorch maps them through the storage), so ember refuses it."""
    def undo(t):
        if t is not root:
            raise NotImplementedError(f"ember: the gradient of an in-place op on a view of a tensor whose geometry "
                                      f"{name} changed afterwards is not implemented")
        return _S.as_strided(t, *old)
    return undo


def _sizes(sizes, fname):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    out = []
    for s in sizes:
        if isinstance(s, Tensor) or not hasattr(s, "__index__") or isinstance(s, bool):
            raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(s).__name__}")
        out.append(s.__index__())
    if any(s < 0 for s in out):
        raise RuntimeError("numel: integer multiplication overflow")
    return tuple(out)


def resize_(self, *sizes, memory_format=None):
    """Give ``self`` the shape ``sizes`` in place, contiguous over its memory: shrinking keeps
    the leading elements, growing reallocates (new elements uninitialised; ember zeroes them).

    >>> ember.arange(6.).resize_(2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    shape = _sizes(sizes, "resize_")
    if self._rg:
        raise RuntimeError("cannot resize variables that require grad")
    d = self._data
    if shape == d.shape:
        return self
    old = (tuple(d.shape), self.stride(), self.storage_offset())
    n = 1
    for s in shape:
        n *= s
    try:
        flat, off = _S._storage(d)
    except NotImplementedError:  # memory ember cannot see as one storage: start a fresh one
        flat, off = np.ascontiguousarray(d).reshape(-1), 0
    if off + n <= flat.size and flat.flags.writeable:
        new = flat[off:off + n]
    else:
        buf = np.zeros(off + n, dtype=d.dtype)
        k = min(flat.size, off + n)
        buf[:k] = flat[:k]
        new = buf[off:]
    self._data = new.reshape(shape)
    _relink(self, lambda x, s=shape: x.resize_(s),
            _storage_undo(self, old, "resize_"))
    return self


def resize_as_(input, the_template, *, memory_format=None):
    """In-place :meth:`resize_` to the shape of ``the_template``.

    >>> ember.resize_as_(ember.zeros(2), ember.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    if not isinstance(the_template, Tensor):
        raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be Tensor, not "
                        f"{type(the_template).__name__}")
    return resize_(input, the_template._data.shape)


TENSOR_METHODS = {
    "t_": t_, "transpose_": transpose_, "swapaxes_": swapaxes_, "swapdims_": swapdims_,
    "squeeze_": squeeze_, "unsqueeze_": unsqueeze_, "as_strided_": as_strided_,
    "resize_": resize_, "resize_as_": resize_as_,
}
