"""Normalisation functions of ``ember.nn.functional``.

>>> import ember.nn.functional as F
>>> F.layer_norm(ember.tensor([[1., 3.]]), (2,))
tensor([[-1.0000,  1.0000]])
"""
from .. import ops as _ops
from .._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._backend import np
from .._tensor import _wrap, Tensor as _Tensor
from ..autograd.grad_mode import no_grad
from ..ops.nn.norm import standardize, batch_norm_train, batch_norm_fusable
from ..ops.nn import layer_norm as _ln, group_norm as _gn
from ..ops.nn.batchnorm_eval import batch_norm_eval


def _int_refuse(x, kernel):
    if x.dtype.kind in "biu":
        from ..ops.elementwise.operands import _not_impl
        _not_impl(kernel, x.dtype)


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * (weight.reshape(shape) if shape is not None else weight)
    if bias is not None:
        y = y + (bias.reshape(shape) if shape is not None else bias)
    return y


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05):
    """Batch normalisation over (N, C, ...): batch statistics in training (updating the
    running ones in place), running statistics otherwise.

    >>> F.batch_norm(ember.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if input._rg is _QM:
        raise _q_refuse("aten::native_batch_norm")
    x = input._data
    _int_refuse(x, "batch_norm")
    if x.ndim < 2:   # PyTorch's errors: no channel dim, so every per-channel tensor should be empty
        for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                        ("bias", bias)):
            if t is not None:
                raise RuntimeError(f"{name} should contain 0 elements not {t.numel()}")
        if x.ndim == 0:
            raise IndexError("tuple index out of range")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    C = x.shape[1]
    shape = (1, C) + (1,) * (x.ndim - 2)
    dims = (0,) + tuple(range(2, x.ndim))
    if training:
        n = x.size // C
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{list(x.shape)}")
        fused = batch_norm_fusable(x) and all(t is None or t._data.dtype == x.dtype for t in (weight, bias))
        if fused:
            y, (mean, var) = batch_norm_train(input, weight, bias, eps)
        else:
            y, (mean, var) = standardize(input, dims, eps, return_stats=True)
        if running_mean is not None or running_var is not None:
            with no_grad():
                if running_mean is not None:
                    rm = running_mean._data
                    rm *= (1 - momentum)
                    rm += (momentum * mean.reshape(C)).astype(rm.dtype)
                    running_mean._bump()
                if running_var is not None:
                    rv = running_var._data
                    rv *= (1 - momentum)
                    rv += (momentum * var.reshape(C) * (n / (n - 1))).astype(rv.dtype)
                    running_var._bump()
        return y if fused else _affine(y, weight, bias, shape)
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    y = batch_norm_eval(input, running_mean, running_var, weight, bias, eps)
    if y is not None:
        return y
    # the same arithmetic as batch_norm_eval: x * scale + shift, scale and shift per channel
    invstd = _wrap((1.0 / np.sqrt(running_var._data.astype(x.dtype) + x.dtype.type(eps))).reshape(shape))
    scale = invstd if weight is None else weight.reshape(shape) * invstd
    shift = -(running_mean.reshape(shape).to(input.dtype) * scale)
    if bias is not None:
        shift = shift + bias.reshape(shape)
    return input * scale + shift


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the trailing ``normalized_shape`` dims, then scale and shift.

    >>> F.layer_norm(ember.ones(2, 3), (3,)).shape
    torch.Size([2, 3])
    """
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    normalized_shape = tuple(normalized_shape)
    if input._rg is _QM:
        raise _q_refuse("aten::native_batch_norm")  # (PyTorch's words for a quantized layer_norm)
    x = input._data
    _int_refuse(x, "LayerNormKernelImpl")
    k = len(normalized_shape)
    if x.shape[x.ndim - k:] != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(x.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(normalized_shape)}")
    _check_param_dtypes(x, weight, bias)
    dims = tuple(range(x.ndim - k, x.ndim))
    if input.__class__ is _Tensor:
        if _ln.fusable(x, k, weight, bias):   # one node, blocks of rows
            return _ln.layer_norm(input, k, weight, bias, eps)
        if _half(x):                          # computed in float32, as PyTorch does
            return _ln.layer_norm(input.float(), k, *_floats(weight, bias), eps).to(input.dtype)
    y = standardize(input, dims, eps)
    return _affine(y, weight, bias, None)


def _half(x):
    return x.dtype.itemsize == 2 and x.dtype.kind in "fV" and x.size > 0


def _floats(*params):
    return [None if t is None else t.float() for t in params]


def _check_param_dtypes(x, *params):
    """PyTorch's CPU layer, group and instance norms take parameters of the input's dtype (or
    float32 ones with a float16/bfloat16 input); anything else is its "mixed dtype" error."""
    if x.dtype.kind not in "fV":
        return
    for t in params:
        if t is None or t._data.dtype == x.dtype or (_half(x) and t._data.dtype == np.float32):
            continue
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype." if x.dtype == np.float64
                           else "mixed dtype (CPU): expect parameter to have scalar type of Float")


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalise over groups of channels (and all spatial positions) per sample.

    >>> F.group_norm(ember.randn(2, 4, 3), 2).shape
    torch.Size([2, 4, 3])
    """
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    _int_refuse(x, "GroupNormKernelImpl")
    N, C = x.shape[:2]
    size = [N * C // num_groups, num_groups] + list(x.shape[2:])
    if size[0] * int(np.prod(size[2:])) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")
    if num_groups <= 0:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {num_groups}")
    if C % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got "
                           f"input of shape {list(x.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (C,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in "
                               f"input, but got {name} of shape {list(t.shape)} and input of shape {list(x.shape)}")
    _check_param_dtypes(x, weight, bias)
    if input.__class__ is _Tensor:
        if _gn.fusable(x, weight, bias):   # one node, blocks of rows
            return _gn.group_norm(input, num_groups, weight, bias, eps)
        if _half(x):                       # computed in float32, as PyTorch does
            return _gn.group_norm(input.float(), num_groups, *_floats(weight, bias), eps).to(input.dtype)
    y = standardize(input.reshape(N, num_groups, -1), (2,), eps).reshape(x.shape)
    return _affine(y, weight, bias, (1, C) + (1,) * (x.ndim - 2))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalise each (sample, channel) plane over its spatial positions.

    >>> F.instance_norm(ember.randn(2, 3, 4, 4)).shape
    torch.Size([2, 3, 4, 4])
    """
    x = input._data
    _int_refuse(x, "batch_norm")
    N, C = x.shape[:2]
    shape = (1, C) + (1,) * (x.ndim - 2)
    if use_input_stats and int(np.prod(x.shape[2:])) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
    _check_param_dtypes(x, weight, bias)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if (running_mean is None and running_var is None and x.ndim >= 3 and x.size > N * C
            and input.__class__ is _Tensor and _gn.fusable(x, weight, bias)
            and all(t is None or tuple(t.shape) == (C,) for t in (weight, bias))):
        # no running statistics to update: GroupNorm's node with a group per channel (viewed
        # as the input, as torch returns a view of its batch norm's output)
        return _gn.group_norm(input, C, weight, bias, eps).view(x.shape)
    dims = tuple(range(2, x.ndim))
    y, (mean, var) = standardize(input, dims, eps, return_stats=True)
    n = int(np.prod(x.shape[2:]))
    with no_grad():
        if running_mean is not None:
            rm = running_mean._data
            rm *= (1 - momentum)
            rm += (momentum * mean.reshape(N, C).mean(0)).astype(rm.dtype)
            running_mean._bump()
        if running_var is not None:
            rv = running_var._data
            rv *= (1 - momentum)
            rv += (momentum * (var.reshape(N, C) * (n / max(n - 1, 1))).mean(0)).astype(rv.dtype)
            running_var._bump()
    return _affine(y, weight, bias, shape)


def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    """Normalise each value by the energy of ``size`` neighbouring channels.

    >>> F.local_response_norm(ember.ones(1, 4, 2, 2), 2).shape
    torch.Size([1, 4, 2, 2])
    """
    from .functional_conv import pad
    from .functional_pool import avg_pool2d, avg_pool3d
    x = input._data
    if x.ndim < 3:
        raise ValueError("Expected 3D or higher dimensionality                          input "
                         f"(got {x.ndim} dimensions)")   # (PyTorch's spacing)
    if input.numel() == 0:
        return input
    div = (input * input).unsqueeze(1)
    if x.ndim == 3:
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.reshape(sizes)
    div = (div * alpha + k) ** beta
    return input / div


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``.

    >>> F.normalize(ember.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    n = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is not None:
        return _ops.public["div"](input, n, out=out)
    return input / n


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalisation over the trailing ``normalized_shape`` dims:
    ``input / sqrt(mean(input**2) + eps) * weight``; ``eps=None`` means the dtype's
    machine epsilon (``finfo(input.dtype).eps``), as in PyTorch.

    >>> F.rms_norm(ember.tensor([[3., 4.]]), (2,), eps=0.0)
    tensor([[0.8485, 1.1314]])
    """
    if not isinstance(normalized_shape, (list, tuple)):
        raise TypeError("rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    normalized_shape = tuple(normalized_shape)
    shape = tuple(input.shape)
    k = len(normalized_shape)
    if shape[len(shape) - k:] != normalized_shape or k > len(shape):
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*{', '.join(map(str, normalized_shape))}], but got input of size{list(shape)}")
    _int_refuse(input._data, "rms_norm")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(len(shape) - k, len(shape)))
    y = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y
