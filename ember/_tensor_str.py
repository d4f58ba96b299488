"""Printing tensors exactly as PyTorch prints them: ``repr``/``str`` and ``set_printoptions``.

The rules, as PyTorch applies them:

* One format for the whole tensor (after summarisation). For floats, look at the nonzero
  finite values: if all are integers, print ``1.``-style unless the ratio of the largest to
  the smallest magnitude exceeds 1000 or the largest exceeds 1e8 (then scientific); otherwise
  print ``precision`` decimals, or scientific when that ratio exceeds 1000, the largest
  exceeds 1e8 or the smallest is below 1e-4. ``sci_mode`` forces the choice.
* Every element is right-aligned to the widest formatted nonzero finite value.
* Rows wrap to ``linewidth``; beyond ``threshold`` elements each dim longer than
  ``2 * edgeitems`` is summarised with ``...``.
* A dtype suffix when it is not the default float, int64 or bool (or the complex of the
  default float); ``size=`` for empty tensors that are not ``(0,)``; then ``grad_fn=<...>``
  or ``requires_grad=True``, wrapped onto a new line past ``linewidth``.

>>> ember.tensor([1.5, -2., 1e-5])
tensor([ 1.5000e+00, -2.0000e+00,  1.0000e-05])
>>> ember.arange(3, dtype=ember.int32)
tensor([0, 1, 2], dtype=torch.int32)
"""
import math

from ._backend import np
from . import _dtype as D


class _PrintOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision, self.threshold, self.edgeitems, self.linewidth = 4, 1000, 3, 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Set how tensors print, as ``torch.set_printoptions``.

    ``profile`` is ``"default"``, ``"short"`` or ``"full"``; the other arguments override it.
    ``sci_mode`` True/False forces scientific notation on/off (None: automatic); it is reset
    by every call.

    >>> ember.set_printoptions(precision=2)
    >>> ember.tensor([1.23456])
    tensor([1.23])
    >>> ember.set_printoptions(profile="default")
    """
    if profile in _PROFILES:  # an unknown profile is ignored, as in PyTorch
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options as a dict.

    >>> ember._tensor_str.get_printoptions()["precision"]
    4
    """
    return {k: getattr(PRINT_OPTS, k) for k in _PrintOptions.__slots__}


class printoptions:
    """Context manager: set print options inside the block, restore them after.

    >>> with ember._tensor_str.printoptions(precision=1):
    ...     ember.tensor([0.25, 1.5])
    tensor([0.2, 1.5])
    """

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def __enter__(self):
        self.old = get_printoptions()
        set_printoptions(**self.kwargs)

    def __exit__(self, *exc):
        set_printoptions(**self.old)


# ------------------------------------------------------------------ element formatting
class _Formatter:
    """One format (mode and width) for all the values of an array."""

    def __init__(self, a):
        self.floating = a.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        p = PRINT_OPTS.precision
        if not self.floating:
            if a.size:
                if a.dtype.kind == "b":
                    self.max_width = 5 if not a.all() else 4
                else:
                    self.max_width = max(len(str(int(a.max()))), len(str(int(a.min()))))
        else:
            v = a.ravel()
            v = v[np.isfinite(v) & (v != 0)].astype(np.float64)
            if not v.size:  # only zeros/nan/inf: "0." style, even under sci_mode
                return
            av = np.abs(v)
            mx, mn = float(av.max()), float(av.min())
            # the formatted length is monotone in |v| per sign (except the exponent's
            # digit count), so the extremes of each sign give the widest string
            pos, neg = v[v > 0], v[v < 0]
            cand = [float(x) for s in (pos, neg) if s.size for x in (s.min(), s.max())]
            self.int_mode = bool((v == np.ceil(v)).all())
            if PRINT_OPTS.sci_mode is None:
                self.sci_mode = mx / mn > 1000.0 or mx > 1.0e8 or mn < 1.0e-4
            else:
                self.sci_mode = PRINT_OPTS.sci_mode
            if self.sci_mode:
                self.max_width = max(len(f"{x:.{p}e}") for x in cand)
            elif self.int_mode:  # "12." : one more for the point
                self.max_width = max(len(f"{x:.0f}") + 1 for x in cand)
            else:
                self.max_width = max(len(f"{x:.{p}f}") for x in cand)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating:
            p = PRINT_OPTS.precision
            if self.sci_mode:
                s = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                s = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    s += "."
            else:
                s = f"{value:.{p}f}"
        else:
            s = f"{value}"
        return (self.max_width - len(s)) * " " + s


def _val_str(v, f1, f2):
    if f2 is None:
        return f1.format(v)
    re = f1.format(v.real)
    im = (f2.format(v.imag) + "j").lstrip()
    return re + im if im[0] in "+-" else re + "+" + im


def _vector_str(a, indent, summarize, f1, f2):
    elen = f1.width() + 2
    if f2 is not None:
        elen += f2.width() + 1
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / elen)))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([_val_str(v, f1, f2) for v in a[:e].tolist()] + [" ..."]
                + [_val_str(v, f1, f2) for v in a[-e:].tolist()])
    else:
        data = [_val_str(v, f1, f2) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with(a, indent, summarize, f1, f2):
    nd = a.ndim
    if nd == 0:
        return _val_str(a.item(), f1, f2)
    if nd == 1:
        return _vector_str(a, indent, summarize, f1, f2)
    e = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        rows = ([_str_with(a[i], indent + 1, summarize, f1, f2) for i in range(e)] + ["..."]
                + [_str_with(a[i], indent + 1, summarize, f1, f2) for i in range(n - e, n)])
    else:
        rows = [_str_with(a[i], indent + 1, summarize, f1, f2) for i in range(n)]
    return "[" + ("," + "\n" * (nd - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(a):
    """The elements that will be shown (for choosing the format)."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:  # (with edgeitems=0, a[-0:] is the whole row, as in PyTorch)
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return a[(slice(0, 0),) * a.ndim]
    if a.shape[0] > 2 * e:
        a = np.concatenate((a[:e], a[-e:]))
    return np.stack([_summarized(x) for x in a])


def _tensor_str(a, indent):
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    if a.dtype.kind == "V" or a.dtype == np.float16:  # bfloat16 / float16 print via float32
        a = a.astype(np.float32)
    elif a.dtype.kind == "c" and a.dtype.itemsize == 4:  # complex32 (ml_dtypes) prints via complex64
        a = a.astype(np.complex64)
    src = _summarized(a) if summarize else a
    if a.dtype.kind == "c":
        return _str_with(a, indent, summarize, _Formatter(src.real), _Formatter(src.imag))
    return _str_with(a, indent, summarize, _Formatter(src), None)


def _add_suffixes(s, suffixes, indent):
    out = [s]
    last = len(s) - s.rfind("\n") + 1
    for suf in suffixes:
        if last + len(suf) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + suf)
            last = indent + len(suf)
        else:
            out.append(", " + suf)
            last += len(suf) + 2
    out.append(")")
    return "".join(out)


_PLAIN = ("Tensor", "Parameter", "Buffer")


def tensor_repr(t, tensor_contents=None):
    """``repr(t)`` as PyTorch writes it."""
    cls = type(t)
    prefix = "tensor(" if cls.__name__ in _PLAIN else cls.__name__ + "("
    indent = len(prefix)
    a = t._data
    dt = D.NP2DT[a.dtype]
    dflt = D._default[0]
    suffixes = []
    body = tensor_contents
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append("size=" + str(tuple(a.shape)))
        if dt is not dflt:
            suffixes.append(f"dtype={dt!r}")
        if body is None:
            body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(a.shape)))
        if dt not in (dflt, dflt.to_complex(), D.int64, D.bool):
            suffixes.append(f"dtype={dt!r}")
        if body is None:
            body = _tensor_str(a, indent)
    fn = t.grad_fn
    if fn is not None:
        suffixes.append(f"grad_fn=<{fn._name}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
