"""``quantize_dynamic``: swap float layers for dynamically quantized ones, as PyTorch does.

``qconfig_spec`` is a set of module types or of submodule names (dotted, as in
``named_modules``), or a dict from those to a ``QConfig``; a key that is neither (for
example an int) matches nothing, as in PyTorch. The root module itself is never swapped.

>>> net = ember.nn.Sequential(ember.nn.Linear(4, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
>>> q = ember.ao.quantization.quantize_dynamic(net, {ember.nn.Linear}, dtype=ember.qint8)
>>> type(q[0]).__name__, type(net[0]).__name__
('Linear', 'Linear')
>>> q[0]
DynamicQuantizedLinear(in_features=4, out_features=4, dtype=torch.qint8, qscheme=torch.per_tensor_affine)
"""
import copy
import itertools

from ... import _quantized as Q
from ... import nn
from .qconfig import default_dynamic_qconfig, float16_dynamic_qconfig, \
    float_qparams_weight_only_qconfig

__all__ = ["quantize_dynamic", "get_default_dynamic_quant_module_mappings", "propagate_qconfig_"]


def get_default_dynamic_quant_module_mappings():
    """float module type -> dynamic quantized module type.

    >>> m = ember.ao.quantization.get_default_dynamic_quant_module_mappings()
    >>> m[ember.nn.Linear].__name__
    'Linear'
    """
    from ..nn.quantized import dynamic as nnqd
    from ...nn.modules.linear import NonDynamicallyQuantizableLinear  # noqa: F401
    return {nn.GRUCell: nnqd.GRUCell, nn.LSTMCell: nnqd.LSTMCell, nn.RNNCell: nnqd.RNNCell,
            nn.Linear: nnqd.Linear, nn.LSTM: nnqd.LSTM, nn.GRU: nnqd.GRU}


def _is_dtype(dtype, name):
    return getattr(dtype, "name", None) == name


def _default_spec(dtype):
    types = (nn.Linear, nn.LSTM, nn.GRU, nn.LSTMCell, nn.RNNCell, nn.GRUCell)
    if _is_dtype(dtype, "qint8"):
        return dict.fromkeys(types, default_dynamic_qconfig)
    if _is_dtype(dtype, "float16"):
        return dict.fromkeys(types, float16_dynamic_qconfig)
    if _is_dtype(dtype, "quint8") or _is_dtype(dtype, "quint4x2"):
        return {nn.EmbeddingBag: float_qparams_weight_only_qconfig,
                nn.Embedding: float_qparams_weight_only_qconfig}
    raise ValueError(f"Don't know how to quantize with default settings for {dtype}. "
                     "Provide full qconfig please")


def propagate_qconfig_(module, qconfig_dict=None, prepare_custom_config_dict=None):
    """Set ``.qconfig`` on ``module`` and every submodule: the entry for its name, else
    for its type, else its parent's (an existing ``.qconfig`` attribute wins)."""
    _propagate(module, qconfig_dict or {}, None, "")


def _propagate(module, spec, parent, prefix):
    qc = spec.get(type(module), parent)
    qc = spec.get(prefix, qc)
    qc = getattr(module, "qconfig", qc)
    module.qconfig = qc
    for name, child in module.named_children():
        _propagate(child, spec, qc, prefix + "." + name if prefix else name)


def _swap_dynamic(mod, mapping):
    """``mapping[type(mod)].from_float(mod)`` when ``mod`` has a qconfig, keeping its hooks."""
    if getattr(mod, "qconfig", None) is None or type(mod) not in mapping:
        return mod
    new = mapping[type(mod)].from_float(mod)
    for h in mod._forward_pre_hooks.values():
        new.register_forward_pre_hook(h)
    for h in mod._forward_hooks.values():
        new.register_forward_hook(h)
    return new


def _convert_dynamic(module, mapping, remove_qconfig=True):
    """Swap every submodule that has a qconfig and a ``mapping`` entry (children only)."""
    _convert(module, mapping)
    if remove_qconfig:
        for m in module.modules():
            if "qconfig" in m.__dict__:
                del m.__dict__["qconfig"]
    return module


def _convert(module, mapping):
    new = {}
    for name, child in module.named_children():
        _convert(child, mapping)
        new[name] = _swap_dynamic(child, mapping)
    for name, child in new.items():
        module._modules[name] = child


def quantize_dynamic(model, qconfig_spec=None, dtype=None, mapping=None, inplace=False):
    """A copy of ``model`` (or ``model`` itself with ``inplace=True``) in eval mode whose
    Linear/LSTM/GRU/LSTMCell/GRUCell/RNNCell submodules chosen by ``qconfig_spec`` are
    replaced by dynamically quantized ones (``dtype`` ``ember.qint8`` or ``ember.float16``).

    >>> net = ember.nn.Sequential(ember.nn.Linear(3, 3))
    >>> ember.quantization.quantize_dynamic(net, {0: 1})[0]
    Linear(in_features=3, out_features=3, bias=True)
    """
    dtype = Q.qint8 if dtype is None else dtype
    if qconfig_spec is None:
        qconfig_spec = _default_spec(dtype)
    elif isinstance(qconfig_spec, set):
        if _is_dtype(dtype, "qint8"):
            default = default_dynamic_qconfig
        elif _is_dtype(dtype, "float16"):
            default = float16_dynamic_qconfig
        elif _is_dtype(dtype, "quint8") or _is_dtype(dtype, "quint4x2"):
            default = float_qparams_weight_only_qconfig
        else:
            raise RuntimeError("Unknown dtype specified for quantize_dynamic: ", str(dtype))
        qconfig_spec = dict(zip(qconfig_spec, itertools.repeat(default)))
    if mapping is None:
        mapping = get_default_dynamic_quant_module_mappings()
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    propagate_qconfig_(model, qconfig_spec)
    _convert_dynamic(model, mapping)
    return model
