"""The native entry points PyTorch exposes at top level for CTC loss, embedding bags, grid
sampling, affine grids and indexed 1-D pooling (``torch.ctc_loss``, ``torch.embedding_bag``,
``torch.grid_sampler``, ...). They take ATen's argument forms (enums as ints, tuples as
results) and call the ``ember.nn.functional`` implementations.

>>> ember.max_pool1d_with_indices(ember.tensor([[[1., 3., 2., 5.]]]), 2)
(tensor([[[3., 5.]]]), tensor([[[1, 3]]]))
"""
from .._backend import np
from .._tensor import _wrap
from .functional_ctc import ctc_loss as _ctc_loss
from .functional_embedding_bag import embedding_bag as _embedding_bag, _bags
from .functional_pool import _adaptive_max, _max_poolnd
from .functional_sampling import (grid_sample as _grid_sample, affine_grid as _affine_grid,
                                  GRID_SAMPLE_INTERPOLATION_MODES, GRID_SAMPLE_PADDING_MODES)

__all__ = ["ctc_loss", "embedding_bag", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d",
           "affine_grid_generator", "max_pool1d_with_indices", "adaptive_max_pool1d"]

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}
_MODES = tuple(GRID_SAMPLE_INTERPOLATION_MODES)
_PADDINGS = tuple(GRID_SAMPLE_PADDING_MODES)
_BAG_MODES = ("sum", "mean", "max")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """``F.ctc_loss`` with ``reduction`` as ATen's int (0 none, 1 mean, 2 sum).

    >>> ember.ctc_loss(ember.full((2, 1, 2), 0.5).log(), ember.tensor([[1]]), [2], [1], 0, 0)
    tensor([0.2877])
    """
    return _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _REDUCTIONS[int(reduction)],
                     zero_infinity)


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """ATen's embedding bag: ``mode`` 0 sum, 1 mean, 2 max; returns (output, offset2bag,
    bag_size, max_indices) like PyTorch's CPU kernel (the last three describe the bags).

    >>> out, *_ = ember.embedding_bag(ember.eye(3), ember.tensor([0, 2, 1]), ember.tensor([0, 2]), False, 0)
    >>> out
    tensor([[1., 0., 1.],
            [0., 1., 0.]])
    """
    name = _BAG_MODES[int(mode)]
    out = _embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq, name, sparse, per_sample_weights,
                         include_last_offset, padding_idx)
    flat, _, starts, B = _bags(indices, offsets, None, include_last_offset)
    idx = flat._data.astype(np.int64)
    n = weight.shape[0]
    pad = None if padding_idx is None else padding_idx % n
    bag = (np.searchsorted(starts, np.arange(idx.size), side="right") - 1).astype(np.int64)
    keep = np.ones(idx.size, dtype=bool) if pad is None else idx != pad
    sizes = np.bincount(bag[keep & (bag >= 0)], minlength=B).astype(np.int64)
    offset2bag = bag if (name != "sum" or pad is not None) else np.zeros(0, dtype=np.int64)
    if name == "sum":
        return out, _wrap(offset2bag), _wrap(np.zeros(B, dtype=np.int64)), _wrap(np.zeros(B, dtype=np.int64))
    if name == "mean":
        return out, _wrap(offset2bag), _wrap(sizes), _wrap(sizes.copy())
    w = weight._data
    best = np.zeros((B, w.shape[1]), dtype=np.int64)
    for b in range(B):
        sel = idx[(bag == b) & keep]
        if sel.size:
            best[b] = sel[np.argmax(w[sel], axis=0)]
    return out, _wrap(offset2bag), _wrap(sizes), _wrap(best)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """``F.grid_sample`` with ATen's int enums (mode 0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection).

    >>> ember.grid_sampler(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), 0, 0, False)
    tensor([[[[1.]]]])
    """
    return _grid_sample(input, grid, _MODES[int(interpolation_mode)], _PADDINGS[int(padding_mode)],
                        bool(align_corners))


def _sampler_nd(nd, input, grid, interpolation_mode, padding_mode, align_corners):
    if input.dim() != nd + 2 or grid.dim() != nd + 2:
        raise RuntimeError(f"grid_sampler(): expected {nd + 2}D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """:func:`grid_sampler` for 4-D input only.

    >>> ember.grid_sampler_2d(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), 1, 0, False)
    tensor([[[[1.]]]])
    """
    return _sampler_nd(2, input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """:func:`grid_sampler` for 5-D input only.

    >>> ember.grid_sampler_3d(ember.ones(1, 1, 2, 2, 2), ember.zeros(1, 1, 1, 1, 3), 0, 0, False)
    tensor([[[[[1.]]]]])
    """
    return _sampler_nd(3, input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta, size, align_corners):
    """``F.affine_grid`` with ``align_corners`` required.

    >>> ember.affine_grid_generator(ember.tensor([[[1., 0., 0.], [0., 1., 0.]]]), [1, 1, 1, 2], True)
    tensor([[[[-1.,  0.],
              [ 1.,  0.]]]])
    """
    return _affine_grid(theta, size, bool(align_corners))


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """1-D max pooling returning (values, indices).

    >>> ember.max_pool1d_with_indices(ember.tensor([[[4., 3., 2., 5.]]]), 2)[1]
    tensor([[[0, 3]]])
    """
    return _max_poolnd(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d(input, output_size):
    """Adaptive 1-D max pooling returning (values, indices), as ``torch.adaptive_max_pool1d``.

    >>> ember.adaptive_max_pool1d(ember.tensor([[[1., 5., 3., 4., 2.]]]), 2)
    (tensor([[[5., 4.]]]), tensor([[[1, 3]]]))
    """
    return _adaptive_max(1, input, output_size, True)
