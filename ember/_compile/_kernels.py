"""NumPy kernels for the graph nodes the fast program runs without ember's dispatch.

A rule looks at one node (and the values recorded for it) and returns a :class:`Kernel`,
or None (the node then runs as an *island*: the ember call itself). A kernel computes
exactly what ember's eager op computes (the same NumPy calls in the same order, so the
results are bit-identical), in three forms:

* ``fwd(*arrays)`` for inference, allocating its result;
* ``fwd_buf(*arrays)`` for inference, writing into a buffer it keeps across calls (used
  when the result is never returned to the caller nor viewed by something returned);
* ``tfwd(*arrays) -> (out, saved)`` and ``bwd(saved, g) -> grads`` for training: the
  forward of the compiled graph's one autograd node, and its backward in NumPy.

Linear followed by its only user ReLU is one fused kernel.

>>> from ember._compile._kernels import linear_kernel
>>> k = linear_kernel(True, relu=True, needs=(False, True, True))
>>> x = ember.randn(2, 3)._data; w = ember.randn(4, 3)._data; b = ember.zeros(4)._data
>>> k.fwd(x, w, b).shape
(2, 4)
"""
import operator

from .._backend import np
from .._scalar_rows import maximum as _maximum
from .._select import select as _select
from ..ops.elementwise.basic_math import _tanh_grad
from ..ops.linalg.products import _matmul_np

__all__ = ["Kernel", "linear_kernel", "match"]


class Kernel:
    """A node's NumPy implementation (see the module docstring)."""

    __slots__ = ("inputs", "fwd", "fwd_buf", "tfwd", "bwd", "aliases", "absorbs", "kind", "relu")

    def __init__(self, fwd, tfwd=None, bwd=None, fwd_buf=None, aliases=False):
        self.fwd, self.tfwd, self.bwd = fwd, tfwd, bwd
        self.fwd_buf = fwd_buf or fwd
        self.aliases = aliases  # the result may be a view of an input
        self.inputs = ()
        self.absorbs = None     # a following node folded into this kernel (fused ReLU)
        self.kind, self.relu = None, False


def _relu_fwd(y, out=None):
    # eager relu's call (the number first: -0. stays -0.), vectorised for large arrays
    return _maximum(y, y.dtype.type(0), out=out)


def _relu_bwd(g, y):
    # eager relu's gradient: zero where the output is <= 0, the gradient itself elsewhere
    return _select(y <= 0, 0, g, g.dtype)


def linear_kernel(has_bias, relu=False, needs=(True, True, True)):
    """``x @ w.T (+ b)``, optionally followed by ReLU, as ``ember.ops.nn.linear.Linear`` computes it."""
    need_x, need_w, need_b = needs

    def mm(x, w):
        if x.ndim <= 2:
            return np.matmul(x, w.T)
        lead = x.shape[:-1]
        return np.matmul(x.reshape(-1, x.shape[-1]), w.T).reshape(lead + (w.shape[0],))

    def fwd(x, w, b=None):
        y = mm(x, w)
        if b is not None:
            y += b
        return _relu_fwd(y, out=y) if relu else y

    buf = [None]

    def fwd_buf(x, w, b=None):
        o = buf[0]
        if o is None or x.ndim != 2:
            o = buf[0] = fwd(x, w, b)
            return o
        np.matmul(x, w.T, out=o)
        if b is not None:
            o += b
        if relu:
            _relu_fwd(o, out=o)
        return o

    def tfwd(x, w, b=None):
        y = mm(x, w)
        if b is not None:
            y += b
        if relu:
            y = _relu_fwd(y)
        return y, (x, w, y)

    def bwd(saved, g):
        x, w, y = saved
        if relu:
            g = _relu_bwd(g, y)
        gx = _matmul_np(g, w) if need_x else None
        gw = gb = None
        if need_w:
            g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
            x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
            gw = _matmul_np(g2.T, x2)
        if has_bias and need_b:
            gb = np.sum(g, axis=tuple(range(g.ndim - 1)), keepdims=True).reshape(g.shape[-1:]) \
                if g.ndim > 1 else g
        return (gx, gw, gb) if has_bias else (gx, gw)

    return Kernel(fwd, tfwd, bwd, fwd_buf)


def _relu_kernel():
    def fwd(a):
        return _relu_fwd(a)

    def tfwd(a):
        y = _relu_fwd(a)
        return y, y

    def bwd(y, g):
        return (_relu_bwd(g, y),)
    return Kernel(fwd, tfwd, bwd)


def _tanh_kernel():
    def tfwd(a):
        y = np.tanh(a)
        return y, y

    def bwd(y, g):
        return (_tanh_grad(None, None, g, y),)    # eager tanh's gradient (torch's fused 1 - y * y)
    return Kernel(np.tanh, tfwd, bwd)


def _reshape_kernel(in_shape, out_shape):
    def fwd(a):
        return a.reshape(out_shape)

    def tfwd(a):
        return a.reshape(out_shape), None

    def bwd(saved, g):
        return (g.reshape(in_shape),)
    return Kernel(fwd, tfwd, bwd, aliases=True)


def _add_kernel():
    def tfwd(a, b):
        return a + b, None

    def bwd(saved, g):
        return (g, g)
    return Kernel(operator.add, tfwd, bwd)


def _mul_kernel():
    def tfwd(a, b):
        return a * b, (a, b)

    def bwd(saved, g):
        a, b = saved
        return (g * b, g * a)
    return Kernel(operator.mul, tfwd, bwd)


# -- recognising nodes --------------------------------------------------------------------
_TABLE = {}


def _table():
    if _TABLE:
        return _TABLE
    import ember
    from ..nn import functional as F
    from ..ops.nn.linear import linear as _linear
    lin = {F.linear, _linear}
    relu = {ember.relu}
    _TABLE.update(linear=lin, relu=relu, frelu={F.relu}, tanh={ember.tanh, F.tanh},
                  add={operator.add, ember.add}, mul={operator.mul, ember.mul},
                  reshape={ember.reshape, ember.flatten})
    return _TABLE


_FLOAT = ("float32", "float64")


def _is_float_t(m):
    return m is not None and m[0] == "T" and m[2].name in _FLOAT


def _kind(node):
    """'linear' / 'relu' / 'tanh' / 'add' / 'mul' / 'reshape' or None, with the node's tensor args."""
    t, op = _table(), node.op
    a, kw = node.args, node.kwargs
    if op == "call_function":
        f = node.target
        if f in t["linear"] and not kw:
            return "linear", list(a)
        if f in t["relu"] and len(a) == 1 and not kw:
            return "relu", list(a)
        if f in t["frelu"] and len(a) >= 1 and not (a[1:2] and a[1]) and not kw.get("inplace"):
            return "relu", [a[0]]
        if f in t["tanh"] and len(a) == 1 and not kw:
            return "tanh", list(a)
        if f in t["add"] and len(a) == 2 and not kw:
            return "add", list(a)
        if f in t["mul"] and len(a) == 2 and not kw:
            return "mul", list(a)
        if f in t["reshape"]:
            return "reshape", [a[0]]
    elif op == "call_method":
        name = node.target
        if name in ("relu", "tanh") and len(a) == 1 and not kw:
            return name, list(a)
        if name in ("view", "reshape", "flatten"):
            return "reshape", [a[0]]
        if name in ("add", "__add__") and len(a) == 2 and not kw:
            return "add", list(a)
        if name in ("mul", "__mul__") and len(a) == 2 and not kw:
            return "mul", list(a)
    return None, None


def _module_kind(mod):
    from ..nn import Linear, ReLU, Tanh, Flatten
    if type(mod) is Linear:
        return "linear"
    if type(mod) is ReLU and not mod.inplace:
        return "relu"
    if type(mod) is Tanh:
        return "tanh"
    if type(mod) is Flatten:
        return "reshape"
    return None


def match(node, meta, mod=None):
    """``(kind, tensor-arg nodes)`` when ``node`` has a NumPy kernel for the recorded values, else
    ``(None, None)``. ``meta`` maps nodes to their recorded metadata; ``mod`` is the module a
    ``call_module`` node calls."""
    if node.op == "call_module":
        kind = _module_kind(mod)
        if kind is None or node.kwargs or len(node.args) != 1:
            return None, None
        args = list(node.args)
        if kind == "linear":
            args = args + ["weight"] + (["bias"] if mod.bias is not None else [])
    else:
        kind, args = _kind(node)
    if kind is None:
        return None, None
    out = meta.get(node)
    if not _is_float_t(out):
        return None, None
    x = meta.get(args[0]) if args[0].__class__.__name__ == "Node" else None
    if not _is_float_t(x) or x[2] != out[2]:
        return None, None
    if kind in ("add", "mul"):
        y = meta.get(args[1]) if args[1].__class__.__name__ == "Node" else None
        if not _is_float_t(y) or y[1] != x[1] or y[2] != x[2]:
            return None, None
    if kind == "linear" and node.op != "call_module":
        if len(args) == 3 and args[2] is None:
            args = args[:2]
        if len(args) not in (2, 3) or any(a.__class__.__name__ != "Node" or not _is_float_t(meta.get(a))
                                          or meta[a][2] != x[2] for a in args[1:]):
            return None, None
        if meta[args[1]][1].__len__() != 2:
            return None, None
    return kind, args


def make_kernel(kind, in_meta, out_meta, needs, relu=False):
    """The kernel for a matched node; ``needs`` tells which inputs want a gradient."""
    if kind == "linear":
        return linear_kernel(len(in_meta) == 3, relu=relu, needs=tuple(needs) + (False,) * (3 - len(needs)))
    if kind == "relu":
        return _relu_kernel()
    if kind == "tanh":
        return _tanh_kernel()
    if kind == "reshape":
        return _reshape_kernel(in_meta[0][1], out_meta[1])
    if kind == "add":
        return _add_kernel()
    if kind == "mul":
        return _mul_kernel()
    raise ValueError(kind)
