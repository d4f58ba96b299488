"""The ONNX graph under construction: nodes, initializers, constants, and the opset-aware
helpers the converters share (reductions, squeeze/unsqueeze, casts, shape tensors).

A traced value is a :class:`Value`: the ONNX name it has in the graph (made on first use for
a weight that may be folded away) and the example it held when the model ran, which gives
every converter the ranks, shapes and dtypes it needs.

>>> from ember.onnx._builder import GraphBuilder
>>> b = GraphBuilder(18)
>>> x = b.add_input("x", ember.ones(2, 3), {})
>>> b.name(b.op("Relu", [x]))
'Relu_0_output_0'
"""
import onnx  # noqa: F401 - the exporter writes with the onnx package (an optional extra)

from .._backend import np
from .errors import SymbolicValueError

__all__ = ["Value", "GraphBuilder", "example_array", "onnx_dtype"]


class Value:
    """A value in the exported graph: its example (an ember Tensor, a Python number or a
    shape tuple) and its ONNX name, made lazily for folded constants.

    >>> ember.onnx._builder.Value(ember.ones(2), "x").rank
    1
    """
    __slots__ = ("_name", "example", "const", "param_name", "_dtype")

    def __init__(self, example, name=None, const=False, param_name=None, dtype=None):
        self._name, self.example, self.const = name, example, const
        self.param_name, self._dtype = param_name, dtype

    @property
    def rank(self):
        ex = self.example
        if isinstance(ex, (tuple, list)):
            return 1
        return len(ex.shape) if hasattr(ex, "shape") else 0

    @property
    def shape(self):
        ex = self.example
        if isinstance(ex, (tuple, list)):
            return (len(ex),)
        return tuple(ex.shape) if hasattr(ex, "shape") else ()

    @property
    def np_dtype(self):
        if self.example is None:
            if self._dtype is None:
                raise AssertionError(f"ONNX export: the dtype of intermediate value {self._name} is unknown")
            return self._dtype
        return example_array(self.example).dtype

    def __repr__(self):
        return f"Value({self._name!r}, shape={self.shape})"


def example_array(ex):
    """A NumPy array for an example value (Tensor, Python number, shape tuple).

    >>> ember.onnx._builder.example_array(3).dtype
    dtype('int64')
    """
    if hasattr(ex, "_data"):
        return np.asarray(ex.detach()._data if hasattr(ex, "detach") else ex._data)
    if isinstance(ex, bool):
        return np.asarray(ex)
    if isinstance(ex, int) or (isinstance(ex, (tuple, list)) and all(isinstance(i, int) for i in ex)):
        return np.asarray(ex, dtype=np.int64)
    if isinstance(ex, float):
        return np.asarray(ex, dtype=np.float32)
    return np.asarray(ex)


def onnx_dtype(np_dtype):
    """The ONNX TensorProto element type of a NumPy dtype.

    >>> ember.onnx._builder.onnx_dtype(np.dtype("float32"))
    1
    """
    from onnx import helper
    np_dtype = np.dtype(np_dtype)
    if np_dtype.name == "bfloat16":
        from onnx import TensorProto
        return TensorProto.BFLOAT16
    return helper.np_dtype_to_tensor_dtype(np_dtype)


class GraphBuilder:
    """Collects ONNX nodes, initializers, inputs and outputs for one export.

    >>> b = ember.onnx._builder.GraphBuilder(18)
    >>> b.name(b.const(np.zeros(2, np.float32)))
    'const_0'
    """

    def __init__(self, opset, export_params=True):
        self.opset = opset
        self.export_params = export_params
        self.nodes, self.initializers, self.inputs, self.outputs = [], [], [], []
        self.output_shapes = {}  # output name -> traced shape (symbolic names for dynamic axes)
        self._counts = {}
        self._used = set()
        self._params = {}        # id(tensor) -> (tensor, Value): one initializer per weight
        self.dynamic = False     # whether any graph input has a symbolic axis
        self._shape_cache = (-1, {})
        self.out = None          # the example output of the node being converted
        self.scope = ""          # the module path of the node being converted (names nodes)

    # ----- names
    def fresh(self, prefix):
        """A graph-unique name starting with ``prefix``."""
        prefix = prefix.replace(".", "_") or "v"
        n = self._counts.get(prefix, 0)
        while True:
            cand = f"{prefix}_{n}"
            n += 1
            if cand not in self._used:
                break
        self._counts[prefix] = n
        self._used.add(cand)
        return cand

    def reserve(self, name):
        """``name`` itself when unused, else a fresh variant of it."""
        if name not in self._used:
            self._used.add(name)
            return name
        return self.fresh(name)

    def name(self, v):
        """The ONNX name of a :class:`Value`, making its initializer on first use."""
        if v._name is None:
            arr = example_array(v.example)
            v._name = self._initializer(arr, v.param_name or "const")
        return v._name

    def param(self, t, local):
        """The Value of a weight or buffer ``t`` (named ``<module path>.<local>``; shared when
        a tensor is reached twice, as tied weights are)."""
        hit = self._params.get(id(t))
        if hit is not None:
            return hit[1]
        v = Value(t, const=True, param_name=f"{self.scope}.{local}" if self.scope else local)
        self._params[id(t)] = (t, v)
        return v

    def _initializer(self, arr, base):
        from onnx import numpy_helper
        nm = self.reserve(base) if base != "const" else self.fresh("const")
        arr = np.array(arr, copy=None, order="C")
        self.initializers.append(numpy_helper.from_array(arr, nm))
        return nm

    # ----- values and nodes
    def value(self, name, example):
        """Wrap an ONNX name produced by a node as a Value with ``example``."""
        return Value(example, name)

    def add_input(self, name, example, dims):
        """Declare a graph input; ``dims`` maps axis -> symbolic name."""
        from onnx import helper
        arr = example_array(example)
        shape = [dims.get(i, d) for i, d in enumerate(arr.shape)]
        self.dynamic = self.dynamic or any(isinstance(d, str) for d in shape)
        nm = self.reserve(name)
        self.inputs.append(helper.make_tensor_value_info(nm, onnx_dtype(arr.dtype), shape))
        return Value(example, nm)

    def add_output(self, v, name, dims):
        """Declare ``v`` a graph output called ``name`` (an Identity renames it when needed)."""
        from onnx import helper
        src = self.name(v)
        taken = {o.name for o in self.outputs}
        if src != name and name not in self._used and src not in taken and self._rename(src, name):
            src = v._name = name
        if src != name or name in taken or \
                any(i.name == src for i in self.inputs) or any(t.name == src for t in self.initializers):
            name = self.reserve(name) if name != src else self.fresh(name)
            self.nodes.append(helper.make_node("Identity", [src], [name], name=self.fresh("Identity")))
        arr = example_array(v.example)
        self.output_shapes[name] = [dims.get(i, d) for i, d in enumerate(arr.shape)]
        self.outputs.append(helper.make_tensor_value_info(name, onnx_dtype(arr.dtype), None))
        return name

    def _rename(self, old, new):
        """Rename a node output everywhere (an output takes its user-given name without an Identity)."""
        if not any(old in n.output for n in self.nodes):
            return False
        for n in self.nodes:
            for seq in (n.output, n.input):
                for i, x in enumerate(seq):
                    if x == old:
                        seq[i] = new
        self._used.add(new)
        return True

    def op(self, op_type, inputs, n_out=1, example=None, **attrs):
        """Append one node; ``inputs`` are Values, names or ``None`` (an omitted optional
        input). Returns a Value (or a list of ``n_out`` Values)."""
        from onnx import helper
        names = []
        for x in inputs:
            if x is None:
                names.append("")
            elif isinstance(x, Value):
                names.append(self.name(x))
            else:
                names.append(x)
        while names and names[-1] == "":
            names.pop()
        base = (self.scope + "/" if self.scope else "") + op_type
        node_name = self.fresh(base.replace("/", "_"))
        outs = [self.reserve(f"{node_name}_output_{i}") for i in range(n_out)]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, names, outs, name=node_name, **attrs))
        dt = None if example is not None else self._result_dtype(op_type, inputs, attrs)
        vals = [Value(example, o, dtype=dt) for o in outs]
        return vals[0] if n_out == 1 else vals

    _BOOL_OPS = {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
                 "IsNaN", "IsInf"}
    _INT_OPS = {"Shape", "ArgMax", "ArgMin", "Size", "NonZero"}

    def _result_dtype(self, op_type, inputs, attrs):
        """The dtype of a node's (first) output, for values a converter builds on."""
        if op_type in self._BOOL_OPS:
            return np.dtype(np.bool_)
        if op_type in self._INT_OPS:
            return np.dtype(np.int64)
        if op_type == "Cast":
            from onnx import helper
            return np.dtype(helper.tensor_dtype_to_np_dtype(attrs["to"]))
        cands = inputs[1:] if op_type == "Where" else inputs
        for x in cands:
            if isinstance(x, Value):
                try:
                    return x.np_dtype
                except AssertionError:
                    return None
        return None

    def const(self, arr, dtype=None):
        """A constant tensor (an initializer) from a NumPy array or Python value."""
        arr = np.asarray(arr, dtype=dtype)
        v = Value(arr, const=True)
        self.name(v)
        return v

    def ints(self, values):
        """A 1-D int64 constant."""
        return self.const(np.asarray(list(values), dtype=np.int64).reshape(-1))

    def scalar_like(self, x, ref):
        """A Python number ``x`` as a 0-d constant of ``ref``'s dtype (a Value passes through)."""
        if isinstance(x, Value):
            return x
        return self.const(np.asarray(x, dtype=ref.np_dtype if isinstance(ref, Value) else ref))

    def cast(self, v, np_dtype):
        """``v`` cast to ``np_dtype`` (no node when it already has it)."""
        np_dtype = np.dtype(np_dtype)
        if isinstance(v, Value) and v.np_dtype == np_dtype:
            return v
        if not isinstance(v, Value):
            return self.const(np.asarray(v, dtype=np_dtype))
        if v.const and v._name is None:
            return Value(example_array(v.example).astype(np_dtype), const=True)
        return self.op("Cast", [v], to=onnx_dtype(np_dtype))

    def fold(self, v, op_type, fn, **attrs):
        """``op_type`` on ``v``, computed now by ``fn`` on the array when ``v`` is a constant."""
        if v.const:
            return Value(np.array(fn(example_array(v.example)), order="C"), const=True, param_name=v.param_name)
        return self.op(op_type, [v], **attrs)

    def static_dims(self, v):
        """Per axis of ``v``: its size when it cannot change with the dynamic input axes, else
        None (found by ONNX shape inference with data propagation over the graph so far)."""
        if not self.dynamic:
            return list(v.shape)
        name = self.name(v)
        n, known = self._shape_cache
        if n != len(self.nodes):
            known = self._infer_shapes()
            self._shape_cache = (len(self.nodes), known)
        dims = known.get(name)
        if dims is None or len(dims) != v.rank:
            return [None] * v.rank
        return [d if isinstance(d, int) else None for d in dims]

    def infer_shapes(self):
        """Per value name, its dims as ONNX shape inference finds them (an int, a symbolic
        name, or None), computed without copying the large weights."""
        return self._infer_shapes()

    def _infer_shapes(self):
        import onnx
        from onnx import helper
        small = [t for t in self.initializers if int(np.prod(t.dims)) <= 64]
        big = [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
               for t in self.initializers if int(np.prod(t.dims)) > 64]
        graph = helper.make_graph(self.nodes, "partial", self.inputs + big, [], initializer=small)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = 8
        try:
            inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
        except Exception:  # noqa: BLE001 - no inference: every size is taken as dynamic
            return {}
        known = {}
        for vi in list(inferred.graph.value_info) + list(inferred.graph.input):
            tt = vi.type.tensor_type
            if tt.HasField("shape"):
                known[vi.name] = [d.dim_value if d.HasField("dim_value") else
                                  (d.dim_param if d.HasField("dim_param") else None) for d in tt.shape.dim]
        return known

    # ----- opset-aware helpers
    def unsqueeze(self, v, axes):
        if self.opset >= 13:
            return self.op("Unsqueeze", [v, self.ints(axes)])
        return self.op("Unsqueeze", [v], axes=list(axes))

    def squeeze(self, v, axes=None):
        if axes is None:
            return self.op("Squeeze", [v])
        if self.opset >= 13:
            return self.op("Squeeze", [v, self.ints(axes)])
        return self.op("Squeeze", [v], axes=list(axes))

    def reduce(self, op_type, v, axes, keepdims):
        """ReduceSum/Mean/Max/Min/Prod/L2... over ``axes`` (None: all)."""
        axes_as_input = self.opset >= 18 or (op_type == "ReduceSum" and self.opset >= 13)
        if axes is None:
            return self.op(op_type, [v], keepdims=int(keepdims))
        axes = [int(a) for a in axes]
        if axes_as_input:
            return self.op(op_type, [v, self.ints(axes)], keepdims=int(keepdims))
        return self.op(op_type, [v], axes=axes, keepdims=int(keepdims))

    def split(self, v, sizes, axis):
        """Split along ``axis`` into pieces of ``sizes``."""
        if self.opset >= 13:
            return self.op("Split", [v, self.ints(sizes)], n_out=len(sizes), axis=axis)
        return self.op("Split", [v], n_out=len(sizes), axis=axis, split=list(sizes))

    def shape_tensor(self, dims):
        """A 1-D int64 tensor from a list of ints and 0-d/1-d int Values (a reshape target)."""
        if all(not isinstance(d, Value) for d in dims):
            return self.ints(dims)
        parts, run = [], []
        for d in dims:
            if isinstance(d, Value):
                if run:
                    parts.append(self.ints(run))
                    run = []
                d = self.cast(d, np.int64)
                parts.append(self.unsqueeze(d, [0]) if d.rank == 0 else d)
            else:
                run.append(int(d))
        if run:
            parts.append(self.ints(run))
        return parts[0] if len(parts) == 1 else self.op("Concat", parts, axis=0)

    def reject(self, what):
        """Raise the clear error for an argument value the exporter cannot express."""
        raise SymbolicValueError(f"ONNX export: {what}")
