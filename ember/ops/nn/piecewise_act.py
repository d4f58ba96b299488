"""Hardtanh (and so ReLU6), LeakyReLU, Hardswish and Hardsigmoid as one autograd node each,
under PyTorch's names (``HardtanhBackward0``, ``LeakyReluBackward0``, ...), forward and
backward side by side.

* hardtanh: forward ``clamp(x, lo, hi)`` (``ember._scalar_rows``: vectorised, ``-0.`` kept);
  backward ``g if lo < x < hi else 0``, as PyTorch's vectorised kernel (which takes all but
  the smallest tensors: there a NaN input gets 0, in its scalar loop its gradient), selected
  by bits (``ember._select``), not multiplied by a mask.
* leaky_relu: forward ``x if x > 0 else x * slope``, as ``max(x, x * slope)`` for a slope in
  [0, 1] (``min`` above 1; the same value picked, so the same bits) or a selection otherwise;
  backward ``g if x > 0 else g * slope``.
* hardswish / hardsigmoid: forwards with ``hard_activations``' arithmetic (torch's bits);
  backwards as torch's vectorised kernels (see each).

(Each was a composite of comparisons, a clamp and a ``where``: about 10x torch's time.)

>>> from ember.ops.nn.piecewise_act import hardtanh, leaky_relu
>>> x = ember.tensor([-2., 0.5, 1., 3.], requires_grad=True)
>>> y = hardtanh(x, -1., 1.); y.grad_fn.name(), y
('HardtanhBackward0', tensor([-1.0000,  0.5000,  1.0000,  1.0000], grad_fn=<HardtanhBackward0>))
>>> y.sum().backward(); x.grad
tensor([0., 1., 0., 0.])
>>> leaky_relu(ember.tensor([-2., 3.]), 0.1)
tensor([-0.2000,  3.0000])
"""
from .._util import np, Op, apply_op, _state, _wrap
from ... import _scalar_rows
from ..._select import select
from .hard_activations import _relu6_shifted

__all__ = []


def _grad_inside(g, inside):
    """g where ``inside``, 0 elsewhere (arrays)."""
    if g.shape != inside.shape:
        g = np.broadcast_to(g, inside.shape)
    return select(inside, np.ascontiguousarray(g), 0, g.dtype)


class Hardtanh(Op):
    _name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return _scalar_rows.clip(x, x.dtype.type(lo), x.dtype.type(hi)).reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if _state[0]:   # create_graph: Tensor ops
            return g.masked_fill(~((x > ctx.lo) & (x < ctx.hi)), 0)
        shape = x._data.shape
        xd = x._data.reshape(-1)
        inside = np.greater(xd, xd.dtype.type(ctx.lo))
        inside &= np.less(xd, xd.dtype.type(ctx.hi))
        return _wrap(_grad_inside(np.broadcast_to(g._data, shape).reshape(-1), inside).reshape(shape))


class LeakyRelu(Op):
    _name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        shape, x = x.shape, x.reshape(-1)        # (1-d: NumPy gives scalars for 0-d arrays)
        s = x.dtype.type(slope)
        xs = np.multiply(x, s)
        if 0 <= slope <= 1:
            return np.maximum(x, xs, out=xs).reshape(shape)
        if slope > 1:
            return np.minimum(x, xs, out=xs).reshape(shape)
        return select(np.greater(x, 0), x, xs, x.dtype).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if _state[0]:   # create_graph: Tensor ops
            return g.where(x > 0, g * ctx.slope)
        shape = x._data.shape
        xd = x._data.reshape(-1)
        gd = np.ascontiguousarray(np.broadcast_to(g._data, shape)).reshape(-1)
        r = select(np.greater(xd, 0), gd, np.multiply(gd, gd.dtype.type(ctx.slope)), gd.dtype)
        return _wrap(r.reshape(shape))


class Hardswish(Op):
    _name = "HardswishBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        shape, x = x.shape, x.reshape(-1)        # (1-d: NumPy gives scalars for 0-d arrays)
        t = _relu6_shifted(x)                        # x * relu6(x + 3) / 6, torch's arithmetic
        np.multiply(x, t, out=t)
        return np.divide(t, x.dtype.type(6), out=t).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        # torch's vectorised kernel: 0 for x <= -3, g for x >= 3, g * (x / 3 + 0.5) between (NaN too)
        x, = ctx.saved_tensors
        if _state[0]:   # create_graph: Tensor ops
            mid = g * (x / 3 + 0.5)
            return mid.masked_fill(x <= -3, 0).where(~(x >= 3), g)
        shape = x._data.shape
        xd = x._data.reshape(-1)
        t = xd.dtype.type
        gd = np.ascontiguousarray(np.broadcast_to(g._data, shape)).reshape(-1)
        r = np.divide(xd, t(3))
        r += t(0.5)
        r *= gd
        r = select(np.less_equal(xd, t(-3)), 0, r, r.dtype)
        return _wrap(select(np.greater_equal(xd, t(3)), gd, r, r.dtype).reshape(shape))


_SIXTH = float(np.float32(1 / 6))


class Hardsigmoid(Op):
    _name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        shape, x = x.shape, x.reshape(-1)        # (1-d: NumPy gives scalars for 0-d arrays)
        t = _relu6_shifted(x)                        # relu6(x + 3) / 6
        return np.divide(t, x.dtype.type(6), out=t).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        # g * (1 / 6) for -3 < x < 3, else 0 (NaN: 0); torch's 1 / 6 is a float32 constant,
        # float64 gradients included
        x, = ctx.saved_tensors
        if _state[0]:   # create_graph: Tensor ops
            return (g * _SIXTH).masked_fill(~((x > -3) & (x < 3)), 0)
        shape = x._data.shape
        xd = x._data.reshape(-1)
        gd = np.broadcast_to(g._data, shape).reshape(-1)
        inside = np.greater(xd, xd.dtype.type(-3))
        inside &= np.less(xd, xd.dtype.type(3))
        return _wrap(_grad_inside(np.multiply(gd, gd.dtype.type(_SIXTH)), inside).reshape(shape))


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def hardtanh(input, min_val, max_val):
    """``clamp(input, min_val, max_val)`` with hardtanh's gradient, one node (float32/float64).

    >>> from ember.ops.nn.piecewise_act import hardtanh
    >>> hardtanh(ember.tensor([-3., 0., 9.]), 0., 6.)
    tensor([0., 0., 6.])
    """
    return apply_op(Hardtanh, (input,), float(min_val), float(max_val))


def leaky_relu(input, negative_slope):
    """``input`` where positive, ``negative_slope * input`` elsewhere, one node (float32/float64).

    >>> from ember.ops.nn.piecewise_act import leaky_relu
    >>> leaky_relu(ember.tensor([-1., 1.]), 0.5)
    tensor([-0.5000,  1.0000])
    """
    return apply_op(LeakyRelu, (input,), float(negative_slope))


def hardswish(input):
    """``x * relu6(x + 3) / 6``, one node (float32/float64).

    >>> from ember.ops.nn.piecewise_act import hardswish
    >>> hardswish(ember.tensor([-4., 1., 4.]))
    tensor([-0.0000,  0.6667,  4.0000])
    """
    return apply_op(Hardswish, (input,))


def hardsigmoid(input):
    """``relu6(x + 3) / 6``, one node (float32/float64).

    >>> from ember.ops.nn.piecewise_act import hardsigmoid
    >>> hardsigmoid(ember.tensor([-4., 0., 4.]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    return apply_op(Hardsigmoid, (input,))


def takes(input):
    """True when these nodes run ``input`` (a float32/float64 ember tensor)."""
    return input._data.dtype in _FLOATS
