"""Stateless neural-network functions, ``torch.nn.functional`` (``F``).

>>> import ember.nn.functional as F
>>> F.relu(ember.tensor([-1., 2.]))
tensor([0., 2.])
"""
from ..ops.nn import softmax_cross_entropy as _nn
from ..ops.nn.linear import linear as _linear
from ..ops.elementwise.basic_math import relu as _relu
from .functional_act import _implicit_softmax_dim

from .functional_conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,  # noqa: F401
                              conv_transpose3d, pad)
from .functional_act import (relu6, hardtanh, leaky_relu, prelu, rrelu, elu, selu, celu, gelu,  # noqa: F401
                             silu, mish, softplus, softsign, hardsigmoid, hardswish, logsigmoid,
                             tanhshrink, softshrink, hardshrink, threshold, glu, sigmoid, tanh)
from .functional_dropout import dropout, dropout1d, dropout2d, dropout3d, alpha_dropout  # noqa: F401
from .functional_embedding import embedding, one_hot  # noqa: F401
from .functional_pairwise import cosine_similarity, pairwise_distance, pdist, bilinear  # noqa: F401
from .functional_spatial import pixel_shuffle, pixel_unshuffle, interpolate, upsample, unfold, fold  # noqa: F401
from .functional_loss import (l1_loss, mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                              huber_loss, smooth_l1_loss, kl_div, margin_ranking_loss, hinge_embedding_loss,
                              cosine_embedding_loss, triplet_margin_loss, multilabel_soft_margin_loss,
                              gaussian_nll_loss, poisson_nll_loss, soft_margin_loss)
from .functional_norm import (batch_norm, layer_norm, group_norm, instance_norm,  # noqa: F401
                              local_response_norm, normalize)
from .functional_pool import (max_pool1d, max_pool2d, max_pool3d, avg_pool1d, avg_pool2d,  # noqa: F401
                              avg_pool3d, adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,
                              adaptive_max_pool1d, adaptive_max_pool2d, max_unpool1d, max_unpool2d)
from .functional_attn import (scaled_dot_product_attention, multi_head_attention_forward,  # noqa: F401
                              _canonical_mask, _none_or_dtype, _mha_shape_check)
from .functional_margin import (multi_margin_loss, multilabel_margin_loss,  # noqa: F401
                               triplet_margin_with_distance_loss)
from .functional_ctc import ctc_loss  # noqa: F401
from .functional_embedding_bag import embedding_bag  # noqa: F401
from .functional_sampling import grid_sample, affine_grid, upsample_nearest, upsample_bilinear  # noqa: F401
from .functional_sampling import GRID_SAMPLE_INTERPOLATION_MODES, GRID_SAMPLE_PADDING_MODES  # noqa: F401
from .functional_pool_indexed import (max_pool1d_with_indices, max_pool2d_with_indices,  # noqa: F401
                                      max_pool3d_with_indices, adaptive_max_pool3d,
                                      adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                                      adaptive_max_pool3d_with_indices, max_unpool3d, fractional_max_pool2d,
                                      fractional_max_pool2d_with_indices, fractional_max_pool3d,
                                      fractional_max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d)
from .functional_inplace import (relu_, elu_, celu_, selu_, leaky_relu_, hardtanh_, rrelu_,  # noqa: F401
                                 threshold_)
from .functional_norm import rms_norm  # noqa: F401
from .functional_spatial import channel_shuffle, native_channel_shuffle  # noqa: F401
from .functional_stochastic import feature_alpha_dropout, gumbel_softmax  # noqa: F401
from .functional_dispatch import (has_torch_function, has_torch_function_unary,  # noqa: F401
                                  has_torch_function_variadic, handle_torch_function, boolean_dispatch,
                                  assert_int_or_pair, BroadcastingList1, BroadcastingList2,
                                  BroadcastingList3, Tensor, TYPE_CHECKING)
from .functional_dispatch import reproducibility_notes, sparse_support_notes, tf32_notes  # noqa: F401
from .functional_conv_tbc import conv_tbc  # noqa: F401
from .functional_linear_ce import linear_cross_entropy  # noqa: F401

__all__ = ["linear", "relu", "softmax", "log_softmax", "softmin", "cross_entropy", "nll_loss",
           "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "pad",
           "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "max_unpool1d", "max_unpool2d",
           "relu6", "hardtanh", "leaky_relu", "prelu", "rrelu", "elu", "selu", "celu", "gelu", "silu",
           "mish", "softplus", "softsign", "hardsigmoid", "hardswish", "logsigmoid", "tanhshrink",
           "softshrink", "hardshrink", "threshold", "glu", "sigmoid", "tanh",
           "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "embedding", "one_hot",
           "cosine_similarity", "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle",
           "interpolate", "upsample", "unfold", "fold", "bilinear",
           "l1_loss", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "huber_loss",
           "smooth_l1_loss", "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "triplet_margin_loss", "multilabel_soft_margin_loss", "gaussian_nll_loss", "poisson_nll_loss",
           "soft_margin_loss",
           "batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm", "normalize",
           "scaled_dot_product_attention", "multi_head_attention_forward"]
__all__ += ["multi_margin_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss",
            "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices", "adaptive_max_pool3d",
            "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
            "max_unpool3d", "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
            "fractional_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d", "embedding_bag",
            "grid_sample", "affine_grid", "upsample_nearest", "upsample_bilinear"]
__all__ += ["relu_", "elu_", "celu_", "selu_", "leaky_relu_", "hardtanh_", "rrelu_", "threshold_",
            "rms_norm", "channel_shuffle", "native_channel_shuffle", "feature_alpha_dropout", "gumbel_softmax"]
__all__ += ["conv_tbc", "linear_cross_entropy"]


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``.

    >>> F.linear(ember.ones(1, 2), ember.ones(3, 2)).shape
    torch.Size([1, 3])
    """
    return _linear(input, weight, bias)


def relu(input, inplace=False):
    """Rectified linear unit, ``max(input, 0)``.

    >>> F.relu(ember.tensor([-1., 1.]), inplace=False)
    tensor([0., 1.])
    """
    return input.relu_() if inplace else _relu(input)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Softmax along ``dim`` (stable: the max is subtracted first).

    >>> F.softmax(ember.tensor([[1., 1.]]), dim=1)
    tensor([[0.5000, 0.5000]])
    """
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.dim(), _stacklevel)
    return _nn.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Log of softmax along ``dim``, computed without forming the softmax.

    >>> F.log_softmax(ember.tensor([[0., 0.]]), dim=1)
    tensor([[-0.6931, -0.6931]])
    """
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _nn.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input)``.

    >>> F.softmin(ember.tensor([0., 0.]), dim=0)
    tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _implicit_softmax_dim("softmin", input.dim(), _stacklevel)
    return _nn.softmax(-input, dim, dtype)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits (N, C, ...) against class indices or class probabilities.

    >>> F.cross_entropy(ember.tensor([[2., 0.5, 0.1]]), ember.tensor([0]))
    tensor(0.3168)
    """
    return _nn.cross_entropy(input, target, weight, size_average, ignore_index, reduce, reduction,
                             label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities (N, C, ...) at the target classes.

    >>> F.nll_loss(ember.tensor([[-0.1, -2.0]]), ember.tensor([1]))
    tensor(2.)
    """
    return _nn.nll_loss(input, target, weight, size_average, ignore_index, reduce, reduction)
