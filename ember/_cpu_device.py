"""The cpu device namespace, ``torch.cpu``: one device, always there, nothing asynchronous.

>>> ember.cpu.is_available(), ember.cpu.device_count(), ember.cpu.current_device()
(True, 1, 'cpu')
"""
__all__ = ["is_available", "device_count", "current_device", "synchronize", "is_initialized", "set_device",
           "Stream", "Event", "current_stream", "stream", "StreamContext"]


def is_available():
    """True: the cpu is always there."""
    return True


def device_count():
    """1 cpu device."""
    return 1


def current_device():
    """``'cpu'``."""
    return "cpu"


def is_initialized():
    """True."""
    return True


def synchronize(device=None):
    """Nothing to wait for: cpu ops finish before they return."""


def set_device(device):
    """Accepted: there is only the cpu."""


class Stream:
    """The cpu's one stream (work on it is synchronous).

    >>> s = ember.cpu.current_stream(); s.wait_stream(s)
    """

    def __init__(self, priority=-1):
        self.priority = priority

    def wait_stream(self, stream):
        pass

    def wait_event(self, event):
        pass

    def record_event(self, event=None):
        return event if event is not None else Event()


class Event:
    """A cpu event: always complete."""

    def __init__(self, enable_timing=False):
        self.enable_timing = enable_timing

    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_current = Stream()


def current_stream(device=None):
    """The cpu stream."""
    return _current


class StreamContext:
    """``with ember.cpu.stream(s):`` selects ``s`` (a no-op on the cpu)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def stream(stream):
    """A context manager around :class:`StreamContext`."""
    return StreamContext(stream)
