"""In-place ops under autograd: the tensor takes over the history of an out-of-place result.

Without autograd an in-place op writes into the array directly (see the ``*_`` methods);
with it, ``inplace_op`` computes the op out of place on a snapshot of the old value, writes
the result into the tensor's memory and rebases its history. For a view whose base is in
the graph, the base gets a ``CopySlices`` node, as in PyTorch, so gradients reach both.
"""
from ..._quantized_mark import QUANTIZED as _QM
from .._util import np, Op, _wrap, grad_on, copy_into, _state, check_write_overlap
from ..._errors import output_shape_error


def inplace_op(self, fn, *others):
    """Apply ``fn(old_self)`` (an out-of-place op) and store the result in ``self``."""
    if self._rg is _QM:  # a quantized tensor: its quantized result, stored (never recorded)
        from ..._quantized_dispatch import store_inplace
        return store_inplace(self, fn(self), fn.__name__)
    if self._base is not None or others:
        check_write_overlap(self, *others)
    if not grad_on(self, *others) and not (self._base is not None and self._base._rg and _state[0]):
        r = fn(self)
        copy_into(self._data, r._data)
        self._bump()
        return self
    check_inplace(self)
    old = _wrap(self._data.copy())
    old._rg, old.grad_fn, old._out_nr = self._rg, self.grad_fn, self._out_nr
    result = fn(old)
    rebase_history(self, result)
    return self


def check_inplace(self):
    """PyTorch's errors for an in-place op that autograd must record on ``self`` (a leaf that
    requires grad, a view made in no_grad mode, one of several views, a view of such a leaf)."""
    if self._rg and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    base = self._base
    if base is not None and "_nograd_view" in self.__dict__:
        raise RuntimeError(
            "A view was created in no_grad mode and is being modified inplace with grad mode "
            "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You "
            "can clarify your code by moving both the view and the inplace either both inside the "
            "no_grad block (if you don't want the inplace to be tracked) or both outside (if you "
            "want the inplace to be tracked).")
    if base is not None and "_multi_view" in self.__dict__:
        name, i = self.__dict__["_multi_view"]
        name = name[:name.rfind("Backward")] if "Backward" in name else name  # torch: "Unbind"
        raise RuntimeError(f"Output {i} of {name} is a view and is being modified inplace. This view is the "
                           "output of a function that returns multiple views. Such functions do not allow "
                           "the output views to be modified inplace. You should replace the inplace "
                           "operation by an out-of-place one.")
    if base is not None and base._rg and base.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def rebase_history(self, result):
    """Write ``result`` into ``self`` and make ``self`` (and its base) carry its history."""
    d = self._data
    r = result._data
    if r.shape != d.shape and np.broadcast_shapes(r.shape, d.shape) != d.shape:
        raise output_shape_error(d.shape, np.broadcast_shapes(r.shape, d.shape))
    if r.shape != d.shape:
        result = result.expand(d.shape)
    if result._data.dtype != d.dtype:
        copy_into(d, result._data)  # checks the cast
        result = result.to(_dt(d.dtype))
    else:
        copy_into(d, result._data)
    self._bump()
    base = self._base
    old_fn, old_nr = self.grad_fn, self._out_nr
    if base is None or self._view_fn is None:
        self.grad_fn, self._out_nr, self._rg = result.grad_fn, result._out_nr, result._rg
        if self.grad_fn is not None and len(self.grad_fn._out_meta) == 1:
            self.grad_fn._out_meta = ((d.shape, d.dtype),)
        _move_retain(self, old_fn, old_nr)
        if "_views" in self.__dict__:
            _refresh_views(self, None)
        return
    # a view: the base's history goes through CopySlices
    node = CopySlices.__new__(CopySlices)
    CopySlices._init(node, base, result, self._view_fn)
    base_fn, base_nr = base.grad_fn, base._out_nr
    base.grad_fn, base._out_nr, base._rg = node, 0, True
    _move_retain(base, base_fn, base_nr)
    with _enable():
        nv = self._view_fn(base)
    self.grad_fn, self._out_nr, self._rg = nv.grad_fn, nv._out_nr, True
    _move_retain(self, old_fn, old_nr)
    _refresh_views(base, self)


def _move_retain(t, old_fn, old_nr):
    """``retain_grad()`` follows the tensor to its new history, as in PyTorch."""
    if old_fn is None or not old_fn._retain:
        return
    ref = old_fn._retain.get(old_nr)
    if ref is not None and ref() is t:
        del old_fn._retain[old_nr]
        t.retain_grad()


def _refresh_views(root, skip):
    """Give the other live views of ``root`` the root's new history (replaying each view)."""
    from .._util import live_views
    views = live_views(root)
    if not views:
        return
    with _enable():
        for v in views:
            if v is skip or v._view_fn is None or v._base is not root:
                continue
            nv = v._view_fn(root)
            v.grad_fn, v._out_nr, v._rg = nv.grad_fn, nv._out_nr, nv._rg


def _dt(npdt):
    from ..._dtype import NP2DT
    return NP2DT[npdt]


class _enable:
    def __enter__(self):
        self.prev = _state[0]
        _state[0] = True

    def __exit__(self, *a):
        _state[0] = self.prev


def _edge(t):
    from ...autograd.function import _edge as e
    return e(t)


class CopySlices(Op):
    """Gradient routing for an in-place op on a view: the region goes to the op's
    result, the rest to the base's previous history."""

    _name = "CopySlices"

    def name(self):
        return "torch::autograd::CopySlices"

    @staticmethod
    def _init(node, base, result, view_fn):
        from ...autograd.function import Node
        Node.__init__(node)
        node.next_functions = (_edge(base), _edge(result))
        node.needs_input_grad = (base._rg, result._rg)
        d = base._data
        node._out_meta = ((d.shape, d.dtype),)
        node.view_fn = view_fn
        node.result_shape = result._data.shape

    @staticmethod
    def backward(ctx, g):
        gb = g.clone()
        region = ctx.view_fn(gb)
        gr = region.clone()
        region.zero_()
        return gb, gr
