"""Converters for standard layers, used when the tracer keeps a layer as one call (a leaf):
each reads the layer's settings and weights (named ``<layer path>.weight`` in the ONNX file,
as PyTorch names them) and emits the same nodes as its functional form.

>>> from ember.onnx._registry import lookup_module
>>> lookup_module(ember.nn.Linear(2, 3)).__name__
'linear_module'
"""
from . import _convert_nn as N
from ._convert_math import linear
from ._convert_shape import flatten, reshape_to
from ._registry import module

__all__ = []


def _p(b, m, name):
    t = getattr(m, name, None)
    return None if t is None else b.param(t, name)


@module("nn.Linear", "nn.modules.linear.NonDynamicallyQuantizableLinear")
def linear_module(b, m, input):
    return linear(b, input, _p(b, m, "weight"), _p(b, m, "bias"))


@module("nn.Conv1d", "nn.Conv2d", "nn.Conv3d")
def conv_module(b, m, input):
    if m.padding_mode != "zeros":
        x = N.pad(b, input, m._reversed_padding_repeated_twice, mode=m.padding_mode)
        return N.conv(b, x, _p(b, m, "weight"), _p(b, m, "bias"), m.stride, 0, m.dilation, m.groups)
    return N.conv(b, input, _p(b, m, "weight"), _p(b, m, "bias"), m.stride, m.padding, m.dilation, m.groups)


@module("nn.ConvTranspose1d", "nn.ConvTranspose2d", "nn.ConvTranspose3d")
def conv_transpose_module(b, m, input, output_size=None):
    op = m.output_padding
    if output_size is not None:
        n = len(m.kernel_size)
        want = list(output_size)[-n:]
        op = [w - ((i - 1) * s - 2 * p + d * (k - 1) + 1) for w, i, s, p, d, k in
              zip(want, input.shape[-n:], m.stride, m.padding, m.dilation, m.kernel_size)]
    return N.conv_transpose(b, input, _p(b, m, "weight"), _p(b, m, "bias"), m.stride, m.padding, op,
                            m.groups, m.dilation)


@module("nn.BatchNorm1d", "nn.BatchNorm2d", "nn.BatchNorm3d")
def batch_norm_module(b, m, input):
    use_batch = m.training or m.running_mean is None
    if use_batch:
        b.reject(f"{type(m).__name__} in training mode or with track_running_stats=False: "
                 "export the model in eval mode")
    return N.batch_norm(b, input, _p(b, m, "running_mean"), _p(b, m, "running_var"), _p(b, m, "weight"),
                        _p(b, m, "bias"), False, m.momentum, m.eps)


@module("nn.LayerNorm")
def layer_norm_module(b, m, input):
    return N.layer_norm(b, input, m.normalized_shape, _p(b, m, "weight"), _p(b, m, "bias"), m.eps)


@module("nn.GroupNorm")
def group_norm_module(b, m, input):
    return N.group_norm(b, input, m.num_groups, _p(b, m, "weight"), _p(b, m, "bias"), m.eps)


@module("nn.Embedding")
def embedding_module(b, m, input):
    return N.embedding(b, input, _p(b, m, "weight"), m.padding_idx, m.max_norm)


@module("nn.Dropout", "nn.Dropout1d", "nn.Dropout2d", "nn.Dropout3d", "nn.AlphaDropout",
        "nn.FeatureAlphaDropout", "nn.Identity")
def identity_module(b, m, input, *args, **kwargs):
    return input


@module("nn.Flatten")
def flatten_module(b, m, input):
    return flatten(b, input, m.start_dim, m.end_dim)


@module("nn.Unflatten")
def unflatten_module(b, m, input):
    d = m.dim % input.rank
    return reshape_to(b, input, list(input.shape[:d]) + list(m.unflattened_size) + list(input.shape[d + 1:]))


@module("nn.MaxPool1d", "nn.MaxPool2d", "nn.MaxPool3d")
def max_pool_module(b, m, input):
    return N.max_pool(b, input, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode, m.return_indices)


@module("nn.AvgPool1d", "nn.AvgPool2d", "nn.AvgPool3d")
def avg_pool_module(b, m, input):
    return N.avg_pool(b, input, m.kernel_size, m.stride, m.padding, m.ceil_mode, m.count_include_pad,
                      getattr(m, "divisor_override", None))


@module("nn.AdaptiveAvgPool1d", "nn.AdaptiveAvgPool2d", "nn.AdaptiveAvgPool3d")
def adaptive_avg_pool_module(b, m, input):
    return N._adaptive("avg")(b, input, m.output_size)


@module("nn.AdaptiveMaxPool1d", "nn.AdaptiveMaxPool2d")
def adaptive_max_pool_module(b, m, input):
    return N._adaptive("max")(b, input, m.output_size, m.return_indices)


def _simple(op_type):
    def conv(b, m, input):
        return b.op(op_type, [input])
    conv.__name__ = op_type.lower() + "_module"
    return conv


module("nn.ReLU")(_simple("Relu"))
module("nn.Sigmoid")(_simple("Sigmoid"))
module("nn.Tanh")(_simple("Tanh"))
module("nn.Softsign")(_simple("Softsign"))
module("nn.SELU")(_simple("Selu"))


@module("nn.GELU")
def gelu_module(b, m, input):
    return N.gelu(b, input, m.approximate)


@module("nn.SiLU")
def silu_module(b, m, input):
    return N.silu(b, input)


@module("nn.Mish")
def mish_module(b, m, input):
    return N.mish(b, input)


@module("nn.LeakyReLU")
def leaky_relu_module(b, m, input):
    return N.leaky_relu(b, input, m.negative_slope)


@module("nn.Hardswish")
def hardswish_module(b, m, input):
    return N.hardswish(b, input)


@module("nn.Hardsigmoid")
def hardsigmoid_module(b, m, input):
    return N.hardsigmoid(b, input)


@module("nn.ReLU6")
def relu6_module(b, m, input):
    return N.relu6(b, input)


@module("nn.Hardtanh")
def hardtanh_module(b, m, input):
    return N.hardtanh(b, input, m.min_val, m.max_val)


@module("nn.ELU")
def elu_module(b, m, input):
    return N.elu(b, input, m.alpha)


@module("nn.CELU")
def celu_module(b, m, input):
    return N.celu(b, input, m.alpha)


@module("nn.Softplus")
def softplus_module(b, m, input):
    return N.softplus(b, input, m.beta, m.threshold)


@module("nn.LogSigmoid")
def logsigmoid_module(b, m, input):
    return N.logsigmoid(b, input)


@module("nn.PReLU")
def prelu_module(b, m, input):
    return N.prelu(b, input, _p(b, m, "weight"))


@module("nn.Softmax")
def softmax_module(b, m, input):
    return N.softmax(b, input, m.dim)


@module("nn.LogSoftmax")
def log_softmax_module(b, m, input):
    return N.log_softmax(b, input, m.dim)


@module("nn.Softmin")
def softmin_module(b, m, input):
    return N.softmin(b, input, m.dim)


@module("nn.ZeroPad1d", "nn.ZeroPad2d", "nn.ZeroPad3d", "nn.ConstantPad1d", "nn.ConstantPad2d",
        "nn.ConstantPad3d")
def constant_pad_module(b, m, input):
    return N.pad(b, input, m.padding, "constant", getattr(m, "value", 0.0))


@module("nn.ReflectionPad1d", "nn.ReflectionPad2d", "nn.ReflectionPad3d")
def reflection_pad_module(b, m, input):
    return N.pad(b, input, m.padding, "reflect")


@module("nn.ReplicationPad1d", "nn.ReplicationPad2d", "nn.ReplicationPad3d")
def replication_pad_module(b, m, input):
    return N.pad(b, input, m.padding, "replicate")
