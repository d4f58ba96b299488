"""Declaring an elementwise op once.

A row of a family's table names the op, its array function, what its backward needs
(nothing, the input or the output) and its gradient formula, written once for NumPy
arrays and Tensors (see ``ember.ops._util.FormulaOp``). From the row, :func:`unary` makes:

* the Op class (``ExpBackward0`` is its node's name, as in PyTorch),
* the public function ``exp(input, *, out=None)`` with the row's docstring,
* the in-place Tensor method ``exp_``.

Every call goes through ``apply_op``, the one entry that decides whether to record a node;
its no-grad branch is the fast path. :func:`methods` lists the Tensor methods of a table.

>>> from ember.ops.elementwise.declare import unary
>>> Cube, cube, cube_ = unary("cube", lambda a: a ** 3, save="input",
...                           grad=lambda ctx, xp, g, a: g * 3 * a * a,
...                           doc="Cube.", module=__name__)
>>> x = ember.tensor([2.], requires_grad=True)
>>> y = cube(x); y.grad_fn.name()
'CubeBackward0'
>>> y.backward(); x.grad
tensor([12.])
"""
from .._util import Tensor, FormulaOp, apply_op, ARRAY_MATH
from ...autograd.function import _NOGRAD, _record
from ..._grad_state import _state
from ..inplace.history import inplace_op
from ..._parallel_pass import par_map, MIN_SIZE, CHUNK

__all__ = []


def not_tensor(fname, x, pos=1, argname="input"):
    """PyTorch's TypeError for a non-Tensor argument."""
    raise TypeError(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                    f"not {type(x).__name__}")


def _split_grad(grad):
    """The gradient formula on arrays split into blocks when large (it is elementwise in the
    gradient and the saved values, all of the gradient's shape)."""
    def run(ctx, xp, g, *saved):
        if xp is ARRAY_MATH and g.size >= MIN_SIZE and all(s.shape == g.shape for s in saved):
            return par_map(lambda gb, *sb: grad(ctx, xp, gb, *sb), g, *saved)
        return grad(ctx, xp, g, *saved)
    return run


def _forward(fn, save, passes):
    """The Op's forward: ``fn(a)``, or ``par_map(fn, a)`` (blocks over the intra-op threads, and
    cache-sized chunks when ``fn`` makes several passes) from ``least`` elements; ``passes=0``:
    ``fn`` splits its own work."""
    least = float("inf") if passes == 0 else min(MIN_SIZE, 4 * CHUNK) if passes > 1 else MIN_SIZE
    if save is None:
        def forward(ctx, a):
            return fn(a) if a.size < least else par_map(fn, a, passes=passes)
    elif save == "input":
        def forward(ctx, a):
            if ctx is not _NOGRAD:
                ctx._saved = (a,)
            return fn(a) if a.size < least else par_map(fn, a, passes=passes)
    elif save == "output":
        def forward(ctx, a):
            out = fn(a) if a.size < least else par_map(fn, a, passes=passes)
            if ctx is not _NOGRAD:
                ctx._saved = (out,)
            return out
    else:
        raise ValueError(f"save must be None, 'input' or 'output', not {save!r}")
    return staticmethod(forward)


def unary(name, fn, *, grad, doc, module, save=None, out=True, op_name=None, passes=1):
    """Declare elementwise unary op ``name``: ``fn`` maps an array to an array, ``save`` says
    what ``grad(ctx, xp, g[, saved])`` receives (None, ``"input"`` or ``"output"``). Returns
    ``(Op class, public function, in-place method)``; the function has an ``out=`` keyword
    unless ``out`` is False. ``module`` is the family module's ``__name__`` (where the
    function's docstring example runs). Large arrays go in blocks over the intra-op threads
    (``passes``: how many passes ``fn`` makes over the data; more than one also chunks it;
    0 says ``fn`` splits its own work)."""
    cname = op_name or name[0].upper() + name[1:]
    cls = type(cname, (FormulaOp,), {
        "__slots__": (), "__module__": module, "__doc__": f"The node of :func:`{name}`.",
        "_saves_inputs": save == "input", "forward": _forward(fn, save, passes),
        "grad": staticmethod(_split_grad(grad))})

    if out:
        def f(input, *, out=None):
            if input.__class__ is not Tensor and not isinstance(input, Tensor):
                not_tensor(name, input)
            if input._rg and _state.v[0]:  # apply_op's recording branch, entered directly
                r = _record(cls, (input,), ())
            else:
                r = apply_op(cls, (input,))
            if out is None:
                return r
            from .arithmetic import _out
            return _out(r, out, input)
    else:
        def f(input):
            if input.__class__ is not Tensor and not isinstance(input, Tensor):
                not_tensor(name, input)
            return apply_op(cls, (input,))

    def f_(self):
        return inplace_op(self, f)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    f.__module__ = module
    f_.__name__ = f_.__qualname__ = name + "_"
    f_.__doc__ = f"In-place :func:`{name}`; returns ``self``."
    f_.__module__ = module
    return cls, f, f_


def methods(table, aliases=()):
    """The Tensor methods of a family's ``{name: (cls, function, in-place method)}`` table,
    with ``(alias, name)`` pairs: ``name`` and ``name_`` for each row and alias."""
    out = {}
    for n, (_, f, f_) in table.items():
        out[n], out[n + "_"] = f, f_
    for a, n in aliases:
        out[a], out[a + "_"] = table[n][1], table[n][2]
    return out
