"""PyTorch's error messages that more than one layer raises, written once.

>>> from ember._errors import broadcast_error
>>> broadcast_error((2, 3), (4, 5))
RuntimeError('The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1')
"""

__all__ = ["broadcast_error", "check_broadcast", "broadcast_shape", "output_shape_error"]


def broadcast_error(*shapes):
    """PyTorch's RuntimeError for ``shapes`` that do not broadcast together, or None when they do.

    As PyTorch, the shapes are broadcast pair by pair from the left (``a`` is the shape so far,
    ``b`` the next one), each pair compared from its last dimension; the first mismatch is named.

    >>> from ember._errors import broadcast_error
    >>> broadcast_error((2, 1), (5, 3), (1, 4))
    RuntimeError('The size of tensor a (2) must match the size of tensor b (5) at non-singleton dimension 0')
    >>> broadcast_error((2, 1), (3,)) is None
    True
    """
    a = shapes[0]
    for k in range(1, len(shapes)):
        err = _pair_error(a, shapes[k])
        if err is not None:
            return err
        if k + 1 < len(shapes):
            a = _broadcast_pair(a, shapes[k])
    return None


def _pair_error(a, b):
    na, nb = len(a), len(b)
    n = na if na > nb else nb
    for i in range(1, n + 1):
        x = a[-i] if i <= na else 1
        y = b[-i] if i <= nb else 1
        if x != y and x != 1 and y != 1:
            return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                                f"at non-singleton dimension {n - i}")
    return None


def _broadcast_pair(a, b):
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    return tuple(y if x == 1 else x for x, y in zip(a, b))


def check_broadcast(a, b, *more):
    """Raise PyTorch's RuntimeError when shapes ``a``, ``b`` (and ``more``) do not broadcast together.

    >>> from ember._errors import check_broadcast
    >>> check_broadcast((3,), (2, 1))
    """
    err = broadcast_error(a, b, *more) if more else _pair_error(a, b)
    if err is not None:
        raise err


def broadcast_shape(*shapes):
    """The shape ``shapes`` broadcast to (a tuple); PyTorch's RuntimeError when they don't.

    >>> from ember._errors import broadcast_shape
    >>> broadcast_shape((2, 1), (3,), ())
    (2, 3)
    """
    out = ()
    for s in shapes:
        err = _pair_error(out, s)
        if err is not None:
            raise err
        out = _broadcast_pair(out, s)
    return out


def output_shape_error(shape, broadcast):
    """PyTorch's RuntimeError for an in-place or ``out=`` result of ``shape`` that the operands'
    ``broadcast`` shape does not fit.

    >>> from ember._errors import output_shape_error
    >>> output_shape_error((3,), (2, 3))
    RuntimeError("output with shape [3] doesn't match the broadcast shape [2, 3]")
    """
    return RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(broadcast)}")
