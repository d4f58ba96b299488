"""``torchvision.ops.drop_block``: DropBlock, dropout of contiguous square (cube) regions.

Seeds are drawn with probability ``gamma`` where a whole block fits, each seed is grown to a
``block_size`` block by a stride-1 max pool, the blocks are zeroed, and the survivors are
rescaled by ``numel / (eps + kept)``.

>>> from ember.vision.ops import drop_block2d
>>> drop_block2d(ember.ones(1, 1, 4, 4), 0.5, 3, training=False).sum().item()
16.0
"""
import ember
from ... import nn

__all__ = ["drop_block2d", "drop_block3d", "DropBlock2d", "DropBlock3d"]


def _drop_block(input, p, block_size, inplace, eps, training, nd):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}.")
    if input.ndim != nd + 2:
        raise ValueError(f"input should be {nd + 2} dimensional. Got {input.ndim} dimensions.")
    if not training or p == 0.0:
        return input
    sizes = tuple(input.shape[2:])
    block_size = min((block_size,) + sizes)
    if block_size % 2 == 0:
        raise ValueError(f"block size should be odd. Got {block_size} which is even.")
    fits = [s - block_size + 1 for s in sizes]
    volume = 1
    for s in sizes:
        volume *= s
    valid = 1
    for f in fits:
        valid *= f
    gamma = p * volume / (block_size ** nd * valid)
    noise = ember.empty(tuple(input.shape[:2]) + tuple(fits), dtype=input.dtype).bernoulli_(gamma)
    half = block_size // 2
    noise = nn.functional.pad(noise, [half] * (2 * nd), value=0)
    pool = nn.functional.max_pool2d if nd == 2 else nn.functional.max_pool3d
    noise = 1 - pool(noise, stride=(1,) * nd, kernel_size=(block_size,) * nd, padding=half)
    scale = noise.numel() / (eps + noise.sum())
    if inplace:
        return input.mul_(noise).mul_(scale)
    return input * noise * scale


def drop_block2d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``[N, C, H, W]``: zero ``block_size x block_size`` regions (``block_size``
    odd, capped at the spatial size) so that about a fraction ``p`` of the input is dropped.

    >>> from ember.vision.ops import drop_block2d
    >>> _ = ember.manual_seed(0)
    >>> drop_block2d(ember.ones(1, 1, 5, 5), 0.3, 3).shape
    torch.Size([1, 1, 5, 5])
    """
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``[N, C, D, H, W]`` with cubic blocks.

    >>> from ember.vision.ops import drop_block3d
    >>> drop_block3d(ember.ones(1, 1, 3, 3, 3), 0.3, 3, training=False).sum().item()
    27.0
    """
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(nn.Module):
    """Module form of :func:`drop_block2d` (active in training mode).

    >>> from ember.vision.ops import DropBlock2d
    >>> DropBlock2d(0.1, 3)
    DropBlock2d(p=0.1, block_size=3, inplace=False)
    """

    def __init__(self, p, block_size, inplace=False, eps=1e-06):
        super().__init__()
        self.p = p
        self.block_size = block_size
        self.inplace = inplace
        self.eps = eps

    def forward(self, input):
        return drop_block2d(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, block_size={self.block_size}, inplace={self.inplace})"


class DropBlock3d(DropBlock2d):
    """Module form of :func:`drop_block3d` (active in training mode).

    >>> from ember.vision.ops import DropBlock3d
    >>> DropBlock3d(0.1, 3).eval()(ember.ones(1, 1, 2, 2, 2)).sum().item()
    8.0
    """

    def forward(self, input):
        return drop_block3d(input, self.p, self.block_size, self.inplace, self.eps, self.training)
