"""The converter tables: which function, Tensor method or layer type becomes which ONNX nodes.

A converter takes the graph builder first and then the traced call's own arguments (tensors
as :class:`~ember.onnx._builder.Value`), with the call's parameter names, and returns the
result's Values.

>>> from ember.onnx._registry import describe_target
>>> describe_target("call_method", "view")
'Tensor.view'
"""
import importlib

__all__ = ["function", "method", "module", "lookup_function", "lookup_method", "lookup_module",
           "describe_target"]

_FUNCTIONS = {}      # dotted name ("relu", "nn.functional.relu", "operator.add") -> converter
_METHODS = {}        # Tensor method name -> converter
_MODULES = {}        # layer class path ("nn.Conv2d") -> converter
_resolved = {"fn": None, "mod": None}


def function(*names):
    """Register a converter for ember functions (names relative to ``ember``; ``operator.x``
    and ``builtins.x`` name Python's)."""
    def deco(fn):
        for n in names:
            _FUNCTIONS[n] = fn
        _resolved["fn"] = None
        return fn
    return deco


def method(*names):
    """Register a converter for Tensor methods (``self`` comes first)."""
    def deco(fn):
        for n in names:
            _METHODS[n] = fn
        return fn
    return deco


def module(*paths):
    """Register a converter for a layer type, called as ``conv(b, module, *args, **kwargs)``."""
    def deco(fn):
        for p in paths:
            _MODULES[p] = fn
        _resolved["mod"] = None
        return fn
    return deco


def _load():
    """Import the converter modules (they fill the tables when imported)."""
    if not _resolved.get("loaded"):
        _resolved["loaded"] = True
        from . import _graph  # noqa: F401 - imports every _convert_* module


def _resolve(path):
    if path.startswith(("operator.", "builtins.", "math.")):
        mod, _, attr = path.partition(".")
        return getattr(importlib.import_module(mod), attr, None)
    obj = importlib.import_module("ember")
    parts = path.split(".")
    for i, part in enumerate(parts):
        nxt = getattr(obj, part, None)
        if nxt is None:
            try:
                nxt = importlib.import_module(".".join(["ember"] + parts[:i + 1]))
            except ImportError:
                return None
        obj = nxt
    return obj


def _function_table():
    table = _resolved["fn"]
    if table is None:
        table = {}
        for path, conv in _FUNCTIONS.items():
            obj = _resolve(path)
            if obj is not None:
                table.setdefault(id(obj), (obj, conv))
        _resolved["fn"] = table
    return table


def lookup_function(target):
    """The converter for a call_function target, or None.

    >>> ember.onnx._registry.lookup_function(len) is None
    True
    """
    _load()
    hit = _function_table().get(id(target))
    if hit is not None and hit[0] is target:
        return hit[1]
    name = getattr(target, "__name__", None)
    modname = getattr(target, "__module__", "") or ""
    if name and modname.startswith("ember"):
        # a function reached through another path (an alias, an internal module): by its name
        return _FUNCTIONS.get(name) or _FUNCTIONS.get("nn.functional." + name)
    return None


def lookup_method(name):
    """The converter for a Tensor method name, or None."""
    _load()
    return _METHODS.get(name)


def lookup_module(mod):
    """The converter for a layer of exactly this type, or None (a subclass may change forward)."""
    _load()
    table = _resolved["mod"]
    if table is None:
        table = {}
        for path, conv in _MODULES.items():
            cls = _resolve(path)
            if cls is not None:
                table[cls] = conv
        _resolved["mod"] = table
    return table.get(type(mod))


def describe_target(op, target):
    """A readable name for a node's target, for error messages.

    >>> import operator
    >>> ember.onnx._registry.describe_target("call_function", operator.add)
    'operator.add'
    """
    if op == "call_method":
        return f"Tensor.{target}"
    if isinstance(target, str):
        return target
    mod = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", repr(target))
    for public in ("ember", "ember.nn.functional", "ember.linalg", "ember.special", "ember.fft"):
        try:
            if getattr(importlib.import_module(public), name, None) is target:
                return f"{public}.{name}"
        except ImportError:
            continue
    if mod in ("_operator", "operator"):
        mod = "operator"
    return f"{mod}.{name}" if mod else name
