"""Tensors over memory that came from elsewhere: ``frombuffer``, ``from_file``, DLPack
(``from_dlpack``, ``to_dlpack``, ``Tensor.__dlpack__``) and ``empty_permuted``.

All share memory with their source, through NumPy. A read-only source (``bytes``, a raw
DLPack capsule, which carries no writable flag) gives a tensor that raises on writes, where
PyTorch would write anyway.

>>> b = bytearray(b"\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00")
>>> t = ember.frombuffer(b, dtype=ember.int32); t[0] = 9; t, b[0]
(tensor([9, 2], dtype=torch.int32), 9)
"""
import os
import warnings

from ._backend import np, raises_oom_as_runtime_error as _oom, as_strided as _as_strided
from . import _dtype as D

__all__ = ["frombuffer", "from_file", "from_dlpack", "to_dlpack", "empty_permuted", "empty_strided"]

_warned_ro = []


def _finish(arr, requires_grad):
    from ._tensor import _wrap
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor over the bytes of a Python buffer (``bytearray``, ``array``, ``memoryview`` ...),
    sharing its memory.

    >>> ember.frombuffer(bytearray(8), dtype=ember.int16, count=2, offset=4)
    tensor([0, 0], dtype=torch.int16)
    """
    dt = D.to_dtype(dtype)
    mv = memoryview(buffer)
    n, it = mv.nbytes, dt.itemsize
    if n == 0 or count == 0:
        raise ValueError(f"both buffer length ({n}) and count ({count}) must not be 0")
    if not 0 <= offset < n:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({n} bytes) "
                         "minus 1")
    if count < 0:
        if (n - offset) % it:
            raise ValueError(f"buffer length ({n - offset} bytes) after offset ({offset} bytes) must be a multiple of "
                             f"element size ({it})")
        count = (n - offset) // it
    elif offset + count * it > n:
        raise ValueError(f"requested buffer length ({count} * {it} bytes) after offset ({offset} bytes) must not be "
                         f"greater than actual buffer length ({n} bytes)")
    if mv.readonly and not _warned_ro:
        _warned_ro.append(True)
        warnings.warn("The given buffer is not writable: the tensor shares it read-only (writes raise). Copy the "
                      "buffer, or make it writable, to write through the tensor.", UserWarning, stacklevel=2)
    arr = np.frombuffer(mv.cast("B") if mv.ndim != 1 or mv.format != "B" else mv, dtype=dt.np, count=count,
                        offset=offset)
    return _finish(arr, requires_grad)


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False):
    """A 1-D tensor of ``size`` elements read from a file: with ``shared=True`` a memory map whose
    writes reach the file, else a private copy-on-write map.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "w.bin"); ember.arange(3.).numpy().tofile(path)
    >>> ember.from_file(path, size=3)
    tensor([0., 1., 2.])
    """
    from ._tensor import _check_device
    _check_device(device)
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    mode = "read-write" if shared else "read-only"
    try:
        nbytes = os.path.getsize(filename)
    except OSError as e:
        raise RuntimeError(f"unable to open file <{filename}> in {mode} mode: {e.strerror} ({e.errno})") from None
    need = size * dt.itemsize
    if nbytes < need:
        raise RuntimeError(f"file <{filename}> size <{nbytes}> is smaller than the required mapping size <{need}>")
    if size == 0:
        return _finish(np.empty((0,), dt.np), False)
    arr = np.memmap(filename, dtype=dt.np, mode="r+" if shared else "c", shape=(size,))
    return _finish(arr.view(np.ndarray), False)


class _Capsule:
    """Gives a raw DLPack capsule the ``__dlpack__`` protocol NumPy reads."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        if kwargs:
            raise TypeError("legacy capsule")
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any cpu DLPack producer (NumPy arrays, PyTorch/JAX/CuPy-on-host
    tensors) or a raw DLPack capsule.

    >>> a = np.arange(3.); t = ember.from_dlpack(a); t[0] = 5.; a
    array([5., 1., 2.])
    """
    obj = ext_tensor if hasattr(ext_tensor, "__dlpack__") else _Capsule(ext_tensor)
    dev = obj.__dlpack_device__()
    if dev[0] != 1:
        raise RuntimeError(f"ember can only import cpu DLPack tensors (got device type {dev[0]})")
    arr = np.from_dlpack(obj)
    if isinstance(obj, _Capsule) and not arr.flags.writeable:
        arr = _writable(arr)  # a legacy capsule carries no read-only flag: writable, as torch
    return _finish(arr, False)


class _WritableView:
    """Exposes an array's memory as writable (``__array_interface__``), keeping it alive."""

    def __init__(self, arr):
        self.base = arr
        ai = dict(arr.__array_interface__)
        ai["data"] = (ai["data"][0], False)
        self.__array_interface__ = ai


def _writable(arr):
    return np.asarray(_WritableView(arr))


def to_dlpack(tensor):
    """A DLPack capsule of ``tensor``'s memory (consume it once, e.g. with ``from_dlpack``).

    >>> type(ember.to_dlpack(ember.ones(2))).__name__
    'PyCapsule'
    """
    return tensor._data.__dlpack__()


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    if self._rg:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    kw = {} if max_version is None else {"max_version": max_version}
    if copy is not None:
        kw["copy"] = copy
    return self._data.__dlpack__(**kw)


def _dlpack_device(self):
    return (1, 0)


@_oom
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """An uninitialised tensor of logical ``size`` whose dimensions lie in memory in the order
    ``physical_layout`` (outermost first).

    >>> ember.empty_permuted((2, 3, 4), (0, 2, 1)).stride()
    (12, 1, 3)
    """
    from ._tensor import _check_device
    _check_device(device)
    size, perm = tuple(int(n) for n in size), tuple(int(p) for p in physical_layout)
    if len(size) != len(perm):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(perm)}")
    if sorted(perm) != list(range(len(size))):
        raise RuntimeError("Duplicate dim not allowed")
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    buf = np.empty(tuple(size[p] for p in perm), dt.np)
    return _finish(buf.transpose(np.argsort(perm)), requires_grad)


@_oom
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """An uninitialised tensor of ``size`` with element strides ``stride`` over a storage just
    big enough for them.

    >>> ember.empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    from ._tensor import _check_device
    _check_device(device)
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    npdt = np.dtype((D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()).np)
    n = 0 if 0 in size else 1 + sum((k - 1) * s for k, s in zip(size, stride))
    buf = np.empty(n, npdt)
    a = _as_strided(buf, size, tuple(s * npdt.itemsize for s in stride))
    return _finish(a, requires_grad)
