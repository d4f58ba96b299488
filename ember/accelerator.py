"""``torch.accelerator`` on a cpu-only build: no accelerator is available.

>>> ember.accelerator.is_available(), ember.accelerator.current_accelerator(), ember.accelerator.device_count()
(False, None, 0)
"""
__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "current_device_idx",
           "set_device_index", "set_device_idx", "synchronize", "current_stream", "set_stream", "empty_cache"]


def is_available():
    """False: ember computes on the cpu."""
    return False


def current_accelerator(check_available=False):
    """None: there is no accelerator."""
    return None


def device_count():
    """0 accelerators."""
    return 0


def _none(*args, **kwargs):
    raise RuntimeError("Cannot access accelerator device when none is available.")


current_device_index = current_device_idx = set_device_index = set_device_idx = _none
synchronize = current_stream = set_stream = _none


def empty_cache():
    """Nothing to free."""
