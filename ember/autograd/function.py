"""Backward-graph nodes and ``Function``: the forward and backward of an op side by side.

Two flavours share one ``Node`` base:

* ``Op`` — ember's own primitives (``ember/ops``). ``forward(ctx, *arrays, *args)``
  works on NumPy arrays; ``backward(ctx, *grads)`` is written in Tensor ops, so that
  ``create_graph=True`` gives higher derivatives for free.
* ``Function`` — the public ``ember.autograd.Function`` for user-defined ops, as in
  PyTorch: ``forward(ctx, *args)`` receives tensors, ``backward(ctx, *grads)``
  returns one gradient per forward argument.

Every op call enters through ``apply_op(cls, tensors, *args)``, the one place that decides
whether to record a node (grad mode on and an input requiring grad) or to run the forward
alone. It is also the observation point for graph capture: ``_set_op_observer(fn)`` (private)
sets a per-thread ``fn(op, inputs, outputs)`` called after each op; when no thread has one the
check costs one list read per op.

>>> class Cube(ember.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, g):
...         x, = ctx.saved_tensors
...         return 3 * x ** 2 * g
>>> x = ember.tensor(2.0, requires_grad=True)
>>> Cube.apply(x).backward(); x.grad
tensor(12.)
"""
import threading
import weakref

from . import grad_mode
from .._backend import np, ndarray as _ndarray, oom_error
from .._hook_handles import RemovableHandle, _add_hook  # noqa: F401
from .._tensor import Tensor, _wrap
from .saved import (_FREED, _FREED_MSG, _Saved, _saved_entry, _anomaly_state, _modified_msg, _save_entry,  # noqa: F401
                    _saved_arrays, _short, _type_name, _unpack, _hooks_on)
from .saved_hooks import SavedTensor, _pack_saved
from .._quantized_mark import QUANTIZED as _QM, QuantizedInput

_state = grad_mode._state
_F32 = np.dtype("float32")
_inference_seen = grad_mode._inference_seen


class Node:
    """A node of the backward graph, PyTorch's ``grad_fn``.

    ``next_functions`` holds ``(node, output_nr)`` for each differentiable input.
    """

    # _saved: the entries saved for backward (see _Saved), None, or _FREED; a slot, so that
    # saving does not give every node a __dict__
    __slots__ = ("next_functions", "_out_meta", "needs_input_grad", "_saved", "__dict__", "__weakref__")
    _name = "Node"
    # rarely set, so class-level defaults keep node construction cheap
    _non_diff = None     # outputs marked non-differentiable
    _pre_hooks = _hooks = _out_hooks = _retain = None
    _anomaly = None      # forward traceback when anomaly mode is on
    # True where ``_grad_arrays(g, retain_graph)`` runs the backward on arrays (FormulaOp)
    _array_grad = False

    def __init__(self):
        self.next_functions = ()
        self._saved = None
        self._out_meta = ()
        self._non_diff = None
        self._pre_hooks = self._hooks = self._out_hooks = self._retain = None
        self._anomaly = None

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"

    # -- saving -----------------------------------------------------------------
    def save_for_backward(self, *tensors):
        self._saved = tensors

    def mark_non_differentiable(self, *outs):
        self._non_diff = outs

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        self.__dict__["_materialize"] = bool(value)

    @property
    def saved_tensors(self):
        s = self._saved
        if s is None:
            return ()
        if s is _FREED:
            raise RuntimeError(_FREED_MSG)
        return tuple([_unpack(self, e) for e in s])

    @property
    def _raw_saved_tensors(self):
        """The saved tensors as ``SavedTensor`` objects (to register hooks on one)."""
        s = self._saved
        if s is _FREED:
            raise RuntimeError(_FREED_MSG)
        return tuple([SavedTensor(self, i) for i in range(len(s or ()))])

    def _release(self):
        if self._saved is not None:
            self._saved = _FREED

    # -- hooks --------------------------------------------------------------------
    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward."""
        if self._hooks is None:
            self._hooks = {}
        return _add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node's backward; may return new grads."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return _add_hook(self._pre_hooks, fn)

    def _apply(self, grads):  # pragma: no cover - overridden
        raise NotImplementedError(f"{self._name} has no backward")

    def __call__(self, *grads):
        return self._apply(grads)


# True while a backward pass runs that releases each node right after its backward
# (retain_graph=False): a backward may then reuse its own work arrays for its result.
_consuming = [False]


class AccumulateGrad(Node):
    """The node that sums gradients into a leaf tensor's ``.grad``."""

    __slots__ = ("variable",)
    _name = "AccumulateGrad"

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        Node.__init__(self)
        self.variable = variable

    @property
    def _out_meta_(self):
        d = self.variable._data
        return ((d.shape, d.dtype),)


def accumulate_node(t):
    """The (unique, cached) AccumulateGrad node of leaf ``t``."""
    ref = t._accum
    n = ref() if ref is not None else None
    if n is None:
        n = _new(AccumulateGrad)  # the class defaults stand in for Node.__init__
        n.variable = t
        n.next_functions = ()
        n._saved = None
        d = t._data
        n._out_meta = ((d.shape, d.dtype),)
        t._accum = weakref.ref(n)
    return n


def _edge(t):
    """The graph edge ``(node, output_nr)`` a tensor's gradient flows into."""
    if not t._rg:
        return (None, 0)
    fn = t.grad_fn
    if fn is None:
        return (accumulate_node(t), 0)
    return (fn, t._out_nr)


class _NoGradCtx:
    """A throwaway ctx for forward calls that record nothing."""

    needs_input_grad = None

    def save_for_backward(self, *a):
        pass

    def mark_non_differentiable(self, *a):
        pass

    def mark_dirty(self, *a):
        pass

    def set_materialize_grads(self, v):
        pass


class Op(Node):
    """Base of ember's primitives: array forward, Tensor-op backward.

    Subclasses get the PyTorch-style node name ``<ClassName>Backward0``.
    """

    __slots__ = ()
    _saves_inputs = True  # False for ops whose backward needs no input (add, sub, neg)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "_name" not in cls.__dict__:
            cls._name = cls.__name__.lstrip("_") + "Backward0"

    def _apply(self, grads):
        r = self.backward(self, grads[0]) if len(grads) == 1 else self.backward(self, *grads)
        if r.__class__ is not tuple:
            r = (r,)
        return r

    @classmethod
    def apply(cls, *tensors_and_args):  # pragma: no cover - convenience for tests
        raise TypeError("use ember.ops._apply for internal ops")


_NOGRAD = _NoGradCtx()

# -- the one entry ------------------------------------------------------------------------
# Every op call goes through ``apply_op``: it decides whether to record a node, runs the
# forward on arrays (the no-grad branch is the fast path: no ctx, no node) and tells the
# thread's op observer, if any. ``_observed[0]`` counts the threads that have an observer set,
# so an op pays one list read when nobody observes.
_observed = [0]
_observer_tls = threading.local()


def _set_op_observer(fn):
    """Set this thread's op observer; returns the previous one (or None).

    ``fn(op, inputs, outputs)`` is then called after every op that goes through
    :func:`apply_op` in this thread: ``op`` the Op class, ``inputs`` the tuple of
    input Tensors followed by the op's extra non-tensor arguments, ``outputs`` a
    tuple of the output Tensors. ``None`` removes it. Private: the hook graph
    capture (``ember.fx``, ``ember.jit``) builds on.

    >>> from ember.autograd.function import _set_op_observer
    >>> seen = []
    >>> prev = _set_op_observer(lambda op, ins, outs: seen.append(op.__name__))
    >>> _ = ember.ones(2).exp()
    >>> _ = _set_op_observer(prev); seen
    ['Exp']
    """
    prev = getattr(_observer_tls, "fn", None)
    _observer_tls.fn = fn
    _observed[0] += (fn is not None) - (prev is not None)
    return prev


def _observe(cls, tensors, args, r):
    fn = getattr(_observer_tls, "fn", None)
    if fn is not None:
        fn(cls, tuple(tensors) + args, r if r.__class__ is tuple else (r,))


def apply_op(cls, tensors, *args):
    """Run op ``cls`` on ``tensors`` (a tuple) with extra non-tensor ``args``.

    Records a node when grad mode is on and any input requires grad; otherwise (the
    fast path) runs the forward alone, with a throwaway ctx, and wraps its result. A quantized
    input (its ``_rg`` is ``_quantized_mark.QUANTIZED``) takes the recording branch, whose
    ``_record`` hands the op to ``ember._quantized_dispatch`` before anything runs.
    """
    n = len(tensors)
    try:
        if n == 2:  # (one and two inputs are unrolled: this is every op's per-call floor)
            t0, t1 = tensors
            if (t0._rg or t1._rg) and (_state.v[0] or t0._rg is _QM or t1._rg is _QM):
                return _record(cls, tensors, args)  # (a quantized input: see _record)
            if len(args) == 1:
                out = cls.forward(_NOGRAD, t0._data, t1._data, args[0])
            else:
                out = cls.forward(_NOGRAD, t0._data, t1._data, *args)
        elif n == 1:
            t0 = tensors[0]
            if t0._rg and (_state.v[0] or t0._rg is _QM):
                return _record(cls, tensors, args)
            if not args:
                out = cls.forward(_NOGRAD, t0._data)
            elif len(args) == 2:
                out = cls.forward(_NOGRAD, t0._data, args[0], args[1])
            elif len(args) == 1:  # (x[i], view, reshape, transpose ...)
                out = cls.forward(_NOGRAD, t0._data, args[0])
            else:
                out = cls.forward(_NOGRAD, t0._data, *args)
        else:
            for t in tensors:
                if t._rg:
                    if _state.v[0] or any([x._rg is _QM for x in tensors]):
                        return _record(cls, tensors, args)
                    break
            out = cls.forward(_NOGRAD, *[t._data for t in tensors], *args)
    except MemoryError as e:
        raise oom_error(e) from None
    r = tuple([_wrap(o) for o in out]) if out.__class__ is tuple else _wrap(out)
    if _observed[0]:
        _observe(cls, tensors, args, r)
    return r


INFERENCE_SAVE_MSG = ("Inference tensors cannot be saved for backward. Please do not use Tensors created "
                      "in inference mode in computation tracked by autograd. To work around this, you can "
                      "make a clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` "
                      "instead of `torch.inference_mode()`.")


def _record(cls, tensors, args):
    """Run the forward with a new node as ctx and wire the node into the graph (then tell
    the thread's op observer, if any)."""
    if _inference_seen[0] and cls._saves_inputs:
        for t in tensors:
            if "_inference" in t.__dict__:  # (never reached in inference mode)
                raise RuntimeError(INFERENCE_SAVE_MSG)
    ctx = _new(cls)
    ctx._saved = None
    # the graph edges, the arrays and needs_input_grad (one or two inputs: unrolled, and the
    # edge of an input made by an op read inline)
    n = len(tensors)
    try:
        if n == 2:
            t0, t1 = tensors
            a0 = t0._data
            a1 = t1._data
            r0 = t0._rg
            r1 = t1._rg
            fn = t0.grad_fn
            e0 = (fn, t0._out_nr) if fn is not None and r0 else _edge_in(t0)
            fn = t1.grad_fn
            ctx.next_functions = (e0, (fn, t1._out_nr) if fn is not None and r1 else _edge_in(t1))
            ctx.needs_input_grad = (r0, r1)
            arrays = (a0, a1)
            if len(args) == 1:
                out = cls.forward(ctx, a0, a1, args[0])
            else:
                out = cls.forward(ctx, a0, a1, *args)
        elif n == 1:
            t0 = tensors[0]
            a0 = t0._data
            fn = t0.grad_fn
            ctx.next_functions = ((fn, t0._out_nr) if fn is not None and t0._rg else _edge_in(t0),)
            ctx.needs_input_grad = (t0._rg,)
            arrays = (a0,)
            out = cls.forward(ctx, a0, *args) if args else cls.forward(ctx, a0)
        else:
            arrays = tuple([t._data for t in tensors])
            a0 = arrays[0] if arrays else None  # (the first input's array, matched first below)
            ctx.next_functions = tuple([_edge_in(t) for t in tensors])
            ctx.needs_input_grad = tuple([t._rg for t in tensors])
            out = cls.forward(ctx, *arrays, *args)
    except MemoryError as e:
        raise oom_error(e) from None
    except QuantizedInput:  # an input is a quantized tensor (its edge raised, nothing ran yet)
        from .._quantized_dispatch import dispatch
        return dispatch(cls, tensors, args)
    if out.__class__ is not tuple:  # the common single-output case
        raw = out  # NumPy returns scalars for 0-d results: saved outputs are matched by identity
        if out.__class__ is not _ndarray:
            out = np.asarray(out)
        dt = out.dtype
        ctx._out_meta = ((out.shape, dt),)
        t = _new(Tensor)
        t._data = out
        t.grad = None
        t._vc = None
        if (dt is _F32 or dt.kind in "fcV") and ctx._non_diff is None:
            t._rg = True
            t.grad_fn = ctx
        else:
            t._rg = False
            t.grad_fn = None
        saved = ctx._saved
        if saved:  # saved inputs and the output, matched by identity, with their versions
            ents = []
            for s in saved:  # (entries are tuples, see saved.py; the first two inputs unrolled)
                if s is None:
                    ents.append(None)
                elif s is a0:
                    x = tensors[0]
                    vc = x._vc
                    if vc is None:
                        vc = x._vc = [0]
                    ents.append((0, x, vc, vc[0], 0))
                elif n == 2 and s is a1:
                    x = tensors[1]
                    vc = x._vc
                    if vc is None:
                        vc = x._vc = [0]
                    ents.append((0, x, vc, vc[0], 0))
                elif s is out or s is raw:
                    vc = t._vc
                    if vc is None:
                        vc = t._vc = [0]
                    ents.append((1, out, vc, vc[0], 0))
                elif s.__class__ is float or s.__class__ is int:  # a Python number (pow's exponent)
                    ents.append(s)
                else:  # a further input, an intermediate array or a plain value
                    ents.append(_save_entry(s, arrays, tensors, (), (), ()))
            ctx._saved = ents
            if _hooks_on[0]:
                _pack_saved(ctx)
        if _anomaly_state[0]:
            ctx._anomaly = _forward_trace()
        if _observed[0]:
            _observe(cls, tensors, args, t)
        return t
    outs = tuple([o if o.__class__ is _ndarray else np.asarray(o) for o in out])
    ctx._out_meta = tuple([(o.shape, o.dtype) for o in outs])
    nd = ctx._non_diff
    results = []
    for i, o in enumerate(outs):
        t = _wrap(o)
        if o.dtype.kind in "fcV" and not (nd and any(o is x for x in nd)):
            t._rg = True
            t.grad_fn = ctx
            if i:
                t._out_nr = i
        results.append(t)
    results = tuple(results)
    saved = ctx._saved
    if saved:
        ctx._saved = [_save_entry(s, arrays, tensors, outs, results, out) for s in saved]
        if _hooks_on[0]:
            _pack_saved(ctx)
    if _anomaly_state[0]:
        ctx._anomaly = _forward_trace()
    if _observed[0]:
        _observe(cls, tensors, args, results)
    return results


_new = object.__new__
_NO_EDGE = (None, 0)


def _edge_in(t):
    """The edge ``(node, output_nr)`` an input's gradient flows into (``_NO_EDGE`` if none)."""
    if not t._rg:
        return _NO_EDGE
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    if t._rg is _QM:  # a quantized tensor: apply_op dispatches the op to its quantized kernel
        raise QuantizedInput
    ref = t._accum
    fn = ref() if ref is not None else None
    return (fn if fn is not None else accumulate_node(t), 0)


def _forward_trace():
    """The user's stack at this forward call (ember's own frames at the top left out)."""
    import os
    import traceback
    frames = traceback.extract_stack()
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    while frames and frames[-1].filename.startswith(pkg):
        frames.pop()
    return "".join(traceback.format_list(frames))


class FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        if "_forward_cls" in ns:  # the backward-node class made below
            return
        if "_name" not in ns:
            cls._name = name + "Backward"
        # The ctx of ``F.apply`` (and the output's ``grad_fn``) is an ``FBackward``, as in PyTorch.
        cls._backward_cls = FunctionMeta(cls._name, (cls,), {"_forward_cls": cls, "__module__": cls.__module__})


class Function(Node, metaclass=FunctionMeta):
    """Base class for custom differentiable operations, as ``torch.autograd.Function``.

    Define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as static
    methods and call ``MyFunction.apply(*args)``.
    """

    def __init__(self, *args, **kwargs):
        Node.__init__(self)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional (PyTorch 2 style): fill ``ctx`` here and define ``forward`` without ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        tensors = [(i, a) for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx = object.__new__(cls._backward_cls)
        Node.__init__(ctx)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        ctx.__dict__["_materialize"] = True
        record = _state[0] and any(t._rg for _, t in tensors)
        with grad_mode.no_grad():
            if cls.setup_context is Function.setup_context:
                out = cls.forward(ctx, *args, **kwargs)
            else:  # PyTorch 2 style: forward(*args) without ctx, then setup_context
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        if not record:
            return out
        ctx._nargs = len(args)
        ctx._tensor_pos = [i for i, _ in tensors]
        ctx.next_functions = tuple(_edge(a) if isinstance(a, Tensor) else (None, 0) for a in args)
        nd = ctx._non_diff or ()
        results, metas = [], []
        inputs_by_id = {id(a): a for _, a in tensors}
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                results.append(o)
                metas.append(None)
                continue
            if id(o) in inputs_by_id:
                o = o.view_as(o)  # an input returned as is: a new tensor in the graph
            metas.append((o._data.shape, o._data.dtype))
            if o._data.dtype.kind in "fcV" and not any(o is x for x in nd):
                o._rg = True
                o.grad_fn = ctx
                o._out_nr = i
            results.append(o)
        ctx._out_meta = tuple(metas)
        saved = ctx._saved
        if saved:
            ents = []
            for k, s in enumerate(saved):
                if s is None:
                    ents.append(None)
                    continue
                if not isinstance(s, Tensor):
                    raise TypeError("save_for_backward can only save variables, but argument "
                                    f"{k} is of type {type(s).__name__}")
                idx = next((i for i, o in enumerate(results) if o is s), None)
                if s._vc is None:
                    s._vc = [0]
                if idx is not None:
                    ents.append(_saved_entry(1, s._data, s._vc, idx))
                else:
                    ents.append(_saved_entry(0, s, s._vc))
            ctx._saved = tuple(ents)
            if _hooks_on[0]:
                _pack_saved(ctx)
        if _anomaly_state[0]:
            ctx._anomaly = _forward_trace()
        return tuple(results) if multi else results[0]

    def _apply(self, grads):
        r = self.backward(self, *grads)
        if not isinstance(r, tuple):
            r = (r,)
        n = self._nargs
        if len(r) > n:
            if any(g is not None for g in r[n:]):
                raise RuntimeError(f"function {self._name} returned an incorrect number of gradients "
                                   f"(expected {n}, got {len(r)})")
            r = r[:n]
        elif len(r) < n:
            raise RuntimeError(f"function {self._name} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(r)})")
        for i, g in enumerate(r):
            if g is not None and not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
        return r


class once_differentiable:  # noqa: N801 - PyTorch's name
    """Decorator for a backward that cannot itself be differentiated (accepted as is)."""

    def __new__(cls, fn):
        return fn
