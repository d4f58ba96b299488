"""Observers (``torch.ao.quantization.observer``): modules that watch the tensors passing
through them and turn what they saw into quantization parameters ``(scale, zero_point)``.

The running ranges live in buffers (``min_val``, ``max_val``, ``eps``) with PyTorch's
state_dict keys; ``calculate_qparams`` follows PyTorch's float32 arithmetic bit for bit
(checked in tests/quantization/test_observers.py).

>>> obs = ember.ao.quantization.MovingAverageMinMaxObserver()
>>> _ = obs(ember.tensor([-1.0, 2.0])); _ = obs(ember.tensor([0.0, 4.0]))
>>> obs
MovingAverageMinMaxObserver(min_val=-0.9900000095367432, max_val=2.0199999809265137)
"""
import functools

from ..._backend import np
from ... import _quantized as Q
from ... import _dtype as D
from ..._tensor import _wrap
from ...nn.modules.module import Module

__all__ = ["ObserverBase", "UniformQuantizationObserverBase", "PlaceholderObserver",
           "MinMaxObserver", "MovingAverageMinMaxObserver", "PerChannelMinMaxObserver",
           "MovingAveragePerChannelMinMaxObserver", "NoopObserver", "FixedQParamsObserver",
           "RecordingObserver", "ReuseInputObserver", "default_debug_observer",
           "default_reuse_input_observer", "default_affine_fixed_qparams_observer",
           "default_symmetric_fixed_qparams_observer", "weight_observer_range_neg_127_to_127",
           "per_channel_weight_observer_range_neg_127_to_127",
           "default_observer", "default_weight_observer",
           "default_per_channel_weight_observer", "default_dynamic_quant_observer",
           "default_placeholder_observer",
           "default_fixed_qparams_range_0to1_observer",
           "default_fixed_qparams_range_neg1to1_observer",
           "default_float_qparams_observer"]

_f32 = np.float32
_SYMMETRIC = (Q.per_tensor_symmetric, Q.per_channel_symmetric)


class ObserverBase(Module):
    """Base of observers: ``forward`` records a tensor's range and returns it unchanged;
    ``calculate_qparams`` turns the range into ``(scale, zero_point)``.

    >>> ember.ao.quantization.MinMaxObserver().dtype
    torch.quint8
    """

    def __init__(self, dtype=None, is_dynamic=False):
        super().__init__()
        self.dtype = Q.quint8 if dtype is None else Q.canonical(dtype)
        self.is_dynamic = is_dynamic

    @classmethod
    def with_args(cls, **kwargs):
        """A constructor with these keyword arguments bound (``functools.partial``)."""
        return functools.partial(cls, **kwargs)


def _qrange(dtype, quant_min, quant_max, reduce_range):
    """PyTorch's (quant_min, quant_max) for an observer: the dtype's range (halved by
    ``reduce_range``), or the given one (halved too)."""
    if quant_min is not None and quant_max is not None:
        if not quant_min <= 0 <= quant_max:
            raise AssertionError("Used-specified quantization range must include 0.")
        if quant_min >= quant_max:
            raise AssertionError("qmin must be strictly less than qmax for user-specified "
                                 "quantization range.")
        lo, hi = quant_min, quant_max
    else:
        lo, hi = Q._RANGE.get(getattr(dtype, "name", ""), (0, 255))
        if dtype is Q.qint32:
            return lo, hi
    if reduce_range:
        lo, hi = lo // 2, hi // 2
    return lo, hi


class UniformQuantizationObserverBase(ObserverBase):
    """Observers whose qparams map a [min, max] range onto the integer grid (affine or
    symmetric, per tensor or per channel); holds ``eps`` as a buffer.

    >>> ember.ao.quantization.MinMaxObserver(reduce_range=True).quant_max
    127
    """

    def __init__(self, dtype=None, qscheme=None, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=float(np.finfo(np.float32).eps),
                 is_dynamic=False, **kwargs):
        super().__init__(dtype, is_dynamic)
        self.qscheme = Q.per_tensor_affine if qscheme is None else qscheme
        if reduce_range and self.qscheme in _SYMMETRIC and self.dtype is Q.quint8:
            raise NotImplementedError("Cannot reduce range for symmetric                     "
                                      "                   quantization for quint8")
        self.reduce_range = reduce_range
        self.register_buffer("eps", _wrap(np.array([eps], dtype=_f32)))
        self.has_customized_qrange = quant_min is not None and quant_max is not None
        self.quant_min, self.quant_max = _qrange(self.dtype, quant_min, quant_max, reduce_range)

    def _calculate_qparams(self, lo, hi):
        """(scale, zero_point) arrays for float32 arrays of minima and maxima."""
        qmin, qmax = self.quant_min, self.quant_max
        eps = self.eps._data.reshape(())
        neg, pos = np.minimum(lo, _f32(0)), np.maximum(hi, _f32(0))
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.qscheme in _SYMMETRIC:
                scale = np.maximum(np.maximum(-neg, pos) / _f32((qmax - qmin) / 2), eps)
                mid = (qmin + qmax) // 2 if self.has_customized_qrange else 128
                zp = np.full(lo.shape, mid if self.dtype is Q.quint8 else 0, dtype=np.int64)
            elif self.qscheme is Q.per_channel_affine_float_qparams:
                scale = (hi - lo) / _f32(qmax - qmin)
                scale = np.where(scale > eps, scale, _f32(1)).astype(_f32)
                zp = (-1 * lo / scale).astype(_f32)
            else:
                scale = np.maximum((pos - neg) / _f32(qmax - qmin), eps)
                zp = np.clip(qmin - np.rint(neg / scale), qmin, qmax).astype(np.int32)
        return np.atleast_1d(scale.astype(_f32)), np.atleast_1d(zp)

    def reset_min_max_vals(self):
        """Forget the observed range."""
        raise NotImplementedError

    @staticmethod
    def _as_f32(x):
        return np.asarray(x._data, dtype=_f32)


class MinMaxObserver(UniformQuantizationObserverBase):
    """Tracks the running min and max (buffers ``min_val``/``max_val``); affine or
    symmetric per-tensor qparams.

    >>> obs = ember.ao.quantization.MinMaxObserver(dtype=ember.qint8,
    ...                                             qscheme=ember.per_tensor_symmetric)
    >>> _ = obs(ember.tensor([-1.0, 0.5]))
    >>> obs.calculate_qparams()
    (tensor([0.0078]), tensor([0]))
    """

    def __init__(self, dtype=None, qscheme=None, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=float(np.finfo(np.float32).eps),
                 is_dynamic=False, **kwargs):
        super().__init__(dtype, qscheme, reduce_range, quant_min, quant_max, factory_kwargs, eps,
                         is_dynamic, **kwargs)
        self.register_buffer("min_val", _wrap(np.array(np.inf, dtype=_f32)))
        self.register_buffer("max_val", _wrap(np.array(-np.inf, dtype=_f32)))

    def _update(self, lo, hi):
        self.min_val = _wrap(np.minimum(lo, self.min_val._data))
        self.max_val = _wrap(np.maximum(hi, self.max_val._data))

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = self._as_f32(x_orig.detach())
        self._update(_f32(x.min()), _f32(x.max()))
        return x_orig

    def calculate_qparams(self):
        """``(scale, zero_point)`` from the observed range (scale 1, zero point 0 before
        anything was observed)."""
        lo, hi = self.min_val._data, self.max_val._data
        if lo == np.inf and hi == -np.inf:
            return _wrap(np.array([1.0], _f32)), _wrap(np.array([0], np.int64))
        s, z = self._calculate_qparams(lo, hi)
        return _wrap(s), _wrap(z)

    def extra_repr(self):
        return f"min_val={float(self.min_val._data)}, max_val={float(self.max_val._data)}"

    def reset_min_max_vals(self):
        """Forget the observed range."""
        self.min_val = _wrap(np.array(np.inf, dtype=_f32))
        self.max_val = _wrap(np.array(-np.inf, dtype=_f32))


class MovingAverageMinMaxObserver(MinMaxObserver):
    """Min and max as exponential moving averages: ``min += c * (batch_min - min)``
    (``c = averaging_constant``); the first batch sets them.

    >>> obs = ember.ao.quantization.MovingAverageMinMaxObserver(averaging_constant=0.5)
    >>> _ = obs(ember.tensor([0.0, 2.0])); _ = obs(ember.tensor([0.0, 4.0])); obs.max_val
    tensor(3.)
    """

    def __init__(self, averaging_constant=0.01, dtype=None, qscheme=None, reduce_range=False,
                 quant_min=None, quant_max=None, eps=float(np.finfo(np.float32).eps),
                 is_dynamic=False, **kwargs):
        self.averaging_constant = averaging_constant
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max, eps=eps,
                         is_dynamic=is_dynamic, **kwargs)

    def _update(self, lo, hi):
        old_lo, old_hi = self.min_val._data, self.max_val._data
        if old_lo == np.inf and old_hi == -np.inf:
            self.min_val, self.max_val = _wrap(np.array(lo, _f32)), _wrap(np.array(hi, _f32))
            return
        c = _f32(self.averaging_constant)
        self.min_val = _wrap(np.asarray(old_lo + c * (lo - old_lo), dtype=_f32))
        self.max_val = _wrap(np.asarray(old_hi + c * (hi - old_hi), dtype=_f32))


class PerChannelMinMaxObserver(UniformQuantizationObserverBase):
    """Running min and max per slice along ``ch_axis``; ``calculate_qparams`` gives one
    scale and zero point per channel (symmetric, affine or float-qparams), as PyTorch's.

    >>> obs = ember.ao.quantization.PerChannelMinMaxObserver(dtype=ember.qint8,
    ...                                                       qscheme=ember.per_channel_symmetric)
    >>> _ = obs(ember.tensor([[-1.0, 0.5], [0.2, 0.1]]))
    >>> obs.calculate_qparams()
    (tensor([0.0078, 0.0016]), tensor([0, 0]))
    """

    def __init__(self, ch_axis=0, dtype=None, qscheme=None, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=float(np.finfo(np.float32).eps),
                 is_dynamic=False, **kwargs):
        super().__init__(dtype, Q.per_channel_affine if qscheme is None else qscheme,
                         reduce_range, quant_min, quant_max, factory_kwargs, eps, is_dynamic)
        self.ch_axis = ch_axis
        self.register_buffer("min_val", _wrap(np.zeros(0, _f32)))
        self.register_buffer("max_val", _wrap(np.zeros(0, _f32)))

    def _update(self, lo, hi):
        old_lo, old_hi = self.min_val._data, self.max_val._data
        if old_lo.size == lo.size:
            lo, hi = np.minimum(old_lo, lo), np.maximum(old_hi, hi)
        self.min_val, self.max_val = _wrap(lo), _wrap(hi)

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        a = self._as_f32(x_orig.detach())
        a = np.moveaxis(a, self.ch_axis, 0).reshape(a.shape[self.ch_axis], -1)
        self._update(a.min(axis=1), a.max(axis=1))
        return x_orig

    def calculate_qparams(self):
        """One ``(scale, zero_point)`` per channel."""
        if self.min_val._data.size == 0:
            return _wrap(np.ones(1, _f32)), _wrap(np.zeros(1, np.int64))
        s, z = self._calculate_qparams(self.min_val._data, self.max_val._data)
        return _wrap(s), _wrap(z)

    def extra_repr(self):
        return f"min_val={self.min_val!r}, max_val={self.max_val!r}"

    def reset_min_max_vals(self):
        """Forget the observed ranges."""
        self.min_val, self.max_val = _wrap(np.zeros(0, _f32)), _wrap(np.zeros(0, _f32))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        for name in ("min_val", "max_val"):   # the buffers take the saved channel count
            v = state_dict.get(prefix + name)
            if v is not None:
                setattr(self, name, _wrap(np.array(v._data, dtype=_f32)))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class MovingAveragePerChannelMinMaxObserver(PerChannelMinMaxObserver):
    """Per-channel min and max as exponential moving averages (``averaging_constant``).

    >>> obs = ember.ao.quantization.MovingAveragePerChannelMinMaxObserver(averaging_constant=0.5)
    >>> _ = obs(ember.tensor([[0.0, 2.0]])); _ = obs(ember.tensor([[0.0, 4.0]])); obs.max_val
    tensor([3.])
    """

    def __init__(self, averaging_constant=0.01, ch_axis=0, dtype=None, qscheme=None,
                 reduce_range=False, quant_min=None, quant_max=None,
                 eps=float(np.finfo(np.float32).eps), is_dynamic=False, **kwargs):
        super().__init__(ch_axis=ch_axis, dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max, eps=eps, is_dynamic=is_dynamic,
                         **kwargs)
        self.averaging_constant = averaging_constant

    def _update(self, lo, hi):
        old_lo, old_hi = self.min_val._data, self.max_val._data
        if old_lo.size == 0:
            self.min_val, self.max_val = _wrap(lo), _wrap(hi)
            return
        c = _f32(self.averaging_constant)
        self.min_val = _wrap((old_lo + c * (lo - old_lo)).astype(_f32))
        self.max_val = _wrap((old_hi + c * (hi - old_hi)).astype(_f32))


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
        self.custom_op = custom_op_name

    def forward(self, x):
        return x

    def extra_repr(self):
        return f"dtype={self.dtype}, is_dynamic={self.is_dynamic}"

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for PlaceholderObserver")  # noqa: TRY002


class NoopObserver(ObserverBase):
    """Passes tensors through and observes nothing (dtype float16 by default).

    >>> ember.ao.quantization.NoopObserver()(ember.ones(1))
    tensor([1.])
    """

    def __init__(self, dtype=None, custom_op_name=""):
        super().__init__(D.float16 if dtype is None else dtype)
        self.custom_op = custom_op_name

    def forward(self, x):
        return x

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for NoopObserver")  # noqa: TRY002


class FixedQParamsObserver(ObserverBase):
    """Always gives the ``scale`` and ``zero_point`` it was made with (buffers), as for
    outputs of known range (sigmoid: [0, 1]).

    >>> ember.ao.quantization.FixedQParamsObserver(1.0 / 256.0, 0).calculate_qparams()
    (tensor([0.0039]), tensor([0], dtype=torch.int32))
    """

    def __init__(self, scale, zero_point, dtype=None, qscheme=None, quant_min=0, quant_max=255,
                 is_dynamic=False, **kwargs):
        if is_dynamic:
            raise NotImplementedError("FixedQParamsObserver doesn't support dynamic quantization")
        super().__init__(dtype, is_dynamic)
        self.quant_min, self.quant_max = quant_min, quant_max
        self.register_buffer("scale", _wrap(np.array([scale], dtype=_f32)))
        self.register_buffer("zero_point", _wrap(np.array([zero_point], dtype=np.int32)))
        self.qscheme = Q.per_tensor_affine if qscheme is None else qscheme

    def forward(self, X):
        return X

    def calculate_qparams(self):
        return self.scale, self.zero_point


class RecordingObserver(ObserverBase):
    """Keeps every tensor it sees (``get_tensor_value``), for debugging.

    >>> r = ember.ao.quantization.RecordingObserver(); _ = r(ember.ones(2))
    >>> r.get_tensor_value()
    [tensor([1., 1.])]
    """

    def __init__(self, dtype=None):
        super().__init__(dtype)
        self.tensor_val = []

    def forward(self, x):
        self.tensor_val.append(x.clone())
        return x

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for RecordingObserver")  # noqa: TRY002

    def get_tensor_value(self):
        """The recorded tensors."""
        return self.tensor_val


class ReuseInputObserver(ObserverBase):
    """Marks an output that reuses its input's observer (FX graph mode): passes through.

    >>> ember.ao.quantization.ReuseInputObserver()(ember.ones(1))
    tensor([1.])
    """

    def __init__(self):
        super().__init__(D.float32)

    def forward(self, x):
        return x

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for ReuseInputObserver")  # noqa: TRY002


default_observer = MinMaxObserver.with_args(quant_min=0, quant_max=127)
default_placeholder_observer = PlaceholderObserver
default_weight_observer = MinMaxObserver.with_args(dtype=Q.qint8, qscheme=Q.per_tensor_symmetric)
default_per_channel_weight_observer = PerChannelMinMaxObserver.with_args(
    dtype=Q.qint8, qscheme=Q.per_channel_symmetric)
default_dynamic_quant_observer = PlaceholderObserver.with_args(
    dtype=Q.quint8, quant_min=0, quant_max=255, is_dynamic=True)
default_float_qparams_observer = PerChannelMinMaxObserver.with_args(
    dtype=Q.quint8, qscheme=Q.per_channel_affine_float_qparams, ch_axis=0)
default_fixed_qparams_range_neg1to1_observer = FixedQParamsObserver.with_args(
    scale=2.0 / 256.0, zero_point=128, dtype=Q.quint8, quant_min=0, quant_max=255)
default_fixed_qparams_range_0to1_observer = FixedQParamsObserver.with_args(
    scale=1.0 / 256.0, zero_point=0, dtype=Q.quint8, quant_min=0, quant_max=255)
default_affine_fixed_qparams_observer = default_fixed_qparams_range_0to1_observer
default_symmetric_fixed_qparams_observer = default_fixed_qparams_range_neg1to1_observer
default_debug_observer = RecordingObserver
default_reuse_input_observer = ReuseInputObserver
weight_observer_range_neg_127_to_127 = MinMaxObserver.with_args(
    dtype=Q.qint8, qscheme=Q.per_tensor_symmetric, quant_min=-127, quant_max=127, eps=2 ** -12)
per_channel_weight_observer_range_neg_127_to_127 = PerChannelMinMaxObserver.with_args(
    dtype=Q.qint8, qscheme=Q.per_channel_symmetric, quant_min=-127, quant_max=127, eps=2 ** -12)
