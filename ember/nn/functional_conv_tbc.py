"""``conv_tbc``: a 1-D convolution over (time, batch, channels), the layout of the legacy
``torch.nn.functional.conv_tbc`` (fairseq's convolutions), computed with ``conv1d``.

>>> import ember.nn.functional as F
>>> F.conv_tbc(ember.ones(4, 1, 2), ember.ones(3, 2, 1), ember.zeros(1)).flatten()
tensor([6., 6.])
"""
from .functional_conv import conv1d


def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution of ``input`` (time, batch, in_channels) with ``weight``
    (kernel, in_channels, out_channels) and ``bias`` (out_channels), ``pad`` zeros on each
    side of the time axis; the result is (time', batch, out_channels).

    >>> F.conv_tbc(ember.ones(5, 2, 3), ember.ones(2, 3, 4), ember.zeros(4), 1).shape
    torch.Size([6, 2, 4])
    """
    if input.dim() != 3:
        raise RuntimeError(f"Input must have 3 dims: time, batch, in_channel, but got {input.dim()}")
    if weight.dim() != 3:
        raise RuntimeError(f"Weight tensor must have 3 dims: kernel_width, in_channels, out_channels, "
                           f"but got {weight.dim()}")
    if bias.dim() != 1:
        raise RuntimeError(f"Bias must be 1-D, but got {bias.dim()}")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError(f"Input dim 2 (input channels) is not == dim 1 in the weight tensor: "
                           f"{input.shape[2]} vs {weight.shape[1]}")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError(f"Bias size must equal dim 2 in the weight tensor (output channels): "
                           f"{bias.shape[0]} vs {weight.shape[2]}")
    y = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return y.permute(2, 0, 1)
