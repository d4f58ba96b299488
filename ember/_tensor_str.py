"""Printing tensors as PyTorch prints them."""
from ._backend import np
from . import _dtype as D


def _fmt_float(d):
    """Format a float array's values the way PyTorch does (shared width and precision)."""
    fin = d[np.isfinite(d)]
    if fin.size == 0:
        return [_special(v) for v in d.ravel()], None
    absf = np.abs(fin.astype(np.float64))
    ints = np.all(np.equal(np.floor(fin), fin))
    mx, mn = absf.max(), absf.min()
    sci = mx >= 1e8 or (mn != 0 and mn < 1e-4) or (mx / mn > 1000 if mn else False)
    if ints and not (mx >= 1e8):
        out = [_special(v) if not np.isfinite(v) else f"{v:.0f}." for v in d.ravel()]
    elif sci:
        out = [_special(v) if not np.isfinite(v) else f"{v:.4e}" for v in d.ravel()]
    else:
        out = [_special(v) if not np.isfinite(v) else f"{v:.4f}" for v in d.ravel()]
    return out, None


def _special(v):
    if np.isnan(v):
        return "nan"
    return "inf" if v > 0 else "-inf"


def _format(d):
    k = d.dtype.kind
    if k == "b":
        return [str(bool(v)) for v in d.ravel()]
    if k in "iu":
        return [str(int(v)) for v in d.ravel()]
    if k == "c":
        return [f"{v.real:.4f}{v.imag:+.4f}j" for v in d.ravel()]
    return _fmt_float(d.astype(np.float64) if d.dtype != np.float64 else d)[0]


def _summarize(d, edge=3):
    return d


def tensor_data_str(d, indent):
    if d.size == 0:
        return "[]"
    items = _format(d)
    w = max(len(s) for s in items)
    items = [s.rjust(w) for s in items]
    if d.ndim == 0:
        return items[0]
    arr = np.array(items, dtype=object).reshape(d.shape)
    return _nest(arr, indent, w)


def _nest(arr, indent, w, linewidth=80):
    if arr.ndim == 1:
        per_line = max(1, (linewidth - indent) // (w + 2))
        vals = list(arr)
        lines = [", ".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    sep = "," + "\n" * (arr.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(_nest(a, indent + 1, w) for a in arr) + "]"


def tensor_repr(t):
    d = t._data
    prefix = "tensor("
    body = tensor_data_str(d, len(prefix))
    suffix = []
    dt = D.NP2DT[d.dtype]
    default = dt is D._default[0] or dt is D.int64 or dt is D.bool
    if d.size == 0 and d.ndim != 1:
        suffix.append(f"size={tuple(d.shape)}")
    if not default:
        suffix.append(f"dtype={dt!r}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        suffix.append("requires_grad=True")
    return prefix + body + "".join(", " + s for s in suffix) + ")"
