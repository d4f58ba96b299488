"""``torch.compiler``: the helpers code calls around ``torch.compile``. ember compiles nothing
(``ember.compile`` returns its argument), so nothing is ever compiling and every marker is
the identity.

>>> ember.compiler.is_compiling()
False
>>> @ember.compiler.disable
... def f(x):
...     return x + 1
>>> f(1)
2
"""
from ._compile import compile  # noqa: F401

__all__ = ["compile", "is_compiling", "is_dynamo_compiling", "is_exporting", "disable", "allow_in_graph",
           "assume_constant_result", "reset", "cudagraph_mark_step_begin", "list_backends", "set_stance"]


def is_compiling():
    """False: ember never traces a function for compilation."""
    return False


def is_dynamo_compiling():
    """False (see :func:`is_compiling`)."""
    return False


def is_exporting():
    """False: ember has no export."""
    return False


def disable(fn=None, recursive=True, *, reason=None):
    """Keep ``fn`` out of compilation: here, ``fn`` itself (with or without arguments).

    >>> ember.compiler.disable(recursive=False)(abs)(-3)
    3
    """
    if fn is None:
        return lambda f: f
    return fn


def allow_in_graph(fn):
    """Mark ``fn`` as traceable into a graph; returned unchanged."""
    return fn


def assume_constant_result(fn):
    """Mark ``fn``'s result as a compile-time constant; returned unchanged."""
    return fn


def reset():
    """Clear compilation caches: there are none."""


def cudagraph_mark_step_begin():
    """Mark a new CUDA-graph step: nothing to mark."""


def list_backends(exclude_tags=("debug", "experimental")):
    """The compile backends ember accepts; every one runs eagerly.

    >>> ember.compiler.list_backends()
    ['eager']
    """
    return ["eager"]


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    """Set how compiled functions behave; everything already runs eagerly, so accepted as is."""
