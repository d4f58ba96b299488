"""SiLU (swish) as one autograd node (``SiluBackward0``, as PyTorch names it), forward and
backward side by side, with PyTorch's formulas: ``x / (1 + exp(-x))`` forward and
``g * s * (1 + x * (1 - s))`` backward (``s = 1 / (1 + exp(-x))``), each a few passes in one
buffer, in cache-sized chunks over the intra-op threads; in Tensor ops when the backward is
itself recorded (``create_graph``). (The composite ``x * sigmoid(x)`` made two nodes and
twice the passes.)

>>> from ember.ops.nn.silu import silu
>>> x = ember.tensor([-1., 0., 2.], requires_grad=True)
>>> y = silu(x); y.grad_fn.name()
'SiluBackward0'
>>> y.sum().backward(); x.grad
tensor([0.0723, 0.5000, 1.0908])
"""
from .._util import np, Op, apply_op, _state, _wrap
from ..._backend import quiet_call
from ..._parallel_pass import par_map

__all__ = []


def _silu_np(x):
    if x.ndim == 0:         # (NumPy's arithmetic gives scalars for 0-d arrays)
        return _silu_np(x.reshape(1)).reshape(())
    d = np.negative(x)
    quiet_call(np.exp, d, out=d)
    d += 1
    return np.divide(x, d, out=d)


def _grad_np(g, x):
    if x.ndim == 0:
        return _grad_np(g.reshape(1), x.reshape(1)).reshape(())
    t = x.dtype.type
    s = np.negative(x)
    quiet_call(np.exp, s, out=s)
    s += t(1)
    np.reciprocal(s, out=s)                 # sigmoid(x)
    r = np.subtract(t(1), s)
    r *= x
    r += t(1)
    s *= g
    s *= r
    return s


class Silu(Op):
    _name = "SiluBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return par_map(_silu_np, x, passes=4)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if _state[0]:   # create_graph: Tensor ops
            s = x.sigmoid()
            return g * s * (1 + x * (1 - s))
        xd = x._data
        gd = np.ascontiguousarray(np.broadcast_to(g._data, xd.shape))
        return _wrap(par_map(_grad_np, gd, xd, passes=9))


def silu(input):
    """``x * sigmoid(x)`` of a float32/float64 tensor as one node.

    >>> from ember.ops.nn.silu import silu
    >>> silu(ember.tensor([1.]))
    tensor([0.7311])
    """
    return apply_op(Silu, (input,))
