"""Malformed files raise LoadError (cause chained), within bounded time and memory;
tensor records are CRC-checked (PyTorch does not check them)."""
import io
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import LoadError

from _ckpt_builders import archive, glob, proto, s, tensor, tup


def _saved(obj):
    buf = io.BytesIO()
    ember.save(obj, buf)
    return buf.getvalue()


def _rezip(data, compress=zipfile.ZIP_DEFLATED, extra=()):
    z = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compress) as w:
        for n in z.namelist():
            w.writestr(n, z.read(n))
        for n, payload in extra:
            w.writestr(n, payload)
    return out.getvalue()


def test_encrypted_flag_raises_load_error():
    good = bytearray(_saved({"w": ember.ones(3)}))
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = good.find(sig)
        struct.pack_into("<H", good, i + flag_at, 1)
    with pytest.raises(LoadError, match="encrypted"):
        ember.load(io.BytesIO(bytes(good)))


def test_garbage_zip_chains_the_cause():
    with pytest.raises(LoadError) as info:
        ember.load(io.BytesIO(b"PK\x05\x06" + b"\xff" * 18))
    assert info.value.__cause__ is not None


def test_duplicate_data_pkl_is_refused(recwarn):
    import pickle
    data = _rezip(_saved({"a": 1}), zipfile.ZIP_STORED,
                  extra=[("archive/data.pkl", pickle.dumps({"a": 2}, protocol=2))])
    with pytest.raises(LoadError, match="duplicate"):
        ember.load(io.BytesIO(data))


@pytest.mark.parametrize("kw", [
    dict(size=tup(s("4"))), dict(size=tup(b"G@\x10\x00\x00\x00\x00\x00\x00")), dict(size=tup(b"\x88")),
    dict(stride=tup(b"G?\xf0\x00\x00\x00\x00\x00\x00")), dict(offset=b"G\x00\x00\x00\x00\x00\x00\x00\x00"),
    dict(rg=s("yes")), dict(rg=b"K\x01"), dict(size=s("4")),
])
def test_sizes_strides_requires_grad_must_be_typed(kw):
    rec = {"0": np.arange(4, dtype=np.float32).tobytes()}
    with pytest.raises(LoadError):
        ember.load(archive(proto(tensor(**kw)), rec))
    torch = pytest.importorskip("torch")
    with pytest.raises((TypeError, RuntimeError)):  # torch refuses them too (with other types)
        torch.load(archive(proto(tensor(**kw)), rec), weights_only=True)


def _timed_refusal(buf, limit=3.0):
    t = time.perf_counter()
    with pytest.raises(LoadError, match="work|inflates"):
        ember.load(buf)
    assert time.perf_counter() - t < limit


def test_deflated_pickle_bomb_is_refused_fast():
    body = b"\x80\x02" + b"(1" * 20_000_000 + b"N."  # 40 MB of MARK/POP_MARK, ~40 KB deflated
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as w:
        w.writestr("archive/data.pkl", body)
    assert len(out.getvalue()) < 200_000
    out.seek(0)
    _timed_refusal(out)


def test_repeated_calls_on_a_big_memoized_list_are_bounded():
    big = b"(" + b"K\x01" * 100_000 + b"lq\x000"          # a 100k-item list in memo 0
    calls = glob("builtins", "frozenset") + b"q\x010" + b"(" + b"h\x01h\x00\x85R" * 5_000 + b"l"
    _timed_refusal(archive(proto(big + calls)))


def test_hash_collision_keys_are_bounded():
    m = (1 << 61) - 1
    keys = b"".join(b"\x8a\x0a" + (k * m).to_bytes(10, "little", signed=True) + b"N" for k in range(1, 30_000))
    _timed_refusal(archive(proto(b"}(" + keys + b"u")))


def test_tuple_keys_rehashed_are_bounded():
    big = b"(" + b"K\x01" * 50_000 + b"tq\x000"
    keys = b"".join(b"h\x00" + b"M" + struct.pack("<H", k) + b"\x86N" for k in range(5_000))
    _timed_refusal(archive(proto(big + b"}(" + keys + b"u")))


def test_ordinary_big_state_dicts_are_within_budget():
    sd = {f"layer{i}.weight": ember.zeros(2) for i in range(3000)}
    sd["groups"] = [{"params": list(range(3000)), "lr": 0.1}]
    sd["state"] = {i: {"step": ember.tensor(1.), "exp_avg": ember.zeros(2)} for i in range(3000)}
    got = ember.load(io.BytesIO(_saved(sd)))
    assert len(got) == 3002 and got["state"][2999]["exp_avg"].shape == (2,)


def test_deflated_records_stream_into_their_buffer():
    n = 1 << 24  # 64 MB of float32
    data = _rezip(_saved({"w": ember.zeros(n)}))
    assert len(data) < (1 << 20)
    tracemalloc.start()
    try:
        got = ember.load(io.BytesIO(data))["w"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got.shape == (n,) and not got._data.any()
    assert peak < 4 * n * 1.15, f"peak {peak / 2**20:.0f} MiB for a 64 MiB tensor"


def test_deflated_record_with_wrong_crc():
    data = bytearray(_rezip(_saved({"w": ember.arange(1000.)})))
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = z.getinfo("archive/data/0")
    # corrupt the CRC in the central directory entry of the record
    i = bytes(data).find(b"archive/data/0", data.find(b"PK\x01\x02")) - 46
    assert data[i:i + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, i + 16, info.CRC ^ 1)
    with pytest.raises(LoadError, match="CRC"):
        ember.load(io.BytesIO(bytes(data)))


def _flip_in_record(data, key="0"):
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(f"archive/data/{key}")
    nlen, elen = struct.unpack_from("<HH", data, info.header_offset + 26)
    at = info.header_offset + 30 + nlen + elen + info.file_size // 2
    b = bytearray(data)
    b[at] ^= 0x10
    return bytes(b)


def test_flipped_bit_in_tensor_record_is_caught(monkeypatch):
    w = ember.arange(1 << 20, dtype=ember.float32)  # 4 MB: the chunked parallel CRC path
    bad = _flip_in_record(_saved({"w": w}))
    with pytest.raises(LoadError, match="CRC"):
        ember.load(io.BytesIO(bad), verify_crc=True)
    wrong = ember.load(io.BytesIO(bad), verify_crc=False)["w"]
    assert (wrong._data != w._data).sum() == 1
    monkeypatch.setenv("EMBER_LOAD_VERIFY_CRC", "1")
    with pytest.raises(LoadError, match="CRC"):
        ember.load(io.BytesIO(bad))
    monkeypatch.setenv("EMBER_LOAD_VERIFY_CRC", "0")
    assert (ember.load(io.BytesIO(bad))["w"]._data != w._data).sum() == 1
    torch = pytest.importorskip("torch")  # torch does not check: it loads the wrong weights silently
    assert (torch.load(io.BytesIO(bad), weights_only=True)["w"].numpy() != w._data).sum() == 1


def test_small_records_and_record_with_trailing_bytes():
    bad = _flip_in_record(_saved({"w": ember.arange(10.)}))
    with pytest.raises(LoadError, match="CRC"):
        ember.load(io.BytesIO(bad), verify_crc=True)
    # a storage record longer than the storage: the whole record is still checked
    rec = np.arange(8, dtype=np.float32).tobytes()
    got = ember.load(archive(proto(tensor(numel=4)), {"0": rec}), verify_crc=True)
    assert got.tolist() == [0., 1., 2., 3.]
    buf = archive(proto(tensor(numel=4)), {"0": rec})
    raw = bytearray(buf.getvalue())
    at = raw.find(rec) + 28  # a byte past the 16 the tensor uses
    raw[at] ^= 1
    with pytest.raises(LoadError, match="CRC"):
        ember.load(io.BytesIO(bytes(raw)), verify_crc=True)


def test_crc_default_follows_the_environment(monkeypatch):
    from ember.serialization import _default_verify_crc
    monkeypatch.setenv("EMBER_LOAD_VERIFY_CRC", "1")
    assert _default_verify_crc() is True
    monkeypatch.setenv("EMBER_LOAD_VERIFY_CRC", "no")
    assert _default_verify_crc() is False
    monkeypatch.delenv("EMBER_LOAD_VERIFY_CRC")
    import os
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert _default_verify_crc() is (cpus >= 4)


def test_unknown_compression_is_refused():
    data = _rezip(_saved({"w": ember.ones(3)}), zipfile.ZIP_BZIP2)
    with pytest.raises(LoadError, match="compression"):
        ember.load(io.BytesIO(data))


def test_deflated_checkpoint_loads_like_torch():
    torch = pytest.importorskip("torch")
    buf = io.BytesIO()
    torch.save({"w": torch.arange(12.).reshape(3, 4), "i": torch.arange(3)}, buf)
    data = _rezip(buf.getvalue())
    got = ember.load(io.BytesIO(data))
    ref = torch.load(io.BytesIO(data), weights_only=True)
    np.testing.assert_array_equal(got["w"]._data, ref["w"].numpy())
    np.testing.assert_array_equal(got["i"]._data, ref["i"].numpy())


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_plain_values_decode_as_pickle_does(protocol):
    import collections
    import pickle
    from ember.serialization._unpickler import Unpickler
    shared = [1, 2]
    objs = [None, True, False, 0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31, 2 ** 63, -2 ** 100, 1.5, -0.0,
            float("inf"), "", "a", "é\n\u1234", "x" * 300, b"", b"\x00\xff", b"y" * 300, (), (1,), (1, 2),
            (1, 2, 3), (1, 2, 3, 4), [], [1, [2, [3]]], {}, {"a": 1, 2: "b", (1, 2): None}, {1, 2}, frozenset({3}),
            collections.OrderedDict(a=1, b=[2]), [shared, shared, (shared,)], complex(1, 2), slice(1, 5, 2),
            bytearray(b"ab"), {"nested": {"deep": [{"x": (1.0, "y")}] * 3}}]
    for obj in objs:
        data = pickle.dumps(obj, protocol=protocol)
        got = Unpickler(data, None).load()
        assert got == obj and type(got) is type(obj), (protocol, obj)
    got = Unpickler(pickle.dumps([shared, shared], protocol=protocol), None).load()
    assert got[0] is got[1]
