"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each works as a context manager and as a decorator.

>>> x = ember.ones(2, requires_grad=True)
>>> with ember.no_grad():
...     y = x * 2
>>> y.requires_grad
False
"""
import functools

# _state[0]: grad enabled; _state[1]: inference mode. A list so hot paths read it cheaply.
_state = [True, False]


def is_grad_enabled():
    """True when operations are being recorded for autograd.

    >>> ember.is_grad_enabled()
    True
    """
    return _state[0]


def is_inference_mode_enabled():
    """True inside ``inference_mode()``.

    >>> with ember.inference_mode():
    ...     ember.is_inference_mode_enabled()
    True
    """
    return _state[1]


class _DecoratorContextManager:
    def __call__(self, func):
        if isinstance(func, type):
            raise TypeError(f"{type(self).__name__} cannot decorate a class")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Disable gradient recording inside the block or decorated function.

    >>> @ember.no_grad()
    ... def f(x): return x * 2
    >>> f(ember.ones(1, requires_grad=True)).requires_grad
    False
    """

    def __init__(self):
        self.prev = None

    def __enter__(self):
        self.prev = _state[0]
        _state[0] = False

    def __exit__(self, *exc):
        _state[0] = self.prev
        return False


class enable_grad(_DecoratorContextManager):
    """Enable gradient recording inside a ``no_grad`` block.

    >>> with ember.no_grad():
    ...     with ember.enable_grad():
    ...         ember.is_grad_enabled()
    True
    """

    def __init__(self):
        self.prev = None

    def __enter__(self):
        self.prev = _state[0]
        _state[0] = True

    def __exit__(self, *exc):
        _state[0] = self.prev
        return False


class set_grad_enabled(_DecoratorContextManager):
    """Set gradient recording on or off; takes effect at once and as a context manager.

    >>> with ember.set_grad_enabled(False):
    ...     ember.is_grad_enabled()
    False
    """

    def __init__(self, mode):
        self.prev = _state[0]
        self.mode = bool(mode)
        _state[0] = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state[0] = self.prev
        return False

    def clone(self):
        return self.__class__(self.mode)

    def __call__(self, func):
        _state[0] = self.prev  # used as a decorator: undo the immediate effect
        return super().__call__(func)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``; tensors made inside are inference tensors (no version tracking).

    >>> with ember.inference_mode():
    ...     ember.ones(1, requires_grad=True).mul(2).requires_grad
    False
    """

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self.prev = None

    def __enter__(self):
        self.prev = (_state[0], _state[1])
        if self.mode:
            _state[0] = False
            _state[1] = True
        else:
            _state[1] = False

    def __exit__(self, *exc):
        _state[0], _state[1] = self.prev
        return False

    def clone(self):
        return self.__class__(self.mode)

    def __call__(self, func):
        if isinstance(func, bool):  # @inference_mode(False) style misuse guard
            return self.__class__(func)
        return super().__call__(func)
