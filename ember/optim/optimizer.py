"""``Optimizer``: parameter groups, per-parameter state, and PyTorch's state_dict layout.

Each optimizer is one file with one code path. ``Optimizer`` runs the prologue they share
(fetch the gradient, negate it when ``maximize``, make the state, count the step, apply
weight decay); the optimizer's ``_init_state`` adds its buffers to a parameter's state and
its ``_update`` changes the parameter's array in place (outside the graph).

>>> w = ember.nn.Parameter(ember.ones(2))
>>> opt = ember.optim.SGD([w], lr=0.5)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0., 0.], requires_grad=True)
"""
import functools
from collections import defaultdict
from copy import deepcopy
from itertools import chain

from .._tensor import Tensor, _wrap
from .._backend import np
from .._parallel_pass import pass_threads, run_blocks
from .._thread_pool import blocks
from ..autograd.grad_mode import no_grad
from ..autograd.function import _add_hook

__all__ = ["Optimizer", "required", "check_adam_args", "check_nonnegative", "buffer_like",
           "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class: holds ``param_groups`` (list of dicts) and ``state`` (param -> dict)."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._step_hooks = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors "
                            f"or dicts, but got {params.type()}")
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for g in param_groups:
            self.add_param_group(g)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    s += f"\n    {key}: {group[key]}"
        return s + "\n)"

    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (others default to ``defaults``).

        >>> a, b = ember.nn.Parameter(ember.ones(1)), ember.nn.Parameter(ember.ones(1))
        >>> opt = ember.optim.SGD([a], lr=0.1); opt.add_param_group({"params": [b], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                            "ordering of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + type(p).__name__)
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in param_group["params"]}) != len(param_group["params"]):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        existing = set()
        for g in self.param_groups:
            existing.update(id(p) for p in g["params"])
        if any(id(p) in existing for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized parameters (to None by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad = p.grad.detach()
                        p.grad._data[...] = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:       # every optimizer's step runs the step hooks (a user's too)
            cls.step = hooked_step(cls.__dict__["step"])

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = None
        if closure is not None:
            from ..autograd.grad_mode import enable_grad
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._group_step(group)
        return loss

    # The prologue every optimizer shares, in PyTorch's order: fetch the gradient (negated when
    # ``maximize``), make the state on first use, count the step, apply weight decay; then
    # ``_update`` changes the parameter's array in place.
    _steps = True           # keep a float32 ``state["step"]`` counter (the first state entry)
    _complex_as_real = True  # complex parameters update as (real, imag) pairs, as PyTorch's view_as_real
    _weight_decay = "l2"    # "l2": g += wd * p; "decoupled": p *= 1 - lr * wd (also when a group
                            # says ``decoupled_weight_decay=True``); None: ``_update`` does it

    def _group_step(self, group):
        maximize = group.get("maximize", False)
        wd = group.get("weight_decay", 0) if self._weight_decay else 0
        decoupled = self._weight_decay == "decoupled" or group.get("decoupled_weight_decay", False)
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state.get(p)
            if state is None:
                state = self._new_state(p, group)
            param, g = p._data, p.grad._data
            if maximize:
                g = -g
            if self._steps:
                state["step"]._data += 1
            if wd != 0:
                if decoupled:
                    param *= param.dtype.type(1 - group["lr"] * wd)
                else:
                    g = g + param.dtype.type(wd) * param
            if param.dtype.kind == "c" and self._complex_as_real and param.flags.c_contiguous:
                param, g, state = _real_views(param, g, state)
            self._update(param, g, state, group)
            p._bump()

    def _new_state(self, p, group):
        state = {}
        if self._steps:
            state["step"] = _wrap(np.zeros((), dtype=np.float32))
        self._init_state(state, p, group)
        if state:  # stateless updates (plain SGD) keep no entry, as in PyTorch
            self.state[p] = state
        return state

    def _init_state(self, state, p, group):
        """Add the optimizer's per-parameter buffers to ``state`` (``step`` is already there)."""

    def _update(self, param, grad, state, group):  # pragma: no cover - overridden
        """Change the array ``param`` in place, given ``grad`` after the shared prologue."""
        raise NotImplementedError

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs after each ``step``."""
        return _add_hook(self._step_hooks, hook)

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs before each ``step``; it may return new (args, kwargs)."""
        return _add_hook(_hooks(self, "_step_pre_hooks"), hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs before ``state_dict``."""
        return _add_first(_hooks(self, "_sd_pre_hooks"), hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` runs after ``state_dict``; it may return a new one."""
        return _add_first(_hooks(self, "_sd_post_hooks"), hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` runs before ``load_state_dict``; it may return a new one."""
        return _add_first(_hooks(self, "_load_sd_pre_hooks"), hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs after ``load_state_dict``."""
        return _add_first(_hooks(self, "_load_sd_post_hooks"), hook, prepend)

    # ------------------------------------------------------------------ state dict
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}`` as in PyTorch.

        >>> w = ember.nn.Parameter(ember.ones(1)); opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> sorted(opt.state_dict()["param_groups"][0])[:3]
        ['dampening', 'differentiable', 'foreach']
        """
        for hook in list(_hooks(self, "_sd_pre_hooks").values()):
            hook(self)
        index = {}
        groups = []
        start = 0
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            ids = list(range(start, start + len(g["params"])))
            for i, p in zip(ids, g["params"]):
                index.setdefault(id(p), i)
            packed["params"] = ids
            start += len(ids)
            groups.append(packed)
        state = {index[id(p)]: v for p, v in self.state.items() if id(p) in index}
        out = {"state": state, "param_groups": groups}
        for hook in list(_hooks(self, "_sd_post_hooks").values()):
            r = hook(self, out)
            out = out if r is None else r
        return out

    def load_state_dict(self, state_dict):
        """Restore ``state_dict`` (values are copied; tensors cast to each param's dtype)."""
        for hook in list(_hooks(self, "_load_sd_pre_hooks").values()):
            r = hook(self, state_dict)
            state_dict = state_dict if r is None else r
        state_dict = deepcopy(state_dict)
        groups = self.param_groups
        saved = state_dict["param_groups"]
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size "
                             "of optimizer's group")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {name: self._cast_state(p, name, val) for name, val in v.items()}
        new_groups = []
        for g, s in zip(groups, saved):
            s = dict(s)
            s["params"] = g["params"]
            new_groups.append(s)
        self.state = state
        self.param_groups = new_groups
        for hook in list(_hooks(self, "_load_sd_post_hooks").values()):
            hook(self)

    @staticmethod
    def _cast_state(p, name, val):
        if isinstance(val, Tensor):
            if name == "step":
                return val
            if val.is_floating_point():
                return _wrap(val._data.astype(p._data.dtype, copy=True))
            return _wrap(val._data.copy())
        return val


def _real_views(param, g, state):
    """A complex parameter, its gradient and complex state as float arrays of (real, imag) pairs
    (views: updating them updates the complex arrays)."""
    rd = param.real.dtype
    views = {k: (_wrap(v._data.view(rd)) if isinstance(v, Tensor) and v._data.dtype.kind == "c" else v)
             for k, v in state.items()}
    return param.view(rd), np.ascontiguousarray(g).view(rd), views


_GLOBAL_PRE_HOOKS, _GLOBAL_POST_HOOKS = {}, {}


def register_optimizer_step_pre_hook(hook):
    """``hook(optimizer, args, kwargs)`` before every optimizer's ``step`` (PyTorch's global hook)."""
    return _add_hook(_GLOBAL_PRE_HOOKS, hook)


def register_optimizer_step_post_hook(hook):
    """``hook(optimizer, args, kwargs)`` after every optimizer's ``step``."""
    return _add_hook(_GLOBAL_POST_HOOKS, hook)


def _add_first(d, hook, prepend):
    h = _add_hook(d, hook)
    if prepend:   # (the handle keeps the dict: reorder it in place)
        items = list(d.items())
        d.clear()
        d.update(items[-1:] + items[:-1])
    return h


def _hooks(opt, name):
    d = opt.__dict__.get(name)
    if d is None:
        d = opt.__dict__[name] = {}
    return d


def hooked_step(step):
    """``step`` run between the optimizer's (and the global) pre and post step hooks; it also
    marks the optimizer as stepped, for the lr schedulers' order check."""
    @functools.wraps(step)
    def run(self, *args, **kwargs):
        if self.__dict__.get("_in_step"):            # a subclass's step calling its base's
            return step(self, *args, **kwargs)
        args = (self,) + args                         # (PyTorch's hooks see the optimizer among the args)
        for hook in chain(list(_GLOBAL_PRE_HOOKS.values()), list(_hooks(self, "_step_pre_hooks").values())):
            r = hook(self, args, kwargs)
            if r is not None:
                if not (isinstance(r, tuple) and len(r) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but got {r}.")
                args, kwargs = r
        self._opt_called = True
        self._in_step = True
        try:
            out = step(*args, **kwargs)
        finally:
            self._in_step = False
        for hook in chain(list(self.__dict__.get("_step_hooks", {}).values()), list(_GLOBAL_POST_HOOKS.values())):
            hook(self, args, kwargs)
        return out
    return run


Optimizer.step = hooked_step(Optimizer.step)

_ARG_NAMES = {"lr": "learning rate", "eps": "epsilon value"}


def check_nonnegative(**values):
    """PyTorch's ValueError for the first argument below zero, named as PyTorch names it.

    >>> from ember.optim.optimizer import check_nonnegative
    >>> check_nonnegative(lr=-1.0)
    Traceback (most recent call last):
    ValueError: Invalid learning rate: -1.0
    """
    for name, v in values.items():
        if name == "lr":
            check_lr_tensor(v)
        if not 0.0 <= v:
            raise ValueError(f"Invalid {_ARG_NAMES.get(name, name + ' value')}: {v}")


def check_lr_tensor(lr):
    """PyTorch's ValueError for a tensor learning rate of more than one element."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def check_adam_args(lr, eps, betas, weight_decay):
    """PyTorch's ValueErrors for the arguments the Adam family shares."""
    check_nonnegative(lr=lr, eps=eps)
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
    check_nonnegative(weight_decay=weight_decay)


def buffer_like(p, value=0):
    """A state tensor shaped and typed like parameter ``p``, filled with ``value``.

    >>> from ember.optim.optimizer import buffer_like
    >>> buffer_like(ember.ones(2, dtype=ember.float64))
    tensor([0., 0.], dtype=torch.float64)
    """
    return _wrap(np.full_like(p._data, value))


BLOCK = 1 << 16   # elements per block of an elementwise update


def blocked(fn, *arrays):
    """Run the elementwise update ``fn(*arrays)`` (it changes some of them in place; numbers
    among the arguments pass through) whole on small parameters, and block by block on
    large ones: the update's several passes then stream through cache, not memory
    (Adam/Adadelta on a 1M-element parameter ~2.5x faster). Arrays that are not
    C-contiguous and alike in shape go whole. Large updates split their blocks over the
    intra-op threads (an elementwise update gives the same bits either way).

    >>> from ember.optim.optimizer import blocked
    >>> p = np.ones(200000); g = np.full(200000, 2.0)
    >>> def sgd(p, g): p -= 0.5 * g
    >>> blocked(sgd, p, g); float(p.min()), float(p.max())
    (0.0, 0.0)
    """
    n = arrays[0].size
    shape = arrays[0].shape
    arrs = [a for a in arrays if a.__class__ is np.ndarray]          # (numbers pass through)
    if n <= 2 * BLOCK or not all(a.shape == shape and a.flags.c_contiguous for a in arrs):
        fn(*arrays)
        return
    flat = [a.reshape(-1) if a.__class__ is np.ndarray else a for a in arrays]

    def run(part):   # (each intra-op thread takes a range of blocks; fn's scratch is per thread)
        for i in range(part.start, part.stop, BLOCK):
            j = min(i + BLOCK, part.stop)
            fn(*[f[i:j] if f.__class__ is np.ndarray else f for f in flat])
    parts = blocks(n, pass_threads(arrs[0].nbytes), BLOCK)
    if len(parts) == 1:
        run(parts[0])
    else:
        run_blocks(lambda k: run(parts[k]), len(parts))
