"""Per-thread autocast state and the casts the autocasting ops apply (torch's CPU lists).

Ops that autocast read one global list item, ``on[0]``: the number of threads with an
enabled CPU autocast region. While it is zero (the usual case) they do nothing else.
Otherwise :func:`lower`, :func:`fp32` or :func:`promote` look at this thread's state and
cast the floating (not float64) tensor arguments:

- ``lower``: to the autocast dtype (bfloat16 by default) -- matmul, linear, conv, bmm ...
- ``fp32``: to float32 -- losses, prod, cdist, trace, 3-D pools, linalg decompositions ...
- ``promote``: to the widest floating dtype among them -- cat, stack, index_copy.

>>> from ember import _autocast_state as S
>>> S.on[0], S.is_enabled("cpu")
(0, False)
"""
import threading

from . import _dtype as D

__all__ = ["on", "state", "is_enabled", "set_enabled", "get_dtype", "set_dtype", "lower", "fp32", "promote",
           "clear_cache", "suspended"]

on = [0]
_tls = threading.local()
_DEVICES = ("cpu", "cuda", "xpu", "hpu", "mps", "xla", "ipu", "mtia", "maia", "privateuseone", "meta")


class _State:
    __slots__ = ("enabled", "dtype", "nesting", "cache_enabled", "cache")

    def __init__(self):
        self.enabled = {}
        self.dtype = {}
        self.nesting = 0
        self.cache_enabled = True
        self.cache = {}


def state():
    """This thread's autocast state (made on first use)."""
    s = getattr(_tls, "s", None)
    if s is None:
        s = _tls.s = _State()
    return s


def _default_dtype(device_type):
    return D.__getattr__("bfloat16") if device_type in ("cpu", "mps") else D.float16


def is_enabled(device_type="cuda"):
    """Whether autocast is on for ``device_type`` in this thread."""
    return state().enabled.get(device_type, False)


def set_enabled(device_type, flag):
    """Turn autocast on or off for ``device_type`` in this thread."""
    s = state()
    flag = bool(flag)
    if device_type == "cpu" and s.enabled.get("cpu", False) != flag:
        on[0] += 1 if flag else -1
    s.enabled[device_type] = flag


def get_dtype(device_type):
    """The lower-precision dtype autocast uses on ``device_type`` in this thread."""
    d = state().dtype.get(device_type)
    return _default_dtype(device_type) if d is None else d


def set_dtype(device_type, dtype):
    state().dtype[device_type] = dtype


def clear_cache():
    """Forget the casts of leaf parameters cached in this thread."""
    state().cache.clear()


class suspended:
    """Context manager: this thread's CPU autocast off inside (for composites PyTorch runs as one
    non-autocast kernel, e.g. ``F.bilinear``), then back as it was."""

    def __enter__(self):
        self.prev = is_enabled("cpu")
        set_enabled("cpu", False)

    def __exit__(self, *exc):
        set_enabled("cpu", self.prev)


def _eligible(t):
    a = getattr(t, "_data", None)
    return a is not None and (a.dtype.kind == "f" and a.dtype.itemsize < 8 or a.dtype.kind == "V")


def _to(t, dt, s):
    if t.dtype is dt:
        return t
    if s.cache_enabled and dt is not D.float32 and t.dtype is D.float32 and t.requires_grad and t.is_leaf \
            and t._base is None:
        hit = s.cache.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
        c = t.to(dt)
        s.cache[id(t)] = (t, c)
        return c
    return t.to(dt)


def lower(*ts):
    """``ts`` with their floating (not float64) tensors cast to this thread's CPU autocast dtype."""
    s = state()
    if not s.enabled.get("cpu", False):
        return ts
    dt = get_dtype("cpu")
    return tuple([_to(t, dt, s) if _eligible(t) else t for t in ts])


def fp32(*ts):
    """``ts`` with their floating (not float64) tensors cast to float32 when CPU autocast is on."""
    s = state()
    if not s.enabled.get("cpu", False):
        return ts
    return tuple([_to(t, D.float32, s) if _eligible(t) else t for t in ts])


def promote(ts):
    """The list ``ts`` with its floating (not float64) tensors cast to the widest of their dtypes."""
    s = state()
    if not s.enabled.get("cpu", False):
        return ts
    el = [t for t in ts if _eligible(t)]
    if not el:
        return ts
    dt = el[0].dtype
    for t in el[1:]:
        dt = D.promote_types(dt, t.dtype)
    return [_to(t, dt, s) if _eligible(t) else t for t in ts]
