"""Turn a ``Graph`` into Python source (``Graph.python_code``), with torch.fx's naming scheme.

Node names come from their targets (``relu``, ``add_1``, ``layer1_0_conv1``); names that are Python
keywords or builtins get a ``_1`` suffix (``sum_1``, ``getattr_1``), as torch.fx does. The source
calls ember's functions by their public path with ``torch`` bound to ``ember``
(``torch.nn.functional.relu``), so ``GraphModule.code`` reads like PyTorch's.

>>> g = ember.fx.Graph(); x = g.placeholder("x"); g.output(g.call_function(ember.relu, (x,)))
output
>>> print(g.python_code("self").src.strip())
def forward(self, x):
    relu = torch.relu(x);  x = None
    return relu
"""
import builtins
import keyword
import math
import operator
import re
import typing

from .node import Node

__all__ = ["PythonCode", "public_name"]

_ILLEGAL = re.compile(r"[^0-9a-zA-Z_]+")
_SUFFIX = re.compile(r"(.*)_(\d+)$")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_RESERVED = set(keyword.kwlist) | set(dir(builtins)) | {"self", "torch", "inf", "nan", "NoneType", "device"}

# operator functions printed as Python operators: name -> (symbol, arity)
BINARY = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
          operator.floordiv: "//", operator.mod: "%", operator.pow: "**", operator.matmul: "@",
          operator.lshift: "<<", operator.rshift: ">>", operator.and_: "&", operator.or_: "|",
          operator.xor: "^", operator.eq: "==", operator.ne: "!=", operator.lt: "<", operator.le: "<=",
          operator.gt: ">", operator.ge: ">="}
UNARY = {operator.neg: "-", operator.pos: "+", operator.invert: "~", operator.not_: "not "}

_PUBLIC = {}
_SPACES = []


def _build_public():
    import ember
    import ember.nn.functional as F
    _SPACES[:] = [("torch", ember), ("torch.nn.functional", F), ("torch.linalg", ember.linalg),
                  ("torch.special", ember.special), ("torch.fft", ember.fft)]
    for prefix, mod in reversed(_SPACES):
        for name, obj in list(vars(mod).items()):
            if name.startswith("__") or not callable(obj) or isinstance(obj, type):
                continue
            _PUBLIC[id(obj)] = (f"{prefix}.{name}", obj)
    for prefix, mod in reversed(_SPACES):  # an alias prints under the function's own name (torch.cat)
        for name, obj in list(vars(mod).items()):
            if getattr(obj, "__name__", None) == name and id(obj) in _PUBLIC and not isinstance(obj, type):
                _PUBLIC[id(obj)] = (f"{prefix}.{name}", obj)


def public_name(fn):
    """``torch.<path>`` of an ember public function (``torch.nn.functional.relu``), else None.

    >>> ember.fx.codegen.public_name(ember.relu)
    'torch.relu'
    """
    if not _PUBLIC:
        _build_public()
    fn = getattr(fn, "__fx_orig__", fn)
    hit = _PUBLIC.get(id(fn))
    return hit[0] if hit is not None and hit[1] is fn else None


def snake_case(s):
    """``MyFunc`` -> ``my_func``, as torch.fx turns targets into node names."""
    return _CAMEL.sub(r"_\1", s).lower() if any(c.isupper() for c in s) else s


class Namespace:
    """Unique Python identifiers for the nodes (and globals) of one graph."""

    def __init__(self):
        self._obj_to_name = {}
        self._used = set()
        self._base_count = {}

    def create_name(self, candidate, obj):
        if obj is not None and id(obj) in self._obj_to_name:
            return self._obj_to_name[id(obj)]
        candidate = _ILLEGAL.sub("_", candidate) or "_unnamed"
        if candidate[0].isdigit():
            candidate = "_" + candidate
        m = _SUFFIX.match(candidate)
        if m is None:
            base, num = candidate, None
        else:
            base, num = m.group(1), int(m.group(2))
        candidate = base if num is None else f"{base}_{num}"
        if not num:
            num = self._base_count.get(base, 0)
        while candidate in self._used or candidate in _RESERVED:
            num += 1
            candidate = f"{base}_{num}"
        self._used.add(candidate)
        self._base_count[base] = num
        if obj is not None:
            self._obj_to_name[id(obj)] = candidate
        return candidate

    def associate_name_with_obj(self, name, obj):
        self._obj_to_name[id(obj)] = name

    def release(self, name):
        self._used.discard(name)


def target_to_name(target):
    """The candidate node name for ``target`` (``operator.add`` -> ``add``, ``'a.b'`` -> ``a.b``)."""
    op = target if isinstance(target, str) else getattr(target, "__name__", type(target).__name__)
    if op.startswith("__") and op.endswith("__") and len(op) > 4:
        op = op[2:-2]
    return snake_case(op)


class PythonCode:
    """The generated source of a graph (``src``) and the globals it needs (``globals``)."""

    def __init__(self, src, globals_):
        self.src = src
        self.globals = globals_


def _format_target(base, target):
    out = base
    for atom in target.split("."):
        out = f"{out}.{atom}" if atom.isidentifier() else f'getattr({out}, "{atom}")'
    return out


def python_code(graph, root_module="self"):
    """The Python source of ``graph`` as a ``forward(self, ...)`` function (see module docstring)."""
    import ember
    globals_ = {"torch": ember, "inf": math.inf, "nan": math.nan, "NoneType": type(None),
                "device": ember.device, "builtins": builtins, "operator": operator}
    names = Namespace()
    for k in globals_:
        names.create_name(k, None)

    def add_global(hint, obj):
        for k, v in globals_.items():
            if v is obj:
                return k
        name = names.create_name(hint, None)
        globals_[name] = obj
        return name

    def rep(a):
        if isinstance(a, Node):
            return a.name
        if isinstance(a, tuple) and not hasattr(a, "_fields"):
            inner = ", ".join(rep(e) for e in a)
            return f"({inner},)" if len(a) == 1 else f"({inner})"
        if isinstance(a, list):
            return "[" + ", ".join(rep(e) for e in a) + "]"
        if isinstance(a, dict):
            return "{" + ", ".join(f"{k!r}: {rep(v)}" for k, v in a.items()) + "}"
        if isinstance(a, slice):
            return f"slice({rep(a.start)}, {rep(a.stop)}, {rep(a.step)})"
        if a is None or isinstance(a, (bool, int, str, bytes)) or a is Ellipsis:
            return repr(a)
        if isinstance(a, float):
            return repr(a) if math.isfinite(a) else ("inf" if a > 0 else "-inf" if a < 0 else "nan")
        if isinstance(a, complex):
            return repr(a)
        if isinstance(a, (ember.dtype, ember.Size)):
            return repr(a)
        if isinstance(a, ember.device):
            return f"device(type={a.type!r}" + ("" if a.index is None else f", index={a.index}") + ")"
        if callable(a) and public_name(a) is not None:
            return public_name(a)
        hint = getattr(a, "__name__", None) or type(a).__name__
        return add_global(snake_case(hint), a)

    def fn_name(target):
        p = public_name(target)
        if p is not None:
            return p
        if target is getattr(builtins, getattr(target, "__name__", ""), None):
            return target.__name__
        mod = getattr(target, "__module__", "") or ""
        if mod in ("_operator", "operator"):
            return add_global("_operator_" + target.__name__, target)
        if mod == "math" and getattr(math, target.__name__, None) is target:
            return add_global("math", math) + "." + target.__name__
        return add_global(snake_case(getattr(target, "__name__", "fn")), target)

    def type_repr(t):
        if t is None or t is type(None):
            return "NoneType" if t is not None else "None"
        if isinstance(t, type):
            if getattr(builtins, t.__name__, None) is t:
                return t.__name__
            if getattr(ember, t.__name__, None) is t:
                return "torch." + t.__name__
            return add_global(snake_case(t.__name__), t)
        origin, targs = getattr(t, "__origin__", None), getattr(t, "__args__", None)
        tname = getattr(origin, "_name", None) or getattr(t, "_name", None)  # Optional[X] is Union[X, None]
        if origin is not None and targs is not None and tname and hasattr(typing, tname):
            head = add_global("typing_" + tname, getattr(typing, tname))
            return f"{head}[{','.join(type_repr(a) for a in targs)}]"
        return add_global("annotation", t)

    def annotated(n, text):
        return text if n.type is None else f"{text} : {type_repr(n.type)}"

    def args_str(args, kwargs):
        parts = [rep(a) for a in args] + [f"{k} = {rep(v)}" for k, v in kwargs.items()]
        return ", ".join(parts)

    nodes = list(graph.nodes)
    for n in nodes:
        names.create_name(n.name, None)
    # last use of each value, for the "x = None" that frees it as soon as it is dead
    seen, last_uses = set(), {}
    for n in reversed(nodes):
        for inp in n.all_input_nodes:
            if inp not in seen:
                seen.add(inp)
                last_uses.setdefault(n, []).append(inp)
    signature, body, wrapped_ret, ret_annotation = [root_module], [], None, ""
    for n in nodes:
        if n.op == "placeholder":
            t = n.target
            if t.startswith("**"):
                signature.append(t)
                raw = t[2:]
            elif t.startswith("*"):
                signature.append(t)
                raw = t[1:]
            else:
                signature.append(annotated(n, t) if not n.args else f"{annotated(n, t)} = {rep(n.args[0])}")
                raw = t
            if n.name != raw:
                body.append(f"{n.name} = {raw}")
            continue
        if n.op == "output":
            body.append(f"return {rep(n.args[0])}")
            wrapped_ret = True
            if n.type is not None:
                ret_annotation = f" -> {type_repr(n.type)}"
            continue
        if n.op == "get_attr":
            line = f"{n.name} = {_format_target(root_module, n.target)}"
        elif n.op == "call_module":
            line = f"{n.name} = {_format_target(root_module, n.target)}({args_str(n.args, n.kwargs)})"
        elif n.op == "call_method":
            line = f"{n.name} = {_format_target(rep(n.args[0]), n.target)}({args_str(n.args[1:], n.kwargs)})"
        else:
            t, a = n.target, n.args
            if t in BINARY and len(a) == 2 and not n.kwargs:
                line = f"{n.name} = {rep(a[0])} {BINARY[t]} {rep(a[1])}"
            elif t in UNARY and len(a) == 1 and not n.kwargs:
                line = f"{n.name} = {UNARY[t]}{rep(a[0])}"
            elif t is operator.getitem and len(a) == 2 and not n.kwargs:
                line = f"{n.name} = {rep(a[0])}[{rep(a[1])}]"
            elif (t is builtins.getattr and len(a) == 2 and not n.kwargs and isinstance(a[1], str)
                  and a[1].isidentifier()):
                line = f"{n.name} = {rep(a[0])}.{a[1]}"
            else:
                line = f"{n.name} = {fn_name(t)}({args_str(a, n.kwargs)})"
        dead = [i.name for i in last_uses.get(n, [])]
        if not n.users:
            dead.append(n.name)
        if dead:
            line += ";  " + " = ".join(dead) + " = None"
        body.append(line)
    if wrapped_ret is None:
        body.append("return None")
    if not body:
        body.append("pass")
    head = "\n\n\ndef forward(" + ", ".join(signature) + ")" + ret_annotation + ":\n"
    src = head + "".join(f"    {b}\n" for b in body) + "    "
    return PythonCode(src, globals_)

