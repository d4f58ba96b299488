"""Files PyTorch writes that ember reads: the legacy (pre-1.6) format, NumPy arrays,
scalars and dtypes, _rebuild_tensor_v3 dtypes; and torch.serialization's weights_only
controls (environment variables, add_safe_globals & co.), compared with torch."""
import collections
import io
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import ember
from ember.serialization import (LoadError, UnsupportedCheckpointError, add_safe_globals, clear_safe_globals,
                                 get_safe_globals, get_unsafe_globals_in_checkpoint, safe_globals)

from _ckpt_builders import archive, glob, proto, s

torch = pytest.importorskip("torch")


class Point:
    """A user class registered with add_safe_globals in the tests below."""

    def __init__(self, x, y):
        self.x, self.y = x, y


@pytest.fixture(autouse=True)
def _no_user_globals():
    clear_safe_globals()
    torch.serialization.clear_safe_globals()
    yield
    clear_safe_globals()
    torch.serialization.clear_safe_globals()


def _torch_bytes(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


def _same(a, b):
    if isinstance(b, torch.Tensor):
        assert isinstance(a, ember.Tensor) and str(a.dtype) == str(b.dtype) and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a._data.astype(np.float64) if a.dtype == ember.bfloat16 else a._data,
                                      b.detach().float().numpy() if b.dtype == torch.bfloat16 else b.detach().numpy())
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


def _legacy_obj():
    base = torch.arange(12.).reshape(3, 4)
    return {"w": base, "wt": base.t(), "row": base[1], "i": torch.arange(5)[1:], "h": torch.ones(3).half(),
            "b": torch.tensor([True, False]), "u8": torch.arange(4, dtype=torch.uint8),
            "c": torch.tensor([1 + 2j]), "d": torch.zeros(2, dtype=torch.float64), "empty": torch.zeros(0, 3),
            "scalar": torch.tensor(3.5), "p": torch.nn.Parameter(torch.ones(2)),
            "meta": [1, "x", None, (2.5,)], "sd": torch.nn.Linear(2, 3).state_dict()}


def test_legacy_format_loads_like_torch():
    data = _torch_bytes(_legacy_obj(), _use_new_zipfile_serialization=False)
    assert not data.startswith(b"PK")
    got = ember.load(io.BytesIO(data))
    _same(got, torch.load(io.BytesIO(data), weights_only=True))
    got["w"][0, 1] = 100.  # views of one storage stay views of one buffer
    assert got["wt"][1, 0].item() == 100.


def test_legacy_format_from_a_path_and_errors(tmp_path):
    p = tmp_path / "old.pth"
    torch.save({"w": torch.arange(3.)}, p, _use_new_zipfile_serialization=False)
    assert ember.load(p)["w"].tolist() == [0., 1., 2.]
    with pytest.raises(LoadError):
        ember.load(p, mmap=True)
    data = p.read_bytes()
    for n in range(len(data) - 1, 0, -7):
        with pytest.raises(LoadError):
            ember.load(io.BytesIO(data[:n]))


def test_legacy_format_goes_through_the_allow_list(tmp_path):
    data = _torch_bytes({"c": collections.Counter()}, _use_new_zipfile_serialization=False)
    with pytest.raises(LoadError, match="collections.Counter"):
        ember.load(io.BytesIO(data))


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2"])
def test_rebuild_tensor_v3_dtypes(name):
    t = torch.arange(6).to(getattr(torch, name)).reshape(2, 3)[:, 1:]
    data = _torch_bytes({"t": t})
    if not hasattr(ember, name):
        with pytest.raises(UnsupportedCheckpointError, match=name):
            ember.load(io.BytesIO(data))
        pytest.skip(f"ember has no {name} dtype in this tree")
    got = ember.load(io.BytesIO(data))["t"]
    assert str(got.dtype) == str(t.dtype) and got.shape == tuple(t.shape)
    np.testing.assert_array_equal(got._data.astype(np.float64), t.to(torch.float64).numpy())


_NP = {"f8": np.arange(6.).reshape(2, 3), "f4F": np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
       "i8": np.arange(4), "u1": np.arange(3, dtype=np.uint8), "b": np.array([True, False]),
       "c16": np.array([1 + 2j]), "f2": np.ones(2, np.float16), "be": np.arange(3, dtype=">i4"),
       "zero_d": np.array(2.5), "empty": np.zeros((0, 4)), "noncontig": np.arange(10.)[::3],
       "s64": np.float64(1.25), "s32": np.float32(2.5), "si": np.int64(7), "sb": np.bool_(True),
       "dt": np.dtype("int32"), "dtf": np.dtype(">f8"), "nested": [np.arange(2), {"k": np.int32(3)}]}


def _np_equal(a, b):
    if isinstance(b, dict):
        assert list(a) == list(b)
        for k in b:
            _np_equal(a[k], b[k])
    elif isinstance(b, list):
        for x, y in zip(a, b):
            _np_equal(x, y)
    else:
        assert type(a) is type(b)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape and a.flags.f_contiguous == b.flags.f_contiguous
            np.testing.assert_array_equal(a, b)
            assert a.flags.writeable
        else:
            assert a == b and getattr(a, "dtype", None) == getattr(b, "dtype", None)


def test_numpy_values_load_in_every_mode():
    data = _torch_bytes(_NP)
    with pytest.raises(Exception):  # torch refuses them by default ...
        torch.load(io.BytesIO(data))
    ref = torch.load(io.BytesIO(data), weights_only=False)  # ... and runs the file's code to load them
    _np_equal(ember.load(io.BytesIO(data)), ref)  # ember: through its allow-list, nothing runs
    _np_equal(ember.load(io.BytesIO(data), weights_only=False), ref)


def test_numpy_core_spelling_and_object_arrays():
    data = _torch_bytes({"a": np.arange(3.), "s": np.float64(1.5)})
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(data))
    pkl = z.read("archive/data.pkl")
    assert b"numpy._core.multiarray" in pkl
    got = ember.load(archive(pkl.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")))
    np.testing.assert_array_equal(got["a"], np.arange(3.))
    assert got["s"] == 1.5 and type(got["s"]) is np.float64
    for bad in (np.array([1, "a"], dtype=object), np.zeros(2, dtype=[("x", "f4")]), np.array(["ab"])):
        with pytest.raises(LoadError):
            ember.load(io.BytesIO(_torch_bytes({"a": bad})))


def test_numpy_dtype_state_cannot_touch_shared_dtypes():
    before = np.dtype("float64").byteorder
    pkl = proto(glob("numpy", "dtype") + b"(" + s("f8") + b"\x89\x89tR" + b"(K\x03" + s(">") + b"NNNJ\xff\xff\xff\xff"
                + b"J\xff\xff\xff\xffK\x00tb")
    got = ember.load(archive(pkl))
    assert got == np.dtype(">f8") and np.dtype("float64").byteorder == before


def test_force_weights_only_env(monkeypatch, tmp_path):
    marker = tmp_path / "ran"
    pkl = proto(glob("os", "system") + b"(" + s(f"touch {marker}") + b"tR")
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(LoadError, match="os.system"):
        ember.load(archive(pkl), weights_only=False)
    with pytest.raises(Exception):
        torch.load(archive(pkl), weights_only=False)
    assert not marker.exists()


def test_force_no_weights_only_env(monkeypatch):
    pkl = proto(glob("collections", "Counter") + b")R")
    with pytest.raises(LoadError):
        ember.load(archive(pkl))
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"):
        assert ember.load(archive(pkl)) == collections.Counter()
    with pytest.warns(UserWarning):
        assert torch.load(archive(pkl)) == collections.Counter()
    with pytest.raises(LoadError):  # an explicit weights_only=True wins, as in torch
        ember.load(archive(pkl), weights_only=True)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(RuntimeError, match="both were set"):
        ember.load(archive(pkl))
    with pytest.raises(RuntimeError, match="both were set"):
        torch.load(archive(pkl))


def test_add_safe_globals_like_torch():
    data = _torch_bytes({"p": Point(1, [2.5])})
    name = f"{Point.__module__}.Point"
    assert get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == [name]
    assert torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == [name]
    with pytest.raises(LoadError, match=name.replace(".", r"\.")):
        ember.load(io.BytesIO(data))
    with safe_globals([Point]):
        assert get_safe_globals() == [Point]
        got = ember.load(io.BytesIO(data))["p"]
        assert type(got) is Point and (got.x, got.y) == (1, [2.5])
        assert get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == []
    assert get_safe_globals() == []
    add_safe_globals([(Point, name)])
    with torch.serialization.safe_globals([Point]):
        ref = torch.load(io.BytesIO(data), weights_only=True)["p"]
    assert (ember.load(io.BytesIO(data))["p"].x, ref.x) == (1, 1)


def test_registered_class_state_only_on_fresh_instances():
    add_safe_globals([Point])
    mod = Point.__module__
    pkl = proto(glob(mod, "Point") + b"}" + s("x") + b"K\x01sb")  # BUILD on the class object itself
    with pytest.raises(LoadError, match="BUILD"):
        ember.load(archive(pkl))
    assert not hasattr(Point, "x")


def test_compat_exposes_serialization_names(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import collections, io, torch
        from torch.serialization import add_safe_globals, get_safe_globals, safe_globals, clear_safe_globals
        from torch.serialization import get_unsafe_globals_in_checkpoint
        add_safe_globals([collections.Counter])
        buf = io.BytesIO(); torch.save({"c": collections.Counter(a=2)}, buf); buf.seek(0)
        print(torch.load(buf)["c"]["a"], get_safe_globals() == [collections.Counter])
    """))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    with warnings.catch_warnings():
        out = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], env=env, capture_output=True,
                             text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "True"]


def test_rebuild_tensor_v3_path_with_a_dtype_ember_has():
    # torch writes _rebuild_tensor_v3 (an untyped byte storage + a dtype) for uint16; renaming that
    # dtype to int16 in the pickle gives a v3 file that both libraries read, whatever ember's dtypes
    import zipfile
    t = torch.tensor([[1, 2, 300], [4, 5, 60000]], dtype=torch.uint16)[:, 1:]
    z = zipfile.ZipFile(io.BytesIO(_torch_bytes({"t": t})))
    pkl = z.read("archive/data.pkl").replace(b"torch\nuint16\n", b"torch\nint16\n")
    assert b"_rebuild_tensor_v3" in pkl
    data = archive(pkl, {"0": z.read("archive/data/0")})
    got = ember.load(data)["t"]
    data.seek(0)
    ref = torch.load(data, weights_only=True)["t"]
    assert got.dtype == ember.int16 and got.shape == (2, 2)
    np.testing.assert_array_equal(got._data, ref.numpy())


def test_ember_writes_rebuild_tensor_v3_for_dtypes_without_typed_storage(monkeypatch):
    # uint16/float8 have no typed storage in torch: ember writes them as torch does (v3 + UntypedStorage).
    # Shown here with int16 taken out of the typed-storage table, so it runs whatever dtypes ember has.
    from ember.serialization import _pickler
    monkeypatch.delitem(_pickler.STORAGE_TYPES, "int16")
    a = ember.tensor([[1, -2, 300], [4, 5, -32768]], dtype=ember.int16)
    buf = io.BytesIO()
    ember.save({"a": a, "at": a.t()}, buf)
    import zipfile
    assert b"_rebuild_tensor_v3" in zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("archive/data.pkl")
    buf.seek(0)
    ref = torch.load(buf, weights_only=True)
    buf.seek(0)
    got = ember.load(buf)
    for k in ("a", "at"):
        assert ref[k].dtype == torch.int16 and got[k].dtype == ember.int16
        np.testing.assert_array_equal(got[k]._data, ref[k].numpy())
        np.testing.assert_array_equal(got[k]._data, (a if k == "a" else a.t())._data)
