"""The hook-based ``torch.nn.utils.weight_norm`` / ``remove_weight_norm``: ``weight`` is
recomputed before every forward as ``weight_g * weight_v / ||weight_v||`` (the norm taken
over every dim but ``dim``), from the parameters ``weight_g`` and ``weight_v``.

>>> m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
>>> list(m.state_dict()), m.weight_g.shape
(['bias', 'weight_g', 'weight_v'], torch.Size([2, 1]))
"""
import warnings

from ..parameter import Parameter, UninitializedParameter
from ...autograd.grad_mode import no_grad

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _norm_except_dim(v, dim):
    """The 2-norm of ``v`` over all dims but ``dim`` (kept as size-1 dims); the norm of the
    whole tensor (0-d) when ``dim == -1``, as PyTorch's ``norm_except_dim``."""
    if dim == -1:
        return v.norm()
    if dim < 0:
        dim += v.dim()
    dims = tuple(d for d in range(v.dim()) if d != dim)
    return (v * v).sum(dims, keepdim=True).sqrt()


def _weight_norm(v, g, dim):
    """``v * (g / norm_except_dim(v, dim))``."""
    return v * (g / _norm_except_dim(v, dim))


class WeightNorm:
    """The forward pre-hook that recomputes ``module.<name>`` from ``<name>_g`` and ``<name>_v``.

    >>> ember.nn.utils.weight_norm(ember.nn.Linear(2, 2))._forward_pre_hooks.popitem()[1].name
    'weight'
    """

    def __init__(self, name, dim):
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        if dim is None:
            dim = -1
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. "
                             "Make sure to run the dummy forward before applying weight normalization")
        del module._parameters[name]
        with no_grad():
            module.register_parameter(name + "_g", Parameter(_norm_except_dim(weight, dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrize ``module.<name>`` by a magnitude ``<name>_g`` and a direction
    ``<name>_v`` (a forward pre-hook recomputes it). ``dim=None`` normalises the whole tensor.

    >>> ember.nn.utils.weight_norm(ember.nn.Conv1d(2, 4, 3), dim=None).weight_g.shape
    torch.Size([])
    """
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Fold the weight norm of ``module.<name>`` back into a plain parameter.

    >>> list(ember.nn.utils.remove_weight_norm(ember.nn.utils.weight_norm(ember.nn.Linear(2, 2))).state_dict())
    ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
