"""How the profiler sees ops: while a profiler records, the public ops (``ember.<op>``,
``ember.nn.functional.<op>``, ``Tensor`` methods and operators) and the backward nodes'
``_apply`` are swapped for timing wrappers; ``stop`` puts the originals back. With no
profiler running nothing is wrapped, so ember pays nothing for the profiler.

Events get PyTorch's names: ``aten::<op>`` for ops, the node name (``AddBackward0``) inside
``autograd::engine::evaluate_function: AddBackward0`` for backward.

>>> from ember.profiler.recorder import aten_name
>>> aten_name("__radd__"), aten_name("relu_")
('aten::add', 'aten::relu_')
"""
import functools
import inspect
import threading
import time
import traceback

from .events import FunctionEvent

_rec = [None]          # the recorder that is running, or None
_installed = []        # (owner, attribute, original) swapped in by install()
_outer = []            # recorders paused by a nested profiler (as in PyTorch, the inner one records)

_DUNDERS = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "floordiv": "floor_divide",
            "mod": "remainder", "pow": "pow", "matmul": "matmul", "and": "bitwise_and",
            "or": "bitwise_or", "xor": "bitwise_xor", "lshift": "__lshift__",
            "rshift": "__rshift__", "neg": "neg", "abs": "abs", "invert": "bitwise_not",
            "pos": "positive", "eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt",
            "ge": "ge"}
# Tensor methods that read metadata or convert, not ops: never wrapped
_NOT_OPS = {"size", "dim", "ndimension", "numel", "nelement", "item", "tolist", "numpy", "stride",
            "storage_offset", "data_ptr", "element_size", "is_contiguous", "is_floating_point",
            "is_complex", "is_signed", "get_device", "untyped_storage", "storage", "backward",
            "register_hook", "register_post_accumulate_grad_hook", "retain_grad",
            "requires_grad_", "type", "dim_order", "is_shared", "is_pinned", "share_memory_",
            "is_set_to", "is_inference", "is_same_size", "is_nonzero", "has_names", "tensor_info"}
_TOP_MODULES = ("ember.ops.", "ember._creation", "ember._functional_aliases",
                "ember._activation_loss_aliases", "ember._dropout_aliases", "ember._rnn_functional")


def aten_name(attr):
    """PyTorch's event name for a public function or Tensor method name.

    >>> from ember.profiler.recorder import aten_name
    >>> aten_name("__matmul__"), aten_name("__iadd__"), aten_name("linear")
    ('aten::matmul', 'aten::add_', 'aten::linear')
    """
    if attr.startswith("__") and attr.endswith("__"):
        core = attr[2:-2]
        inplace = core.startswith("i") and core[1:] in _DUNDERS
        if core.startswith(("r", "i")) and core[1:] in _DUNDERS and core not in _DUNDERS:
            core = core[1:]
        if core == "sub" and attr == "__rsub__":
            return "aten::rsub"
        return "aten::" + _DUNDERS.get(core, core) + ("_" if inplace else "")
    return "aten::" + attr


def _index_name(args):
    key = args[1] if len(args) > 1 else None
    if isinstance(key, int) and not isinstance(key, bool):
        return "aten::select"
    if isinstance(key, slice):
        return "aten::slice"
    return "aten::index"


class Recorder:
    """Collects ``FunctionEvent`` s of every thread while a profiler records."""

    def __init__(self, record_shapes=False, profile_memory=False, with_stack=False):
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.events = []
        self.t0 = time.perf_counter_ns()
        self.wall0_ns = time.time_ns()
        self._local = threading.local()
        self._next = 0
        self._lock = threading.Lock()

    def _open(self):
        s = getattr(self._local, "stack", None)
        if s is None:
            s = self._local.stack = []
        return s

    def begin(self, name, args=(), user=False):
        stack = self._open()
        if stack and stack[-1].name == name and not user:
            return None                  # the same op calling itself through another entry
        with self._lock:
            self._next += 1
            eid = self._next
        shapes = _shapes(args) if self.record_shapes else None
        frames = _stack() if self.with_stack else None
        ev = FunctionEvent(eid, name, 0.0, 0.0, threading.get_ident(), shapes, frames,
                           is_user_annotation=user)
        stack.append(ev)
        ev.start_us = (time.perf_counter_ns() - self.t0) / 1000.0
        return ev

    def end(self, ev, out=None):
        t = (time.perf_counter_ns() - self.t0) / 1000.0
        stack = self._open()
        while stack and stack.pop() is not ev:
            pass
        ev.end_us = t
        if stack:
            ev.cpu_parent = stack[-1]
            stack[-1].cpu_children.append(ev)
        if self.profile_memory and out is not None:
            ev.own_memory, ev._out_ids = _new_bytes(out, ev.cpu_children)
        self.events.append(ev)


def _shapes(args):
    out = []
    for a in args:
        d = getattr(a, "_data", None)
        out.append(list(d.shape) if d is not None and hasattr(d, "shape") else [])
    return out


def _stack():
    frames = traceback.extract_stack()[:-3]
    return [f"{f.filename}({f.lineno}): {f.name}" for f in reversed(frames)
            if "/ember/profiler/" not in f.filename]


def _arrays(out):
    if isinstance(out, (tuple, list)):
        for o in out:
            yield from _arrays(o)
        return
    d = getattr(out, "_data", None)
    if d is not None and hasattr(d, "nbytes"):
        yield d


def _new_bytes(out, children):
    """Bytes of the arrays ``out`` owns that no child call already returned (views count 0)."""
    seen = set()
    for c in children:
        seen.update(getattr(c, "_out_ids", ()))
    n = 0
    ids = []
    for a in _arrays(out):
        ids.append(id(a))
        if id(a) not in seen and a.base is None:
            n += a.nbytes
    return n, ids


def _op_wrapper(fn, name, namer=None):
    @functools.wraps(fn)
    def profiled(*args, **kwargs):
        rec = _rec[0]
        if rec is None:
            return fn(*args, **kwargs)
        ev = rec.begin(namer(args) if namer is not None else name, args)
        if ev is None:
            return fn(*args, **kwargs)
        out = None
        try:
            out = fn(*args, **kwargs)
            return out
        finally:
            rec.end(ev, out)
    profiled._profiled_original = fn
    return profiled


def _node_wrapper(fn):
    @functools.wraps(fn)
    def profiled_apply(self, grads):
        rec = _rec[0]
        if rec is None:
            return fn(self, grads)
        n = self.name()
        outer = rec.begin("autograd::engine::evaluate_function: " + n, ())
        inner = rec.begin(n, grads)
        out = None
        try:
            out = fn(self, grads)
            return out
        finally:
            if inner is not None:
                rec.end(inner, out)
            if outer is not None:
                rec.end(outer, None)
    profiled_apply._profiled_original = fn
    return profiled_apply


def _optimizer_namer(meth):
    def namer(args):
        return f"Optimizer.{meth}#{type(args[0]).__name__}.{meth}"
    return namer


def _targets():
    """(owner, attribute, event name, namer) for every entry point that gets a wrapper."""
    import ember
    import ember.nn.functional as F
    from ember._tensor import Tensor
    from ember.autograd.function import Node
    for k, v in list(vars(ember).items()):
        if inspect.isfunction(v) and not k.startswith("_") and v.__module__.startswith(_TOP_MODULES):
            yield ember, k, aten_name(k), None
    for k, v in list(vars(F).items()):
        if inspect.isfunction(v) and not k.startswith("_") and \
                v.__module__.startswith(("ember.nn.functional", "ember.ops.")):
            yield F, k, aten_name(k), None
    for k, v in list(vars(Tensor).items()):
        if not inspect.isfunction(v) or k in _NOT_OPS:
            continue
        if k.startswith("_"):
            core = k[2:-2] if k.startswith("__") and k.endswith("__") else None
            if core is None or not (core in _DUNDERS or core[1:] in _DUNDERS):
                if k not in ("__getitem__", "__setitem__"):
                    continue
        if k == "__getitem__":
            yield Tensor, k, None, _index_name
        elif k == "__setitem__":
            yield Tensor, k, "aten::index_put_", None
        else:
            yield Tensor, k, aten_name(k), None
    from ember.optim.optimizer import Optimizer
    todo = [Optimizer]
    while todo:                      # as PyTorch labels them: Optimizer.step#SGD.step
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for meth in ("step", "zero_grad"):
            if inspect.isfunction(cls.__dict__.get(meth)):
                yield cls, meth, None, _optimizer_namer(meth)
    todo = [Node]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "_apply" in cls.__dict__ and cls is not Node:
            yield cls, "_apply", None, "node"


def install(recorder):
    """Swap the wrappers in and make ``recorder`` receive events."""
    if _rec[0] is not None:          # a profiler inside another: the inner one records
        _outer.append(_rec[0])
        _rec[0] = recorder
        return
    cache = {}
    for owner, attr, name, namer in _targets():
        orig = owner.__dict__[attr]
        if getattr(orig, "_profiled_original", None) is not None:
            continue
        key = (id(orig), name, namer if namer is None or namer == "node" else id(namer))
        w = cache.get(key)
        if w is None:
            w = _node_wrapper(orig) if namer == "node" else _op_wrapper(orig, name, namer)
            cache[key] = w
        _installed.append((owner, attr, orig))
        setattr(owner, attr, w)
    _rec[0] = recorder


def uninstall():
    """Put every original back; ember runs exactly as before."""
    if _outer:                       # back to the enclosing profiler
        _rec[0] = _outer.pop()
        return
    _rec[0] = None
    while _installed:
        owner, attr, orig = _installed.pop()
        setattr(owner, attr, orig)


def current():
    """The running recorder, or None.

    >>> from ember.profiler.recorder import current
    >>> current() is None
    True
    """
    return _rec[0]
