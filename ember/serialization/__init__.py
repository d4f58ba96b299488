"""``ember.save`` / ``ember.load``: checkpoints in PyTorch's zip format that never run code.

A file ember saves loads in PyTorch with ``torch.load(f, weights_only=True)``, and a
file PyTorch saves loads here. Loading uses an allow-list of globals and opcodes
(see :mod:`ember.serialization._unpickler`); saving to a path is atomic.

>>> import io
>>> buf = io.BytesIO()
>>> ember.save({"w": ember.arange(3.)}, buf); _ = buf.seek(0)
>>> ember.load(buf)
{'w': tensor([0., 1., 2.])}
"""
import io
import mmap as _mmap
import os
import pickle
import tempfile

import numpy as np

from .. import _dtype as D
from ._pickler import dumps
from ._unpickler import Unpickler, check_stream
from ._zipformat import ZipWriter, ZipReader, crc32_async

__all__ = ["save", "load"]

_MAGIC_LEGACY = 0x1950A86A20F9469CFC6C


def _archive_name(f):
    if isinstance(f, (str, os.PathLike)):
        base = os.path.basename(os.fspath(f))
        stem = os.path.splitext(base)[0]
        return stem if stem and stem.isidentifier() else "archive"
    return "archive"


def _write_archive(fobj, obj, archive, pickle_protocol):
    data, storages = dumps(obj, pickle_protocol)
    w = ZipWriter(fobj)
    w.write_record(f"{archive}/data.pkl", data)
    w.write_record(f"{archive}/.format_version", b"1")
    w.write_record(f"{archive}/.storage_alignment", b"64")
    w.write_record(f"{archive}/byteorder", b"little")
    # checksums run in background threads, ahead of the writes that need them
    raws = [s.array.view(np.uint8) if s.array.size and s.array.dtype.itemsize else b"" for s in storages]
    crcs = [crc32_async(raw) for raw in raws]
    for s, raw, crc in zip(storages, raws, crcs):
        w.write_record(f"{archive}/data/{s.key}", raw, crc)
    w.write_record(f"{archive}/version", b"3\n")
    w.write_record(f"{archive}/.data/serialization_id", os.urandom(20).hex().encode())
    w.close()


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, state_dicts, nested containers of them and plain values) to ``f``.

    ``f`` is a path or a writable binary file object. The file is PyTorch's zip format.
    Saving to a path is atomic: the data goes to a temporary file beside the target,
    is flushed and fsynced, then renamed over it, so a crash mid-save leaves the old
    file intact.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "ckpt.pt")
    >>> ember.save({"step": 3, "w": ember.ones(2)}, p)
    >>> ember.load(p)["step"]
    3
    """
    if pickle_module is not pickle:
        raise NotImplementedError("ember.save supports only the standard pickle module")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember.save writes only the zip format (_use_new_zipfile_serialization=False)")
    archive = _archive_name(f)
    if isinstance(f, (str, os.PathLike)):
        path = os.path.realpath(os.fspath(f))  # through a symlink, as writing in place would go
        d = os.path.dirname(path)
        if not os.path.isdir(d):
            raise RuntimeError(f"Parent directory {d} does not exist.")
        fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fobj:
                _write_archive(fobj, obj, archive, pickle_protocol)
                fobj.flush()
                os.fsync(fobj.fileno())
            try:
                os.chmod(tmp, 0o666 & ~_umask())
            except OSError:
                pass
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:
            dfd = os.open(d, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass
    else:
        _write_archive(f, obj, archive, pickle_protocol)
        if hasattr(f, "flush"):
            f.flush()


_UMASK = []


def _umask():
    if not _UMASK:
        m = os.umask(0)
        os.umask(m)
        _UMASK.append(m)
    return _UMASK[0]


def _target_location(map_location, location):
    if map_location is None:
        return location
    if isinstance(map_location, dict):
        return map_location.get(location, location)
    return str(map_location)


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Load an object saved with :func:`ember.save` or ``torch.save`` from a path or file object.

    With ``weights_only=True`` (the default) only tensors, containers and plain values
    are accepted; anything else raises :class:`pickle.UnpicklingError` naming it and
    nothing from the file runs. ``weights_only=False`` unpickles arbitrary objects:
    use it only on files you trust. ``mmap=True`` maps tensor data from the file
    (copy-on-write) instead of reading it. Tensors that shared a storage when saved
    are NumPy views of one buffer.

    >>> import io
    >>> a = ember.arange(6.).reshape(2, 3); buf = io.BytesIO()
    >>> ember.save([a, a.t()], buf); _ = buf.seek(0)
    >>> x, xt = ember.load(buf); xt[1, 0] = 10.; x
    tensor([[ 0., 10.,  2.],
            [ 3.,  4.,  5.]])
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.load supports only the standard pickle module")
    if weights_only is None:
        weights_only = True
    if pickle_load_args.pop("encoding", "utf-8") not in ("utf-8", "utf8"):
        raise NotImplementedError("ember.load supports only encoding='utf-8'")
    if pickle_load_args:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(pickle_load_args)}")
    if map_location is not None and not isinstance(map_location, (str, dict)) and not callable(map_location) \
            and type(map_location).__name__ != "device":
        raise TypeError(f"map_location should be a str, a device, a dict or a callable, got {map_location!r}")
    opened = None
    if isinstance(f, (str, os.PathLike)):
        opened = fobj = open(os.fspath(f), "rb")
    else:
        if mmap:
            raise ValueError("f must be a file path in order to use the mmap argument")
        fobj = f
    try:
        return _load(fobj, map_location, weights_only, bool(mmap))
    finally:
        if opened is not None:
            opened.close()


def _check_location(map_location, location):
    loc = map_location(None, location) if callable(map_location) and not isinstance(map_location, dict) \
        else _target_location(map_location, location)
    if loc is None or not isinstance(loc, str) and type(loc).__name__ != "device":
        return
    loc = str(loc)
    if not loc.startswith("cpu"):
        raise RuntimeError(f"Attempting to deserialize object on a {loc.split(':')[0].upper()} device but ember "
                           f"computes on the cpu only. Please use ember.load with map_location='cpu'.")


def _load(fobj, map_location, weights_only, use_mmap):
    start = fobj.tell() if fobj.seekable() else 0
    if not fobj.seekable():
        fobj = io.BytesIO(fobj.read())
        start = 0
    head = fobj.read(4)
    fobj.seek(start)
    if head[:2] != b"PK":
        if head[:1] == b"\x80":
            raise NotImplementedError("ember.load reads only PyTorch's zip format, not the legacy "
                                      "(_use_new_zipfile_serialization=False) format")
        raise pickle.UnpicklingError(f"invalid load key, {head[:1]!r}: not a PyTorch zip checkpoint")
    if start:
        fobj = _Offset(fobj, start)
    reader = ZipReader(fobj)
    pkl = [n for n in reader.names() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pkl) != 1:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found"
                           if not pkl else "PytorchStreamReader: archive holds more than one data.pkl")
    archive = pkl[0][:-len("/data.pkl")]
    bo = f"{archive}/byteorder"
    if bo in reader.infos and reader.read(bo) not in (b"little",):
        raise NotImplementedError("ember.load reads only little-endian checkpoints")
    data = reader.read(pkl[0])
    if weights_only:
        check_stream(data)

    mm = []
    if use_mmap:
        fileno = fobj.fileno()
        if reader.file_size:
            mm.append(_mmap.mmap(fileno, 0, access=_mmap.ACCESS_COPY))

    cache = {}

    def load_storage(stype, key, location, numel):
        _check_location(map_location, location)
        name = f"{archive}/data/{key}"
        dt = _np_dtype(stype.dtype_name)
        got = cache.get(key)
        if got is not None:
            if got.dtype != dt:
                if got.nbytes < numel * dt.itemsize:
                    raise RuntimeError(f"storage {key!r} is smaller than a {stype.name} of {numel} elements")
                return got.view(np.uint8)[:numel * dt.itemsize].view(dt)
            return got
        if name not in reader.infos:
            raise RuntimeError(f"PytorchStreamReader failed locating file data/{key}: file not found")
        nbytes = numel * dt.itemsize
        size = reader.size(name)
        if size < nbytes:
            raise RuntimeError(f"storage {key!r}: a {stype.name} of {numel} elements needs {nbytes} bytes, "
                               f"but its record holds {size}")
        if mm and nbytes:
            off = reader.data_offset(name)
            if off is not None:
                arr = np.frombuffer(mm[0], dtype=dt, count=numel, offset=off)
                cache[key] = arr
                return arr
        buf = np.empty(numel, dtype=dt)
        if nbytes:
            if size != nbytes:
                raw = reader.read(name)
                buf.view(np.uint8)[:] = np.frombuffer(raw, dtype=np.uint8, count=nbytes)
            else:
                reader.readinto(name, buf.view(np.uint8))
        cache[key] = buf
        return buf

    up = Unpickler(io.BytesIO(data), load_storage, weights_only)
    try:
        return up.load()
    except (pickle.UnpicklingError, NotImplementedError, RuntimeError, MemoryError):
        raise
    except (TypeError, ValueError, AttributeError, IndexError, KeyError, EOFError, OverflowError) as e:
        if not weights_only:
            raise
        raise pickle.UnpicklingError(f"Weights only load failed: {type(e).__name__}: {e}") from None


def _np_dtype(name):
    if name == "bfloat16":
        return D.__getattr__("bfloat16").np
    return D.to_dtype(name).np


class _Offset(io.RawIOBase):
    """A view of a seekable file that starts at ``start`` (a checkpoint inside a bigger stream)."""

    def __init__(self, f, start):
        self.f, self.start = f, start

    def seekable(self):
        return True

    def readable(self):
        return True

    def seek(self, pos, whence=0):
        if whence == 0:
            return self.f.seek(self.start + pos) - self.start
        return self.f.seek(pos, whence) - self.start

    def tell(self):
        return self.f.tell() - self.start

    def readinto(self, b):
        return self.f.readinto(b)

    def read(self, n=-1):
        return self.f.read(n)

    def fileno(self):
        raise io.UnsupportedOperation("fileno")
