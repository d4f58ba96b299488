"""Walk a captured ``ember.fx`` graph and emit ONNX for each node.

The walk runs the graph once on the example inputs (as ``fx.Interpreter`` does), so every
converter sees the example values of its arguments and of its result; nodes whose inputs are
all weights or constants are folded into initializers (``do_constant_folding``).

>>> from ember.onnx._graph import flatten_values
>>> flatten_values((1, [2, (3,)]))
[1, 2, 3]
"""
import operator

from ._builder import Value
from ._registry import describe_target, lookup_function, lookup_method, lookup_module
from .errors import UnsupportedOperatorError
from . import _convert_math, _convert_shape, _convert_nn, _convert_modules, _convert_sequence  # noqa: F401
from . import _convert_resample  # noqa: F401

__all__ = ["convert_nodes", "flatten_values", "is_tensor"]


def is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def flatten_values(x):
    """The leaves of nested tuples/lists/dicts, in order."""
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in flatten_values(item)]
    if isinstance(x, dict):
        return [leaf for item in x.values() for leaf in flatten_values(item)]
    return [x]


def _map(x, fn):
    if isinstance(x, (tuple, list)):
        if isinstance(x, tuple) and type(x) is not tuple:
            return _same_kind(x, [_map(i, fn) for i in x])
        return type(x)(_map(i, fn) for i in x)
    if isinstance(x, dict):
        return {k: _map(v, fn) for k, v in x.items()}
    if isinstance(x, slice):
        return slice(_map(x.start, fn), _map(x.stop, fn), _map(x.step, fn))
    return fn(x)


def _same_kind(like, items):
    """``items`` as a tuple of ``like``'s type (a namedtuple, a return-types structseq, torch.Size)."""
    if any(isinstance(i, Value) for i in items) and not hasattr(like, "_make") and \
            type(like).__name__ == "Size":
        return tuple(items)
    if hasattr(like, "_make"):
        return like._make(items)
    try:
        return type(like)(items)
    except Exception:  # noqa: BLE001 - a tuple type that only holds ints
        return tuple(items)


def _example(x):
    return _map(x, lambda v: v.example if isinstance(v, Value) else v)


def _fetch_attr(root, target):
    obj = root
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


def _attach(b, result, example):
    """Give the Values a converter returned the traced example they stand for."""
    if isinstance(result, Value):
        if result.example is None:
            result.example = example
            return result
        if result.const and result._name is None:
            return result
        return Value(example, b.name(result))
    if isinstance(result, (tuple, list)) and isinstance(example, (tuple, list)) and len(result) == len(example):
        items = [_attach(b, r, e) for r, e in zip(result, example)]
        return _same_kind(example, items) if isinstance(example, tuple) else type(result)(items)
    return result


_INPLACE_OPERATORS = {operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ifloordiv,
                      operator.imod, operator.ipow, operator.iand, operator.ior, operator.ixor}


def _mutates_first_arg(node):
    """An in-place call (``x.relu_()``, ``x += y``, ``F.relu(x, inplace=True)``)."""
    t = node.target
    if node.op == "call_method":
        return t.endswith("_") and not t.endswith("__")
    if node.op == "call_function":
        return t in _INPLACE_OPERATORS or node.kwargs.get("inplace") is True
    return False


def _leaves_of(args, kwargs):
    return [v for v in flatten_values([list(args), list(kwargs.values())]) if isinstance(v, Value)]


def _fold(ex):
    """A constant-folded result: tensors become constant Values, Python values stay."""
    return _map(ex, lambda e: Value(e.detach(), const=True) if is_tensor(e) else e)


def _run_example(root, node, args, kwargs):
    from ..autograd.grad_mode import no_grad
    with no_grad():
        if node.op == "call_module":
            return _fetch_attr(root, node.target)(*args, **kwargs)
        if node.op == "call_function":
            return node.target(*args, **kwargs)
        self_, *rest = args
        return getattr(self_, node.target)(*rest, **kwargs)


def _converter(root, node):
    if node.op == "call_module":
        return lookup_module(_fetch_attr(root, node.target))
    if node.op == "call_function":
        return lookup_function(node.target)
    return lookup_method(node.target)


def convert_nodes(b, nodes, root, inputs, fold=True, verbose=False):
    """Emit ONNX for ``nodes``; ``inputs`` yields the Value (or Python value) of each
    placeholder in order. Returns the output node's value structure."""
    env = {}
    inputs = iter(inputs)
    lookup = (lambda a: env[a] if hasattr(a, "op") and hasattr(a, "target") and a in env else a)
    for node in nodes:
        if node.op == "placeholder":
            env[node] = next(inputs)
            continue
        if node.op == "get_attr":
            t = _fetch_attr(root, node.target)
            b.scope = ""
            env[node] = b.param(t, node.target) if is_tensor(t) else t
            continue
        args = _map(tuple(node.args), lookup)
        kwargs = _map(dict(node.kwargs), lookup)
        if node.op == "output":
            return args[0]
        out_ex = _run_example(root, node, _example(args), _example(kwargs))
        if node.op == "call_function" and node.target is operator.getitem and not isinstance(args[0], Value):
            env[node] = args[0][args[1]]
            continue
        if fold and node.op != "call_module" and all(v.const for v in _leaves_of(args, kwargs)):
            env[node] = _fold(out_ex)
            continue
        conv = _converter(root, node)
        if conv is None:
            what = describe_target(node.op, node.target)
            if node.op == "call_module":
                what = f"{type(_fetch_attr(root, node.target)).__name__} (layer {node.target!r})"
            raise UnsupportedOperatorError(f"ONNX export: no converter for {what}; the model calls it at "
                                           f"node {node.name!r}")
        b.out = out_ex
        b.scope = node.target if node.op == "call_module" else ""
        if node.op == "call_module":
            result = conv(b, _fetch_attr(root, node.target), *args, **kwargs)
        else:
            result = conv(b, *args, **kwargs)
        env[node] = _attach(b, result, out_ex)
        if _mutates_first_arg(node) and node.args and hasattr(node.args[0], "op"):
            env[node.args[0]] = env[node]   # later readers of the mutated tensor see the new value
        if verbose:
            print(f"onnx export: {node.name} ({describe_target(node.op, node.target)}) -> {len(b.nodes)} nodes")
    raise UnsupportedOperatorError("ONNX export: the captured graph has no output node")
