"""``torch.nn.utils.convert_conv2d_weight_memory_format`` / ``..._conv3d_...``. ember keeps
every array in one (row-major) layout, so the conversion changes nothing and returns the module.

>>> m = ember.nn.Conv2d(1, 1, 1)
>>> ember.nn.utils.convert_conv2d_weight_memory_format(m, None) is m
True
"""

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module, memory_format):
    """Return ``module`` unchanged (ember has no channels-last layout for weights).

    >>> s = ember.nn.Sequential(ember.nn.Conv2d(1, 1, 1))
    >>> ember.nn.utils.convert_conv2d_weight_memory_format(s, None) is s
    True
    """
    return module


def convert_conv3d_weight_memory_format(module, memory_format):
    """Return ``module`` unchanged (ember has no channels-last-3d layout for weights).

    >>> m = ember.nn.Conv3d(1, 1, 1)
    >>> ember.nn.utils.convert_conv3d_weight_memory_format(m, None) is m
    True
    """
    return module
