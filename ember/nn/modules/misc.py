"""Dropout, Embedding, Flatten/Unflatten, Bilinear, distances, pixel shuffle, upsampling,
padding, Unfold/Fold layers.

>>> ember.nn.Embedding(10, 3)
Embedding(10, 3)
"""
import math

from .module import Module
from ..parameter import Parameter
from .. import functional as F, init
from ..._creation import empty

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "Embedding", "Flatten",
           "Unflatten", "Bilinear", "CosineSimilarity", "PairwiseDistance", "PixelShuffle", "PixelUnshuffle",
           "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
           "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d",
           "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d", "Unfold", "Fold"]


class _DropoutNd(Module):
    _fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training (identity in eval).

    >>> ember.nn.Dropout(0.2).eval()(ember.ones(3))
    tensor([1., 1., 1.])
    """

    _fn = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) in training.

    >>> ember.nn.Dropout1d()
    Dropout1d(p=0.5, inplace=False)
    """

    _fn = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) in training.

    >>> ember.nn.Dropout2d()
    Dropout2d(p=0.5, inplace=False)
    """

    _fn = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) in training.

    >>> ember.nn.Dropout3d()
    Dropout3d(p=0.5, inplace=False)
    """

    _fn = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks.

    >>> ember.nn.AlphaDropout(0.1)
    AlphaDropout(p=0.1, inplace=False)
    """

    _fn = staticmethod(F.alpha_dropout)


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim`` (N(0, 1) init;
    the ``padding_idx`` row is zero and gets no gradient).

    >>> ember.nn.Embedding(10, 3, padding_idx=0)(ember.tensor([0])).abs().sum().item()
    0.0
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            if padding_idx < 0:
                padding_idx += num_embeddings
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(empty((num_embeddings, embedding_dim), dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = "{num_embeddings}, {embedding_dim}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s.format(**self.__dict__)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding holding ``embeddings`` (frozen unless ``freeze=False``).

        >>> ember.nn.Embedding.from_pretrained(ember.eye(3)).weight.requires_grad
        False
        """
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim``.

    >>> ember.nn.Flatten()(ember.ones(2, 3, 4)).shape
    torch.Size([2, 12])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split ``dim`` into ``unflattened_size``.

    >>> ember.nn.Unflatten(1, (2, 3))(ember.ones(4, 6)).shape
    torch.Size([4, 2, 3])
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Bilinear(Module):
    """``y = x1^T A x2 + b``.

    >>> ember.nn.Bilinear(2, 3, 4)
    Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``.

    >>> ember.nn.CosineSimilarity()(ember.tensor([[1., 0.]]), ember.tensor([[1., 0.]]))
    tensor([1.])
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm distance between rows.

    >>> ember.nn.PairwiseDistance()(ember.zeros(1, 2), ember.tensor([[3., 4.]]))
    tensor([5.0000])
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r).

    >>> ember.nn.PixelShuffle(2)
    PixelShuffle(upscale_factor=2)
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W).

    >>> ember.nn.PixelUnshuffle(2)
    PixelUnshuffle(downscale_factor=2)
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class Upsample(Module):
    """Resize by ``size`` or ``scale_factor`` with ``mode`` (see ``F.interpolate``).

    >>> ember.nn.Upsample(scale_factor=2)
    Upsample(scale_factor=2.0, mode='nearest')
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour 2-D upsampling.

    >>> ember.nn.UpsamplingNearest2d(scale_factor=2)(ember.ones(1, 1, 2, 2)).shape
    torch.Size([1, 1, 4, 4])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear 2-D upsampling with ``align_corners=True``.

    >>> ember.nn.UpsamplingBilinear2d(scale_factor=2)(ember.ones(1, 1, 2, 2)).shape
    torch.Size([1, 1, 4, 4])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


def _ntuple_pad(padding, n):
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    return tuple(padding)


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding, value=0.0):
        super().__init__()
        self.padding = _ntuple_pad(padding, self._n)
        self.value = value

    def forward(self, input):
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstPad(_PadNd):
    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad(_PadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


def _make_pad(name, base, n, mode, doc):
    cls = type(name, (base,), {"_n": n, "_mode": mode, "__doc__": doc, "__module__": __name__})
    return cls


ZeroPad1d = _make_pad("ZeroPad1d", _ZeroPad, 1, "constant", "Pad the last dim with zeros.\n\n    >>> ember.nn.ZeroPad1d(1)(ember.ones(1, 2)).shape\n    torch.Size([1, 4])\n    ")
ZeroPad2d = _make_pad("ZeroPad2d", _ZeroPad, 2, "constant", "Pad the last two dims with zeros.\n\n    >>> ember.nn.ZeroPad2d(1)\n    ZeroPad2d((1, 1, 1, 1))\n    ")
ZeroPad3d = _make_pad("ZeroPad3d", _ZeroPad, 3, "constant", "Pad the last three dims with zeros.\n\n    >>> ember.nn.ZeroPad3d(1)(ember.ones(1, 1, 1, 1)).shape\n    torch.Size([1, 3, 3, 3])\n    ")
ConstantPad1d = _make_pad("ConstantPad1d", _ConstPad, 1, "constant", "Pad the last dim with a constant.\n\n    >>> ember.nn.ConstantPad1d((1, 2), 3.5)\n    ConstantPad1d(padding=(1, 2), value=3.5)\n    ")
ConstantPad2d = _make_pad("ConstantPad2d", _ConstPad, 2, "constant", "Pad the last two dims with a constant.\n\n    >>> ember.nn.ConstantPad2d(1, 2.0)(ember.ones(1, 1, 1)).sum().item()\n    17.0\n    ")
ConstantPad3d = _make_pad("ConstantPad3d", _ConstPad, 3, "constant", "Pad the last three dims with a constant.\n\n    >>> ember.nn.ConstantPad3d(1, 0.0)(ember.ones(1, 1, 1, 1)).shape\n    torch.Size([1, 3, 3, 3])\n    ")
ReflectionPad1d = _make_pad("ReflectionPad1d", _PadNd, 1, "reflect", "Reflect-pad the last dim.\n\n    >>> ember.nn.ReflectionPad1d(1)(ember.tensor([[1., 2., 3.]]))\n    tensor([[2., 1., 2., 3., 2.]])\n    ")
ReflectionPad2d = _make_pad("ReflectionPad2d", _PadNd, 2, "reflect", "Reflect-pad the last two dims.\n\n    >>> ember.nn.ReflectionPad2d(2)\n    ReflectionPad2d((2, 2, 2, 2))\n    ")
ReflectionPad3d = _make_pad("ReflectionPad3d", _PadNd, 3, "reflect", "Reflect-pad the last three dims.\n\n    >>> ember.nn.ReflectionPad3d(1)(ember.ones(1, 2, 2, 2)).shape\n    torch.Size([1, 4, 4, 4])\n    ")
ReplicationPad1d = _make_pad("ReplicationPad1d", _PadNd, 1, "replicate", "Edge-pad the last dim.\n\n    >>> ember.nn.ReplicationPad1d(1)(ember.tensor([[1., 2.]]))\n    tensor([[1., 1., 2., 2.]])\n    ")
ReplicationPad2d = _make_pad("ReplicationPad2d", _PadNd, 2, "replicate", "Edge-pad the last two dims.\n\n    >>> ember.nn.ReplicationPad2d(1)(ember.ones(1, 2, 2)).shape\n    torch.Size([1, 4, 4])\n    ")
ReplicationPad3d = _make_pad("ReplicationPad3d", _PadNd, 3, "replicate", "Edge-pad the last three dims.\n\n    >>> ember.nn.ReplicationPad3d(1)(ember.ones(1, 1, 1, 1)).shape\n    torch.Size([1, 3, 3, 3])\n    ")
CircularPad1d = _make_pad("CircularPad1d", _PadNd, 1, "circular", "Wrap-pad the last dim.\n\n    >>> ember.nn.CircularPad1d(1)(ember.tensor([[1., 2., 3.]]))\n    tensor([[3., 1., 2., 3., 1.]])\n    ")
CircularPad2d = _make_pad("CircularPad2d", _PadNd, 2, "circular", "Wrap-pad the last two dims.\n\n    >>> ember.nn.CircularPad2d(1)\n    CircularPad2d((1, 1, 1, 1))\n    ")
CircularPad3d = _make_pad("CircularPad3d", _PadNd, 3, "circular", "Wrap-pad the last three dims.\n\n    >>> ember.nn.CircularPad3d(1)(ember.ones(1, 2, 2, 2)).shape\n    torch.Size([1, 4, 4, 4])\n    ")


class Unfold(Module):
    """Extract sliding blocks (see ``F.unfold``).

    >>> ember.nn.Unfold(2)
    Unfold(kernel_size=2, dilation=1, padding=0, stride=1)
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """Sum sliding blocks into an image (see ``F.fold``).

    >>> ember.nn.Fold((4, 4), 2)
    Fold(output_size=(4, 4), kernel_size=2, dilation=1, padding=0, stride=1)
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, *) in training (identity in eval).

    >>> ember.nn.FeatureAlphaDropout(0.2).eval()(ember.ones(1, 2, 2)).sum()
    tensor(4.)
    """

    _fn = staticmethod(F.feature_alpha_dropout)


__all__ += ["FeatureAlphaDropout"]
