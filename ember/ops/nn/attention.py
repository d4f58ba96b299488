"""Scaled dot-product attention as one node, and the head split used by multi-head attention.

``softmax(q @ k^T * scale + mask) @ v`` runs as batched matmuls on arrays (any leading
batch dims, broadcast as ``matmul`` does); the probabilities are saved for a backward
written in NumPy, or in Tensor ops under ``create_graph`` so that double backward works.

>>> from ember.ops.nn.attention import attention
>>> q = ember.ones(1, 2, 4)
>>> attention(q, q, q).shape
torch.Size([1, 2, 4])
"""
__all__ = []  # reached through ember.nn.functional
from .._util import np, Op, apply_op, _wrap, _state, NP2DT
from ...autograd.function import Node
from ..._random import dropout_mask as _dropout_mask
from ..._dtype_names import TYPEID_NAMES
from ..._parallel_pass import par_blocks, pass_threads, MIN_SIZE, _split_axis
from ..._thread_pool import num_threads
from ..._parallel_gemm import gemm
import math
from math import prod

_NEG_INF = float("-inf")
_CAUSAL = {}  # (L, S, dtype) -> additive (L, S) array: 0 on and below the diagonal, -inf above


def _causal_bias(L, S, dt):
    key = (L, S, dt)
    b = _CAUSAL.get(key)
    if b is None:
        if len(_CAUSAL) > 64:
            _CAUSAL.clear()
        b = np.where(np.tri(L, S, dtype=bool), dt.type(0), dt.type(_NEG_INF))
        b.flags.writeable = False
        _CAUSAL[key] = b
    return b


def _work_dtype(dt):
    """Half and bfloat16 inputs are computed in float32, as PyTorch's math kernel does."""
    return np.dtype(np.float32) if dt.kind == "V" or dt == np.float16 else dt


def _softmax_rows(s, safe):
    """In-place softmax over the last axis of ``s``; returns (s, dead) where ``dead`` marks
    the rows that were all ``-inf`` (made zero when ``safe``, NaN otherwise, as torch)."""
    dead = None
    if s.shape[-1] == 0:
        return s, dead
    if s.size >= MIN_SIZE and s.ndim >= 2:   # blocks of rows over the intra-op threads
        d = np.zeros(s.shape[:-1] + (1,), bool)
        par_blocks(lambda sb, db: _softmax_block(sb, safe, db), s, d, keep=(s.ndim - 1,))
        return s, (d if safe and d.any() else None)
    return _softmax_serial(s, safe)


def _softmax_serial(s, safe):
    dead = None
    m = s.max(axis=-1, keepdims=True)
    if np.isfinite(m).all():         # (the common case: no row all -inf, no inf - inf to silence)
        s -= m
        np.exp(s, out=s)
        z = np.einsum("...j->...", s)[..., None]
        np.reciprocal(z, out=z)
        s *= z
        return s, dead
    if safe:
        d = m == _NEG_INF
        if d.any():
            dead = d
            m[d] = 0.0
    with np.errstate(invalid="ignore"):
        s -= m
        np.exp(s, out=s)
        z = np.einsum("...j->...", s)[..., None]  # faster than sum over a short last axis
        if dead is not None:
            z[dead] = 1.0
        np.reciprocal(z, out=z)
        s *= z
    return s, dead


def _softmax_block(s, safe, dead):
    """``_softmax_rows`` of a block of rows, its all-``-inf`` rows marked in ``dead``."""
    _, d = _softmax_serial(s, safe)
    if d is not None:
        dead[...] = d


def _add(s, b):
    """``s + b``, in place when broadcasting keeps s's shape."""
    if b.ndim <= s.ndim and all(x == y or x == 1 for x, y in zip(b.shape[::-1], s.shape[::-1])):
        s += b
        return s
    return s + b


def _mT(a):
    return np.swapaxes(a, -1, -2)


def _scores(q, k, scale, out=None):
    """``q @ k^T * scale`` (the smaller operand scaled)."""
    if q.shape[-1] <= k.shape[-2]:
        return gemm(q * scale, _mT(k), out=out)
    s = gemm(q, _mT(k), out=out)
    s *= scale
    return s


def _fits(a, lead):
    """Whether ``a`` (a mask or bias, or None) broadcasts into scores with batch dims ``lead``
    without enlarging them."""
    return a is None or (a.ndim <= len(lead) + 2 and all(
        x == 1 or x == y for x, y in zip(a.shape[-3::-1], lead[::-1])))


def _attend_blocks(q, k, v, mask, bias, scale, safe):
    """(out, P, dead) without dropout, in blocks of the batch dims over the intra-op threads
    (each block's GEMMs on one BLAS thread, as with one thread set); None where this does not
    apply (small, broadcasting batch dims, one matrix)."""
    lead = q.shape[:-2]
    L, S = q.shape[-2], k.shape[-2]
    if q.size // max(q.shape[-1], 1) * S < MIN_SIZE:     # (small: serial, decided first)
        return None
    if (not lead or k.shape[:-2] != lead or v.shape[:-2] != lead or not _fits(mask, lead) or not _fits(bias, lead)
            or pass_threads(q.dtype.itemsize * prod(lead) * L * S) == 1
            or _split_axis(lead, num_threads()) is None):
        return None
    P = np.empty(lead + (L, S), q.dtype)
    out = np.empty(lead + (L, v.shape[-1]), q.dtype)
    dead = np.zeros(lead + (L, 1), bool)
    nd = len(lead) + 2

    def block(Pb, ob, db, qb, kb, vb, *mb):
        _scores(qb, kb, scale, out=Pb)
        for m in mb:
            if m is not None:
                Pb += m
        _, d = _softmax_serial(Pb, safe)
        if d is not None:
            db[...] = d
        gemm(Pb, vb, out=ob)
    par_blocks(block, P, out, dead, q, k, v,
               *[None if m is None else m.reshape((1,) * (nd - m.ndim) + m.shape) for m in (mask, bias)],
               keep=(nd - 2, nd - 1))
    return out, P, (dead if safe and dead.any() else None)


class ScaledDotProductAttention(Op):
    """``softmax(q @ k^T * scale + mask + bias) @ v`` with optional dropout on the
    probabilities. Inputs: q, k, v and, when given, a float mask (differentiable);
    ``bias`` is a constant additive array (bool masks, the causal mask) or None.
    With ``want_probs`` the (post-dropout) probabilities are a second output."""

    _name = "ScaledDotProductAttentionBackward0"

    @staticmethod
    def forward(ctx, q, k, v, *rest):
        if len(rest) == 6:
            mask, (bias, scale, p, safe, want_probs) = rest[0], rest[1:]
        else:
            mask, (bias, scale, p, safe, want_probs) = None, rest
        odt = q.dtype
        wdt = _work_dtype(odt)
        if wdt != odt:
            q, k, v = q.astype(wdt), k.astype(wdt), v.astype(wdt)
            if mask is not None:
                mask = mask.astype(wdt)
        Dm = None
        res = _attend_blocks(q, k, v, mask, bias, wdt.type(scale), safe) if p == 0.0 else None
        if res is not None:
            out, P, dead = res
            Pd = P
        else:
            s = _scores(q, k, wdt.type(scale))
            if mask is not None:
                s = _add(s, mask)
            if bias is not None:
                s = _add(s, bias)
            P, dead = _softmax_rows(s, safe)
            Pd = P
            if p > 0.0:
                Dm = _dropout_mask(P.shape, p, wdt)
                Pd = P * Dm
            out = gemm(Pd, v)
        if wdt != odt:
            out = out.astype(odt)
        if ctx is not None and ctx.__class__ is ScaledDotProductAttention:
            ctx.set_materialize_grads(False)
            ctx.cache = (bias, scale, Dm, dead, safe, wdt)
            ctx.save_for_backward(q, k, v, mask, P)
        if want_probs:
            # without dropout (and in the input's dtype) the saved probabilities are this
            # output itself, so an in-place change to it is caught at backward
            return out, (Pd.astype(odt) if wdt != odt else Pd)
        return out

    @staticmethod
    def backward(ctx, gO, gP=None):
        n = ctx.needs_input_grad
        if _state[0]:
            return _backward_graph(ctx, gO, gP)
        q, k, v, mask, P = [None if t is None else t._data for t in ctx.saved_tensors]
        bias, scale, Dm, dead, safe, wdt = ctx.cache
        if q.dtype != wdt:
            q, k, v = q.astype(wdt), k.astype(wdt), v.astype(wdt)
        g = None if gO is None else gO._data.astype(wdt, copy=False)
        Pd = P if Dm is None else P * Dm
        gv = None
        if g is not None:
            dP = gemm(g, _mT(v))
            if n[2]:
                gv = gemm(_mT(Pd), g)
        else:
            dP = np.zeros(P.shape, wdt)
        if gP is not None:
            dP = _add(dP, gP._data.astype(wdt, copy=False))
        if Dm is not None:
            dP *= Dm
        dP -= np.einsum("...j,...j->...", dP, P)[..., None]
        dP *= P  # now dS, the gradient of the scores
        sc = wdt.type(scale)
        gq = gemm(dP, k) * sc if n[0] else None
        gk = gemm(_mT(dP), q) * sc if n[1] else None
        gm = dP if len(n) > 3 and n[3] else None
        return tuple(None if a is None else _wrap(a) for a in (gq, gk, gv, gm)[:len(n)])

    def _release(self):
        Node._release(self)
        self.cache = None  # the dropout mask goes with the saved tensors


def _backward_graph(ctx, gO, gP):
    """The same backward in Tensor ops (recomputing the probabilities) for create_graph."""
    q, k, v, mask, _ = ctx.saved_tensors
    bias, scale, Dm, dead, safe, wdt = ctx.cache
    n = ctx.needs_input_grad
    s = q.matmul(k.transpose(-2, -1)) * scale
    if mask is not None:
        s = s + mask
    if bias is not None:
        s = s + _wrap(bias.astype(s._data.dtype, copy=False))
    if dead is not None:
        s = s.masked_fill(_wrap(dead), 0.0)
    from .softmax_cross_entropy import softmax
    P = softmax(s, -1)
    if dead is not None:
        P = P * _wrap((~dead).astype(P._data.dtype))
    Dt = None if Dm is None else _wrap(Dm.astype(P._data.dtype, copy=False))
    Pd = P if Dt is None else P * Dt
    gv = None
    dP = None
    if gO is not None:
        dP = gO.matmul(v.transpose(-2, -1))
        if n[2]:
            gv = Pd.transpose(-2, -1).matmul(gO)
    if gP is not None:
        dP = gP if dP is None else dP + gP
    if Dt is not None:
        dP = dP * Dt
    dS = P * (dP - (dP * P).sum(-1, keepdim=True))
    gq = dS.matmul(k) * scale if n[0] else None
    gk = dS.transpose(-2, -1).matmul(q) * scale if n[1] else None
    gm = dS if len(n) > 3 and n[3] else None
    return (gq, gk, gv, gm)[:len(n)]


def _bool_bias(m, dt):
    return np.where(m, dt.type(0), dt.type(_NEG_INF))


def attention(query, key, value, mask=None, dropout_p=0.0, is_causal=False, scale=None, safe=True,
              want_probs=False):
    """Attention of ``query`` (..., L, E) over ``key`` (..., S, E) / ``value`` (..., S, Ev)
    in one node; ``mask`` bool (True = attend) or float (added). Arguments are not checked
    here (see ``F.scaled_dot_product_attention``). With ``want_probs`` returns
    ``(output, probabilities)``.

    >>> from ember.ops.nn.attention import attention
    >>> q = ember.zeros(1, 3, 2)
    >>> out, p = attention(q, q, ember.ones(1, 3, 2), is_causal=True, want_probs=True)
    >>> p[0, 1]
    tensor([0.5000, 0.5000, 0.0000])
    """
    q = query._data
    wdt = _work_dtype(q.dtype)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else float("inf")
    bias = None
    ts = (query, key, value)
    if is_causal:
        bias = _causal_bias(q.shape[-2], key._data.shape[-2], wdt)
    elif mask is not None:
        m = mask._data
        if m.dtype == np.bool_:
            bias = _bool_bias(m, wdt)
        else:
            ts = (query, key, value, mask)
    p = float(dropout_p)
    return apply_op(ScaledDotProductAttention, ts, bias, float(scale), p, bool(safe), bool(want_probs))


# ---------------------------------------------------------------- heads
class SplitHeads(Op):
    """A projection ``y`` (A, B, G*E), laid out (T, N, .) or (N, T, .), as G head tensors
    (N, H, T, E/H): views forward, one gathered gradient backward."""

    _name = "SplitHeadsBackward0"

    @staticmethod
    def forward(ctx, y, G, H, batch_major):
        A, B, _ = y.shape
        r = y.reshape(A, B, G, H, -1)
        r = r.transpose(2, 0, 3, 1, 4) if batch_major else r.transpose(2, 1, 3, 0, 4)
        if ctx is not None and ctx.__class__ is SplitHeads:
            ctx.set_materialize_grads(False)
            ctx.meta = (y.shape, y.dtype, G, H, batch_major)
        return r[0] if G == 1 else tuple(r)

    @staticmethod
    def backward(ctx, *gs):
        shape, dt, G, H, bm = ctx.meta
        A, B, GE = shape
        inv = (1, 3, 0, 2, 4) if bm else (3, 1, 0, 2, 4)
        if _state[0]:
            from ..shape.joining import stack
            from ..._creation import zeros
            ref = next(g for g in gs if g is not None)
            gs = [zeros(ref.shape, dtype=ref.dtype) if g is None else g for g in gs]
            return stack(gs, 0).permute(*inv).reshape(shape)
        out = np.empty((A, B, G, H, GE // (G * H)), dt)
        view = out.transpose(2, 0, 3, 1, 4) if bm else out.transpose(2, 1, 3, 0, 4)
        for i, g in enumerate(gs):
            if g is None:
                view[i] = 0
            else:
                view[i] = g._data
        return _wrap(out.reshape(shape))


def split_heads(y, G, H, batch_major):
    """``y`` (T, N, G*E) (or (N, T, G*E) when ``batch_major``) as G tensors (N, H, T, E/H).

    >>> from ember.ops.nn.attention import split_heads
    >>> q, k = split_heads(ember.zeros(5, 2, 8), 2, 2, False)
    >>> q.shape
    torch.Size([2, 2, 5, 2])
    """
    r = apply_op(SplitHeads, (y,), G, H, batch_major)
    return (r,) if G == 1 else r


def torch_dtype_name(dt):
    """The C++ type name PyTorch prints for a dtype in SDPA's messages (``float``, ``double``)."""
    name = NP2DT[dt].name if dt in NP2DT else str(dt)
    return TYPEID_NAMES.get(name, name)


