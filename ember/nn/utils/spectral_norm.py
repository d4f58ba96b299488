"""The hook-based ``torch.nn.utils.spectral_norm`` / ``remove_spectral_norm``: before each
forward, ``weight = weight_orig / sigma``, with ``sigma`` the largest singular value of
``weight_orig`` (as a matrix over ``dim``) estimated by power iteration on the buffers
``weight_u`` and ``weight_v`` (updated in training only).

>>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
>>> list(m.state_dict())
['bias', 'weight_orig', 'weight_u', 'weight_v']
"""
from ..parameter import Parameter, UninitializedParameter
from .. import functional as F
from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ...autograd.grad_mode import no_grad
from ...autograd.function import _add_hook

__all__ = ["SpectralNorm", "SpectralNormLoadStateDictPreHook", "SpectralNormStateDictHook", "spectral_norm",
           "remove_spectral_norm"]


class SpectralNorm:
    """The forward pre-hook that recomputes ``module.<name>`` from ``<name>_orig``.

    >>> ember.nn.utils.spectral_norm(ember.nn.Linear(2, 2))._forward_pre_hooks.popitem()[1].eps
    1e-12
    """

    _version = 1

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.name = name
        self.dim = dim
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.reshape(weight.size(0), -1)

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                w = weight_mat.detach()
                for _ in range(self.n_power_iterations):
                    v.copy_(F.normalize(w.t().mv(u), dim=0, eps=self.eps))
                    u.copy_(F.normalize(w.mv(v), dim=0, eps=self.eps))
                u = u.clone()
                v = v.clone()
        sigma = u.dot(weight_mat.mv(v))
        return weight / sigma

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `SpectralNorm` can't have uninitialized parameters. "
                             "Make sure to run the dummy forward before applying spectral normalization")
        with no_grad():
            weight_mat = fn.reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u = F.normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = F.normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        _add_hook(module._state_dict_hooks, SpectralNormStateDictHook(fn))
        _add_hook(module._load_state_dict_pre_hooks, SpectralNormLoadStateDictPreHook(fn))
        return fn

    def _solve_v_and_rescale(self, weight_mat, u, target_sigma):
        """A ``v`` with ``u^T W v == target_sigma`` (for checkpoints saved before ``weight_v`` existed)."""
        v = (weight_mat.t().mm(weight_mat)).pinverse().mm(weight_mat.t()).mm(u.unsqueeze(1)).squeeze(1)
        return v * (target_sigma / u.dot(weight_mat.mv(v)))


class SpectralNormLoadStateDictPreHook:
    """Before loading: a checkpoint from before version 1 (``weight``, ``weight_orig``, ``weight_u``,
    no ``weight_v``) gets the ``weight_v`` that reproduces its ``weight``.

    >>> from ember.nn.utils.spectral_norm import SpectralNormLoadStateDictPreHook
    >>> callable(SpectralNormLoadStateDictPreHook(None))
    True
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is not None and version >= 1:
            return
        weight_key = prefix + fn.name
        if version is None and weight_key not in state_dict and \
                all(weight_key + s in state_dict for s in ("_orig", "_u", "_v")):
            return  # a current checkpoint that lacks only the metadata
        missing = [weight_key + s for s in ("_orig", "", "_u") if weight_key + s not in state_dict]
        if missing:
            if strict:
                missing_keys.extend(missing)
            return
        with no_grad():
            weight_orig = state_dict[weight_key + "_orig"]
            weight = state_dict.pop(weight_key)
            sigma = (weight_orig / weight).mean()
            weight_mat = fn.reshape_weight_to_matrix(weight_orig)
            state_dict[weight_key + "_v"] = fn._solve_v_and_rescale(weight_mat, state_dict[weight_key + "_u"], sigma)


class SpectralNormStateDictHook:
    """After ``state_dict``: record ``spectral_norm.<name>.version`` in the module's metadata.

    >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(2, 2))
    >>> m.state_dict()._metadata[""]["spectral_norm"]
    {'weight.version': 1}
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        meta = getattr(state_dict, "_metadata", None)
        if meta is not None and prefix[:-1] in meta:
            local_metadata = meta[prefix[:-1]]
        local_metadata.setdefault("spectral_norm", {})
        key = self.fn.name + ".version"
        if key in local_metadata["spectral_norm"]:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        local_metadata["spectral_norm"][key] = self.fn._version


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its spectral norm before every forward (one power
    iteration per training forward). ``dim`` defaults to 1 for transposed convolutions, else 0.

    >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(4, 4)); _ = m(ember.randn(1, 4))
    >>> m.weight.shape
    torch.Size([4, 4])
    """
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Fold the spectral norm of ``module.<name>`` back into a plain parameter.

    >>> m = ember.nn.utils.remove_spectral_norm(ember.nn.utils.spectral_norm(ember.nn.Linear(2, 2)))
    >>> list(m.state_dict())
    ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            for hooks, kind in ((module._state_dict_hooks, SpectralNormStateDictHook),
                                (module._load_state_dict_pre_hooks, SpectralNormLoadStateDictPreHook)):
                for key, h in list(hooks.items()):
                    if isinstance(h, kind) and h.fn.name == name:
                        del hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
