"""How ember's functions see fx Proxies while a trace runs.

ember's functions have no ``__torch_function__`` dispatch, so for the duration of a trace the
public callables of ``ember``, ``ember.nn.functional``, ``ember.linalg``, ``ember.special`` and
``ember.fft``, the methods of ``ember.Tensor``, and ``Module.__call__``/``Module.__getattr__`` are
replaced by thin wrappers. A wrapper calls the original unless one of its arguments is a
Proxy; then it records the call (``call_function`` with the original function as target,
``call_method`` for a Tensor method) in that Proxy's tracer. The globals of each traced
``forward`` that bind ember functions (``from ember import relu``), ``ember.fx.wrap`` s and the
tracer's autowrap functions are patched the same way.

Patches are reference counted under a lock: concurrent traces share them and the originals
come back when the last trace ends, also when it fails. Other threads keep working meanwhile:
without a Proxy argument a wrapper is one scan of the arguments and a call.

>>> with ember.fx.patching.Patched():
...     during = hasattr(ember.relu, "__fx_orig__")
>>> during, hasattr(ember.relu, "__fx_orig__")
(True, False)
"""
import operator
import threading
import types

from .proxy import Proxy

__all__ = ["Patched", "find_proxy", "active_tracer", "tracing_with", "make_function_wrapper"]

_lock = threading.RLock()
_refcount = [0]
_saved = []          # (owner, name, original, had_own_attribute)
_wrappers = {}       # id(original) -> wrapper
_public_ids = set()  # ids of ember's own public functions (the ones every trace patches); the
                     # wrappers of a tracer's autowrap functions are cached too, but a later trace
                     # patches those only when it asks for them
_ORIGINALS = {}
_local = threading.local()

_SKIP = {"is_tensor", "is_storage", "typename", "save", "load", "compile", "manual_seed", "seed",
         "is_grad_enabled", "get_default_dtype", "set_default_dtype", "set_printoptions", "is_inference_mode_enabled",
         "initial_seed", "get_rng_state", "set_rng_state", "use_deterministic_algorithms", "vmap",
         "is_anomaly_enabled", "set_anomaly_enabled", "get_device_module", "install"}
_TENSOR_SKIP = {"__init__", "__new__", "__getattr__", "__getattribute__", "__setattr__", "__delattr__",
                "__repr__", "__str__", "__del__", "__hash__", "__bool__", "__len__", "__iter__", "__array__",
                "__format__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__", "__deepcopy__",
                "__copy__", "__init_subclass__", "__subclasshook__", "__dir__", "__sizeof__", "__index__",
                "__int__", "__float__", "__complex__", "__array_ufunc__", "__array_function__",
                "__torch_function__", "__array_wrap__", "__class_getitem__", "__contains__", "__reversed__",
                "_make_subclass", "data_ptr", "dim", "size", "numel", "is_floating_point", "is_complex",
                "element_size", "nelement", "ndimension", "stride", "type"}

# Tensor dunders recorded as operator calls: name -> (operator function, reflected?)
_DUNDER = {}
for _n in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lshift", "rshift",
           "and_", "or_", "xor"):
    _d = _n.rstrip("_")
    _DUNDER[f"__{_d}__"] = (getattr(operator, _n), False)
    _DUNDER[f"__r{_d}__"] = (getattr(operator, _n), True)
for _n in ("eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "invert", "abs", "getitem", "setitem"):
    _DUNDER[f"__{_n}__"] = (getattr(operator, _n), False)
_DUNDER["__div__"] = (operator.truediv, False)
_DUNDER["__rdiv__"] = (operator.truediv, True)
del _n, _d


def _scan(a):
    t = type(a)
    if isinstance(a, Proxy):
        return a
    if t is tuple or t is list:
        for e in a:
            p = _scan(e)
            if p is not None:
                return p
    elif t is dict:
        for e in a.values():
            p = _scan(e)
            if p is not None:
                return p
    elif t is slice:
        for e in (a.start, a.stop, a.step):
            p = _scan(e)
            if p is not None:
                return p
    return None


def find_proxy(args, kwargs=None):
    """The first Proxy inside ``args``/``kwargs`` (containers searched), or None.

    >>> ember.fx.patching.find_proxy((1, [2, 3]), {"k": 4}) is None
    True
    """
    for a in args:
        p = _scan(a)
        if p is not None:
            return p
    if kwargs:
        for a in kwargs.values():
            p = _scan(a)
            if p is not None:
                return p
    return None


def active_tracer():
    """The tracer recording in this thread (None outside a trace, and while a leaf runs for real)."""
    st = getattr(_local, "stack", None)
    return st[-1] if st else None


class tracing_with:
    """Context manager: make ``tracer`` this thread's active tracer (None pauses recording)."""

    def __init__(self, tracer):
        self.tracer = tracer

    def __enter__(self):
        st = getattr(_local, "stack", None)
        if st is None:
            st = _local.stack = []
        st.append(self.tracer)
        return self.tracer

    def __exit__(self, *exc):
        _local.stack.pop()
        return False


class _FunctionWrapper:
    """A patched ember function: records a ``call_function`` when given a Proxy, else calls the
    original; compares and hashes equal to the original (so ``node.target == ember.relu`` holds
    while a trace is running)."""

    def __init__(self, orig, target):
        self.__fx_orig__ = orig
        self._target = target
        self.__wrapped__ = orig
        for k in ("__name__", "__qualname__", "__doc__", "__module__"):
            try:
                setattr(self, k, getattr(orig, k))
            except AttributeError:
                pass

    def __call__(self, *args, **kwargs):
        p = find_proxy(args, kwargs)
        if p is None:
            return self.__fx_orig__(*args, **kwargs)
        return p.tracer.create_proxy("call_function", self._target, args, kwargs)

    def __eq__(self, other):
        return getattr(other, "__fx_orig__", other) == self.__fx_orig__

    def __hash__(self):
        return hash(self.__fx_orig__)

    def __repr__(self):
        return repr(self.__fx_orig__)


def make_function_wrapper(orig, target=None):
    """A callable that records ``target`` (default ``orig``) when given a Proxy, else calls ``orig``.

    >>> w = ember.fx.patching.make_function_wrapper(abs); w(-2), w == abs
    (2, True)
    """
    if getattr(orig, "__fx_orig__", None) is not None:
        return orig
    key = id(orig)
    w = _wrappers.get(key) if target is None else None
    if w is not None and w.__fx_orig__ is orig:
        return w
    w = _FunctionWrapper(orig, orig if target is None else target)
    if target is None:
        _wrappers[key] = w
    return w


def _method_wrapper(name, orig):
    op = _DUNDER.get(name)
    if op is not None:
        fn, reflected = op

        def wrapper(*args, **kwargs):
            p = find_proxy(args, kwargs)
            if p is None:
                return orig(*args, **kwargs)
            if reflected:
                args = (args[1], args[0]) + args[2:]
            return p.tracer.create_proxy("call_function", fn, args, kwargs)
    else:
        def wrapper(*args, **kwargs):
            p = find_proxy(args, kwargs)
            if p is None:
                return orig(*args, **kwargs)
            return p.tracer.create_proxy("call_method", name, args, kwargs)
    wrapper.__name__ = name
    wrapper.__qualname__ = "Tensor." + name
    wrapper.__doc__ = getattr(orig, "__doc__", None)
    wrapper.__fx_orig__ = orig
    return wrapper


def _public_callables(mod):
    for name, obj in list(vars(mod).items()):
        if name.startswith("_") and name != "_assert":
            continue
        if name in _SKIP or isinstance(obj, (type, types.ModuleType)) or not callable(obj):
            continue
        if getattr(obj, "__fx_orig__", None) is not None:
            continue
        yield name, obj


def _module_call(orig):
    def __call__(mod, *args, **kwargs):
        tr = active_tracer()
        if tr is None:
            return orig(mod, *args, **kwargs)
        return tr._module_call_hook(mod, orig, args, kwargs)
    __call__.__fx_orig__ = orig
    return __call__


def _module_getattr(orig):
    def __getattr__(mod, name):
        val = orig(mod, name)
        tr = active_tracer()
        if tr is None:
            return val
        return tr.getattr(name, val, tr._parameter_proxy_cache)
    __getattr__.__fx_orig__ = orig
    return __getattr__


def _set(owner, name, value):
    if isinstance(owner, dict):
        owner[name] = value
    else:
        setattr(owner, name, value)


def _install():
    import ember
    import ember.nn.functional as F
    from .._tensor import Tensor
    from ..nn.modules.module import Module
    from . import codegen
    if not codegen._PUBLIC:
        codegen._build_public()  # names of the originals, before they are wrapped
    for mod in (ember, F, ember.linalg, ember.special, ember.fft):
        for name, obj in _public_callables(mod):
            _saved.append((mod, name, obj, True))
            if mod is ember:
                _ORIGINALS[name] = obj
            _public_ids.add(id(obj))
            setattr(mod, name, make_function_wrapper(obj))
    for name, obj in list(vars(Tensor).items()):
        if name in _TENSOR_SKIP or not isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
            continue
        _saved.append((Tensor, name, obj, True))
        setattr(Tensor, name, _method_wrapper(name, obj))
    for name, factory in (("__call__", _module_call), ("__getattr__", _module_getattr)):
        obj = Module.__dict__[name]
        _saved.append((Module, name, obj, True))
        setattr(Module, name, factory(obj))


def _uninstall():
    while _saved:
        owner, name, obj, had = _saved.pop()
        if had:
            _set(owner, name, obj)
        elif isinstance(owner, dict):
            owner.pop(name, None)
        else:
            delattr(owner, name)
    _ORIGINALS.clear()


class Patched:
    """Context manager holding the trace-time patches of ember's namespaces (see module doc)."""

    def __init__(self):
        self._globals = []   # (dict or class, name, original, had)
        self._classes = set()
        self._keep = []

    def __enter__(self):
        with _lock:
            if _refcount[0] == 0:
                try:
                    _install()
                except BaseException:
                    _uninstall()
                    raise
            _refcount[0] += 1
        return self

    def patch_globals(self, g, extra_ids=None, wrapped_names=()):
        """Patch the ember callables (and ``extra_ids`` / ``wrapped_names``) bound in globals ``g``."""
        with _lock:
            for name, obj in list(g.items()):
                if getattr(obj, "__fx_orig__", None) is not None or not callable(obj) or isinstance(obj, type):
                    continue
                w = _wrappers.get(id(obj)) if id(obj) in _public_ids else None
                if w is None and extra_ids and id(obj) in extra_ids:
                    w = make_function_wrapper(obj)
                if w is not None and w.__fx_orig__ is obj:
                    self._globals.append((g, name, obj, True))
                    g[name] = w
            for name in wrapped_names:
                cur = g.get(name)
                if cur is None:
                    import builtins
                    orig = getattr(builtins, name, None)
                    if orig is None:
                        continue
                    self._globals.append((g, name, None, False))
                    g[name] = make_function_wrapper(orig)
                elif getattr(cur, "__fx_orig__", None) is None:
                    self._globals.append((g, name, cur, True))
                    g[name] = make_function_wrapper(cur)

    def patch_instance(self, obj):
        """Patch ember functions stored on ``obj`` itself (``self.activation = F.relu``) and its class."""
        self.patch_class(type(obj))
        d = getattr(obj, "__dict__", None)
        if d is None or (id(d), None) in self._classes:
            return
        with _lock:
            self._classes.add((id(d), None))
            self._keep.append(obj)
            for name, v in list(d.items()):
                if callable(v) and not isinstance(v, type):
                    w = _wrappers.get(id(v)) if id(v) in _public_ids else None
                    if w is not None and w.__fx_orig__ is v:
                        self._globals.append((d, name, v, True))
                        d[name] = w

    def patch_class(self, cls):
        """Patch staticmethods of ``cls`` (and its bases) that hold ember functions (``_fn = F.max_pool2d``)."""
        with _lock:
            for klass in cls.__mro__:
                if klass is object or (klass, None) in self._classes:
                    continue
                self._classes.add((klass, None))
                for name, v in list(vars(klass).items()):
                    if isinstance(v, staticmethod):
                        w = _wrappers.get(id(v.__func__)) if id(v.__func__) in _public_ids else None
                        if w is not None and w.__fx_orig__ is v.__func__:
                            self._globals.append((klass, name, v, True))
                            setattr(klass, name, staticmethod(w))

    def __exit__(self, *exc):
        with _lock:
            while self._globals:
                g, name, obj, had = self._globals.pop()
                if not isinstance(g, dict):
                    setattr(g, name, obj)
                elif had:
                    g[name] = obj
                else:
                    g.pop(name, None)
            _refcount[0] -= 1
            if _refcount[0] == 0:
                _uninstall()
        return False
