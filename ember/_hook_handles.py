"""The handle ``register_hook`` and the other hook registrations return (``handle.remove()``),
shared by ``_tensor`` and ``autograd.function``.

>>> from ember._hook_handles import _add_hook
>>> hooks = {}
>>> h = _add_hook(hooks, print)
>>> len(hooks), h.remove(), len(hooks)
(1, None, 0)
"""


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook away again."""

    __module__ = "ember.utils.hooks"   # where PyTorch programs find it (torch.utils.hooks)

    __slots__ = ("_dict", "_key")
    _next = [0]

    def __init__(self, d):
        self._dict = d
        RemovableHandle._next[0] += 1
        self._key = RemovableHandle._next[0]

    def remove(self):
        self._dict.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(d, fn):
    h = RemovableHandle(d)
    d[h._key] = fn
    return h
