"""The inference forward of a conv -> BatchNorm2d (-> activation ...) block: in eval mode and
outside autograd, the batch norm runs inside the convolution (``ember.ops.nn.conv_bn_eval``:
folded into its weights, or applied in place to its output), and the layers after it run on
that fresh output; a ReLU or Hardswish right after the batch norm runs inside the convolution
(in place, block by block for the depthwise kernels).

It applies only where the result cannot differ from running the children one by one: exactly
``nn.Conv2d`` (zero padding, numeric padding) then exactly ``nn.BatchNorm2d`` in eval mode with
running statistics, a batched 4-d input with the conv's channel count, no hooks on either, no
autocast, and nothing that autograd records. Otherwise it returns None.

>>> from ember.vision.models._blocks import Conv2dNormActivation
>>> from ember.vision.models._conv_norm_eval import conv_norm_forward
>>> block = Conv2dNormActivation(2, 4).eval()
>>> x = ember.randn(1, 2, 5, 5)
>>> with ember.no_grad():
...     bool((conv_norm_forward(block, x) - block[2](block[1](block[0](x)))).abs().max() < 1e-5)
True
"""
from ... import nn
from ..._grad_state import _state
from ..._tensor import Tensor
from ... import _autocast_state as _ac
from ...nn.modules import module as _module
from ...ops.nn.conv_bn_eval import conv_bn_eval
from ...ops.nn.hard_activations import relu_array_, hardswish_array_

__all__ = []


_ACTS = {nn.ReLU: relu_array_, nn.Hardswish: hardswish_array_}   # run inside the conv, in place


def _hooked(m):
    return bool(m._forward_hooks or m._forward_pre_hooks or m._backward_hooks or m._backward_pre_hooks)


def conv_norm_forward(block, input):
    """``block(input)`` for a Sequential whose first two children are a Conv2d and a
    BatchNorm2d, with the batch norm folded into the convolution; None where that path does
    not apply (the caller runs the children).

    >>> from ember.vision.models._blocks import Conv2dNormActivation
    >>> from ember.vision.models._conv_norm_eval import conv_norm_forward
    >>> conv_norm_forward(Conv2dNormActivation(2, 4), ember.randn(1, 2, 5, 5)) is None   # training mode
    True
    """
    mods = list(block._modules.values())
    if len(mods) < 2:
        return None
    act = mods[2] if len(mods) > 2 and type(mods[2]) in _ACTS else None
    y = conv_bn_act(mods[0], mods[1], act, input)
    if y is None:
        return None
    for m in mods[2 if act is None else 3:]:
        y = m(y)
    return y


def conv_bn_act(conv, bn, act, input, fold=True, residual=None):
    """``act(bn(conv(input)))`` in one pass as in ``conv_norm_forward`` (``act`` a ReLU or
    Hardswish module, or None: no activation); None where that path does not apply.
    ``fold=False``: the batch norm applied to the fresh output, never folded into the weights,
    so the result has the separate layers' bits. ``residual``: a tensor added after the batch
    norm, before ``act`` (a residual block's ``act(bn(conv(input)) + residual)``).

    >>> from ember.vision.models._conv_norm_eval import conv_bn_act
    >>> conv, bn = ember.nn.Conv2d(2, 4, 3).eval(), ember.nn.BatchNorm2d(4).eval()
    >>> x = ember.randn(1, 2, 5, 5)
    >>> with ember.no_grad():
    ...     bool((conv_bn_act(conv, bn, None, x) - bn(conv(x))).abs().max() < 1e-5)
    True
    """
    fn = fusable(conv, bn, act, input)
    if fn is None:
        return None
    if residual is not None:
        if type(residual) is not Tensor or (_state[0] and residual._rg):
            return None
        residual = residual._data
    return conv_bn_eval(input, conv.weight, conv.bias, conv.stride, tuple((p, p) for p in conv.padding),
                        conv.dilation, conv.groups, bn.running_mean, bn.running_var, bn.weight, bn.bias, bn.eps,
                        None if fn is True else fn, fold, residual)


def fusable(conv, bn, act, input):
    """Whether ``conv_bn_act`` can run ``act(bn(conv(input)))`` (checks only, nothing runs):
    None when not, else the in-place array function of ``act`` (True when ``act`` is None).

    >>> from ember.vision.models._conv_norm_eval import fusable
    >>> with ember.no_grad():
    ...     fusable(ember.nn.Conv2d(2, 4, 3), ember.nn.BatchNorm2d(4).eval(), None, ember.randn(1, 2, 5, 5))
    True
    """
    if type(input) is not Tensor or type(conv) is not nn.Conv2d or type(bn) is not nn.BatchNorm2d or bn.training:
        return None
    if bn.running_mean is None or bn.running_var is None or conv.padding_mode != "zeros" or isinstance(conv.padding, str):
        return None
    if _hooked(conv) or _hooked(bn) or _module._global_forward_hooks or _module._global_forward_pre_hooks:
        return None
    if _ac.on[0] or input._data.ndim != 4 or input._data.shape[1] != conv.in_channels:
        return None
    if _state[0] and (input._rg or conv.weight._rg or (conv.bias is not None and conv.bias._rg)
                      or (bn.weight is not None and bn.weight._rg) or (bn.bias is not None and bn.bias._rg)):
        return None
    if act is None:
        return True
    fn = _ACTS.get(type(act))
    return None if fn is None or _hooked(act) else fn


def hooked_anywhere(module):
    """True when ``module`` or any module under it has a hook.

    >>> from ember.vision.models._conv_norm_eval import hooked_anywhere
    >>> hooked_anywhere(ember.nn.Sequential(ember.nn.ReLU()))
    False
    """
    return any(_hooked(m) for m in module.modules())
