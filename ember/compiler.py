"""``torch.compiler``: the helpers code calls around ``torch.compile``. ``is_compiling()`` is
True while ``ember.compile`` captures a graph (the captured code runs with it True, so code
can leave out what should not be traced); the markers are the identity, since ember's capture
records ember calls, not Python frames.

>>> ember.compiler.is_compiling()
False
>>> @ember.compiler.disable
... def f(x):
...     return x + 1
>>> f(1)
2
"""
from ._compile import compile  # noqa: F401
from ._compile._state import compiling as _compiling, STANCE as _STANCE, config  # noqa: F401

__all__ = ["compile", "is_compiling", "is_dynamo_compiling", "is_exporting", "disable", "allow_in_graph",
           "assume_constant_result", "reset", "cudagraph_mark_step_begin", "list_backends", "set_stance", "config"]


def is_compiling():
    """True while ``ember.compile`` captures a graph in this thread.

    >>> ember.compile(lambda x: x + ember.compiler.is_compiling())(ember.zeros(1))
    tensor([1.])
    """
    return _compiling()


def is_dynamo_compiling():
    """True while ``ember.compile`` captures a graph (see :func:`is_compiling`)."""
    return _compiling()


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
    """Forget every graph ``ember.compile`` captured; compiled functions capture again."""
    from ._dynamo import reset as r
    r()


def cudagraph_mark_step_begin():
    """Mark a new CUDA-graph step: nothing to mark."""


def list_backends(exclude_tags=("debug", "experimental")):
    """The compile backends ember accepts (``eager`` replays graphs with ember calls only; the
    others also lower them to NumPy kernels).

    >>> ember.compiler.list_backends()
    ['eager', 'inductor']
    """
    return ["eager", "inductor"]


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    """Set how compiled functions behave: ``"default"``, ``"force_eager"`` (run everything eagerly),
    ``"eager_on_recompile"`` or ``"fail_on_recompile"`` (raise instead of capturing again).

    >>> ember.compiler.set_stance("force_eager"); ember.compiler.set_stance("default")
    """
    if stance not in ("default", "force_eager", "eager_on_recompile", "fail_on_recompile"):
        raise RuntimeError(f"invalid torch.compile stance '{stance}'")
    _STANCE[0] = stance
