"""``torch.nn.attention``: choosing the scaled-dot-product-attention backend.

ember has one SDPA implementation (the math one, on BLAS), so ``sdpa_kernel`` accepts any
backend list and changes nothing.

>>> from ember.nn.attention import *
>>> import ember
>>> from ember.nn.attention import sdpa_kernel, SDPBackend
>>> with sdpa_kernel(SDPBackend.MATH):
...     ember.nn.functional.scaled_dot_product_attention(ember.ones(1, 2, 4), ember.ones(1, 2, 4),
...                                                      ember.ones(1, 2, 4)).shape
torch.Size([1, 2, 4])
"""
import contextlib
import enum

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    """The SDPA backends PyTorch can pick (ember always computes with ``MATH``).

    >>> from ember.nn.attention import *
    >>> SDPBackend.MATH.name
    'MATH'
    """
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Restrict SDPA to ``backends`` inside the block (ember's single backend serves them all).

    >>> from ember.nn.attention import *
    >>> with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):
    ...     pass
    """
    if not isinstance(backends, (list, tuple, set)):
        backends = [backends]
    for b in backends:
        if not isinstance(b, SDPBackend):
            raise ValueError(f"Backend must be an instance of SDPBackend, got {type(b).__name__}")
    yield
