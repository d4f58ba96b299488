"""Converters for resampling and the rarer layers: interpolate (ONNX Resize), pixel (un)shuffle,
instance and local-response normalization, GLU, cumulative sums, gathers, top-k and ranges.

>>> from ember.onnx._registry import lookup_function
>>> lookup_function(ember.nn.functional.interpolate).__name__
'interpolate'
"""
from .._backend import np
from ._builder import Value
from ._convert_math import out_dtype
from ._registry import function, method, module

__all__ = []


@function("nn.functional.interpolate", "nn.functional.upsample")
def interpolate(b, input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize to the traced output size (batch and channels taken from the input at run time)."""
    if antialias:
        b.reject("interpolate(antialias=True)")
    spatial = [int(d) for d in b.out.shape[2:]]
    nc = b.op("Slice", [b.op("Shape", [input]), b.ints([0]), b.ints([2]), b.ints([0])])
    sizes = b.op("Concat", [nc, b.ints(spatial)], axis=0)
    attrs = {}
    if mode in ("nearest", "nearest-exact"):
        attrs = dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
        if mode == "nearest-exact":
            attrs.update(coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil")
    elif mode in ("linear", "bilinear", "trilinear", "bicubic"):
        attrs = dict(mode="cubic" if mode == "bicubic" else "linear",
                     coordinate_transformation_mode="align_corners" if align_corners else "pytorch_half_pixel")
        if mode == "bicubic":
            attrs["cubic_coeff_a"] = -0.75
    else:
        b.reject(f"interpolate(mode={mode!r})")
    return b.op("Resize", [input, None, None, sizes], **attrs)


@module("nn.Upsample", "nn.UpsamplingNearest2d", "nn.UpsamplingBilinear2d")
def upsample_module(b, m, input):
    align = getattr(m, "align_corners", None)
    return interpolate(b, input, m.size, m.scale_factor, m.mode, align)


@function("nn.functional.pixel_shuffle", "pixel_shuffle")
def pixel_shuffle(b, input, upscale_factor):
    if input.rank != 4:
        b.reject("pixel_shuffle on a tensor that is not 4-D")
    return b.op("DepthToSpace", [input], blocksize=int(upscale_factor), mode="CRD")


@function("nn.functional.pixel_unshuffle", "pixel_unshuffle")
def pixel_unshuffle(b, input, downscale_factor):
    if input.rank != 4:
        b.reject("pixel_unshuffle on a tensor that is not 4-D")
    r = int(downscale_factor)
    _, c, h, w = input.shape
    x = b.op("Reshape", [input, b.ints([0, c, h // r, r, w // r, r])])
    x = b.op("Transpose", [x], perm=[0, 1, 3, 5, 2, 4])
    return b.op("Reshape", [x, b.ints([0, c * r * r, h // r, w // r])])


@module("nn.PixelShuffle")
def pixel_shuffle_module(b, m, input):
    return pixel_shuffle(b, input, m.upscale_factor)


@module("nn.PixelUnshuffle")
def pixel_unshuffle_module(b, m, input):
    return pixel_unshuffle(b, input, m.downscale_factor)


@function("nn.functional.instance_norm", "instance_norm")
def instance_norm(b, input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05, *rest):
    if not use_input_stats:
        from ._convert_nn import batch_norm
        return batch_norm(b, input, running_mean, running_var, weight, bias, False, momentum, eps)
    c = input.shape[1]
    w = weight if weight is not None else b.const(np.ones(c, input.np_dtype))
    bb = bias if bias is not None else b.const(np.zeros(c, input.np_dtype))
    return b.op("InstanceNormalization", [input, w, bb], epsilon=float(eps))


@function("nn.functional.local_response_norm")
def local_response_norm(b, input, size, alpha=0.0001, beta=0.75, k=1.0):
    if size % 2 == 0:
        b.reject(f"local_response_norm with an even size ({size}): ONNX LRN centres its window "
                 "differently from PyTorch's for even sizes")
    return b.op("LRN", [input], size=int(size), alpha=float(alpha), beta=float(beta), bias=float(k))


@function("nn.functional.glu")
def glu(b, input, dim=-1):
    d = dim % input.rank
    half = input.shape[d] // 2
    a, g = b.split(input, [half, half], d)
    return b.op("Mul", [a, b.op("Sigmoid", [g])])


@function("cumsum")
@method("cumsum")
def cumsum(b, input, dim, *, dtype=None):
    x = b.cast(input, out_dtype(b))
    return b.op("CumSum", [x, b.const(np.asarray(dim % max(input.rank, 1), dtype=np.int64))])


@function("gather")
@method("gather")
def gather(b, input, dim, index, *, sparse_grad=False):
    return b.op("GatherElements", [input, b.cast(index, np.int64)], axis=dim % input.rank)


@function("topk")
@method("topk")
def topk(b, input, k, dim=-1, largest=True, sorted=True):
    kk = b.shape_tensor([k])
    vals, idx = b.op("TopK", [input, kk], n_out=2, axis=dim % input.rank, largest=int(largest),
                     sorted=int(sorted))
    return vals, idx


@function("arange")
def arange(b, start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    dt = out_dtype(b)
    parts = [b.cast(v, dt) if isinstance(v, Value) else b.const(np.asarray(v, dt)) for v in (start, end, step)]
    parts = [b.squeeze(p, [0]) if isinstance(p, Value) and p.rank == 1 else p for p in parts]
    return b.op("Range", parts)


@module("nn.InstanceNorm1d", "nn.InstanceNorm2d", "nn.InstanceNorm3d")
def instance_norm_module(b, m, input):
    p = (lambda n: None if getattr(m, n, None) is None else b.param(getattr(m, n), n))
    use_stats = m.training or not m.track_running_stats
    return instance_norm(b, input, p("running_mean"), p("running_var"), p("weight"), p("bias"), use_stats,
                         m.momentum, m.eps)


@module("nn.LocalResponseNorm")
def local_response_norm_module(b, m, input):
    return local_response_norm(b, input, m.size, m.alpha, m.beta, m.k)


@module("nn.GLU")
def glu_module(b, m, input):
    return glu(b, input, m.dim)
