"""The two binary cross-entropy losses as fused ops, elementwise and unreduced, with PyTorch's
formulas at the extremes: probabilities' logs clamped at -100 and the input gradient divided by
``max(x (1 - x), 1e-12)``; logits through ``max(-x, 0)`` so that ``|x| = 1e4`` stays finite and
the gradient at ``x = 0`` is ``sigmoid(0) - y``.

>>> from ember.ops.nn.bce_kernels import bce_with_logits_elementwise
>>> x = ember.tensor([0.], requires_grad=True)
>>> bce_with_logits_elementwise(x, ember.tensor([1.]), None).sum().backward(); x.grad
tensor([-0.5000])
"""
from .._util import np, Op, apply_op, _state

_EPS = float(np.float32(1e-12))  # PyTorch's EPSILON is the float literal 1e-12f


def _np(x, dt):
    return np.asarray(x, dtype=dt)


class BinaryCrossEntropy(Op):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            lx = np.maximum(np.log(x), -100)
            l1x = np.maximum(np.log1p(-x), -100)
        return _np((y - 1) * l1x - y * lx, np.result_type(x, y))

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - y) / ((1 - x) * x).clamp_min(_EPS)
        if ctx.needs_input_grad[1]:
            gy = g * ((-x).log1p() - x.log())                  # unclamped, as PyTorch
        return gx, gy


class BinaryCrossEntropyWithLogits(Op):
    @staticmethod
    def forward(ctx, x, y, pw=None):
        ctx.save_for_backward(x, y, pw)
        dt = np.result_type(x, y)
        with np.errstate(over="ignore", invalid="ignore"):
            m = np.maximum(-x, 0)
            sp = np.log(np.exp(-m) + np.exp(-x - m)) + m        # softplus(-x) = log(1 + exp(-x))
            loss = (1 - y) * x + (sp if pw is None else ((pw - 1) * y + 1) * sp)
        return _np(loss, dt)

    @staticmethod
    def backward(ctx, g):
        x, y, pw = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            s = x.sigmoid()
            gx = g * (s - y) if pw is None else g * (((pw - 1) * y + 1) * s - pw * y)
        if ctx.needs_input_grad[1]:
            gy = -g * x if pw is None else g * ((pw - 1) * -_logsigmoid(x) - x)   # softplus(-x)
        return (gx, gy) if pw is None else (gx, gy, None)


def _logsigmoid(x):
    return -((-x.abs()).exp().log1p() + (-x).clamp_min(0))


def bce_elementwise(input, target):
    """Unreduced binary cross-entropy of probabilities ``input`` (logs clamped at -100).

    >>> from ember.ops.nn.bce_kernels import bce_elementwise
    >>> bce_elementwise(ember.tensor([0., 1.]), ember.tensor([1., 0.]))
    tensor([100., 100.])
    """
    return apply_op(BinaryCrossEntropy, (input, target))


def bce_with_logits_elementwise(input, target, pos_weight):
    """Unreduced binary cross-entropy of logits ``input`` (``pos_weight`` scales the positive term).

    >>> from ember.ops.nn.bce_kernels import bce_with_logits_elementwise
    >>> bce_with_logits_elementwise(ember.tensor([1e4, -1e4]), ember.tensor([0., 1.]), None)
    tensor([10000., 10000.])
    """
    if pos_weight is None:
        return apply_op(BinaryCrossEntropyWithLogits, (input, target))
    if pos_weight._rg and _state[0]:
        raise RuntimeError("The function 'binary_cross_entropy_with_logits' is not differentiable with respect to "
                           "argument 'pos_weight'. This input cannot have requires_grad True.")
    return apply_op(BinaryCrossEntropyWithLogits, (input, target, pos_weight))
