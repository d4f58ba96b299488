"""``torch._dynamo``: the names libraries call around compilation. ember compiles nothing,
so markers return their argument and nothing is ever being compiled.

>>> from ember._dynamo import *
>>> import ember._dynamo as dynamo
>>> dynamo.is_compiling()
False
>>> t = ember.zeros(1)
>>> dynamo.mark_static_address(t) is None
True
"""
from ..compiler import allow_in_graph, assume_constant_result, disable, is_compiling, reset  # noqa: F401

__all__ = ["allow_in_graph", "assume_constant_result", "disable", "is_compiling", "reset",
           "mark_static_address", "mark_dynamic", "mark_static"]


def mark_static_address(t, guard=False):
    """Tell the compiler ``t``'s storage never moves: nothing to record in ember.

    >>> from ember._dynamo import *
    >>> mark_static_address(ember.ones(2))
    """


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None):
    """Mark dimension ``index`` of ``t`` as dynamic for compilation: nothing to record in ember.

    >>> from ember._dynamo import *
    >>> mark_dynamic(ember.ones(2), 0)
    """


def mark_static(t, index=None):
    """Mark dimension ``index`` of ``t`` as static for compilation: nothing to record in ember.

    >>> from ember._dynamo import *
    >>> mark_static(ember.ones(2), 0)
    """
