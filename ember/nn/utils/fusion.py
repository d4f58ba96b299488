"""``torch.nn.utils.fusion``: fold an eval-mode BatchNorm into the convolution or linear
layer before it (one layer, same outputs).

>>> conv, bn = ember.nn.Conv2d(2, 3, 1).eval(), ember.nn.BatchNorm2d(3).eval()
>>> x = ember.randn(1, 2, 4, 4)
>>> bool((ember.nn.utils.fuse_conv_bn_eval(conv, bn)(x) - bn(conv(x))).abs().max() < 1e-5)
True
"""
import copy

from ..parameter import Parameter
from ..._creation import zeros_like, ones_like
from ...autograd.grad_mode import no_grad

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` whose weight and bias include the eval-mode ``bn`` that follows it.

    >>> ember.nn.utils.fuse_conv_bn_eval(ember.nn.Conv1d(2, 2, 1).eval(), ember.nn.BatchNorm1d(2).eval())
    Conv1d(2, 2, kernel_size=(1,), stride=(1,))
    """
    assert not (conv.training or bn.training), "Fusion only for eval!"
    fused_conv = copy.deepcopy(conv)
    assert bn.running_mean is not None and bn.running_var is not None
    fused_conv.weight, fused_conv.bias = fuse_conv_bn_weights(
        fused_conv.weight, fused_conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias, transpose)
    return fused_conv


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The fused ``(weight, bias)`` Parameters: ``w * g / sqrt(var + eps)`` per output
    channel (dim 1 of the weight when ``transpose``) and ``(b - mean) * g / sqrt(var + eps) + beta``.

    >>> w, b = ember.nn.utils.fuse_conv_bn_weights(ember.ones(2, 1, 1), None, ember.zeros(2), ember.ones(2),
    ...                                            0.0, None, None)
    >>> w.flatten(), b
    (tensor([1., 1.]), Parameter containing:
    tensor([0., 0.]))
    """
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    if conv_b is None:
        conv_b = zeros_like(bn_rm)
    if bn_w is None:
        bn_w = ones_like(bn_rm)
    if bn_b is None:
        bn_b = zeros_like(bn_rm)
    var_rsqrt = (bn_rv + bn_eps).rsqrt()
    shape = [1, -1] if transpose else [-1, 1]
    shape += [1] * (conv_w.dim() - 2)
    fused_w = (conv_w * (bn_w * var_rsqrt).reshape(shape)).to(dtype=w_dtype)
    fused_b = ((conv_b - bn_rm) * var_rsqrt * bn_w + bn_b).to(dtype=b_dtype)
    return _param(fused_w, conv_w.requires_grad), _param(fused_b, conv_b.requires_grad)


def _param(t, requires_grad):
    with no_grad():
        return Parameter(t.detach(), requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` whose weight and bias include the eval-mode ``bn`` that follows it.

    >>> ember.nn.utils.fuse_linear_bn_eval(ember.nn.Linear(2, 3).eval(), ember.nn.BatchNorm1d(3).eval())
    Linear(in_features=2, out_features=3, bias=True)
    """
    assert not (linear.training or bn.training), "Fusion only for eval!"
    fused_linear = copy.deepcopy(linear)
    assert linear.out_features == bn.num_features or bn.num_features == 1, \
        "To fuse, linear.out_features must equal bn.num_features OR bn.num_features must equal 1"
    assert bn.running_mean is not None and bn.running_var is not None
    fused_linear.weight, fused_linear.bias = fuse_linear_bn_weights(
        fused_linear.weight, fused_linear.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused_linear


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The fused ``(weight, bias)`` Parameters of a linear layer followed by a BatchNorm.

    >>> w, b = ember.nn.utils.fuse_linear_bn_weights(ember.ones(2, 2), None, ember.ones(2), ember.ones(2),
    ...                                              0.0, ember.ones(2), ember.zeros(2))
    >>> b
    Parameter containing:
    tensor([-1., -1.])
    """
    if linear_b is None:
        linear_b = zeros_like(bn_rm)
    bn_scale = bn_w * (bn_rv + bn_eps).rsqrt()
    fused_w = linear_w * bn_scale.unsqueeze(-1)
    fused_b = (linear_b - bn_rm) * bn_scale + bn_b
    return _param(fused_w, linear_w.requires_grad), _param(fused_b, linear_b.requires_grad)
