"""Softmax and the classification losses built on it, fused for ``ember.nn.functional``:
``softmax``/``log_softmax`` (one node each, last-dim kernels in softmax_kernels.py),
``cross_entropy`` (class indices or probabilities, one node that frees its work as it goes)
and ``nll_loss``, with the losses' legacy ``size_average``/``reduce`` resolution.

>>> from ember.ops.nn.softmax_cross_entropy import cross_entropy
>>> cross_entropy(ember.tensor([[2., 0.5, 0.1]]), ember.tensor([0]))
tensor(0.3168)
"""
__all__ = []  # reached through ember.nn.functional
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on

from .._util import np, Op, apply_op, _wrap, _state
from ...autograd.function import _consuming
from . import softmax_kernels as K


# ---------------------------------------------------------------- softmax family
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _softmax_dim(ndim, dim):
    if dim is None:  # PyTorch's legacy implicit choice
        dim = 0 if ndim in (0, 1, 3) else 1
    if dim.__class__ is int and -ndim <= dim < ndim:
        return dim + ndim if dim < 0 else dim
    from .._util import norm_dim
    return norm_dim(dim, ndim)


class Softmax(Op):
    @staticmethod
    def forward(ctx, x, dim):
        if dim == x.ndim - 1 or x.size == 0:
            e = K.softmax_last(x)
        else:
            e = np.exp(x - np.max(x, axis=dim, keepdims=True))
            e /= np.sum(e, axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(e)
        return e

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        if not _state[0] and ctx.dim == y.dim() - 1:
            return _wrap(K.softmax_backward_last(y._data, g._data))
        return y * (g - (g * y).sum(ctx.dim, keepdim=True))


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, x, dim):
        if dim == x.ndim - 1 or x.size == 0:
            s = K.log_softmax_last(x)
        else:
            s = x - np.max(x, axis=dim, keepdims=True)
            s -= np.log(np.sum(np.exp(s), axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        if not _state[0] and ctx.dim == out.dim() - 1:
            return _wrap(K.log_softmax_backward_last(out._data, g._data))
        return g - out.exp() * g.sum(ctx.dim, keepdim=True)


def _float_input(input, dtype, kernel="softmax"):
    if dtype is None and input._data.dtype in _FLOATS:
        return input
    from ... import _dtype as D
    from .._util import _TORCH_NAMES
    dt = D.to_dtype(dtype) if dtype is not None else D.NP2DT[input._data.dtype]
    if dt._cat < 2 or dt.name.startswith("complex"):
        if input._rg is _QM:
            raise _q_refuse(f"aten::_{kernel}.out")
        raise NotImplementedError(f'"{kernel}_lastdim_kernel_impl" not implemented for '
                                  f"'{_TORCH_NAMES.get(dt.name, dt.name)}'")
    if dtype is not None:
        input = input.to(dt)
    return input


def softmax(input, dim=None, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably in one node.

    >>> from ember.ops.nn.softmax_cross_entropy import softmax
    >>> softmax(ember.tensor([1., 2., 3.]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    input = _float_input(input, dtype)
    return apply_op(Softmax, (input,), _softmax_dim(input._data.ndim, dim))


def log_softmax(input, dim=None, dtype=None):
    """``x - logsumexp(x, dim)``, computed stably in one node.

    >>> from ember.ops.nn.softmax_cross_entropy import log_softmax
    >>> log_softmax(ember.tensor([0., 0.]), dim=0)
    tensor([-0.6931, -0.6931])
    """
    input = _float_input(input, dtype, "log_softmax")
    return apply_op(LogSoftmax, (input,), _softmax_dim(input._data.ndim, dim))


# ---------------------------------------------------------------- cross-entropy and NLL
def _check_targets(x, t, ignore_index, n_classes):
    valid = t != ignore_index
    if valid.any():
        tv = t[valid]
        bad = (tv < 0) | (tv >= n_classes)
        if bad.any():
            raise IndexError(f"Target {int(tv[bad][0])} is out of bounds.")
    return valid


def _one_target(x, t):
    """A (1,) target of an unbatched (C,) input is its 0-d target (PyTorch accepts both)."""
    if x.ndim == 1 and t.ndim == 1:
        if t.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.shape[0]}")
        return t.reshape(())
    return t


def _check_batch(x, t):
    if x.ndim == 1:
        if t.ndim != 0:
            raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported")
        return
    if t.shape[:1] != x.shape[:1]:  # torch checks the batch size first (a 0-d target has batch size 0)
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) "
                         f"to match target batch_size ({t.shape[0] if t.ndim else 0}).")
    if x.ndim == 2 and t.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"Expected target size {list(x.shape[:1] + x.shape[2:])}, got {list(t.shape)}")


def _class_last(x):
    return x if x.ndim == 1 else np.moveaxis(x, 1, -1)


def _class_back(x, ndim):
    """Tensor op: move the class axis from last back to 1."""
    return x if ndim <= 1 else x.movedim(-1, 1)


def _class_last_t(t, ndim):
    return t if ndim <= 1 else t.movedim(1, -1)


def _probs(ctx, ndim):
    """softmax of the saved logits, classes last: differentiable under create_graph,
    else straight from the forward's log-probabilities."""
    if _state[0]:
        x = ctx.saved_tensors[0]
        return softmax(_class_last_t(x, ndim), -1)
    from ..._tensor import _wrap as W
    return W(np.exp(ctx.logp))


def _mean_scale(g, denom):
    """The output gradient of a weighted-mean loss per unit weight; zero when every target
    was ignored (the loss is then NaN, its gradient zeros, as in PyTorch)."""
    return g / float(denom) if denom else g * 0


def _acc_dtype(dt):
    """Weights and their sums in float32 for float16/bfloat16 losses (a bfloat16 count stops
    at 256), as PyTorch accumulates them."""
    return np.dtype(np.float32) if dt.itemsize == 2 and dt.kind in "fV" else dt


class _FreesWork(Op):
    """An op whose forward keeps work arrays (``ctx.logp``, ``ctx.exps``, ``ctx.cache``) for its backward:
    they are dropped with the saved tensors, so that a graph kept alive after backward (a
    summed loss) does not hold a logits-sized array per step."""

    def _release(self):
        Op._release(self)
        self.logp = self.exps = self.cache = None


class CrossEntropy(_FreesWork):
    """Log-softmax + NLL (+ label smoothing, class weights, ignore_index) as one node."""

    _name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, eps):
        xl = _class_last(x)
        C = xl.shape[-1]
        e, m, sumexp = K.shifted_exp(xl)
        logs = np.log(sumexp)                               # logp = (x - m) - logs
        wdt = _acc_dtype(x.dtype)
        w = np.ones(C, dtype=wdt) if weight is None else weight.astype(wdt, copy=False)
        valid = _check_targets(x, target, ignore_index, C)
        tsafe = np.where(valid, target, 0)
        wt = w[tsafe] * valid                               # per-sample weight w[t_i], 0 if ignored
        picked = (np.take_along_axis(xl, tsafe[..., None], axis=-1) - m)[..., 0] - logs
        loss = -(wt * picked)
        if eps:                                             # sum_c w_c logp_c, from the logits
            smooth = -((xl - m) @ w - logs * w.sum()) * valid
            loss = (1 - eps) * loss + (eps / C) * smooth
        if reduction == "mean":
            denom = wt.sum()
            out = loss.sum() / denom
        elif reduction == "sum":
            out = loss.sum()
            denom = None
        else:
            out = loss
            denom = None
        ctx.save_for_backward(x)
        ctx.exps = e                                        # exp(x - m): softmax = e / sumexp
        ctx.cache = (w, wt, tsafe, valid, denom, reduction, eps, C, x.ndim, sumexp)
        return np.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        ctx.saved_tensors  # raises PyTorch's error on a second backward without retain_graph
        w, wt, tsafe, valid, denom, reduction, eps, C, ndim, _ = ctx.cache
        if not _state[0]:
            return _cross_entropy_grad_np(ctx, g._data)
        p = _probs(ctx, ndim)
        dt = p._data.dtype
        a = (1 - eps) * wt + (eps / C) * w.sum() * valid          # coefficient of p
        b = np.zeros(p.shape, dtype=dt)                           # the constant part
        np.put_along_axis(b, tsafe[..., None], ((1 - eps) * wt)[..., None], axis=-1)
        if eps:
            b += (eps / C) * w * valid[..., None]
        scale = _mean_scale(g, denom) if reduction == "mean" else g
        from ..._tensor import _wrap as W
        grad = (p * W(a.astype(dt)[..., None]) - W(b)) * (scale.unsqueeze(-1) if reduction == "none" else scale)
        return _class_back(grad, ndim)


def _cross_entropy_grad_np(ctx, g):
    """The gradient of :class:`CrossEntropy` in NumPy (no create_graph): one pass over the
    forward's ``exp(x - max)`` (scaled in place when the graph is being freed), then the
    target entries lowered."""
    w, wt, tsafe, valid, denom, reduction, eps, C, ndim, sumexp = ctx.cache
    e = ctx.exps
    dt = e.dtype
    s = _mean_scale(g, denom) if reduction == "mean" else g
    a = ((1 - eps) * wt + (eps / C) * w.sum() * valid) * s    # coefficient of softmax, per sample
    if _consuming[0]:
        ctx.exps = None
        out = np.multiply(e, np.asarray(a / sumexp, dtype=dt)[..., None], out=e)
    else:
        out = np.multiply(e, np.asarray(a / sumexp, dtype=dt)[..., None])
    rows = out.reshape(-1, C)
    rows[np.arange(rows.shape[0]), tsafe.reshape(-1)] -= np.asarray((1 - eps) * wt * s, dtype=dt).reshape(-1)
    if eps:
        out -= ((eps / C) * w * (valid * s)[..., None]).astype(dt, copy=False)
    return _wrap(out if ndim <= 2 else np.moveaxis(out, -1, 1))


class CrossEntropyProbs(_FreesWork):
    """Cross-entropy with class-probability targets (soft labels)."""

    _name = "SumBackward0"

    @staticmethod
    def forward(ctx, x, y, weight, reduction, eps):
        xl, yl = _class_last(x), _class_last(y)
        C = xl.shape[-1]
        s = xl - np.max(xl, axis=-1, keepdims=True)
        logp = s - np.log(np.sum(np.exp(s), axis=-1, keepdims=True))
        if eps:
            yl = yl * (1 - eps) + eps / C
        wdt = _acc_dtype(x.dtype)
        w = np.ones(C, dtype=wdt) if weight is None else weight.astype(wdt, copy=False)
        loss = -(logp * yl * w).sum(-1)
        n = loss.size
        out = loss.sum() / n if reduction == "mean" else loss.sum() if reduction == "sum" else loss
        ctx.save_for_backward(x, y)
        ctx.logp = logp
        ctx.cache = (w, yl, n, reduction, eps, C, x.ndim)
        return np.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        ctx.saved_tensors  # raises PyTorch's error on a second backward without retain_graph
        w, yl, n, reduction, eps, C, ndim = ctx.cache
        from ..._tensor import _wrap as W
        p = _probs(ctx, ndim)
        logp = p.log() if _state[0] else W(ctx.logp)
        dt = p._data.dtype
        wy = W((yl * w).astype(dt))
        if _state[0] and ctx.needs_input_grad[1]:  # double backward through the target too
            y = _class_last_t(ctx.saved_tensors[1], ndim)
            wy = (y * (1 - eps) + eps / C) * W(w.astype(dt))
        scale = g.unsqueeze(-1) if reduction == "none" else (g / n if reduction == "mean" else g)
        gx = (p * wy.sum(-1, keepdim=True) - wy) * scale
        gy = None
        if ctx.needs_input_grad[1]:
            gy = -(logp * W(w.astype(dt))) * scale * (1 - eps)
            gy = _class_back(gy, ndim)
        return _class_back(gx, ndim), gy


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits ``input`` (N, C, ...) and class indices or class
    probabilities ``target``, fused and numerically stable.

    >>> from ember.ops.nn.softmax_cross_entropy import cross_entropy
    >>> cross_entropy(ember.tensor([[2., 0.5, 0.1]]), ember.tensor([0]))
    tensor(0.3168)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target, weight = _ac.fp32(input, target, weight)
        with _ac.suspended():
            return cross_entropy(input, target, weight, size_average, ignore_index, reduce, reduction, label_smoothing)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x, t = input._data, target._data
    wd = None if weight is None else weight._data
    if x.ndim == 0:
        raise RuntimeError("cross_entropy: input must have at least 1 dimension")
    C = x.shape[1] if x.ndim > 1 else x.shape[0]
    if wd is not None and wd.shape != (C,):
        raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no classes "
                           f"but got weight tensor of shape: {list(wd.shape)}")
    if t.shape != x.shape and wd is not None and wd.dtype != x.dtype:
        _weight_dtype_error(x, wd)
    if t.shape == x.shape:  # class probabilities (torch decides by shape, then requires a float target)
        if not target.dtype.is_floating_point:
            from .._util import _TORCH_NAMES
            raise RuntimeError("Expected floating point type for target with class probabilities, "
                               f"got {_TORCH_NAMES.get(str(t.dtype), str(t.dtype))}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if input.dtype is not target.dtype:  # soft targets promote with the logits, as torch
            from ..._dtype import promote_types
            dt = promote_types(input.dtype, target.dtype)
            input, target = input.to(dt), target.to(dt)
            wd = None if wd is None else wd.astype(input._data.dtype, copy=False)
        return apply_op(CrossEntropyProbs, (input, target), wd, reduction, float(label_smoothing))
    t = _one_target(x, t)
    _check_batch(x, t)
    _check_target_dtype(t)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return apply_op(CrossEntropy, (input,), t, wd, ignore_index, reduction, float(label_smoothing))


class NllLoss(Op):
    @staticmethod
    def forward(ctx, logp, target, weight, ignore_index, reduction):
        xl = _class_last(logp)
        C = xl.shape[-1]
        wdt = _acc_dtype(logp.dtype)
        w = np.ones(C, dtype=wdt) if weight is None else weight.astype(wdt, copy=False)
        valid = _check_targets(logp, target, ignore_index, C)
        tsafe = np.where(valid, target, 0)
        wt = (w[tsafe] * valid).astype(wdt)
        loss = -(wt * np.take_along_axis(xl, tsafe[..., None], axis=-1)[..., 0])
        denom = wt.sum()
        out = loss.sum() / denom if reduction == "mean" else loss.sum() if reduction == "sum" else loss
        ctx.cache = (wt, tsafe, denom, reduction, logp.ndim, xl.shape)
        return np.asarray(out, dtype=logp.dtype)

    @staticmethod
    def backward(ctx, g):
        wt, tsafe, denom, reduction, ndim, shape = ctx.cache
        from ..._tensor import _wrap as W
        b = np.zeros(shape, dtype=wt.dtype)
        if not _state[0]:                             # the scaled weights straight into the zeros
            gd = g._data
            s = gd[..., None] if reduction == "none" else (_mean_scale(gd, denom) if reduction == "mean" else gd)
            np.put_along_axis(b, tsafe[..., None], np.asarray(-wt[..., None] * s, dtype=b.dtype), axis=-1)
            return _wrap(b if ndim <= 1 else np.moveaxis(b, -1, 1))
        np.put_along_axis(b, tsafe[..., None], (-wt)[..., None], axis=-1)
        scale = g.unsqueeze(-1) if reduction == "none" else (_mean_scale(g, denom) if reduction == "mean" else g)
        return _class_back(W(b) * scale, ndim)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities ``input`` (N, C, ...) at class ``target``.

    >>> from ember.ops.nn.softmax_cross_entropy import nll_loss
    >>> nll_loss(ember.tensor([[-0.1, -2.0]]), ember.tensor([1]))
    tensor(2.)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target, weight = _ac.fp32(input, target, weight)
        with _ac.suspended():
            return nll_loss(input, target, weight, size_average, ignore_index, reduce, reduction)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x, t = input._data, target._data
    t = _one_target(x, t)
    _check_batch(x, t)
    _check_target_dtype(t)
    if weight is not None and weight._data.dtype != x.dtype:
        _weight_dtype_error(x, weight._data)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return apply_op(NllLoss, (input,), t, None if weight is None else weight._data, ignore_index, reduction)


def _weight_dtype_error(x, w):
    from .._util import _TORCH_NAMES
    raise RuntimeError(f"expected scalar type {_TORCH_NAMES.get(str(x.dtype))} but found "
                       f"{_TORCH_NAMES.get(str(w.dtype))}")


def _check_target_dtype(t):
    """Class-index targets are int64 or uint8 only (torch refuses int32, int16, int8, bool, floats)."""
    if t.dtype != np.int64 and t.dtype != np.uint8:
        from .._util import _TORCH_NAMES
        name = _TORCH_NAMES.get(str(t.dtype), str(t.dtype))
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {name}")


def _legacy_reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "none" if not reduce else "mean" if size_average else "sum"
    import warnings
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                  stacklevel=3)
    return ret
