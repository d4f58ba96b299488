"""``hash_tensor``: an order-independent hash of a tensor's values (XOR of their 64-bit
patterns: floats as float64 bits, integers and bools as int64), as ``torch.hash_tensor``.

>>> ember.hash_tensor(ember.arange(4))
tensor(0, dtype=torch.uint64)
"""
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, _wrap, norm_dims

__all__ = ["hash_tensor"]


def hash_tensor(input, dim=(), *, keepdim=False, mode=0):
    """XOR-reduce the 64-bit patterns of ``input``'s values over ``dim`` (all dims when empty);
    the result is uint64.

    >>> ember.hash_tensor(ember.arange(6).reshape(2, 3), 0)
    tensor([3, 5, 7], dtype=torch.uint64)
    """
    if getattr(input, "_rg", None) is _QM:
        raise _q_refuse("aten::hash_tensor")
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    d = input._data
    dims = () if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    if not dims and d.size == 0:
        raise RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    axes = tuple(range(d.ndim)) if not dims else norm_dims(dims, d.ndim)
    if d.dtype.kind in "fcV":
        bits = d.astype(np.float64).view(np.uint64)
    else:
        bits = d.astype(np.int64).view(np.uint64)
    out = np.bitwise_xor.reduce(bits, axis=axes, keepdims=keepdim) if axes else bits.copy()
    return _wrap(np.asarray(out, dtype=np.uint64))


TENSOR_METHODS = {"hash_tensor": hash_tensor}
