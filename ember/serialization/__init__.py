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
import warnings

from .._backend import np
from ._allowlist import PREFIX, StorageType, np_storage_dtype
from ._errors import LoadError, UnsupportedCheckpointError
from ._legacy import is_legacy, load_legacy
from ._pickler import dumps
from ._safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals, user_globals
from ._tempfiles import remove_stale, temp_name
from ._trusted import TrustedUnpickler
from ._unpickler import Unpickler, globals_in_pickle
from ._zipformat import ZipWriter, ZipReader, crc32_async

__all__ = ["save", "load", "LoadError", "UnsupportedCheckpointError", "add_safe_globals", "get_safe_globals",
           "clear_safe_globals", "safe_globals", "get_unsafe_globals_in_checkpoint"]


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
    Saving to a path is atomic: the data goes to a temporary file beside the target
    (``.<name>.<host>.<pid>.<random>.ember-tmp`` in the same directory), is flushed
    and fsynced, then renamed over it, so a crash mid-save leaves the old file intact.
    A temporary left by a writer that was killed is removed by the next save to that
    directory once its process is gone (see :mod:`ember.serialization._tempfiles`).

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
        tmp = os.path.join(d, temp_name(os.path.basename(path)))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        remove_stale(d)
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


_TRUE = ("1", "y", "yes", "true")


def _resolve_weights_only(weights_only):
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force:
        return True
    if weights_only is None:
        if force_no:
            warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the `weights_only` "
                          "argument was not explicitly passed to `ember.load`, forcing weights_only=False.",
                          UserWarning, stacklevel=3)
            return False
        return True
    return bool(weights_only)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, verify_crc=None,
         **pickle_load_args):
    """Load an object saved with :func:`ember.save` or ``torch.save`` from a path or file object.

    Reads PyTorch's zip format and its legacy (before 1.6) format (legacy files are
    always read through the allow-list, whatever ``weights_only`` says). With
    ``weights_only=True`` (the default) only tensors, containers, plain values, numeric
    NumPy arrays/scalars/dtypes and globals registered with :func:`add_safe_globals`
    are accepted, nothing from the file runs, and any file that cannot be read raises
    :class:`LoadError` (a ``pickle.UnpicklingError`` and a ``RuntimeError``) with the
    cause chained. ``weights_only=False`` unpickles arbitrary objects: use it only on
    files you trust. As in PyTorch, the environment variable
    ``TORCH_FORCE_WEIGHTS_ONLY_LOAD=1`` forces ``weights_only=True`` and
    ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` makes the default ``False``.

    ``mmap=True`` maps tensor data from the file (copy-on-write) instead of reading
    it. ``verify_crc=True`` checks the CRC-32 of every tensor record (PyTorch does
    not), so a flipped bit raises instead of loading wrong weights; the check runs in
    background threads. Its default is the environment variable
    ``EMBER_LOAD_VERIFY_CRC`` (``1``/``0``) when set, otherwise on where the process
    may use 4 or more CPUs (there the threads hide its cost) and off on smaller
    machines. Metadata records and ``data.pkl`` are always checked; mapped
    (``mmap=True``) records never are. Tensors that shared a storage when saved are
    NumPy views of one buffer.

    >>> import io
    >>> a = ember.arange(6.).reshape(2, 3); buf = io.BytesIO()
    >>> ember.save([a, a.t()], buf); _ = buf.seek(0)
    >>> x, xt = ember.load(buf); xt[1, 0] = 10.; x
    tensor([[ 0., 10.,  2.],
            [ 3.,  4.,  5.]])
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.load supports only the standard pickle module")
    weights_only = _resolve_weights_only(weights_only)
    if pickle_load_args.pop("encoding", "utf-8") not in ("utf-8", "utf8"):
        raise NotImplementedError("ember.load supports only encoding='utf-8'")
    if pickle_load_args:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(pickle_load_args)}")
    if map_location is not None and not isinstance(map_location, (str, dict)) and not callable(map_location) \
            and type(map_location).__name__ != "device":
        raise TypeError(f"map_location should be a str, a device, a dict or a callable, got {map_location!r}")
    if verify_crc is None:
        verify_crc = _default_verify_crc()
    opened = None
    if isinstance(f, (str, os.PathLike)):
        opened = fobj = open(os.fspath(f), "rb")
    else:
        if mmap:
            raise ValueError("f must be a file path in order to use the mmap argument")
        fobj = f
    try:
        return _load(fobj, map_location, weights_only, bool(mmap), verify_crc)
    finally:
        if opened is not None:
            opened.close()


def _default_verify_crc():
    """``EMBER_LOAD_VERIFY_CRC`` if set; else check only where spare cores make it cheap (>= 4 CPUs):
    zlib's CRC-32 runs at ~5 GB/s, about half the CPU time of reading a checkpoint from the
    page cache, so it is hidden only when background threads have cores of their own."""
    env = os.getenv("EMBER_LOAD_VERIFY_CRC")
    if env is not None:
        return env.lower() not in ("0", "n", "no", "false", "")
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus >= 4


def _check_location(map_location, location):
    loc = map_location(None, location) if callable(map_location) and not isinstance(map_location, dict) \
        else _target_location(map_location, location)
    if loc is None or not isinstance(loc, str) and type(loc).__name__ != "device":
        return
    loc = str(loc)
    if not loc.startswith("cpu"):
        raise RuntimeError(f"Attempting to deserialize object on a {loc.split(':')[0].upper()} device but ember "
                           f"computes on the cpu only. Please use ember.load with map_location='cpu'.")


def _open_checkpoint(fobj):
    """(file positioned view, kind) where kind is 'zip' or 'legacy'; LoadError for anything else."""
    if not fobj.seekable():
        fobj = io.BytesIO(fobj.read())
    start = fobj.tell()
    head = fobj.read(32)
    fobj.seek(start)
    if head[:2] == b"PK":
        return (_Offset(fobj, start) if start else fobj), "zip"
    if is_legacy(head):
        return fobj, "legacy"
    if head[:1] == b"\x80":
        raise UnsupportedCheckpointError("ember.load reads PyTorch's zip format and its legacy pickle format, "
                                         "not this older (tar) or unknown pickle format")
    raise LoadError(f"invalid load key, {head[:1]!r}: not a PyTorch checkpoint")


def _load(fobj, map_location, weights_only, use_mmap, verify_crc):
    try:
        fobj, kind = _open_checkpoint(fobj)
        if kind == "legacy":
            if use_mmap:
                raise LoadError("mmap can only be used with files saved with "
                                "`torch.save(_use_new_zipfile_serialization=True)`")
            return _load_legacy(fobj, map_location, weights_only)
        return _load_zip(fobj, map_location, weights_only, use_mmap, verify_crc)
    except LoadError:
        raise
    except RuntimeError as e:
        if str(e).startswith("Attempting to deserialize"):
            raise  # a map_location problem, not a bad file
        raise LoadError(f"{PREFIX}{type(e).__name__}: {e}") from e
    except Exception as e:  # noqa: BLE001 - any other failure on file content becomes the one error type
        if not weights_only and not isinstance(e, (OSError, EOFError)):
            raise
        raise LoadError(f"{PREFIX}{type(e).__name__}: {e}") from e


def _load_legacy(fobj, map_location, weights_only):
    # always through the allow-list (also with weights_only=False): a legacy file of weights needs nothing more
    base = fobj.tell()
    try:
        data = _mmap.mmap(fobj.fileno(), 0, access=_mmap.ACCESS_READ, offset=0)
        data = data if not base else data[base:]
    except (OSError, ValueError, io.UnsupportedOperation, AttributeError):
        data = fobj.read()
    return load_legacy(data, fobj, base, lambda loc: _check_location(map_location, loc), user_globals())


def _archive_records(reader):
    pkl = [n for n in reader.names() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pkl) != 1:
        raise LoadError("PytorchStreamReader failed locating file data.pkl: file not found"
                        if not pkl else "PytorchStreamReader: archive holds more than one data.pkl")
    archive = pkl[0][:-len("/data.pkl")]
    info = reader.infos[pkl[0]]
    if not reader.stored(pkl[0]) and info.file_size > 32 * info.compress_size + (1 << 20):
        raise LoadError(f"{PREFIX}data.pkl inflates {info.compress_size} bytes to {info.file_size}: "
                        "a pickle may not ask for that much work")
    bo = f"{archive}/byteorder"
    if bo in reader.infos and reader.read(bo) not in (b"little",):
        raise UnsupportedCheckpointError("ember.load reads only little-endian checkpoints")
    return archive, reader.read(pkl[0])


def _load_zip(fobj, map_location, weights_only, use_mmap, verify_crc):
    reader = ZipReader(fobj, verify_crc=verify_crc and not use_mmap)
    archive, data = _archive_records(reader)
    mm = []
    if use_mmap and reader.file_size:
        mm.append(_mmap.mmap(fobj.fileno(), 0, access=_mmap.ACCESS_COPY))
    cache = {}

    def load_storage(pid):
        if type(pid) is not tuple or len(pid) != 5 or pid[0] != "storage":
            raise LoadError(f"{PREFIX}unsupported persistent id {pid!r:.200}")
        _, stype, key, location, numel = pid
        if type(stype) is not StorageType:
            raise LoadError(f"{PREFIX}persistent id names {stype!r:.100}, not a storage type")
        if type(key) is not str or type(numel) is not int or numel < 0 or type(location) is not str:
            raise LoadError(f"{PREFIX}malformed storage record {pid!r:.200}")
        _check_location(map_location, location)
        name = f"{archive}/data/{key}"
        dt = np_storage_dtype(stype.dtype_name)
        got = cache.get(key)
        if got is not None:
            if got.dtype != dt or got.size != numel:
                raise LoadError(f"{PREFIX}storage {key!r} is named twice with different types or sizes")
            return got
        if name not in reader.infos:
            raise LoadError(f"PytorchStreamReader failed locating file data/{key}: file not found")
        nbytes = numel * dt.itemsize
        size = reader.size(name)
        if size < nbytes:
            raise LoadError(f"{PREFIX}storage {key!r}: a {stype.name} of {numel} elements needs {nbytes} bytes, "
                            f"but its record holds {size}")
        if mm and nbytes and reader.stored(name):
            arr = np.frombuffer(mm[0], dtype=dt, count=numel, offset=reader.data_offset(name))
        else:
            arr = np.empty(numel, dtype=dt)
            reader.readinto(name, arr.view(np.uint8))
        cache[key] = arr
        return arr

    if weights_only:
        result = Unpickler(data, load_storage, user_globals()).load()
    else:
        result = TrustedUnpickler(io.BytesIO(data), load_storage).load()
    reader.finish()  # the background CRC checks of the tensor records
    return result


def get_unsafe_globals_in_checkpoint(f):
    """The ``"module.name"`` globals in a checkpoint that a ``weights_only`` load would refuse.

    Read statically from the pickle (nothing is loaded), as PyTorch does.

    >>> import io, collections
    >>> from ember.serialization import get_unsafe_globals_in_checkpoint
    >>> buf = io.BytesIO(); ember.save({"c": collections.Counter()}, buf); _ = buf.seek(0)
    >>> get_unsafe_globals_in_checkpoint(buf)
    ['collections.Counter']
    """
    from ._allowlist import ALLOWED
    opened = open(os.fspath(f), "rb") if isinstance(f, (str, os.PathLike)) else None
    try:
        fobj, kind = _open_checkpoint(opened or f)
        if kind != "zip":
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        _, data = _archive_records(ZipReader(fobj))
    finally:
        if opened is not None:
            opened.close()
    safe = {f"{m}.{n}" for m, n in ALLOWED} | set(user_globals())
    return sorted(globals_in_pickle(data) - safe)


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
