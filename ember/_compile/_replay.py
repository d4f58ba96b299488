"""Replaying a captured graph with ember's own functions: straight-line Python, no interpreter.

The graph (an ``ember.fx`` Graph) becomes one generated function whose body is one line
per node (``v3 = F3(v1, v2)``): every call is the same ember call the eager program made,
so results and gradients are bit-identical to eager. It is the fallback of the fast
program (:mod:`ember._compile._program`) and the run that records every node's value the
first time a guarded entry is used.

>>> import operator
>>> from ember._compile._replay import render_arg
>>> render_arg((1, None, 2.5), {}, {})
'(1, None, 2.5,)'
"""
import math

from .._tensor import Tensor

__all__ = ["render_arg", "build_replay", "module_path"]

_LITERALS = (bool, int, str, type(None))


def render_arg(a, names, consts):
    """Python source for argument ``a``: a Node becomes its variable, a container its literal,
    anything else a named constant stored in ``consts``."""
    cls = a.__class__
    if cls in _LITERALS:
        return repr(a)
    if cls is float:
        return repr(a) if math.isfinite(a) else _const(a, consts)
    if cls.__name__ == "Node" and a in names:
        return names[a]
    if cls is tuple:
        return "(" + "".join(render_arg(x, names, consts) + ", " for x in a).rstrip(" ") + ")"
    if cls is list:
        return "[" + ", ".join(render_arg(x, names, consts) for x in a) + "]"
    if cls is dict and all(type(k) is str for k in a):
        return "{" + ", ".join(f"{k!r}: {render_arg(v, names, consts)}" for k, v in a.items()) + "}"
    if cls is slice:
        return f"slice({render_arg(a.start, names, consts)}, {render_arg(a.stop, names, consts)}, " \
               f"{render_arg(a.step, names, consts)})"
    return _const(a, consts)


def _const(a, consts):
    name = f"C{len(consts)}"
    consts[name] = a
    return name


def module_path(root, target):
    """``(owner, attribute name, object)`` for a dotted ``target`` under ``root``."""
    owner = root
    *path, last = target.split(".")
    for p in path:
        owner = getattr(owner, p)
    return owner, last, getattr(owner, last)


def _call_src(node, names, consts, ns, root, i):
    args = ", ".join([render_arg(a, names, consts) for a in node.args] +
                     [f"{k}={render_arg(v, names, consts)}" for k, v in node.kwargs.items()])
    op = node.op
    if op == "call_function":
        ns[f"F{i}"] = node.target
        return f"F{i}({args})"
    if op == "call_method":
        self_src = render_arg(node.args[0], names, consts)
        rest = ", ".join([render_arg(a, names, consts) for a in node.args[1:]] +
                         [f"{k}={render_arg(v, names, consts)}" for k, v in node.kwargs.items()])
        if node.target.isidentifier():
            return f"{self_src}.{node.target}({rest})"
        ns[f"N{i}"] = node.target
        return f"getattr({self_src}, N{i})({rest})"
    if op == "call_module":
        ns[f"M{i}"] = module_path(root, node.target)[2]
        return f"M{i}({args})"
    raise ValueError(f"unexpected node kind {op}")


def build_replay(graph, root, placeholders, record=False):
    """A function ``run(inputs) -> outputs`` replaying ``graph`` with ember calls.

    ``inputs`` holds the placeholder values in order; ``get_attr`` targets and modules are
    read from ``root`` when the function is built (the guards check they are still the
    same objects). With ``record=True`` it returns ``(outputs, values)``, ``values`` holding
    every node's value in graph order."""
    ns, consts, names = {}, {}, {}
    lines = ["def run(inputs):"]
    if record:
        lines.append("    R = []")
    k = 0
    for i, node in enumerate(graph.nodes):
        v = f"v{i}"
        if node.op == "placeholder":
            src = f"inputs[{k}]"
            k += 1
        elif node.op == "get_attr":
            ns[f"A{i}"] = module_path(root, node.target)[2]
            src = f"A{i}"
        elif node.op == "output":
            ret = render_arg(node.args[0], names, consts)
            lines.append(f"    return {ret}, R" if record else f"    return {ret}")
            break
        else:
            src = _call_src(node, names, consts, ns, root, i)
        names[node] = v
        lines.append(f"    {v} = {src}")
        if record:
            lines.append(f"    R.append({v})")
    ns.update(consts)
    exec(compile("\n".join(lines), f"<ember.compile replay {id(graph):x}>", "exec"), ns)  # noqa: S102 - our own source
    run = ns["run"]
    run.source = "\n".join(lines)
    return run


def tensor_meta(v):
    """What the fast program needs to know of a recorded value."""
    if isinstance(v, Tensor):
        return ("T", v._data.shape, v._data.dtype, v._rg)
    return ("O", v)
