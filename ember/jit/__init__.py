"""``torch.jit`` in ember: tracing, traced-module archives, and the decorators eager code uses.

* :func:`trace` / :func:`trace_module` capture a graph with ``ember.fx``'s concrete tracer and
  return a :class:`TopLevelTracedModule` / :class:`ScriptFunction` that replays it (``.graph``,
  ``.code``); :func:`save` / :func:`load` store it as data (see :mod:`ember.jit._archive`);
  :func:`freeze` and :func:`optimize_for_inference` fold constants and BatchNorm into Conv.
* :func:`load` of a TorchScript archive written by PyTorch reads its parameters and buffers
  (never its code): see :class:`RecursiveScriptModule`.
* ``script`` has no compiler behind it: it returns its argument unchanged (warning once), and
  the code runs eagerly with the same results. What differs from TorchScript: no ``.graph`` /
  ``.code`` on scripted objects, no type checking of annotations, Python features TorchScript
  rejects keep working, and ``jit.save`` needs a traced module (trace the scripted model with
  an example input to save it).
* ``fork``/``wait`` run the call at once and hand back a completed :class:`Future`.

>>> import ember.jit
>>> @ember.jit.unused
... def helper(x):
...     return x + 1
>>> helper(1), ember.jit.is_scripting(), ember.jit.wait(ember.jit.fork(helper, 2))
(2, False, 3)
"""
import builtins
import typing
import warnings

from ._trace import (trace, trace_module, TracedModule, TopLevelTracedModule, ScriptModule,  # noqa: F401
                     ScriptFunction, TracerWarning, TracingCheckError, is_tracing)
from ._archive import save, load  # noqa: F401
from ._freeze import freeze, optimize_for_inference, run_frozen_optimizations  # noqa: F401
from ._torchscript_archive import RecursiveScriptModule  # noqa: F401
from ..futures import Future  # noqa: F401  (torch.jit.Future is torch.futures.Future)

__all__ = ["unused", "ignore", "export", "is_scripting", "is_tracing", "Final", "annotate", "Attribute",
           "ScriptModule", "ScriptFunction", "interface", "fork", "wait", "Future", "script", "trace", "trace_module",
           "script_method", "script_if_tracing", "isinstance", "Error", "load", "save", "freeze",
           "optimize_for_inference", "TracedModule", "TopLevelTracedModule", "TracerWarning", "TracingCheckError",
           "RecursiveScriptModule", "run_frozen_optimizations"]

Final = typing.Final
Error = RuntimeError  # torch.jit.Error: what a failing scripted call raises


def is_scripting():
    """False: ember never runs code as TorchScript.

    >>> ember.jit.is_scripting()
    False
    """
    return False


def _mark(fn, modifier):
    fn._torchscript_modifier = modifier
    return fn


def unused(fn):
    """Mark a function/method the TorchScript compiler should skip; in eager code, a no-op.

    >>> ember.jit.unused(lambda x: x + 1)(1)
    2
    """
    if builtins.isinstance(fn, property):
        return fn
    return _mark(fn, "unused")


def ignore(drop=False, **kwargs):
    """Leave a function as Python for TorchScript; in eager code, a no-op (usable with or
    without arguments).

    >>> @ember.jit.ignore
    ... def f(x):
    ...     return x * 2
    >>> f(3)
    6
    """
    if callable(drop):
        return _mark(drop, "ignore")
    if drop:
        warnings.warn("ignore(True) has been deprecated. TorchScript will now drop the function call on "
                      "compilation. Use torch.jit.unused now. {}", category=FutureWarning, stacklevel=2)
    return lambda fn: _mark(fn, "unused" if drop else "ignore")


def export(fn):
    """Mark a method for compilation even if ``forward`` does not call it; a no-op here.

    >>> ember.jit.export(lambda self: 1)(None)
    1
    """
    return _mark(fn, "export")


def interface(obj):
    """Declare a TorchScript interface class; returned unchanged.

    >>> @ember.jit.interface
    ... class I:
    ...     def f(self, x: int) -> int: ...
    >>> I.__name__
    'I'
    """
    return obj


def _overload(func):
    """Declare a function overload signature (TorchScript); returned unchanged."""
    return func


def _overload_method(func):
    """Declare a method overload signature (TorchScript); returned unchanged."""
    return func


def annotate(the_type, the_value):
    """Give TorchScript the type of ``the_value``; returns ``the_value``.

    >>> ember.jit.annotate(list, [])
    []
    """
    return the_value


class Attribute(typing.NamedTuple):
    """A ScriptModule attribute with its declared type; ``value`` is what eager code sees."""

    value: typing.Any
    type: typing.Any


def isinstance(obj, target_type):
    """``isinstance`` that also understands TorchScript's container types (``List[int]`` ...).

    >>> from typing import List
    >>> ember.jit.isinstance([1, 2], List[int]), ember.jit.isinstance([1, "a"], List[int])
    (True, False)
    """
    origin = typing.get_origin(target_type)
    if origin is None:
        return builtins.isinstance(obj, target_type)
    if origin is typing.Union:
        return any(isinstance(obj, t) for t in typing.get_args(target_type))
    if not builtins.isinstance(obj, origin):
        return False
    args = typing.get_args(target_type)
    if origin in (list, set, frozenset):
        return all(isinstance(v, args[0]) for v in obj) if args else True
    if origin is dict:
        return all(isinstance(k, args[0]) and isinstance(v, args[1]) for k, v in obj.items()) if args else True
    if origin is tuple:
        return len(args) == len(obj) and all(isinstance(v, t) for v, t in zip(obj, args)) if args else True
    return True


def script_method(fn):
    """Mark a ScriptModule method for compilation; returned unchanged (eager)."""
    return fn


_warned = []


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Return ``obj`` (a function, Module or class) unchanged: ember runs it eagerly, giving the
    same results TorchScript would. Warns once per process.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     f = ember.jit.script(abs)
    >>> f(-2)
    2
    """
    if not _warned:
        _warned.append(True)
        warnings.warn("ember.jit.script returns its argument unchanged: ember has no TorchScript compiler and "
                      "runs the code eagerly (same results; no .graph/.code; to save it, ember.jit.trace it)",
                      UserWarning, stacklevel=2)
    return obj


def script_if_tracing(fn):
    """Compile ``fn`` only when tracing: ember's tracer records what ``fn`` calls, so ``fn`` is
    returned as is."""
    return fn


def fork(func, *args, **kwargs):
    """Run ``func(*args, **kwargs)`` now and return a completed :class:`Future` (PyTorch runs it
    asynchronously only in TorchScript; in eager code it also runs at once, and an error
    raises from ``fork``).

    >>> ember.jit.wait(ember.jit.fork(max, 1, 5))
    5
    """
    fut = Future()
    fut.set_result(func(*args, **kwargs))
    return fut


def wait(future):
    """The result of a :class:`Future` from :func:`fork`.

    >>> ember.jit.wait(ember.jit.fork(len, "abc"))
    3
    """
    return future.wait()
