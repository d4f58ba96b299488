"""A model's graph for TensorBoard's Graphs tab: ``SummaryWriter.add_graph``.

The model is traced in eval mode (``ember.jit.trace``, as PyTorch does), each recorded call is
run once more to learn its output shape, and the calls become ``NodeDef`` s of a ``GraphDef``
named as PyTorch names them: inputs ``input/<arg>``, the result ``output/output.1``, parameters
``<scope>/<attr>/<node>`` (``prim::GetAttr``) and ops ``<scope>/<node>`` (``aten::<op>``), where a
scope reads ``Net/Sequential[features]/Conv2d[0]`` so that TensorBoard folds each submodule.

>>> from ember.utils.tensorboard.graph_def import model_graph
>>> gd, _ = model_graph(ember.nn.Sequential(ember.nn.Linear(3, 2)), ember.ones(1, 3))
>>> [(n.name, n.op) for n in gd.node][:2]
[('input/input', 'IO Node'), ('output/output.1', 'IO Node')]
"""
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef

__all__ = ["model_graph", "onnx_graph"]


def _shapes_attr(meta):
    """``_output_shapes``: the shape of each tensor a node produced."""
    metas = meta if isinstance(meta, (list, tuple)) and not hasattr(meta, "shape") else [meta]
    shapes = [TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in m.shape])
              for m in metas if hasattr(m, "shape")]
    return AttrValue(list=AttrValue.ListValue(shape=shapes))


def _scopes(model):
    """Module path -> TensorBoard scope (``layer1.0`` -> ``Net/Sequential[layer1]/BasicBlock[0]``)."""
    root = type(model).__name__
    scopes = {"": root}
    for path, mod in model.named_modules():
        if path:
            parent, _, name = path.rpartition(".")
            scopes[path] = f"{scopes[parent]}/{type(mod).__name__}[{name}]"
    return scopes


def _op_name(node):
    t = node.target
    if node.op == "call_module":
        return f"prim::PythonOp[{t}]"
    name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    return "aten::" + name.strip("_") if name.startswith("__") else "aten::" + name


def _describe(args):
    """The constant arguments of a call, as the node's ``attr`` string."""
    from ...fx.node import Node
    consts = [repr(a) for a in args if not isinstance(a, Node)]
    return "{" + ", ".join(consts) + "}" if consts else "{}"


def model_graph(model, args=None, verbose=False, use_strict_trace=True):
    """``(GraphDef, RunMetadata)`` of ``model`` called on ``args`` (a Tensor or a tuple of them).

    >>> from ember.utils.tensorboard.graph_def import model_graph
    >>> gd, rm = model_graph(ember.nn.Linear(2, 2), ember.ones(1, 2))
    >>> sorted(n.op for n in gd.node)
    ['IO Node', 'IO Node', 'aten::linear', 'prim::GetAttr', 'prim::GetAttr']
    """
    from ...fx.node import Node
    from ...fx.passes.shape_prop import ShapeProp
    from ...jit._trace import _as_tuple, _capture
    args = () if args is None else _as_tuple(args)
    was_training = model.training
    model.train(False)
    try:
        _, gm, _ = _capture(model, args, {}, use_strict_trace)
        ShapeProp(gm).propagate(*args)
    finally:
        model.train(was_training)
    if verbose:
        print(gm.graph)
    scopes = _scopes(model)
    root = scopes[""]
    names, nodes = {}, []
    for n in gm.graph.nodes:
        meta = n.meta.get("tensor_meta")
        if n.op == "placeholder":
            names[n] = f"input/{n.target}"
            nodes.append(NodeDef(name=names[n], op="IO Node", attr={
                "attr": AttrValue(s=b""), "_output_shapes": _shapes_attr(meta)}))
        elif n.op == "get_attr":
            owner, _, attr = n.target.rpartition(".")
            names[n] = f"{scopes.get(owner, root)}/{attr}/{n.name}"
            nodes.append(NodeDef(name=names[n], op="prim::GetAttr",
                                 attr={"attr": AttrValue(s=f"{{ name :  {attr} }}".encode())}))
        elif n.op == "output":
            outs = n.args[0] if isinstance(n.args[0], (list, tuple)) else (n.args[0],)
            for i, o in enumerate(x for x in outs if isinstance(x, Node)):
                nodes.append(NodeDef(name=f"output/output.{i + 1}", op="IO Node", input=[names[o]],
                                     attr={"attr": AttrValue(s=b""),
                                           "_output_shapes": _shapes_attr(o.meta.get("tensor_meta"))}))
        else:
            inputs = [a for a in n.all_input_nodes]
            owners = [a.target.rpartition(".")[0] for a in inputs if a.op == "get_attr"]
            if n.op == "call_module":
                owners = [n.target]
            scope = scopes.get(owners[0], root) if owners else root
            names[n] = f"{scope}/{n.name}"
            attr = {"attr": AttrValue(s=_describe(n.args).encode())}
            if meta is not None:
                attr["_output_shapes"] = _shapes_attr(meta)
            nodes.append(NodeDef(name=names[n], op=_op_name(n), input=[names[a] for a in inputs],
                                 attr=attr))
    # IO nodes first, as PyTorch lists them
    nodes.sort(key=lambda d: d.op != "IO Node")
    stats = RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device="/device:CPU:0")]))
    return GraphDef(node=nodes, versions=VersionDef(producer=22)), stats


def onnx_graph(path):
    """The ``GraphDef`` of an ONNX file (needs the ``onnx`` package): its inputs and outputs as
    ``Variable`` nodes, then one node per ONNX operator named after its first output.

    >>> import tempfile, os
    >>> from ember.utils.tensorboard.graph_def import onnx_graph
    >>> f = os.path.join(tempfile.mkdtemp(), "m.onnx")
    >>> _ = ember.onnx.export(ember.nn.Linear(2, 2), (ember.ones(1, 2),), f)
    >>> "Gemm" in {n.op for n in onnx_graph(f).node}
    True
    """
    import onnx
    g = onnx.load(path).graph
    nodes = []
    for v in list(g.input) + list(g.output):
        shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d.dim_value)
                                      for d in v.type.tensor_type.shape.dim])
        nodes.append(NodeDef(name=v.name, op="Variable", attr={
            "dtype": AttrValue(type=v.type.tensor_type.elem_type), "shape": AttrValue(shape=shape)}))
    for op in g.node:
        params = ", ".join(" = ".join(str(f[1]) for f in a.ListFields()) for a in op.attribute)
        nodes.append(NodeDef(name=op.output[0], op=op.op_type, input=list(op.input),
                             attr={"parameters": AttrValue(s=params.encode())}))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
