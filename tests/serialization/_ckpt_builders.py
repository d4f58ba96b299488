"""Builders for hand-made (often hostile) checkpoints: pickles written opcode by opcode
and zip archives around them. Nothing hostile is shipped as a binary file."""
import io
import struct

from ember.serialization._zipformat import ZipWriter


def archive(pkl, records=None, name="archive"):
    """A PyTorch-style zip checkpoint holding ``pkl`` as data.pkl and ``records`` as data/<key>."""
    buf = io.BytesIO()
    w = ZipWriter(buf)
    w.write_record(f"{name}/data.pkl", pkl)
    w.write_record(f"{name}/byteorder", b"little")
    for k, v in (records or {}).items():
        w.write_record(f"{name}/data/{k}", v)
    w.write_record(f"{name}/version", b"3\n")
    w.close()
    buf.seek(0)
    return buf


def glob(mod, name):
    """GLOBAL opcode."""
    return b"c" + mod.encode() + b"\n" + name.encode() + b"\n"


def s(text):
    """BINUNICODE opcode."""
    b = text.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def i64(n):
    """LONG1 opcode for a signed 64-bit int."""
    return b"\x8a\x08" + struct.pack("<q", n)


def tup(*items):
    """MARK items TUPLE."""
    return b"(" + b"".join(items) + b"t"


def tensor(key="0", numel=4, size=(4,), stride=(1,), offset=0, stype=b"ctorch\nFloatStorage\n", rg=b"\x89"):
    """Opcodes that push a tensor rebuilt by _rebuild_tensor_v2 from storage ``key``."""
    pid = tup(s("storage"), stype, s(key), s("cpu"), i64(numel)) + b"Q"
    size_ops = size if isinstance(size, bytes) else tup(*map(i64, size))
    stride_ops = stride if isinstance(stride, bytes) else tup(*map(i64, stride))
    off = offset if isinstance(offset, bytes) else i64(offset)
    return (glob("torch._utils", "_rebuild_tensor_v2")
            + b"(" + pid + off + size_ops + stride_ops + rg + glob("collections", "OrderedDict") + b")R" + b"tR")


def proto(body):
    """A protocol-2 pickle around ``body`` (which must leave one object on the stack)."""
    return b"\x80\x02" + body + b"."
