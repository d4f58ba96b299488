"""Tensors in shared memory: ``Tensor.share_memory_`` moves a tensor's array into a memory-mapped
file under ``/dev/shm``; a shared tensor sent to another process (``Process`` arguments, queues)
travels as the file's name and maps the same memory there, so Hogwild-style training works.
The creating process removes the file when the tensor is freed or the process exits.

>>> t = ember.zeros(3).share_memory_()
>>> t.is_shared()
True
"""
import mmap
import os
import tempfile
import uuid
import weakref

from .._backend import np

__all__ = ["share_memory_", "is_shared", "rebuild_shared_tensor"]

_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def _map(path, nbytes, create):
    fd = os.open(path, (os.O_RDWR | os.O_CREAT | os.O_EXCL) if create else os.O_RDWR, 0o600)
    try:
        if create:
            os.ftruncate(fd, max(nbytes, 1))
        return mmap.mmap(fd, max(nbytes, 1))
    finally:
        os.close(fd)


def share_memory_(t):
    """Move ``t``'s data into shared memory (in place); returns ``t``.

    >>> share_memory_(ember.ones(2)).is_shared()
    True
    """
    if is_shared(t):
        return t
    a = t._data
    path = os.path.join(_DIR, f"ember_{os.getpid()}_{uuid.uuid4().hex}")
    mm = _map(path, a.nbytes, create=True)
    weakref.finalize(mm, _unlink, path)
    shared = np.frombuffer(mm, dtype=a.dtype, count=a.size).reshape(a.shape)
    shared[...] = a
    t._data = shared
    t.__dict__["_shm_path"] = path
    return t


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def is_shared(t):
    """True when ``t``'s data lives in shared memory.

    >>> is_shared(ember.ones(1))
    False
    """
    d = getattr(t, "__dict__", None)
    return bool(d) and d.get("_shm_path") is not None and _owns(t)


def _owns(t):
    base = t._data
    while base is not None and not isinstance(base, mmap.mmap):
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
    return isinstance(base, mmap.mmap)


def rebuild_shared_tensor(cls, path, shape, dtype, requires_grad):
    """The receiving side of a shared tensor: map ``path`` and wrap it (no copy).

    >>> rebuild_shared_tensor.__name__
    'rebuild_shared_tensor'
    """
    from .._tensor import _wrap
    dt = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    mm = _map(path, n * dt.itemsize, create=False)
    t = _wrap(np.frombuffer(mm, dtype=dt, count=n).reshape(shape))
    t.__dict__["_shm_path"] = path
    if cls is not None and cls.__name__ == "Parameter":
        t = cls(t, requires_grad=requires_grad)
        t.__dict__["_shm_path"] = path
    else:
        t.requires_grad_(requires_grad)
    return t


def _reduce(t):
    """multiprocessing's pickling of a tensor: share its memory, send the file's name."""
    share_memory_(t)
    from ..nn.parameter import Parameter
    return rebuild_shared_tensor, (Parameter if isinstance(t, Parameter) else None, t.__dict__["_shm_path"],
                                   tuple(t._data.shape), t._data.dtype.str, bool(t.requires_grad))


def register_reducers():
    """Make multiprocessing (Process arguments, queues) send tensors through shared memory."""
    from multiprocessing.reduction import ForkingPickler
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    ForkingPickler.register(Tensor, _reduce)
    ForkingPickler.register(Parameter, _reduce)
