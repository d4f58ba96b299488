"""ember.load is safe by default: hostile pickles are refused by name, and corrupted
archives end in a clear exception (no crash, no hang, no huge allocation)."""
import io
import pickle
import struct
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import LoadError
from ember.serialization._zipformat import ZipWriter

CLEAR = LoadError  # every bad file raises the one documented type (a RuntimeError and an UnpicklingError)


def _archive(pkl, records=None):
    buf = io.BytesIO()
    w = ZipWriter(buf)
    w.write_record("archive/data.pkl", pkl)
    w.write_record("archive/byteorder", b"little")
    for k, v in (records or {}).items():
        w.write_record(f"archive/data/{k}", v)
    w.write_record("archive/version", b"3\n")
    w.close()
    buf.seek(0)
    return buf


def _good_bytes():
    a = ember.arange(12.).reshape(3, 4)
    buf = io.BytesIO()
    ember.save({"w": a, "wt": a.t(), "i": ember.arange(3), "meta": [1, "x", None]}, buf)
    return buf.getvalue()


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.path}",))


@pytest.mark.parametrize("proto", [0, 1, 2, 4, 5])
def test_reduce_of_os_system_is_refused_and_never_runs(tmp_path, proto):
    marker = tmp_path / "pwned"
    pkl = pickle.dumps({"x": _Evil(marker)}, protocol=proto)
    with pytest.raises(pickle.UnpicklingError, match=r"(posix|os|nt)\.system"):
        ember.load(_archive(pkl))
    assert not marker.exists()


@pytest.mark.parametrize("pkl, what", [
    (b"cbuiltins\neval\n(S'1+1'\ntR.", "builtins.eval"),
    (b"cbuiltins\ngetattr\n.", "builtins.getattr"),
    (b"\x80\x04\x8c\x08builtins\x8c\x04exec\x93\x8c\x01x\x85R.", "builtins.exec"),  # STACK_GLOBAL
    (b"(S'ls'\nios\nsystem\n.", "INST"),
    (b"\x80\x02(cos\nsystem\nS'ls'\no.", "os.system"),
    (b"\x80\x02(ccollections\nOrderedDict\no.", "OBJ"),
    (b"\x80\x02\x82\x01.", "EXT1"),
    (b"\x80\x02Pfoo\n.", "PERSID"),
    (b"csubprocess\nPopen\n.", "subprocess.Popen"),
    (b"ctorch._utils\n_rebuild_nested_tensor\n.", "_rebuild_nested_tensor"),  # sparse ones load now
    (b"ccollections\ndefaultdict\n.", "collections.defaultdict"),
])
def test_hostile_globals_and_opcodes_are_named(pkl, what):
    with pytest.raises(CLEAR, match=what.replace(".", r"\.")):
        ember.load(_archive(pkl))


def _tensor_pickle(key="0", numel=4, size=(4,), stride=(1,), offset=0, stype="FloatStorage"):
    s = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X" + struct.pack("<I", 7) + b"storage"
         + b"ctorch\n" + stype.encode() + b"\nX" + struct.pack("<I", len(key)) + key.encode()
         + b"X\x03\x00\x00\x00cpu" + b"\x8a" + bytes([8]) + struct.pack("<q", numel) + b"tQ"
         + b"\x8a\x08" + struct.pack("<q", offset) + b"(")
    for n in size:
        s += b"\x8a\x08" + struct.pack("<q", n)
    s += b"t("
    for n in stride:
        s += b"\x8a\x08" + struct.pack("<q", n)
    s += b"t\x89ccollections\nOrderedDict\n)RtR."
    return s


def test_handmade_tensor_pickle_loads():
    t = ember.load(_archive(_tensor_pickle(), {"0": np.arange(4, dtype=np.float32).tobytes()}))
    np.testing.assert_array_equal(t._data, np.arange(4, dtype=np.float32))


@pytest.mark.parametrize("kw, records, match", [
    (dict(key="9"), {"0": bytes(16)}, "data/9"),                                # unknown storage key
    (dict(numel=10 ** 15), {"0": bytes(16)}, "needs"),                          # absurd numel
    (dict(numel=8), {"0": bytes(16)}, "needs"),                                 # record too small
    (dict(size=(5,)), {"0": bytes(16)}, "storage"),                             # view past the storage
    (dict(size=(2, 2), stride=(1, 10 ** 12)), {"0": bytes(16)}, "storage"),     # absurd stride
    (dict(size=(10 ** 12,), stride=(1,)), {"0": bytes(16)}, "storage"),         # absurd size
    (dict(size=(-1,)), {"0": bytes(16)}, "geometry"),                           # negative size
    (dict(offset=-3), {"0": bytes(16)}, "geometry"),
    (dict(stride=(-1,)), {"0": bytes(16)}, "geometry"),
    (dict(size=(2, 2), stride=(1,)), {"0": bytes(16)}, "geometry"),
    (dict(stype="Storage"), {"0": bytes(16)}, "torch.Storage"),
    (dict(stype="QUInt2x4Storage"), {"0": bytes(16)}, "QUInt2x4Storage"),
])
def test_bad_storage_records(kw, records, match):
    with pytest.raises(CLEAR, match=match):
        ember.load(_archive(_tensor_pickle(**kw), records))


@pytest.mark.parametrize("pkl", [
    b"\x80\x02r\xff\xff\xff\x7f.",                     # LONG_BINPUT with a huge memo index
    b"\x80\x02j\xff\xff\xff\x7f.",                     # LONG_BINGET past anything stored
    b"\x80\x02X\xff\xff\xff\x7fabc.",                  # BINUNICODE claiming 2 GB
    b"\x80\x02B\xff\xff\xff\x7fabc.",                  # BINBYTES claiming 2 GB
    b"\x80\x02]q\x00(K\x01",                          # truncated
    b"\x80\x02\xfe.",                                 # unknown opcode
    b"",                                              # empty
    b"\x80\x02h\x05.",                                # BINGET of nothing
    b"\x80\x02Q.",                                    # BINPERSID with an empty stack
    b"\x80\x02K\x01Q.",                               # persistent id that is not a tuple
    b"\x80\x02cbuiltins\nbytearray\n\x8a\x05\x00\x00\x00\x00\x10\x85R.",  # bytearray(2**36)
    b"\x80\x02(X\x07\x00\x00\x00storageK\x01K\x02K\x03K\x04tQ.",  # storage type that is not a type
])
def test_malformed_pickles(pkl):
    with pytest.raises(CLEAR):
        ember.load(_archive(pkl))


def test_not_a_checkpoint():
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(b"hello world"))
    with pytest.raises(CLEAR):
        ember.load(io.BytesIO(b""))
    with pytest.raises(CLEAR):
        ember.load(io.BytesIO(b"PK\x03\x04garbage"))
    with pytest.raises(CLEAR):
        ember.load(_archive(b"").__class__(_zip_without_pkl()))


def _zip_without_pkl():
    buf = io.BytesIO()
    w = ZipWriter(buf)
    w.write_record("archive/version", b"3\n")
    w.close()
    return buf.getvalue()


def _try(data):
    try:
        ember.load(io.BytesIO(data))
    except CLEAR:
        pass


def test_truncated_everywhere():
    good = _good_bytes()
    for n in range(0, len(good), max(1, len(good) // 300)):
        _try(good[:n])


def test_random_corruption():
    good = _good_bytes()
    rng = np.random.default_rng(0)
    for _ in range(400):
        b = bytearray(good)
        for _ in range(int(rng.integers(1, 4))):
            i = int(rng.integers(0, len(b)))
            b[i] = int(rng.integers(0, 256))
        _try(bytes(b))


def test_corrupted_directory_sizes_and_offsets():
    good = _good_bytes()
    z = zipfile.ZipFile(io.BytesIO(good))
    cd = good.rfind(b"PK\x01\x02", 0)
    starts = [i for i in range(len(good)) if good.startswith(b"PK\x01\x02", i)]
    assert len(starts) == len(z.infolist()) and cd == starts[-1]
    for s in starts:
        for field, fmt in ((20, "<I"), (24, "<I"), (42, "<I"), (28, "<H"), (30, "<H")):
            for val in (0, 1, 7, 2 ** 31, 2 ** 32 - 1):
                if fmt == "<H":
                    val &= 0xFFFF
                b = bytearray(good)
                struct.pack_into(fmt, b, s + field, val)
                _try(bytes(b))


def test_local_header_sizes():
    good = _good_bytes()
    starts = [i for i in range(len(good)) if good.startswith(b"PK\x03\x04", i)]
    for s in starts:
        for field in (26, 28):
            for val in (0, 1, 0xFFFF):
                b = bytearray(good)
                struct.pack_into("<H", b, s + field, val)
                _try(bytes(b))


def test_weights_only_false_is_explicit(tmp_path):
    # what weights_only=True refuses, weights_only=False loads (trusted files only)
    pkl = pickle.dumps({"f": np.float64}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="numpy"):
        ember.load(_archive(pkl))
    assert ember.load(_archive(pkl), weights_only=False)["f"] is np.float64


def test_torch_refuses_nothing_ember_writes(tmp_path):
    torch = pytest.importorskip("torch")
    ember.save({"x": ember.ones(2), "n": [1, (2.0, "a")], "p": ember.nn.Parameter(ember.zeros(1))}, tmp_path / "a.pt")
    torch.load(tmp_path / "a.pt", weights_only=True)  # raises if anything were outside torch's allow-list
