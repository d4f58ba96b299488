"""Anomaly detection: a NaN produced in backward raises, naming the op and where its
forward ran.

>>> with ember.autograd.detect_anomaly():
...     pass
"""
from .function import _anomaly_state


class detect_anomaly:
    """Context manager/decorator: record forward tracebacks and check backward for NaN."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = None

    def __enter__(self):
        self.prev = tuple(_anomaly_state)
        _anomaly_state[0] = True
        _anomaly_state[1] = self.check_nan

    def __exit__(self, *exc):
        _anomaly_state[0], _anomaly_state[1] = self.prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def w(*a, **k):
            with detect_anomaly(self.check_nan):
                return fn(*a, **k)
        return w


class set_detect_anomaly:
    """Turn anomaly detection on or off (immediately, and as a context manager)."""

    def __init__(self, mode, check_nan=True):
        self.prev = tuple(_anomaly_state)
        _anomaly_state[0] = bool(mode)
        _anomaly_state[1] = check_nan

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _anomaly_state[0], _anomaly_state[1] = self.prev
        return False


def is_anomaly_enabled():
    return _anomaly_state[0]
