"""``Tensor.expand``'s size arguments, read the ways PyTorch accepts them (ints, one tuple or list,
``size=``), with PyTorch's TypeError wording for each form.

>>> from ember.ops.shape.expand_args import expand_sizes
>>> expand_sizes((2, 3), None), expand_sizes(([4, 1],), None), expand_sizes((), (5,))
((2, 3), (4, 1), (5,))
"""
import operator as _operator


def _is_size_int(v):
    try:
        _operator.index(v)
        return True
    except (TypeError, RuntimeError):
        return False


def expand_sizes(sizes, size):
    """``expand``'s size argument(s) with PyTorch's TypeErrors for each way of passing them."""
    if size is not None:
        if sizes:
            raise TypeError(f"expand() takes 1 positional argument but {len(sizes) + 1} were given")
        sizes = (size,)
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    if len(sizes) == 1 and isinstance(sizes[0], tuple) and len(sizes[0]) > 1:
        sizes = sizes[0]  # read like the unpacked ints (a list or 1-tuple is not: torch's messages differ)
    elif len(sizes) == 1 and isinstance(sizes[0], (list, tuple)):
        bad = [k for k, v in enumerate(sizes[0]) if not _is_size_int(v)]
        if bad:
            raise TypeError(f"expand(): argument 'size' (position 1) must be tuple of ints, but found element "
                            f"of type {type(sizes[0][bad[0]]).__name__} at pos {bad[0]}")
        return tuple(_operator.index(v) for v in sizes[0])
    if len(sizes) > 1 and isinstance(sizes[0], (tuple, list)):
        raise TypeError(f"expand() takes 1 positional argument but {len(sizes)} were given")
    bad = [k for k, v in enumerate(sizes) if not _is_size_int(v)]
    if bad:
        t = type(sizes[bad[0]]).__name__
        if len(sizes) == 1:
            raise TypeError(f"expand(): argument 'size' (position 1) must be tuple of ints, not {t}")
        raise TypeError(f"expand(): argument 'size' failed to unpack the object at pos {bad[0] + 1} with error "
                        f'"type must be tuple of ints,but got {t}"')
    return tuple(s if s.__class__ is int else _operator.index(s) for s in sizes)
