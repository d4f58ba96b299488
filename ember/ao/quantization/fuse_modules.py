"""``fuse_modules`` / ``fuse_modules_qat``: replace a run of submodules (conv + bn (+ relu),
conv + relu, linear + relu, linear + bn, bn + relu) by one fused module, the rest by
``nn.Identity``, as PyTorch does. In eval mode (``fuse_modules``) a batch norm is folded
into the conv/linear weights; for QAT (``fuse_modules_qat``) it is kept in an
``ember.ao.nn.intrinsic`` ConvBn*/LinearBn1d module.

>>> m = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.BatchNorm2d(2), ember.nn.ReLU())
>>> ember.ao.quantization.fuse_modules(m.eval(), [["0", "1", "2"]])
Sequential(
  (0): ConvReLU2d(
    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))
    (1): ReLU()
  )
  (1): Identity()
  (2): Identity()
)
"""
import copy

from ... import nn
from ...nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval
from ..nn.intrinsic import fused as nni

__all__ = ["fuse_modules", "fuse_modules_qat", "fuse_known_modules", "get_fuser_method",
           "fuse_conv_bn", "fuse_conv_bn_relu", "fuse_linear_bn"]

_CONV_BN = {nn.Conv1d: nni.ConvBn1d, nn.Conv2d: nni.ConvBn2d, nn.Conv3d: nni.ConvBn3d}
_CONV_BN_RELU = {nn.Conv1d: nni.ConvBnReLU1d, nn.Conv2d: nni.ConvBnReLU2d,
                 nn.Conv3d: nni.ConvBnReLU3d}
_CONV_RELU = {nn.Conv1d: nni.ConvReLU1d, nn.Conv2d: nni.ConvReLU2d, nn.Conv3d: nni.ConvReLU3d}


def _check_bn(conv_out, bn, what):
    if bn.num_features != conv_out:
        raise AssertionError(f"Output channel of {what} must match num_features of BatchNorm")
    if not bn.affine:
        raise AssertionError("Only support fusing BatchNorm with affine set to True")
    if not bn.track_running_stats:
        raise AssertionError("Only support fusing BatchNorm with tracking_running_stats set to "
                             "True")


def fuse_conv_bn(is_qat, conv, bn):
    """Conv + BatchNorm: a ConvBn module (QAT) or the conv with the batch norm folded in.

    >>> c = ember.ao.quantization.fuse_conv_bn(True, ember.nn.Conv2d(1, 2, 1), ember.nn.BatchNorm2d(2))
    >>> type(c).__name__
    'ConvBn2d'
    """
    if conv.training != bn.training:
        raise AssertionError("Conv and BN both must be in the same mode (train or eval).")
    if is_qat:
        _check_bn(conv.out_channels, bn, "Conv")
        cls = _CONV_BN.get(type(conv))
        if cls is None:
            raise NotImplementedError(f"Cannot fuse train modules: {(conv, bn)}")
        return cls(conv, bn)
    return fuse_conv_bn_eval(conv, bn)


def fuse_conv_bn_relu(is_qat, conv, bn, relu):
    """Conv + BatchNorm + ReLU: ConvBnReLU (QAT) or ConvReLU of the folded conv.

    >>> m = [ember.nn.Conv2d(1, 2, 1).eval(), ember.nn.BatchNorm2d(2).eval(), ember.nn.ReLU().eval()]
    >>> type(ember.ao.quantization.fuse_conv_bn_relu(False, *m)).__name__
    'ConvReLU2d'
    """
    if not conv.training == bn.training == relu.training:
        raise AssertionError("Conv and BN both must be in the same mode (train or eval).")
    if is_qat:
        _check_bn(conv.out_channels, bn, "Conv")
        cls = _CONV_BN_RELU.get(type(conv))
        if cls is None:
            raise NotImplementedError(f"Cannot fuse train modules: {(conv, bn, relu)}")
        return cls(conv, bn, relu)
    cls = _CONV_RELU.get(type(conv))
    if cls is None:
        raise NotImplementedError(f"Cannot fuse eval modules: {(conv, bn, relu)}")
    return cls(fuse_conv_bn_eval(conv, bn), relu)


def fuse_linear_bn(is_qat, linear, bn):
    """Linear + BatchNorm1d: LinearBn1d (QAT) or the linear with the batch norm folded in.

    >>> m = [ember.nn.Linear(2, 3).eval(), ember.nn.BatchNorm1d(3).eval()]
    >>> ember.ao.quantization.fuse_linear_bn(False, *m)
    Linear(in_features=2, out_features=3, bias=True)
    """
    if linear.training != bn.training:
        raise AssertionError("Linear and BN both must be in the same mode (train or eval).")
    if is_qat:
        _check_bn(linear.out_features, bn, "Linear")
        return nni.LinearBn1d(linear, bn)
    return fuse_linear_bn_eval(linear, bn)


def _wrap2(cls):
    def fuser(is_qat, a, b):
        return cls(a, b)
    return fuser


_FUSERS = {
    (nn.Conv1d, nn.BatchNorm1d): fuse_conv_bn, (nn.Conv2d, nn.BatchNorm2d): fuse_conv_bn,
    (nn.Conv3d, nn.BatchNorm3d): fuse_conv_bn,
    (nn.Conv1d, nn.BatchNorm1d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv2d, nn.BatchNorm2d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv3d, nn.BatchNorm3d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv1d, nn.ReLU): _wrap2(nni.ConvReLU1d), (nn.Conv2d, nn.ReLU): _wrap2(nni.ConvReLU2d),
    (nn.Conv3d, nn.ReLU): _wrap2(nni.ConvReLU3d), (nn.Linear, nn.BatchNorm1d): fuse_linear_bn,
    (nn.BatchNorm2d, nn.ReLU): _wrap2(nni.BNReLU2d), (nn.BatchNorm3d, nn.ReLU): _wrap2(nni.BNReLU3d),
    (nn.Linear, nn.ReLU): _wrap2(nni.LinearReLU),
}


def get_fuser_method(op_list, additional_fuser_method_mapping=None):
    """The function that fuses modules of the types in ``op_list`` (AssertionError if
    there is none, as in PyTorch).

    >>> ember.ao.quantization.get_fuser_method((ember.nn.Linear, ember.nn.ReLU)) is not None
    True
    """
    table = dict(_FUSERS)
    table.update(additional_fuser_method_mapping or {})
    fuser = table.get(tuple(op_list))
    if fuser is None:
        raise AssertionError(f"did not find fuser method for: {tuple(op_list)} ")
    return fuser


def fuse_known_modules(mod_list, is_qat, additional_fuser_method_mapping=None):
    """The fused module followed by Identities, one per module in ``mod_list``; forward
    pre-hooks of the first and forward hooks of the last move to the fused module."""
    types = tuple(type(m) for m in mod_list)
    fuser = get_fuser_method(types, additional_fuser_method_mapping)
    fused = fuser(is_qat, *mod_list)
    for hook in mod_list[0]._forward_pre_hooks.values():
        fused.register_forward_pre_hook(hook)
    mod_list[0]._forward_pre_hooks.clear()
    for hook in mod_list[-1]._forward_hooks.values():
        fused.register_forward_hook(hook)
    mod_list[-1]._forward_hooks.clear()
    out = [fused]
    for _ in mod_list[1:]:
        ident = nn.Identity()
        ident.training = mod_list[0].training
        out.append(ident)
    return out


def _get_module(model, name):
    for part in name.split("."):
        model = getattr(model, part)
    return model


def _set_module(model, name, new):
    *parents, last = name.split(".")
    for part in parents:
        model = getattr(model, part)
    setattr(model, last, new)


def _fuse(model, modules_to_fuse, is_qat, fuser_func, fuse_custom_config_dict):
    additional = (fuse_custom_config_dict or {}).get("additional_fuser_method_mapping", {})
    groups = modules_to_fuse if all(isinstance(m, (list, tuple)) for m in modules_to_fuse) \
        else [modules_to_fuse]
    for names in groups:
        mods = [_get_module(model, n) for n in names]
        new = fuser_func(mods, is_qat, additional)
        for n, m in zip(names, new):
            _set_module(model, n, m)
    return model


def fuse_modules(model, modules_to_fuse, inplace=False, fuser_func=fuse_known_modules,
                 fuse_custom_config_dict=None):
    """Fuse each list of submodule names in ``modules_to_fuse`` (eval mode: batch norms are
    folded into the weights). Returns the fused copy (or ``model`` with ``inplace=True``).

    >>> m = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.ReLU())
    >>> type(ember.ao.quantization.fuse_modules(m, ["0", "1"])[0]).__name__
    'LinearReLU'
    """
    if not inplace:
        model = copy.deepcopy(model)
    return _fuse(model, modules_to_fuse, False, fuser_func, fuse_custom_config_dict)


def fuse_modules_qat(model, modules_to_fuse, inplace=False, fuser_func=fuse_known_modules,
                     fuse_custom_config_dict=None):
    """Fuse for quantization-aware training: conv + bn (+ relu) stay ConvBn(ReLU) modules.

    >>> m = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 1), ember.nn.BatchNorm2d(2))
    >>> type(ember.ao.quantization.fuse_modules_qat(m, ["0", "1"])[0]).__name__
    'ConvBn2d'
    """
    if not inplace:
        model = copy.deepcopy(model)
    return _fuse(model, modules_to_fuse, True, fuser_func, fuse_custom_config_dict)
