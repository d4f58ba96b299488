"""Spatial sampling functions of ``ember.nn.functional``: ``grid_sample`` and ``affine_grid``
(spatial transformer networks), and the deprecated ``upsample_nearest``/``upsample_bilinear``.

>>> import ember.nn.functional as F
>>> theta = ember.tensor([[[1., 0., 0.], [0., 1., 0.]]])
>>> x = ember.arange(4.).reshape(1, 1, 2, 2)
>>> F.grid_sample(x, F.affine_grid(theta, (1, 1, 2, 2), align_corners=False), align_corners=False)
tensor([[[[0., 1.],
          [2., 3.]]]])
"""
import warnings

from .._backend import np
from .._tensor import _wrap
from ..ops.nn.grid_sample import grid_sample_op
from .functional_spatial import interpolate

__all__ = ["grid_sample", "affine_grid", "upsample_nearest", "upsample_bilinear"]

GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}

_DEFAULT_MSG = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please "
                "specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for "
                "details.")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample ``input`` (N, C, H, W) or (N, C, D, H, W) at the normalised points of ``grid``
    (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3), whose last axis is (x, y[, z]) in [-1, 1].

    >>> x = ember.arange(4.).reshape(1, 1, 2, 2)
    >>> F.grid_sample(x, ember.tensor([[[[0., 0.], [1., 1.]]]]), align_corners=True)
    tensor([[[[1.5000, 3.0000]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_DEFAULT_MSG, stacklevel=2)
        align_corners = False
    x, g = input._data, grid._data
    sizes = f"input with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
    if x.ndim not in (4, 5) or g.ndim != x.ndim or g.shape[0] != x.shape[0]:
        if x.ndim == g.ndim and x.ndim not in (4, 5):
            raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, "
                               f"but got {sizes}")
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got {sizes}")
    nd = x.ndim - 2
    if g.shape[-1] != nd:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid with "
                           f"sizes {list(g.shape)}")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"grid_sampler_{nd}d_cpu\" not implemented for '{input.type()}'")
    if g.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype} but found {grid.dtype}")
    if mode == "bicubic" and nd == 3:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    for L in x.shape[2:]:
        if L == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(x.shape)} with dimension 2 being empty")
    return grid_sample_op(input, grid, mode, padding_mode, align_corners)


def _base_axis(n, align_corners, dtype):
    """Normalised coordinates of ``n`` pixel centres (or corners) along one axis."""
    if n <= 1:
        return np.zeros(n, dtype=dtype)
    a = np.linspace(-1, 1, n, dtype=dtype)
    return a if align_corners else a * dtype.type((n - 1) / n)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of affine maps ``theta`` (N, 2, 3) or (N, 3, 4) for an output of
    ``size`` (N, C, H, W) or (N, C, D, H, W): each output point's normalised coordinates, mapped.

    >>> F.affine_grid(ember.tensor([[[1., 0., 0.], [0., 1., 0.]]]), (1, 1, 1, 2), align_corners=True)
    tensor([[[[-1.,  0.],
              [ 1.,  0.]]]])
    """
    if align_corners is None:
        warnings.warn(_DEFAULT_MSG, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {list(size)}. Got "
                             f"{theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {list(size)}. Got "
                             f"{theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, "
                           f"{theta.shape[2]}] but got: [{theta.shape[0]}, {theta.shape[2]}].")
    dt = theta._data.dtype
    axes = [_base_axis(n, align_corners, dt) for n in spatial]         # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")
    base = np.stack([m.ravel() for m in reversed(mesh)] + [np.ones(mesh[0].size, dtype=dt)], axis=-1)
    grid = _wrap(base).matmul(theta.transpose(1, 2))                   # (N, prod(spatial), nd)
    return grid.reshape((size[0],) + tuple(spatial) + (len(spatial),))


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode="nearest")``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample_nearest(ember.tensor([[[1., 2.]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample_bilinear(ember.tensor([[[[0., 1.]]]]), size=(1, 3))
    tensor([[[[0.0000, 0.5000, 1.0000]]]])
    """
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
