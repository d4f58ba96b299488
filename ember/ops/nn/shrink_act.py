"""Softshrink and Hardshrink as one autograd node each (``SoftshrinkBackward0``,
``HardshrinkBackward0``), forward and backward side by side, with PyTorch's values.

* softshrink: ``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, ``+0`` between
  (PyTorch's vectorised kernel; its scalar loop, which takes only a tensor's last few
  elements, gives ``x * 0`` there); computed as ``x - clamp(x, -lambd, lambd)``, the same
  subtraction outside and ``+0`` inside; NaN stays NaN. A negative ``lambd`` is PyTorch's
  RuntimeError.
* hardshrink: ``0`` where ``-lambd <= x <= lambd``, else ``x`` (NaN kept).
* both backwards: the gradient where ``x < -lambd`` or ``x > lambd``, else 0 (a NaN input
  too), selected (not multiplied), as PyTorch's vectorised kernel.

(Each was a composite of comparisons and two ``where``: 8-14x PyTorch's time.)

>>> from ember.ops.nn.shrink_act import softshrink, hardshrink
>>> softshrink(ember.tensor([-1., 0.2, 1.]), 0.5), hardshrink(ember.tensor([-1., 0.2, 1.]), 0.5)
(tensor([-0.5000,  0.0000,  0.5000]), tensor([-1.,  0.,  1.]))
"""
from .._util import np, Op, apply_op, _state, _wrap
from ... import _scalar_rows
from ..._select import select
from .piecewise_act import _grad_inside

__all__ = []

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _inside(x, lambd):
    """-lambd <= x <= lambd (False for NaN), on a flat array."""
    t = x.dtype.type
    m = np.greater_equal(x, t(-lambd))
    m &= np.less_equal(x, t(lambd))
    return m


def _grad_outside(x, g, lambd):
    """g where x < -lambd or x > lambd, else 0 (NaN inputs too: PyTorch's vectorised kernel)."""
    shape = x.shape
    xd = x.reshape(-1)
    t = xd.dtype.type
    out = np.less(xd, t(-lambd))
    out |= np.greater(xd, t(lambd))
    return _grad_inside(np.broadcast_to(g, shape).reshape(-1), out).reshape(shape)


class Softshrink(Op):
    _name = "SoftshrinkBackward0"

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        shape, x = x.shape, x.reshape(-1)        # (1-d: NumPy gives scalars for 0-d arrays)
        t = x.dtype.type
        return np.subtract(x, _scalar_rows.clip(x, t(-lambd), t(lambd))).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if _state[0]:   # create_graph: Tensor ops
            return g.masked_fill(~((x < -ctx.lambd) | (x > ctx.lambd)), 0)
        return _wrap(_grad_outside(x._data, g._data, ctx.lambd))


class Hardshrink(Softshrink):
    _name = "HardshrinkBackward0"

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        shape, x = x.shape, x.reshape(-1)
        return select(_inside(x, lambd), 0, x, x.dtype).reshape(shape)


def takes(input):
    """True when these nodes run ``input`` (a float32/float64 ember tensor)."""
    return input._data.dtype in _FLOATS


def softshrink(input, lambd):
    """``x - lambd`` / ``x + lambd`` outside ``[-lambd, lambd]``, 0 inside, one node.

    >>> from ember.ops.nn.shrink_act import softshrink
    >>> softshrink(ember.tensor([2., -2.]), 1.5)
    tensor([ 0.5000, -0.5000])
    """
    dt = input._data.dtype
    hi = np.finfo(dt).max
    if not 0 <= lambd <= hi:
        raise RuntimeError(f"lambda must be in range [0, {float(hi):g}] for input dtype "
                           f"{'Float' if dt == np.float32 else 'Double'}, but found {lambd:g}")
    return apply_op(Softshrink, (input,), float(lambd))


def hardshrink(input, lambd):
    """``x`` outside ``[-lambd, lambd]``, 0 inside, one node.

    >>> from ember.ops.nn.shrink_act import hardshrink
    >>> hardshrink(ember.tensor([2., -0.5]), 1.)
    tensor([2., 0.])
    """
    return apply_op(Hardshrink, (input,), float(lambd))
