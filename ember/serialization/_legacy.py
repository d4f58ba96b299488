"""Reader of PyTorch's legacy (before 1.6, non-zip) checkpoint format.

``torch.save(obj, f, _use_new_zipfile_serialization=False)`` writes, one after the
other: a pickled magic number, a pickled protocol version (1001), a pickled dict of
system info (byte order, type sizes), the pickled object (storages as persistent ids
``('storage', StorageType, key, location, numel, view_metadata)``), a pickled list of
storage keys, and then for each key its element count (int64, little-endian) and raw
bytes. Every pickle goes through the same restricted unpickler as the zip format.

>>> import io
>>> from ember.serialization._legacy import is_legacy
>>> is_legacy(b"PK\\x03\\x04")
False
"""
import struct

from .._backend import np
from ._allowlist import PREFIX, StorageType, np_storage_dtype
from ._errors import LoadError, UnsupportedCheckpointError
from ._unpickler import Unpickler

MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
_HEAD = b"\x80\x02\x8a\x0a" + MAGIC.to_bytes(10, "little") + b"."


def is_legacy(head):
    """Whether the first bytes of a file are the legacy format's pickled magic number."""
    return bytes(head[:len(_HEAD)]) == _HEAD


def _fail(msg):
    raise LoadError(PREFIX + "legacy checkpoint: " + msg)


def load_legacy(data, fobj, base, check_location, user_globals):
    """Load a legacy checkpoint whose bytes are ``data`` (bytes or mmap) and file ``fobj`` at offset ``base``."""
    n = len(data)
    budget = 8 * n

    def one(pos, persistent_load=None):
        u = Unpickler(data, persistent_load, user_globals, start=pos, work=budget)
        return u.load(), u.end

    magic, pos = one(0)
    proto, pos = one(pos)
    if magic != MAGIC or proto != PROTOCOL_VERSION:
        _fail(f"unsupported protocol version {proto!r}")
    info, pos = one(pos)
    if type(info) is not dict or info.get("little_endian") is not True:
        raise UnsupportedCheckpointError("ember.load reads only little-endian legacy checkpoints")

    storages = {}
    total = [0]  # bytes of storage allocated so far

    def persistent_load(pid):
        if type(pid) is not tuple or len(pid) != 6 or pid[0] != "storage":
            _fail(f"unsupported persistent id {pid!r:.200}")
        _, stype, key, location, numel, view = pid
        if type(stype) is not StorageType or type(key) is not str or type(location) is not str \
                or type(numel) is not int or numel < 0:
            _fail(f"malformed storage record {pid!r:.200}")
        if view is not None:
            raise UnsupportedCheckpointError("ember.load does not read legacy storage views (view_metadata)")
        check_location(location)
        got = storages.get(key)
        if got is not None:
            if got[0] != stype or got[1].size != numel:
                _fail(f"storage {key!r} is declared twice differently")
            return got[1]
        dt = np_storage_dtype(stype.dtype_name)
        total[0] += numel * dt.itemsize
        if total[0] > n:  # the records must fit in the file: allocate no more than it holds
            _fail(f"storage {key!r} of {numel} elements does not fit in the file")
        arr = np.empty(numel, dtype=dt)
        storages[key] = (stype, arr)
        return arr

    result, pos = one(pos, persistent_load)
    keys, pos = one(pos)
    if type(keys) is not list or any(type(k) is not str for k in keys) or len(set(keys)) != len(keys) \
            or set(keys) != set(storages):
        _fail("the storage key list does not match the storages the object uses")
    for key in keys:
        arr = storages[key][1]
        if pos + 8 > n:
            _fail("file truncated")
        (count,) = struct.unpack_from("<q", data, pos)
        pos += 8
        nbytes = arr.nbytes
        if count != arr.size or pos + nbytes > n:
            _fail(f"storage {key!r}: the record holds {count} elements where {arr.size} were declared, "
                  "or runs past the end of the file")
        if nbytes:
            fobj.seek(base + pos)
            mv = memoryview(arr.view(np.uint8).reshape(-1))
            got = 0
            while got < nbytes:
                k = fobj.readinto(mv[got:])
                if not k:
                    _fail("file truncated")
                got += k
        pos += nbytes
    return result
