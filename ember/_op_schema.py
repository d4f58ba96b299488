"""Operator schemas as ``torch.library`` writes them: ``"name.overload(Tensor x, int y=2, *,
float z=1.5) -> Tensor"``. ``parse_schema`` reads one (for ``Library.define``); ``infer_schema``
writes one from a type-annotated function (for ``custom_op``); ``Schema.bind`` checks a call
against it and fills in the defaults.

>>> from ember._op_schema import parse_schema
>>> s = parse_schema("foo(Tensor x, int y=2, *, float z=1.5) -> Tensor")
>>> s.name, [a.name for a in s.args], s.bind((1,), {})
('foo', ['x', 'y', 'z'], ([1, 2], {'z': 1.5}))
"""
import ast
import inspect
import typing

__all__ = ["parse_schema", "infer_schema", "Schema", "Argument"]


class Argument:
    """One argument of a schema: its type string, name, default (``inspect._empty`` when it
    has none), whether it is keyword-only and whether the op writes to it."""

    __slots__ = ("type", "name", "default", "kwarg_only", "mutable")

    def __init__(self, type, name, default, kwarg_only, mutable):
        self.type, self.name, self.default = type, name, default
        self.kwarg_only, self.mutable = kwarg_only, mutable

    def __repr__(self):
        d = "" if self.default is inspect.Parameter.empty else f"={_literal(self.default)}"
        return f"{self.type} {self.name}{d}"


class Schema:
    """A parsed operator schema: ``name``, ``overload``, ``args`` and the return string."""

    def __init__(self, name, overload, args, returns, text):
        self.name, self.overload, self.args, self.returns, self._text = name, overload, args, returns, text

    def __str__(self):
        return self._text

    def signature(self):
        """The matching ``inspect.Signature`` (keyword-only arguments after the ``*``)."""
        kinds = inspect.Parameter
        return inspect.Signature([kinds(a.name, kinds.KEYWORD_ONLY if a.kwarg_only else kinds.POSITIONAL_OR_KEYWORD,
                                        default=a.default) for a in self.args])

    def bind(self, args, kwargs):
        """(positional values, keyword-only values) for a call, defaults filled in; a call that
        does not fit raises torch's RuntimeError."""
        pos = [a for a in self.args if not a.kwarg_only]
        if len(args) > len(pos):
            raise RuntimeError(f"{self.qualname}() expected at most {len(pos)} argument(s) but received "
                               f"{len(args)} argument(s). Declaration: {self._text}")
        values = {a.name: v for a, v in zip(pos, args)}
        for k, v in kwargs.items():
            if k not in {a.name for a in self.args}:
                raise RuntimeError(f"{self.qualname}() got an unexpected keyword argument '{k}'. "
                                   f"Declaration: {self._text}")
            if k in values:
                raise RuntimeError(f"{self.qualname}() got multiple values for argument '{k}'. "
                                   f"Declaration: {self._text}")
            values[k] = v
        for a in self.args:
            if a.name not in values:
                if a.default is inspect.Parameter.empty:
                    raise RuntimeError(f"{self.qualname}() is missing value for argument '{a.name}'. "
                                       f"Declaration: {self._text}")
                values[a.name] = a.default
        return [values[a.name] for a in pos], {a.name: values[a.name] for a in self.args if a.kwarg_only}

    @property
    def qualname(self):
        return self.name


def _split_top(s):
    """Split ``s`` at the commas outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _parse_default(text):
    t = text.strip()
    if t in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[t]
    if t.startswith("[") and t.endswith("]"):
        return [_parse_default(x) for x in _split_top(t[1:-1])]
    try:
        return ast.literal_eval(t)
    except (ValueError, SyntaxError):
        return t              # a name such as contiguous_format or a dtype: kept as written


def parse_schema(text):
    """Parse ``"name[.overload](args) -> returns"`` into a :class:`Schema` (RuntimeError with
    the place when it is malformed).

    >>> from ember._op_schema import parse_schema
    >>> str(parse_schema("mylib::bar.out(Tensor(a!) x) -> ()").args[0].type)
    'Tensor(a!)'
    """
    head, sep, returns = text.partition("->")
    head = head.strip()
    if not sep or "(" not in head or not head.endswith(")"):
        raise RuntimeError(f"expected a schema of the form 'name(args) -> returns', got: {text}")
    name, _, arglist = head.partition("(")
    name = name.strip().split("::")[-1]
    name, _, overload = name.partition(".")
    args, kwarg_only = [], False
    for part in _split_top(arglist[:-1]):
        if part == "*":
            kwarg_only = True
            continue
        decl, eq, default = part.partition("=")
        typ, _, aname = decl.strip().rpartition(" ")
        if not typ or not aname.isidentifier():
            raise RuntimeError(f"expected 'Type name' for an argument but found '{part}' in schema: {text}")
        args.append(Argument(typ.strip(), aname, _parse_default(default) if eq else inspect.Parameter.empty,
                             kwarg_only, "!" in typ))
    return Schema(name, overload or "default", args, returns.strip(), text.strip())


# ------------------------------------------------------------------ inferring from annotations
def _type_name(ann, param, what):
    """The schema type of an annotation (ValueError naming the parameter when unsupported)."""
    from ._tensor import Tensor
    from ._dtype_registry import dtype
    from ._device import device
    scalar = {int: "SymInt", float: "float", bool: "bool", str: "str", dtype: "ScalarType", device: "Device"}
    if ann is Tensor:
        return "Tensor"
    if ann in scalar:
        return scalar[ann]
    origin, targs = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Union and len(targs) == 2 and type(None) in targs:
        inner = targs[0] if targs[1] is type(None) else targs[1]
        return _type_name(inner, param, what) + "?"
    if origin in (list, tuple, typing.Sequence, __import__("collections.abc").abc.Sequence) and targs:
        return _type_name(targs[0], param, what) + "[]"
    raise ValueError(f"infer_schema(func): {what} {param} has unsupported type {ann}.")


def _literal(v):
    if isinstance(v, str):
        return repr(v).replace("'", '"')
    return repr(v)


def _return_type(ann):
    from ._tensor import Tensor
    if ann is None or ann is type(None):
        return "()"
    if ann is Tensor:
        return "Tensor"
    if typing.get_origin(ann) is tuple:
        return "(" + ", ".join(_return_type(a) for a in typing.get_args(ann)) + ")"
    if typing.get_origin(ann) is list and typing.get_args(ann) == (Tensor,):
        return "Tensor[]"
    scalar = {int: "SymInt", float: "float", bool: "bool"}
    if ann in scalar:
        return scalar[ann]
    raise ValueError(f"infer_schema(func): Return has unsupported type {ann}.")


def infer_schema(fn, mutates_args, op_name=None):
    """The schema of a type-annotated function, as ``torch.library.infer_schema`` writes it.

    >>> from ember._op_schema import infer_schema
    >>> def f(x: ember.Tensor, n: int, s: float = 1.0) -> ember.Tensor: ...
    >>> infer_schema(f, ())
    '(Tensor x, SymInt n, float s=1.0) -> Tensor'
    """
    sig = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # annotations that do not evaluate: read them as written
        hints = {k: p.annotation for k, p in sig.parameters.items()}
    parts, seen_kw = [], False
    for i, (name, p) in enumerate(sig.parameters.items()):
        if p.annotation is inspect.Parameter.empty:
            raise ValueError(f"infer_schema(func): Parameter {name} must have a type annotation. "
                             f"Got func with signature {sig})")
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise ValueError(f"infer_schema(func): We do not support positional-only args, varargs, or varkwargs. "
                             f"Got func with signature {sig})")
        if p.kind == p.KEYWORD_ONLY and not seen_kw:
            parts.append("*")
            seen_kw = True
        typ = _type_name(hints.get(name, p.annotation), name, "Parameter")
        if typ.startswith("Tensor") and (mutates_args == "unknown" or name in mutates_args):
            typ = f"Tensor(a{i}!)" + typ[len("Tensor"):]
        if p.default is not inspect.Parameter.empty:
            if not (p.default is None or isinstance(p.default, (bool, int, float, str))):
                raise ValueError(f"infer_schema(func): Parameter {name} has an unsupported default value "
                                 f"type {type(p.default)}. Please file an issue on GitHub so we can "
                                 f"prioritize this. Got func with signature {sig})")
            typ += f" {name}={_literal(p.default)}"
        else:
            typ += f" {name}"
        parts.append(typ)
    if mutates_args != "unknown":
        missing = set(mutates_args) - set(sig.parameters)
        if missing:
            raise ValueError(f"infer_schema(func): {sorted(missing)[0]} in mutates_args were not found in "
                             f"the custom op's signature. mutates_args should contain the names of all args "
                             f"that the custom op mutates, or just the string 'unknown' if you don't know.")
    ret = _return_type(hints.get("return", sig.return_annotation))
    return f"{op_name or ''}({', '.join(parts)}) -> {ret}"
