"""``torch.nn.utils.parametrize``: express a module's tensor as a function of other tensors.

After ``register_parametrization(module, "weight", P)``, reading ``module.weight`` computes
``P(module.parametrizations.weight.original)``; assigning to it stores
``P.right_inverse(value)`` in ``original``. The module's class becomes a generated subclass
``Parametrized<Class>`` holding the property, and its state_dict keys become
``parametrizations.weight.original`` (``original0``, ``original1``, ... when
``right_inverse`` returns several tensors), as in PyTorch.

>>> class Sym(ember.nn.Module):
...     def forward(self, X):
...         return X.triu() + X.triu(1).transpose(-1, -2)
>>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(3, 3), "weight", Sym())
>>> bool((m.weight == m.weight.T).all()), list(m.state_dict())
(True, ['bias', 'parametrizations.weight.original'])
"""
import copy
from contextlib import contextmanager

from ..modules.container import ModuleList, ModuleDict
from ..parameter import Parameter
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations", "transfer_parametrizations_and_params"]

_cache_enabled = 0
_cache = {}


@contextmanager
def cached():
    """Within this context each parametrized tensor is computed once, on first use.

    >>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
    >>> with ember.nn.utils.parametrize.cached():
    ...     m.weight is m.weight
    True
    """
    global _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache.clear()


def _set(original, value):
    """Make ``original`` hold ``value`` in place (PyTorch's ``set_``): same object, new data."""
    with no_grad():
        original.data = value.detach()


def _register_tensor(module, name, tensor):
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


class ParametrizationList(ModuleList):
    """The chain of parametrizations of one tensor, holding the unconstrained tensor(s)
    ``original`` (or ``original0``, ``original1``, ...). Calling it returns the
    parametrized value.

    >>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
    >>> type(m.parametrizations.weight).__name__
    'ParametrizationList'
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype
        with no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, Tensor) and not isinstance(new, (list, tuple)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {original.dtype}\nright_inverse(original).dtype: {new.dtype}")
            _set(original, new)
            _register_tensor(self, "original", original)
        else:
            for i, originali in enumerate(new):
                if not isinstance(originali, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                                     f"(list, tuple...). Got element {i} of the sequence with type "
                                     f"{type(originali).__name__}.")
                if isinstance(original, Parameter):
                    originali = Parameter(originali.detach().clone(), original.requires_grad)
                else:
                    originali = originali.detach().clone()
                _register_tensor(self, f"original{i}", originali)
        if not self.unsafe:
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
            if Z.dtype != original_dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized dtype: {original_dtype}\n"
                                 f"parametrized dtype: {Z.dtype}")
            if Z.shape != original_shape:
                raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized shape: {original_shape}\n"
                                 f"parametrized shape: {Z.shape}")

    def right_inverse(self, value):
        """Store ``value`` as the parametrized tensor: run the chain's ``right_inverse``
        in reverse and set ``original`` (in place) to the result."""
        with no_grad():
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement "
                                       "right_inverse.")
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} while "
                                     f"`original` has dtype {self.original.dtype}")
                _set(self.original, value)
            else:
                if not isinstance(value, (list, tuple)) or len(value) != self.ntensors:
                    raise ValueError(f"'right_inverse' must return a sequence of tensors of length "
                                     f"{self.ntensors}. Got {type(value).__name__}")
                for i, tensor in enumerate(value):
                    _set(getattr(self, f"original{i}"), tensor)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _inject_new_class(module):
    cls = module.__class__

    def getstate(self):
        raise RuntimeError("Serialization of parametrized modules is only supported through state_dict(). "
                           "See: https://pytorch.org/tutorials/beginner/saving_loading_models.html")

    def deepcopy(self, memo):
        replica = memo.get(id(self))
        if replica is None:
            replica = memo[id(self)] = self.__new__(self.__class__)
            replica.__dict__ = copy.deepcopy(self.__dict__, memo)
        return replica

    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"__getstate__": getstate,
                                                                    "__deepcopy__": deepcopy})


def _inject_property(module, tensor_name):
    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if _cache_enabled:
            key = (id(self), tensor_name)
            tensor = _cache.get(key)
            if tensor is None:
                tensor = _cache[key] = parametrization()
            return tensor
        return parametrization()

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Parametrize ``module.<tensor_name>`` by the module ``parametrization``; registering
    a second one on the same tensor chains it after the first. Returns ``module``.

    >>> class Double(ember.nn.Module):
    ...     def forward(self, x):
    ...         return 2 * x
    ...     def right_inverse(self, x):
    ...         return x / 2
    >>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(1, 1, bias=False), "weight", Double())
    >>> m.weight = ember.ones(1, 1); m.parametrizations.weight.original
    Parameter containing:
    tensor([[0.5000]], requires_grad=True)
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            Y = getattr(module, tensor_name)
            X = parametrization(Y)
            if not isinstance(X, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(X).__name__}.")
            if X.dtype != Y.dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                                 f"the `unsafe` flag is enabled.\nmodule.{tensor_name}.dtype: {Y.dtype}\n"
                                 f"parametrization(module.{tensor_name}).dtype: {X.dtype}")
            if X.shape != Y.shape:
                raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                                 f"the `unsafe` flag is enabled.\nmodule.{tensor_name}.shape: {Y.shape}\n"
                                 f"parametrization(module.{tensor_name}).shape: {X.shape}")
            if hasattr(parametrization, "right_inverse"):
                try:
                    Z = parametrization.right_inverse(X)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(Z, Tensor):
                        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: "
                                         f"{type(Z).__name__}")
                    if Z.dtype != Y.dtype or Z.shape != Y.shape:
                        raise ValueError("The tensor returned by parametrization.right_inverse must have the "
                                         f"same dtype and shape as module.{tensor_name}.")
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
                         f"with name '{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has any parametrization (or one on ``tensor_name``).

    >>> ember.nn.utils.parametrize.is_parametrized(ember.nn.Linear(2, 2))
    False
    """
    parametrizations = module.__dict__.get("_modules", {}).get("parametrizations")
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo the parametrizations of ``module.<tensor_name>``: it becomes a plain parameter
    (or buffer) again, holding the parametrized value (``leave_parametrized=True``) or
    ``original``. The module gets its own class back once nothing is parametrized.

    >>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
    >>> type(ember.nn.utils.parametrize.remove_parametrizations(m, "weight")).__name__, list(m.state_dict())
    ('Linear', ['bias', 'weight'])
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
            _set(original, t)
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                             "parametrized in terms of a sequence of tensors.")
        with no_grad():
            t = getattr(module, tensor_name).detach()
        first = parametrizations.original0
        original = Parameter(t, first.requires_grad) if isinstance(first, Parameter) else t
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_tensor(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The class ``module`` had before it was parametrized.

    >>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
    >>> ember.nn.utils.parametrize.type_before_parametrizations(m).__name__
    'Linear'
    """
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Copy the parametrizations (and their ``original`` values) of ``from_module`` onto
    ``to_module``: all of them, or those of ``tensor_name``. Returns ``to_module``.

    >>> a = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
    >>> ember.nn.utils.parametrize.is_parametrized(ember.nn.utils.parametrize.transfer_parametrizations_and_params(a, ember.nn.Linear(2, 2)), "weight")
    True
    """
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        plist = from_module.parametrizations[name]
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name).detach().clone()))
        for p in plist:
            register_parametrization(to_module, name, p)
        target = to_module.parametrizations[name]
        if plist.is_tensor:
            _set(target.original, plist.original.detach().clone())
        else:
            for i in range(plist.ntensors):
                _set(getattr(target, f"original{i}"), getattr(plist, f"original{i}").detach().clone())
    return to_module
