"""ELU (and SELU, CELU) and Softplus as one autograd node each, under PyTorch's names
(``EluBackward0``, ``CeluBackward0``, ``SoftplusBackward0``), forward and backward side by
side, with PyTorch's formulas:

* elu with ``alpha``, ``scale`` and ``input_scale`` (SELU: its two constants; CELU:
  ``input_scale = 1 / alpha``): ``x * scale`` for ``x > 0``, else
  ``expm1(x * input_scale) * alpha * scale``; gradient ``g * scale`` for ``x > 0``, else
  ``g * input_scale * alpha * scale * exp(x * input_scale)``;
* softplus: ``x`` where ``x * beta > threshold``, else ``log1p(exp(x * beta)) / beta``;
  gradient ``g`` there, else ``g * z / (z + 1)`` with ``z = exp(x * beta)``.

The exponentials run on ``min(x, 0)`` (elu) or ``min(x * beta, threshold)`` (softplus), so
no overflow is computed and then discarded. (The composites were three to five nodes each.)

>>> from ember.ops.nn.exp_act import elu, softplus
>>> x = ember.tensor([-1., 2.], requires_grad=True)
>>> y = elu(x, 1.0); y.grad_fn.name(), y.detach()
('EluBackward0', tensor([-0.6321,  2.0000]))
>>> softplus(ember.tensor([0., 30.]), 1.0, 20.0)
tensor([ 0.6931, 30.0000])
"""
from .._util import np, Op, apply_op, _state, _wrap
from ..._select import select
from ... import _scalar_rows

__all__ = []


def _full(g, shape):
    return np.ascontiguousarray(np.broadcast_to(g, shape))


class Elu(Op):
    _name = "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.k = (alpha, scale, input_scale)
        shape, x = x.shape, x.reshape(-1)        # (1-d: NumPy gives scalars for 0-d arrays)
        t = x.dtype.type
        neg = _scalar_rows.minimum(x, t(0))
        if input_scale != 1:
            neg *= t(input_scale)
        np.expm1(neg, out=neg)
        neg *= t(alpha * scale)
        pos = x if scale == 1 else np.multiply(x, t(scale))
        return select(np.greater(x, 0), pos, neg, x.dtype).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        alpha, scale, input_scale = ctx.k
        if _state[0]:   # create_graph: Tensor ops
            e = (x.clamp(max=0.0) * input_scale).exp() * (input_scale * alpha * scale)
            return (g * scale).where(x > 0, g * e)
        shape = x._data.shape
        xd = x._data.reshape(-1)
        t = xd.dtype.type
        gd = _full(g._data, shape).reshape(-1)
        e = _scalar_rows.minimum(xd, t(0))
        if input_scale != 1:
            e *= t(input_scale)
        np.exp(e, out=e)
        r = np.multiply(gd, t(input_scale))          # torch's order: g * input_scale * alpha * scale * e
        r *= t(alpha * scale)
        e *= r
        pos = gd if scale == 1 else np.multiply(gd, t(scale))
        return _wrap(select(np.greater(xd, 0), pos, e, gd.dtype).reshape(shape))


class Celu(Elu):
    _name = "CeluBackward0"


class Softplus(Op):
    _name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.k = (beta, threshold)
        shape, x = x.shape, x.reshape(-1)        # (1-d: NumPy gives scalars for 0-d arrays)
        t = x.dtype.type
        bx = np.multiply(x, t(beta))
        lin = np.greater(bx, t(threshold))
        z = _scalar_rows.minimum(bx, t(threshold), out=bx)
        np.exp(z, out=z)
        np.log1p(z, out=z)
        if beta != 1:
            z /= t(beta)
        return select(lin, x, z, x.dtype).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        beta, threshold = ctx.k
        if _state[0]:   # create_graph: Tensor ops
            z = (x * beta).clamp(max=threshold).exp()
            return g.where(x * beta > threshold, g * z / (z + 1))
        shape = x._data.shape
        xd = x._data.reshape(-1)
        t = xd.dtype.type
        gd = _full(g._data, shape).reshape(-1)
        bx = np.multiply(xd, t(beta))
        lin = np.greater(bx, t(threshold))
        z = _scalar_rows.minimum(bx, t(threshold), out=bx)
        np.exp(z, out=z)
        r = np.multiply(gd, z)
        z += t(1)
        r /= z
        return _wrap(select(lin, gd, r, gd.dtype).reshape(shape))


def elu(input, alpha, scale=1.0, input_scale=1.0, celu=False):
    """PyTorch's parametrised ELU as one node (float32/float64 tensors).

    >>> from ember.ops.nn.exp_act import elu
    >>> elu(ember.tensor([-1., 1.]), 2.0, 1.0, 0.5, celu=True)
    tensor([-0.7869,  1.0000])
    """
    return apply_op(Celu if celu else Elu, (input,), float(alpha), float(scale), float(input_scale))


def softplus(input, beta, threshold):
    """``log1p(exp(beta * x)) / beta`` (``x`` above the threshold) as one node.

    >>> from ember.ops.nn.exp_act import softplus
    >>> softplus(ember.tensor([0.]), 2.0, 20.0)
    tensor([0.3466])
    """
    return apply_op(Softplus, (input,), float(beta), float(threshold))
