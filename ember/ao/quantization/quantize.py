"""Eager-mode static quantization and QAT, PyTorch's flow: ``prepare`` (observers after
each quantizable leaf, under PyTorch's module names), ``prepare_qat`` (QAT modules with
fake-quantized weights, fake quantization of activations), ``convert`` (quantized
modules), and ``quantize``/``quantize_qat`` that run all three.

>>> m = ember.nn.Sequential(ember.ao.quantization.QuantStub(), ember.nn.Linear(2, 2),
...                         ember.ao.quantization.DeQuantStub()).eval()
>>> m.qconfig = ember.ao.quantization.default_qconfig
>>> p = ember.ao.quantization.prepare(m); _ = p(ember.randn(4, 2))
>>> ember.ao.quantization.convert(p)
Sequential(
  (0): Quantize(scale=tensor([...]), zero_point=tensor([...]), dtype=torch.quint8)
  (1): QuantizedLinear(in_features=2, out_features=2, scale=..., zero_point=..., qscheme=torch.per_tensor_affine)
  (2): DeQuantize()
)
"""
import copy
import inspect

from ... import nn
from ..nn import quantized as nnq
from ..nn import qat as nnqat
from ..nn.intrinsic import fused as nni, _FusedModule
from ..nn.intrinsic import qat as nniqat
from ..nn.intrinsic import quantized as nniq
from ..nn.quantized import float_on_quantized as fq_ops
from .stubs import QuantStub, DeQuantStub
from .observer import ObserverBase
from .fake_quantize import (FakeQuantizeBase, default_fixed_qparams_range_0to1_fake_quant,
                            default_fixed_qparams_range_neg1to1_fake_quant)
from .quantize_dynamic import propagate_qconfig_

__all__ = ["prepare", "prepare_qat", "convert", "quantize", "quantize_qat", "swap_module",
           "add_quant_dequant", "get_default_static_quant_module_mappings",
           "get_default_qat_module_mappings", "get_default_qconfig_propagation_list",
           "get_static_quant_module_class", "no_observer_set", "get_observer_state_dict",
           "load_observer_state_dict", "qconfig_equals", "default_eval_fn", "get_combined_dict"]


class _NotBuiltQuantized:
    """Stands in the static mapping for PyTorch's quantized modules ember lacks."""

    def __init__(self, name):
        self.name = name

    def from_float(self, mod, use_precomputed_fake_quant=False):
        raise NotImplementedError(f"ember: quantized {self.name} (the static quantized module "
                                  f"convert makes of {type(mod).__name__}) is not built")


_NOT_BUILT = [nn.BatchNorm2d, nn.BatchNorm3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
              nn.ConvTranspose3d, nn.ELU, nn.Embedding, nn.EmbeddingBag, nn.GroupNorm,
              nn.Hardswish, nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d,
              nn.LayerNorm, nn.LeakyReLU, nn.PReLU]


def get_default_static_quant_module_mappings():
    """float/QAT module type -> quantized module type (``convert``'s default); ember adds
    ``nn.ReLU``, ``nn.MaxPool2d`` and ``nn.AdaptiveAvgPool2d`` (subclasses that also take
    quantized tensors).

    >>> m = ember.ao.quantization.get_default_static_quant_module_mappings()
    >>> m[ember.nn.Conv2d].__name__
    'Conv2d'
    """
    table = {
        QuantStub: nnq.Quantize, DeQuantStub: nnq.DeQuantize, nn.Dropout: nnq.Dropout,
        nn.Conv1d: nnq.Conv1d, nn.Conv2d: nnq.Conv2d, nn.Conv3d: nnq.Conv3d,
        nn.ReLU6: nnq.ReLU6, nn.Linear: nnq.Linear, nnq.FloatFunctional: nnq.QFunctional,
        nni.BNReLU2d: nniq.BNReLU2d, nni.BNReLU3d: nniq.BNReLU3d,
        nni.ConvReLU1d: nniq.ConvReLU1d, nni.ConvReLU2d: nniq.ConvReLU2d,
        nni.ConvReLU3d: nniq.ConvReLU3d, nni.LinearReLU: nniq.LinearReLU,
        nniqat.ConvBn1d: nnq.Conv1d, nniqat.ConvBn2d: nnq.Conv2d, nniqat.ConvBn3d: nnq.Conv3d,
        nniqat.ConvBnReLU1d: nniq.ConvReLU1d, nniqat.ConvBnReLU2d: nniq.ConvReLU2d,
        nniqat.ConvBnReLU3d: nniq.ConvReLU3d, nniqat.ConvReLU2d: nniq.ConvReLU2d,
        nniqat.ConvReLU3d: nniq.ConvReLU3d, nniqat.LinearReLU: nniq.LinearReLU,
        nnqat.Linear: nnq.Linear, nnqat.Conv2d: nnq.Conv2d, nnqat.Conv3d: nnq.Conv3d,
        nniqat.LinearBn1d: nnq.Linear,
        nn.ReLU: fq_ops.ReLU, nn.MaxPool2d: fq_ops.MaxPool2d,
        nn.AdaptiveAvgPool2d: fq_ops.AdaptiveAvgPool2d,
    }
    for t in _NOT_BUILT:
        table[t] = _NotBuiltQuantized(t.__name__)
    return table


def get_default_qat_module_mappings():
    """float/fused module type -> QAT module type (``prepare_qat``'s default).

    >>> ember.ao.quantization.get_default_qat_module_mappings()[ember.nn.Linear].__module__
    'ember.ao.nn.qat.modules'
    """
    return {nn.Conv2d: nnqat.Conv2d, nn.Conv3d: nnqat.Conv3d, nn.Linear: nnqat.Linear,
            nni.ConvBn1d: nniqat.ConvBn1d, nni.ConvBn2d: nniqat.ConvBn2d,
            nni.ConvBn3d: nniqat.ConvBn3d, nni.ConvBnReLU1d: nniqat.ConvBnReLU1d,
            nni.ConvBnReLU2d: nniqat.ConvBnReLU2d, nni.ConvBnReLU3d: nniqat.ConvBnReLU3d,
            nni.ConvReLU2d: nniqat.ConvReLU2d, nni.ConvReLU3d: nniqat.ConvReLU3d,
            nni.LinearReLU: nniqat.LinearReLU, nni.LinearBn1d: nniqat.LinearBn1d}


def get_default_qconfig_propagation_list():
    """Module types that get a qconfig and, as leaves, an output observer.

    >>> ember.nn.Linear in ember.ao.quantization.get_default_qconfig_propagation_list()
    True
    """
    static = get_default_static_quant_module_mappings()
    for t in (nn.ReLU, nn.MaxPool2d, nn.AdaptiveAvgPool2d):
        static.pop(t)
    dynamic = (nn.GRUCell, nn.LSTMCell, nn.RNNCell, nn.Linear, nn.LSTM, nn.GRU)
    return set(static) | set(get_default_qat_module_mappings()) | set(dynamic) | {nn.Sequential}


def get_static_quant_module_class(float_module_class, additional_static_quant_mapping=None,
                                  is_reference=False):
    """The quantized class ``convert`` swaps ``float_module_class`` for.

    >>> ember.ao.quantization.get_static_quant_module_class(ember.nn.Linear).__name__
    'Linear'
    """
    if is_reference:
        raise NotImplementedError("ember: reference quantized modules are not built")
    table = get_default_static_quant_module_mappings()
    table.update(additional_static_quant_mapping or {})
    cls = table.get(float_module_class)
    if cls is None:
        raise AssertionError(f"Floating point module class {float_module_class} does not have "
                             "a corresponding quantized module class")
    return copy.deepcopy(cls)


def no_observer_set():
    """Module types that get no observer (none in ember's mappings).

    >>> ember.ao.quantization.no_observer_set()
    set()
    """
    return set()


_SPECIAL_ACT = {nn.Hardsigmoid: default_fixed_qparams_range_0to1_fake_quant,
                nn.Sigmoid: default_fixed_qparams_range_0to1_fake_quant,
                nn.Softmax: default_fixed_qparams_range_0to1_fake_quant,
                nn.Tanh: default_fixed_qparams_range_neg1to1_fake_quant}


def _observer_forward_hook(self, input, output):
    return self.activation_post_process(output)


def _needs_observation(m):
    return getattr(m, "qconfig", None) is not None


def _insert_observer(m, special=None):
    if _needs_observation(m) and not isinstance(m, DeQuantStub):
        m.add_module("activation_post_process",
                     special() if special is not None else m.qconfig.activation())
        m.register_forward_hook(_observer_forward_hook, prepend=True)


def _add_observer_(module, propagation, non_leaf=None):
    for child in module.children():
        t = type(child)
        if t is nn.Dropout:
            continue
        if issubclass(t, (nnq.FloatFunctional, nnq.QFunctional)):
            if _needs_observation(child):
                child.activation_post_process = child.qconfig.activation()
        elif isinstance(child, _FusedModule):
            _insert_observer(child)
        elif non_leaf is not None and t in non_leaf:
            _insert_observer(child)
        elif child.training and t in _SPECIAL_ACT:
            _insert_observer(child, _SPECIAL_ACT[t])
        else:
            _add_observer_(child, propagation, non_leaf)
    if not module._modules and not isinstance(module, nn.Sequential) and \
            type(module) in propagation:
        _insert_observer(module)


def prepare(model, inplace=False, allow_list=None, observer_non_leaf_module_list=None,
            prepare_custom_config_dict=None):
    """A copy of ``model`` (``inplace``: ``model``) with qconfigs propagated from
    ``model.qconfig`` and an observer (``activation_post_process``) after every
    quantizable leaf, ready for calibration.

    >>> m = ember.nn.Sequential(ember.nn.Linear(2, 2)); m.qconfig = ember.ao.quantization.default_qconfig
    >>> ember.ao.quantization.prepare(m)[0].activation_post_process
    MinMaxObserver(min_val=inf, max_val=-inf)
    """
    if prepare_custom_config_dict:
        raise NotImplementedError("ember: prepare_custom_config_dict (custom modules)")
    if not inplace:
        model = copy.deepcopy(model)
    propagate_qconfig_(model, None)
    if not any(_needs_observation(m) for m in model.modules()):
        import warnings
        warnings.warn("None of the submodule got qconfig applied. Make sure you passed correct "
                      "configuration through `qconfig_dict` or by assigning the `.qconfig` "
                      "attribute directly on submodules", stacklevel=2)
    propagation = get_default_qconfig_propagation_list() if allow_list is None else allow_list
    _add_observer_(model, propagation, observer_non_leaf_module_list)
    return model


def prepare_qat(model, mapping=None, inplace=False):
    """For quantization-aware training: swap in QAT modules (``mapping``, default
    :func:`get_default_qat_module_mappings`) and attach fake quantization; ``model`` must
    be in training mode.

    >>> m = ember.nn.Sequential(ember.nn.Linear(2, 2))
    >>> m.qconfig = ember.ao.quantization.get_default_qat_qconfig("x86")
    >>> type(ember.ao.quantization.prepare_qat(m)[0]).__module__
    'ember.ao.nn.qat.modules'
    """
    if not model.training:
        raise AssertionError("prepare_qat only works on models in training mode")
    if mapping is None:
        mapping = get_default_qat_module_mappings()
    if not inplace:
        model = copy.deepcopy(model)
    propagate_qconfig_(model, None)
    convert(model, mapping=mapping, inplace=True, remove_qconfig=False)
    prepare(model, observer_non_leaf_module_list=set(mapping.values()), inplace=True)
    return model


def swap_module(mod, mapping, custom_module_class_mapping=None, use_precomputed_fake_quant=False):
    """``mapping[type(mod)].from_float(mod)`` when ``mod`` has a qconfig, keeping its hooks
    (but not the observer hook).

    >>> ember.ao.quantization.swap_module(ember.nn.ReLU(), {})
    ReLU()
    """
    if getattr(mod, "qconfig", None) is None or type(mod) not in mapping:
        return mod
    qmod = mapping[type(mod)]
    params = inspect.signature(qmod.from_float).parameters
    if "use_precomputed_fake_quant" in params:
        new = qmod.from_float(mod, use_precomputed_fake_quant=use_precomputed_fake_quant)
    else:
        new = qmod.from_float(mod)
    for hook in mod._forward_pre_hooks.values():
        new.register_forward_pre_hook(hook)
    for hook in mod._forward_hooks.values():
        if hook is not _observer_forward_hook:
            new.register_forward_hook(hook)
    return new


def _fused_like():
    """Fused modules (float, and QAT: PyTorch's also derive from _FusedModule), whose
    children convert leaves alone."""
    from ..nn.intrinsic.qat.modules import _ConvBnNd
    return (_FusedModule, _ConvBnNd, nniqat.LinearReLU, nniqat.ConvReLU1d, nniqat.ConvReLU2d,
            nniqat.ConvReLU3d)


def _convert(module, mapping, use_precomputed_fake_quant):
    new = {}
    for name, child in module.named_children():
        if not isinstance(child, _fused_like()):
            _convert(child, mapping, use_precomputed_fake_quant)
        new[name] = swap_module(child, mapping, None, use_precomputed_fake_quant)
    for name, child in new.items():
        module._modules[name] = child


def _is_post_process(m):
    return isinstance(m, (ObserverBase, FakeQuantizeBase))


def _remove_qconfig(module):
    for child in module.children():
        _remove_qconfig(child)
    module.__dict__.pop("qconfig", None)
    app = module._modules.get("activation_post_process")
    if app is not None and _is_post_process(app):
        del module._modules["activation_post_process"]
        for k, hook in list(module._forward_hooks.items()):
            if hook is _observer_forward_hook:
                del module._forward_hooks[k]


def convert(module, mapping=None, inplace=False, remove_qconfig=True, is_reference=False,
            convert_custom_config_dict=None, use_precomputed_fake_quant=False):
    """Swap every submodule that has a qconfig and a ``mapping`` entry (default: the static
    quantized modules) for its converted twin, then drop qconfigs and observers.

    >>> ember.ao.quantization.convert(ember.nn.Sequential(ember.nn.ReLU()))
    Sequential(
      (0): ReLU()
    )
    """
    if is_reference:
        raise NotImplementedError("ember: convert(is_reference=True) (reference quantized "
                                  "modules) is not built")
    if convert_custom_config_dict:
        raise NotImplementedError("ember: convert_custom_config_dict (custom modules)")
    if mapping is None:
        mapping = get_default_static_quant_module_mappings()
    if not inplace:
        module = copy.deepcopy(module)
    _convert(module, mapping, use_precomputed_fake_quant)
    if remove_qconfig:
        _remove_qconfig(module)
    return module


def quantize(model, run_fn, run_args, mapping=None, inplace=False):
    """Post-training static quantization in one call: eval, prepare, ``run_fn(model,
    *run_args)`` to calibrate, convert.

    >>> m = ember.nn.Sequential(ember.ao.quantization.QuantStub(), ember.nn.Linear(2, 2))
    >>> m.qconfig = ember.ao.quantization.default_qconfig
    >>> q = ember.ao.quantization.quantize(m, lambda mod, x: mod(x), [ember.randn(3, 2)])
    >>> type(q[1]).__name__
    'Linear'
    """
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    prepare(model, inplace=True)
    run_fn(model, *run_args)
    convert(model, mapping, inplace=True)
    return model


def quantize_qat(model, run_fn, run_args, inplace=False):
    """Quantization-aware training in one call: train mode, prepare_qat, ``run_fn(model,
    *run_args)`` to train, convert.

    >>> m = ember.nn.Sequential(ember.ao.quantization.QuantStub(), ember.nn.Linear(2, 2))
    >>> m.qconfig = ember.ao.quantization.default_qat_qconfig
    >>> q = ember.ao.quantization.quantize_qat(m, lambda mod, x: mod(x), [ember.randn(3, 2)])
    >>> type(q[1]).__name__
    'Linear'
    """
    if not inplace:
        model = copy.deepcopy(model)
    model.train()
    prepare_qat(model, inplace=True)
    run_fn(model, *run_args)
    convert(model, inplace=True)
    return model


def add_quant_dequant(module):
    """Wrap every leaf with a qconfig in a ``QuantWrapper`` (PyTorch's ``add_quant_dequant``).

    >>> m = ember.nn.Sequential(ember.nn.Linear(2, 2)); m[0].qconfig = ember.ao.quantization.default_qconfig
    >>> type(ember.ao.quantization.add_quant_dequant(m)[0]).__name__
    'QuantWrapper'
    """
    from .stubs import QuantWrapper
    if not module._modules and getattr(module, "qconfig", None):
        return QuantWrapper(module)
    for name, child in module.named_children():
        module._modules[name] = add_quant_dequant(child)
    return module


def get_observer_state_dict(mod):
    """The observers' entries of ``mod.state_dict()`` (keys with ``activation_post_process``).

    >>> m = ember.nn.Sequential(ember.nn.Linear(2, 2)); m.qconfig = ember.ao.quantization.default_qconfig
    >>> list(ember.ao.quantization.get_observer_state_dict(ember.ao.quantization.prepare(m)))
    ['0.activation_post_process.eps', '0.activation_post_process.min_val', '0.activation_post_process.max_val']
    """
    from collections import OrderedDict
    return OrderedDict((k, v) for k, v in mod.state_dict().items()
                       if "activation_post_process" in k)


def load_observer_state_dict(mod, obs_dict):
    """Load ``obs_dict`` (from :func:`get_observer_state_dict`) into ``mod``'s observers;
    an observer key missing or left over raises.

    >>> m = ember.nn.Sequential(ember.nn.Linear(2, 2)); m.qconfig = ember.ao.quantization.default_qconfig
    >>> p = ember.ao.quantization.prepare(m)
    >>> ember.ao.quantization.load_observer_state_dict(p, ember.ao.quantization.get_observer_state_dict(p))
    """
    missing, unexpected = [], []
    for name, module in mod.named_modules():
        if _is_post_process(module):
            module._load_from_state_dict(obs_dict, name + "." if name else "", {}, False, missing,
                                         unexpected, [])
    for k in missing:
        if "observer" in k or "activation_post_process" in k:
            raise Exception(f"Missing keys for observer {k} in state_dict")  # noqa: TRY002
    for k in unexpected:
        if "observer" in k or "activation_post_process" in k:
            raise Exception(f"Unexpected keys for observer {k} in state_dict")  # noqa: TRY002


def _same_ctr(a, b):
    if hasattr(a, "func") and hasattr(b, "func"):
        return a.func == b.func and a.args == b.args and a.keywords == b.keywords
    return a == b


def qconfig_equals(q1, q2):
    """Whether two qconfigs name the same observer constructors with the same arguments.

    >>> Q = ember.ao.quantization
    >>> Q.qconfig_equals(Q.default_qconfig, Q.default_qconfig), Q.qconfig_equals(Q.default_qconfig, Q.default_qat_qconfig)
    (True, False)
    """
    if q1 is None or q2 is None:
        return q1 == q2
    return _same_ctr(q1.activation, q2.activation) and _same_ctr(q1.weight, q2.weight)


def default_eval_fn(model, calib_data):
    """Calibration loop: ``model(data)`` for each ``(data, target)`` in ``calib_data``.

    >>> ember.ao.quantization.default_eval_fn(ember.nn.Identity(), [(ember.ones(1), 0)])
    """
    for data, _target in calib_data:
        model(data)


def get_combined_dict(default_dict, additional_dict):
    """A copy of ``default_dict`` updated with ``additional_dict``.

    >>> ember.ao.quantization.get_combined_dict({1: 2}, {3: 4})
    {1: 2, 3: 4}
    """
    d = dict(default_dict)
    d.update(additional_dict)
    return d
