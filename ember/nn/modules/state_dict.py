"""Saving and loading a ``Module``'s parameters and persistent buffers: ``state_dict`` and
``load_state_dict`` with PyTorch's dotted keys, ``_metadata``, hooks and error messages.
``Module`` takes these methods from ``ModuleStateDict``.

>>> m = ember.nn.Linear(2, 1)
>>> sorted(m.state_dict())
['bias', 'weight']
>>> ember.nn.Linear(2, 1).load_state_dict(m.state_dict())
<All keys matched successfully>
"""
import itertools
from collections import OrderedDict, namedtuple

from ..._tensor import Tensor
from ...autograd.function import _add_hook
from ..parameter import Parameter

__all__ = ["ModuleStateDict"]
_EXTRA = "_extra_state"

_IncompatibleKeys = namedtuple("_IncompatibleKeys", ["missing_keys", "unexpected_keys"])
_IncompatibleKeys.__repr__ = lambda self: ("<All keys matched successfully>"
                                           if not self.missing_keys and not self.unexpected_keys
                                           else f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
                                                f"unexpected_keys={self.unexpected_keys})")


class ModuleStateDict:
    """The state-dict methods of ``Module`` (a base class of it; it holds no state of its own)."""

    def register_state_dict_pre_hook(self, hook):
        return _add_hook(self._state_dict_pre_hooks, hook)

    def register_load_state_dict_post_hook(self, hook):
        return _add_hook(self._load_state_dict_post_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` runs before this module loads its entries."""
        return _add_hook(self._load_state_dict_pre_hooks, lambda *a: hook(self, *a))

    def register_state_dict_post_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata)`` runs after ``state_dict`` (in place)."""
        def post(*args):
            if hook(*args) is not None:
                raise RuntimeError("state_dict post-hook must return None")
        return _add_hook(self._state_dict_hooks, post)

    def get_extra_state(self):
        """Extra state for ``state_dict`` under ``'_extra_state'``: a module that has some overrides
        this (and ``set_extra_state``)."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called. Please "
                           "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                           "to report this bug.")

    def set_extra_state(self, state):
        """Restore what ``get_extra_state`` returned (overridden together with it)."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called. Please "
                           "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                           "to report this bug.")

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        if type(self).get_extra_state is not ModuleStateDict.get_extra_state:
            destination[prefix + _EXTRA] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An ordered dict of parameters and persistent buffers with PyTorch's dotted keys.

        >>> list(ember.nn.Sequential(ember.nn.Linear(2, 2)).state_dict())
        ['0.weight', '0.bias']
        """
        if args:  # the positional (destination, prefix, keep_vars) form
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        meta = getattr(destination, "_metadata", None)
        if meta is not None:
            meta[prefix[:-1]] = {"version": self._version}
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            r = hook(self, destination, prefix, {})
            if r is not None:
                destination = r
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local = {k: v for k, v in itertools.chain(self._parameters.items(), persistent.items()) if v is not None}
        from ...autograd.grad_mode import no_grad
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                                  f"Tensor-like object from checkpoint but received {type(value)}")
                continue
            if value.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {value.shape} "
                                  f"from checkpoint, the shape in current model is {param.shape}.")
                continue
            if assign and _swap_mode():  # keep the object, swap the checkpoint's tensor into it
                _swap_assign(self, name, param, value)
                continue
            if assign:  # take the checkpoint's tensor itself (its dtype too), no copy
                if isinstance(param, Parameter):
                    if isinstance(value, Parameter):
                        value.requires_grad_(param.requires_grad)
                    else:
                        value = Parameter(value, requires_grad=param.requires_grad)
                setattr(self, name, value)
                continue
            try:
                with no_grad():
                    param.copy_(value)
            except Exception as e:  # noqa: BLE001 - reported like PyTorch does
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the '
                                  f"model are {param.shape} and whose dimensions in the checkpoint are "
                                  f"{value.shape}, an exception occurred : {e.args}.")
        extra = type(self).set_extra_state is not ModuleStateDict.set_extra_state
        if extra:
            if prefix + _EXTRA in state_dict:
                self.set_extra_state(state_dict[prefix + _EXTRA])
            elif strict:
                missing_keys.append(prefix + _EXTRA)
        if strict:
            for key in state_dict:
                if key.startswith(prefix):
                    name = key[len(prefix):].split(".", 1)[0]
                    if name not in self._modules and name not in local and not (extra and name == _EXTRA):
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict``; returns missing/unexpected keys.

        With ``strict`` (the default) missing or unexpected keys raise RuntimeError, and
        a shape mismatch always does, with PyTorch's message. ``assign=True`` puts the
        state_dict's tensors into the module as they are (no copy; their dtype is kept),
        keeping each parameter's ``requires_grad``.

        >>> a, b = ember.nn.Linear(2, 2), ember.nn.Linear(2, 2)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)  # load-state-dict pre-hooks may rename keys: not in the caller's dict
        for prefix, m in self.named_modules(remove_duplicate=False):
            p = prefix + "." if prefix else ""
            local_meta = dict({} if metadata is None else metadata.get(prefix, {}))
            local_meta["assign_to_params_buffers"] = bool(assign)
            m._load_from_state_dict(state_dict, p, local_meta, True, missing, unexpected, errors)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self.__class__.__name__, "\n\t".join(errors)))
        result = _IncompatibleKeys(missing, unexpected)
        for hook in self._load_state_dict_post_hooks.values():
            hook(self, result)
        return result


def _swap_mode():
    from ... import __future__ as future
    return future.get_swap_module_params_on_conversion()


def _swap_assign(module, name, param, value):
    """``load_state_dict(assign=True)`` under ember.__future__'s swap mode."""
    from ...utils.tensor_swap import swap_tensors
    new = value.detach()
    if isinstance(param, Parameter):
        new = Parameter(new, requires_grad=param.requires_grad)
    try:
        swap_tensors(param, new)
    except Exception as e:
        raise RuntimeError(f"Couldn't swap {module._get_name()}.{name}") from e
