"""``ChannelShuffle``: interleave groups of channels (ShuffleNet).

>>> ember.nn.ChannelShuffle(2)(ember.arange(4.).reshape(1, 4, 1)).flatten()
tensor([0., 2., 1., 3.])
"""
from .module import Module
from .. import functional as F

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """Split the C channels of (N, C, *) into ``groups`` and interleave them.

    >>> ember.nn.ChannelShuffle(3)
    ChannelShuffle(groups=3)
    """

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
