"""The neural-network functions PyTorch also exposes at the top level (``torch.conv2d``,
``torch.batch_norm``, ``torch.dropout`` ...), with the top-level signatures, which differ from
``F.*`` in places: losses take an integer ``reduction`` (0 none, 1 mean, 2 sum), norms take
their arguments in ATen's order, dropouts require ``train``. Each one calls the ``F.*``
function that holds the math.
"""
from ._backend import np
from ._tensor import _wrap
from .autograd.grad_mode import no_grad
from .nn import functional as F

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "convolution", "conv_tbc", "batch_norm", "instance_norm", "layer_norm", "group_norm",
           "native_batch_norm", "native_layer_norm", "native_group_norm", "embedding",
           "embedding_renorm_", "bilinear", "pixel_shuffle", "pixel_unshuffle", "max_pool1d",
           "max_pool2d", "max_pool3d", "avg_pool1d",
           "adaptive_avg_pool1d", "constant_pad_nd"]


# ---------------------------------------------------------------- convolution

def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (``torch.conv1d``, the same as ``F.conv1d``).

    >>> ember.conv1d(ember.ones(1, 1, 4), ember.ones(1, 1, 2))
    tensor([[[2., 2., 2.]]])
    """
    return F.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (``torch.conv2d``).

    >>> ember.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2)).shape
    torch.Size([1, 1, 2, 2])
    """
    return F.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution (``torch.conv3d``).

    >>> ember.conv3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 1, 2, 2, 2))
    tensor([[[[[8.]]]]])
    """
    return F.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-d transposed convolution (``torch.conv_transpose1d``).

    >>> ember.conv_transpose1d(ember.ones(1, 1, 2), ember.ones(1, 1, 2))
    tensor([[[1., 2., 1.]]])
    """
    return F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-d transposed convolution (``torch.conv_transpose2d``).

    >>> ember.conv_transpose2d(ember.ones(1, 1, 2, 2), ember.ones(1, 1, 2, 2)).shape
    torch.Size([1, 1, 3, 3])
    """
    return F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-d transposed convolution (``torch.conv_transpose3d``).

    >>> ember.conv_transpose3d(ember.ones(1, 1, 1, 1, 1), ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    return F.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups, dilation)


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """The general convolution: ``transposed`` picks ``conv_transpose{1,2,3}d`` over
    ``conv{1,2,3}d`` by the number of spatial dims of ``weight``.

    >>> ember.convolution(ember.ones(1, 1, 4), ember.ones(1, 1, 2), None, [1], [0], [1], False, [0], 1)
    tensor([[[2., 2., 2.]]])
    """
    nd = weight.dim() - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(f"Expected 3D, 4D or 5D weight for convolution, but got weight of size "
                           f"{list(weight.shape)}")
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(output_padding), groups,
                  tuple(dilation))
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation), groups)


def conv_tbc(input, weight, bias, pad=0):
    """1-d convolution of (time, batch, channels) input with a (kernel, in, out) weight.

    >>> ember.conv_tbc(ember.ones(4, 1, 1), ember.ones(2, 1, 1), ember.zeros(1)).flatten()
    tensor([2., 2., 2.])
    """
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    out = F.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad)
    return out.permute(2, 0, 1)


# ---------------------------------------------------------------- normalization

def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    """Batch normalization with ATen's argument order (``cudnn_enabled`` is ignored).

    >>> ember.batch_norm(ember.tensor([[1.], [3.]]), None, None, None, None, True, 0.1, 0.0, False)
    tensor([[-1.],
            [ 1.]])
    """
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                  cudnn_enabled):
    """Instance normalization with ATen's argument order.

    >>> ember.instance_norm(ember.tensor([[[1., 3.]]]), None, None, None, None, True, 0.1, 0.0, False)
    tensor([[[-1.,  1.]]])
    """
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    """Layer normalization over the trailing ``normalized_shape`` dims.

    >>> ember.layer_norm(ember.tensor([1., 3.]), [2], eps=0.0)
    tensor([-1.,  1.])
    """
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    """Group normalization of (N, C, *) input in ``num_groups`` groups of channels.

    >>> ember.group_norm(ember.tensor([[1., 3.]]), 1, eps=0.0)
    tensor([[-1.,  1.]])
    """
    return F.group_norm(input, num_groups, weight, bias, eps)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Batch norm returning ``(output, save_mean, save_invstd)``: the batch mean and
    ``1/sqrt(var + eps)`` when ``training``, empty tensors otherwise.

    >>> out, mean, invstd = ember.native_batch_norm(ember.tensor([[1.], [3.]]), None, None, None, None,
    ...                                             True, 0.1, 0.0)
    >>> mean, invstd
    (tensor([2.]), tensor([1.]))
    """
    out = F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        e = _wrap(np.zeros(0, dtype=input._data.dtype))
        return out, e, _wrap(np.zeros(0, dtype=input._data.dtype))
    axes = (0,) + tuple(range(2, input.dim()))
    d = input._data
    mean = d.mean(axis=axes)
    var = d.var(axis=axes)
    return out, _wrap(mean.astype(d.dtype)), _wrap((1.0 / np.sqrt(var + eps)).astype(d.dtype))


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """Layer norm returning ``(output, mean, rstd)``; the statistics keep the normalized dims
    as size 1.

    >>> out, mean, rstd = ember.native_layer_norm(ember.tensor([[1., 3.]]), [2], None, None, 0.0)
    >>> mean, rstd
    (tensor([[2.]]), tensor([[1.]]))
    """
    out = F.layer_norm(input, normalized_shape, weight, bias, eps)
    k = len(tuple(normalized_shape))
    d = input._data
    axes = tuple(range(d.ndim - k, d.ndim))
    mean = d.mean(axis=axes, keepdims=True)
    var = d.var(axis=axes, keepdims=True)
    return out, _wrap(mean.astype(d.dtype)), _wrap((1.0 / np.sqrt(var + eps)).astype(d.dtype))


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """Group norm returning ``(output, mean, rstd)``, the statistics of shape ``(N, group)``.

    >>> out, mean, rstd = ember.native_group_norm(ember.tensor([[1., 3.]]), None, None, 1, 2, 1, 1, 0.0)
    >>> mean, rstd
    (tensor([[2.]]), tensor([[1.]]))
    """
    if input.numel() != N * C * HxW:
        raise RuntimeError(f"Expected input to have {N * C * HxW} elements, but got {input.numel()}")
    out = F.group_norm(input, group, weight, bias, eps)
    d = input.reshape(N, group, -1)  # differentiable statistics, as in PyTorch
    mean = d.mean(2)
    return out, mean, (((d - mean.unsqueeze(2)) ** 2).mean(2) + eps).rsqrt()


# ---------------------------------------------------------------- embedding, layers

def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` at ``indices`` (note: weight first; ``padding_idx=-1`` means none).

    >>> ember.embedding(ember.arange(4.).reshape(2, 2), ember.tensor([1]))
    tensor([[2., 3.]])
    """
    return F.embedding(indices, weight, padding_idx if padding_idx is not None and padding_idx >= 0
                       else None, None, 2.0, scale_grad_by_freq, sparse)


def embedding_renorm_(input, indices, max_norm, norm_type):
    """Rescale in place the rows of ``input`` named in ``indices`` whose ``norm_type``-norm
    exceeds ``max_norm`` to norm ``max_norm``; returns ``input``.

    >>> w = ember.tensor([[3., 4.], [0.3, 0.4]]); ember.embedding_renorm_(w, ember.tensor([0, 1]), 1.0, 2.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if input.dim() != 2:
        raise RuntimeError(f"embedding_renorm_(): Expected 2-D weight, but got {input.dim()}-D")
    idx = indices._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #2 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {indices.type()} instead (while checking arguments "
                           "for embedding_renorm_)")
    with no_grad():
        rows = np.unique(idx)
        w = input._data
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
        w[rows] *= scale[:, None]
        input._bump()
    return input


def bilinear(input1, input2, weight, bias=None):
    """``x1^T W x2 + b`` per output feature.

    >>> ember.bilinear(ember.ones(1, 2), ember.ones(1, 3), ember.ones(4, 2, 3)).shape
    torch.Size([1, 4])
    """
    return F.bilinear(input1, input2, weight, bias)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) to (*, C, H r, W r).

    >>> ember.pixel_shuffle(ember.ones(1, 4, 1, 1), 2).shape
    torch.Size([1, 1, 2, 2])
    """
    return F.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) to (*, C r^2, H, W).

    >>> ember.pixel_unshuffle(ember.ones(1, 1, 2, 2), 2).shape
    torch.Size([1, 4, 1, 1])
    """
    return F.pixel_unshuffle(input, downscale_factor)


# ---------------------------------------------------------------- pooling

def _stride(stride):
    return None if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else stride


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """1-d max pooling (``stride=()`` means ``kernel_size``).

    >>> ember.max_pool1d(ember.tensor([[1., 3., 2., 0.]]), 2)
    tensor([[3., 2.]])
    """
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """2-d max pooling.

    >>> ember.max_pool2d(ember.arange(16.).reshape(1, 4, 4), 2)
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """3-d max pooling.

    >>> ember.max_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 2)
    tensor([[[[7.]]]])
    """
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling.

    >>> ember.avg_pool1d(ember.tensor([[1., 3., 2., 0.]]), 2)
    tensor([[2., 1.]])
    """
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    """1-d adaptive average pooling to ``output_size``.

    >>> ember.adaptive_avg_pool1d(ember.tensor([[1., 3., 2., 0.]]), 1)
    tensor([[1.5000]])
    """
    return F.adaptive_avg_pool1d(input, output_size)


def constant_pad_nd(input, pad, value=0):
    """Pad with ``value``; ``pad`` lists (before, after) pairs from the last dim backwards.

    >>> ember.constant_pad_nd(ember.ones(1, 1), [1, 1], 0.)
    tensor([[0., 1., 0.]])
    """
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions of the "
                           f"input. Pad length is {len(pad)} while the input has {input.dim()} dimensions.")
    return F.pad(input, list(pad), "constant", value)


