"""Tensor contractions: einsum, tensordot and kron.

>>> ember.einsum("ij,j->i", ember.ones(2, 3), ember.tensor([1., 2., 3.]))
tensor([6., 6.])
>>> ember.kron(ember.eye(2), ember.tensor([[1., 2.]]))
tensor([[1., 2., 0., 0.],
        [0., 0., 1., 2.]])
"""
from ..._quantized_mark import QUANTIZED as _QM
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
import functools
import string

from .._util import np, Tensor, _wrap, Op, apply_op, _state, norm_dim
from .products import _out, _prod, _up, matmul
from ..._parallel_gemm import gemm

__all__ = ["einsum", "tensordot", "kron"]


# ----------------------------------------------------------------------------- einsum
_LETTERS = string.ascii_letters


@functools.lru_cache(maxsize=512)
def _parse_einsum(eq, shapes):
    """Explicit form of an einsum equation: (input subscripts, output subscripts), no ellipsis."""
    eq = eq.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->", 1)
    else:
        lhs, rhs = eq, None
    subs = lhs.split(",")
    if len(subs) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(subs) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for i, (s, shp) in enumerate(zip(subs, shapes)):
        nl = len(s.replace("...", ""))
        if "..." in s:
            if nl > len(shp):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) is more than "
                                   f"the number of dimensions ({len(shp)}) for operand {i}")
            n_ell = max(n_ell, len(shp) - nl)
        elif nl != len(shp):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) does not match "
                               f"the number of dimensions ({len(shp)}) for operand {i} and no ellipsis was given")
    ell = "".join(fresh[:n_ell])
    out_subs = []
    for s, shp in zip(subs, shapes):
        if "..." in s:
            k = len(shp) - len(s.replace("...", ""))
            s = s.replace("...", ell[n_ell - k:] if k else "")
        out_subs.append(s)
    if rhs is None:
        joined = "".join(out_subs)
        rhs = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
        joined = "".join(out_subs)
        for c in rhs:
            if c not in joined:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for "
                                   "any input operand")
    # sizes must agree (or broadcast from 1)
    sizes = {}
    for i, (s, shp) in enumerate(zip(out_subs, shapes)):
        seen = {}
        for c, n in zip(s, shp):
            if c in seen and seen[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the sizes "
                                   f"don't match, {n} != {seen[c]}")
            seen[c] = n
            m = sizes.get(c, 1)
            if n != 1 and m != 1 and n != m:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not "
                                   f"broadcast with previously seen size {m}")
            sizes[c] = max(m, n) if n != 1 else m
    return tuple(out_subs), rhs


@functools.lru_cache(maxsize=512)
def _matmul_plan(eq, sa, sb):
    """How a two-operand einsum runs as one batched GEMM: (A's axis order, (batch, M, K) sizes,
    B's axis order, (batch, K, N) sizes, the result's dims, the permutation to the output), or
    None when it is not one (repeated subscripts, broadcast sizes, single-operand sums)."""
    ins, out = eq.split("->")
    a, b = ins.split(",")
    if len(set(a)) != len(a) or len(set(b)) != len(b) or len(set(out)) != len(out):
        return None
    size = {}
    for s, shp in ((a, sa), (b, sb)):
        for c, n in zip(s, shp):
            if size.setdefault(c, n) != n:
                return None
    if any(c not in b and c not in out for c in a) or any(c not in a and c not in out for c in b):
        return None
    batch = [c for c in out if c in a and c in b]
    m = [c for c in out if c in a and c not in b]
    n = [c for c in out if c in b and c not in a]
    k = [c for c in a if c in b and c not in out]
    res = batch + m + n

    def prod(cs):
        p = 1
        for c in cs:
            p *= size[c]
        return p
    return ([a.index(c) for c in batch + m + k], (prod(batch), prod(m), prod(k)),
            [b.index(c) for c in batch + k + n], (prod(batch), prod(k), prod(n)),
            tuple(size[c] for c in res), tuple(res.index(c) for c in out))


def _einsum_gemm(eq, a, b):
    """A two-operand einsum as transposes and one batched matmul (BLAS), or None."""
    plan = _matmul_plan(eq, a.shape, b.shape)
    if plan is None:
        return None
    pa, sa, pb, sb, dims, perm = plan
    r = gemm(a.transpose(pa).reshape(sa), b.transpose(pb).reshape(sb)).reshape(dims)
    return r.transpose(perm)


def _einsum_np(eq, arrays):
    if arrays and arrays[0].dtype.kind == "V":  # bfloat16: NumPy's einsum refuses it; go via float32
        dt = arrays[0].dtype
        return _einsum_np(eq, [a.astype(np.float32) for a in arrays]).astype(dt)
    if len(arrays) == 2 and arrays[0].dtype == arrays[1].dtype and arrays[0].dtype.kind in "fc" \
            and min(arrays[0].size, arrays[1].size) > 64:
        r = _einsum_gemm(eq, arrays[0], arrays[1])
        if r is not None:
            return r
    # optimize=True routes contractions through BLAS (tensordot) but costs ~40 us of planning:
    # worth it for big operands or chains, not for tiny ones
    if len(arrays) > 2 or (len(arrays) == 2 and max(a.size for a in arrays) > 4096):
        r = np.einsum(eq, *arrays, optimize=True)
    else:
        r = np.einsum(eq, *arrays)
    r = np.asarray(r)
    for a in arrays:
        if np.may_share_memory(r, a):
            return r.copy()
    return r


class Einsum(Op):
    @staticmethod
    def forward(ctx, *args):
        arrays, (subs, out) = args[:-2], args[-2:]
        ctx.save_for_backward(*arrays)
        ctx.subs, ctx.outs = subs, out
        return _einsum_np(",".join(subs) + "->" + out, arrays)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        subs, outs = ctx.subs, ctx.outs
        used = set("".join(subs) + outs)
        fresh = [c for c in _LETTERS if c not in used]
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            parts, tens = [outs], [g]
            for j, s in enumerate(subs):
                if j != i:
                    parts.append(s)
                    tens.append(ops[j])
            avail = set("".join(parts))
            target, seen = [], set()
            shp = ops[i].shape
            npdt = g._data.dtype
            for c, n in zip(subs[i], shp):
                if c in seen:          # a repeated index: the gradient lies on a diagonal
                    f = fresh.pop()
                    parts.append(c + f)
                    tens.append(_wrap(np.eye(n, dtype=npdt)))
                    target.append(f)
                    continue
                seen.add(c)
                if c not in avail:     # summed away in the forward: broadcast back
                    parts.append(c)
                    tens.append(_wrap(np.ones(n, dtype=npdt)))
                    avail.add(c)
                target.append(c)
            grads.append(einsum(",".join(parts) + "->" + "".join(target), *tens))
        return tuple(grads)


def einsum(*args):
    """Einstein summation: ``einsum("ij,jk->ik", a, b)``, with ``...`` and the sublist form.

    >>> a = ember.arange(6.).reshape(2, 3)
    >>> ember.einsum("ij,ij->i", a, a)
    tensor([ 5., 50.])
    >>> ember.einsum("...ii->...i", ember.eye(2).expand(3, 2, 2)).shape
    torch.Size([3, 2])
    """
    if _ac_on[0]:
        args = _ac.lower(*args)
    if args and isinstance(args[0], str):
        eq, ops = args[0], args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
    else:
        eq, ops = _sublist_eq(args)
    ops = tuple(ops)
    for o in ops:
        if not isinstance(o, Tensor):
            raise TypeError(f"einsum(): expected Tensor operands, got {type(o).__name__}")
    subs, out = _parse_einsum(eq, tuple([o._data.shape for o in ops]))
    if ops:
        dt = ops[0]._data.dtype
        for o in ops[1:]:
            if o._data.dtype != dt:
                raise RuntimeError(f"expected scalar type {_up(ops[0]._data)} but found {_up(o._data)}")
    if _state[0] and any(o._rg for o in ops) or any(o._rg is _QM for o in ops):
        return apply_op(Einsum, ops, subs, out)  # (apply_op refuses quantized operands)
    return _wrap(_einsum_np(",".join(subs) + "->" + out, [o._data for o in ops]))


def _sublist_eq(args):
    args = list(args)
    ops, subs = args[0::2], args[1::2]
    out = None
    if len(ops) > len(subs):  # a trailing output sublist has no operand
        pass
    if len(args) % 2 == 1:
        out = args[-1]
        ops = args[0:-1:2]
        subs = args[1:-1:2]

    def conv(sl):
        return "".join("..." if x is Ellipsis else _LETTERS[int(x)] for x in sl)
    eq = ",".join(conv(s) for s in subs)
    if out is not None:
        eq += "->" + conv(out)
    return eq, ops


# -------------------------------------------------------------------------- tensordot
def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` (an int, or a pair of dim lists) of ``a`` with those of ``b``.

    >>> ember.tensordot(ember.ones(2, 3, 4), ember.ones(3, 4, 5), dims=2).shape
    torch.Size([2, 5])
    >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 5), dims=([1], [0])).shape
    torch.Size([2, 5])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):
        n = dims if isinstance(dims, int) else len(dims[0]) if isinstance(dims, (tuple, list)) else -1
        if n == a.ndim and n == b.ndim:  # a full contraction is a dot in PyTorch: no autocast
            with _ac.suspended():
                return tensordot(a, b, dims, out)
        a, b = _ac.lower(a, b)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
        shown_a = [d - a.ndim for d in da]
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
        shown_a = da
        da = [norm_dim(d, a.ndim) for d in da]
        db = [norm_dim(d, b.ndim) for d in db]
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for x, y, sx in zip(da, db, shown_a):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                               f"{sx} and second has size {b.shape[y]} in dim {y}")
    fa = [d for d in range(a.ndim) if d not in da]
    fb = [d for d in range(b.ndim) if d not in db]
    k = _prod([a.shape[d] for d in da])
    am = a.permute(fa + da).reshape(-1, k)
    bm = b.permute(db + fb).reshape(k, -1)
    r = matmul(am, bm).reshape([a.shape[d] for d in fa] + [b.shape[d] for d in fb])
    return _out(r, out)


def kron(input, other, *, out=None):
    """Kronecker product.

    >>> ember.kron(ember.eye(2), ember.tensor([[1, 2]]))
    tensor([[1., 2., 0., 0.],
            [0., 0., 1., 2.]])
    """
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = input.reshape([x for s in sa for x in (s, 1)])
    b = other.reshape([x for s in sb for x in (1, s)])
    return _out((a * b).reshape([x * y for x, y in zip(sa, sb)]), out)


TENSOR_METHODS = {"kron": kron}
