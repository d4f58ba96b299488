"""``torch.distributed.GradBucket``: what a DDP communication hook receives.

A bucket holds the flattened gradients of some parameters (``buffer()``, in the bucket's
parameter order); the hook returns a :class:`~ember.futures.Future` whose value is the tensor
DDP copies back into those gradients.

>>> from ember.distributed import GradBucket
>>> w = ember.nn.Parameter(ember.ones(2, 2)); w.grad = ember.full((2, 2), 3.0)
>>> b = GradBucket(0, [w], is_last=True)
>>> b.buffer(), b.is_last()
(tensor([3., 3., 3., 3.]), True)
"""
from .._backend import np

__all__ = ["GradBucket"]


class GradBucket:
    """One bucket of gradients handed to a comm hook: ``index()``, ``buffer()``, ``gradients()``,
    ``parameters()``, ``is_last()``, ``set_buffer(tensor)``."""

    def __init__(self, index, params, is_last=False, dtype=None):
        from .._tensor import _wrap
        self._index, self._params, self._last = index, list(params), is_last
        dtype = dtype or self._params[0]._data.dtype
        parts = [np.zeros(p._data.size, dtype) if p.grad is None else p.grad._data.reshape(-1)
                 for p in self._params]
        self._buffer = _wrap(np.concatenate(parts).astype(dtype, copy=False) if len(parts) > 1
                             else parts[0].astype(dtype, copy=True))

    def index(self):
        """The bucket's position (0 is the first bucket reduced, the last parameters)."""
        return self._index

    def buffer(self):
        """The flattened gradients, one 1-D tensor (hooks may change it in place)."""
        return self._buffer

    def set_buffer(self, buffer):
        """Replace the bucket's tensor."""
        self._buffer = buffer

    def gradients(self):
        """The gradients as views of ``buffer()``, one per parameter, in their shapes."""
        out, k = [], 0
        for p in self._params:
            n = p._data.size
            out.append(self._buffer[k:k + n].view(p.shape))
            k += n
        return out

    def parameters(self):
        """The bucket's parameters, in the order of ``buffer()``."""
        return list(self._params)

    def is_last(self):
        """True for the last bucket reduced in an iteration (the first parameters)."""
        return self._last

    def __repr__(self):
        return f"GradBucket(index={self._index}, numel={self._buffer.numel()})"
