"""Saved-tensor hooks: ``torch.autograd.graph.saved_tensors_hooks`` and friends.

While a ``saved_tensors_hooks(pack_hook, unpack_hook)`` block is open (in this thread), every
tensor an op saves for backward is handed to ``pack_hook`` once, when it is saved, and what that
returns is kept in its place; backward calls ``unpack_hook`` on it to get the tensor back.
Ops check one flag (``saved._hooks_on``) to learn whether any hooks are open at all.

>>> log = []
>>> def pack(t):
...     log.append("pack"); return t
>>> def unpack(t):
...     log.append("unpack"); return t
>>> x = ember.tensor([1., 2.], requires_grad=True)
>>> with ember.autograd.graph.saved_tensors_hooks(pack, unpack):
...     y = x.sin().sum()
>>> y.backward(); log
['pack', 'unpack']
"""
import threading

from .grad_mode import no_grad
from .saved import _FREED, _FREED_MSG, _Packed, _Saved, _hooks_on, _unpack

_tls = threading.local()  # .stack: open (pack, unpack) pairs; .disabled: message or None


def _stack():
    s = getattr(_tls, "stack", None)
    if s is None:
        s = _tls.stack = []
    return s


def _pack_saved(node):
    """Pass each tensor ``node`` saved through this thread's innermost pack hook."""
    s = _stack()
    if not s:
        return
    pack, unpack = s[-1]
    ents = list(node._saved)
    with no_grad():  # as PyTorch: a pack hook runs with grad mode off
        for i, e in enumerate(ents):
            if e.__class__ is _Saved:
                ents[i] = _Packed(pack(_unpack(node, e)), unpack, e[0], e[4])  # kind, out_nr
    node._saved = ents


class saved_tensors_hooks:  # noqa: N801 - PyTorch's name
    """Context manager: tensors saved for backward inside it go through ``pack_hook`` when
    saved and ``unpack_hook`` when backward needs them (per thread; the innermost wins).

    >>> x = ember.tensor([2.], requires_grad=True)
    >>> with ember.autograd.graph.saved_tensors_hooks(lambda t: t * 10, lambda t: t / 10):
    ...     y = x * x
    >>> y.backward(); x.grad
    tensor([4.])
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        msg = getattr(_tls, "disabled", None)
        if msg is not None:
            raise RuntimeError(msg)
        _stack().append((self.pack_hook, self.unpack_hook))
        _hooks_on[0] += 1
        return self

    def __exit__(self, *exc):
        _stack().pop()
        _hooks_on[0] -= 1
        return False


class disable_saved_tensors_hooks:  # noqa: N801 - PyTorch's name
    """Context manager (or decorator) in which opening ``saved_tensors_hooks`` raises
    ``RuntimeError(error_message)``.

    >>> with ember.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
    ...     try:
    ...         with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
    ...             pass
    ...     except RuntimeError as e:
    ...         print(e)
    no hooks here
    """

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        self._prev = getattr(_tls, "disabled", None)
        _tls.disabled = self.error_message
        return self

    def __exit__(self, *exc):
        _tls.disabled = self._prev
        return False

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with disable_saved_tensors_hooks(self.error_message):
                return fn(*args, **kwargs)
        wrapper.__name__ = getattr(fn, "__name__", "wrapper")
        wrapper.__doc__ = getattr(fn, "__doc__", None)
        return wrapper


class SavedTensor:
    """One tensor a node saved for backward (``grad_fn._raw_saved_tensors``), on which one
    pair of pack/unpack hooks can be registered.

    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> y = x.exp()
    >>> saved = y.grad_fn._raw_saved_tensors[0]
    >>> saved.register_hooks(lambda t: t.tolist(), lambda p: ember.tensor(p))
    >>> y.sum().backward(); x.grad.allclose(y.detach())
    True
    """

    def __init__(self, node=None, index=0):
        self._node = node
        self._index = index

    def _entry(self):
        if self._node is None:
            raise RuntimeError("This SavedTensor is not attached to a node")
        s = self._node._saved
        if s is _FREED:
            raise RuntimeError(_FREED_MSG)
        return s[self._index]

    def register_hooks(self, pack_hook, unpack_hook):
        """Pack the saved tensor now with ``pack_hook``; ``unpack_hook`` gives it back in backward."""
        if not callable(pack_hook) or not callable(unpack_hook):
            raise TypeError("register_hooks(): incompatible function arguments: pack_hook and "
                            "unpack_hook must be callables")
        e = self._entry()
        if e is None:
            raise RuntimeError("Calling register_hooks on a saved tensor with value None is forbidden")
        if e.__class__ is _Packed:
            raise RuntimeError("Calling register_hooks on a saved tensor whose hooks have already been "
                               "set. Hint: only one pair of hooks is allowed at a time.")
        node = self._node
        with no_grad():
            kind, out_nr = (e[0], e[4]) if e.__class__ is _Saved else (0, 0)
            packed = _Packed(pack_hook(_unpack(node, e)), unpack_hook, kind, out_nr)
        ents = list(node._saved)
        ents[self._index] = packed
        node._saved = ents

    def unpack(self):
        """The saved tensor (through its unpack hook, if one is set)."""
        return _unpack(self._node, self._entry())

    @property
    def data(self):
        """The saved tensor's value, unpacked."""
        return self.unpack()

    @property
    def unpack_hook(self):
        """The registered unpack hook, or None."""
        e = self._entry()
        return e.unpack_hook if e.__class__ is _Packed else None
