"""Eager forms of PyTorch's structured control-flow operators and its symbolic-shape helpers.

``torch.cond``/``torch.while_loop`` exist so that graph capture can keep data-dependent
branches; run eagerly (as ember does) they are plain Python control flow, with torch's checks.
The ``sym_*`` helpers are what torch's code calls instead of ``max``/``int``/... so that the
same code also works on symbolic sizes; on plain numbers they are the plain operations.

>>> ember.cond(ember.tensor(True), lambda x: x + 1, lambda x: x - 1, (ember.ones(2),))
tensor([2., 2.])
"""
import builtins
import math

from ._tensor import Tensor

__all__ = ["cond", "while_loop", "sym_int", "sym_float", "sym_max", "sym_min", "sym_not",
           "sym_sqrt", "sym_sum", "sym_ite"]


def _truth(pred):
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
        return builtins.bool(pred.item())
    if not isinstance(pred, (builtins.bool, builtins.int, builtins.float)):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    return builtins.bool(pred)


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)`` (``torch.cond``).

    >>> ember.cond(False, lambda x: x * 2, lambda x: x * 3, [ember.tensor(1.)])
    tensor(3.)
    """
    if not (callable(true_fn) and callable(false_fn)):
        raise RuntimeError("Expect both branches to be callable.")
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expect operands to be a tuple of possibly nested dict/list/tuple that "
                           f"only consists of tensor leaves, but got {operands}.")
    return (true_fn if _truth(pred) else false_fn)(*operands)


def while_loop(cond_fn, body_fn, carried_inputs):
    """Run ``carried = body_fn(*carried)`` while ``cond_fn(*carried)`` is true; returns the final
    carried values as a tuple (``torch.while_loop``).

    >>> ember.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), (ember.tensor(0), ember.ones(1)))
    (tensor(3), tensor([8.]))
    """
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list, got {type(carried_inputs)}")
    carried = tuple(carried_inputs)
    while _truth(cond_fn(*carried)):
        out = body_fn(*carried)
        carried = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        if len(carried) != len(carried_inputs):
            raise RuntimeError(f"body_fn should return the same number of elements as carried_inputs "
                               f"({len(carried_inputs)}), but got {len(carried)}")
    return carried


def sym_int(a):
    """``int(a)`` rounding toward zero (``torch.sym_int``).

    >>> ember.sym_int(2.7)
    2
    """
    return builtins.int(math.trunc(a)) if isinstance(a, builtins.float) else builtins.int(a)


def sym_float(a):
    """``float(a)`` (``torch.sym_float``).

    >>> ember.sym_float(3)
    3.0
    """
    return builtins.float(a)


def sym_max(a, b):
    """The larger of two numbers; a float if either is (``torch.sym_max``).

    >>> ember.sym_max(1, 2.0)
    2.0
    """
    r = a if a >= b else b
    return builtins.float(r) if isinstance(a, builtins.float) or isinstance(b, builtins.float) else r


def sym_min(a, b):
    """The smaller of two numbers; a float if either is (``torch.sym_min``).

    >>> ember.sym_min(1, 2.0)
    1.0
    """
    r = a if a <= b else b
    return builtins.float(r) if isinstance(a, builtins.float) or isinstance(b, builtins.float) else r


def sym_not(a):
    """Logical not (``torch.sym_not``).

    >>> ember.sym_not(True)
    False
    """
    return not a


def sym_sqrt(a):
    """``math.sqrt`` (``torch.sym_sqrt``).

    >>> ember.sym_sqrt(4)
    2.0
    """
    return math.sqrt(a)


def sym_sum(args):
    """The sum of a sequence of numbers (``torch.sym_sum``).

    >>> ember.sym_sum([1, 2, 3])
    6
    """
    return builtins.sum(args)


def sym_ite(b, t, f):
    """``t if b else f`` (``torch.sym_ite``).

    >>> ember.sym_ite(True, 1, 2)
    1
    """
    return t if b else f
