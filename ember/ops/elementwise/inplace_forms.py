"""In-place and reflected forms of elementwise ops, shared by the families: ``_inplace(fn)``
makes ``t.fn_(...)`` from out-of-place ``fn`` (with PyTorch's checks of the written-to tensor
first), ``_u_inplace`` the same for unary ops, ``_r`` a reflected operator (``__rmod__``), and
``_export_inplace`` the top-level in-place functions (``ember.erf_``).

>>> x = ember.tensor([1., 9.])
>>> x.hypot_(ember.tensor([0., 12.])) is x, x
(True, tensor([ 1., 15.]))
"""
from .._util import np, D, Tensor
from ..inplace.history import inplace_op
from .operands import _SCALARS
from ..._errors import output_shape_error, broadcast_shape


def _broadcast_inplace_check(s, r):
    ss, rs = s._data.shape, r._data.shape
    if ss != rs:
        shp = broadcast_shape(ss, rs)  # (PyTorch's RuntimeError when they do not broadcast)
        if shp != ss:
            raise output_shape_error(ss, shp)


def _inplace_precheck(self, operands, dtype_check=True):
    """PyTorch checks an in-place op's output before its kernel: the operands must broadcast
    to ``self``'s shape, and their promoted dtype must cast to ``self``'s."""
    d = self._data
    for o in operands:
        if isinstance(o, Tensor) and o._data.shape != d.shape:
            _broadcast_inplace_check(self, o)
    if dtype_check and operands:
        dt = D.result_type(self, *[o for o in operands if isinstance(o, (Tensor,) + _SCALARS)])
        if dt._cat > D.NP2DT[d.dtype]._cat:
            from .._util import check_cast
            check_cast(dt.np, d.dtype)


def _inplace(fn, name=None):
    """The in-place form ``t.name_(...)`` of out-of-place ``fn``."""
    def method(self, *args, **kw):
        others = [x for x in args if isinstance(x, Tensor)]
        others += [x for x in kw.values() if isinstance(x, Tensor)]
        _inplace_precheck(self, others)

        def f(s):
            r = fn(s, *args, **kw)
            _broadcast_inplace_check(s, r)
            return r
        return inplace_op(self, f, *others)
    method.__name__ = (name or fn.__name__) + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


def _u_inplace(fn):
    def method(self, *args, **kw):
        return inplace_op(self, lambda s: fn(s, *args, **kw))
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


def _r(fn):
    def r(self, other):
        return fn(other, self)
    r.__name__ = "__r" + fn.__name__ + "__"
    return r


def _export_inplace(g, top):
    """Top-level in-place functions (``ember.erf_(t)``) of the family module whose globals are
    ``g``: for each ``name -> example arguments`` of ``top``, the object
    ``g["TENSOR_METHODS"][name]`` itself (so ``ember.erf_ is ember.Tensor.erf_``), named
    ``name``, with a docstring example, added to the module and its ``__all__``. Its
    ``__module__`` names that module, where the doctests find it."""
    for _n, _ex in top.items():
        _f = g["TENSOR_METHODS"][_n]
        _f.__doc__ = (f"In-place :func:`{_n[:-1]}` (also ``Tensor.{_n}``); returns its first argument.\n\n"
                      f"    >>> args = ({_ex},)\n"
                      f"    >>> ember.{_n}(*args) is args[0]\n"
                      f"    True\n")
        _f.__qualname__ = _f.__name__ = _n
        _f.__module__ = g["__name__"]
        g[_n] = _f
        g["__all__"].append(_n)

