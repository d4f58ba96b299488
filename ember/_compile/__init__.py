"""``torch.compile`` in ember: capture the graph once, then replay it without eager dispatch.

``ember.compile(model_or_fn)`` returns a callable (for a Module, an :class:`OptimizedModule`
whose ``state_dict`` keys gain PyTorch's ``_orig_mod.`` prefix). Its first call with a new
*guard key* captures the graph with ``ember.fx``'s concrete tracer while computing the
result. The key holds every input's shape, dtype and ``requires_grad``, the grad mode and
the non-tensor arguments; each entry also guards every module's ``training`` flag and the
identity and ``requires_grad`` of every parameter and buffer the graph reads. The second
call replays the graph with ember's functions, recording every value; from then on the entry
runs its *fast program* (:mod:`ember._compile._program`): NumPy kernels on raw arrays for the
nodes that have one (Linear, fused Linear+ReLU, ReLU, tanh, add, mul, view/flatten), ember's own
call for the rest. Without gradients, nothing is recorded for autograd and intermediate
results live in buffers reused across calls; with gradients, the whole graph is one autograd
node whose backward is NumPy. Results and gradients are bit-identical to eager.

A new input shape (say, a new batch size) is a new key: the graph is captured again
(``dynamic`` is accepted; ember always specializes). Python control flow that depends on a
tensor's value is a *graph break*: that key runs eagerly from then on, and
``fullgraph=True`` raises instead; so does code the tracer cannot follow. ``mode`` is
validated and otherwise ignored; ``backend="eager"`` replays the graph with ember functions
only, and a callable ``backend(graph_module, example_inputs)`` gets the captured
``ember.fx.GraphModule`` and returns what runs instead.

>>> @ember.compile(mode="max-autotune", fullgraph=True)
... def f(x):
...     return x * 2
>>> f(ember.ones(2))
tensor([2., 2.])
"""
import builtins
import functools

from ..nn import Module
from .._tensor import Tensor
from ..autograd import grad_mode
from ._state import STANCE, capturing, config

__all__ = ["compile", "OptimizedModule"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs", "onnxrt", "tvm", "openxla", "ember")
_ALL = []   # weak list of compiled callables, for ember._dynamo.reset()


class GraphBreak(RuntimeError):
    """Raised under ``fullgraph=True`` where the captured program needs a tensor's value to
    decide Python control flow (a graph break)."""


def _arg_key(a):
    if isinstance(a, Tensor):
        d = a._data
        return (d.shape, d.dtype, a._rg)
    if a is None or a.__class__ in (int, float, bool, str):
        return (a.__class__, a)
    if a.__class__ in (tuple, list):
        return (a.__class__,) + tuple(_arg_key(x) for x in a)
    return ("id", id(a))


class _Entry:
    """One guarded capture: its graph, its checks and how it runs now."""

    __slots__ = ("check", "gm", "program", "replay", "replay_plain", "eager", "placeholders", "need_grad", "calls",
                 "reason", "custom")

    def __init__(self):
        self.check = _true
        self.gm = self.program = self.replay = self.replay_plain = None
        self.eager = False
        self.placeholders = ()
        self.need_grad = False
        self.calls = 0
        self.reason = None
        self.custom = None


def _true():
    return True


def _make_check(root, gm):
    """A generated function checking training flags and parameter identity/requires_grad."""
    if root is None:
        return _true
    ns, conds = {}, []
    for i, (_, m) in enumerate(root.named_modules()):
        ns[f"M{i}"] = m
        conds.append(f"M{i}.training is {bool(m.training)}")
        for store in ("_parameters", "_buffers"):
            d = m.__dict__.get(store) or {}
            for j, (name, t) in enumerate(d.items()):
                ns[f"D{i}{store[1]}{j}"] = d
                ns[f"T{i}{store[1]}{j}"] = t
                conds.append(f"D{i}{store[1]}{j}.get({name!r}) is T{i}{store[1]}{j}")
                if t is not None:
                    conds.append(f"T{i}{store[1]}{j}._rg is {bool(t._rg)}")
    src = "def check():\n    return " + (" and ".join(conds) or "True")
    exec(builtins.compile(src, "<ember.compile guard>", "exec"), ns)  # noqa: S102 - our own source
    return ns["check"]


class CompiledCallable:
    """What ``ember.compile`` wraps a callable in: the cache of guarded entries."""

    def __init__(self, fn, root, fullgraph, backend):
        self.fn, self.root, self.fullgraph, self.backend = fn, root, fullgraph, backend
        self.cache = {}
        self.busy = False
        self.log = []   # (key, what happened): captures, graph breaks
        _ALL.append(self)

    def reset(self):
        self.cache.clear()

    def __call__(self, *args, **kwargs):
        if STANCE[0] == "force_eager":
            return self.fn(*args, **kwargs)
        try:
            key = (tuple([_arg_key(a) for a in args]),
                   tuple([(k, _arg_key(v)) for k, v in kwargs.items()]) if kwargs else (), grad_mode._state[0])
            entries = self.cache.get(key)
        except TypeError:  # an unhashable argument: nothing to guard on
            return self.fn(*args, **kwargs)
        if entries:
            for e in entries:
                if e.check():
                    return self._run(e, args, kwargs)
        return self._capture(key, args, kwargs)

    def _inputs(self, e, args, kwargs):
        if not kwargs:
            return list(args)
        return list(args) + [kwargs[k] for k in e.placeholders[len(args):]]

    def _run(self, e, args, kwargs):
        p = e.program
        if p and not kwargs and e.custom is None and self.backend != "eager" and not self.busy \
                and not (e.need_grad and grad_mode._state[0]):  # the common case first: inference
            self.busy = True
            try:
                return p.infer([a._data if isinstance(a, Tensor) else a for a in args])
            finally:
                self.busy = False
        if e.eager:
            return self.fn(*args, **kwargs)
        e.calls += 1
        if e.custom is not None:
            return e.custom(*self._inputs(e, args, kwargs))
        if e.program is None:
            from ._program import Program
            inputs = self._inputs(e, args, kwargs)
            out, values = e.replay(inputs)
            try:
                e.program = Program(e.gm.graph, e.gm, values, len(inputs))
            except Exception as exc:  # noqa: BLE001 - an unsupported graph keeps replaying with ember calls
                e.program = False
                e.reason = f"fast program not built: {type(exc).__name__}: {exc}"
            return out
        p = e.program
        if p is False or self.backend == "eager":
            return self._replay(e, args, kwargs)
        inputs = self._inputs(e, args, kwargs)
        if e.need_grad and grad_mode._state[0]:
            if p.trainable and all(isinstance(t, Tensor) for t in inputs):
                return p.run_train(inputs)
            return self._replay(e, args, kwargs)
        arrays = [t._data if isinstance(t, Tensor) else t for t in inputs]
        if self.busy:  # a re-entrant or concurrent call: no shared buffers
            return p.infer_fresh(arrays)
        self.busy = True
        try:
            return p.infer(arrays)
        finally:
            self.busy = False

    def _replay(self, e, args, kwargs):
        if e.replay_plain is None:
            from ._replay import build_replay
            e.replay_plain = build_replay(e.gm.graph, e.gm, None)
        return e.replay_plain(self._inputs(e, args, kwargs))

    def _capture(self, key, args, kwargs):
        from ._capture import capture
        entries = self.cache.setdefault(key, [])
        if len(entries) >= config.cache_size_limit:
            return self.fn(*args, **kwargs)
        if STANCE[0] == "eager_on_recompile" and any(self.cache.values()):
            return self.fn(*args, **kwargs)
        if STANCE[0] == "fail_on_recompile" and any(self.cache.values()):
            raise RuntimeError("Detected recompile when torch.compile stance is 'fail_on_recompile'")
        e = _Entry()
        snap = _snapshot(self.root)
        try:
            with capturing():
                out, gm, breaks, placeholders = capture(self.fn, args, kwargs)
        except Exception as exc:  # noqa: BLE001 - what the tracer cannot follow runs eagerly, as a graph break
            if self.fullgraph:
                raise
            _restore(snap)  # the failed capture ran part of the program
            e.eager, e.reason = True, f"capture failed ({type(exc).__name__}: {exc}); running eagerly"
            self.log.append((key, e.reason))
            entries.append(e)
            return self.fn(*args, **kwargs)
        if breaks:
            if self.fullgraph:
                raise GraphBreak("ember.compile(fullgraph=True): graph break: " + "; ".join(breaks))
            e.eager, e.reason = True, "graph break: " + "; ".join(breaks)
            self.log.append((key, e.reason))
        else:
            from ._replay import build_replay
            e.gm = gm
            e.placeholders = placeholders
            e.replay = build_replay(gm.graph, gm, placeholders, record=True)
            if callable(self.backend):  # a user backend: backend(graph_module, example_inputs) -> callable
                e.custom = self.backend(gm, [a for a in list(args) + list(kwargs.values())])
            e.need_grad = bool(key[2]) and (any(k[2] is True for k in key[0] if len(k) == 3)
                                            or any(p._rg for p in gm.parameters()))
            self.log.append((key, "captured"))
        e.check = _make_check(self.root, gm)
        entries.append(e)
        return out


def _snapshot(root):
    """The RNG state and every buffer's values, to undo a capture's side effects."""
    from .._random import get_rng_state
    bufs = [(b, b._data.copy()) for b in root.buffers()] if root is not None else []
    return get_rng_state(), bufs


def _restore(snap):
    from .._random import set_rng_state
    from .._backend import np
    rng, bufs = snap
    set_rng_state(rng)
    for b, a in bufs:
        if b._data.shape == a.shape:
            np.copyto(b._data, a)


class OptimizedModule(Module):
    """What ``ember.compile(module)`` returns: calls go through the compiled ``forward``; every
    other attribute is the original module's (``_orig_mod``).

    >>> m = ember.compile(ember.nn.Linear(2, 2)); list(m.state_dict())
    ['_orig_mod.weight', '_orig_mod.bias']
    """

    def __init__(self, mod, compiled):
        super().__init__()
        self._orig_mod = mod
        object.__setattr__(self, "_compiled", compiled)

    def forward(self, *args, **kwargs):
        return self._compiled(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False, **kwargs):
    """Compile ``model`` (a Module or function); without ``model``, a decorator that does.

    >>> net = ember.nn.Linear(2, 2); cnet = ember.compile(net)
    >>> x = ember.randn(3, 2)
    >>> bool((cnet(x) == net(x)).all()), type(cnet).__name__
    (True, 'OptimizedModule')
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable, **kwargs)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if isinstance(backend, str) and backend not in _BACKENDS:
        from ..compiler import list_backends
        raise RuntimeError(f"backend='{backend}' is not a valid backend. Valid backends: {list_backends()}")
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model, CompiledCallable(model, model, fullgraph, backend))
    compiled = CompiledCallable(model, None, fullgraph, backend)

    @functools.wraps(model)
    def compiled_fn(*args, **kw):
        return compiled(*args, **kw)
    compiled_fn._torchdynamo_orig_callable = model
    compiled_fn._compiled = compiled
    return compiled_fn
