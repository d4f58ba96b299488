"""``torch.export``: capture a Module as one whole graph with its state lifted to inputs.

``export`` runs the module once on the example inputs with ember.fx's concrete tracer; it
raises where the program's control flow depends on tensor values (PyTorch raises there too),
and records the input shapes as guards that ``ExportedProgram.module()`` checks, except the
dimensions named dynamic by ``dynamic_shapes``.

>>> class Net(ember.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.fc = ember.nn.Linear(3, 2)
...     def forward(self, x):
...         return ember.relu(self.fc(x))
>>> ep = ember.export.export(Net(), (ember.randn(4, 3),))
>>> ep.graph_signature.parameters, ep.graph_signature.user_inputs
(('fc.weight', 'fc.bias'), ('x',))
"""
import inspect

from .dynamic_shapes import Dim, dims, _DimHint
from .exported_program import ExportedProgram
from .graph_signature import (ExportGraphSignature, InputKind, InputSpec, OutputKind, OutputSpec,  # noqa: F401
                              TensorArgument, ConstantArgument)
from . import graph_signature  # noqa: F401

__all__ = ["export", "ExportedProgram", "Dim", "dims", "save", "load", "ExportGraphSignature", "unflatten",
           "draft_export", "register_dataclass", "default_decompositions"]


class UserError(RuntimeError):
    """An export call that cannot work as written (``torch._dynamo.exc.UserError``)."""


class GuardOnDataDependentSymNode(RuntimeError):
    """Control flow depends on tensor values, which an exported graph cannot hold."""


def _dynamic_spec(dynamic_shapes, names, args, kwargs):
    """{arg name: {dim: Dim or hint}} from the user's ``dynamic_shapes``."""
    if dynamic_shapes is None:
        return {}
    if isinstance(dynamic_shapes, dict):
        unknown = set(dynamic_shapes) - set(names)
        if unknown:
            raise UserError(f"dynamic_shapes names {sorted(unknown)} that are not inputs of forward "
                            f"(its inputs are {names})")
        items = dynamic_shapes.items()
    elif isinstance(dynamic_shapes, (tuple, list)):
        if len(dynamic_shapes) != len(args) + len(kwargs):
            raise UserError(f"dynamic_shapes has {len(dynamic_shapes)} entries but there are "
                            f"{len(args) + len(kwargs)} inputs")
        items = zip(names, dynamic_shapes)
    else:
        raise UserError(f"dynamic_shapes must be a dict, tuple or list, got {type(dynamic_shapes).__name__}")
    out = {}
    for name, spec in items:
        if spec is None:
            continue
        if isinstance(spec, (tuple, list)):
            spec = {i: d for i, d in enumerate(spec) if d is not None}
        if not isinstance(spec, dict):
            raise UserError(f"dynamic_shapes[{name!r}] must map dimensions to Dim, got {spec!r}")
        out[name] = {int(k): v for k, v in spec.items() if v is not None and v is not Dim.STATIC}
    return out


def _make_guard(name, pos, shape, dyn):
    def check(args, kwargs):
        import ember
        x = kwargs.get(name) if pos is None or pos >= len(args) else args[pos]
        if not isinstance(x, ember.Tensor):
            return
        if x.dim() != len(shape):
            raise AssertionError(f"Guard failed: {name}.dim() == {len(shape)}")
        for i, n in enumerate(shape):
            d = dyn.get(i)
            if d is None:
                if x.shape[i] != n:
                    raise AssertionError(f"Guard failed: {name}.size()[{i}] == {n}")
            elif isinstance(d, Dim):
                if x.shape[i] < d.min:
                    raise AssertionError(f"Guard failed: {name}.size()[{i}] >= {d.min}")
                if x.shape[i] > d.max:
                    raise AssertionError(f"Guard failed: {name}.size()[{i}] <= {d.max}")
    return check


def export(mod, args, kwargs=None, *, dynamic_shapes=None, strict=False, preserve_module_call_signature=()):
    """Trace ``mod`` on ``args``/``kwargs`` into an :class:`ExportedProgram` (``torch.export.export``).

    >>> ep = ember.export.export(ember.nn.Linear(3, 2), (ember.randn(4, 3),),
    ...                          dynamic_shapes={"input": {0: ember.export.Dim("batch")}})
    >>> tuple(ep.module()(ember.randn(7, 3)).shape)
    (7, 2)
    """
    import ember
    from ..fx import _concrete
    from ..nn.modules.module import Module
    if not isinstance(mod, Module):
        raise ValueError(f"Expected `mod` to be an instance of `torch.nn.Module`, got {type(mod)}.")
    if not isinstance(args, tuple):
        raise UserError(f"Expecting `args` to be a tuple of example positional inputs, got {type(args)}")
    kwargs = dict(kwargs or {})
    params = list(inspect.signature(type(mod).forward).parameters.values())[1:]
    bound = inspect.Signature(params).bind(*args, **kwargs)
    names = list(bound.arguments)
    dyn = _dynamic_spec(dynamic_shapes, names, args, kwargs)
    gm = _concrete.trace(mod, args, kwargs, warn=False)
    info = gm.meta["concrete_trace"]
    if info.data_dependent:
        d = info.data_dependent[0]
        raise GuardOnDataDependentSymNode(
            f"Could not guard on data-dependent expression {d.kind}({d.node.name}) = {d.value!r} at {d.where}: "
            "the program's control flow depends on a tensor's values, which an exported graph cannot "
            "represent (use ember.cond or compute the branch with tensor ops)")
    guards, ranges = [], {}
    for pos, (name, val) in enumerate(bound.arguments.items()):
        if isinstance(val, ember.Tensor):
            p = params[pos] if pos < len(params) else None
            positional = p is not None and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            guards.append(_make_guard(name, pos if positional else None, tuple(val.shape), dyn.get(name, {})))
            for i, d in dyn.get(name, {}).items():
                if i >= val.dim():
                    raise UserError(f"dynamic_shapes[{name!r}] names dimension {i} but the input has {val.dim()}")
                if isinstance(d, Dim):
                    ranges[d.__name__] = (d.min, d.max)
                elif isinstance(d, _DimHint):
                    ranges[f"{name}.size()[{i}]"] = (0, float("inf"))
    return ExportedProgram(gm, mod, (args, kwargs), ranges, guards)


def save(ep, f, *, extra_files=None, opset_version=None, pickle_protocol=2):
    """Not built: ember has no ``.pt2`` archive format for exported programs (NotImplementedError).

    >>> ember.export.save(None, "model.pt2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    NotImplementedError: ember.export.save is not built: ...
    """
    raise NotImplementedError("ember.export.save is not built: ember has no .pt2 archive format for an "
                              "ExportedProgram yet; save ep.state_dict with ember.save and export again")


def load(f, *, extra_files=None, expected_opset_version=None):
    """Not built: ember cannot read ``.pt2`` archives (NotImplementedError).

    >>> ember.export.load("model.pt2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    NotImplementedError: ember.export.load is not built: ...
    """
    raise NotImplementedError("ember.export.load is not built: ember cannot read .pt2 archives (their graphs "
                              "are ATen programs); load a state_dict into the eager module instead")


def unflatten(module, flat_args_adapter=None):
    """Not built: ember's exported graphs keep no module hierarchy to restore (NotImplementedError).

    >>> ember.export.unflatten(None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    NotImplementedError: ember.export.unflatten is not built: ...
    """
    raise NotImplementedError("ember.export.unflatten is not built: ember's ExportedProgram keeps no "
                              "module call graph; use ExportedProgram.module()")


def draft_export(mod, args, kwargs=None, *, dynamic_shapes=None, preserve_module_call_signature=(),
                 strict=False, pre_dispatch=False):
    """Like :func:`export` (ember has no separate draft mode: problems raise as they do there).

    >>> ember.export.draft_export(ember.nn.ReLU(), (ember.ones(1),)).graph_signature.user_inputs
    ('input',)
    """
    return export(mod, args, kwargs, dynamic_shapes=dynamic_shapes, strict=strict)


def register_dataclass(cls, *, serialized_type_name=None):
    """Accept a dataclass as an input/output type (ember's tracer handles any Python object).

    >>> import dataclasses
    >>> @dataclasses.dataclass
    ... class P:
    ...     x: int
    >>> ember.export.register_dataclass(P)
    """
    return None


def default_decompositions():
    """The decomposition table: empty in ember (its graphs call ember functions, not ATen ops).

    >>> ember.export.default_decompositions()
    {}
    """
    return {}
