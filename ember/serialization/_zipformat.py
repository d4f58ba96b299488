"""Writer and reader of the uncompressed zip archives PyTorch uses for checkpoints.

The writer streams entries in order (local header, data), puts each record's data at a
64-byte aligned offset (padding goes in the local header's extra field, as PyTorch
does), and writes zip64 records only where sizes or offsets need them. The reader
parses the central directory with :mod:`zipfile`, validates every entry against the
file's real size, and hands back raw byte ranges so that storages can be read
straight into NumPy buffers (or mapped).

>>> import io; from ember.serialization._zipformat import ZipWriter, ZipReader
>>> buf = io.BytesIO()
>>> w = ZipWriter(buf); w.write_record("a/x", b"hello"); w.close()
>>> r = ZipReader(io.BytesIO(buf.getvalue())); bytes(r.read("a/x"))
b'hello'
"""
import io
import os
import struct
import zipfile
import zlib

from .._backend import np
from ._errors import LoadError

ALIGN = 64
_U32 = 0xFFFFFFFF
_U16 = 0xFFFF
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_DOS_TIME, _DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1


def _crc(buf):
    """CRC-32 of a buffer; zlib releases the GIL on large inputs."""
    return zlib.crc32(buf) & _U32


# CRC-32 of a concatenation from the CRCs of its parts (polynomial arithmetic mod the
# reflected CRC-32 polynomial), so that large records are checksummed in parallel chunks.
_POLY = 0xEDB88320


def _multmodp(a, b):
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


_X2N = [1 << 30]
for _i in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def _x8nmodp(n):
    """x**(8*n) modulo the CRC polynomial: the shift that appends n zero bytes."""
    p, k = 1 << 31, 3
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return p


def crc32_combine(crc1, crc2, len2):
    """CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)``.

    >>> import zlib; from ember.serialization._zipformat import crc32_combine
    >>> crc32_combine(zlib.crc32(b"hello "), zlib.crc32(b"world"), 5) == zlib.crc32(b"hello world")
    True
    """
    return _multmodp(_x8nmodp(len2), crc1) ^ crc2


_CHUNK = 1 << 23
_POOL = []


def crc32_async(data, inline_below=1 << 20):
    """Start computing the CRC-32 of ``data`` in background threads (chunks in parallel);
    returns a function that waits for and returns it. Buffers under ``inline_below``
    bytes are checksummed at once.

    >>> import zlib; from ember.serialization._zipformat import crc32_async
    >>> crc32_async(b"abc" * 1000)() == zlib.crc32(b"abc" * 1000)
    True
    """
    mv = memoryview(data).cast("B")
    n = mv.nbytes
    if n < inline_below:
        c = _crc(mv)
        return lambda: c
    futs = [(_pool().submit(_crc, mv[i:i + _CHUNK]), min(_CHUNK, n - i)) for i in range(0, n, _CHUNK)]

    def result():
        crc = 0
        for fut, k in futs:
            crc = crc32_combine(crc, fut.result(), k)
        return crc
    return result


def _pool():
    """A small thread pool for CRC-32 chunks (recreated in a forked child, whose threads are gone)."""
    if not _POOL or _POOL[0][0] != os.getpid():
        from concurrent.futures import ThreadPoolExecutor
        _POOL[:] = [(os.getpid(), ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)),
                                                     thread_name_prefix="ember-crc32"))]
    return _POOL[0][1]


class ZipWriter:
    """Write a stored (uncompressed) zip archive entry by entry to a binary file.

    >>> import io; from ember.serialization._zipformat import ZipWriter, ZipReader
    >>> buf = io.BytesIO(); w = ZipWriter(buf); w.write_record("r/v", b"3"); w.close()
    >>> import zipfile; zipfile.ZipFile(buf).read("r/v")
    b'3'
    """

    def __init__(self, f):
        self.f = f
        try:
            self.pos = f.tell()
            self.base = self.pos
        except (AttributeError, OSError, io.UnsupportedOperation):
            self.pos = self.base = 0
        self.entries = []  # (name bytes, crc, size, header offset)

    def _write(self, b):
        self.f.write(b)
        self.pos += len(b) if isinstance(b, (bytes, bytearray)) else memoryview(b).nbytes

    def _local_header(self, name, crc, size):
        zip64 = size >= _U32
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        start = self.pos + _LOCAL.size + len(name) + len(extra)
        pad = (-start) % ALIGN
        if pad:
            if pad < 4:
                pad += ALIGN
            extra += struct.pack("<HH", 0x4246, pad - 4) + b"Z" * (pad - 4)  # "FB" padding field
        s32 = _U32 if zip64 else size
        hdr = _LOCAL.pack(0x04034B50, 45 if zip64 else 20, 0, 0, _DOS_TIME, _DOS_DATE, crc, s32, s32,
                          len(name), len(extra))
        return hdr + name + extra

    def write_record(self, name, data, crc=None):
        """Add an entry holding ``data`` (bytes or a C-contiguous array/buffer).

        ``crc`` may be given: the CRC-32 of ``data``, or a callable returning it
        (see :func:`crc32_async`), so checksums can be computed ahead of the writes.
        """
        name = name.encode("utf-8")
        mv = memoryview(data)
        if mv.format != "B" or mv.ndim != 1:
            mv = mv.cast("B") if mv.c_contiguous else memoryview(bytes(mv))
        size = mv.nbytes
        offset = self.pos - self.base
        crc = crc() if callable(crc) else _crc(mv) if crc is None else crc
        self._write(self._local_header(name, crc, size))
        self._write(mv)
        self.entries.append((name, crc, size, offset))

    def close(self):
        """Write the central directory and the end records."""
        cd_start = self.pos - self.base
        for name, crc, size, offset in self.entries:
            fields = []
            if size >= _U32:
                fields += [size, size]
            if offset >= _U32:
                fields.append(offset)
            extra = struct.pack("<HH", 1, 8 * len(fields)) + struct.pack(f"<{len(fields)}Q", *fields) if fields else b""
            s32 = _U32 if size >= _U32 else size
            o32 = _U32 if offset >= _U32 else offset
            ver = 45 if fields else 20
            self._write(_CENTRAL.pack(0x02014B50, ver, ver, 0, 0, _DOS_TIME, _DOS_DATE, crc, s32, s32,
                                      len(name), len(extra), 0, 0, 0, 0, o32) + name + extra)
        cd_end = self.pos - self.base
        cd_size = cd_end - cd_start
        n = len(self.entries)
        if n >= _U16 or cd_start >= _U32 or cd_size >= _U32:
            self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_size, cd_start))
            self._write(struct.pack("<IIQI", 0x07064B50, 0, cd_end, 1))
            self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, _U16), min(n, _U16),
                                    min(cd_size, _U32), min(cd_start, _U32), 0))
        else:
            self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0))


def _bad(msg):
    raise LoadError(f"PytorchStreamReader failed {msg}")


class ZipReader:
    """Read entries of a zip archive as byte ranges of the underlying file.

    Every entry is checked against the real file size before anything is read, so a
    corrupted directory cannot make the reader allocate or seek past the end. Only
    stored and deflated entries are read (as PyTorch's reader); encrypted entries and
    duplicated names are refused. Records are read (or inflated) straight into the
    caller's buffer, and their CRC-32 is checked unless ``verify_crc=False``.

    >>> import io; from ember.serialization._zipformat import ZipWriter, ZipReader
    >>> buf = io.BytesIO(); w = ZipWriter(buf); w.write_record("p/q", b"xy"); w.close()
    >>> ZipReader(buf).names()
    ['p/q']
    """

    def __init__(self, f, verify_crc=True):
        self.f = f
        self.verify_crc = verify_crc
        f.seek(0, os.SEEK_END)
        self.file_size = f.tell()
        f.seek(0)
        try:
            self.zf = zipfile.ZipFile(f)
            infos = self.zf.infolist()
        except Exception as e:  # noqa: BLE001 - zipfile raises many types on garbage
            raise LoadError(f"PytorchStreamReader failed reading zip archive: {type(e).__name__}: {e}") from e
        self.infos = {}
        for info in infos:
            name = info.filename
            if name in self.infos:
                _bad(f"reading zip archive: duplicate record {name!r}")
            if info.flag_bits & 1:
                _bad(f"reading zip archive: record {name!r} is encrypted")
            if info.compress_type == zipfile.ZIP_STORED:
                stored_bad = info.file_size != info.compress_size
            elif info.compress_type == zipfile.ZIP_DEFLATED:  # deflate expands at most ~1032x
                stored_bad = info.file_size > 1100 * info.compress_size + 1024
            else:
                _bad(f"reading zip archive: record {name!r} uses compression method {info.compress_type} "
                     "(only stored and deflated records are read)")
            if info.header_offset < 0 or info.header_offset + _LOCAL.size > self.file_size or stored_bad \
                    or info.compress_size > self.file_size or info.header_offset + info.compress_size > self.file_size:
                _bad(f"reading zip archive: record {name!r} claims {info.file_size} bytes "
                     f"({info.compress_size} stored) at offset {info.header_offset}, "
                     f"beyond the end of the {self.file_size}-byte file")
            self.infos[name] = info
        self._offsets = {}
        self._pending = []

    def names(self):
        """Names of all entries, in directory order."""
        return list(self.infos)

    def size(self, name):
        """Uncompressed size of entry ``name``."""
        return self.infos[name].file_size

    def stored(self, name):
        """Whether entry ``name`` is stored uncompressed (so it can be mapped)."""
        return self.infos[name].compress_type == zipfile.ZIP_STORED

    def _start(self, name):
        off = self._offsets.get(name)
        if off is not None:
            return off
        info = self.infos[name]
        self.f.seek(info.header_offset)
        hdr = self.f.read(_LOCAL.size)
        if len(hdr) != _LOCAL.size:
            _bad(f"reading record {name!r}: truncated local header")
        sig, *_rest, nlen, elen = _LOCAL.unpack(hdr)
        if sig != 0x04034B50:
            _bad(f"reading record {name!r}: bad local header signature")
        off = info.header_offset + _LOCAL.size + nlen + elen
        if off + info.compress_size > self.file_size:
            _bad(f"reading record {name!r}: its {info.compress_size} bytes at offset {off} run past the end "
                 f"of the {self.file_size}-byte file")
        self._offsets[name] = off
        return off

    def data_offset(self, name):
        """File offset of the first data byte of a stored (uncompressed) entry, or None."""
        return self._start(name) if self.stored(name) else None

    def readinto(self, name, out):
        """Fill the writable buffer ``out`` (at most the entry's size) with the start of entry ``name``.

        The whole record is CRC-checked (the part past ``out`` is streamed through a
        small buffer); a stored one not if this reader was made with ``verify_crc=False``
        (a deflated one always: next to inflating, the CRC costs little). The check
        of a large stored record runs in background threads and completes in
        :meth:`finish`, which the caller must call before using the data.
        """
        mv = memoryview(out).cast("B")
        info = self.infos[name]
        if mv.nbytes > info.file_size:
            _bad(f"reading record {name!r}: it holds {info.file_size} bytes, {mv.nbytes} wanted")
        if info.compress_type == zipfile.ZIP_STORED:
            self._read_exact(name, self._start(name), mv)
            if not self.verify_crc:
                return
            if mv.nbytes == info.file_size and mv.nbytes >= (1 << 16):
                # checksummed in background threads while the next records are read; see finish()
                self._pending.append((name, info.CRC, crc32_async(mv, 1 << 16)))
                return
            crc = _crc(mv) if mv.nbytes else 0
            rest = info.file_size - mv.nbytes
            if rest:
                scratch = memoryview(bytearray(min(rest, _CHUNK)))
                while rest:
                    part = scratch[:min(rest, _CHUNK)]
                    self._read_exact(name, None, part)
                    crc = zlib.crc32(part, crc)
                    rest -= part.nbytes
        else:
            crc = self._inflate_into(name, info, mv)
        if crc & _U32 != info.CRC:  # stored records get here only when verifying
            _bad(f"reading record {name!r}: CRC-32 mismatch (the file is corrupted)")

    def finish(self):
        """Wait for the background checksums of the records read so far; LoadError on a mismatch."""
        pending, self._pending = self._pending, []
        for name, want, result in pending:
            if result() != want:
                _bad(f"reading record {name!r}: CRC-32 mismatch (the file is corrupted)")

    def _read_exact(self, name, off, mv):
        if off is not None:
            self.f.seek(off)
        got, n = 0, mv.nbytes
        while got < n:
            k = self.f.readinto(mv[got:])
            if not k:
                _bad(f"reading record {name!r}: file truncated")
            got += k

    def _inflate_into(self, name, info, mv):
        """Inflate a deflated record chunk by chunk into ``mv`` (then on through a scratch buffer)."""
        self.f.seek(self._start(name))
        d = zlib.decompressobj(-15)
        left_in, filled, crc, total = info.compress_size, 0, 0, 0
        pending = b""
        try:
            while not d.eof and total <= info.file_size:
                if not pending and left_in:
                    pending = self.f.read(min(left_in, 1 << 20))
                    if not pending:
                        _bad(f"reading record {name!r}: file truncated")
                    left_in -= len(pending)
                room = mv.nbytes - filled
                chunk = d.decompress(pending, min(room, 1 << 20) if room else 1 << 20)
                pending = d.unconsumed_tail
                k = len(chunk)
                if not k and not pending and not left_in:
                    break  # no input left and nothing more comes out
                total += k
                if room and total <= info.file_size:
                    mv[filled:filled + k] = chunk
                    filled += k
                crc = zlib.crc32(chunk, crc)  # always: small next to inflating
        except zlib.error as e:
            raise LoadError(f"PytorchStreamReader failed reading record {name!r}: {e}") from e
        if total != info.file_size or not d.eof:
            _bad(f"reading record {name!r}: it inflates to {'more' if total > info.file_size else total} bytes, "
                 f"not the {info.file_size} its directory entry says")
        return crc

    def read(self, name):
        """The bytes of entry ``name`` (CRC-checked)."""
        buf = bytearray(self.infos[name].file_size)
        verify = self.verify_crc
        self.verify_crc = True  # small metadata records are always checked
        try:
            self.readinto(name, buf)
        finally:
            self.verify_crc = verify
        return bytes(buf)


def empty_bytes(n):
    """An uninitialised uint8 array of ``n`` bytes (aligned for any dtype)."""
    return np.empty(n, dtype=np.uint8)
