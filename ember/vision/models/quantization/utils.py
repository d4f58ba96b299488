"""Helpers shared by the quantizable models: ``_replace_relu``, ``quantize_model`` (the
``quantize=True`` path of every builder) and ``_fuse_modules``.

>>> from ember.vision.models.quantization.utils import _replace_relu
>>> net = ember.nn.Sequential(ember.nn.ReLU6(inplace=True))
>>> _replace_relu(net); net[0]
ReLU()
"""
import ember
from .... import nn
from ....ao import quantization as _q
from ....ao.nn.quantized import float_on_quantized as _foq
from ...._quantized import QTensor

__all__ = ["quantize_model"]


def _replace_relu(module):
    """Swap every ``nn.ReLU``/``nn.ReLU6`` (exactly those types, not subclasses) in ``module``
    for a fresh ``nn.ReLU(inplace=False)``, recursively, in place."""
    swap = []
    for name, child in module.named_children():
        _replace_relu(child)
        if type(child) in (nn.ReLU, nn.ReLU6):
            swap.append(name)
    for name in swap:
        module._modules[name] = nn.ReLU(inplace=False)


def quantize_model(model, backend):
    """Post-training static quantization of a quantizable model in place, as torchvision's
    builders do with ``quantize=True``: set the backend engine (``RuntimeError`` if it is not
    supported), ``eval()``, the backend's qconfig (``'fbgemm'``: per-tensor activations,
    per-channel weights), ``fuse_model()``, ``prepare``, one calibration pass on a random
    ``1x3x299x299`` batch (``ember.rand``), ``convert``.

    >>> from ember.vision.models.quantization import resnet18
    >>> from ember.vision.models.quantization.utils import quantize_model
    >>> m = resnet18(num_classes=3)
    >>> quantize_model(m, "fbgemm")
    >>> type(m.conv1).__name__, m.fc.weight().dtype
    ('ConvReLU2d', torch.qint8)
    """
    calibration = ember.rand(1, 3, 299, 299)
    if backend not in ember.backends.quantized.supported_engines:
        raise RuntimeError("Quantized backend not supported ")
    ember.backends.quantized.engine = backend
    model.eval()
    if backend == "fbgemm":
        model.qconfig = _q.QConfig(activation=_q.default_observer, weight=_q.default_per_channel_weight_observer)
    elif backend == "qnnpack":
        model.qconfig = _q.QConfig(activation=_q.default_observer, weight=_q.default_weight_observer)
    model.fuse_model()
    _q.prepare(model, inplace=True)
    with ember.no_grad():
        model(calibration)
    _q.convert(model, inplace=True)


def _fuse_modules(model, modules_to_fuse, is_qat, **kwargs):
    """``fuse_modules`` (``fuse_modules_qat`` when ``is_qat``; ``is_qat=None`` follows ``model.training``)."""
    if is_qat is None:
        is_qat = model.training
    return (_q.fuse_modules_qat if is_qat else _q.fuse_modules)(model, modules_to_fuse, **kwargs)


def _adaptive_avg_pool2d(x, output_size):
    """``F.adaptive_avg_pool2d`` that also takes a quantized tensor (PyTorch's quantized kernel)."""
    if isinstance(x, QTensor):
        return _foq.AdaptiveAvgPool2d(output_size)(x)
    return nn.functional.adaptive_avg_pool2d(x, output_size)


def _make_quantized_weights_enum(model_name, float_enum, module):
    """The ``*_QuantizedWeights`` enum of ``model_name`` from ``quantization/_weights_table.json``;
    each member's ``meta["unquantized"]`` is the member of ``float_enum`` it was quantized from."""
    from .._api import _make_weights_enum
    enum = _make_weights_enum(model_name, "quantization/_weights_table.json", module)
    for w in enum:
        link = w.meta.get("unquantized")
        if isinstance(link, str):
            w.meta["unquantized"] = float_enum[link.split(".", 1)[1]]
    return enum


def _prepare_quantized(quantized_enum, float_enum, weights, quantize, kwargs, default_backend="fbgemm"):
    """Verify ``weights`` against the quantized enum (``quantize=True``) or the float one, and
    set ``num_classes`` and ``backend`` from its meta; returns ``(weights, backend)``."""
    from .._api import _ovewrite_named_param
    weights = (quantized_enum if quantize else float_enum).verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        if "backend" in weights.meta:
            _ovewrite_named_param(kwargs, "backend", weights.meta["backend"])
    return weights, kwargs.pop("backend", default_backend)


def _legacy(quantized_member, float_member):
    """``pretrained=True``'s weights: the quantized member with ``quantize=True``, else the float one."""
    return lambda kwargs: quantized_member() if kwargs.get("quantize", False) else float_member()
