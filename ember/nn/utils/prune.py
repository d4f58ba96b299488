"""``torch.nn.utils.prune``: masks that zero parts of a parameter, as PyTorch keeps them.

Pruning parameter ``name`` of a module moves it to ``name + "_orig"`` (still a
Parameter, still trained), stores the mask in the buffer ``name + "_mask"`` and
registers the pruning method as a forward pre-hook that recomputes
``name = name_mask * name_orig`` before every forward. Pruning the same parameter
again composes the masks through a :class:`PruningContainer`; :func:`remove` makes
the pruning permanent. ``state_dict`` keys therefore match PyTorch's, so pruned
checkpoints move between ember and PyTorch. Ties between equal magnitudes are broken
as PyTorch's ``topk`` breaks them, so the same weights give the same masks.

>>> import ember.nn.utils.prune as prune
>>> lin = ember.nn.Linear(4, 2)
>>> _ = prune.l1_unstructured(lin, "weight", amount=0.5)
>>> sorted(k for k, _ in lin.named_parameters()), [k for k, _ in lin.named_buffers()]
(['bias', 'weight_orig'], ['weight_mask'])
>>> int(lin.weight_mask.sum())
4
"""
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

from ..._backend import np
from ... import _dtype as D
from ..._tensor import Tensor, _wrap
from ._topk_order import topk_indices

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
           "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask",
           "identity", "random_unstructured", "l1_unstructured", "random_structured",
           "ln_structured", "global_unstructured", "custom_from_mask", "remove", "is_pruned"]


def _arr(t):
    return t._data if isinstance(t, Tensor) else np.asarray(t)


def _like(data, ref):
    """A Tensor holding ``data`` cast to ``ref``'s dtype."""
    return _wrap(np.ascontiguousarray(data, dtype=_arr(ref).dtype))


class BasePruningMethod(ABC):
    """Base class of pruning methods: subclass it, set ``PRUNING_TYPE`` (``"unstructured"``,
    ``"structured"`` with a ``dim`` attribute, or ``"global"``) and write ``compute_mask``.

    >>> class KeepFirst(ember.nn.utils.prune.BasePruningMethod):
    ...     PRUNING_TYPE = "unstructured"
    ...     def compute_mask(self, t, default_mask):
    ...         mask = default_mask.clone(); mask.view(-1)[1:] = 0
    ...         return mask
    >>> lin = ember.nn.Linear(2, 2)
    >>> _ = KeepFirst.apply(lin, "weight")
    >>> lin.weight_mask
    tensor([[1., 0.],
            [0., 0.]])
    """

    _tensor_name = None

    def __call__(self, module, inputs):
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask for importance scores ``t``, respecting the previous ``default_mask``."""

    def apply_mask(self, module):
        """``module.<name>_mask * module.<name>_orig`` (the pruned tensor, differentiable in orig)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune ``module.<name>`` with a new ``cls(*args, **kwargs)``, composing it with
        any pruning already on that tensor; returns the method (or container) now hooked."""
        method = _composite_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(
                    f"importance_scores should have the same shape as parameter {name} of "
                    f"{module}, got {importance_scores.shape} vs {orig.shape}")
        else:
            importance_scores = orig
        fresh = not isinstance(method, PruningContainer)
        if fresh:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = _wrap(np.ones_like(orig._data))
        else:
            default_mask = _wrap(getattr(module, name + "_mask")._data.copy())
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if fresh:
                orig = getattr(module, name + "_orig")
                module.register_parameter(name, orig)
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t`` times the mask this method computes for it (no module involved).

        >>> m = ember.nn.utils.prune.L1Unstructured(amount=1)
        >>> m.prune(ember.tensor([3., -1., 2.]))
        tensor([3., -0., 2.])
        """
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError(
                    "importance_scores should have the same shape as tensor t, "
                    f"got {importance_scores.shape} vs {t.shape}")
        else:
            importance_scores = t
        if default_mask is None:
            default_mask = _wrap(np.ones_like(_arr(t)))
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: ``<name>`` becomes a plain Parameter holding the
        masked values; ``<name>_orig`` and ``<name>_mask`` go away."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        orig.data = weight.data
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


def _composite_method(cls, module, name, *args, **kwargs):
    old, keys = None, []
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            old = hook
            keys.append(k)
    if len(keys) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of "
                             f"module {module}. Use a PruningContainer.")
    for k in keys:
        del module._forward_pre_hooks[k]
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if old is not None:
        if isinstance(old, PruningContainer):
            old.add_pruning_method(method)
            method = old
        else:
            container = PruningContainer(old)
            container.add_pruning_method(method)
            method = container
    return method


class PruningContainer(BasePruningMethod):
    """The sequence of pruning methods applied to one tensor; its mask applies the
    latest method to what the earlier ones left (entries, channels, or everything).

    >>> lin = ember.nn.Linear(3, 2)
    >>> p = ember.nn.utils.prune
    >>> _ = p.l1_unstructured(lin, "weight", 1); _ = p.l1_unstructured(lin, "weight", 2)
    >>> c = next(iter(lin._forward_pre_hooks.values())); type(c).__name__, len(c)
    ('PruningContainer', 2)
    >>> int((lin.weight_mask == 0).sum())
    3
    """

    def __init__(self, *args):
        self._pruning_methods = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append ``method`` (it must act on the same tensor name)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError("Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}. "
                             f"Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        method = self._pruning_methods[-1]
        mask = _arr(default_mask)
        kind = method.PRUNING_TYPE
        if kind == "unstructured":
            slc = mask == 1
        elif kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have '
                                     "the attribute `dim` defined.")
            n_dims = mask.ndim
            dim = method.dim + n_dims if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")
            keep = mask.sum(axis=tuple(d for d in range(n_dims) if d != dim)) != 0
            slc = tuple(keep if d == dim else slice(None) for d in range(n_dims))
        elif kind == "global":
            slc = (slice(None),) * mask.ndim
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")
        new_mask = mask.astype(_arr(t).dtype, copy=True)
        partial = method.compute_mask(_wrap(_arr(t)[slc]), default_mask=_wrap(mask[slc]))
        new_mask[slc] = _arr(partial)
        return _wrap(new_mask)


class Identity(BasePruningMethod):
    """Prunes nothing: installs the reparametrization with a mask of ones.

    >>> lin = ember.nn.Linear(2, 1)
    >>> _ = ember.nn.utils.prune.identity(lin, "bias"); lin.bias_mask
    tensor([1.])
    """

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        """Install the identity pruning on ``module.<name>``."""
        return super().apply(module, name)


def _validate_amount_init(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] "
                         "or a non-negative integer")


def _validate_amount(amount, size):
    if isinstance(amount, numbers.Integral) and amount > size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters "
                         f"to prune={size}")


def _n_to_prune(amount, size):
    return amount if isinstance(amount, numbers.Integral) else round(amount * size)


def _validate_structured(t):
    shape = t.shape
    if len(shape) <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. "
                         f"Found tensor of shape {shape} with {len(shape)} dims")


def _validate_dim(t, dim):
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _unstructured_mask(default_mask, scores, n_prune, largest):
    mask = _arr(default_mask).copy()
    if n_prune != 0:
        idx = topk_indices(np.ascontiguousarray(scores).reshape(-1), n_prune, largest)
        mask.reshape(-1)[idx] = 0
    return _wrap(mask)


class RandomUnstructured(BasePruningMethod):
    """Prunes ``amount`` (an int count or a float fraction) entries chosen at random.

    >>> _ = ember.manual_seed(0); lin = ember.nn.Linear(4, 4)
    >>> _ = ember.nn.utils.prune.random_unstructured(lin, "weight", 0.25)
    >>> int((lin.weight_mask == 0).sum())
    4
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _validate_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        size = t.nelement()
        n = _n_to_prune(self.amount, size)
        _validate_amount(n, size)
        from ... import rand_like
        scores = rand_like(t)._data if n else None
        return _unstructured_mask(default_mask, scores, n, True)

    @classmethod
    def apply(cls, module, name, amount):
        """Prune ``module.<name>`` at random."""
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the ``amount`` entries of smallest absolute value.

    >>> m = ember.nn.utils.prune.L1Unstructured(0.5)
    >>> m.compute_mask(ember.tensor([1., -4., 2., 0.5]), ember.ones(4))
    tensor([0., 1., 1., 0.])
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _validate_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        size = t.nelement()
        n = _n_to_prune(self.amount, size)
        _validate_amount(n, size)
        return _unstructured_mask(default_mask, np.abs(_arr(t)), n, False)

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        """Prune ``module.<name>`` by magnitude (or by ``importance_scores``)."""
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


def _channel_mask(t, dim, keep_channels):
    mask = np.zeros_like(_arr(t))
    slc = [slice(None)] * mask.ndim
    slc[dim] = keep_channels
    mask[tuple(slc)] = 1
    return mask


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` whole channels along ``dim`` chosen at random.

    >>> _ = ember.manual_seed(0); conv = ember.nn.Conv2d(1, 4, 2)
    >>> _ = ember.nn.utils.prune.random_structured(conv, "weight", amount=2, dim=0)
    >>> int((conv.weight_mask.sum((1, 2, 3)) == 0).sum())
    2
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1):
        _validate_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _validate_structured(t)
        _validate_dim(t, self.dim)
        size = t.shape[self.dim]
        n = _n_to_prune(self.amount, size)
        _validate_amount(n, size)
        if n == 0:
            return default_mask
        from ... import rand
        prob = rand(size)._data
        threshold = np.sort(prob)[n - 1]
        mask = _channel_mask(t, self.dim, prob > threshold)
        return _wrap(mask * _arr(default_mask).astype(mask.dtype))

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        """Prune random channels of ``module.<name>`` along ``dim``."""
        return super().apply(module, name, amount=amount, dim=dim)


def _ln_norm(t, n, dim):
    from ... import norm
    d = dim + t.dim() if dim < 0 else dim
    dims = [i for i in range(t.dim()) if i != d]
    return norm(t, p=n, dim=dims)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` channels along ``dim`` with the smallest L``n`` norm.

    >>> m = ember.nn.utils.prune.LnStructured(amount=1, n=2, dim=0)
    >>> m.compute_mask(ember.tensor([[1., 1.], [3., 0.]]), ember.ones(2, 2))
    tensor([[0., 0.],
            [1., 1.]])
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim=-1):
        _validate_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _validate_structured(t)
        _validate_dim(t, self.dim)
        size = t.shape[self.dim]
        n_prune = _n_to_prune(self.amount, size)
        _validate_amount(n_prune, size)
        norm = _ln_norm(t, self.n, self.dim)._data
        if n_prune == 0:
            return default_mask
        keep = topk_indices(np.ascontiguousarray(norm).reshape(-1), size - n_prune, True)
        mask = _channel_mask(t, self.dim, keep)
        return _wrap(mask * _arr(default_mask).astype(mask.dtype))

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        """Prune the weakest channels of ``module.<name>`` along ``dim``."""
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes with a given ``mask`` (combined with any earlier mask).

    >>> m = ember.nn.utils.prune.CustomFromMask(ember.tensor([1., 0.]))
    >>> m.compute_mask(ember.tensor([5., 6.]), ember.ones(2))
    tensor([1., 0.])
    """

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match "
                                 f"self.mask shape {self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        """Prune ``module.<name>`` with ``mask``."""
        return super().apply(module, name, mask=mask)


def identity(module, name):
    """Install pruning with a mask of ones on ``module.<name>``; returns ``module``.

    >>> lin = ember.nn.utils.prune.identity(ember.nn.Linear(2, 2), "weight")
    >>> int(lin.weight_mask.sum())
    4
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune ``amount`` random entries of ``module.<name>``; returns ``module``.

    >>> lin = ember.nn.utils.prune.random_unstructured(ember.nn.Linear(2, 2), "weight", 1)
    >>> int(lin.weight_mask.sum())
    3
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prune the ``amount`` smallest-magnitude entries of ``module.<name>``; returns ``module``.

    >>> lin = ember.nn.Linear(2, 2); lin.weight.data = ember.tensor([[1., -3.], [0.5, 2.]])
    >>> ember.nn.utils.prune.l1_unstructured(lin, "weight", amount=0.5).weight
    tensor([[ 0., -3.],
            [ 0.,  2.]], grad_fn=<MulBackward0>)
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune ``amount`` random channels of ``module.<name>`` along ``dim``; returns ``module``.

    >>> lin = ember.nn.utils.prune.random_structured(ember.nn.Linear(3, 4), "weight", 1, dim=0)
    >>> int((lin.weight_mask.sum(1) == 0).sum())
    1
    """
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the ``amount`` channels of smallest L``n`` norm along ``dim``; returns ``module``.

    >>> lin = ember.nn.Linear(2, 2); lin.weight.data = ember.tensor([[1., 1.], [3., 0.]])
    >>> ember.nn.utils.prune.ln_structured(lin, "weight", 1, n=2, dim=0).weight_mask
    tensor([[0., 0.],
            [1., 1.]])
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune across several ``(module, name)`` pairs at once with an unstructured
    ``pruning_method`` class (e.g. ``L1Unstructured``, ``amount=...``).

    >>> a, b = ember.nn.Linear(2, 2), ember.nn.Linear(2, 2)
    >>> P = ember.nn.utils.prune
    >>> P.global_unstructured([(a, "weight"), (b, "weight")], P.L1Unstructured, amount=4)
    >>> int(a.weight_mask.sum() + b.weight_mask.sum())
    4
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = np.concatenate([
        _arr(importance_scores.get((m, n), getattr(m, n))).reshape(-1) for (m, n) in parameters])
    default = np.concatenate([
        (_arr(getattr(m, n + "_mask")) if hasattr(m, n + "_mask")
         else np.ones_like(_arr(getattr(m, n)))).reshape(-1) for (m, n) in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                        f"Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final = _arr(container.compute_mask(_wrap(scores), _wrap(default)))
    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        count = param.numel()
        custom_from_mask(module, name, mask=_like(final[start:start + count].reshape(param.shape),
                                                 param))
        start += count


def custom_from_mask(module, name, mask):
    """Prune ``module.<name>`` with the given ``mask``; returns ``module``.

    >>> lin = ember.nn.Linear(2, 1)
    >>> ember.nn.utils.prune.custom_from_mask(lin, "bias", ember.tensor([0.])).bias.abs()
    tensor([0.], grad_fn=<AbsBackward0>)
    """
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Make the pruning of ``module.<name>`` permanent; returns ``module``.

    >>> lin = ember.nn.utils.prune.l1_unstructured(ember.nn.Linear(2, 2), "weight", 1)
    >>> sorted(k for k, _ in ember.nn.utils.prune.remove(lin, "weight").named_parameters())
    ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                     "can be removed")


def is_pruned(module):
    """Whether ``module`` or any submodule carries a pruning hook.

    >>> lin = ember.nn.Linear(2, 2); ember.nn.utils.prune.is_pruned(lin)
    False
    """
    for _, sub in module.named_modules():
        for hook in sub._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod):
                return True
    return False
