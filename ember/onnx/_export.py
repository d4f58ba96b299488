"""``torch.onnx.export``: capture a model with ``ember.fx`` on example inputs and write ONNX.

>>> import io
>>> buf = io.BytesIO()
>>> ember.onnx.export(ember.nn.Linear(3, 2), (ember.ones(1, 3),), buf, dynamo=False)
>>> buf.getvalue()[:2] != b""
True
"""
import contextlib
import os
import tempfile
import warnings

from ._builder import GraphBuilder, Value
from ._export_mode import exporting, training_mode
from ._graph import convert_nodes, flatten_values, is_tensor
from ._program import ONNXProgram
from ._registry import lookup_module
from .errors import OnnxExporterError, OnnxExporterWarning

__all__ = ["export", "DEFAULT_OPSET", "MIN_OPSET"]

DEFAULT_OPSET = 18
MIN_OPSET = 13
def _capture(model, args, kwargs):
    """The fx graph of ``model`` run on ``args``: layers ONNX knows as a whole (Conv, LSTM,
    MultiheadAttention, ...) stay single calls, everything else is traced through."""
    from ..fx import _concrete
    leaf = (lambda m, qualname: lookup_module(m) is not None)
    return _concrete.trace(model, tuple(args), dict(kwargs or {}), leaf_modules=leaf)


def _dynamic_axes(dynamic_axes, dynamic_shapes, names):
    """``{name: {axis: symbol}}`` from ``dynamic_axes`` (dict or list of axes per name), or
    from ``dynamic_shapes`` keyed by input name."""
    out = {}
    for name, axes in (dynamic_axes or {}).items():
        if isinstance(axes, dict):
            out[name] = {int(k): str(v) for k, v in axes.items()}
        else:
            out[name] = {int(a): f"{name}_dynamic_axes_{i + 1}" for i, a in enumerate(axes)}
    if dynamic_shapes and not dynamic_axes:
        items = dynamic_shapes.items() if isinstance(dynamic_shapes, dict) else zip(names, dynamic_shapes)
        for name, spec in items:
            if isinstance(spec, dict):
                out[name] = {int(k): (v if isinstance(v, str) else getattr(v, "__name__", f"{name}_dim_{k}"))
                             for k, v in spec.items()}
    return out


def _write(data, f):
    if hasattr(f, "write"):
        f.write(data)
        return
    path = os.fspath(f)
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".onnx-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _placeholder_values(b, gm, args, kwargs, input_names, axes):
    """The Value (graph input) or Python value of each placeholder, in order."""
    args, kwargs = list(args), dict(kwargs or {})
    names = list(input_names or [])
    values, k = [], 0
    for node in gm.graph.nodes:
        if node.op != "placeholder":
            continue
        if args:
            ex = args.pop(0)
        elif node.target in kwargs:
            ex = kwargs.pop(node.target)
        else:
            ex = node.args[0] if node.args else None
        v, k = _input_value(b, ex, node.target.lstrip("*"), names, k, axes)
        values.append(v)
    return values


def _input_value(b, ex, name, names, k, axes):
    """A graph input for tensor ``ex``; the tensors in a tuple/list argument (an RNN's hidden state)
    each become one, named ``{name}_{i}`` as torch.export names them. Returns (value, next k)."""
    if is_tensor(ex):
        name = names[k] if k < len(names) else name
        return b.add_input(name, ex.detach(), axes.get(name, {})), k + 1
    if isinstance(ex, (tuple, list)) and any(is_tensor(e) or isinstance(e, (tuple, list)) for e in ex):
        out = []
        for i, e in enumerate(ex):
            v, k = _input_value(b, e, f"{name}_{i}", names, k, axes)
            out.append(v)
        return type(ex)(out), k
    return ex, k


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None, output_names=None,
           opset_version=None, dynamo=True, external_data=True, dynamic_shapes=None, custom_translation_table=None,
           report=False, optimize=True, verify=False, profile=False, dump_exported_program=False,
           artifacts_dir=".", export_params=True, keep_initializers_as_inputs=False, dynamic_axes=None,
           training=None, operator_export_type=None, do_constant_folding=True, custom_opsets=None,
           export_modules_as_functions=False, autograd_inlining=True):
    """Export ``model`` run on ``args`` to ONNX, written to ``f`` (a path, written atomically,
    or a binary file object).

    ember captures the model with its own tracer (``ember.fx``) whatever ``dynamo`` says; with
    ``dynamo=True`` (the default, as in PyTorch 2.13) it returns an :class:`ONNXProgram`, with
    ``dynamo=False`` None. ``dynamic_axes`` (``{"x": {0: "batch"}}`` or ``{"x": [0]}``) makes those
    axes symbolic. An operator with no ONNX converter raises
    :class:`~ember.onnx.errors.UnsupportedOperatorError` naming it.

    >>> prog = ember.onnx.export(ember.nn.Linear(3, 2), (ember.ones(1, 3),), input_names=["x"])
    >>> [i.name for i in prog.model_proto.graph.input]
    ['x']
    """
    try:
        import onnx
    except ImportError as e:
        raise ImportError("torch.onnx.export needs the onnx package: pip install onnx "
                          "(or ember's extra: pip install 'ember[onnx]')") from e
    from . import TrainingMode, OperatorExportTypes
    from ..nn import Module
    if type(model).__name__ == "ExportedProgram" and hasattr(model, "module"):
        model = model.module()
    if not isinstance(model, Module):
        raise TypeError(f"torch.onnx.export expects an nn.Module, but got {type(model).__name__}")
    if operator_export_type not in (None, OperatorExportTypes.ONNX):
        raise NotImplementedError(f"torch.onnx.export(operator_export_type={operator_export_type!r}): ember "
                                  "writes standard ONNX operators only")
    if export_modules_as_functions:
        raise NotImplementedError("torch.onnx.export(export_modules_as_functions=...): ember does not "
                                  "export modules as ONNX functions")
    if custom_translation_table:
        raise NotImplementedError("torch.onnx.export(custom_translation_table=...) is not built in ember")
    opset = DEFAULT_OPSET if opset_version is None else int(opset_version)
    max_opset = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= opset <= max_opset:
        raise ValueError(f"Unsupported ONNX opset version: {opset}; ember exports opsets "
                         f"{MIN_OPSET} to {max_opset}")
    if is_tensor(args):
        args = (args,)
    args = tuple(args)
    if kwargs is None and args and isinstance(args[-1], dict):
        args, kwargs = args[:-1], args[-1]
    training = TrainingMode.EVAL if training is None else training
    from ..autograd.grad_mode import no_grad
    with exporting(), training_mode(model, training), no_grad():
        gm = _capture(model, args, kwargs)
        ph = [n.target for n in gm.graph.nodes if n.op == "placeholder"]
        axes = _dynamic_axes(dynamic_axes, dynamic_shapes, list(input_names or ph))
        b = GraphBuilder(opset, export_params)
        inputs = _placeholder_values(b, gm, args, kwargs, input_names, axes)
        result = convert_nodes(b, gm.graph.nodes, gm, inputs, fold=do_constant_folding, verbose=bool(verbose))
        outs = [v for v in flatten_values(result) if isinstance(v, Value)]
        if not outs:
            raise OnnxExporterError("torch.onnx.export: the model returns no tensor")
        names = list(output_names or [])
        default = ["output"] if len(outs) == 1 else [f"output_{i}" for i in range(len(outs))]
        for i, v in enumerate(outs):
            name = names[i] if i < len(names) else default[i]
            b.add_output(v, name, axes.get(name, {}))
        known = {i.name for i in b.inputs} | {o.name for o in b.outputs}
        for name in axes:
            if name not in known:
                warnings.warn(f"Provided key {name} for dynamic axes is not a valid input/output name",
                              OnnxExporterWarning, stacklevel=2)
    model_proto = _make_model(b, opset, keep_initializers_as_inputs)
    _infer_output_shapes(model_proto, b)
    data = model_proto.SerializeToString()
    if len(data) > onnx.checker.MAXIMUM_PROTOBUF:
        raise OnnxExporterError("torch.onnx.export: the model is larger than 2 GiB, which ember cannot write "
                                "as one ONNX file (external data is not built)")
    onnx.checker.check_model(data)
    program = ONNXProgram(model_proto)
    if f is not None:
        _write(data, f)
    if verify:
        program.verify(model, args, kwargs)
    if verbose:
        print(onnx.helper.printable_graph(model_proto.graph))
    return program if dynamo else None


def _infer_output_shapes(model, b):
    """Output shapes as ONNX shape inference derives them from the inputs (a batch axis that is
    symbolic on the input stays symbolic on the output); the traced shape, with the names
    ``dynamic_axes`` gives, where inference finds none."""
    from onnx import helper
    found = b.infer_shapes()
    for out in model.graph.output:
        shape = list(b.output_shapes.get(out.name, []))
        got = found.get(out.name)
        if got is not None and len(got) == len(shape):
            shape = [s if isinstance(s, str) else g for s, g in zip(shape, got)]
        out.CopyFrom(helper.make_tensor_value_info(out.name, out.type.tensor_type.elem_type, shape))


def _make_model(b, opset, keep_initializers_as_inputs):
    from onnx import helper
    from . import producer_name, producer_version
    inputs = list(b.inputs)
    inits = list(b.initializers)
    params = {v._name for _, v in b._params.values() if v._name is not None}
    if not b.export_params:
        kept = []
        for t in inits:
            if t.name in params:
                inputs.append(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)))
            else:
                kept.append(t)
        inits = kept
    elif keep_initializers_as_inputs:
        inputs += [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in inits]
    graph = helper.make_graph(b.nodes, "main_graph", inputs, b.outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name=producer_name, producer_version=producer_version)
    model.ir_version = 8 if opset <= 17 else (9 if opset <= 20 else 10)
    return model
