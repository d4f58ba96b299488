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
from .._output_qparams import OutputQParams
from .linear_kernel import (PackedLinear, quantize_weight, quantize_weight_per_channel,
                            linear_fp16, round_fp16)

__all__ = ["Linear", "LinearPackedParams", "quantize_float_weight"]


def _f32(t):
    return None if t is None else np.ascontiguousarray(t._data if isinstance(t, Tensor) else t,
                                                       dtype=np.float32)


def _weight_scales(w):
    """The float32 scale(s) of a qint8 weight: a float (per tensor) or one per output row."""
    if not isinstance(w, Q.QTensor) or w.dtype is not Q.qint8 or w.dim() != 2:
        raise RuntimeError("dynamic quantized Linear expects a 2-D qint8 weight")
    if w.qscheme() is Q.per_tensor_affine:
        if w._qzp != 0:
            raise NotImplementedError("ember: dynamic quantized Linear with a nonzero weight "
                                      "zero point")
        return w._qscale
    if w._qaxis != 0 or np.any(w._qzps != 0):
        raise NotImplementedError("ember: per-channel dynamic quantized Linear weights "
                                  "quantized along axis 1 or with nonzero zero points")
    return w._qscales.astype(np.float32)


def quantize_float_weight(w, qconfig=None):
    """The qint8 weight PyTorch's ``from_float`` makes of float32 array ``w`` under
    ``qconfig``'s weight observer (None: the default, symmetric per tensor): per tensor,
    or per output channel for ``per_channel_dynamic_qconfig``.

    >>> import numpy as np
    >>> qc = ember.ao.quantization.per_channel_dynamic_qconfig
    >>> from ember.ao.nn.quantized.dynamic.linear import quantize_float_weight
    >>> quantize_float_weight(np.array([[1.0], [0.5]], np.float32), qc).q_per_channel_scales()
    tensor([0.0078, 0.0039], dtype=torch.float64)
    """
    obs = qconfig.weight() if qconfig is not None else None
    scheme = getattr(obs, "qscheme", Q.per_tensor_symmetric)
    if obs is not None and (getattr(obs, "quant_min", -128), getattr(obs, "quant_max", 127)) \
            != (-128, 127):
        raise NotImplementedError("ember: dynamic quantized weights with a quant range other "
                                  "than [-128, 127]")
    if scheme is Q.per_tensor_symmetric:
        wq, ws = quantize_weight(w)
        return Q._make_per_tensor(wq, Q.qint8, ws, 0)
    if scheme is Q.per_channel_symmetric and getattr(obs, "ch_axis", 0) == 0 and w.ndim == 2:
        wq, ws = quantize_weight_per_channel(w)
        return Q._make_per_channel(wq, Q.qint8, ws.astype(np.float64),
                                   np.zeros(w.shape[0], dtype=np.int64), 0)
    raise NotImplementedError(f"ember: dynamic quantization with {scheme} weights (built: "
                              "per_tensor_symmetric, and per_channel_symmetric along axis 0)")


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
        """Store ``weight`` (a qint8 tensor, per tensor or per output channel; a float
        tensor for float16) and ``bias`` (float or None), and pack them for the kernel."""
        self._bias_f32 = _f32(bias)
        if self.dtype is Q.qint8:
            self._pk = PackedLinear(weight._data, _weight_scales(weight), self._bias_f32)
        elif getattr(self.dtype, "name", None) == "float16":
            w = round_fp16(_f32(weight))
            weight = _wrap(w)
            self._pk = None
            self._wq_t = np.ascontiguousarray(w.T)
        else:
            raise RuntimeError("Unsupported dtype on dynamic quantized linear!")
        self._w = weight
        self._b = bias

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


class Linear(OutputQParams):
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
        a = getattr(x, "_data", None)
        if a is None or a.dtype != np.float32 or not isinstance(x, Tensor):
            raise RuntimeError("Expected input to be a float32 tensor for dynamic quantized Linear")
        if a.ndim == 0 or a.shape[-1] != self.in_features:
            lead = int(np.prod(a.shape[:-1])) if a.ndim else 1
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({lead}x{a.shape[-1] if a.ndim else 1} and "
                               f"{self.in_features}x{self.out_features})")
        pk = p._pk
        if pk is None:
            return _wrap(linear_fp16(a, p._wq_t, p._bias_f32))
        if a.ndim == 2 and a.flags.c_contiguous:
            return _wrap(pk(a))
        x2 = np.ascontiguousarray(a).reshape(-1, self.in_features)
        return _wrap(pk(x2).reshape(a.shape[:-1] + (self.out_features,)))

    def weight(self):
        """The quantized weight (a float tensor for float16 layers)."""
        return self._packed_params._weight_bias()[0]

    def bias(self):
        """The float bias (or None)."""
        return self._packed_params._weight_bias()[1]

    def set_weight_bias(self, w, b):
        """Replace weight and bias."""
        self._packed_params.set_weight_bias(w, b)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False, dtype=None):
        """The dynamic quantized twin of float ``nn.Linear`` ``mod`` (weights quantized as
        PyTorch's default dynamic qconfig does; ``dtype`` qint8 or float16)."""
        from .....nn.modules.linear import Linear as FloatLinear
        if not isinstance(mod, FloatLinear):
            raise AssertionError(f"nn.quantized.dynamic.Linear.from_float only works for "
                                 f"['Linear', 'NonDynamicallyQuantizableLinear'], got {type(mod)}")
        qc = getattr(mod, "qconfig", None)
        if dtype is None:
            dtype = Q.canonical(qc.weight().dtype) if qc is not None else Q.qint8
        dtype = Q.canonical(dtype)
        w = _f32(mod.weight)
        if dtype is Q.qint8:
            qweight = quantize_float_weight(w, qc)
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
