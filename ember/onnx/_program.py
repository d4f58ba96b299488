"""``torch.onnx.ONNXProgram``: an exported model, which can be saved and run with onnxruntime.

>>> ember.onnx.ONNXProgram.__name__
'ONNXProgram'
"""
__all__ = ["ONNXProgram"]


class ONNXProgram:
    """The result of :func:`ember.onnx.export`: ``model_proto`` (an ``onnx.ModelProto``),
    ``save(destination)`` and calling it on tensors (runs onnxruntime).

    >>> prog = ember.onnx.export(ember.nn.Tanh(), (ember.zeros(1, 2),))  # doctest: +SKIP
    >>> len(prog.model_proto.graph.output)  # doctest: +SKIP
    1
    """

    def __init__(self, model_proto):
        self.model_proto = model_proto
        self._session = None

    def _serialized(self):
        return self.model_proto.SerializeToString()

    def __repr__(self):
        g = self.model_proto.graph
        return (f"ONNXProgram(inputs={[i.name for i in g.input]}, outputs={[o.name for o in g.output]}, "
                f"nodes={len(g.node)})")

    def save(self, destination, *, include_initializers=True, keep_initializers_as_inputs=False,
             external_data=None):
        """Write the model to ``destination`` (a path, atomically, or a binary file object)."""
        from ._export import _write
        _write(self._serialized(), destination)

    def _run(self, feeds):
        if self._session is None:
            import onnxruntime as ort
            self._session = ort.InferenceSession(self._serialized(),
                                                 providers=["CPUExecutionProvider"])
        return self._session.run(None, feeds)

    def __call__(self, *args, **kwargs):
        """Run the model in onnxruntime on tensors; returns a list of ember tensors."""
        from .. import from_numpy
        from .._backend import np
        vals = list(args) + list(kwargs.values())
        names = [i.name for i in self._session_inputs()]
        feeds = {n: np.asarray(v.detach().numpy()) for n, v in zip(names, vals)}
        return [from_numpy(np.asarray(o)) for o in self._run(feeds)]

    def _session_inputs(self):
        init = {t.name for t in self.model_proto.graph.initializer}
        return [i for i in self.model_proto.graph.input if i.name not in init]

    def verify(self, model, args, kwargs=None, rtol=1e-4, atol=1e-5):
        """Compare onnxruntime's outputs with ``model(*args)``; raise OnnxExporterError on a mismatch."""
        from .._backend import np
        from ..autograd.grad_mode import no_grad
        from ._graph import flatten_values, is_tensor
        from .errors import OnnxExporterError
        with no_grad():
            ref = [t for t in flatten_values(model(*args, **(kwargs or {}))) if is_tensor(t)]
        got = self(*[a for a in args if is_tensor(a)])
        for i, (r, g) in enumerate(zip(ref, got)):
            if not np.allclose(r.numpy(), g.numpy(), rtol=rtol, atol=atol, equal_nan=True):
                raise OnnxExporterError(f"torch.onnx.export(verify=True): output {i} differs from the model's "
                                        f"by up to {float(np.abs(r.numpy() - g.numpy()).max())}")
