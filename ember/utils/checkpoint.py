"""``torch.utils.checkpoint``: trade compute for memory by recomputing a region in backward.

``checkpoint(fn, *args)`` runs ``fn`` and keeps only its inputs and outputs; the
activations inside are freed and ``fn`` runs again during backward (with the same RNG
and autocast state), so a network of N segments holds one segment's activations at a time.

- ``use_reentrant=True``: the forward runs under no_grad; backward recomputes and calls
  ``backward`` inside backward (so ``autograd.grad`` is refused, as in PyTorch).
- ``use_reentrant=False``: the forward records the region once to find the leaves it reads
  (inputs and parameters), then drops that graph; the region becomes one node whose
  backward recomputes and differentiates it. Works with ``autograd.grad``, keyword
  arguments, and inputs that do not require grad. Unlike PyTorch, the outputs' ``grad_fn``
  is that node (``CheckpointBackward``), not the region's last op.

>>> calls = []
>>> def f(x):
...     calls.append(1)
...     return (x * x).sin()
>>> x = ember.ones(3, requires_grad=True)
>>> y = ember.utils.checkpoint.checkpoint(f, x, use_reentrant=False)
>>> y.sum().backward(); len(calls)
2
"""
import contextlib
import enum
import warnings

from .._tensor import Tensor
from .. import _random
from .. import _autocast_state as _AC
from ..autograd import engine as _engine
from ..autograd.function import Function, AccumulateGrad
from ..autograd.grad_mode import enable_grad, no_grad, _state as _grad_state

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "get_device_states", "set_device_states",
           "noop_context_fn", "set_checkpoint_early_stop", "DefaultDeviceType", "set_checkpoint_debug_enabled",
           "CheckpointPolicy", "SelectiveCheckpointContext", "create_selective_checkpoint_contexts",
           "SAC_IGNORED_OPS", "GraphExecGroup"]

SAC_IGNORED_OPS = set()
_group = [None]
_debug = [None]
_early_stop = [True]


class CheckpointError(RuntimeError):
    """Raised when the recomputation differs from the original forward (shapes, dtypes, count)."""


def detach_variable(inputs):
    """Detached copies of the tensors in the tuple ``inputs``, keeping ``requires_grad``.

    >>> x = ember.ones(1, requires_grad=True) * 2
    >>> d, n = ember.utils.checkpoint.detach_variable((x, 3)); d.is_leaf, d.requires_grad, n
    (True, True, 3)
    """
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    out = []
    for inp in inputs:
        if not isinstance(inp, Tensor):
            out.append(inp)
            continue
        x = inp.detach()
        x.requires_grad = inp.requires_grad
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs):
    """Warn when no tensor in ``inputs`` requires grad (a reentrant checkpoint then has no gradients).

    >>> ember.utils.checkpoint.check_backward_validity((ember.ones(1, requires_grad=True),))
    """
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=3)


def get_device_states(*args):
    """The RNG states of the accelerator devices the tensors in ``args`` live on (none: ember is CPU-only).

    >>> ember.utils.checkpoint.get_device_states(ember.ones(1))
    ([], [])
    """
    return [], []


def set_device_states(devices, states, *, device_type=None):
    """Restore accelerator RNG states saved by :func:`get_device_states` (there are none on the CPU).

    >>> ember.utils.checkpoint.set_device_states([], [])
    """
    if len(devices) or len(states):
        raise NotImplementedError("set_device_states: ember has no accelerator devices whose RNG state to set")


def noop_context_fn():
    """The default ``context_fn``: two context managers that do nothing.

    >>> len(ember.utils.checkpoint.noop_context_fn())
    2
    """
    return contextlib.nullcontext(), contextlib.nullcontext()


class DefaultDeviceType:
    """The device type whose RNG state checkpoint saves when no tensor says otherwise ("cuda").

    >>> ember.utils.checkpoint.DefaultDeviceType.get_device_type()
    'cuda'
    """

    _default_device_type = "cuda"

    @staticmethod
    def set_device_type(device="cuda"):
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        return DefaultDeviceType._default_device_type


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """Context manager: whether non-reentrant recomputation may stop early (results are the same either way).

    >>> with ember.utils.checkpoint.set_checkpoint_early_stop(False):
    ...     pass
    """
    prev = _early_stop[0]
    _early_stop[0] = enable
    try:
        yield
    finally:
        _early_stop[0] = prev


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    """Context manager overriding the ``debug`` flag of every checkpoint inside (None: leave it).

    >>> with ember.utils.checkpoint.set_checkpoint_debug_enabled(True):
    ...     pass
    """
    prev = _debug[0]
    _debug[0] = enabled
    try:
        yield
    finally:
        _debug[0] = prev


class GraphExecGroup:
    """Context manager: inside it, a non-reentrant checkpointed region is recomputed at most once,
    however many backward calls (with ``retain_graph=True``) go through it.

    >>> x = ember.ones(2, requires_grad=True)
    >>> y = ember.utils.checkpoint.checkpoint(lambda a: a.sin(), x, use_reentrant=False)
    >>> with ember.utils.checkpoint.GraphExecGroup():
    ...     y.sum().backward(retain_graph=True); y.sum().backward()
    """

    def __enter__(self):
        if _group[0] is not None:
            raise RuntimeError(f"GraphExecGroup contexts cannot be nested. Already inside group {_group[0]}")
        _group[0] = self
        return self

    def __exit__(self, *args):
        _group[0] = None

    @classmethod
    def _get_current_group(cls):
        return _group[0]


class CheckpointPolicy(enum.Enum):
    """What selective checkpointing does with an op's output: save it or recompute it."""
    MUST_SAVE = 0
    PREFER_SAVE = 1
    MUST_RECOMPUTE = 2
    PREFER_RECOMPUTE = 3
    MUST_CPU_OFFLOAD = 4
    PREFER_CPU_OFFLOAD = 5


class SelectiveCheckpointContext:
    """What a selective-checkpoint policy function is told about a call (forward or recompute)."""

    def __init__(self, *, is_recompute, op_output=None):
        self.is_recompute = is_recompute
        self.op_output = op_output


def create_selective_checkpoint_contexts(policy_fn_or_list, allow_cache_entry_mutation=False):
    """Selective activation checkpointing needs op-level interception of the forward (PyTorch's
    TorchDispatchMode), which ember does not have: it raises NotImplementedError.

    >>> ember.utils.checkpoint.create_selective_checkpoint_contexts([])
    Traceback (most recent call last):
    ...
    NotImplementedError: create_selective_checkpoint_contexts: selective activation checkpointing ...
    """
    if not (callable(policy_fn_or_list) or isinstance(policy_fn_or_list, list)):
        raise TypeError("policy_fn_or_list must be either a function or a list of ops.")
    raise NotImplementedError("create_selective_checkpoint_contexts: selective activation checkpointing (a "
                              "per-op save/recompute policy) needs op dispatch interception, which ember lacks; "
                              "use checkpoint() without context_fn to recompute the whole region")


# ---------------------------------------------------------------- shared helpers
def _capture_state(preserve_rng_state):
    rng = _random.get_rng_state() if preserve_rng_state else None
    s = _AC.state()
    return rng, (_AC.is_enabled("cpu"), _AC.get_dtype("cpu"), s.cache_enabled)


@contextlib.contextmanager
def _replay_state(rng, autocast_state):
    """Run the recomputation with the forward's RNG (restoring ours after) and autocast state."""
    from ..amp.autocast_mode import autocast
    saved = _random.get_rng_state() if rng is not None else None
    if rng is not None:
        _random.set_rng_state(rng)
    enabled, dtype, cache = autocast_state
    try:
        with autocast("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache):
            yield
    finally:
        if saved is not None:
            _random.set_rng_state(saved)


class CheckpointFunction(Function):
    """The reentrant checkpoint: forward under no_grad, backward recomputes and runs ``backward``."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.fwd_rng, ctx.fwd_autocast = _capture_state(preserve_rng_state)
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *args):
        if not _engine._checkpoint_valid[0]:
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an "
                "`inputs` parameter to .backward(). To resolve this error, you can either set "
                "use_reentrant=False, or call .backward() without passing the `inputs` argument.")
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        detached = detach_variable(tuple(inputs))
        with _replay_state(ctx.fwd_rng, ctx.fwd_autocast), enable_grad():
            outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        outs, grads = [], []
        for o, g in zip(outputs, args):
            if isinstance(o, Tensor) and o.requires_grad and g is not None:
                outs.append(o)
                grads.append(g)
        if not outs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        from ..autograd import backward
        backward(outs, grads)
        return (None, None) + tuple(d.grad if isinstance(d, Tensor) else None for d in detached)


# ---------------------------------------------------------------- non-reentrant
def _flatten(obj, out):
    """Tensors of a nested tuple/list/dict ``obj`` appended to ``out``; returns a rebuild spec."""
    if isinstance(obj, Tensor):
        out.append(obj)
        return ("t", len(out) - 1)
    if isinstance(obj, (tuple, list)):
        return (type(obj), [_flatten(o, out) for o in obj])
    if isinstance(obj, dict):
        return (dict, {k: _flatten(v, out) for k, v in obj.items()})
    return ("v", obj)


def _rebuild(spec, ts):
    kind, val = spec
    if kind == "t":
        return ts[val]
    if kind == "v":
        return val
    if kind is dict:
        return {k: _rebuild(v, ts) for k, v in val.items()}
    items = [_rebuild(v, ts) for v in val]
    return kind(*items) if hasattr(kind, "_fields") else kind(items)


def _leaves(outputs):
    """The leaf tensors the graph of ``outputs`` reaches (iterative walk, each node once)."""
    seen, leaves, stack = set(), [], []
    for o in outputs:
        if o.requires_grad:
            stack.append(o.grad_fn if o.grad_fn is not None else None)
            if o.grad_fn is None:
                leaves.append(o)
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is AccumulateGrad:
            leaves.append(node.variable)
            continue
        for nf, _ in node.next_functions or ():
            if nf is not None and id(nf) not in seen:
                stack.append(nf)
    out, ids = [], set()
    for t in leaves:
        if id(t) not in ids:
            ids.add(id(t))
            out.append(t)
    return out


class _Region:
    """What a non-reentrant checkpoint keeps: the function, its inputs, states and output metadata."""

    def __init__(self, fn, args, kwargs, rng, autocast_state, context_fn, determinism_check):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.rng, self.autocast_state = rng, autocast_state
        self.context_fn, self.determinism_check = context_fn, determinism_check
        self.targets = None  # per graph input: index into args' tensors, or None for a parameter
        self.cached = None   # (group, recomputed outputs, inputs) while a GraphExecGroup reuses them
        self.meta = None
        self.out_rg = None

    def run(self, recompute_ctx=None, attach=False):
        """Call the function on detached inputs (or, for double backward, on the inputs themselves)."""
        flat = []
        spec = _flatten((self.args, self.kwargs), flat)
        det = flat if attach else list(detach_variable(tuple(flat)))
        a, kw = _rebuild(spec, det)
        ctx = recompute_ctx if recompute_ctx is not None else contextlib.nullcontext()
        with ctx:
            out = self.fn(*a, **kw)
        return out, det


class _CheckpointNode(Function):
    _name = "CheckpointBackward"

    @staticmethod
    def forward(ctx, region, outs, *graph_inputs):
        ctx.region = region
        ctx.mark_non_differentiable(*[o for o, rg in zip(outs, region.out_rg) if not rg])
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        region = ctx.region
        create_graph = bool(_grad_state[0])
        group = _group[0]
        if group is not None and region.cached is not None and region.cached[0] is group:
            _, flat, det = region.cached
        else:
            _, recompute_ctx = region.context_fn()
            with _replay_state(region.rng, region.autocast_state), enable_grad():
                out, det = region.run(recompute_ctx, attach=create_graph)
            flat = []
            _flatten(out, flat)
            if region.determinism_check == "default":
                meta = [(tuple(t.shape), t.dtype) for t in flat]
                if meta != region.meta:
                    raise CheckpointError(
                        "torch.utils.checkpoint: Recomputed values for the following tensors have different "
                        f"metadata than during the forward pass.\nforward: {region.meta}\nrecompute: {meta}")
            region.cached = (group, flat, det) if group is not None else None
        targets = [det[i] if i is not None else p for i, p in region.targets]
        outs, gs = [], []
        for o, g, rg in zip(flat, grads, region.out_rg):
            if rg and g is not None and o.requires_grad:
                outs.append(o)
                gs.append(g)
        from ..autograd import grad as _grad
        if not outs:
            res = [None] * len(targets)
        else:
            res = _grad(outs, targets, gs, retain_graph=create_graph or group is not None or None,
                        allow_unused=True, create_graph=create_graph)
        return (None, None) + tuple(res)


def _checkpoint_without_reentrant(function, preserve_rng_state, context_fn, determinism_check, debug,
                                  *args, **kwargs):
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    rng, ac = _capture_state(preserve_rng_state)
    region = _Region(function, args, kwargs, rng, ac, context_fn, determinism_check)
    forward_ctx, _ = context_fn()
    if not _grad_state[0]:  # nothing to differentiate: just run it
        with forward_ctx:
            return function(*args, **kwargs)
    with forward_ctx:
        out, det = region.run()
    flat = []
    spec = _flatten(out, flat)
    region.meta = [(tuple(t.shape), t.dtype) for t in flat]
    region.out_rg = [t.requires_grad for t in flat]
    if not any(region.out_rg):
        return out
    where = {id(d): i for i, d in enumerate(det) if isinstance(d, Tensor)}
    orig = []
    _flatten((args, kwargs), orig)
    region.targets, graph_inputs = [], []
    for leaf in _leaves(flat):
        i = where.get(id(leaf))
        region.targets.append((i, None if i is not None else leaf))
        graph_inputs.append(orig[i] if i is not None else leaf)
    plain = [t.detach() for t in flat]
    del out, det, flat  # the region's graph (its activations) goes with these
    results = _CheckpointNode.apply(region, plain, *graph_inputs)
    return _rebuild(spec, list(results))


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """Run ``function(*args, **kwargs)`` without keeping its activations; recompute them in backward.

    ``preserve_rng_state=True`` (a keyword) replays the forward's RNG draws (dropout) in the
    recomputation. ``use_reentrant`` should be passed; when omitted it warns and means True.

    >>> lin = ember.nn.Linear(2, 2)
    >>> y = ember.utils.checkpoint.checkpoint(lin, ember.ones(1, 2), use_reentrant=False)
    >>> y.sum().backward(); lin.weight.grad.shape
    torch.Size([2, 2])
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
            "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False "
            "is recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
        return CheckpointFunction.apply(function, preserve, *args)
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, debug, *args,
                                         **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Checkpoint a Sequential (or list of modules) in ``segments`` chunks; the last chunk runs normally.

    >>> net = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.ReLU(), ember.nn.Linear(2, 1))
    >>> y = ember.utils.checkpoint.checkpoint_sequential(net, 2, ember.ones(1, 2), use_reentrant=False)
    >>> y.shape
    torch.Size([1, 1])
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
            "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
            "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
            "you can pass use_reentrant=True. Refer to docs for more details on the differences between the "
            "two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    from ..nn.modules.container import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
