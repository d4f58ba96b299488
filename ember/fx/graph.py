"""``Graph``: the fx intermediate representation, a doubly linked list of ``Node`` s (``torch.fx.Graph``).

>>> g = ember.fx.Graph()
>>> x = g.placeholder("x")
>>> r = g.call_function(ember.relu, (x,))
>>> g.output(r)
output
>>> print(g)
graph():
    %x : [num_users=1] = placeholder[target=x]
    %relu : [num_users=1] = call_function[target=torch.relu](args = (%x,), kwargs = {})
    return relu
"""
import copy
import inspect

from .codegen import Namespace, python_code, target_to_name
from .node import Node, map_arg

__all__ = ["Graph"]


class _NodeList:
    """A live view of a graph's nodes (iterable, sized, reversible)."""

    def __init__(self, graph, direction="_next"):
        self._graph = graph
        self._dir = direction

    def __len__(self):
        return self._graph._len

    def __iter__(self):
        root = self._graph._root
        cur = getattr(root, self._dir)
        while cur is not root:
            nxt = getattr(cur, self._dir)
            if not cur._erased:
                yield cur
            cur = nxt

    def __reversed__(self):
        return iter(_NodeList(self._graph, "_prev" if self._dir == "_next" else "_next"))

    def __repr__(self):
        return repr(list(self))


class _InsertPoint:
    def __init__(self, graph, new_insert):
        self.graph = graph
        self.orig, graph._insert = graph._insert, new_insert

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.graph._insert = self.orig
        return False


class Graph:
    """An fx graph: nodes in execution order, ending with one ``output`` node.

    >>> g = ember.fx.Graph(); len(g.nodes)
    0
    """

    def __init__(self, owning_module=None, tracer_cls=None, tracer_extras=None):
        self._root = Node(self, "", "root", "", (), {})
        self._len = 0
        self._insert = self._root.prepend
        self._graph_namespace = Namespace()
        self._owning_module = owning_module
        self._tracer_cls = tracer_cls
        self._tracer_extras = tracer_extras
        self._counter = 0

    @property
    def owning_module(self):
        """The ``GraphModule`` this graph belongs to, if any."""
        return self._owning_module

    @owning_module.setter
    def owning_module(self, mod):
        self._owning_module = mod

    @property
    def nodes(self):
        """The nodes in order (a live view: supports ``len``, iteration and ``reversed``)."""
        return _NodeList(self)

    def find_nodes(self, *, op, target=None, sort=True):
        """The nodes with kind ``op`` (and ``target`` if given), in graph order.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.find_nodes(op="placeholder")
        [x]
        """
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # ---------------------------------------------------------------- building
    def create_node(self, op, target, args=None, kwargs=None, name=None, type_expr=None):
        """Insert a new node at the current insert point and return it.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.create_node("call_method", "neg", (x,)).name
        'neg'
        """
        args = () if args is None else tuple(args)
        kwargs = {} if kwargs is None else dict(kwargs)
        candidate = name if name else target_to_name(target)
        name = self._graph_namespace.create_name(candidate, None)
        n = Node(self, name, op, target, args, kwargs, type_expr)
        self._insert(n)
        self._counter += 1
        n._sort_key = self._counter
        self._len += 1
        return n

    def placeholder(self, name, type_expr=None, default_value=inspect.Signature.empty):
        """An input of the graph named ``name`` (with an optional default value).

        >>> ember.fx.Graph().placeholder("x", default_value=1).args
        (1,)
        """
        args = () if default_value is inspect.Signature.empty else (default_value,)
        return self.create_node("placeholder", name, args, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        """Read attribute ``qualified_name`` (``"layer.weight"``) of the owning module.

        >>> ember.fx.Graph().get_attr("fc.weight").name
        'fc_weight'
        """
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        """Call submodule ``module_name`` of the owning module.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.call_module("fc", (x,)).target
        'fc'
        """
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        """Call method ``method_name`` on ``args[0]``.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.call_method("view", (x, -1)).args
        (x, -1)
        """
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None):
        """Call the Python callable ``the_function``.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.call_function(ember.sum, (x,)).name
        'sum_1'
        """
        return self.create_node("call_function", the_function, args, kwargs, type_expr=type_expr)

    def output(self, result, type_expr=None):
        """The graph's return value (any structure of nodes and constants).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.output((x, 1)).args
        ((x, 1),)
        """
        return self.create_node("output", "output", (result,), type_expr=type_expr)

    def erase_node(self, to_erase):
        """Remove a node that no other node reads.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); g.erase_node(x); len(g.nodes)
        0
        """
        if to_erase.users:
            raise RuntimeError(f"Tried to erase Node {to_erase} but it still had {len(to_erase.users)} "
                               f"users in the graph: {to_erase.users}!")
        if to_erase.graph is not self:
            raise RuntimeError(f"Attempting to remove {to_erase} from wrong graph!")
        if to_erase._erased:
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase._update_args_kwargs((), {})
        self._graph_namespace.release(to_erase.name)

    def inserting_before(self, n=None):
        """Context manager: new nodes go right before ``n`` (the graph's start when None).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); o = g.output(x)
        >>> with g.inserting_before(o):
        ...     y = g.call_method("neg", (x,))
        >>> list(g.nodes)
        [x, neg, output]
        """
        if n is None:
            return self.inserting_after(self._root)
        if n.graph is not self:
            raise AssertionError("Node to insert before is not in graph.")
        return _InsertPoint(self, n.prepend)

    def inserting_after(self, n=None):
        """Context manager: new nodes go right after ``n`` (the graph's start when None).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); o = g.output(x)
        >>> with g.inserting_after(x):
        ...     y = g.call_method("neg", (x,))
        >>> list(g.nodes)
        [x, neg, output]
        """
        if n is None:
            return self.inserting_before(self._root)
        if n.graph is not self:
            raise AssertionError("Node to insert after is not in graph.")
        return _InsertPoint(self, n.append)

    def node_copy(self, node, arg_transform=lambda x: x):
        """Copy ``node`` (from any graph) into this one, mapping its inputs through ``arg_transform``.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); h = ember.fx.Graph(); y = h.node_copy(x)
        >>> y.op, y.name
        ('placeholder', 'x')
        """
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        result = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        result.meta = copy.copy(node.meta)
        return result

    def graph_copy(self, g, val_map, return_output_node=False):
        """Copy every node of graph ``g`` into this one (``val_map`` receives old -> new); returns the
        value of ``g``'s output with its nodes mapped (the output node itself is not copied).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); _ = g.output(x)
        >>> h = ember.fx.Graph(); vm = {}; h.graph_copy(g, vm)
        x
        """
        for node in g.nodes:
            if node in val_map:
                continue
            if node.op == "output":
                rv = map_arg(node.args[0], lambda n: val_map[n])
                return (rv, node) if return_output_node else rv
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def __deepcopy__(self, memo=None):
        g = Graph(tracer_cls=self._tracer_cls)
        vm = {}
        out = g.graph_copy(self, vm, return_output_node=True)
        if out is not None:
            rv, old = out
            g.output(rv, type_expr=old.type)
        return g

    # ---------------------------------------------------------------- passes
    def eliminate_dead_code(self, is_impure_node=None):
        """Erase nodes nobody reads (keeping impure ones); returns whether anything changed.

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); _ = g.call_method("neg", (x,)); _ = g.output(x)
        >>> g.eliminate_dead_code(), list(g.nodes)
        (True, [x, output])
        """
        changed = False
        for n in reversed(self.nodes):
            impure = is_impure_node(n) if is_impure_node is not None else n.is_impure()
            if not n.users and not impure:
                self.erase_node(n)
                changed = True
        return changed

    def lint(self):
        """Check the graph's invariants (inputs defined before use, one output, targets resolvable).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); _ = g.output(x); g.lint()
        """
        seen, names = set(), set()
        for n in self.nodes:
            if n.graph is not self:
                raise RuntimeError(f"Node '{n}' does not reference this Graph as its owner")
            if n.name in names:
                raise RuntimeError(f"Node redefined name {n.name}!")
            names.add(n.name)
            for inp in n.all_input_nodes:
                if inp.graph is not self:
                    raise RuntimeError(f"Argument '{inp}' of Node '{n}' does not belong to this Graph")
                if inp not in seen:
                    raise RuntimeError(f"Argument '{inp}' of Node '{n}' was used before it has been defined! "
                                       "Please check that Nodes in the graph are topologically ordered")
                if n not in inp.users:
                    raise RuntimeError(f"Node {n} uses {inp} but is not one of its users")
            seen.add(n)
        outs = [n for n in self.nodes if n.op == "output"]
        if len(outs) > 1:
            raise RuntimeError(f"Graph has {len(outs)} output nodes; expected at most one")
        mod = self.owning_module
        if mod is None:
            return
        for n in self.nodes:
            if n.op in ("get_attr", "call_module"):
                obj = mod
                for atom in n.target.split("."):
                    if not hasattr(obj, atom):
                        kind = "Module" if n.op == "call_module" else "attribute"
                        raise RuntimeError(f"Node {n} target {n.target} references nonexistent {kind} {atom}")
                    obj = getattr(obj, atom)

    def print_tabular(self):
        """Print the nodes as a table (with ``tabulate`` when installed, a plain table otherwise).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); _ = g.output(x); g.print_tabular()
        opcode       name    target  args  kwargs
        -----------  ------  ------  ----  ------
        placeholder  x       x       ()    {}
        output       output  output  (x,)  {}
        """
        rows = [[n.op, n.name, n.target if isinstance(n.target, str) else _target_str(n.target),
                 str(n.args), str(n.kwargs)] for n in self.nodes]
        headers = ["opcode", "name", "target", "args", "kwargs"]
        try:
            from tabulate import tabulate
        except ImportError:
            widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
            lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
                     "  ".join("-" * w for w in widths)]
            lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
            print("\n".join(lines))
        else:
            print(tabulate(rows, headers=headers))

    def python_code(self, root_module, *, verbose=None, include_stride=False, include_device=False,
                    colored=False):
        """The generated Python source (``.src``) and its globals (``.globals``).

        >>> g = ember.fx.Graph(); x = g.placeholder("x"); _ = g.output(x)
        >>> "def forward(self, x):" in g.python_code("self").src
        True
        """
        return python_code(self, root_module)

    def __str__(self):
        lines = ["graph():"]
        for n in self.nodes:
            lines.append("    " + n.format_node())
        return "\n".join(lines)

    def __repr__(self):
        return self.__str__()


def _target_str(t):
    from .node import _qualified_name
    return _qualified_name(t)

