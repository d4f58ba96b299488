"""Converters for ``nn.functional``: convolution, pooling, normalization, activations,
dropout, embedding, padding and attention.

>>> from ember.onnx._registry import lookup_function
>>> lookup_function(ember.nn.functional.conv2d).__name__
'conv'
"""
import math
import warnings

from .._backend import np
from ._builder import Value
from ._convert_math import out_dtype
from ._registry import function, method
from .errors import OnnxExporterWarning

__all__ = ["conv", "conv_transpose", "max_pool", "avg_pool", "batch_norm", "layer_norm", "gelu",
           "softmax", "pad", "sdpa"]


def _tup(v, n):
    if isinstance(v, (list, tuple)):
        return [int(i) for i in v] if len(v) == n else [int(v[0])] * n
    return [int(v)] * n


@function("nn.functional.conv1d", "nn.functional.conv2d", "nn.functional.conv3d", "conv1d", "conv2d", "conv3d")
def conv(b, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    n = weight.rank - 2
    k = list(weight.shape[2:])
    dil = _tup(dilation, n)
    if padding == "valid":
        pads = [0] * (2 * n)
    elif padding == "same":
        tot = [d * (kk - 1) for d, kk in zip(dil, k)]
        pads = [t // 2 for t in tot] + [t - t // 2 for t in tot]
    else:
        p = _tup(padding, n)
        pads = p + p
    return b.op("Conv", [input, weight, bias], kernel_shape=k, strides=_tup(stride, n), pads=pads,
                dilations=dil, group=int(groups))


@function("nn.functional.conv_transpose1d", "nn.functional.conv_transpose2d", "nn.functional.conv_transpose3d",
          "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
def conv_transpose(b, input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    n = weight.rank - 2
    p = _tup(padding, n)
    return b.op("ConvTranspose", [input, weight, bias], kernel_shape=list(weight.shape[2:]),
                strides=_tup(stride, n), pads=p + p, output_padding=_tup(output_padding, n),
                dilations=_tup(dilation, n), group=int(groups))


def _pool_args(input, kernel_size, stride, padding):
    n = input.rank - 2
    k = _tup(kernel_size, n)
    s = k if stride is None or stride == [] or stride == () else _tup(stride, n)
    p = _tup(padding, n)
    return n, k, s, p + p


@function("nn.functional.max_pool1d", "nn.functional.max_pool2d", "nn.functional.max_pool3d", "max_pool1d",
          "max_pool2d", "max_pool3d")
def max_pool(b, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if return_indices:
        b.reject("max_pool with return_indices=True")
    n, k, s, pads = _pool_args(input, kernel_size, stride, padding)
    return b.op("MaxPool", [input], kernel_shape=k, strides=s, pads=pads, dilations=_tup(dilation, n),
                ceil_mode=int(ceil_mode))


@function("nn.functional.avg_pool1d", "nn.functional.avg_pool2d", "nn.functional.avg_pool3d", "avg_pool1d")
def avg_pool(b, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None):
    if divisor_override is not None:
        b.reject("avg_pool with divisor_override")
    n, k, s, pads = _pool_args(input, kernel_size, stride, padding)
    return b.op("AveragePool", [input], kernel_shape=k, strides=s, pads=pads, ceil_mode=int(ceil_mode),
                count_include_pad=int(bool(count_include_pad)))


def _adaptive(kind):
    glob, local = ("GlobalAveragePool", "AveragePool") if kind == "avg" else ("GlobalMaxPool", "MaxPool")

    def conv(b, input, output_size, return_indices=False):
        if return_indices:
            b.reject(f"adaptive_{kind}_pool with return_indices=True")
        spatial = list(input.shape[2:])
        if isinstance(output_size, (list, tuple)):
            out = [spatial[i] if o is None else int(o) for i, o in enumerate(output_size)]
        else:
            out = [int(output_size)] * len(spatial)
        if all(o == 1 for o in out):
            return b.op(glob, [input])
        if any(i % o for i, o in zip(spatial, out)) and kind == "avg":
            return _adaptive_avg_by_matmul(b, input, spatial, out)
        if any(i % o for i, o in zip(spatial, out)):
            b.reject(f"adaptive_{kind}_pool from {tuple(spatial)} to {tuple(out)}: ONNX pools with one "
                     "kernel size, so each input size must be a multiple of the output size")
        k = [i // o for i, o in zip(spatial, out)]
        return b.op(local, [input], kernel_shape=k, strides=k)
    conv.__name__ = f"adaptive_{kind}_pool"
    return conv


function("nn.functional.adaptive_avg_pool1d", "nn.functional.adaptive_avg_pool2d",
         "nn.functional.adaptive_avg_pool3d", "adaptive_avg_pool1d")(_adaptive("avg"))
function("nn.functional.adaptive_max_pool1d", "nn.functional.adaptive_max_pool2d",
         "nn.functional.adaptive_max_pool3d", "adaptive_max_pool1d")(_adaptive("max"))


def _pool_matrix(n_in, n_out, dtype):
    """(n_out, n_in): row i averages input positions floor(i*n_in/n_out) .. ceil((i+1)*n_in/n_out)-1."""
    m = np.zeros((n_out, n_in), dtype)
    for i in range(n_out):
        lo, hi = (i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)
        m[i, lo:hi] = 1.0 / (hi - lo)
    return m


def _adaptive_avg_by_matmul(b, input, spatial, out):
    """Adaptive average pooling with uneven windows: one MatMul per spatial axis with a constant
    averaging matrix (exact, for any input and output sizes)."""
    if len(spatial) > 2:
        b.reject(f"adaptive_avg_pool3d from {tuple(spatial)} to {tuple(out)} (sizes not multiples)")
    dt = input.np_dtype
    y = b.op("MatMul", [input, b.const(_pool_matrix(spatial[-1], out[-1], dt).T)])
    if len(spatial) == 2:
        y = b.op("MatMul", [b.const(_pool_matrix(spatial[0], out[0], dt)), y])
    return y


def _ones_like_channels(b, x, n, value):
    return b.const(np.full((n,), value, dtype=x.np_dtype))


@function("nn.functional.batch_norm", "batch_norm")
def batch_norm(b, input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05, *rest):
    if training or running_mean is None or running_var is None:
        b.reject("batch_norm with batch statistics (a BatchNorm in training mode or with "
                 "track_running_stats=False); export the model in eval mode")
    c = input.shape[1]
    w = weight if weight is not None else _ones_like_channels(b, input, c, 1)
    bb = bias if bias is not None else _ones_like_channels(b, input, c, 0)
    return b.op("BatchNormalization", [input, w, bb, running_mean, running_var], epsilon=float(eps))


@function("nn.functional.layer_norm", "layer_norm")
def layer_norm(b, input, normalized_shape, weight=None, bias=None, eps=1e-05, *rest):
    k = len(normalized_shape) if isinstance(normalized_shape, (list, tuple)) else 1
    shape = list(input.shape[-k:])
    if b.opset >= 17:
        w = weight if weight is not None else b.const(np.ones(shape, input.np_dtype))
        return b.op("LayerNormalization", [input, w, bias], axis=-k, epsilon=float(eps))
    axes = list(range(input.rank - k, input.rank))
    mean = b.reduce("ReduceMean", input, axes, True)
    d = b.op("Sub", [input, mean])
    var = b.reduce("ReduceMean", b.op("Mul", [d, d]), axes, True)
    y = b.op("Div", [d, b.op("Sqrt", [b.op("Add", [var, b.scalar_like(eps, input)])])])
    if weight is not None:
        y = b.op("Mul", [y, weight])
    return y if bias is None else b.op("Add", [y, bias])


@function("nn.functional.group_norm", "group_norm")
def group_norm(b, input, num_groups, weight=None, bias=None, eps=1e-05):
    x = b.op("Reshape", [input, b.ints([0, int(num_groups), -1])])
    mean = b.reduce("ReduceMean", x, [2], True)
    d = b.op("Sub", [x, mean])
    var = b.reduce("ReduceMean", b.op("Mul", [d, d]), [2], True)
    y = b.op("Div", [d, b.op("Sqrt", [b.op("Add", [var, b.scalar_like(eps, input)])])])
    y = b.op("Reshape", [y, b.op("Shape", [input])])
    bshape = [-1] + [1] * (input.rank - 2)
    if weight is not None:
        y = b.op("Mul", [y, b.fold(weight, "Reshape", lambda a: a.reshape(bshape))])
    if bias is not None:
        y = b.op("Add", [y, b.fold(bias, "Reshape", lambda a: a.reshape(bshape))])
    return y


@function("nn.functional.embedding", "embedding")
def embedding(b, input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    if max_norm is not None:
        b.reject("embedding with max_norm (it renormalizes the weight in place)")
    return b.op("Gather", [weight, b.cast(input, np.int64)], axis=0)


def _dropout(b, input, p=0.5, training=True, inplace=False):
    if training and p > 0:
        warnings.warn("ONNX export: dropout called with training=True is exported as identity "
                      "(the model is exported in eval mode)", OnnxExporterWarning, stacklevel=2)
    return input


for _n in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"):
    function("nn.functional." + _n)(_dropout)
function("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout")(_dropout)


# ----- activations
@function("nn.functional.gelu")
def gelu(b, input, approximate="none"):
    if b.opset >= 20:
        return b.op("Gelu", [input], approximate=approximate)
    half, one = b.scalar_like(0.5, input), b.scalar_like(1.0, input)
    if approximate == "tanh":
        c = b.scalar_like(math.sqrt(2 / math.pi), input)
        cube = b.op("Mul", [b.op("Mul", [input, input]), input])
        inner = b.op("Add", [input, b.op("Mul", [b.scalar_like(0.044715, input), cube])])
        g = b.op("Tanh", [b.op("Mul", [c, inner])])
    else:
        g = b.op("Erf", [b.op("Div", [input, b.scalar_like(math.sqrt(2.0), input)])])
    return b.op("Mul", [b.op("Mul", [input, half]), b.op("Add", [g, one])])


@function("nn.functional.silu")
def silu(b, input, inplace=False):
    return b.op("Mul", [input, b.op("Sigmoid", [input])])


@function("nn.functional.mish")
def mish(b, input, inplace=False):
    return b.op("Mul", [input, b.op("Tanh", [b.op("Softplus", [input])])])


@function("nn.functional.leaky_relu", "nn.functional.leaky_relu_")
def leaky_relu(b, input, negative_slope=0.01, inplace=False):
    return b.op("LeakyRelu", [input], alpha=float(negative_slope))


@function("nn.functional.hardswish")
def hardswish(b, input, inplace=False):
    return b.op("HardSwish", [input])


@function("nn.functional.hardsigmoid")
def hardsigmoid(b, input, inplace=False):
    return b.op("HardSigmoid", [input], alpha=1.0 / 6, beta=0.5)


@function("nn.functional.hardtanh", "nn.functional.hardtanh_")
def hardtanh(b, input, min_val=-1.0, max_val=1.0, inplace=False):
    return b.op("Clip", [input, b.scalar_like(min_val, input), b.scalar_like(max_val, input)])


@function("nn.functional.relu6")
def relu6(b, input, inplace=False):
    return hardtanh(b, input, 0.0, 6.0)


@function("nn.functional.elu", "nn.functional.elu_")
def elu(b, input, alpha=1.0, inplace=False):
    return b.op("Elu", [input], alpha=float(alpha))


@function("nn.functional.celu")
def celu(b, input, alpha=1.0, inplace=False):
    return b.op("Celu", [input], alpha=float(alpha))


@function("nn.functional.selu", "selu")
def selu(b, input, inplace=False):
    return b.op("Selu", [input])


@function("nn.functional.softplus")
def softplus(b, input, beta=1.0, threshold=20.0):
    if beta == 1:
        return b.op("Softplus", [input])
    bx = b.op("Mul", [input, b.scalar_like(beta, input)])
    return b.op("Div", [b.op("Softplus", [bx]), b.scalar_like(beta, input)])


@function("nn.functional.logsigmoid")
def logsigmoid(b, input):
    return b.op("Neg", [b.op("Softplus", [b.op("Neg", [input])])])


@function("nn.functional.prelu", "prelu")
def prelu(b, input, weight):
    w = weight
    if input.rank > 2 and weight.rank == 1 and weight.shape[0] > 1:
        shp = [-1] + [1] * (input.rank - 2)
        w = b.fold(weight, "Reshape", lambda a: a.reshape(shp))
    return b.op("PRelu", [input, w])


def _softmax_dim(dim, rank):
    if dim is None:
        dim = 0 if rank in (0, 1, 3) else 1
    return dim % max(rank, 1)


@method("softmax")
def softmax_method(b, self, dim, dtype=None):
    return softmax(b, self, dim, dtype=dtype)


@method("log_softmax")
def log_softmax_method(b, self, dim, dtype=None):
    return log_softmax(b, self, dim, dtype=dtype)


@function("nn.functional.softmax", "softmax")
def softmax(b, input, dim=None, _stacklevel=3, dtype=None):
    x = b.cast(input, out_dtype(b))
    return b.op("Softmax", [x], axis=_softmax_dim(dim, input.rank))


@function("nn.functional.log_softmax", "log_softmax")
def log_softmax(b, input, dim=None, _stacklevel=3, dtype=None):
    x = b.cast(input, out_dtype(b))
    return b.op("LogSoftmax", [x], axis=_softmax_dim(dim, input.rank))


@function("nn.functional.softmin")
def softmin(b, input, dim=None, _stacklevel=3, dtype=None):
    return b.op("Softmax", [b.op("Neg", [input])], axis=_softmax_dim(dim, input.rank))


@function("nn.functional.normalize")
def normalize(b, input, p=2.0, dim=1, eps=1e-12, out=None):
    if p != 2:
        b.reject(f"normalize(p={p})")
    n = b.reduce("ReduceL2", input, [dim % input.rank], True)
    return b.op("Div", [input, b.op("Max", [n, b.scalar_like(eps, input)])])


@function("nn.functional.pad")
def pad(b, input, pad, mode="constant", value=None):
    n = len(pad) // 2
    begins, ends = [0] * input.rank, [0] * input.rank
    for i in range(n):
        begins[input.rank - 1 - i], ends[input.rank - 1 - i] = pad[2 * i], pad[2 * i + 1]
    modes = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    if mode not in modes or (mode == "circular" and b.opset < 19):
        b.reject(f"pad(mode={mode!r}) at opset {b.opset}")
    val = None if mode != "constant" else b.scalar_like(0 if value is None else value, input)
    return b.op("Pad", [input, b.shape_tensor(begins + ends), val], mode=modes[mode])


@function("nn.functional.scaled_dot_product_attention")
def sdpa(b, query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    if enable_gqa:
        b.reject("scaled_dot_product_attention(enable_gqa=True)")
    s = scale if scale is not None else 1.0 / math.sqrt(query.shape[-1])
    perm = list(range(key.rank - 2)) + [key.rank - 1, key.rank - 2]
    scores = b.op("MatMul", [query, b.op("Transpose", [key], perm=perm)])
    scores = b.op("Mul", [scores, b.scalar_like(s, query)])
    if is_causal:
        L, S = query.shape[-2], key.shape[-2]
        causal = np.where(np.tril(np.ones((L, S), bool)), 0.0, -np.inf).astype(query.np_dtype)
        scores = b.op("Add", [scores, b.const(causal)])
    if attn_mask is not None:
        scores = b.op("Add", [scores, additive_mask(b, attn_mask, query)])
    return b.op("MatMul", [b.op("Softmax", [scores], axis=-1), value])


def additive_mask(b, mask, like):
    """A boolean mask (True = attend) or a float mask as the float to add to the scores."""
    if isinstance(mask, Value) and mask.np_dtype.kind == "b":
        zero, ninf = b.scalar_like(0.0, like), b.scalar_like(-np.inf, like)
        return b.op("Where", [mask, zero, ninf])
    return b.cast(mask, like.np_dtype)
