"""Tensors in shared memory: ``Tensor.share_memory_`` moves a tensor's array into an anonymous
shared memory file (``memfd``, or a file under ``/dev/shm`` removed at once); a tensor sent to
another process (``Process`` arguments, queues) after ``share_memory_()`` (or
``Module.share_memory()``) travels as a duplicated file descriptor (multiprocessing's
``DupFd``), so the receiver maps the same memory: Hogwild-style training works and nothing is
left behind when the processes end. Unlike PyTorch, a tensor that was not shared is copied
(pickled by value), not moved to shared memory on the way: its sender may exit before the
receiver maps it (a DataLoader worker that dies), and a copy cannot be lost that way.

>>> t = ember.zeros(3).share_memory_()
>>> t.is_shared()
True
"""
import mmap
import os
import tempfile
import uuid

from .._backend import np

__all__ = ["share_memory_", "is_shared", "rebuild_shared_tensor"]

_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def _new_fd(nbytes):
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("ember-tensor")
    else:
        path = os.path.join(_DIR, f"ember_{os.getpid()}_{uuid.uuid4().hex}")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.unlink(path)
    os.ftruncate(fd, max(nbytes, 1))
    return fd


def share_memory_(t):
    """Move ``t``'s data into shared memory (in place); returns ``t``.

    >>> ember.multiprocessing.shared_memory.share_memory_(ember.ones(2)).is_shared()
    True
    """
    if is_shared(t):
        return t
    a = t._data
    fd = _new_fd(a.nbytes)
    mm = mmap.mmap(fd, max(a.nbytes, 1))
    shared = np.frombuffer(mm, dtype=a.dtype, count=a.size).reshape(a.shape)
    shared[...] = a
    t._data = shared
    t.__dict__["_shm_fd"] = _Fd(fd)
    return t


class _Fd:
    """Owns the file descriptor of a shared tensor's memory (closed when the tensor goes)."""

    __slots__ = ("fd",)

    def __init__(self, fd):
        self.fd = fd

    def __del__(self):
        try:
            os.close(self.fd)
        except OSError:
            pass


def is_shared(t):
    """True when ``t``'s data lives in shared memory.

    >>> ember.multiprocessing.shared_memory.is_shared(ember.ones(1))
    False
    """
    d = getattr(t, "__dict__", None)
    return bool(d) and d.get("_shm_fd") is not None and _owns(t)


def _owns(t):
    base = t._data
    while base is not None and not isinstance(base, mmap.mmap):
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
    return isinstance(base, mmap.mmap)


def rebuild_shared_tensor(cls, dupfd, shape, dtype, requires_grad):
    """The receiving side of a shared tensor: map the sender's memory and wrap it (no copy).

    >>> ember.multiprocessing.shared_memory.rebuild_shared_tensor.__name__
    'rebuild_shared_tensor'
    """
    from .._tensor import _wrap
    dt = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    fd = dupfd.detach()
    mm = mmap.mmap(fd, max(n * dt.itemsize, 1))
    t = _wrap(np.frombuffer(mm, dtype=dt, count=n).reshape(shape))
    if cls is not None:
        t = cls(t, requires_grad=requires_grad)
    elif requires_grad:
        t.requires_grad_(True)
    t.__dict__["_shm_fd"] = _Fd(fd)
    return t


def _reduce(t):
    """multiprocessing's pickling of a tensor: a shared one travels as a duplicate fd."""
    from multiprocessing.reduction import DupFd
    from ..nn.parameter import Parameter
    if not is_shared(t):
        return t.__reduce_ex__(4)
    return rebuild_shared_tensor, (Parameter if isinstance(t, Parameter) else None, DupFd(t.__dict__["_shm_fd"].fd),
                                   tuple(t._data.shape), t._data.dtype.str, bool(t.requires_grad))


def register_reducers():
    """Make multiprocessing (Process arguments, queues) send tensors through shared memory."""
    from multiprocessing.reduction import ForkingPickler
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    ForkingPickler.register(Tensor, _reduce)
    ForkingPickler.register(Parameter, _reduce)
