"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each works as a context manager and as a decorator.

>>> x = ember.ones(2, requires_grad=True)
>>> with ember.no_grad():
...     y = x * 2
>>> y.requires_grad
False
"""
import functools
import inspect
import threading


from .._grad_state import _ModeState, _state, _inference_open, _inference_seen  # noqa: F401


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
    """Context manager usable as ``@mode()`` and, for the no-argument modes, ``@mode``."""

    def __new__(cls, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]) and cls._bare_ok:
            return cls()(args[0])  # used as a bare decorator: @ember.no_grad
        return super().__new__(cls)

    _bare_ok = True

    def __call__(self, func):
        if isinstance(func, type):
            raise TypeError(f"{type(self).__name__} cannot decorate a class")
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(self.clone, func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


def _wrap_generator(make_ctx, func):
    """Decorate a generator function: the mode holds while its body runs, not between yields."""

    @functools.wraps(func)
    def generator(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with make_ctx():
                item = gen.send(None)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with make_ctx():
                        gen.close()
                    raise
                except BaseException as exc:
                    with make_ctx():
                        item = gen.throw(exc)
                else:
                    with make_ctx():
                        item = gen.send(sent)
        except StopIteration as stop:
            return stop.value
    return generator


class no_grad(_DecoratorContextManager):
    """Disable gradient recording inside the block or decorated function.

    >>> @ember.no_grad()
    ... def f(x): return x * 2
    >>> f(ember.ones(1, requires_grad=True)).requires_grad
    False
    """

    def __init__(self, orig_func=None):
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

    def __init__(self, orig_func=None):
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

    _bare_ok = False

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
    """Like ``no_grad``, and the tensors made inside are *inference tensors*: outside inference
    mode they may be read, but not modified in place, given ``requires_grad``, or used by an
    operation that autograd records (PyTorch's rules; ``clone()`` gives a normal tensor).

    >>> with ember.inference_mode():
    ...     y = ember.ones(1, requires_grad=True).mul(2)
    >>> y.requires_grad, y.is_inference()
    (False, True)
    """

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)  # used as a bare decorator: @ember.inference_mode
        return object.__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self.prev = None

    def __enter__(self):
        self.prev = (_state[0], _state[1])
        # inference_mode(False) switches both off again: grad recording comes back on
        _state[0] = not self.mode
        _state[1] = self.mode
        if self.mode:
            _inference_open[0] += 1
            _inference_seen[0] = True

    def __exit__(self, *exc):
        _state[0], _state[1] = self.prev
        if self.mode:
            _inference_open[0] -= 1
        return False

    def clone(self):
        return self.__class__(self.mode)

    def __call__(self, func):
        if isinstance(func, bool):  # @inference_mode(False) style misuse guard
            return self.__class__(func)
        return super().__call__(func)
