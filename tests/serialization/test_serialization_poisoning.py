"""A checkpoint cannot change ember's process-wide state: BUILD (setting attributes),
SETITEM(S), APPEND(S) and ADDITEMS act only on objects the same load created, so a file
that tries to rewrite a dtype, a storage type, a function or a class is refused with
LoadError and every later load decodes tensors exactly as before."""
import collections
import io
import pickle

import numpy as np
import pytest

import ember
from ember import _dtype as D
from ember.serialization import LoadError
from ember.serialization._allowlist import ALLOWED, CALLABLES

from _ckpt_builders import archive, glob, i64, proto, s, tensor, tup

F, T, N = b"\x89", b"\x88", b"N"


def _dict(**kv):
    body = b"}"
    for k, v in kv.items():
        body += s(k) + v + b"s"
    return body


def _snapshot():
    dts = [(d.name, d.np, d.is_floating_point, d.is_complex, d.is_signed, d.itemsize, d._cat) for d in D._ALL]
    storages = sorted((k, tuple(v)) for k, v in ALLOWED.items() if isinstance(v, tuple))
    fns = [(getattr(f, "__qualname__", repr(f)), sorted(vars(f)) if hasattr(f, "__dict__") else None)
           for f in CALLABLES]
    return dts, storages, fns, sorted(vars(collections.OrderedDict)), sorted(vars(np.dtype))


def _reference_load():
    data = np.arange(4, dtype=np.float32)
    t = ember.load(archive(proto(tensor()), {"0": data.tobytes()}))
    assert t.dtype is ember.float32 and ember.float32.is_floating_point is True
    np.testing.assert_array_equal(t._data, data)
    buf = io.BytesIO()
    ember.save({"w": ember.arange(3.)}, buf)
    buf.seek(0)
    assert ember.load(buf)["w"].tolist() == [0., 1., 2.]


_NP_F4 = glob("numpy", "dtype") + tup(s("f4"), F, T) + b"R"

POISON = {
    "BUILD slotstate on dtype": glob("torch", "float32") + tup(N, _dict(is_floating_point=F)) + b"b",
    "BUILD dict state on dtype": glob("torch", "float32") + _dict(is_floating_point=F) + b"b",
    "BUILD dtype.np -> int32": glob("torch", "float32") + tup(N, _dict(np=glob("numpy", "dtype")
                                                                     + tup(s("i4"), F, T) + b"R")) + b"b",
    "BUILD on storage type": glob("torch", "FloatStorage") + tup(N, _dict(dtype_name=s("int32"))) + b"b",
    "BUILD on storage type (dict)": glob("torch.storage", "FloatStorage") + _dict(dtype_name=s("int32")) + b"b",
    "BUILD on function": glob("torch._utils", "_rebuild_tensor_v2") + _dict(__defaults__=N) + b"b",
    "BUILD on np.dtype factory": glob("numpy", "dtype") + _dict(x=N) + b"b",
    "BUILD on OrderedDict class": glob("collections", "OrderedDict") + _dict(x=N) + b"b",
    "BUILD on ndarray class": glob("numpy", "ndarray") + _dict(x=N) + b"b",
    "BUILD on a tensor": tensor() + _dict(_data=N) + b"b",
    "BUILD on a device": glob("torch", "device") + tup(s("cpu")) + b"R" + _dict(type=s("cuda")) + b"b",
    "BUILD on a Size": glob("torch", "Size") + tup(tup(i64(2))) + b"R" + _dict(x=N) + b"b",
    "BUILD fresh dtype with fields": _NP_F4 + tup(b"K\x03", s("<"), N, tup(s("a")), N, b"J\xff\xff\xff\xff",
                                                  b"J\xff\xff\xff\xff", b"K\x00") + b"b",
    "BUILD OrderedDict slotstate": glob("collections", "OrderedDict") + b")R" + tup(N, _dict(clear=N)) + b"b",
    "BUILD OrderedDict non-str key": glob("collections", "OrderedDict") + b")R" + b"}K\x01Ns" + b"b",
    "SETITEM on function": glob("torch._utils", "_rebuild_tensor_v2") + s("a") + b"K\x01s",
    "SETITEMS on OrderedDict class": glob("collections", "OrderedDict") + b"(" + s("a") + b"K\x01u",
    "SETITEM on dtype": glob("torch", "int64") + s("a") + b"K\x01s",
    "APPEND on set class": glob("builtins", "set") + b"K\x01a",
    "APPENDS on Size": glob("torch", "Size") + b"(K\x01e",
    "APPEND on a tensor": tensor() + b"K\x01a",
    "ADDITEMS on frozenset class": glob("builtins", "frozenset") + b"(K\x01\x90",
    "ADDITEMS on a frozenset": b"(K\x01\x91(K\x02\x90",
    "NEWOBJ of a dtype": glob("torch", "float32") + b")\x81",
    "REDUCE of a dtype": glob("torch", "float32") + b")R",
    "REDUCE of ndarray class": glob("numpy", "ndarray") + tup(tup(b"K\x01")) + b"R",
    "STACK_GLOBAL BUILD on dtype": s("torch") + s("float32") + b"\x93" + tup(N, _dict(is_complex=T)) + b"b",
}


@pytest.mark.parametrize("name", list(POISON))
def test_poisoning_is_refused_and_changes_nothing(name):
    before = _snapshot()
    records = {"0": np.arange(4, dtype=np.float32).tobytes()}
    with pytest.raises(LoadError) as info:
        ember.load(archive(proto(POISON[name]), records))
    assert isinstance(info.value, pickle.UnpicklingError) and isinstance(info.value, RuntimeError)
    assert _snapshot() == before
    _reference_load()


def test_torch_refuses_build_on_its_dtype():
    torch = pytest.importorskip("torch")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(archive(proto(POISON["BUILD slotstate on dtype"])), weights_only=True)
    assert torch.float32.is_floating_point


def test_state_on_fresh_ordereddict_is_allowed_and_private():
    # what torch accepts (state_dict metadata) still loads, and touches no other object
    pkl = proto(glob("collections", "OrderedDict") + b")R" + _dict(_metadata=_dict(a=b"K\x01")) + b"b")
    before = _snapshot()
    od = ember.load(archive(pkl))
    assert od._metadata == {"a": 1} and not hasattr(collections.OrderedDict(), "_metadata")
    assert _snapshot() == before
    torch = pytest.importorskip("torch")
    assert torch.load(archive(pkl), weights_only=True)._metadata == {"a": 1}


def test_tensors_from_one_load_never_share_memory_with_another():
    buf = io.BytesIO()
    ember.save({"w": ember.arange(4.)}, buf)
    a = ember.load(io.BytesIO(buf.getvalue()))["w"]
    a[0] = 100.
    assert ember.load(io.BytesIO(buf.getvalue()))["w"][0].item() == 0.


def test_allow_list_hands_out_nothing_mutable():
    for key, v in ALLOWED.items():
        if isinstance(v, tuple):  # storage types, torch.Tensor: immutable tuples without attributes
            with pytest.raises(AttributeError):
                v.dtype_name = "int32"
        elif isinstance(v, type):
            try:
                v.poisoned = 1
            except TypeError:  # builtin/extension types are immutable
                continue
            del v.poisoned
            raise AssertionError(f"{key} is a mutable class")
        else:
            assert isinstance(v, str) or v in CALLABLES, key
