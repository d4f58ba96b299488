"""``GraphModule``: a Module whose ``forward`` is Python generated from a ``Graph`` (``torch.fx.GraphModule``).

>>> gm = ember.fx.symbolic_trace(ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU()))
>>> print(gm.code.strip())
def forward(self, input):
    input_1 = input
    _0 = getattr(self, "0")(input_1);  input_1 = None
    _1 = getattr(self, "1")(_0);  _0 = None
    return _1
>>> sorted(gm.state_dict())
['0.bias', '0.weight']
"""
import copy
import itertools
import linecache

from ..nn.modules.module import Module
from .graph import Graph

__all__ = ["GraphModule"]

_counter = itertools.count()


def _copy_attr(from_module, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        f = getattr(from_module, item)
        t = getattr(to_module, item, None)
        if f is t:
            from_module, to_module = f, t
            continue
        if t is None:
            t = Module()
            setattr(to_module, item, t)
        from_module, to_module = f, t
    orig = getattr(from_module, field)
    buffers = from_module.__dict__.get("_buffers", {})
    if field in buffers and not isinstance(orig, Module):
        persistent = field not in from_module._non_persistent_buffers_set
        to_module.register_buffer(field, orig, persistent=persistent)
    else:
        setattr(to_module, field, orig)


def _assign_attr(obj, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        t = getattr(to_module, item, None)
        if t is None:
            t = Module()
            setattr(to_module, item, t)
        to_module = t
    setattr(to_module, field, obj)


class GraphModule(Module):
    """A Module built from ``root`` (a Module or a dict of attributes) and a ``graph``; the attributes
    and submodules the graph refers to are copied from ``root``.

    >>> g = ember.fx.Graph(); x = g.placeholder("x"); _ = g.output(g.call_function(ember.neg, (x,)))
    >>> gm = ember.fx.GraphModule(ember.nn.Module(), g); gm(ember.ones(2))
    tensor([-1., -1.])
    """

    def __new__(cls, *args, **kwargs):
        # every instance gets its own class, so that forward can be (re)generated per instance
        for t in cls.__mro__:
            if t.__qualname__ == "GraphModule.__new__.<locals>.GraphModuleImpl":
                cls = t
                break
            if t is GraphModule:
                break

        class GraphModuleImpl(cls):
            pass
        return super().__new__(GraphModuleImpl)

    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        self.__class__.__name__ = class_name
        self.__class__.__qualname__ = class_name
        if isinstance(root, Module):
            if hasattr(root, "training"):
                self.training = root.training
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    if node.target not in root:
                        raise RuntimeError(f"Node {node} referenced target {node.target} but that target was "
                                           "not provided in ``root``!")
                    _assign_attr(root[node.target], self, node.target)
        else:
            raise RuntimeError("Unsupported type " + str(root) + " passed for root!")
        self.meta = {}
        self._tracer_cls = getattr(graph, "_tracer_cls", None)
        self.graph = graph

    @property
    def graph(self):
        """The ``Graph`` this module runs; assigning one regenerates ``forward``."""
        return self._graph

    @graph.setter
    def graph(self, g):
        if not isinstance(g, Graph):
            raise TypeError(f"expected an ember.fx.Graph, got {type(g).__name__}")
        object.__setattr__(self, "_graph", g)
        g.owning_module = self
        self.recompile()

    @property
    def code(self):
        """The Python source of the generated ``forward``."""
        if not hasattr(self, "_code"):
            raise RuntimeError("Code has not been generated! Please report a bug to PyTorch")
        return self._code

    def recompile(self):
        """Regenerate ``forward`` from ``self.graph`` (call it after editing the graph); returns
        the ``PythonCode``.

        >>> gm = ember.fx.symbolic_trace(lambda x: x + 1)
        >>> add = list(gm.graph.nodes)[1]; add.target = ember.sub; _ = gm.recompile(); gm(ember.ones(1))
        tensor([0.])
        """
        pc = self._graph.python_code(root_module="self")
        object.__setattr__(self, "_code", pc.src)
        key = f"<eval_with_key>.{next(_counter)}"
        linecache.cache[key] = (len(pc.src), None, pc.src.splitlines(True), key)
        globals_ = dict(pc.globals)
        exec(compile(pc.src, key, "exec"), globals_)
        cls = type(self)
        cls.forward = globals_["forward"]
        return pc

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False):
        """The module as a class definition with its generated ``forward`` (printed and returned).

        >>> s = ember.fx.symbolic_trace(lambda x: x * 2).print_readable(print_output=False)
        >>> s.splitlines()[0]
        'class GraphModule(torch.nn.Module):'
        """
        body = self._code.strip("\n").rstrip() + "\n"
        lines = [f"class {type(self).__name__}(torch.nn.Module):"]
        lines += [("    " + ln) if ln.strip() else "" for ln in body.splitlines()]
        out = "\n".join(lines) + "\n"
        for name, sub in self.named_children():
            if isinstance(sub, GraphModule):
                inner = sub.print_readable(print_output=False)
                out += "\n" + "\n".join("    " + ln if ln else ln for ln in inner.splitlines()) + "\n"
        if print_output:
            print(out)
        return out

    def add_submodule(self, target, m):
        """Install module ``m`` at dotted path ``target`` (creating empty parents); returns True.

        >>> gm = ember.fx.symbolic_trace(lambda x: x); gm.add_submodule("a.b", ember.nn.ReLU())
        True
        """
        *prefix, field = target.split(".")
        mod = self
        for item in prefix:
            sub = getattr(mod, item, None)
            if sub is None:
                sub = Module()
                mod.add_module(item, sub)
            if not isinstance(sub, Module):
                return False
            mod = sub
        mod.add_module(field, m)
        return True

    def delete_submodule(self, target):
        """Remove the submodule at dotted path ``target``; returns whether it existed.

        >>> gm = ember.fx.symbolic_trace(lambda x: x); _ = gm.add_submodule("a", ember.nn.ReLU())
        >>> gm.delete_submodule("a"), gm.delete_submodule("a")
        (True, False)
        """
        *prefix, field = target.split(".")
        mod = self
        for item in prefix:
            mod = getattr(mod, item, None)
            if not isinstance(mod, Module):
                return False
        if field not in mod._modules:
            return False
        delattr(mod, field)
        return True

    def delete_all_unused_submodules(self):
        """Remove the submodules that no ``call_module``/``get_attr`` node refers to.

        >>> gm = ember.fx.symbolic_trace(lambda x: x); _ = gm.add_submodule("a", ember.nn.ReLU())
        >>> gm.delete_all_unused_submodules(); list(gm.named_children())
        []
        """
        used = set()
        for node in self.graph.nodes:
            if node.op in ("call_module", "get_attr"):
                parts = node.target.split(".")
                for i in range(1, len(parts) + 1):
                    used.add(".".join(parts[:i]))
        for name, _ in list(self.named_modules()):
            if name and name not in used and name.rpartition(".")[0] in used | {""}:
                self.delete_submodule(name)

    def __deepcopy__(self, memo):
        fake = Module()
        fake.__dict__ = copy.deepcopy({k: v for k, v in self.__dict__.items() if k != "_graph"}, memo)
        res = GraphModule(fake, copy.deepcopy(self._graph, memo), type(self).__name__)
        res.meta = copy.copy(self.meta)
        return res

    def __copy__(self):
        res = GraphModule(self, self._graph, type(self).__name__)
        res.meta = copy.copy(self.meta)
        return res

    def __reduce__(self):
        raise NotImplementedError("pickling an ember.fx.GraphModule is not built yet (its graph holds "
                                  "Python callables); save its state_dict and retrace instead")

    def __str__(self):
        return super().__str__() + "\n\n\n" + self._code.strip("\n") + "\n"
