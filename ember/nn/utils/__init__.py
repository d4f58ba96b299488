"""``torch.nn.utils``: gradient clipping and parameter flattening.

>>> callable(ember.nn.utils.clip_grad_norm_)
True
"""
from .clip_grad import (clip_grad_norm_, clip_grad_norm, clip_grad_value_, get_total_norm,  # noqa: F401
                        clip_grads_with_norm_, parameters_to_vector, vector_to_parameters)
from . import rnn  # noqa: F401
from .weight_norm import weight_norm, remove_weight_norm  # noqa: F401
from .spectral_norm import spectral_norm, remove_spectral_norm  # noqa: F401
from .fusion import (fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval,  # noqa: F401
                     fuse_linear_bn_weights)
from .init import skip_init  # noqa: F401
from .memory_format import (convert_conv2d_weight_memory_format,  # noqa: F401
                            convert_conv3d_weight_memory_format)
from . import parametrize, parametrizations, stateless, fusion, clip_grad  # noqa: F401
from . import prune  # noqa: F401
