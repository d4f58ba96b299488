"""``Node``: one operation in an fx ``Graph`` (``torch.fx.Node``), and the helpers that walk arguments.

A node has an ``op`` kind (``placeholder``, ``get_attr``, ``call_function``, ``call_method``,
``call_module``, ``output``), a ``target``, ``args``/``kwargs`` that may hold other nodes, and the
``users`` that read it.

>>> g = ember.fx.Graph()
>>> x = g.placeholder("x")
>>> y = g.call_function(ember.relu, (x,))
>>> y.op, y.name, y.args, list(x.users)
('call_function', 'relu', (x,), [relu])
"""
import builtins
import operator
import typing

from .._dtype import dtype as _dtype
from .._tensor import Tensor as _Tensor, device as _device

__all__ = ["Node", "map_arg", "map_aggregate", "Argument", "has_side_effect"]

Argument = object  # any value a node's args may hold: a Node, a constant, or a container of those
Target = typing.Union[typing.Callable[..., typing.Any], str]   # what a node calls: a function, or a name
BaseArgumentTypes = typing.Union[str, int, float, bool, complex, _dtype, _Tensor, _device]   # constants in args

_OPS = ("placeholder", "call_method", "call_module", "call_function", "get_attr", "output", "root")


def map_aggregate(a, fn):
    """Apply ``fn`` to every leaf of ``a`` (tuples, lists, dicts and slices are walked).

    >>> ember.fx.node.map_aggregate((1, [2, 3]), lambda v: v * 10)
    (10, [20, 30])
    """
    t = type(a)
    if t is tuple or isinstance(a, tuple):
        out = tuple(map_aggregate(e, fn) for e in a)
        return out if t is tuple or not hasattr(a, "_fields") else t(*out)
    if t is list or isinstance(a, list):
        return [map_aggregate(e, fn) for e in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if t is slice:
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """Apply ``fn`` to every ``Node`` inside ``a``, keeping the structure.

    >>> g = ember.fx.Graph(); x = g.placeholder("x")
    >>> ember.fx.node.map_arg((x, 2), lambda n: n.name)
    ('x', 2)
    """
    return map_aggregate(a, lambda v: fn(v) if isinstance(v, Node) else v)


def _format_arg(arg, max_list_len=float("inf")):
    if isinstance(arg, Node):
        return "%" + arg.name
    if isinstance(arg, (list, tuple)) and not hasattr(arg, "_fields"):
        items = ", ".join(_format_arg(a) for i, a in enumerate(arg) if i < max_list_len)
        if len(arg) > max_list_len:
            items += ", ..."
        return f"[{items}]" if isinstance(arg, list) else (f"({items},)" if len(arg) == 1 else f"({items})")
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k}: {_format_arg(v)}" for k, v in arg.items()) + "}"
    return str(arg)


def _type_str(t):
    """A type annotation as torch.fx prints it (``torch.Tensor``, ``typing.Optional[torch.Tensor]``)."""
    import re
    if isinstance(t, type):
        import ember
        if getattr(builtins, t.__name__, None) is t:
            return t.__name__
        if getattr(ember, t.__name__, None) is t:
            return "torch." + t.__name__
        return f"{t.__module__}.{t.__qualname__}"
    return re.sub(r"ember(\._tensor)?\.Tensor", "torch.Tensor", repr(t))


def _qualified_name(fn):
    """``module.name`` of a callable as torch.fx prints it (``operator.add``, ``torch.relu``)."""
    from .codegen import public_name
    name = public_name(fn)
    if name is not None:
        return name
    mod = getattr(fn, "__module__", None) or "builtins"
    if mod == "_operator":
        mod = "operator"
    return f"{mod}.{getattr(fn, '__qualname__', getattr(fn, '__name__', repr(fn)))}"


class Node:
    """One operation of a ``Graph``; build nodes with the ``Graph`` methods, not directly.

    >>> g = ember.fx.Graph(); x = g.placeholder("x"); y = g.call_method("sum", (x,))
    >>> y.op, y.target, y.all_input_nodes
    ('call_method', 'sum', [x])
    """

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in _OPS:
            raise ValueError(f"unknown node op {op!r}; expected one of {_OPS[:-1]}")
        if op in ("call_method", "call_module", "get_attr", "placeholder") and not isinstance(target, str):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                             f"{type(target)} but a str is expected for op {op!r}")
        if op == "call_function" and not callable(target):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                             f"{type(target)} but a Callable is expected")
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self._input_nodes = {}
        self.users = {}
        self.type = return_type
        self._prev = self
        self._next = self
        self._erased = False
        self._args = ()
        self._kwargs = {}
        self.meta = {}
        self._sort_key = 0
        self._update_args_kwargs(args, kwargs)

    # ---------------------------------------------------------------- linked list
    @property
    def next(self):
        """The node after this one in the graph."""
        return self._next

    @property
    def prev(self):
        """The node before this one in the graph."""
        return self._prev

    def _remove_from_list(self):
        p, n = self._prev, self._next
        p._next, n._prev = n, p

    def prepend(self, x):
        """Move (or insert) node ``x`` right before this one.

        >>> g = ember.fx.Graph(); a = g.placeholder("a"); b = g.placeholder("b"); a.prepend(b); list(g.nodes)
        [b, a]
        """
        if self is x:
            raise AssertionError("Cannot prepend self")
        x._remove_from_list()
        p = self._prev
        p._next, x._prev = x, p
        x._next, self._prev = self, x

    def append(self, x):
        """Move (or insert) node ``x`` right after this one.

        >>> g = ember.fx.Graph(); a = g.placeholder("a"); b = g.placeholder("b"); b.append(a); list(g.nodes)
        [b, a]
        """
        self._next.prepend(x)

    # ---------------------------------------------------------------- args
    @property
    def args(self):
        """The positional arguments (a tuple that may hold nodes)."""
        return self._args

    @args.setter
    def args(self, a):
        self._update_args_kwargs(a, self._kwargs)

    @property
    def kwargs(self):
        """The keyword arguments (a dict that may hold nodes)."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, k):
        self._update_args_kwargs(self._args, k)

    def _update_args_kwargs(self, new_args, new_kwargs):
        for old in self._input_nodes:
            old.users.pop(self, None)
        self._input_nodes = {}
        self._args = map_arg(tuple(new_args), self._note_input)
        self._kwargs = map_arg(dict(new_kwargs), self._note_input)
        for n in self._input_nodes:
            n.users.setdefault(self, None)

    def _note_input(self, n):
        self._input_nodes.setdefault(n, None)
        return n

    @property
    def all_input_nodes(self):
        """The distinct nodes this node reads, in order of appearance.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); y = g.call_function(ember.add, (x, x))
        >>> y.all_input_nodes
        [x]
        """
        return list(self._input_nodes)

    def update_arg(self, idx, arg):
        """Set ``args[idx]`` to ``arg``.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); y = g.call_function(ember.add, (x, 1))
        >>> y.update_arg(1, 2); y.args
        (x, 2)
        """
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def update_kwarg(self, key, arg):
        """Set ``kwargs[key]`` to ``arg``.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); y = g.call_function(ember.sum, (x,))
        >>> y.update_kwarg("dim", 0); y.kwargs
        {'dim': 0}
        """
        self.kwargs = {**self.kwargs, key: arg}

    def replace_input_with(self, old_input, new_input):
        """Replace every use of node ``old_input`` in this node's arguments by ``new_input``.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); z = g.placeholder("z")
        >>> y = g.call_function(ember.neg, (x,)); y.replace_input_with(x, z); y.args
        (z,)
        """
        swap = (lambda n: new_input if n is old_input else n)
        self._update_args_kwargs(map_arg(self._args, swap), map_arg(self._kwargs, swap))

    def replace_all_uses_with(self, replace_with, delete_user_cb=lambda user: True, *, propagate_meta=False):
        """Make every user of this node read ``replace_with`` instead; returns the changed users.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); a = g.call_function(ember.relu, (x,))
        >>> out = g.output(a); b = g.call_function(ember.nn.functional.gelu, (x,))
        >>> a.replace_all_uses_with(b); out.args
        [output]
        (gelu,)
        """
        if propagate_meta:
            for k, v in self.meta.items():
                replace_with.meta.setdefault(k, v)
        changed = []
        for user in list(self.users):
            if not delete_user_cb(user):
                continue
            user.replace_input_with(self, replace_with)
            changed.append(user)
        return changed

    # ---------------------------------------------------------------- queries
    def is_impure(self, impure_random=True):
        """Whether dead-code elimination must keep this node even when nothing reads it.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); x.is_impure()
        True
        """
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_function":
            if self.target in _SIDE_EFFECTS:
                return True
            name = getattr(self.target, "__name__", "")
            return name.endswith("_") and not name.endswith("__")
        if self.op == "call_method":
            return self.target.endswith("_") and not self.target.endswith("__")
        if self.op == "call_module":
            mod = self.graph.owning_module
            if mod is None:
                return False
            try:
                sub = mod.get_submodule(self.target)
            except AttributeError:
                return False
            return bool(getattr(sub, "_is_impure", False))
        return False

    @property
    def stack_trace(self):
        """Where in the traced program this node came from (a str), or None."""
        return self.meta.get("stack_trace")

    @stack_trace.setter
    def stack_trace(self, trace):
        self.meta["stack_trace"] = trace

    def format_node(self, placeholder_names=None, maybe_return_typename=None):
        """The node as one line of the graph's printout.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); x.format_node()
        '%x : [num_users=0] = placeholder[target=x]'
        """
        t = "" if self.type is None else _type_str(self.type) + " "
        if self.op == "placeholder":
            default = "" if not self.args else f"(default={self.args[0]})"
            return f"%{self.name} : {t}[num_users={len(self.users)}] = placeholder[target={self.target}]{default}"
        if self.op == "get_attr":
            return f"%{self.name} : [num_users={len(self.users)}] = get_attr[target={self.target}]"
        if self.op == "output":
            return "return " + _format_arg(self.args[0]).replace("%", "")
        target = self.target if isinstance(self.target, str) else _qualified_name(self.target)
        return (f"%{self.name} : [num_users={len(self.users)}] = {self.op}[target={target}]"
                f"(args = {_format_arg(self.args)}, kwargs = {_format_arg(self.kwargs)})")

    def __repr__(self):
        return self.name

    def __lt__(self, other):
        return self._sort_key < other._sort_key


_SIDE_EFFECTS = {operator.setitem, builtins.print}


def has_side_effect(fn):
    """Mark ``fn`` as having side effects, so dead-code elimination keeps its calls; returns ``fn``.

    >>> def log(x):
    ...     print(x)
    >>> ember.fx.has_side_effect(log) is log
    True
    """
    _SIDE_EFFECTS.add(fn)
    return fn


def _register_side_effects():
    import ember
    for name in ("_assert", "manual_seed"):
        fn = getattr(ember, name, None)
        if fn is not None:
            _SIDE_EFFECTS.add(fn)
