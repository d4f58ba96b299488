"""Fake quantization modules (``torch.ao.quantization.fake_quantize``) for quantization-aware
training: in the forward pass a tensor is observed (its range updates ``scale`` and
``zero_point``) and rounded to the quantized grid, still as floats; gradients pass
straight through where the value was not clamped.

Buffers and state_dict keys are PyTorch's: ``fake_quant_enabled``, ``observer_enabled``,
``scale``, ``zero_point`` and the observer's under ``activation_post_process.``.
``FusedMovingAvgObsFakeQuantize`` (the default QAT qconfig's) computes its qparams with
PyTorch's C++ ``choose_qparams`` (double precision; symmetric schemes keep zero exact),
which differs from ``FakeQuantize``'s float32 formula in the last bit of the scale and,
for channels whose values all share one sign, in the zero point, as PyTorch's does.

>>> fq = ember.ao.quantization.FakeQuantize(quant_min=0, quant_max=255)
>>> fq(ember.tensor([0.0, 0.1, 1.0], requires_grad=True))
tensor([0.0000, 0.0980, 1.0000],
       grad_fn=<FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0>)
"""
from ..._backend import np
from ... import _quantized as Q
from ..._tensor import _wrap
from ...autograd.function import apply_op
from ...nn.modules.module import Module
from ...ops.nn import fake_quantize as _fq
from .histogram_observer import HistogramObserver
from .observer import (MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver,
                       FixedQParamsObserver,
                       default_fixed_qparams_range_0to1_observer,
                       default_fixed_qparams_range_neg1to1_observer)

__all__ = ["FakeQuantizeBase", "FakeQuantize", "FixedQParamsFakeQuantize",
           "FusedMovingAvgObsFakeQuantize", "enable_fake_quant", "disable_fake_quant",
           "enable_observer", "disable_observer", "default_fake_quant",
           "default_weight_fake_quant", "default_per_channel_weight_fake_quant",
           "default_histogram_fake_quant", "default_dynamic_fake_quant",
           "default_fused_act_fake_quant", "default_fused_wt_fake_quant",
           "default_fused_per_channel_wt_fake_quant",
           "default_fixed_qparams_range_0to1_fake_quant",
           "default_fixed_qparams_range_neg1to1_fake_quant",
           "default_symmetric_fixed_qparams_fake_quant", "default_affine_fixed_qparams_fake_quant",
           "fused_wt_fake_quant_range_neg_127_to_127",
           "fused_per_channel_wt_fake_quant_range_neg_127_to_127"]

_PER_CHANNEL = (Q.per_channel_affine, Q.per_channel_symmetric, Q.per_channel_affine_float_qparams)
_SYMMETRIC = (Q.per_tensor_symmetric, Q.per_channel_symmetric)


class FakeQuantizeBase(Module):
    """Base of fake quantize modules: the ``fake_quant_enabled`` and ``observer_enabled``
    flags (uint8 buffers) and the methods that switch them.

    >>> fq = ember.ao.quantization.FakeQuantize()
    >>> fq.disable_fake_quant(); fq.fake_quant_enabled
    tensor([0], dtype=torch.uint8)
    """

    _flag_dtype = np.uint8

    def __init__(self):
        super().__init__()
        self.register_buffer("fake_quant_enabled", _wrap(np.array([1], dtype=self._flag_dtype)))
        self.register_buffer("observer_enabled", _wrap(np.array([1], dtype=self._flag_dtype)))

    def _set(self, name, on):
        getattr(self, name)._data[0] = 1 if on else 0

    def enable_fake_quant(self, enabled=True):
        """Round in forward (``enabled=False``: pass values through unchanged)."""
        self._set("fake_quant_enabled", enabled)

    def disable_fake_quant(self):
        """Stop rounding in forward."""
        self.enable_fake_quant(False)

    def enable_observer(self, enabled=True):
        """Update the range (and scale/zero point) in forward."""
        self._set("observer_enabled", enabled)

    def disable_observer(self):
        """Freeze the range, scale and zero point."""
        self.enable_observer(False)

    @classmethod
    def with_args(cls, **kwargs):
        """A constructor with these keyword arguments bound."""
        import functools
        return functools.partial(cls, **kwargs)


class FakeQuantize(FakeQuantizeBase):
    """Observe with ``observer`` (built with ``observer_kwargs``), then fake-quantize with
    the scale and zero point it gives, per tensor or per channel (``ch_axis``).

    >>> fq = ember.ao.quantization.default_weight_fake_quant()
    >>> _ = fq(ember.tensor([-1.0, 0.3])); fq.scale, fq.zero_point
    (tensor([0.0078]), tensor([0], dtype=torch.int32))
    """

    def __init__(self, observer=MovingAverageMinMaxObserver, quant_min=None, quant_max=None,
                 is_dynamic=False, **observer_kwargs):
        super().__init__()
        if quant_min is not None and quant_max is not None:
            if quant_min > quant_max:
                raise AssertionError("quant_min must be less than or equal to quant_max")
            observer_kwargs.update(quant_min=quant_min, quant_max=quant_max)
        observer_kwargs["is_dynamic"] = is_dynamic
        self.activation_post_process = observer(**observer_kwargs)
        app = self.activation_post_process
        self.quant_min, self.quant_max = app.quant_min, app.quant_max
        self.is_dynamic = is_dynamic
        self.register_buffer("scale", _wrap(np.array([1.0], dtype=np.float32)))
        self.register_buffer("zero_point", _wrap(np.array([0], dtype=np.int32)))
        self.dtype = app.dtype
        self.qscheme = app.qscheme
        self.ch_axis = getattr(app, "ch_axis", -1)
        self.is_per_channel = self.qscheme in _PER_CHANNEL

    def calculate_qparams(self):
        """The observer's current ``(scale, zero_point)``."""
        return self.activation_post_process.calculate_qparams()

    def _store_qparams(self, scale, zero_point):
        self.scale = _wrap(np.array(scale._data, dtype=np.float32))
        zdt = np.float32 if zero_point._data.dtype.kind == "f" else np.int32
        self.zero_point = _wrap(np.array(zero_point._data, dtype=zdt))

    def forward(self, X):
        if self.observer_enabled._data[0] == 1:
            self.activation_post_process(X.detach())
            self._store_qparams(*self.calculate_qparams())
        if self.fake_quant_enabled._data[0] == 1:
            if self.is_per_channel:
                X = _fq.fake_quantize_per_channel_affine(X, self.scale, self.zero_point,
                                                         self.ch_axis, self.quant_min,
                                                         self.quant_max)
            else:
                X = _fq.fake_quantize_per_tensor_affine(X, self.scale, self.zero_point,
                                                        self.quant_min, self.quant_max)
        return X

    def extra_repr(self):
        return (f"fake_quant_enabled={self.fake_quant_enabled!r}, observer_enabled="
                f"{self.observer_enabled!r}, quant_min={self.quant_min}, quant_max="
                f"{self.quant_max}, dtype={self.dtype!r}, qscheme={self.qscheme!r}, ch_axis="
                f"{self.ch_axis}, scale={self.scale!r}, zero_point={self.zero_point!r}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        for name in ("scale", "zero_point"):   # the buffers take the saved shape
            v = state_dict.get(prefix + name)
            if v is not None:
                setattr(self, name, _wrap(np.array(v._data, dtype=getattr(self, name)._data.dtype)))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class FixedQParamsFakeQuantize(FakeQuantize):
    """Fake quantization with the fixed scale and zero point of a ``FixedQParamsObserver``.

    >>> ember.ao.quantization.default_fixed_qparams_range_0to1_fake_quant().scale
    tensor([0.0039])
    """

    def __init__(self, observer):
        super().__init__(observer=observer)
        if type(self.activation_post_process) is not FixedQParamsObserver:
            raise AssertionError(f"{self.__class__.__name__}'s observer must be a "
                                 f"{FixedQParamsObserver.__name__}")
        self._observer_ctr = observer
        self.scale = self.activation_post_process.scale
        self.zero_point = self.activation_post_process.zero_point

    def calculate_qparams(self):
        return self.scale, self.zero_point

    def extra_repr(self):
        return (f"fake_quant_enabled={self.fake_quant_enabled!r}, observer_enabled="
                f"{self.observer_enabled!r}, scale={self.scale!r}, zero_point={self.zero_point!r}"
                f", dtype={self.dtype!r}, quant_min={self.quant_min}, quant_max={self.quant_max}"
                f", qscheme={self.qscheme!r}")


def choose_qparams_fused(lo, hi, qmin, qmax, symmetric):
    """(scale, zero_point) PyTorch's C++ ``choose_qparams`` gives for float32 ``lo``/``hi``
    (the fused observer's): with ``symmetric`` and a range straddling zero, the range is
    made symmetric about zero and the zero point is the middle of [qmin, qmax].

    >>> from ember.ao.quantization.fake_quantize import choose_qparams_fused
    >>> choose_qparams_fused(-1.0, 0.5, -128, 127, True)
    (0.0078125, 0)
    """
    f32 = np.float32
    lo, hi = f32(lo), f32(hi)
    straddles = symmetric and lo < 0 < hi
    if straddles:
        sq_min = -((qmax - qmin) // 2 + 1)
        sq_max = (qmax - qmin) // 2
        top = max(float(abs(lo / f32(sq_min))), float(abs(hi / f32(sq_max))))
        lo, hi = f32(top * sq_min), f32(top * sq_max)
    scale, zp = Q.choose_qparams(float(lo), float(hi), qmin, qmax)
    if straddles:
        zp = int(np.rint((qmin + qmax) / 2))
    return float(f32(scale)), zp


class FusedMovingAvgObsFakeQuantize(FakeQuantize):
    """The fused observer + fake quantization of the default QAT qconfig: moving-average
    min/max, qparams from :func:`choose_qparams_fused`, then fake quantization (one node,
    ``FusedMovingAvgObsFqHelperBackward0``); its flags are int64 buffers.

    >>> fq = ember.ao.quantization.default_fused_act_fake_quant()
    >>> _ = fq(ember.tensor([0.0, 2.55])); fq.scale, fq.zero_point
    (tensor([0.0100]), tensor([0], dtype=torch.int32))
    """

    _flag_dtype = np.int64

    def __init__(self, observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                 **observer_kwargs):
        super().__init__(observer, quant_min, quant_max, **observer_kwargs)
        if not isinstance(self.activation_post_process, (MovingAverageMinMaxObserver,
                                                         MovingAveragePerChannelMinMaxObserver)):
            raise AssertionError("Fused observer+fake_quant module only works with "
                                 "MovingAverageMinMaxObserver")
        self.is_symmetric_quant = self.qscheme in _SYMMETRIC

    def calculate_qparams(self):
        return self.activation_post_process.calculate_qparams()

    def _fused_qparams(self):
        app = self.activation_post_process
        lo, hi = np.atleast_1d(app.min_val._data), np.atleast_1d(app.max_val._data)
        pairs = [choose_qparams_fused(a, b, self.quant_min, self.quant_max,
                                      self.is_symmetric_quant) for a, b in zip(lo, hi)]
        self.scale = _wrap(np.array([p[0] for p in pairs], dtype=np.float32))
        self.zero_point = _wrap(np.array([p[1] for p in pairs], dtype=np.int32))

    def forward(self, X):
        if self.observer_enabled._data[0] == 1:
            self.activation_post_process(X.detach())
            self._fused_qparams()
        if self.fake_quant_enabled._data[0] != 1:
            return apply_op(_fq.FusedMovingAvgObsFqHelperPassThrough, (X,))
        if self.is_per_channel:
            return apply_op(_fq.FusedMovingAvgObsFqHelperPerChannel, (X,), self.scale._data,
                            self.zero_point._data, self.ch_axis, self.quant_min, self.quant_max)
        return apply_op(_fq.FusedMovingAvgObsFqHelper, (X,), float(self.scale._data[0]),
                        int(self.zero_point._data[0]), self.quant_min, self.quant_max)

    def extra_repr(self):
        return (f"fake_quant_enabled={self.fake_quant_enabled!r}, observer_enabled="
                f"{self.observer_enabled!r}, scale={self.scale!r}, zero_point={self.zero_point!r}"
                f", dtype={self.dtype!r}, quant_min={self.quant_min}, quant_max={self.quant_max}"
                f", qscheme={self.qscheme!r}, reduce_range="
                f"{self.activation_post_process.reduce_range}")


def _switch(method):
    def fn(mod):
        if isinstance(mod, FakeQuantizeBase):
            getattr(mod, method)()
    fn.__name__ = method
    fn.__doc__ = (f"``mod.{method}()`` if ``mod`` is a fake quantize module (use with "
                  f"``model.apply``).\n\n    >>> _ = ember.nn.Sequential().apply("
                  f"ember.ao.quantization.{method})\n    ")
    return fn


enable_fake_quant = _switch("enable_fake_quant")
disable_fake_quant = _switch("disable_fake_quant")
enable_observer = _switch("enable_observer")
disable_observer = _switch("disable_observer")

default_fake_quant = FakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, dtype=Q.quint8,
    qscheme=Q.per_tensor_affine, reduce_range=True)
default_weight_fake_quant = FakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=-128, quant_max=127, dtype=Q.qint8,
    qscheme=Q.per_tensor_symmetric, reduce_range=False)
default_dynamic_fake_quant = FakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, is_dynamic=True,
    dtype=Q.quint8, averaging_constant=1)
default_fixed_qparams_range_neg1to1_fake_quant = FixedQParamsFakeQuantize.with_args(
    observer=default_fixed_qparams_range_neg1to1_observer)
default_fixed_qparams_range_0to1_fake_quant = FixedQParamsFakeQuantize.with_args(
    observer=default_fixed_qparams_range_0to1_observer)
default_symmetric_fixed_qparams_fake_quant = default_fixed_qparams_range_neg1to1_fake_quant
default_affine_fixed_qparams_fake_quant = default_fixed_qparams_range_0to1_fake_quant
default_per_channel_weight_fake_quant = FakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
    dtype=Q.qint8, qscheme=Q.per_channel_symmetric, reduce_range=False, ch_axis=0)
default_histogram_fake_quant = FakeQuantize.with_args(
    observer=HistogramObserver, quant_min=0, quant_max=255, dtype=Q.quint8,
    qscheme=Q.per_tensor_affine, reduce_range=True)
default_fused_act_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, dtype=Q.quint8)
default_fused_wt_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=-128, quant_max=127, dtype=Q.qint8,
    qscheme=Q.per_tensor_symmetric)
default_fused_per_channel_wt_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
    dtype=Q.qint8, qscheme=Q.per_channel_symmetric)
fused_wt_fake_quant_range_neg_127_to_127 = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=-127, quant_max=127, dtype=Q.qint8,
    qscheme=Q.per_tensor_symmetric, eps=2 ** -12)
fused_per_channel_wt_fake_quant_range_neg_127_to_127 = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-127, quant_max=127,
    dtype=Q.qint8, qscheme=Q.per_channel_symmetric, eps=2 ** -12)
