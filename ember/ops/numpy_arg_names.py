"""NumPy's argument names that PyTorch's functions accept as aliases: ``axis`` for ``dim`` and
``keepdims`` for ``keepdim`` (``x.sum(axis=1, keepdims=True)``). A function takes them as
keyword-only arguments defaulting to None and, only when one is given, resolves them here.

>>> ember.tensor([[1, 2], [3, 4]]).sum(axis=1, keepdims=True)
tensor([[3],
        [7]])
"""


def numpy_names(fn, dim, keepdim, axis, keepdims, dim_default=None):
    """``(dim, keepdim)`` with NumPy's ``axis``/``keepdims`` applied; TypeError when a value is
    given under both names, as PyTorch's argument parser raises.

    >>> from ember.ops.numpy_arg_names import numpy_names
    >>> numpy_names("sum", None, False, 1, True)
    (1, True)
    """
    if axis is not None:
        if dim is not dim_default and dim != dim_default:
            raise TypeError(f"{fn}() got multiple values for argument 'dim' (as 'axis')")
        dim = axis
    if keepdims is not None:
        if keepdim:
            raise TypeError(f"{fn}() got multiple values for argument 'keepdim' (as 'keepdims')")
        keepdim = keepdims
    return dim, keepdim


def required_dim(fn, axis):
    """The ``dim`` of a function that needs one, given as NumPy's ``axis`` (``dim`` was not
    given); PyTorch's TypeError when neither was.

    >>> from ember.ops.numpy_arg_names import required_dim
    >>> required_dim("cumsum", 0)
    0
    """
    if axis is None:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "dim"')
    return axis
