"""``torch.export.Dim``: name a dimension of an example input that may vary.

>>> batch = ember.export.Dim("batch", min=1, max=64)
>>> batch, batch.min, batch.max
(Dim('batch', min=1, max=64), 1, 64)
"""
__all__ = ["Dim", "dims"]

_INT_MAX = (1 << 63) - 1


class _DimHint:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"Dim.{self.name}"


class Dim:
    """A symbolic dimension with an optional range (``torch.export.Dim``).

    >>> ember.export.Dim("n")
    Dim('n', min=0)
    """

    AUTO = _DimHint("AUTO")
    DYNAMIC = _DimHint("DYNAMIC")
    STATIC = _DimHint("STATIC")

    def __init__(self, name, *, min=None, max=None):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"Dim name must be a valid identifier, got {name}")
        lo = 0 if min is None else min
        hi = _INT_MAX if max is None else max
        if hi < lo:
            raise ValueError(f"Cannot create Dim with inconsistent min={min}, max={max}")
        self.__name__ = name
        self.min = lo
        self.max = hi

    def __repr__(self):
        # as torch prints it: min is left out when it is 2, max when unbounded
        parts = [f"'{self.__name__}'"] + ([f"min={self.min}"] if self.min != 2 else []) + \
            ([f"max={self.max}"] if self.max != _INT_MAX else [])
        return f"Dim({', '.join(parts)})"


def dims(*names, min=None, max=None):
    """Several :class:`Dim` s with the same range.

    >>> ember.export.dims("a", "b")
    (Dim('a', min=0), Dim('b', min=0))
    """
    return tuple(Dim(n, min=min, max=max) for n in names)
