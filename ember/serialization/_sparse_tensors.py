"""Sparse tensors in PyTorch's zip checkpoints, both ways.

PyTorch writes a sparse tensor as ``torch._utils._rebuild_sparse_tensor(layout, data)``
with ``layout = torch.serialization._get_layout('torch.sparse_coo')`` and ``data`` the
tuple ``(indices, values, size, is_coalesced)`` (COO) or ``(crow_indices, col_indices,
values, size)`` (CSR); the member tensors are ordinary dense tensors. The stored values
never carry ``requires_grad`` (as in PyTorch). Loading checks everything as PyTorch's
``weights_only`` validation does: dtypes, shapes, indices in range, and a coalesced
flag only on indices that are sorted and unique.

>>> import io
>>> s = ember.sparse_coo_tensor([[0, 1], [2, 0]], [3.0, 4.0], (2, 3))
>>> buf = io.BytesIO(); ember.save({"adj": s}, buf); _ = buf.seek(0)
>>> back = ember.load(buf)["adj"]
>>> back.layout, back._indices().tolist(), back._values().tolist(), back.is_coalesced()
(torch.sparse_coo, [[0, 1], [2, 0]], [3.0, 4.0], False)
"""
from .._backend import np
from .. import _layout
from .._sparse_tensor import SparseTensor, make_sparse
from .._tensor import Size, Tensor, _wrap
from . import _pickler
from ._errors import LoadError, UnsupportedCheckpointError

_MOD = __name__


def _rebuild_sparse_tensor(*args):
    """Stand-in for ``torch._utils._rebuild_sparse_tensor`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


def _get_layout(*args):
    """Stand-in for ``torch.serialization._get_layout`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


_pickler._RENAME[(_MOD, "_rebuild_sparse_tensor")] = "torch._utils\n_rebuild_sparse_tensor"
_pickler._RENAME[(_MOD, "_get_layout")] = "torch.serialization\n_get_layout"


def reduce(pickler, obj):
    """The pickle reduction of a sparse tensor or a layout (None for anything else)."""
    if isinstance(obj, SparseTensor):
        vals = _wrap(np.asarray(obj._vals._data))
        if obj.layout is _layout.sparse_csr:
            data = (_wrap(obj._crow), _wrap(obj._col), vals, Size(obj._size))
        else:
            data = (_wrap(obj._ix), vals, Size(obj._size), bool(obj._coalesced))
        pickler.used.add((_MOD, "_rebuild_sparse_tensor"))
        return (_rebuild_sparse_tensor, (obj.layout, data))
    if type(obj) is _layout.layout:
        pickler.used.add((_MOD, "_get_layout"))
        return (_get_layout, ("torch." + obj.name,))
    return None


def _fail(msg):
    from ._allowlist import PREFIX
    raise LoadError(PREFIX + msg)


def load_layout(name):
    """``torch.serialization._get_layout('torch.sparse_coo')``: the layout of that name."""
    if type(name) is not str or not name.startswith("torch.") or name[6:] not in _layout._LAYOUTS:
        _fail(f"_get_layout of an unknown layout {name!r:.100}")
    return _layout._LAYOUTS[name[6:]]


def _index_tensor(t, ndim, what):
    if type(t) is not Tensor or t._data.dtype not in (np.int64, np.int32) or t._data.ndim != ndim:
        _fail(f"_rebuild_sparse_tensor: {what} must be a {ndim}-D integer tensor")
    return np.ascontiguousarray(t._data, dtype=np.int64)


def _size_tuple(size):
    if type(size) not in (tuple, Size) or any(type(s) is not int or s < 0 for s in size) or len(size) > 64:
        _fail(f"_rebuild_sparse_tensor: size must be a tuple of non-negative ints, got {size!r:.200}")
    return tuple(size)


def _checked(build, *args):
    """Run a validating constructor; its RuntimeError (a broken invariant) becomes a LoadError."""
    try:
        return build(*args)
    except RuntimeError as e:
        _fail(f"_rebuild_sparse_tensor: {e}")


def _coo(data):
    if type(data) is not tuple or len(data) not in (3, 4):
        _fail("_rebuild_sparse_tensor: COO data must be (indices, values, size[, is_coalesced])")
    indices, values, size = data[:3]
    coalesced = data[3] if len(data) == 4 else None
    ix = _index_tensor(indices, 2, "indices")
    if type(values) is not Tensor or values._data.ndim < 1:
        _fail("_rebuild_sparse_tensor: values must be a tensor with at least one dimension")
    size = _size_tuple(size)
    if coalesced is not None and type(coalesced) is not bool:
        _fail("_rebuild_sparse_tensor: is_coalesced must be a bool")
    from ..ops.conversion.sparse_layout import sparse_coo_tensor
    s = _checked(sparse_coo_tensor, ix, values.detach(), size)
    if coalesced:
        sd = ix.shape[0]
        flat = np.ravel_multi_index(tuple(ix), size[:sd]) if ix.shape[1] and sd else np.zeros(0, np.int64)
        if flat.size > 1 and not (np.diff(flat) > 0).all() or sd == 0 and ix.shape[1] > 1:
            _fail("_rebuild_sparse_tensor: cannot set is_coalesced to true if indices correspond to "
                  "uncoalesced COO tensor")
    return make_sparse(s._ix, s._vals, s._size, bool(coalesced))


def _csr(data):
    if type(data) is not tuple or len(data) != 4:
        _fail("_rebuild_sparse_tensor: CSR data must be (crow_indices, col_indices, values, size)")
    crow, col, values, size = data
    crow, col = _index_tensor(crow, 1, "crow_indices"), _index_tensor(col, 1, "col_indices")
    if type(values) is not Tensor or values._data.ndim != 1:
        _fail("_rebuild_sparse_tensor: CSR values must be a 1-D tensor")
    size = _size_tuple(size)
    try:
        from .._sparse_csr import sparse_csr_tensor
    except ImportError:
        raise UnsupportedCheckpointError("ember.load does not support sparse CSR tensors yet") from None
    return _checked(lambda: sparse_csr_tensor(_wrap(crow), _wrap(col), values.detach(), size,
                                              check_invariants=True))


def load_sparse_tensor(layout, data):
    """``torch._utils._rebuild_sparse_tensor`` for COO and CSR tensors, fully validated."""
    if layout is _layout.sparse_coo:
        return _coo(data)
    if layout is _layout.sparse_csr:
        return _csr(data)
    if type(layout) is _layout.layout:
        raise UnsupportedCheckpointError(f"ember.load does not support {layout!r} tensors")
    _fail(f"_rebuild_sparse_tensor expects a layout, got {layout!r:.100}")


def register(allowed, callables, fixed_cost, not_yet):
    """Add the sparse names to the loader's tables."""
    allowed[("torch._utils", "_rebuild_sparse_tensor")] = load_sparse_tensor
    allowed[("torch.serialization", "_get_layout")] = load_layout
    callables[load_sparse_tensor] = False
    callables[load_layout] = False
    not_yet.discard(("torch._utils", "_rebuild_sparse_tensor"))
    return fixed_cost | {load_layout}
