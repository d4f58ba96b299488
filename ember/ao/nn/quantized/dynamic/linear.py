"""``torch.ao.nn.quantized.dynamic.Linear``: int8 (or float16) weights, float32 in and out.

>>> lin = ember.ao.nn.quantized.dynamic.Linear(4, 3)
>>> lin
DynamicQuantizedLinear(in_features=4, out_features=3, dtype=torch.qint8, qscheme=torch.per_tensor_affine)
>>> list(lin.state_dict())
['scale', 'zero_point', '_packed_params.dtype', '_packed_params._packed_params']
"""
from ....._backend import np
from ..... import _quantized as Q
from ....._tensor import Tensor, _wrap
from .....nn.modules.module import Module
from .linear_kernel import quantize_weight, linear_dynamic, linear_fp16, round_fp16

__all__ = ["Linear", "LinearPackedParams"]


def _f32(t):
    return None if t is None else np.ascontiguousarray(t._data if isinstance(t, Tensor) else t,
                                                       dtype=np.float32)


class LinearPackedParams(Module):
    """Holds a quantized linear layer's weight and bias (PyTorch's ``LinearPackedParams``);
    its state is ``dtype`` and ``_packed_params = (weight, bias)``.

    >>> p = ember.ao.nn.quantized.dynamic.LinearPackedParams()
    >>> p.dtype
    torch.qint8
    """

    _version = 3

    def __init__(self, dtype=None):
        super().__init__()
        self.dtype = Q.canonical(dtype, Q.qint8)
        w = Q._make_per_tensor(np.zeros((1, 1), dtype=np.int8), Q.qint8, 1.0, 0) \
            if self.dtype is Q.qint8 else _wrap(np.zeros((1, 1), dtype=np.float32))
        self.set_weight_bias(w, None)

    def set_weight_bias(self, weight, bias):  # noqa: D401
        """Store ``weight`` (a qint8 tensor, or float for float16) and ``bias`` (float or None)."""
        if self.dtype is Q.qint8:
            if not isinstance(weight, Q.QTensor) or weight.qscheme() is not Q.per_tensor_affine:
                raise NotImplementedError("ember's dynamic quantized Linear takes per-tensor qint8 "
                                          "weights (per-channel weights are not built)")
            self._w = weight
            self._wq_t = weight._data.T.astype(np.float32)
        elif getattr(self.dtype, "name", None) == "float16":
            w = round_fp16(_f32(weight))
            self._w = _wrap(w)
            self._wq_t = np.ascontiguousarray(w.T)
        else:
            raise RuntimeError("Unsupported dtype on dynamic quantized linear!")
        self._b = bias
        self._bias_f32 = _f32(bias)

    def _weight_bias(self):
        return self._w, self._b

    def forward(self, x):
        return x

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "dtype"] = self.dtype
        destination[prefix + "_packed_params"] = self._weight_bias()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        self.dtype = Q.canonical(state_dict.get(prefix + "dtype", self.dtype))
        w, b = state_dict[prefix + "_packed_params"]
        self.set_weight_bias(w, b)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys,
                                      unexpected_keys, error_msgs)

    def __repr__(self):
        return repr(self._weight_bias())


class Linear(Module):
    """A Linear layer with int8 weights whose inputs are quantized on each call (dynamic
    quantization), or with float16 weights (``dtype=ember.float16``). Built from a float
    ``nn.Linear`` by :func:`ember.ao.quantization.quantize_dynamic` or :meth:`from_float`.
    Outputs equal PyTorch's on x86 bit for bit (see ``linear_kernel``).

    >>> fl = ember.nn.Linear(4, 2)
    >>> q = ember.ao.nn.quantized.dynamic.Linear.from_float(fl)
    >>> q(ember.ones(3, 4)).shape, q.weight().dtype
    (torch.Size([3, 2]), torch.qint8)
    """

    _version = 4
    _FLOAT_MODULE = None

    def __init__(self, in_features, out_features, bias_=True, dtype=None):
        super().__init__()
        dtype = Q.canonical(dtype, Q.qint8)
        self.in_features = in_features
        self.out_features = out_features
        bias = _wrap(np.zeros(out_features, dtype=np.float32)) if bias_ else None
        if dtype is Q.qint8:
            w = Q._make_per_tensor(np.zeros((out_features, in_features), dtype=np.int8),
                                   Q.qint8, 1.0, 0)
        elif getattr(dtype, "name", None) == "float16":
            w = _wrap(np.zeros((out_features, in_features), dtype=np.float32))
        else:
            raise RuntimeError("Unsupported dtype specified for quantized Linear!")
        self._packed_params = LinearPackedParams(dtype)
        self._packed_params.set_weight_bias(w, bias)
        self.scale = 1.0
        self.zero_point = 0
        self.version = 4

    def _get_name(self):
        return "DynamicQuantizedLinear"

    def __repr__(self):  # the packed weights stay out of the repr, as in PyTorch
        return f"{self._get_name()}({self.extra_repr()})"

    def extra_repr(self):
        s = (f"in_features={self.in_features}, out_features={self.out_features}, "
             f"dtype={self._packed_params.dtype}")
        if self._packed_params.dtype is Q.qint8:
            s += f", qscheme={self.weight().qscheme()}"
        return s

    def forward(self, x):
        p = self._packed_params
        if not isinstance(x, Tensor) or x._data.dtype != np.float32:
            raise RuntimeError("Expected input to be a float32 tensor for dynamic quantized Linear")
        if x.shape[-1] != self.in_features:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({int(np.prod(x.shape[:-1]))}x{x.shape[-1]} and "
                               f"{self.in_features}x{self.out_features})")
        if p.dtype is Q.qint8:
            w = p._w
            y = linear_dynamic(x._data, w._data, w._qscale, p._bias_f32, True, p._wq_t)
        else:
            y = linear_fp16(x._data, p._wq_t, p._bias_f32)
        return _wrap(y)

    def weight(self):
        """The quantized weight (a float tensor for float16 layers)."""
        return self._packed_params._weight_bias()[0]

    def bias(self):
        """The float bias (or None)."""
        return self._packed_params._weight_bias()[1]

    def set_weight_bias(self, w, b):
        """Replace weight and bias."""
        self._packed_params.set_weight_bias(w, b)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "scale"] = _wrap(np.array(self.scale, dtype=np.float32))
        destination[prefix + "zero_point"] = _wrap(np.array(self.zero_point, dtype=np.int64))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        self.scale = float(state_dict[prefix + "scale"])
        self.zero_point = int(state_dict[prefix + "zero_point"])
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys,
                                      unexpected_keys, error_msgs)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False, dtype=None):
        """The dynamic quantized twin of float ``nn.Linear`` ``mod`` (weights quantized as
        PyTorch's default dynamic qconfig does; ``dtype`` qint8 or float16)."""
        from .....nn.modules.linear import Linear as FloatLinear
        if not isinstance(mod, FloatLinear):
            raise AssertionError(f"nn.quantized.dynamic.Linear.from_float only works for "
                                 f"['Linear', 'NonDynamicallyQuantizableLinear'], got {type(mod)}")
        Q._refuse_per_channel(getattr(mod, "qconfig", None))
        if dtype is None:
            qc = getattr(mod, "qconfig", None)
            dtype = Q.canonical(qc.weight().dtype) if qc is not None else Q.qint8
        dtype = Q.canonical(dtype)
        w = _f32(mod.weight)
        if dtype is Q.qint8:
            wq, ws = quantize_weight(w)
            qweight = Q._make_per_tensor(wq, Q.qint8, ws, 0)
        elif getattr(dtype, "name", None) == "float16":
            qweight = _wrap(w)
        else:
            raise RuntimeError("Unsupported dtype specified for dynamic quantized Linear!")
        q = cls(mod.in_features, mod.out_features, dtype=dtype)
        q.set_weight_bias(qweight, None if mod.bias is None else mod.bias.detach())
        return q

    @classmethod
    def from_reference(cls, ref_qlinear):
        raise NotImplementedError("ember: dynamic Linear.from_reference (reference quantized "
                                  "modules are not built)")
