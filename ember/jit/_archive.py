"""``ember.jit.save`` / ``ember.jit.load``: traced graphs as data, weights as a checkpoint.

An ember jit archive is a zip in PyTorch's checkpoint layout: ``data.pkl`` + ``data/<n>`` hold
the traced module's tensors as a plain ``{name: tensor}`` dict (so ``ember.load`` and
``torch.load(weights_only=True)`` read the weights), and ``ember_graph.json`` holds the graph:
one record per node with its kind, its target and its arguments as JSON. A ``call_function``
target is a qualified name (``ember.nn.functional.linear``, ``operator.add``) that loading
resolves against an allow-list of ember's tensor functions (never importing anything, never
reaching file, RNG-seeding or process-wide settings functions); a ``call_method`` target is a
public Tensor method name. Loading therefore never runs code from the file.

A TorchScript archive written by PyTorch's ``torch.jit.save`` loads as a
:class:`~ember.jit.RecursiveScriptModule` with the archive's parameters and buffers; ember
does not run TorchScript code, and calling it raises ``NotImplementedError`` saying to load
its ``state_dict`` into the eager model.

>>> import io
>>> t = ember.jit.trace(ember.nn.Linear(2, 1), ember.ones(1, 2))
>>> buf = io.BytesIO(); ember.jit.save(t, buf); _ = buf.seek(0)
>>> u = ember.jit.load(buf); x = ember.randn(3, 2)
>>> bool((u(x) == t(x)).all())
True
"""
import io
import math
import operator
import os

from .._tensor import Tensor
from ..nn import Parameter
from ..serialization import load as _load_weights
from ..serialization._pickler import dumps
from ..serialization._zipformat import ZipReader, ZipWriter
from .._backend import np

__all__ = ["save", "load"]

FORMAT = "ember.jit/1"
_GRAPH = "ember_graph.json"

# names in ember's namespaces a saved graph may never call (files, seeds, global settings)
_DENY = {"save", "load", "compile", "manual_seed", "seed", "set_rng_state", "get_rng_state", "initial_seed",
         "set_default_dtype", "set_default_device", "set_default_tensor_type", "set_printoptions",
         "set_num_threads", "set_num_interop_threads", "use_deterministic_algorithms",
         "set_deterministic_debug_mode", "set_float32_matmul_precision", "set_anomaly_enabled", "set_grad_enabled",
         "from_file", "set_warn_always", "fork", "wait", "vmap", "cond", "while_loop", "set_flush_denormal",
         "autocast_increment_nesting", "set_autocast_enabled", "from_dlpack", "frombuffer", "install"}
_METHOD_DENY = {"register_hook", "register_post_accumulate_grad_hook", "retain_grad", "backward", "apply_", "map_",
                "map2_", "storage", "untyped_storage", "share_memory_", "numpy", "tolist", "data_ptr", "pin_memory",
                "set_", "resize_", "record_stream", "to_dlpack"}
_MATH = {"sqrt", "exp", "log", "pow", "floor", "ceil", "prod", "isfinite", "isnan", "isinf", "fabs"}
_CONST_NAMES = ("contiguous_format", "channels_last", "channels_last_3d", "preserve_format", "strided", "sparse_coo")


def _namespaces():
    import ember
    from ..nn import functional as F
    return [("ember", ember), ("ember.nn.functional", F), ("ember.linalg", ember.linalg),
            ("ember.special", ember.special), ("ember.fft", ember.fft), ("operator", operator), ("math", math)]


def _callable_ok(mod_name, name, obj):
    if name.startswith("_") or name in _DENY or isinstance(obj, type):
        return False
    if mod_name == "math":
        return name in _MATH
    return callable(obj) and type(obj).__name__ in ("function", "builtin_function_or_method")


def _target_name(fn):
    if fn is getattr:
        return "builtins.getattr"
    name = getattr(fn, "__name__", None)
    for mod_name, mod in _namespaces():
        if name and getattr(mod, name, None) is fn and _callable_ok(mod_name, name, fn):
            return f"{mod_name}.{name}"
    raise NotImplementedError(f"ember.jit.save: the graph calls {fn!r}, which is not one of ember's tensor "
                              "functions that an archive may name")


def _resolve(qual):
    if qual == "builtins.getattr":
        return getattr
    if type(qual) is not str or "." not in qual:
        raise RuntimeError(f"ember.jit.load: bad call target {qual!r:.100}")
    mod_name, name = qual.rsplit(".", 1)
    for m, mod in _namespaces():
        if m == mod_name:
            obj = getattr(mod, name, None)
            if obj is not None and _callable_ok(m, name, obj):
                return obj
    raise RuntimeError(f"ember.jit.load: the archive names {qual!r:.100}, which is not an allowed ember function "
                       "(nothing from the file is run)")


# -- arguments as JSON ---------------------------------------------------------------------------
def _enc(a, index):
    import ember
    cls = a.__class__
    if a is None or cls in (bool, int, str):
        return a
    if cls is float:
        return a if math.isfinite(a) else {"$float": repr(a)}
    if cls.__name__ == "Node":
        return {"$node": index[a]}
    if cls is list:
        return [_enc(x, index) for x in a]
    if cls is tuple:
        return {"$tuple": [_enc(x, index) for x in a]}
    if cls is ember.Size:
        return {"$size": list(a)}
    if cls is dict:
        return {"$dict": [[_enc(k, index), _enc(v, index)] for k, v in a.items()]}
    if cls is slice:
        return {"$slice": [_enc(a.start, index), _enc(a.stop, index), _enc(a.step, index)]}
    if a is Ellipsis:
        return {"$ellipsis": 0}
    if cls is complex:
        return {"$complex": [a.real, a.imag]}
    if isinstance(a, ember.dtype):
        return {"$dtype": str(a).split(".")[-1]}
    if isinstance(a, ember.device):
        return {"$device": str(a)}
    for n in _CONST_NAMES:
        if getattr(ember, n, None) is a:
            return {"$const": n}
    raise NotImplementedError(f"ember.jit.save: cannot store the graph argument {a!r:.100} "
                              f"({type(a).__name__}) as data")


def _dec(a, nodes):
    import ember
    t = type(a)
    if a is None or t in (bool, int, str, float):
        return a
    if t is list:
        return [_dec(x, nodes) for x in a]
    if t is not dict or len(a) != 1:
        raise RuntimeError(f"ember.jit.load: malformed argument {a!r:.100}")
    (k, v), = a.items()
    if k == "$node":
        if type(v) is not int or not 0 <= v < len(nodes):
            raise RuntimeError(f"ember.jit.load: argument names node {v!r:.50} before it exists")
        return nodes[v]
    if k == "$tuple":
        return tuple(_dec(x, nodes) for x in v)
    if k == "$size":
        return ember.Size([int(x) for x in v])
    if k == "$dict":
        return {_dec(kk, nodes): _dec(vv, nodes) for kk, vv in v}
    if k == "$slice":
        return slice(*[_dec(x, nodes) for x in v])
    if k == "$float":
        return float(v) if v in ("inf", "-inf", "nan") else _bad(a)
    if k == "$ellipsis":
        return Ellipsis
    if k == "$complex":
        return complex(float(v[0]), float(v[1]))
    if k == "$dtype":
        d = getattr(ember, str(v), None)
        return d if isinstance(d, ember.dtype) else _bad(a)
    if k == "$device":
        return ember.device(str(v))
    if k == "$const" and v in _CONST_NAMES:
        return getattr(ember, v)
    return _bad(a)


def _bad(a):
    raise RuntimeError(f"ember.jit.load: malformed argument {a!r:.100}")


# -- save ----------------------------------------------------------------------------------------
def _describe(obj):
    from ._trace import ScriptFunction, TracedModule
    if isinstance(obj, TracedModule):
        tensors, params = {}, {}
        for k, v in obj.named_parameters(remove_duplicate=False):
            tensors[k] = v
            params[k] = bool(v.requires_grad)
        buffers = []
        for k, v in obj.named_buffers(remove_duplicate=False):
            tensors[k] = v
            buffers.append(k)
        modules = {k: m.training for k, m in obj.named_modules()}
        kind, name = "module", obj.original_name
    elif isinstance(obj, ScriptFunction):
        tensors, params, buffers, modules, kind, name = {}, {}, [], {}, "function", obj.name
    else:
        raise NotImplementedError(f"ember.jit.save saves modules and functions made by ember.jit.trace, not "
                                  f"{type(obj).__name__}: trace it first (ember.jit.trace(model, example_inputs)), "
                                  "or save its weights with ember.save(model.state_dict(), f)")
    gm = obj._gm
    index, nodes = {}, []
    for i, n in enumerate(gm.graph.nodes):
        index[n] = i
        rec = {"op": n.op, "name": n.name}
        if n.op == "call_function":
            rec["target"] = _target_name(n.target)
        elif n.op == "call_module":
            raise NotImplementedError(f"ember.jit.save: the graph calls module {n.target!r} as a whole; only fully "
                                      "traced graphs can be saved")
        else:
            rec["target"] = n.target
        if n.op == "get_attr" and n.target not in tensors:
            v = _get_path(gm, n.target)
            if not isinstance(v, Tensor):
                raise NotImplementedError(f"ember.jit.save: get_attr {n.target!r} is not a tensor")
            tensors[n.target] = v
            buffers.append(n.target)
        rec["args"] = _enc(tuple(n.args), index)["$tuple"]
        rec["kwargs"] = {k: _enc(v, index) for k, v in n.kwargs.items()}
        nodes.append(rec)
    desc = {"format": FORMAT, "kind": kind, "name": name, "inputs": list(obj._input_names), "nodes": nodes,
            "parameters": params, "buffers": buffers, "modules": modules}
    return desc, {k: v.detach() for k, v in tensors.items()}


def _get_path(root, target):
    for p in target.split("."):
        root = getattr(root, p)
    return root


def save(m, f, _extra_files=None):
    """Save a traced module or function (from :func:`ember.jit.trace`) to ``f`` (path or file).

    >>> import io; buf = io.BytesIO()
    >>> ember.jit.save(ember.jit.trace(lambda x: x + 1, ember.ones(1)), buf)
    >>> buf.getvalue()[:2]
    b'PK'
    """
    import json
    desc, tensors = _describe(m)
    data, storages = dumps(tensors, 2)
    raw = io.BytesIO()
    w = ZipWriter(raw)
    w.write_record("archive/data.pkl", data)
    w.write_record("archive/byteorder", b"little")
    w.write_record(f"archive/{_GRAPH}", json.dumps(desc).encode())
    for k, v in (_extra_files or {}).items():
        w.write_record(f"archive/extra/{k}", v.encode() if isinstance(v, str) else bytes(v))
    for s in storages:
        w.write_record(f"archive/data/{s.key}", s.array.view(np.uint8) if s.array.size else b"")
    w.write_record("archive/version", b"3\n")
    w.close()
    if isinstance(f, (str, os.PathLike)):
        from ..serialization._tempfiles import temp_name
        path = os.fspath(f)
        tmp = os.path.join(os.path.dirname(os.path.abspath(path)), temp_name(os.path.basename(path)))
        with open(tmp, "wb") as fo:
            fo.write(raw.getvalue())
        os.replace(tmp, path)
    else:
        f.write(raw.getvalue())


# -- load ----------------------------------------------------------------------------------------
def _ident_path(s):
    return type(s) is str and s and all(p.isidentifier() or p.isdigit() for p in s.split("."))


def _build(desc, tensors):
    from ..fx import Graph, GraphModule
    from ._trace import ScriptFunction, TopLevelTracedModule, _Holder
    if desc.get("format") != FORMAT:
        raise RuntimeError(f"ember.jit.load: unknown archive format {desc.get('format')!r:.50}")
    g = Graph()
    nodes = []
    for rec in desc["nodes"]:
        op, target = rec.get("op"), rec.get("target")
        args = tuple(_dec(a, nodes) for a in rec.get("args", []))
        kwargs = {str(k): _dec(v, nodes) for k, v in rec.get("kwargs", {}).items()}
        if op == "placeholder":
            if not (type(target) is str and target.isidentifier()):
                raise RuntimeError(f"ember.jit.load: bad input name {target!r:.50}")
            n = g.placeholder(target)
        elif op == "get_attr":
            if not _ident_path(target) or target not in tensors:
                raise RuntimeError(f"ember.jit.load: the graph reads {target!r:.100}, which the archive lacks")
            n = g.get_attr(target)
        elif op == "call_function":
            n = g.call_function(_resolve(target), args, kwargs)
        elif op == "call_method":
            from .._tensor import Tensor as T
            if type(target) is not str or not target.isidentifier() or target.startswith("_") \
                    or target in _METHOD_DENY or not callable(getattr(T, target, None)):
                raise RuntimeError(f"ember.jit.load: {target!r:.50} is not an allowed Tensor method")
            n = g.call_method(target, args, kwargs)
        elif op == "output":
            n = g.output(args[0])
        else:
            raise RuntimeError(f"ember.jit.load: unsupported node kind {op!r:.50}")
        nodes.append(n)
    for n in nodes:
        if n.op == "call_function" and n.target is getattr and (len(n.args) != 2 or type(n.args[1]) is not str
                                                                 or n.args[1].startswith("_")):
            raise RuntimeError("ember.jit.load: getattr of a private attribute is not allowed")
    holder = _Holder()

    def owner_of(path):
        owner = holder
        for p in path:
            nxt = owner._modules.get(p)
            if nxt is None:
                nxt = _Holder()
                owner.add_module(p, nxt)
            owner = nxt
        return owner
    for k, tr in desc.get("modules", {}).items():
        if k != "" and not _ident_path(k):
            raise RuntimeError(f"ember.jit.load: bad module name {k!r:.100}")
        owner_of(k.split(".") if k else []).training = bool(tr)
    params = desc.get("parameters", {})
    for k, t in tensors.items():
        if not _ident_path(k):
            raise RuntimeError(f"ember.jit.load: bad tensor name {k!r:.100}")
        *path, last = k.split(".")
        owner = owner_of(path)
        if k in params:
            owner.register_parameter(last, Parameter(t, requires_grad=bool(params[k])))
        else:
            owner.register_buffer(last, t)
    gm = GraphModule(holder, g)
    names = [str(x) for x in desc.get("inputs", [])]
    if desc.get("kind") == "function":
        return ScriptFunction(gm, names, str(desc.get("name")))
    traced = TopLevelTracedModule(holder)
    traced.__dict__["original_name"] = str(desc.get("name"))
    traced._set_graph(gm, traced, names)
    return traced


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Load what :func:`save` wrote, or read a PyTorch TorchScript archive's weights (see the
    module docstring). Nothing in the file is executed.

    >>> import io; buf = io.BytesIO()
    >>> ember.jit.save(ember.jit.trace(lambda x: x * 3, ember.ones(1)), buf); _ = buf.seek(0)
    >>> ember.jit.load(buf)(ember.ones(2))
    tensor([3., 3.])
    """
    from ._torchscript_archive import load_torchscript
    opened = open(os.fspath(f), "rb") if isinstance(f, (str, os.PathLike)) else None
    fobj = opened or f
    try:
        if not fobj.seekable():
            fobj = io.BytesIO(fobj.read())
        start = fobj.tell()
        reader = ZipReader(fobj)
        names = reader.names()
        graph = [n for n in names if n.count("/") == 1 and n.endswith("/" + _GRAPH)]
        if _extra_files is not None:
            for k in list(_extra_files):
                rec = [n for n in names if n.endswith(f"/extra/{k}")]
                if rec:
                    _extra_files[k] = reader.read(rec[0])
        if not graph:
            fobj.seek(start)
            return load_torchscript(fobj)
        import json
        desc = json.loads(reader.read(graph[0]).decode())
        fobj.seek(start)
        tensors = _load_weights(fobj, map_location=map_location, weights_only=True)
        if not isinstance(tensors, dict) or not all(isinstance(v, Tensor) for v in tensors.values()):
            raise RuntimeError("ember.jit.load: the archive's data.pkl is not a dict of tensors")
        return _build(desc, tensors)
    finally:
        if opened is not None:
            opened.close()
