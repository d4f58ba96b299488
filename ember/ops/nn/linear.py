"""``F.linear`` as one fused node: ``y = x @ W^T + b`` with one GEMM forward (a batch of rows
as a single GEMM) and two GEMMs backward.

>>> from ember.ops.nn.linear import linear
>>> linear(ember.ones(2, 3), ember.ones(4, 3), ember.zeros(4)).shape
torch.Size([2, 4])
"""
__all__ = []  # reached through ember.nn.functional
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from math import prod

from .._util import np, Op, apply_op, _wrap, _state
from ..._parallel_pass import par_ufunc
from ..._parallel_gemm import gemm


def _xwt(x, w):
    """``x @ w.T``; a batch of rows (x with more than 2 dims) as one GEMM, not one per matrix."""
    if x.ndim <= 2:
        y = gemm(x, w.T) if x.ndim == 2 else np.matmul(x, w.T)
    else:
        lead = x.shape[:-1]
        y = gemm(x.reshape(prod(lead), x.shape[-1]), w.T).reshape(lead + (w.shape[0],))
    return y if y.dtype == x.dtype else y.astype(x.dtype)  # bfloat16: NumPy computes in float32


class Linear(Op):
    """``y = x @ W^T + b`` as one node: one GEMM forward, two GEMMs backward."""

    _name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        y = _xwt(x, w)
        if b is not None:
            par_ufunc(np.add, y, b, out=y)      # y += b (over the intra-op threads when large)
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        n = ctx.needs_input_grad
        gx = g.matmul(w) if n[0] else None
        gw = gb = None
        if n[1]:
            g2 = g.reshape(-1, g.shape[-1]) if g.dim() != 2 else g
            x2 = x.reshape(-1, x.shape[-1]) if x.dim() != 2 else x
            gw = g2.t().matmul(x2)
        if len(n) > 2 and n[2]:
            gb = g.sum_to_size(g.shape[-1:]) if g.dim() > 1 else g
        return gx, gw, gb


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` (bias optional), PyTorch's ``F.linear``."""
    if _ac_on[0]:
        input, weight, bias = _ac.lower(input, weight, bias)
    x = input._data
    w = weight._data
    if x.shape[-1:] != w.shape[-1:] or w.ndim != 2:
        if w.ndim == 1 and bias is None and x.shape[-1:] == w.shape:   # PyTorch: a vector weight is a matmul
            return input.matmul(weight)
        xs = "x".join(str(s) for s in (x.shape[:-1] and (int(np.prod(x.shape[:-1])),) or (1,)) + x.shape[-1:])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({xs} and "
                           f"{'x'.join(str(s) for s in w.shape[::-1])})")
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != w.dtype):
        if input._rg is _QM or weight._rg is _QM:
            raise _q_refuse("aten::mm.out" if bias is None else "aten::addmm.out")
        from ..linalg.products import _low, _up
        if x.dtype != w.dtype:
            if bias is not None:   # PyTorch's addmm message; matmul's without a bias
                raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_up(x)} and {_up(w)}")
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_low(x)} != {_low(w)}")
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_up(bias._data)} and {_up(w)}")
    if bias is not None and bias._data.shape != w.shape[:1] and bias._data.size != 1:
        tgt = [int(np.prod(x.shape[:-1])) if x.ndim > 2 else x.shape[0], w.shape[0]] if x.ndim > 1 \
            else [w.shape[0]]
        if bias._data.ndim > 1 or bias._data.shape[-1:] != (w.shape[0],):
            raise RuntimeError(f"The expanded size of the tensor ({w.shape[0]}) must match the existing size "
                               f"({bias._data.shape[-1] if bias._data.ndim else 1}) at non-singleton dimension "
                               f"{len(tgt) - 1}.  Target sizes: {tgt}.  Tensor sizes: {list(bias._data.shape)}")
    ts = (input, weight) if bias is None else (input, weight, bias)
    if _state[0] and (input._rg or weight._rg or (bias is not None and bias._rg)):
        return apply_op(Linear, ts)
    y = _xwt(x, w)
    if bias is not None:
        y = par_ufunc(np.add, y, bias._data, out=y) if y.dtype == bias._data.dtype and bias._data.ndim <= y.ndim \
            else (y + bias._data).astype(y.dtype)
    return _wrap(y)
