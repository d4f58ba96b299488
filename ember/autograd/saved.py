"""Tensors saved for backward: each with the version it had when saved, so that an in-place
change made since is caught (with PyTorch's message) when backward unpacks it.

The entries are plain tuples ``(kind, obj, version_counter, version, out_nr)`` (a tuple is
the cheapest object to build, and recording an op builds one per saved tensor), made by
``function._record`` from what a forward passed to ``ctx.save_for_backward``: an input tensor
(kind 0), an output's array (kind 1, re-wrapped as a tensor of the node on unpacking) or an
intermediate array (kind 2, a constant). A saved plain value is kept as is, except a tuple,
which is held in a ``_Value`` so that it cannot be taken for an entry.

>>> x = ember.tensor([1., 2.], requires_grad=True)
>>> y = x.sin()
>>> kind, obj, vc, version, out_nr = y.grad_fn._saved[0]
>>> kind, obj is x, version
(0, True, 0)
"""
from .._dtype_names import SCALAR_NAMES

_anomaly_state = [False, True]  # enabled, check_nan
# how many saved_tensors_hooks contexts are open, over all threads: the one check an op makes
# (see saved_hooks.py; which hooks apply is then read per thread)
_hooks_on = [0]


def _wrap(data):  # ember._tensor._wrap, bound on first use (ember._tensor imports autograd first)
    global _wrap
    from .._tensor import _wrap
    return _wrap(data)


_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time or if you need to access saved "
    "tensors after calling backward.")



_FREED = ("freed",)


_Saved = tuple  # the class of a saved-tensor entry (see the module docstring)
KIND, OBJ, VC, VERSION, OUT_NR = range(5)  # the fields of an entry


def _saved_entry(kind, obj, vc, out_nr=0):
    """A tensor saved for backward, with the version it had when saved: kind 0 an input
    tensor, 1 an output (its data array), 2 a constant array."""
    return (kind, obj, vc, vc[0] if vc is not None else 0, out_nr)


class _Value:
    """A saved plain value that is itself a tuple (so that it is not read as an entry)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def unpack(self, node):
        return self.value


class _Packed:
    """A saved tensor passed through a pack hook: ``unpack_hook(packed)`` gives it back."""

    __slots__ = ("packed", "unpack_hook", "kind", "out_nr")

    def __init__(self, packed, unpack_hook, kind, out_nr):
        self.packed = packed
        self.unpack_hook = unpack_hook
        self.kind = kind
        self.out_nr = out_nr

    def unpack(self, node):
        r = self.unpack_hook(self.packed)
        if not hasattr(r, "_data") or not hasattr(r, "grad_fn"):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                            f"result of type {type(r).__name__}")
        if self.kind == 1 and r.grad_fn is not node:  # an output: tied back to the node
            t = _wrap(r._data)
            t._rg = True
            t.grad_fn = node
            t._out_nr = self.out_nr
            return t
        return r


def _saved_arrays(node, dt):
    """The values ``node`` saved, as arrays (version-checked like ``saved_tensors``, but
    not wrapped), or None when a saved array's dtype is not ``dt`` (then a backward
    formula must run in Tensor ops, which promote as PyTorch does)."""
    s = node._saved
    if s is None:
        return ()
    if s is _FREED:
        raise RuntimeError(_FREED_MSG)
    out = []
    for e in s:
        if e.__class__ is _Saved:
            kind, obj, vc, version, _ = e
            if vc is not None and vc[0] != version:
                raise RuntimeError(_modified_msg(node, e, vc[0]))
            a = obj._data if kind == 0 else obj
            if a.dtype is not dt and a.dtype != dt:
                return None
            out.append(a)
        elif e.__class__ is _Packed:
            a = e.unpack(node)._data
            if a.dtype is not dt and a.dtype != dt:
                return None
            out.append(a)
        elif e.__class__ is _Value:
            out.append(e.value)
        else:
            out.append(e)
    return out


def _unpack(node, e):
    if e is None:
        return None
    if e.__class__ is not _Saved:
        return e.unpack(node) if e.__class__ is _Packed or e.__class__ is _Value else e
    kind, obj, vc, version, out_nr = e
    if vc is not None and vc[0] != version:
        raise RuntimeError(_modified_msg(node, e, vc[0]))
    if kind == 0:
        return obj
    t = _wrap(obj)
    if kind == 1:
        t._rg = True
        t.grad_fn = node
        t._out_nr = out_nr
        t._vc = vc
    return t


def _modified_msg(node, e, now):
    """PyTorch's message for a saved tensor changed in place after it was saved."""
    kind, obj, _, version, out_nr = e
    shape = list(obj.shape)
    dt = obj.dtype if kind else obj._data.dtype
    if kind == 1:      # an output of the node that saved it
        where = f", which is output {out_nr} of {_short(node._name)},"
    elif obj.grad_fn is not None:   # an input: described by its own (current) history
        where = f", which is output {obj._out_nr} of {_short(obj.grad_fn._name)},"
    else:                # a leaf
        where = ""
    hint = ("Hint: the backtrace further above can show the operation that failed to compute its "
            "gradient. The variable in question was changed in there or anywhere later. Good luck!"
            if _anomaly_state[0] else
            "Hint: enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{_type_name(dt)} {shape}]{where} is at version {now}; expected "
            f"version {version} instead. {hint}")


def _short(name):
    """``AddBackward0`` -> ``Add``, as PyTorch names a node in this message."""
    i = name.rfind("Backward")
    return name[:i] if i > 0 else name


def _type_name(npdt):
    from .._dtype import NP2DT
    n = NP2DT[npdt].name
    return "torch." + SCALAR_NAMES.get(n, n) + "Tensor"


def _save_entry(s, arrays, tensors, outs, results, raws=()):
    if s is None:
        return None
    for i, a in enumerate(arrays):
        if s is a:
            t = tensors[i]
            if t._vc is None:
                t._vc = [0]
            return _saved_entry(0, t, t._vc)
    for i, o in enumerate(outs):
        if s is o or (i < len(raws) and s is raws[i]):
            t = results[i]
            if t._vc is None:
                t._vc = [0]
            return _saved_entry(1, o, t._vc, i)
    if hasattr(s, "_data"):  # a Tensor saved directly
        if s._vc is None:
            s._vc = [0]
        return _saved_entry(0, s, s._vc)
    if hasattr(s, "dtype") and hasattr(s, "shape"):  # an intermediate array: a constant
        return _saved_entry(2, s, None)
    if s.__class__ is tuple or isinstance(s, tuple):  # a tuple value: not to be read as an entry
        return _Value(s)
    return s  # a Python scalar or other plain value, kept as is
