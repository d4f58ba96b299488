"""``with torch.device(...)`` and meta placeholders.

ember computes on the cpu. A ``cpu`` block changes nothing; any device other than cpu
and meta raises RuntimeError, as ``set_default_device`` does.

Inside a ``meta`` block (Hugging Face ``from_pretrained`` builds a model in one, then
loads its weights), and with ``device="meta"``, the factories ``tensor``, ``zeros``,
``ones``, ``empty``, ``full`` and ``arange`` make *meta placeholders*: tensors whose
``device`` is ``meta``, that ``nn.Parameter`` keeps as meta, and that ``nn.init``
leaves alone. Unlike PyTorch's storage-less meta tensors they have cpu memory behind
them (never initialised, so untouched pages cost little), and ops on them compute on
that memory and give cpu tensors: a placeholder is for building a model whose weights
arrive later, not for shape inference.

>>> from ember._device_context import *
>>> with ember.device("meta"):
...     w = ember.empty(3, 4)
>>> w.device, w.is_meta, ember.zeros(1).device
(device(type='meta'), True, device(type='cpu'))
"""
import threading

from ._tensor import device as _device, _check_device

__all__ = ["enter_device", "exit_device", "in_meta_block", "meta_requested"]


class _DeviceState(threading.local):
    meta = False          # inside a `with device("meta")` block
    stack = ()            # the enclosing blocks' devices, innermost last


_STATE = _DeviceState()


def enter_device(dev):
    """Begin a ``with device(dev)`` block.

    >>> from ember._device_context import *
    >>> _ = enter_device(ember.device("meta")); in_meta_block()
    True
    >>> _ = exit_device(ember.device("meta")); in_meta_block()
    False
    """
    if dev.type not in ("cpu", "meta"):
        raise RuntimeError(f"ember has no {dev.type} backend yet: tensors live on the cpu "
                           "(Torch not compiled with CUDA enabled)")
    _STATE.stack = _STATE.stack + (dev,)
    _STATE.meta = dev.type == "meta"
    return dev


def exit_device(dev):
    """End the innermost ``with device(dev)`` block.

    >>> from ember._device_context import *
    >>> _ = enter_device(ember.device("cpu")); _ = exit_device(ember.device("cpu")); in_meta_block()
    False
    """
    _STATE.stack = _STATE.stack[:-1]
    _STATE.meta = bool(_STATE.stack) and _STATE.stack[-1].type == "meta"
    return False


def in_meta_block():
    """True inside a ``with device("meta")`` block (on this thread).

    >>> from ember._device_context import *
    >>> in_meta_block()
    False
    """
    return _STATE.meta


def meta_requested(dev):
    """For the factories that make meta placeholders: True when ``dev`` (or, if None, the
    enclosing ``with device(...)`` block) is ``meta``; devices other than cpu raise.

    >>> from ember._device_context import meta_requested
    >>> meta_requested("meta"), meta_requested(None), meta_requested("cpu")
    (True, False, False)
    """
    if dev is None:
        return _STATE.meta
    if (dev.type if isinstance(dev, _device) else _device(dev).type) == "meta":
        return True
    _check_device(dev)
    return False
