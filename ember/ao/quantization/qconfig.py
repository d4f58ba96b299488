"""Quantization configurations (``QConfig``) and the observers they name, enough for
dynamic quantization: an observer records a tensor's range and gives (scale, zero_point).

>>> ember.ao.quantization.default_dynamic_qconfig.weight().dtype
torch.qint8
"""
import functools
from collections import namedtuple

from ..._backend import np
from ... import _quantized as Q
from ... import _dtype as D
from ...nn.modules.module import Module

__all__ = ["QConfig", "QConfigDynamic", "ObserverBase", "PlaceholderObserver", "MinMaxObserver",
           "PerChannelMinMaxObserver", "default_dynamic_qconfig", "float16_dynamic_qconfig",
           "per_channel_dynamic_qconfig", "float_qparams_weight_only_qconfig",
           "default_weight_observer", "default_dynamic_quant_observer"]


class ObserverBase(Module):
    """Base of observers: ``forward`` records a tensor's range and returns it unchanged;
    ``calculate_qparams`` turns the range into ``(scale, zero_point)``.

    >>> ember.ao.quantization.MinMaxObserver().dtype
    torch.quint8
    """

    def __init__(self, dtype=None, is_dynamic=False):
        super().__init__()
        self.dtype = Q.quint8 if dtype is None else dtype
        self.is_dynamic = is_dynamic

    @classmethod
    def with_args(cls, **kwargs):
        """A constructor with these keyword arguments bound (``functools.partial``)."""
        return functools.partial(cls, **kwargs)


class PlaceholderObserver(ObserverBase):
    """Observes nothing; carries the dtype (and dynamic flag) of a quantization step.

    >>> ember.ao.quantization.PlaceholderObserver(dtype=ember.float16).dtype
    torch.float16
    """

    def __init__(self, dtype=None, custom_op_name="", compute_dtype=None, quant_min=None,
                 quant_max=None, qscheme=None, eps=None, is_dynamic=False):
        super().__init__(D.float32 if dtype is None else dtype, is_dynamic)
        self.qscheme = Q.per_tensor_affine if qscheme is None else qscheme
        self.quant_min, self.quant_max = quant_min, quant_max

    def forward(self, x):
        return x

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for PlaceholderObserver")  # noqa: TRY002


class MinMaxObserver(ObserverBase):
    """Tracks the running min and max; symmetric or affine per-tensor qparams.

    >>> obs = ember.ao.quantization.MinMaxObserver(dtype=ember.qint8,
    ...                                             qscheme=ember.per_tensor_symmetric)
    >>> _ = obs(ember.tensor([-1.0, 0.5]))
    >>> obs.calculate_qparams()
    (tensor([0.0078]), tensor([0]))
    """

    def __init__(self, dtype=None, qscheme=None, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=float(np.finfo(np.float32).eps),
                 is_dynamic=False, **kwargs):
        super().__init__(dtype, is_dynamic)
        self.qscheme = Q.per_tensor_affine if qscheme is None else qscheme
        self.reduce_range = reduce_range
        lo, hi = Q._RANGE.get(self.dtype.name, (0, 255))
        if reduce_range:
            lo, hi = lo // 2, hi // 2
        self.quant_min = lo if quant_min is None else quant_min
        self.quant_max = hi if quant_max is None else quant_max
        self.eps = eps
        self.min_val, self.max_val = float("inf"), float("-inf")

    def forward(self, x):
        if x.numel():
            self.min_val = min(self.min_val, float(x._data.min()))
            self.max_val = max(self.max_val, float(x._data.max()))
        return x

    def calculate_qparams(self):
        from ..._tensor import _wrap
        lo = np.float32(min(self.min_val, 0.0))
        hi = np.float32(max(self.max_val, 0.0))
        if self.qscheme in (Q.per_tensor_symmetric, Q.per_channel_symmetric):
            top = max(-lo, hi)
            scale = np.float32(top / np.float32((self.quant_max - self.quant_min) / 2))
            scale = max(scale, np.float32(self.eps))
            zp = 128 if self.dtype is Q.quint8 else 0
        else:
            scale = np.float32((hi - lo) / np.float32(self.quant_max - self.quant_min))
            scale = max(scale, np.float32(self.eps))
            zp = int(np.clip(self.quant_min - np.rint(lo / scale), self.quant_min, self.quant_max))
        return (_wrap(np.array([scale], dtype=np.float32)), _wrap(np.array([zp], dtype=np.int64)))


class PerChannelMinMaxObserver(MinMaxObserver):
    """Running min and max per slice along ``ch_axis``; ``calculate_qparams`` gives one
    scale and zero point per channel (symmetric, affine or float-qparams), as PyTorch's.
    ``per_channel_dynamic_qconfig`` quantizes dynamic Linear/RNN weights with it.

    >>> obs = ember.ao.quantization.PerChannelMinMaxObserver(dtype=ember.qint8,
    ...                                                       qscheme=ember.per_channel_symmetric)
    >>> _ = obs(ember.tensor([[-1.0, 0.5], [0.2, 0.1]]))
    >>> obs.calculate_qparams()
    (tensor([0.0078, 0.0016]), tensor([0, 0]))
    """

    def __init__(self, ch_axis=0, dtype=None, qscheme=None, **kwargs):
        super().__init__(dtype, Q.per_channel_affine if qscheme is None else qscheme, **kwargs)
        self.ch_axis = ch_axis
        self.min_val = self.max_val = None

    def forward(self, x):
        a = np.asarray(x._data, dtype=np.float32)
        if not a.size:
            return x
        a = np.moveaxis(a, self.ch_axis, 0).reshape(a.shape[self.ch_axis], -1)
        lo, hi = a.min(axis=1), a.max(axis=1)
        if self.min_val is not None and self.min_val.shape == lo.shape:
            lo, hi = np.minimum(self.min_val, lo), np.maximum(self.max_val, hi)
        self.min_val, self.max_val = lo, hi
        return x

    def calculate_qparams(self):
        from ..._tensor import _wrap
        f32 = np.float32
        if self.min_val is None:
            return _wrap(np.ones(1, f32)), _wrap(np.zeros(1, np.int64))
        lo, hi = self.min_val, self.max_val
        qmin, qmax = self.quant_min, self.quant_max
        neg, pos = np.minimum(lo, f32(0)), np.maximum(hi, f32(0))
        if self.qscheme in (Q.per_tensor_symmetric, Q.per_channel_symmetric):
            scale = np.maximum(np.maximum(-neg, pos) / f32((qmax - qmin) / 2), f32(self.eps))
            zp = np.full(lo.shape, 128 if self.dtype is Q.quint8 else 0, dtype=np.int64)
        elif self.qscheme is Q.per_channel_affine_float_qparams:
            scale = (hi - lo) / f32(qmax - qmin)
            scale = np.where(scale > f32(self.eps), scale, f32(1)).astype(f32)
            zp = (-1 * lo / scale).astype(f32)
        else:
            scale = np.maximum((pos - neg) / f32(qmax - qmin), f32(self.eps))
            zp = np.clip(qmin - np.rint(neg / scale), qmin, qmax).astype(np.int32)
        return _wrap(scale.astype(f32)), _wrap(zp)


QConfig = namedtuple("QConfig", ["activation", "weight"])
QConfig.__doc__ = """How to quantize a module's activations and weights: two observer constructors.

>>> ember.ao.quantization.QConfig._fields
('activation', 'weight')
"""
QConfigDynamic = QConfig

default_dynamic_quant_observer = PlaceholderObserver.with_args(
    dtype=Q.quint8, quant_min=0, quant_max=255, is_dynamic=True)
default_weight_observer = MinMaxObserver.with_args(dtype=Q.qint8, qscheme=Q.per_tensor_symmetric)
default_dynamic_qconfig = QConfig(activation=default_dynamic_quant_observer,
                                  weight=default_weight_observer)
float16_dynamic_qconfig = QConfig(
    activation=PlaceholderObserver.with_args(dtype=D.float16, is_dynamic=True),
    weight=PlaceholderObserver.with_args(dtype=D.float16))
per_channel_dynamic_qconfig = QConfig(
    activation=default_dynamic_quant_observer,
    weight=PerChannelMinMaxObserver.with_args(dtype=Q.qint8, qscheme=Q.per_channel_symmetric))
float_qparams_weight_only_qconfig = QConfig(
    activation=PlaceholderObserver.with_args(dtype=D.float32),
    weight=PerChannelMinMaxObserver.with_args(dtype=Q.quint8,
                                              qscheme=Q.per_channel_affine_float_qparams))
