"""Quantization configurations (``QConfig``) and the observers they name, enough for
dynamic quantization: an observer records a tensor's range and gives (scale, zero_point).

>>> ember.ao.quantization.default_dynamic_qconfig.weight().dtype
torch.qint8
"""
from collections import namedtuple

from ... import _quantized as Q
from ... import _dtype as D
from ...nn.modules.linear import Identity
from .histogram_observer import HistogramObserver
from .observer import (PlaceholderObserver, PerChannelMinMaxObserver,
                       MovingAverageMinMaxObserver,
                       MovingAveragePerChannelMinMaxObserver, default_observer,
                       default_weight_observer, default_per_channel_weight_observer,
                       default_dynamic_quant_observer)
from .fake_quantize import (FakeQuantize, FusedMovingAvgObsFakeQuantize, default_fake_quant,
                            default_weight_fake_quant, default_per_channel_weight_fake_quant,
                            default_fused_wt_fake_quant, default_fused_per_channel_wt_fake_quant)

__all__ = ["QConfig", "QConfigDynamic", "default_dynamic_qconfig", "float16_dynamic_qconfig",
           "per_channel_dynamic_qconfig", "float_qparams_weight_only_qconfig", "default_qconfig",
           "default_qat_qconfig", "default_per_channel_qconfig", "default_weight_only_qconfig",
           "default_activation_only_qconfig", "get_default_qconfig", "get_default_qat_qconfig"]


QConfig = namedtuple("QConfig", ["activation", "weight"])
QConfig.__doc__ = """How to quantize a module's activations and weights: two observer constructors.

>>> ember.ao.quantization.QConfig._fields
('activation', 'weight')
"""
QConfigDynamic = QConfig

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
default_qconfig = QConfig(activation=default_observer, weight=default_weight_observer)
default_per_channel_qconfig = QConfig(activation=default_observer,
                                      weight=default_per_channel_weight_observer)
default_qat_qconfig = QConfig(activation=default_fake_quant, weight=default_weight_fake_quant)
default_weight_only_qconfig = QConfig(activation=Identity, weight=default_weight_fake_quant)
default_activation_only_qconfig = QConfig(activation=default_fake_quant, weight=Identity)


def get_default_qconfig(backend="x86", version=0):
    """PyTorch's default post-training qconfig for ``backend`` ('x86', 'fbgemm', 'qnnpack',
    'onednn'): HistogramObserver activations (range reduced on x86/fbgemm) and per-channel
    (x86, fbgemm, onednn) or per-tensor (qnnpack) symmetric int8 weights.

    >>> ember.ao.quantization.get_default_qconfig("qnnpack").weight().qscheme
    torch.per_tensor_symmetric
    """
    supported = ["x86", "fbgemm", "qnnpack", "onednn"]
    if backend not in supported:
        raise AssertionError(f"backend: {backend} not supported. backend must be one of "
                             f"{supported}")
    if version != 0:
        raise AssertionError(f"Version number: {version} in get_default_qconfig is not "
                             "supported. Version number must be 0")
    if backend in ("x86", "fbgemm"):
        return QConfig(activation=HistogramObserver.with_args(reduce_range=True),
                       weight=default_per_channel_weight_observer)
    if backend == "qnnpack":
        return QConfig(activation=HistogramObserver.with_args(reduce_range=False),
                       weight=default_weight_observer)
    return QConfig(activation=HistogramObserver.with_args(reduce_range=False),
                   weight=default_per_channel_weight_observer)


def get_default_qat_qconfig(backend="x86", version=1):
    """PyTorch's default QAT qconfig for ``backend``: fused moving-average fake quantization
    (``version=1``) or ``FakeQuantize`` modules (``version=0``); activations quint8 (range
    reduced on x86/fbgemm), weights symmetric int8 per channel (per tensor for qnnpack).

    >>> ember.ao.quantization.get_default_qat_qconfig("x86").activation().quant_max
    127
    """
    supported = ["x86", "fbgemm", "qnnpack", "onednn"]
    if backend not in supported:
        raise AssertionError(f"backend: {backend} not supported. backend must be one of "
                             f"{supported}")
    reduce = backend in ("x86", "fbgemm")
    if version == 0:
        act = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0,
                                     quant_max=255, reduce_range=reduce)
        weight = default_weight_fake_quant if backend == "qnnpack" else \
            default_per_channel_weight_fake_quant
        return QConfig(activation=act, weight=weight)
    if version == 1:
        act = FusedMovingAvgObsFakeQuantize.with_args(observer=MovingAverageMinMaxObserver,
                                                      quant_min=0, quant_max=255,
                                                      reduce_range=reduce)
        weight = default_fused_wt_fake_quant if backend == "qnnpack" else \
            default_fused_per_channel_wt_fake_quant
        return QConfig(activation=act, weight=weight)
    raise AssertionError(f"Version number: {version} in get_default_qat_qconfig is not "
                         "supported. Version number must be 0 or 1")
