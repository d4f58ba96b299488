"""The two binary cross-entropy losses as one node each (weight and reduction included), with PyTorch's
formulas at the extremes: probabilities' logs clamped at -100 and the input gradient divided by
``max(x (1 - x), 1e-12)``; logits through ``max(-x, 0)`` so that ``|x| = 1e4`` stays finite and
the gradient at ``x = 0`` is ``sigmoid(0) - y``.

>>> from ember.ops.nn.bce_kernels import bce_with_logits
>>> x = ember.tensor([0.], requires_grad=True)
>>> bce_with_logits(x, ember.tensor([1.]), reduction="sum").backward(); x.grad
tensor([-0.5000])
"""
from .._util import np, Op, apply_op, _state, _wrap

_EPS = float(np.float32(1e-12))  # PyTorch's EPSILON is the float literal 1e-12f


def _np(x, dt):
    return np.asarray(x, dtype=dt)


def _reduce_np(loss, reduction):
    if reduction == "none":
        return loss
    return np.asarray(loss.sum() if reduction == "sum" else loss.mean(), loss.dtype)


def _scale(g, ctx):
    """The incoming gradient as the elementwise one: divided by the count for 'mean', times the
    weight (a constant) when there is one."""
    if ctx.reduction == "mean":
        g = g / ctx.n
    return g if ctx.w is None else g * ctx.w


class BinaryCrossEntropy(Op):
    """``weight * bce(x, y)``, reduced; the weight a constant array (PyTorch has no gradient for
    it) or None."""

    @staticmethod
    def forward(ctx, x, y, w, reduction):
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            lx = np.maximum(np.log(x), -100)
            l1x = np.maximum(np.log1p(-x), -100)
        loss = _np((y - 1) * l1x - y * lx, np.result_type(x, y))
        if w is not None:
            loss = _np(loss * w, loss.dtype)
        ctx.w, ctx.reduction, ctx.n = None if w is None else _wrap(w), reduction, loss.size
        return _reduce_np(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        g = _scale(g, ctx)
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - y) / ((1 - x) * x).clamp_min(_EPS)
        if ctx.needs_input_grad[1]:
            gy = g * ((-x).log1p() - x.log())                  # unclamped, as PyTorch
        return gx, gy


class BinaryCrossEntropyWithLogits(Op):
    @staticmethod
    def forward(ctx, x, y, w, pw, reduction):
        ctx.save_for_backward(x, y)
        dt = np.result_type(x, y)
        with np.errstate(over="ignore", invalid="ignore"):
            m = np.maximum(-x, 0)
            sp = np.log(np.exp(-m) + np.exp(-x - m)) + m        # softplus(-x) = log(1 + exp(-x))
            loss = (1 - y) * x + (sp if pw is None else ((pw - 1) * y + 1) * sp)
        loss = _np(loss, dt)
        if w is not None:
            loss = _np(loss * w, dt)
        ctx.w, ctx.pw, ctx.reduction, ctx.n = None if w is None else _wrap(w), None if pw is None else _wrap(pw), \
            reduction, loss.size
        return _reduce_np(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pw = ctx.pw
        g = _scale(g, ctx)
        gx = gy = None
        if ctx.needs_input_grad[0]:
            s = x.sigmoid()
            gx = g * (s - y) if pw is None else g * (((pw - 1) * y + 1) * s - pw * y)
        if ctx.needs_input_grad[1]:
            gy = -g * x if pw is None else g * ((pw - 1) * -_logsigmoid(x) - x)   # softplus(-x)
        return gx, gy


def _logsigmoid(x):
    return -((-x.abs()).exp().log1p() + (-x).clamp_min(0))


def _constant(t, fn, arg):
    """A weight's array; PyTorch's error when it requires grad while autograd records."""
    if t is None:
        return None
    if t._rg and _state[0]:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. This "
                           "input cannot have requires_grad True.")
    return t._data


def bce(input, target, weight=None, reduction="none"):
    """Binary cross-entropy of probabilities ``input`` (logs clamped at -100), times ``weight``,
    reduced, as one node (``BinaryCrossEntropyBackward0``).

    >>> from ember.ops.nn.bce_kernels import bce
    >>> bce(ember.tensor([0., 1.]), ember.tensor([1., 0.]))
    tensor([100., 100.])
    """
    return apply_op(BinaryCrossEntropy, (input, target), _constant(weight, "binary_cross_entropy", "weight"),
                    reduction)


def bce_with_logits(input, target, weight=None, pos_weight=None, reduction="none"):
    """Binary cross-entropy of logits ``input`` (``pos_weight`` scales the positive term),
    times ``weight``, reduced, as one node (``BinaryCrossEntropyWithLogitsBackward0``).

    >>> from ember.ops.nn.bce_kernels import bce_with_logits
    >>> bce_with_logits(ember.tensor([1e4, -1e4]), ember.tensor([0., 1.]))
    tensor([10000., 10000.])
    """
    fn = "binary_cross_entropy_with_logits"
    return apply_op(BinaryCrossEntropyWithLogits, (input, target), _constant(weight, fn, "weight"),
                    _constant(pos_weight, fn, "pos_weight"), reduction)
