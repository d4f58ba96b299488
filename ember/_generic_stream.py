"""``torch.Stream``, ``torch.Event`` and the symbolic number types, as a cpu-only PyTorch has them.

A cpu stream runs its work in order before each call returns, so there is nothing to wait for;
events are not supported on the cpu backend, and ember raises where torch does. Accelerator
device types raise as on a PyTorch built without them.

``torch.SymInt``, ``SymFloat`` and ``SymBool`` are the classes of the symbolic sizes that
PyTorch's tracing compilers use; ember traces with concrete numbers, so no value is ever one of
them (``isinstance(n, torch.SymInt)`` is False), but annotations and ``isinstance`` checks that
name them work.

>>> s = ember.Stream()
>>> s
torch.Stream device_type=cpu, device_index=-1, stream_id=0
>>> s.query(), s == ember.Stream("cpu")
(True, True)
>>> isinstance(3, ember.SymInt)
False
"""
from ._device import device as _device

__all__ = ["Stream", "Event", "SymInt", "SymFloat", "SymBool"]

# PyTorch's DeviceType numbers (c10/core/DeviceType.h) for the types a cpu build knows
_TYPE_IDS = {"cpu": 0, "meta": 14}
_TYPE_NAMES = {v: k for k, v in _TYPE_IDS.items()}
_NO_EVENTS = "cpu backend doesn't support events."


def _device_type(dev):
    """(type name, index) of a ``device=`` argument (None: the current accelerator, i.e. the cpu)."""
    if dev is None:
        return "cpu", -1
    if isinstance(dev, int):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    d = dev if isinstance(dev, _device) else _device(dev)
    if d.type not in _TYPE_IDS:
        raise RuntimeError(f"PyTorch is not linked with support for {d.type} devices")
    return d.type, -1 if d.index is None else d.index


class Stream:
    """An in-order queue of work on a device (``torch.Stream``); on the cpu every op has
    finished when it returns, so waiting and synchronising do nothing.

    >>> with ember.Stream() as s:
    ...     s.synchronize()
    >>> s.device
    device(type='cpu')
    """

    __module__ = "ember"

    def __init__(self, device=None, *, priority=0, stream_id=None, device_index=None, device_type=None):
        if stream_id is not None or device_type is not None:   # torch's rebuild-from-ids form
            if device_type not in _TYPE_NAMES:
                raise RuntimeError(f"PyTorch is not linked with support for device type {device_type}")
            self._type, self._index = _TYPE_NAMES[device_type], -1 if device_index is None else device_index
            self._id = 0 if stream_id is None else int(stream_id)
            return
        self._type, self._index = _device_type(device)
        self._id = 0

    device_type = property(lambda self: _TYPE_IDS[self._type], doc="The device type's number (cpu: 0).")
    device_index = property(lambda self: self._index, doc="The device index (-1: the current device).")
    stream_id = property(lambda self: self._id, doc="The stream's id (the cpu's default stream: 0).")

    @property
    def device(self):
        """The stream's device."""
        return _device(self._type) if self._index < 0 else _device(self._type, self._index)

    @property
    def native_handle(self):
        raise RuntimeError("Backend doesn't support getting stream native handle.")

    def query(self):
        """True: all work queued on a cpu stream is done."""
        return True

    def synchronize(self):
        """Wait for the stream's work (none is ever pending on the cpu)."""

    def is_capturing(self):
        """False: no graph capture runs on the cpu."""
        return False

    def record_event(self, event=None):
        raise RuntimeError(_NO_EVENTS)

    def wait_event(self, event):
        raise RuntimeError(_NO_EVENTS)

    def wait_stream(self, stream):
        raise RuntimeError(_NO_EVENTS)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __eq__(self, other):
        return isinstance(other, Stream) and (self._type, self._index, self._id) == \
            (other._type, other._index, other._id)

    def __hash__(self):
        return hash((Stream, self._type, self._index, self._id))

    def __repr__(self):
        return f"torch.Stream device_type={self._type}, device_index={self._index}, stream_id={self._id}"


class Event:
    """A marker in a stream (``torch.Event``); the cpu backend has none, so recording one
    raises as in torch, while the calls that only wait return at once.

    >>> e = ember.Event(enable_timing=True)
    >>> e.query(), e.event_id
    (True, 0)
    """

    __module__ = "ember"

    def __init__(self, device=None, *, enable_timing=False, blocking=False, interprocess=False):
        self._type, self._index = _device_type(device)
        self._timing = bool(enable_timing)

    device = property(lambda self: _device(self._type), doc="The event's device.")
    event_id = property(lambda self: 0, doc="0: the event was never recorded.")

    def query(self):
        """True: nothing recorded is pending."""
        return True

    def synchronize(self):
        """Wait for the event (nothing to wait for on the cpu)."""

    def wait(self, stream=None):
        """Make ``stream`` wait for the event (nothing to wait for on the cpu)."""

    def record(self, stream=None):
        raise RuntimeError(_NO_EVENTS)

    def elapsed_time(self, end_event):
        if not (self._timing and getattr(end_event, "_timing", False)):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise ValueError("Both events must be recorded before calculating elapsed time.")

    def ipc_handle(self):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue if you need this!")

    @classmethod
    def from_ipc_handle(cls, device, ipc_handle):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue if you need this!")

    def __repr__(self):
        return (f"torch.Event device_type={self._type}, device_index={self._index}, "
                f"event_flag={int(self._timing)}, event_id=0")


class _SymNode:
    """The base of the symbolic number classes: built only around a tracer's node."""

    __module__ = "ember"

    def __init__(self, node):
        self.node = node

    def __repr__(self):
        return self.node._graph_repr()


class SymInt(_SymNode):
    """The class of a symbolic integer size (``torch.SymInt``); ember's sizes are always ints.

    >>> isinstance(ember.ones(2).shape[0], ember.SymInt)
    False
    """

    __module__ = "ember"


class SymFloat(_SymNode):
    """The class of a symbolic float (``torch.SymFloat``); never produced by ember.

    >>> isinstance(1.5, ember.SymFloat)
    False
    """

    __module__ = "ember"


class SymBool(_SymNode):
    """The class of a symbolic bool (``torch.SymBool``); never produced by ember.

    >>> isinstance(True, ember.SymBool)
    False
    """

    __module__ = "ember"
