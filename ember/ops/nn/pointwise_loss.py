"""Losses that reduce an elementwise function of (input, target), one node each as PyTorch
names them: ``MseLossBackward0``, ``SmoothL1LossBackward0``, ``HuberLossBackward0``,
``SoftMarginLossBackward0``.

Forward: the elementwise loss with PyTorch's formulas, then the reduction ('none', 'mean',
'sum'). Backward: the elementwise derivative times the incoming gradient (divided by the
element count for 'mean'); broadcast inputs get their gradients summed back by the engine.
Under ``create_graph`` the same derivatives run in Tensor ops, so they are differentiable.

>>> from ember.ops.nn.pointwise_loss import pointwise_loss
>>> x = ember.tensor([0., 2.], requires_grad=True)
>>> loss = pointwise_loss("mse", x, ember.tensor([1., 1.]), "mean")
>>> loss, loss.grad_fn.name()
(tensor(1., grad_fn=<MseLossBackward0>), 'MseLossBackward0')
"""
from .._util import np, D, Op, apply_op, _wrap, _state
from ...autograd.function import _NOGRAD
from .bce_kernels import _reduce_np

__all__ = []


def _mse(x, y, p):
    d = x - y
    return d * d


def _mse_grad(x, y, p):
    return 2 * (x - y)


def _smooth_l1(x, y, beta):
    z = np.abs(x - y)
    if beta == 0:
        return z
    return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


def _smooth_l1_grad(x, y, beta):
    d = x - y
    if beta == 0:
        return np.sign(d)
    return np.where(d < -beta, -1, np.where(d > beta, 1, d / beta)).astype(d.dtype, copy=False)


def _huber(x, y, delta):
    z = np.abs(x - y)
    return np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


def _huber_grad(x, y, delta):
    d = x - y
    return np.clip(d, -delta, delta)


def _soft_margin(x, y, p):
    with np.errstate(over="ignore"):
        return np.log1p(np.exp(-x * y))


def _soft_margin_grads(x, y, p):
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.exp(-y * x)
        s = z / (1 + z)
    return -y * s, -x * s


# name: (loss, d loss / d input (the target's is its negative unless ``grads`` gives both), both)
_KINDS = {
    "mse": ("MseLossBackward0", _mse, _mse_grad, None),
    "smooth_l1": ("SmoothL1LossBackward0", _smooth_l1, _smooth_l1_grad, None),
    "huber": ("HuberLossBackward0", _huber, _huber_grad, None),
    "soft_margin": ("SoftMarginLossBackward0", _soft_margin, None, _soft_margin_grads),
}


class _PointwiseLoss(Op):
    _kind = None

    @staticmethod
    def forward(ctx, x, y, kind, reduction, p):
        loss = _KINDS[kind][1](x, y, p)
        dt = np.result_type(x, y)
        loss = loss.astype(dt, copy=False)
        if ctx is not _NOGRAD and ctx.needs_input_grad is not None:
            ctx.save_for_backward(x, y)
            ctx.args = (kind, reduction, p, loss.size)
        return _reduce_np(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        kind, reduction, p, n = ctx.args
        if _state[0]:             # create_graph: the derivatives in Tensor ops
            return _tensor_grads(x, y, g, kind, reduction, p, n, ctx.needs_input_grad)
        xd, yd = x._data, y._data
        _, _, grad, grads = _KINDS[kind]
        gx, gy = grads(xd, yd, p) if grads is not None else (grad(xd, yd, p), None)
        gd = g._data
        if reduction == "mean":
            gd = gd / gd.dtype.type(n) if gd.dtype.kind == "f" else gd / n
        dt = np.result_type(xd, yd)
        out = []
        for k, need in enumerate(ctx.needs_input_grad[:2]):
            if not need:
                out.append(None)
                continue
            d = gx if k == 0 else (gy if gy is not None else -gx)
            out.append(_wrap((d * gd).astype(dt, copy=False)))
        return tuple(out)


def _tensor_grads(x, y, g, kind, reduction, p, n, needs):
    """The backward in Tensor ops (differentiable again)."""
    d = x - y
    if kind == "mse":
        gx = 2 * d
    elif kind == "smooth_l1":
        gx = d.sign() if p == 0 else (d / p).clamp(-1, 1)
    elif kind == "huber":
        gx = d.clamp(-p, p)
    else:
        z = (-y * x).exp()
        s = z / (1 + z)
        gx, gy = -y * s, -x * s
    if kind != "soft_margin":
        gy = -gx
    scale = g / n if reduction == "mean" else g
    return tuple((t * scale) if need else None for t, need in zip((gx, gy), needs[:2]))


_CLASSES = {}


def pointwise_loss(kind, input, target, reduction, p=None):
    """The ``kind`` loss ("mse", "smooth_l1" (p: beta), "huber" (p: delta), "soft_margin") of
    tensors ``input`` and ``target`` with ``reduction``, as one node."""
    if kind == "soft_margin" and target._rg and _state[0]:
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument "
                           "'target'. This input cannot have requires_grad True.")
    if input._data.dtype != target._data.dtype:    # PyTorch's promotion (int64 and float32: float32)
        dt = D.result_type(input, target)
        input, target = input.to(dt), target.to(dt)
    cls = _CLASSES.get(kind)
    if cls is None:
        cls = _CLASSES[kind] = type(_KINDS[kind][0][:-9], (_PointwiseLoss,), {"_name": _KINDS[kind][0],
                                                                              "__module__": __name__})
    return apply_op(cls, (input, target), kind, reduction, p)
