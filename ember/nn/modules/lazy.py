"""``LazyModuleMixin``: modules whose parameter shapes are inferred from the first input.

A lazy module holds ``UninitializedParameter`` (and ``UninitializedBuffer``) placeholders.
Its first call runs ``initialize_parameters(*input)``, which materialises them, and then the
module turns into its ``cls_to_become`` (``LazyLinear`` becomes ``Linear``). Loading a
state_dict into an uninitialised lazy module materialises the placeholders with the
checkpoint's shapes first, as in PyTorch.

>>> m = ember.nn.LazyLinear(4); _ = m(ember.randn(2, 3)); m
Linear(in_features=3, out_features=4, bias=True)
"""
import itertools

from ..parameter import is_lazy
from ...autograd.grad_mode import no_grad

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    """Mix in before a Module class; subclasses implement ``initialize_parameters(*input)``
    and set ``cls_to_become``.

    >>> ember.nn.LazyConv2d(8, 3).has_uninitialized_params()
    True
    """

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters, with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if (keep_vars or is_lazy(p)) else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if (keep_vars or is_lazy(b)) else b.detach()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        lazy_pairs = []
        for name, param in itertools.chain(self._parameters.items(), persistent.items()):
            key = prefix + name
            if key in state_dict and param is not None and is_lazy(param):
                value = state_dict[key]
                if is_lazy(value):
                    lazy_pairs.append(key)  # nothing to copy: both are placeholders
                else:
                    with no_grad():
                        param.materialize(value.shape, dtype=value.dtype)
        if lazy_pairs:
            state_dict = {k: v for k, v in state_dict.items() if k not in lazy_pairs}
        before = len(missing_keys)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)
        if lazy_pairs:  # the placeholders matched: not missing
            missing_keys[before:] = [k for k in missing_keys[before:] if k not in lazy_pairs]

    def has_uninitialized_params(self):
        """Whether any parameter or buffer is still a placeholder.

        >>> ember.nn.LazyLinear(2).has_uninitialized_params()
        True
        """
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(), self._buffers.values()))

    def initialize_parameters(self, *args, **kwargs):
        """Materialise the placeholders from the first input (each lazy class implements it)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")


def _infer_parameters(module, args, kwargs=None):
    kwargs = kwargs if kwargs else {}
    module.initialize_parameters(*args, **kwargs)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become
