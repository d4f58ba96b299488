"""Fused primitives for neural-network layers (used by ``ember.nn.functional``).

>>> from ember.ops.nn_ops import linear
>>> linear(ember.ones(2, 3), ember.ones(4, 3), ember.zeros(4)).shape
torch.Size([2, 4])
"""
from ._util import np, Op, apply_op, _wrap, _state


class Linear(Op):
    """``y = x @ W^T + b`` as one node: one GEMM forward, two GEMMs backward."""

    _name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        y = np.matmul(x, w.T)
        if b is not None:
            y += b
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
    x = input._data
    w = weight._data
    if x.shape[-1:] != w.shape[-1:] or w.ndim != 2:
        xs = "x".join(str(s) for s in (x.shape[:-1] and (int(np.prod(x.shape[:-1])),) or (1,)) + x.shape[-1:])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({xs} and "
                           f"{'x'.join(str(s) for s in w.shape[::-1])})")
    ts = (input, weight) if bias is None else (input, weight, bias)
    if _state[0] and (input._rg or weight._rg or (bias is not None and bias._rg)):
        return apply_op(Linear, ts)
    y = np.matmul(x, w.T)
    if bias is not None:
        y = y + bias._data if y.dtype == bias._data.dtype else (y + bias._data).astype(y.dtype)
    return _wrap(y)
