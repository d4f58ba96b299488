"""``torch.jit.trace``: run a function or module once on example inputs and keep the graph.

The capture is ``ember.fx``'s concrete tracer with every module inlined, so the graph holds
ember functions, Tensor methods and ``get_attr`` reads of parameters and buffers, as
TorchScript's traced graph holds aten ops. Python control flow that looks at a tensor's value
follows the example and is reported with a :class:`TracerWarning` (as PyTorch does); the graph
keeps the branch the example took. ``check_trace`` runs the traced graph and the original on
the example inputs (and ``check_inputs``) and warns when they differ.

A traced module (:class:`TopLevelTracedModule`) shares the original's parameters, buffers and
submodules (``state_dict`` keys are the same); calling it replays the graph. A traced function
is a :class:`ScriptFunction`. Both have ``.graph`` (an ``ember.fx`` Graph; its text differs
from TorchScript's IR) and ``.code`` (Python source), and ``ember.jit.save`` writes them.

>>> f = ember.jit.trace(lambda x: x * 2 + 1, ember.ones(2))
>>> f(ember.tensor([1., 2.]))
tensor([3., 5.])
"""
import threading
import warnings

from ..nn import Module
from .._tensor import Tensor
from ..autograd import grad_mode
from ..fx import _concrete

__all__ = ["trace", "trace_module", "TracedModule", "TopLevelTracedModule", "ScriptModule", "ScriptFunction",
           "TracerWarning", "TracingCheckError", "is_tracing"]

_local = threading.local()


TracerWarning = _concrete.TracerWarning  # one class: the concrete tracer warns with it


class TracingCheckError(Exception):
    """``check_trace`` found the traced graph and the Python function disagree."""

    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = "Tracing failed sanity checks!\n" + (extra_msg or "")
        if graph_diff_error is not None:
            self.message += "ERROR: Graphs differed across invocations!\n" + graph_diff_error
        if tensor_compare_error is not None:
            self.message += "ERROR: Tensor-valued Constant nodes differed in value across invocations.\n" + \
                tensor_compare_error
        super().__init__(self.message)


def is_tracing():
    """True while ``ember.jit.trace`` runs the traced code in this thread.

    >>> ember.jit.is_tracing()
    False
    """
    return getattr(_local, "depth", 0) > 0


class ScriptModule(Module):
    """Base class of scripted and traced modules; subclassing it gives an ordinary (eager) Module.

    >>> class M(ember.jit.ScriptModule):
    ...     def forward(self, x):
    ...         return x + 1
    >>> M()(ember.ones(1))
    tensor([2.])
    """

    def save(self, f, _extra_files=None):
        """``ember.jit.save(self, f)``."""
        from ._archive import save
        save(self, f, _extra_files)


def _replay_fn(gm, root):
    from .._compile._replay import build_replay
    return build_replay(gm.graph, root, None)


class _Graphed:
    """What traced modules and functions share: the graph, its code and its replay."""

    def _set_graph(self, gm, root, names, out_spec=None):
        object.__setattr__(self, "_gm", gm)
        object.__setattr__(self, "_input_names", tuple(names))
        object.__setattr__(self, "_run", _replay_fn(gm, root))

    @property
    def graph(self):
        """The captured ``ember.fx`` Graph."""
        return self._gm.graph

    inlined_graph = graph

    @property
    def code(self):
        """Python source of the captured graph."""
        return self._gm.code

    def _call_graph(self, args, kwargs):
        inputs = list(args)
        if kwargs:
            inputs += [kwargs[k] for k in self._input_names[len(args):]]
        n = len(self._input_names)
        if len(inputs) != n:
            raise RuntimeError(f"forward() expected {n} arguments ({', '.join(self._input_names)}) but got "
                               f"{len(inputs)}")
        return self._run(inputs)


class ScriptFunction(_Graphed):
    """A traced function: calling it replays the captured graph.

    >>> f = ember.jit.trace(lambda x: x.relu(), ember.ones(1))
    >>> isinstance(f, ember.jit.ScriptFunction), f.name
    (True, '<lambda>')
    """

    def __init__(self, gm, names, name):
        self._set_graph(gm, gm, names)
        self.name = self.__name__ = self.qualified_name = name

    def __call__(self, *args, **kwargs):
        return self._call_graph(args, kwargs)

    def save(self, f, _extra_files=None):
        """``ember.jit.save(self, f)``."""
        from ._archive import save
        save(self, f, _extra_files)

    def __repr__(self):
        return f"<ember.jit.ScriptFunction {self.name}>"


class TracedModule(_Graphed, ScriptModule):
    """A traced module: the original's parameters, buffers and submodules, and ``forward``
    replaying the captured graph."""

    def __init__(self, orig, gm=None, names=()):
        ScriptModule.__init__(self)
        d = self.__dict__
        d["_parameters"].update(orig._parameters)
        d["_buffers"].update(orig._buffers)
        d["_non_persistent_buffers_set"].update(orig._non_persistent_buffers_set)
        d["_modules"].update(orig._modules)
        d["training"] = orig.training
        d["original_name"] = type(orig).__name__
        if gm is not None:
            self._set_graph(gm, self, names)

    def forward(self, *args, **kwargs):
        return self._call_graph(args, kwargs)

    def extra_repr(self):
        return f"original_name={self.original_name}"


class _Holder(ScriptModule):
    """A submodule of a loaded or frozen traced module: it holds tensors; only the top level runs."""

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ember.jit: only the top-level module of a loaded traced module runs a graph")


class TopLevelTracedModule(TracedModule):
    """What ``ember.jit.trace(module, ...)`` returns.

    >>> lin = ember.nn.Linear(2, 2); t = ember.jit.trace(lin, ember.ones(1, 2))
    >>> t.weight is lin.weight, list(t.state_dict()) == list(lin.state_dict())
    (True, True)
    """


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _capture(fn, args, kwargs, strict):
    from .._compile._capture import capture
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        out, gm, breaks, names = capture(fn, args, kwargs, warn=True)
    finally:
        _local.depth -= 1
    if isinstance(out, dict) and strict:
        raise RuntimeError("Encountering a dict at the output of the tracer might cause the trace to be incorrect, "
                           "this is only valid if the container structure does not change based on the module's "
                           "inputs. Consider using a constant container instead (e.g. for `list`, use a `tuple` "
                           "instead. for `dict`, use a `NamedTuple` instead). If you absolutely need this and know "
                           "the side effects, pass strict=False to trace() to allow this behavior.")
    if isinstance(out, list):
        warnings.warn("Encountering a list at the output of the tracer might cause the trace to be incorrect, this "
                      "is only valid if the container structure does not change based on the module's inputs. "
                      "Consider using a constant container instead (e.g. for `list`, use a `tuple` instead. for "
                      "`dict`, use a `NamedTuple` instead). If you absolutely need this and know the side effects, "
                      "pass strict=False to trace() to allow this behavior.", TracerWarning, stacklevel=4)
    return out, gm, names


def _flat(x):
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for v in x for t in _flat(v)]
    if isinstance(x, dict):
        return [t for v in x.values() for t in _flat(v)]
    return []


def _check(traced_call, fn, inputs_list, tol):
    from ..testing import assert_close
    for inputs in inputs_list:
        inputs = _as_tuple(inputs)
        with grad_mode.no_grad():
            got, want = _flat(traced_call(*inputs)), _flat(fn(*inputs))
        for i, (a, b) in enumerate(zip(got, want)):
            try:
                assert_close(a, b, rtol=tol, atol=tol)
            except AssertionError as e:
                warnings.warn(f"Output nr {i + 1}. of the traced function does not match the corresponding output "
                              f"of the Python function. Detailed error:\n{e}", TracerWarning, stacklevel=3)


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """Trace ``func`` (a function or Module) on ``example_inputs`` (a Tensor or tuple).

    >>> net = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    >>> traced = ember.jit.trace(net, ember.randn(4, 3))
    >>> x = ember.randn(5, 3); bool((traced(x) == net(x)).all())
    True
    """
    if isinstance(func, Module):
        return trace_module(func, {"forward": example_inputs if example_kwarg_inputs is None
                                   else example_kwarg_inputs}, None, check_trace,
                            None if check_inputs is None else [{"forward": c} for c in check_inputs],
                            check_tolerance, strict, example_inputs_is_kwarg=example_kwarg_inputs is not None)
    if isinstance(func, (ScriptFunction, TracedModule)):
        warnings.warn("The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object "
                      "as is.", stacklevel=2)
        return func
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be provided")
    kwargs = example_kwarg_inputs if example_kwarg_inputs is not None else {}
    args = () if example_kwarg_inputs is not None else _as_tuple(example_inputs)
    _, gm, names = _capture(func, args, kwargs, strict)
    f = ScriptFunction(gm, names, getattr(func, "__name__", type(func).__name__))
    if check_trace and not kwargs:
        _check(f, func, [args] + list(check_inputs or []), check_tolerance)
    return f


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """Trace methods of ``mod``: ``inputs`` maps a method name (``"forward"``) to its example inputs.

    >>> t = ember.jit.trace_module(ember.nn.ReLU(), {"forward": ember.tensor([-1., 1.])})
    >>> t(ember.tensor([-2., 2.]))
    tensor([0., 2.])
    """
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    traced = TopLevelTracedModule(mod)
    for name, example in inputs.items():
        if name != "forward":
            raise NotImplementedError(f"ember.jit.trace_module traces forward only, not {name!r}")
        kwargs = example if example_inputs_is_kwarg else {}
        args = () if example_inputs_is_kwarg else _as_tuple(example)
        _, gm, names = _capture(mod, args, kwargs, strict)
        traced._set_graph(gm, traced, names)
        if check_trace and not kwargs:
            _check(traced, mod, [args] + [c["forward"] for c in (check_inputs or [])], check_tolerance)
    return traced
