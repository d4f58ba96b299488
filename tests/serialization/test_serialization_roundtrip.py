"""ember.save / ember.load: round trips within ember and in both directions with real PyTorch."""
import collections
import io
import os
import zipfile

import numpy as np
import pytest

import ember


def _np(t):
    return t._data if isinstance(t, ember.Tensor) else t.detach().numpy()


def _same(a, b):
    assert tuple(a.shape) == tuple(b.shape)
    assert str(a.dtype) == str(b.dtype)
    if "bfloat16" in str(a.dtype):
        np.testing.assert_array_equal(_np(a).astype(np.float32), b.float().numpy() if hasattr(b, "float") and
                                      not isinstance(b, ember.Tensor) else _np(b).astype(np.float32))
    else:
        np.testing.assert_array_equal(_np(a), _np(b))


def _sample_ember():
    a = ember.arange(24.).reshape(4, 6)
    return collections.OrderedDict(
        w=a, wt=a.t(), row=a[1], cols=a[:, ::2], scalar=ember.tensor(3.5),
        i64=ember.arange(5), i32=ember.arange(4, dtype=ember.int32), u8=ember.arange(3, dtype=ember.uint8),
        b=ember.tensor([True, False]), f16=ember.ones(3, dtype=ember.float16), f64=ember.randn(2, 2, dtype=ember.float64),
        empty=ember.zeros(0, 3), p=ember.nn.Parameter(ember.randn(3)),
        nested={"list": [ember.ones(2), 1, 2.5, "s", None, True], "tup": (ember.zeros(1), (False,))},
    )


def test_ember_roundtrip_path_and_file(tmp_path):
    sd = _sample_ember()
    p = tmp_path / "ckpt.pt"
    ember.save(sd, p)
    buf = io.BytesIO()
    ember.save(sd, buf)
    buf.seek(0)
    for got in (ember.load(p), ember.load(str(p)), ember.load(buf)):
        assert list(got) == list(sd)
        for k in ("w", "wt", "row", "cols", "scalar", "i64", "i32", "u8", "b", "f16", "f64", "empty", "p"):
            _same(got[k], sd[k])
        assert isinstance(got["p"], ember.nn.Parameter) and got["p"].requires_grad
        assert got["nested"]["list"][1:] == [1, 2.5, "s", None, True]
        assert got["nested"]["tup"][1] == (False,)
        # views still share one buffer
        got["wt"][0, 1] = -1.0
        assert got["w"][1, 0].item() == -1.0
        assert got["row"][0].item() == -1.0


def test_archive_layout(tmp_path):
    p = tmp_path / "model.pt"
    ember.save({"a": ember.ones(3), "b": ember.ones(2, dtype=ember.int64)}, p)
    z = zipfile.ZipFile(p)
    names = z.namelist()
    for n in ("model/data.pkl", "model/byteorder", "model/version", "model/.format_version",
              "model/.storage_alignment", "model/.data/serialization_id", "model/data/0", "model/data/1"):
        assert n in names
    assert z.read("model/byteorder") == b"little"
    for info in z.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        if "/data/" in info.filename:
            with open(p, "rb") as f:
                f.seek(info.header_offset + 26)
                nl, el = np.frombuffer(f.read(4), dtype="<u2")
            assert (info.header_offset + 30 + nl + el) % 64 == 0
    assert z.testzip() is None


def test_save_not_atomic_for_file_object_but_streams():
    class W(io.RawIOBase):  # a non-seekable sink
        def __init__(self):
            self.chunks = []

        def writable(self):
            return True

        def write(self, b):
            self.chunks.append(bytes(b))
            return len(b)

    w = W()
    ember.save({"x": ember.arange(3.)}, w)
    got = ember.load(io.BytesIO(b"".join(w.chunks)))
    _same(got["x"], ember.arange(3.))


def test_mmap(tmp_path):
    p = tmp_path / "m.pt"
    a = ember.arange(1000.).reshape(10, 100)
    ember.save({"a": a, "at": a.t()}, p)
    got = ember.load(p, mmap=True)
    _same(got["a"], a)
    base = got["a"]._data
    while isinstance(base.base, np.ndarray):
        base = base.base
    assert not base.flags.owndata  # a view of the mapping, not a copy
    got["at"][0, 1] = 5.0  # copy-on-write: the file is untouched
    assert got["a"][1, 0].item() == 5.0
    _same(ember.load(p)["a"], a)
    with pytest.raises(ValueError):
        ember.load(io.BytesIO(p.read_bytes()), mmap=True)


def test_checkpoint_inside_larger_stream():
    buf = io.BytesIO()
    buf.write(b"header!")
    ember.save([ember.ones(2)], buf)
    buf.seek(7)
    _same(ember.load(buf)[0], ember.ones(2))


def test_optimizer_and_scheduler_state(tmp_path):
    ember.manual_seed(0)
    m = ember.nn.Linear(3, 2)
    opt = ember.optim.Adam(m.parameters(), lr=0.1)
    sch = ember.optim.lr_scheduler.StepLR(opt, 2)
    for _ in range(3):
        opt.zero_grad()
        m(ember.randn(4, 3)).sum().backward()
        opt.step()
        sch.step()
    ck = {"model": m.state_dict(), "opt": opt.state_dict(), "sch": sch.state_dict(), "rng": ember.get_rng_state()}
    ember.save(ck, tmp_path / "c.pt")
    got = ember.load(tmp_path / "c.pt")
    m2 = ember.nn.Linear(3, 2)
    m2.load_state_dict(got["model"])
    opt2 = ember.optim.Adam(m2.parameters(), lr=0.1)
    opt2.load_state_dict(got["opt"])
    assert got["opt"]["param_groups"] == ck["opt"]["param_groups"]
    for k, st in ck["opt"]["state"].items():
        for n, v in st.items():
            _same(got["opt"]["state"][k][n], v)
    assert got["sch"] == ck["sch"]
    _same(got["rng"], ck["rng"])


def test_bfloat16(tmp_path):
    pytest.importorskip("ml_dtypes")
    x = ember.arange(6.).to(ember.bfloat16)
    ember.save({"x": x}, tmp_path / "b.pt")
    got = ember.load(tmp_path / "b.pt")["x"]
    assert got.dtype == ember.bfloat16
    np.testing.assert_array_equal(got._data.astype(np.float32), np.arange(6.))


def test_map_location(tmp_path):
    ember.save({"x": ember.ones(2)}, tmp_path / "x.pt")
    for ml in ("cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda s, loc: s):
        _same(ember.load(tmp_path / "x.pt", map_location=ml)["x"], ember.ones(2))
    with pytest.raises(RuntimeError):
        ember.load(tmp_path / "x.pt", map_location="cuda:0")


def test_weights_only_false_whole_module(tmp_path):
    m = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU())
    ember.save(m, tmp_path / "m.pt")
    import pickle
    with pytest.raises(pickle.UnpicklingError, match="ember.nn"):
        ember.load(tmp_path / "m.pt")
    m2 = ember.load(tmp_path / "m.pt", weights_only=False)
    x = ember.randn(4, 2)
    np.testing.assert_array_equal(m(x)._data, m2(x)._data)


# --- parity with real PyTorch ------------------------------------------------------------

def _torch_sample(torch):
    g = torch.Generator().manual_seed(0)
    a = torch.arange(24.).reshape(4, 6)
    return collections.OrderedDict(
        w=a, wt=a.t(), row=a[1], cols=a[:, ::2], scalar=torch.tensor(3.5),
        i64=torch.arange(5), i32=torch.arange(4, dtype=torch.int32), i16=torch.arange(3, dtype=torch.int16),
        i8=torch.arange(3, dtype=torch.int8), u8=torch.arange(3, dtype=torch.uint8),
        b=torch.tensor([True, False]), f16=torch.randn(3, generator=g).half(), bf16=torch.randn(3, generator=g).bfloat16(),
        f64=torch.randn(2, 2, dtype=torch.float64, generator=g), c64=torch.randn(2, dtype=torch.complex64, generator=g),
        empty=torch.zeros(0, 3), p=torch.nn.Parameter(torch.randn(3, generator=g)),
        nested={"list": [torch.ones(2), 1, 2.5, "s", None, True], "tup": (torch.zeros(1), (False,)),
                "size": torch.Size([2, 3])},
    )


def _cmp_torch(e, t):
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    assert str(e.dtype) == str(t.dtype)
    tv = t.detach()
    if t.dtype.is_floating_point and t.dtype.itemsize == 2 and "bfloat16" in str(t.dtype):
        np.testing.assert_array_equal(e._data.astype(np.float32), tv.float().numpy())
    else:
        np.testing.assert_array_equal(e._data, tv.numpy())


def test_torch_saves_ember_loads(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("ml_dtypes")
    sd = _torch_sample(torch)
    torch.save(sd, tmp_path / "t.pt")
    got = ember.load(tmp_path / "t.pt")
    assert list(got) == list(sd)
    for k, v in sd.items():
        if isinstance(v, torch.Tensor):
            _cmp_torch(got[k], v)
    assert isinstance(got["p"], ember.nn.Parameter) and got["p"].requires_grad
    assert got["nested"]["size"] == ember.Size([2, 3])
    got["wt"][0, 1] = -7.0
    assert got["w"][1, 0].item() == -7.0 and got["row"][0].item() == -7.0
    got["cols"][0, 1] = -9.0
    assert got["w"][0, 2].item() == -9.0


def test_ember_saves_torch_loads(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("ml_dtypes")
    sd = _sample_ember()
    sd["bf16"] = ember.arange(4.).to(ember.bfloat16)
    sd["c128"] = ember.tensor([1 + 2j, 3j])
    sd["size"] = ember.Size([1, 2])
    sd["dtype"] = ember.float64
    ember.save(sd, tmp_path / "e.pt")
    got = torch.load(tmp_path / "e.pt", weights_only=True)
    assert list(got) == list(sd)
    for k, v in sd.items():
        if isinstance(v, ember.Tensor):
            _cmp_torch(v, got[k])
    assert isinstance(got["p"], torch.nn.Parameter)
    assert got["size"] == torch.Size([1, 2]) and got["dtype"] is torch.float64
    assert got["nested"]["list"][1:] == [1, 2.5, "s", None, True]
    # shared storage survives into PyTorch
    assert got["w"].untyped_storage().data_ptr() == got["wt"].untyped_storage().data_ptr()
    got["wt"][0, 1] = -3.0
    assert got["w"][1, 0].item() == -3.0


def test_module_state_dicts_both_ways(tmp_path):
    torch = pytest.importorskip("torch")
    tm = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
                             torch.nn.Linear(8, 3))
    em = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.BatchNorm2d(2), ember.nn.Flatten(),
                             ember.nn.Linear(8, 3))
    torch.save(tm.state_dict(), tmp_path / "t.pt")
    em.load_state_dict(ember.load(tmp_path / "t.pt"))
    ember.save(em.state_dict(), tmp_path / "e.pt")
    back = torch.load(tmp_path / "e.pt", weights_only=True)
    for k, v in tm.state_dict().items():
        assert torch.equal(back[k], v), k


def test_optimizer_state_both_ways(tmp_path):
    torch = pytest.importorskip("torch")
    tm = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(tm.parameters(), lr=0.01)
    sch = torch.optim.lr_scheduler.StepLR(opt, 3)
    tm(torch.randn(4, 3)).sum().backward()
    opt.step()
    sch.step()
    torch.save({"opt": opt.state_dict(), "sch": sch.state_dict()}, tmp_path / "t.pt")
    got = ember.load(tmp_path / "t.pt")
    assert got["opt"]["param_groups"] == opt.state_dict()["param_groups"]
    assert got["sch"] == sch.state_dict()
    for i, st in opt.state_dict()["state"].items():
        for n, v in st.items():
            _cmp_torch(got["opt"]["state"][i][n], v)
    ember.save(got, tmp_path / "e.pt")
    back = torch.load(tmp_path / "e.pt", weights_only=True)
    opt2 = torch.optim.AdamW(tm.parameters(), lr=0.01)
    opt2.load_state_dict(back["opt"])
    assert back["sch"] == sch.state_dict()


def test_torch_loads_ember_mmap_and_bytesio(tmp_path):
    torch = pytest.importorskip("torch")
    buf = io.BytesIO()
    ember.save({"x": ember.arange(10.)}, buf)
    buf.seek(0)
    assert torch.equal(torch.load(buf, weights_only=True)["x"], torch.arange(10.))
    p = tmp_path / "x.pt"
    ember.save({"x": ember.arange(10.)}, p)
    assert torch.equal(torch.load(p, weights_only=True, mmap=True)["x"], torch.arange(10.))


def test_torch_mmap_file_loads_with_ember_mmap(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"x": torch.arange(100.)}, tmp_path / "t.pt")
    got = ember.load(tmp_path / "t.pt", mmap=True)
    np.testing.assert_array_equal(got["x"]._data, np.arange(100.))


def test_files_saved_without_extension_or_odd_names(tmp_path):
    p = tmp_path / "my checkpoint.v2"
    ember.save([ember.ones(1)], p)
    assert os.path.exists(p)
    _same(ember.load(p)[0], ember.ones(1))


def test_plain_values(tmp_path):
    obj = {"a": bytearray(b"xy"), "b": b"\x00\xff", "c": {1, 2}, "d": frozenset([3]), "e": 1 + 2j, "f": 2 ** 70,
           "g": slice(1, 2), "h": [float("inf"), -0.0], "u": "ünï", 3: "int key", None: (), "dev": ember.device("cpu")}
    buf = io.BytesIO()
    ember.save(obj, buf)
    buf.seek(0)
    assert ember.load(buf) == obj


def test_large_record_crc_is_valid(tmp_path):
    from ember.serialization._zipformat import crc32_combine
    import zlib
    data = os.urandom(4097)
    for k in (0, 1, 2048, 4097):
        assert crc32_combine(zlib.crc32(data[:k]), zlib.crc32(data[k:]), len(data) - k) == zlib.crc32(data)
    p = tmp_path / "big.pt"
    x = ember.randn(5_000_003)  # > 4 MB: written while its CRC is computed in parallel chunks
    ember.save({"x": x}, p)
    assert zipfile.ZipFile(p).testzip() is None
    np.testing.assert_array_equal(ember.load(p)["x"]._data, x._data)
    buf = io.BytesIO()
    ember.save({"x": x}, buf)
    assert zipfile.ZipFile(buf).testzip() is None


def test_save_errors_and_symlinks(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory"):
        ember.save({}, tmp_path / "missing" / "x.pt")
    real = tmp_path / "real.pt"
    ember.save([1], real)
    link = tmp_path / "link.pt"
    os.symlink(real, link)
    ember.save([2], link)
    assert os.path.islink(link) and ember.load(real) == [2]
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
