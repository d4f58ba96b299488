"""``Module``: the base class of layers and models.

Parameters, buffers and submodules register themselves on attribute assignment and
are found again by ``parameters()``, ``state_dict()`` and friends, in PyTorch's order
(a module's own entries before its children's) and with PyTorch's key names.

>>> class Net(ember.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.w = ember.nn.Parameter(ember.ones(2))
...     def forward(self, x):
...         return x * self.w
>>> net = Net(); net(ember.tensor([1., 2.]))
tensor([1., 2.], grad_fn=<MulBackward0>)
>>> list(net.state_dict())
['w']
"""
import itertools
from collections import OrderedDict

from ..._tensor import Tensor, _wrap
from ... import _dtype as D
from ...autograd.function import RemovableHandle, _add_hook
from ..parameter import Parameter, Buffer
from .state_dict import ModuleStateDict, _IncompatibleKeys  # noqa: F401  (torch.nn.modules.module has it)

__all__ = ["Module"]

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"  # the state_dict key of get_extra_state() (PyTorch name)

from .global_hooks import *  # noqa: F401,F403,E402  (torch.nn.modules.module.register_module_*)
from .global_hooks import (_global_forward_pre_hooks, _global_forward_hooks,  # noqa: E402
                           _global_forward_hooks_with_kwargs, _global_forward_hooks_always_called,
                           _global_backward_pre_hooks, _global_backward_hooks,
                           registered as _registered, typename as _tname, always_called as _always_called)


def _addindent(s, n):
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join(" " * n + line for line in lines[1:])


class Module(ModuleStateDict):
    """Base class for all neural network modules; subclass it and define ``forward``."""

    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected argument")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_hooks_always_called"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = OrderedDict()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_post_hooks"] = OrderedDict()
        d["_is_full_backward_hook"] = None

    def forward(self, *input):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ------------------------------------------------------------------ registration
    def register_buffer(self, name, tensor, persistent=True):
        """Register ``tensor`` as a buffer (saved in state_dict when ``persistent``).

        >>> m = ember.nn.Module(); m.register_buffer("steps", ember.zeros(1)); m.steps
        tensor([0.])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_tname(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = _registered("buffer", self, name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Register a Parameter (or None) under ``name``.

        >>> m = ember.nn.Module(); m.register_parameter("w", ember.nn.Parameter(ember.zeros(1)))
        >>> [n for n, _ in m.named_parameters()]
        ['w']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_tname(param)}' object to parameter '{name}' (torch.nn.Parameter or "
                            "None required)")
        elif param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters "
                             "must be created explicitly. To express '{name}' as a function of another "
                             "Tensor, compute the value in the forward() method.")
        else:
            self._parameters[name] = _registered("parameter", self, name, param)

    def add_module(self, name, module):
        """Register a child module under ``name``.

        >>> m = ember.nn.Module(); m.add_module("lin", ember.nn.Module()); [n for n, _ in m.named_children()]
        ['lin']
        """
        if not isinstance(module, Module) and module is not None:
            t = type(module)
            name = t.__qualname__ if t.__module__ in ("builtins", None) else f"{t.__module__}.{t.__qualname__}"
            raise TypeError(f"{name} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = _registered("module", self, name, module)

    register_module = add_module

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(self, name, d, params, keep="_parameters")  # a reassigned one keeps its place
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_tname(value)}' as parameter '{name}' (torch.nn.Parameter or None "
                                "expected)")
            self.register_parameter(name, value)
            return
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _remove_from(self, name, d, params, keep="_modules")
            modules[name] = _registered("module", self, name, value)
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_tname(value)}' as child module '{name}' (torch.nn.Module or None "
                                "expected)")
            modules[name] = value
            return
        buffers = d.get("_buffers")
        if isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_tname(value)}' as buffer '{name}' (torch.nn.Buffer, torch.Tensor "
                                "or None expected)")
            if isinstance(value, Buffer):
                persistent = value.persistent
                value = _plain(value)
            else:
                persistent = name not in self._non_persistent_buffers_set
            if name not in buffers:
                _remove_from(self, name, d, params)
            self.register_buffer(name, value, persistent)
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in ("_parameters", "_buffers", "_modules"):
            s = self.__dict__.get(store)
            if s is not None and name in s:
                del s[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = set(dir(type(self))) | set(self.__dict__)
        keys |= set(self._parameters) | set(self._modules) | set(self._buffers)
        return sorted(k for k in keys if not k[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ------------------------------------------------------------------ traversal
    def _named_members(self, get_members, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for mod_prefix, mod in modules:
            for k, v in get_members(mod):
                if v is None or (remove_duplicate and id(v) in memo):
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (mod_prefix + ("." if mod_prefix else "") + k, v)

    def parameters(self, recurse=True):
        """Iterate over parameters (own first, then children's, depth first).

        >>> [tuple(p.shape) for p in ember.nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """Iterate over ``(name, parameter)`` with dotted names.

        >>> [n for n, _ in ember.nn.Linear(3, 2).named_parameters()]
        ['weight', 'bias']
        """
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Iterate over buffers."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """Iterate over ``(name, buffer)`` with dotted names."""
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def children(self):
        """Iterate over immediate child modules."""
        for _, m in self.named_children():
            yield m

    def named_children(self):
        """Iterate over ``(name, child)`` for immediate children (each module once)."""
        memo = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in memo:
                memo.add(id(m))
                yield name, m

    def modules(self):
        """Iterate over all modules in the tree, this one first.

        >>> len(list(ember.nn.Sequential(ember.nn.Linear(1, 1), ember.nn.ReLU()).modules()))
        3
        """
        for _, m in self.named_modules():
            yield m

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Iterate over ``(dotted_name, module)`` for the whole tree (pre-order)."""
        if memo is None:
            memo = set()
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if remove_duplicate:
                if id(m) in memo:
                    continue
                memo.add(id(m))
            yield name, m
            kids = [(name + ("." if name else "") + k, c) for k, c in m._modules.items() if c is not None]
            stack.extend(reversed(kids))

    def get_submodule(self, target):
        """The submodule at dotted path ``target`` ('' is self).

        >>> net = ember.nn.Sequential(ember.nn.Linear(1, 1)); net.get_submodule("0")
        Linear(in_features=1, out_features=1, bias=True)
        """
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target, module, strict=False):
        """Put ``module`` at dotted path ``target`` (its parent must exist; with ``strict`` the name too).

        >>> net = ember.nn.Sequential(ember.nn.Linear(1, 1)); net.set_submodule("0", ember.nn.ReLU()); net
        Sequential(
          (0): ReLU()
        )
        """
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        if hasattr(parent, name):
            if not isinstance(getattr(parent, name), Module):
                raise AttributeError("`" + name + "` is not an nn.Module")
        elif strict:
            raise AttributeError(parent._get_name() + " has no attribute `" + name + "`")
        setattr(parent, name, module)

    def get_parameter(self, target):
        """The parameter at dotted path ``target``."""
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        p = getattr(mod, name)
        if not isinstance(p, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return p

    def get_buffer(self, target):
        """The buffer at dotted path ``target``."""
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return mod._buffers[name]

    # ------------------------------------------------------------------ modes and dtype
    def train(self, mode=True):
        """Set training mode (affects Dropout, BatchNorm, ...) on the whole tree.

        >>> ember.nn.Linear(1, 1).train(False).training
        False
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self):
        """``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` on every parameter."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters (to None by default)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on self.

        >>> seen = []; _ = ember.nn.Sequential(ember.nn.ReLU()).apply(lambda m: seen.append(type(m).__name__)); seen
        ['ReLU', 'Sequential']
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _apply(self, fn, recurse=True):
        """Replace each parameter's and buffer's data by ``fn(tensor)`` (in place on the objects)."""
        if recurse:
            for m in self.children():
                m._apply(fn)
        from .param_conversion import convert_parameters  # modes of ember.__future__
        convert_parameters(self, fn)
        for key, b in self._buffers.items():
            if b is not None:
                self._buffers[key] = fn(b)
        return self

    def to(self, *args, **kwargs):
        """Cast floating-point parameters and buffers to a dtype (device must be cpu).

        >>> ember.nn.Linear(1, 1).to(ember.float64).weight.dtype
        torch.float64
        """
        from ..._tensor import _check_device, device as _device
        dtype = kwargs.get("dtype")
        dev = kwargs.get("device")
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
            elif isinstance(a, (str, _device)):
                dev = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
        _check_device(dev)
        if dtype is None:
            from .param_conversion import conversion_replaces_objects
            return self._apply(lambda t: t) if conversion_replaces_objects() else self
        dtype = D.to_dtype(dtype)
        if not (dtype.is_floating_point or dtype.is_complex):
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dtype}")
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() or t.is_complex() else t)

    def float(self):
        """Cast floating-point parameters and buffers to float32."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        """Cast floating-point parameters and buffers to float64."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        """Cast floating-point parameters and buffers to float16."""
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self):
        """Cast floating-point parameters and buffers to bfloat16 (needs ml_dtypes)."""
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def type(self, dst_type):
        """Cast all parameters and buffers to ``dst_type``."""
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        """A no-op: ember's tensors live on the cpu."""
        from .param_conversion import conversion_replaces_objects
        return self._apply(lambda t: t) if conversion_replaces_objects() else self

    def to_empty(self, *, device=None, recurse=True):
        """Replace every parameter and buffer by an uninitialised tensor of its shape and dtype."""
        from ..._tensor import _check_device
        from ..._creation import empty_like
        _check_device(device)
        return self._apply(lambda t: empty_like(t), recurse=recurse)

    def cuda(self, device=None):
        raise RuntimeError("ember has no CUDA backend yet (Torch not compiled with CUDA enabled)")

    def share_memory(self):
        """Move every parameter and buffer into shared memory (for multiprocessing)."""
        for t in list(self.parameters()) + list(self.buffers()):
            t.share_memory_()
        return self

    def extra_repr(self):
        """Extra information for ``repr``; layers override it."""
        return ""

    def _get_name(self):
        return self.__class__.__name__

    def __repr__(self):
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for key, m in self._modules.items():
            lines.append("(" + key + "): " + _addindent(repr(m), 2))
        main = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    # ------------------------------------------------------------------ calling and hooks
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` (or ``hook(module, args, kwargs)``) before forward; may return new args."""
        h = _add_hook(self._forward_pre_hooks, hook)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[h._key] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(h._key, last=False)
        return h

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output)`` after forward; may return a new output.

        >>> m = ember.nn.Identity(); h = m.register_forward_hook(lambda mod, a, out: out * 2)
        >>> m(ember.ones(1))
        tensor([2.])
        """
        h = _add_hook(self._forward_hooks, hook)
        if with_kwargs:
            self._forward_hooks_with_kwargs[h._key] = True
        if always_call:
            self._forward_hooks_always_called[h._key] = True
        if prepend:
            self._forward_hooks.move_to_end(h._key, last=False)
        return h

    def register_full_backward_hook(self, hook):
        """``hook(module, grad_input, grad_output)`` when gradients w.r.t. the module's
        inputs are computed; may return new grad_input."""
        if self._is_full_backward_hook is False:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a "
                               "single Module. Please use only one of them.")
        self.__dict__["_is_full_backward_hook"] = True
        return _add_hook(self._backward_hooks, hook)

    def register_full_backward_pre_hook(self, hook):
        """``hook(module, grad_output)`` before the module's input gradients are computed."""
        return _add_hook(self._backward_pre_hooks, hook)

    def register_backward_hook(self, hook):
        raise NotImplementedError("ember: the deprecated register_backward_hook is not supported; "
                                  "use register_full_backward_hook")

    def _call_impl(self, *args, **kwargs):
        if not (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks or self._backward_pre_hooks
                or _global_forward_hooks or _global_forward_pre_hooks or _global_backward_hooks
                or _global_backward_pre_hooks):
            return self.forward(*args, **kwargs)
        if not (self._forward_hooks_always_called or _global_forward_hooks_always_called):
            return self._hooked_call(args, kwargs)
        try:
            return self._hooked_call(args, kwargs)
        except Exception:
            _always_called(self, args, kwargs)     # (hooks registered with always_call=True)
            raise

    def _hooked_call(self, args, kwargs):
        for k, hook in itertools.chain(_global_forward_pre_hooks.items(), self._forward_pre_hooks.items()):
            if self._forward_pre_hooks_with_kwargs.get(k):
                r = hook(self, args, kwargs)
                if r is not None:
                    args, kwargs = r
            else:
                r = hook(self, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        bw = None
        if self._backward_hooks or self._backward_pre_hooks or _global_backward_hooks or _global_backward_pre_hooks:
            from .._backward_hooks import BackwardHook
            bw = BackwardHook(self, list(_global_backward_hooks.values()) + list(self._backward_hooks.values()),
                              list(_global_backward_pre_hooks.values()) + list(self._backward_pre_hooks.values()))
            args = bw.setup_input_hook(args)
        result = self.forward(*args, **kwargs)
        for k, hook in itertools.chain(_global_forward_hooks.items(), self._forward_hooks.items()):
            if self._forward_hooks_with_kwargs.get(k) or _global_forward_hooks_with_kwargs.get(k):
                r = hook(self, args, kwargs, result)
            else:
                r = hook(self, args, result)
            if r is not None:
                result = r
        if bw is not None:
            result = bw.setup_output_hook(result)
        return result

    __call__ = _call_impl

def _plain(buf):
    t = _wrap(buf._data)
    t._rg = buf._rg
    t._vc = buf._vc
    return t


def _remove_from(module, name, d, params, keep=None):
    for store in ("_parameters", "_buffers", "_modules"):
        s = d.get(store) if store != keep else None
        if s is not None and name in s:
            del s[name]
    d.pop(name, None)
