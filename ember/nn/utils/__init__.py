"""``torch.nn.utils``: gradient clipping and parameter flattening.

>>> callable(ember.nn.utils.clip_grad_norm_)
True
"""
from .clip_grad import (clip_grad_norm_, clip_grad_norm, clip_grad_value_, get_total_norm,  # noqa: F401
                        clip_grads_with_norm_, parameters_to_vector, vector_to_parameters)
from . import rnn  # noqa: F401
