"""``torch.fx._symbolic_trace``: where PyTorch keeps the tracer; ``is_fx_tracing`` lives here.

>>> ember.fx._symbolic_trace.is_fx_tracing()
False
"""
from .patching import active_tracer
from .tracer import PH, Tracer, symbolic_trace, wrap  # noqa: F401

__all__ = ["is_fx_tracing", "Tracer", "symbolic_trace", "wrap", "PH"]


def is_fx_tracing():
    """Whether this thread is inside an ember.fx trace (symbolic or concrete).

    >>> seen = []
    >>> _ = ember.fx.symbolic_trace(lambda x: seen.append(ember.fx._symbolic_trace.is_fx_tracing()) or x)
    >>> seen
    [True]
    """
    return active_tracer() is not None
