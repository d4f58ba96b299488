"""Cross-map local response normalisation (the legacy Lua-Torch ``CrossMapLRN2d``), one op
whose forward and hand-written backward reproduce PyTorch's ``torch.nn.CrossMapLRN2d``.

Forward: ``out = x * scale ** -beta`` with ``scale = k + alpha / size * S`` where ``S[c]`` is a
running sum of squares over channels. With ``P = int((size - 1) / 2 + 1)`` the sum starts as
``x[0]**2 + ... + x[P-1]**2`` and each next channel adds ``x[c+P-1]**2`` (while it exists) and
drops ``x[c-P]**2`` only for ``c - P >= 1``; so channel 0 is never dropped and the window is
``{0} U [c-P+1, c+P-1]``, not the symmetric one of ``local_response_norm``.

Backward (not the exact derivative of that forward, as in PyTorch):
``dx = scale**-beta * g - 2*alpha*beta/size * x * A`` where ``A[c]`` is the sum of
``r = g * out / scale`` over channels ``[c - q, c + size - 1 - q]``, ``q = int(size - (size-1)/2)``.

Both running sums are taken in PyTorch's order (add, then subtract, one rounding each) with one
``cumsum`` along an interleaved channel axis and the last step of backward is rounded once like
PyTorch's fused ``addcmul``, so results match PyTorch's bit for bit up to its ``pow`` kernel
(exact for beta 0.5, 1 and 2; otherwise within an ulp or so).

>>> from ember.ops.nn.cross_map_lrn import cross_map_lrn2d
>>> cross_map_lrn2d(ember.ones(1, 5, 1, 1), 3, 1.0, 1.0, 1.0).flatten()
tensor([0.6000, 0.5000, 0.4286, 0.4286, 0.5000])
"""
from .._util import np, Op, apply_op, _wrap

__all__ = []


def _pow(base, e):
    """``base ** e`` for an array ``base`` with a Python float exponent, in base's dtype."""
    if e == -1.0:
        return np.reciprocal(base)
    if e == -0.5:
        return np.reciprocal(np.sqrt(base))
    if e == -2.0:
        return np.reciprocal(base * base)
    if base.dtype == np.float32:                     # nearest float32 to the exact power
        return np.power(base.astype(np.float64), e).astype(np.float32)
    return np.power(base, base.dtype.type(e))


def _running_sum(first, plus, minus):
    """Sequential sums along axis 1 of ``first`` and then ``plus[0], minus[0], plus[1], minus[1], ...``
    (each add rounded on its own, as a running sum updated in place). Returns every partial
    sum; callers pick the ones they read (after ``first``, after a ``plus`` or after a ``minus``)."""
    N, F = first.shape[:2]
    C1 = plus.shape[1]
    seq = np.empty((N, F + 2 * C1) + first.shape[2:], dtype=first.dtype)
    seq[:, :F] = first
    seq[:, F::2] = plus
    seq[:, F + 1::2] = minus
    return np.cumsum(seq, axis=1, out=seq)


class CrossMapLRN2d(Op):
    """Cross-map LRN of a 4-D array, forward and backward as PyTorch's ``CrossMapLRN2d``."""

    _name = "CrossMapLRN2dBackward"

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        C = x.shape[1]
        ft = x.dtype.type
        sq = x * x
        P = int((size - 1) / 2 + 1)
        F = min(P, C)
        z = np.zeros_like(sq[:, :1])
        # channel c (1..C-1) adds sq[c+P-1] (when < C) and then drops sq[c-P] (when c-P >= 1)
        hi = np.arange(1, C) + P - 1
        lo = np.arange(1, C) - P
        plus = np.concatenate([sq, z], axis=1)[:, np.where(hi < C, hi, C)]
        minus = -np.concatenate([sq, z], axis=1)[:, np.where(lo >= 1, lo, C)]
        cs = _running_sum(sq[:, :F], plus, minus)
        scale = cs[:, F - 1::2] if C > 1 else cs[:, F - 1:F]
        scale = scale * ft(alpha / size)
        scale += ft(k)
        out = _pow(scale, -beta) * x
        if isinstance(ctx, Op):
            ctx.saved = (x, out, scale, size, alpha, beta)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out, scale, size, alpha, beta = ctx.saved
        g = g._data
        N, C = x.shape[:2]
        q = int(size - (size - 1) / 2)
        if q + C > C + size - 1:
            raise RuntimeError(f"start ({q}) + length ({C}) exceeds dimension size ({C + size - 1}).")
        ft = x.dtype.type
        grad = _pow(scale, -beta) * g
        r = g * out
        r /= scale
        pad = np.zeros((N, C + size - 1) + x.shape[2:], dtype=x.dtype)
        pad[:, q:q + C] = r
        # A[c] = sum(pad[0 : size-1]) + pad[c+size-1] (read), then - pad[c]
        cs = _running_sum(pad[:, :size - 1], pad[:, size - 1:size - 1 + C], -pad[:, :C])
        acc = cs[:, size - 1::2]
        return _wrap(_fma(ft(-(2 * alpha * beta / size)) * x, acc, grad))


def _fma(a, b, c):
    """``a * b + c`` rounded once, as the fused multiply-add of PyTorch's ``addcmul`` kernel."""
    if a.dtype == np.float32:                        # the float64 product of two float32 is exact
        return (a.astype(np.float64) * b + c).astype(np.float32)
    p = a * b                                        # float64: Dekker's exact product p + e ...
    sp = 134217729.0                                 # 2**27 + 1
    ah = a * sp
    ah = ah - (ah - a)
    bh = b * sp
    bh = bh - (bh - b)
    e = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    h = p + c                                        # ... and Knuth's exact sum h + l of p and c
    z = h - p
    lo = (p - (h - z)) + (c - z)
    r = h + (lo + e)
    return np.where(np.isfinite(r), r, h)            # inf/nan: the plain sum


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):
    """PyTorch's ``CrossMapLRN2d`` applied to a 4-D tensor (see the module docstring)."""
    if input.dim() != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
    if input.dtype.is_complex or not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(input)}")
    return apply_op(CrossMapLRN2d, (input,), int(size), float(alpha), float(beta), float(k))


def _type_name(t):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(t.dtype).split(".")[-1], str(t.dtype))
