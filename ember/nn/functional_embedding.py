"""Embedding lookups for ``ember.nn.functional``: ``embedding`` (rows of a weight table, one
graph node whose backward scatters into the rows) and ``one_hot``.

>>> import ember.nn.functional as F
>>> F.one_hot(ember.tensor([0, 2]), 3)
tensor([[1, 0, 0],
        [0, 0, 1]])
"""
from .._backend import np
from .._tensor import _wrap
from ..ops import _util
from ..ops._util import add_rows_at
from ..autograd.function import Op, apply_op
from ..autograd.grad_mode import no_grad


class _EmbeddingOp(Op):
    _name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, scale_grad):
        ctx.idx, ctx.padding_idx, ctx.n = idx, padding_idx, weight.shape[0]
        ctx.scale_grad = scale_grad
        return weight[idx]

    @staticmethod
    def backward(ctx, g):
        idx = ctx.idx.reshape(-1)
        gd = g._data.reshape(idx.size, -1)
        out = np.zeros((ctx.n, gd.shape[1]), dtype=gd.dtype)
        if ctx.scale_grad:
            counts = np.bincount(idx, minlength=ctx.n).astype(gd.dtype)
            gd = gd / counts[idx][:, None]
        add_rows_at(out, idx, gd)
        if ctx.padding_idx is not None:
            out[ctx.padding_idx] = 0
        return _wrap(out)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` at the integer ``input`` indices; the gradient of ``padding_idx``'s
    row is zero.

    >>> F.embedding(ember.tensor([[0, 2]]), ember.arange(6.).reshape(3, 2))
    tensor([[[0., 1.],
             [4., 5.]]])
    """
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    n = weight._data.shape[0]
    if idx.size:                     # (PyTorch refuses negative indices here too)
        if idx.size <= 16:
            flat = idx.ravel().tolist()
            lo, hi = min(flat), max(flat)
        else:
            lo, hi = idx.min(), idx.max()
        if lo < 0 or hi >= n:
            raise IndexError("index out of range in self")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            padding_idx += n
    if max_norm is not None:
        with no_grad():
            rows = np.unique(idx)
            w = weight._data
            norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
            scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
            w[rows] *= scale[:, None]
            weight._bump()
    if _util.grad_on(weight):
        return apply_op(_EmbeddingOp, (weight,), idx, padding_idx, scale_grad_by_freq)
    return _wrap(weight._data[idx])


def one_hot(tensor, num_classes=-1):
    """Class indices to one-hot int64 rows.

    >>> F.one_hot(ember.tensor([1]), 3)
    tensor([[0, 1, 0]])
    """
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if not t.size and num_classes <= 0:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if num_classes == -1:
        num_classes = int(t.max()) + 1
    if t.size and (t.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(t.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, t[..., None].astype(np.int64), 1, axis=-1)
    return _wrap(out)
