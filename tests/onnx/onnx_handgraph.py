"""Build small fx-style graphs by hand (nodes with op/target/args/kwargs), convert them with the
ONNX exporter's walker and run the result in onnxruntime: the converters' tests, independent
of the tracer."""
import itertools

import numpy as np

import ember
from ember.onnx._builder import GraphBuilder
from ember.onnx._export import _make_model, _infer_output_shapes
from ember.onnx._graph import convert_nodes, flatten_values
from ember.onnx._builder import Value

_ids = itertools.count()


class Node:
    """A stand-in for ``ember.fx.Node``: what the walker reads."""

    def __init__(self, op, target, args=(), kwargs=None, name=None):
        self.op, self.target, self.args, self.kwargs = op, target, tuple(args), dict(kwargs or {})
        self.name = name or f"n{next(_ids)}"

    def __repr__(self):
        return self.name


class G:
    """Append nodes in order: ``g.fn(ember.add, x, y)``, ``g.meth("view", x, 2, 3)``, ``g.mod("fc", x)``."""

    def __init__(self):
        self.nodes = []

    def _add(self, *a, **k):
        n = Node(*a, **k)
        self.nodes.append(n)
        return n

    def input(self, name):
        return self._add("placeholder", name, name=name)

    def fn(self, target, *args, **kwargs):
        return self._add("call_function", target, args, kwargs)

    def meth(self, name, *args, **kwargs):
        return self._add("call_method", name, args, kwargs)

    def mod(self, qualname, *args, **kwargs):
        return self._add("call_module", qualname, args, kwargs)

    def attr(self, qualname):
        return self._add("get_attr", qualname)

    def output(self, value):
        self._add("output", "output", (value,))


def export_graph(g, inputs, root=None, opset=18, dynamic=None, fold=True):
    """Convert ``g`` with example ``inputs`` (ember tensors, one per placeholder); returns
    (onnx ModelProto, ember reference outputs from running the nodes)."""
    import onnx
    b = GraphBuilder(opset)
    names = [n.target for n in g.nodes if n.op == "placeholder"]
    vals = [b.add_input(nm, x, (dynamic or {}).get(nm, {})) if isinstance(x, ember.Tensor) else x
            for nm, x in zip(names, inputs)]
    out = convert_nodes(b, g.nodes, root if root is not None else ember.nn.Module(), vals, fold=fold)
    leaves = [v for v in flatten_values(out) if isinstance(v, Value)]
    for i, v in enumerate(leaves):
        b.add_output(v, f"out{i}", {})
    model = _make_model(b, opset, False)
    _infer_output_shapes(model, b)
    onnx.checker.check_model(model, full_check=True)
    return model, [v.example for v in leaves]


def run_ort(model, inputs):
    import onnxruntime as ort
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {i.name: x.numpy() for i, x in zip(sess.get_inputs(), [x for x in inputs if isinstance(x, ember.Tensor)])}
    return sess.run(None, feeds)


def check(g, inputs, root=None, rtol=1e-5, atol=1e-5, **kw):
    """Export, run in onnxruntime, compare with ember's own outputs; returns the model."""
    model, ref = export_graph(g, inputs, root, **kw)
    got = run_ort(model, inputs)
    assert len(got) == len(ref)
    for r, o in zip(ref, got):
        r = np.asarray(r.numpy() if hasattr(r, "numpy") else r)
        assert r.shape == o.shape, (r.shape, o.shape)
        assert r.dtype == o.dtype, (r.dtype, o.dtype)
        np.testing.assert_allclose(o, r, rtol=rtol, atol=atol)
    return model
