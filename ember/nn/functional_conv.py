"""Convolution and padding functions of ``ember.nn.functional`` (conv1d/2d/3d,
conv_transpose1d/2d/3d, pad).

>>> import ember.nn.functional as F
>>> F.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2), padding="same").shape
torch.Size([1, 1, 3, 3])
"""
from .._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .. import _autocast_state as _ac
from .._autocast_state import on as _ac_on
from .._backend import np
from .._tensor import Tensor
from ..ops.nn import conv as _C


def _tuple(v, n, name="argument"):
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(int(x) for x in v) * n
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to "
                               f"match the convolution dimensions, but got {name}={list(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _check_conv_input(input, weight, nd, groups, transposed=False):
    x, w = input._data, weight._data
    if w.ndim != nd + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if nd == 1 else
                           f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv{nd}d, but "
                           f"got input of size: {list(x.shape)}")
    unbatched = x.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    c = input._data.shape[1]
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if not transposed:
        if w.shape[0] < groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
                               f"but got weight of size {list(w.shape)} instead")
        if c != w.shape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input"
                               f"{list(input._data.shape)} to have {w.shape[1] * groups} channels, but got "
                               f"{c} channels instead")
        if w.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                               f"dimension 0, but got weight of size {list(w.shape)} instead")
    elif c != w.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected input"
                           f"{list(input._data.shape)} to have {w.shape[0]} channels, but got {c} channels instead")
    return input, unbatched


def _check_conv_params(nd, weight, bias, stride, dilation, pads, transposed=False, groups=1):
    """PyTorch's errors for non-positive strides/dilations, negative padding and a bias of the
    wrong size (NumPy would raise ZeroDivisionError/ValueError or broadcast the bias)."""
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        if transposed and nd == 2:
            raise RuntimeError("dilation should be greater than zero, but got dilation_height: "
                               f"{dilation[0]}, dilation_width: {dilation[1]}")
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation) if nd > 1 else [1, dilation[0]]}")
    if any(p < 0 for p in pads):
        raise RuntimeError("negative padding is not supported")
    if bias is not None:
        w = weight._data.shape
        n = w[1] * groups if transposed else w[0]
        b = bias._data.shape
        if len(b) != 1 or b[0] != n:
            pre = "Given transposed=1, weight" if transposed else "Given weight"
            raise RuntimeError(f"{pre} of size {list(w)}, expected bias to be 1-dimensional with "
                               f"{n} elements, but got bias of size {list(b)} instead")


def _convnd(nd, input, weight, bias, stride, padding, dilation, groups):
    if input._rg is _QM or weight._rg is _QM:  # (ember.ao.nn.quantized.Conv2d runs quantized)
        raise _q_refuse("aten::slow_conv3d_forward" if nd == 3 else "aten::_slow_conv2d_forward")
    if _ac_on[0]:
        input, weight, bias = _ac.lower(input, weight, bias)
    input, unbatched = _check_conv_input(input, weight, nd, groups)
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
    _check_conv_params(nd, weight, bias, stride, dilation,
                       () if isinstance(padding, str) else _tuple(padding, nd, "padding"))
    k = weight._data.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            tot = [d * (kk - 1) for d, kk in zip(dilation, k)]
            pads = tuple((t // 2, t - t // 2) for t in tot)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _tuple(padding, nd, "padding"))
    y = _C.conv(input, weight, bias, stride, pads, dilation, groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) input.

    >>> F.conv1d(ember.ones(1, 2, 5), ember.ones(3, 2, 3)).shape
    torch.Size([1, 3, 3])
    """
    return _convnd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) input: im2col and one GEMM per group.

    >>> F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(4, 3, 3, 3), stride=2, padding=1).shape
    torch.Size([1, 4, 4, 4])
    """
    return _convnd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) input.

    >>> F.conv3d(ember.ones(1, 1, 4, 4, 4), ember.ones(2, 1, 3, 3, 3)).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    return _convnd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    if _ac_on[0]:
        input, weight, bias = _ac.lower(input, weight, bias)
    input, unbatched = _check_conv_input(input, weight, nd, groups, transposed=True)
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        raise TypeError(f"conv_transpose{nd}d(): argument 'padding' (position 5) must be tuple of ints, not str")
    pad = _tuple(padding, nd, "padding")
    opad = _tuple(output_padding, nd, "output_padding")
    _check_conv_params(nd, weight, bias, stride, dilation, pad, transposed=True, groups=groups)
    for op, s, d in zip(opad, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding: {op}, stride: {s}, dilation: {d}")
    k = weight._data.shape[2:]
    in_sp = input._data.shape[2:]
    out_sp = tuple((i - 1) * s - 2 * p + d * (kk - 1) + 1 + o
                   for i, s, p, d, kk, o in zip(in_sp, stride, pad, dilation, k, opad))
    if any(o < 0 or (o == 0 and i > 1) for o, i in zip(out_sp, in_sp)):   # (as observed of PyTorch's kernels)
        lead = (1,) if nd == 1 else ()
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, lead + tuple(in_sp)))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, lead + tuple(out_sp)))}). Output size is "
                           "too small")
    # weight (C_in, C_out/g, *k) is exactly the forward-conv weight (O, Cg, *k) of the adjoint conv
    y = _C.conv_dx(input, weight, out_sp, stride, tuple((p, p) for p in pad), dilation, groups)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution (the adjoint of conv1d).

    >>> F.conv_transpose1d(ember.ones(1, 2, 3), ember.ones(2, 4, 3)).shape
    torch.Size([1, 4, 5])
    """
    return _conv_transposend(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution (the adjoint of conv2d).

    >>> F.conv_transpose2d(ember.ones(1, 2, 4, 4), ember.ones(2, 3, 3, 3), stride=2, padding=1, output_padding=1).shape
    torch.Size([1, 3, 8, 8])
    """
    return _conv_transposend(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution (the adjoint of conv3d).

    >>> F.conv_transpose3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 3, 3, 3])
    """
    return _conv_transposend(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


_NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims; ``pad`` lists (left, right) from the last dim back.

    Modes: 'constant' (with ``value``), 'reflect', 'replicate', 'circular'. Differentiable.

    >>> F.pad(ember.tensor([[1., 2.]]), (1, 2), value=0.5)
    tensor([[0.5000, 1.0000, 2.0000, 0.5000, 0.5000]])
    """
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = len(pad) // 2
    x = input._data
    if nd > x.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {x.ndim}")
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(nd)][::-1]  # first padded dim first
    dims = list(range(x.ndim - nd, x.ndim))
    if input._rg is _QM and mode != "constant":
        raise _q_refuse(f"aten::{mode}_pad{nd}d" if mode != "replicate" else
                        f"aten::replication_pad{nd}d")
    for d, (l, r) in zip(dims, pairs):
        if x.shape[d] + min(l, 0) + min(r, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    if mode != "constant" and value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if mode == "constant":
        v = 0.0 if value is None else value
        if any(l < 0 or r < 0 for l, r in pairs):  # negative padding crops
            sl = [slice(None)] * x.ndim
            for d, (l, r) in zip(dims, pairs):
                sl[d] = slice(max(-l, 0), x.shape[d] - max(-r, 0))
            input = input[tuple(sl)]
            pairs = [(max(l, 0), max(r, 0)) for l, r in pairs]
        shape = list(input._data.shape)
        for d, (l, r) in zip(dims, pairs):
            shape[d] += l + r
        if input._rg is _QM:  # quantized: the value quantized by the input's parameters
            from .._quantized_dispatch import pad_constant
            return pad_constant(input, dims, pairs, v)
        from .._creation import full
        out = full(shape, v, dtype=input.dtype)
        sl = [slice(None)] * len(shape)
        for d, (l, r) in zip(dims, pairs):
            sl[d] = slice(l, l + input._data.shape[d])
        if not (input.requires_grad):
            out._data[tuple(sl)] = input._data
            return out
        out[tuple(sl)] = input
        return out
    if x.ndim not in (nd + 1, nd + 2) and mode in _NP_MODES:
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {x.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode not in _NP_MODES:
        raise NotImplementedError(f"Padding mode {mode!r} is not supported (use constant, reflect, "
                                  "replicate or circular)")
    if mode == "reflect":
        for d, (l, r) in zip(dims, pairs):
            if l >= x.shape[d] or r >= x.shape[d]:
                raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({l}, {r}) at dimension {d} of input "
                                   f"{list(x.shape)}")
    idx = [slice(None)] * (x.ndim - nd)
    for k, (d, (l, r)) in enumerate(zip(dims, pairs)):
        n = x.shape[d]   # a negative pad crops first (circular then wraps the cropped values, as PyTorch)
        ix = np.pad(np.arange(n)[max(-l, 0):n - max(-r, 0)], (max(l, 0), max(r, 0)), mode=_NP_MODES[mode])
        ix = ix.reshape((-1,) + (1,) * (nd - 1 - k))
        idx.append(ix)
    return input[tuple(idx)]
