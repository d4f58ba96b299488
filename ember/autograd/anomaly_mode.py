"""Anomaly detection: a NaN produced in backward raises, naming the op, and any error in
backward is preceded by a warning that shows where that op's forward ran.

>>> x = ember.tensor([-1.0], requires_grad=True)
>>> with ember.autograd.detect_anomaly():
...     x.sqrt().sum().backward()
Traceback (most recent call last):
  ...
RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
"""
import functools
import warnings

from .function import _anomaly_state

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Context manager/decorator: record forward tracebacks and check backward outputs for NaN.

    >>> @ember.autograd.detect_anomaly(check_nan=False)
    ... def f(): return ember.autograd.anomaly_mode.is_anomaly_enabled()
    >>> f()
    True
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = None
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                      "should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self.prev = tuple(_anomaly_state)
        _anomaly_state[0] = True
        _anomaly_state[1] = self.check_nan

    def __exit__(self, *exc):
        _anomaly_state[0], _anomaly_state[1] = self.prev
        return False

    def __call__(self, fn):
        check_nan = self.check_nan

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ctx = detect_anomaly(check_nan)
            with ctx:
                return fn(*a, **k)
        return wrapper


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Turn anomaly detection on or off: at once when called, and undone on leaving a ``with``.

    >>> with ember.autograd.set_detect_anomaly(True):
    ...     ember.autograd.anomaly_mode.is_anomaly_enabled()
    True
    """

    def __init__(self, mode, check_nan=True):
        self.prev = tuple(_anomaly_state)
        _anomaly_state[0] = bool(mode)
        _anomaly_state[1] = bool(check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _anomaly_state[0], _anomaly_state[1] = self.prev
        return False


def is_anomaly_enabled():
    """True while anomaly detection is on.

    >>> ember.autograd.anomaly_mode.is_anomaly_enabled()
    False
    """
    return _anomaly_state[0]


def is_anomaly_check_nan_enabled():
    """True while anomaly detection also checks backward outputs for NaN.

    >>> ember.autograd.anomaly_mode.is_anomaly_check_nan_enabled()
    True
    """
    return _anomaly_state[1]


def set_anomaly_enabled(enabled, check_nan=True):
    """Turn anomaly detection on or off for the whole process (``torch.set_anomaly_enabled``).

    >>> ember.set_anomaly_enabled(True); ember.is_anomaly_enabled()
    True
    >>> ember.set_anomaly_enabled(False); ember.is_anomaly_enabled()
    False
    """
    _anomaly_state[0] = bool(enabled)
    _anomaly_state[1] = bool(check_nan)
