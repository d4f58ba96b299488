"""Legacy typed tensor classes, type strings, and storages, against PyTorch."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CLASSES = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]
DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64", "complex128", "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2",
          "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "complex32"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the type is what we compare
        return type(e)
    if hasattr(r, "dtype") and hasattr(r, "shape") and not isinstance(r, np.ndarray):
        return (str(r.dtype), tuple(r.shape), None if r.numel() == 0 or str(r.dtype).endswith("float8_e8m0fnu")
                else r.float().tolist() if r.dtype.is_floating_point else r.tolist())
    return r


@pytest.mark.parametrize("cls", CLASSES)
def test_typed_constructors_match_torch(cls):
    E, T = getattr(ember, cls), getattr(torch, cls)
    calls = [lambda L: L(2, 3).shape, lambda L: L().shape, lambda L: L(0).shape,
             lambda L, m=None: L([1, 0, 2]), lambda L: L((1, 2)), lambda L: L([[1, 2], [3, 4]]),
             lambda L: L(np.array([1, 2])), lambda L: L(3.5), lambda L: L(-1), lambda L: L("a"),
             lambda L: L(2, device="cuda")]
    for c in calls:
        e, t = _outcome(lambda: c(E)), _outcome(lambda: c(T))
        if isinstance(t, tuple) and len(t) == 3:
            e, t = (e[0].replace("torch.", ""), e[1], e[2]), (t[0].replace("torch.", ""), t[1], t[2])
        assert e == t or (isinstance(e, tuple) and tuple(e) == tuple(t)), (cls, e, t)
    assert tuple(E(ember.Size([2, 3])).shape) == (2, 3)
    assert E(2, 3).dtype is getattr(ember, str(T(1).dtype).split(".")[1])
    assert repr(E) == repr(T) and E.__name__ == T.__name__ and E.dtype is getattr(ember, str(T.dtype)[6:])
    assert E.is_cuda is False and E.is_sparse is False and not issubclass(E, ember.Tensor)


def test_typed_constructor_from_tensor_is_an_alias_and_checks_dtype():
    x = ember.zeros(2)
    y = ember.FloatTensor(x)
    y[0] = 5.
    assert x[0].item() == 5.
    with pytest.raises(TypeError):
        ember.FloatTensor(ember.zeros(2, dtype=ember.int64))
    with pytest.raises(TypeError):
        torch.FloatTensor(torch.zeros(2, dtype=torch.int64))


@pytest.mark.parametrize("dname", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
                                   "uint8", "bool", "complex64", "uint16"])
def test_isinstance_matrix(dname):
    e = ember.zeros(2, dtype=getattr(ember, dname))
    t = torch.zeros(2, dtype=getattr(torch, dname))
    for cls in CLASSES:
        assert isinstance(e, getattr(ember, cls)) == isinstance(t, getattr(torch, cls)), (dname, cls)
    p = ember.nn.Parameter(ember.zeros(2))
    assert isinstance(p, ember.FloatTensor) == isinstance(torch.nn.Parameter(torch.zeros(2)), torch.FloatTensor)
    assert not isinstance([1.], ember.FloatTensor)


def test_tensor_legacy_constructor():
    assert ember.Tensor(2, 3).dtype == ember.float32 and ember.Tensor(2, 3).shape == (2, 3)
    assert ember.Tensor([1, 2]).tolist() == torch.Tensor([1, 2]).tolist()
    assert ember.Tensor().shape == torch.Tensor().shape
    assert ember.Tensor(ember.Size([2])).shape == torch.Tensor(torch.Size([2])).shape


@pytest.mark.parametrize("dname", DTYPES)
def test_type_strings(dname):
    e = ember.zeros(2, dtype=getattr(ember, dname))
    t = torch.zeros(2, dtype=getattr(torch, dname))
    assert e.type() == t.type()
    assert ember.typename(e) == torch.typename(t)
    if dname in ("float32", "float64", "int64", "uint8", "bool"):
        assert ember.Tensor.type(e) == torch.Tensor.type(t)


def test_type_conversions_and_errors():
    x, tx = ember.tensor([1.5, -2.]), torch.tensor([1.5, -2.])
    for arg in ("DoubleTensor", "LongTensor", "ByteTensor", "BFloat16Tensor"):
        a, b = x.type(getattr(ember, arg)), tx.type(getattr(torch, arg))
        assert a.type() == b.type() and a.float().tolist() == b.float().tolist()
        a, b = x.type("torch." + arg), tx.type("torch." + arg)
        assert a.type() == b.type()
    assert x.type(ember.int32).tolist() == tx.type(torch.int32).tolist()
    assert x.type(ember.FloatTensor) is x and x.type("torch.FloatTensor") is x and x.type(ember.float32) is x
    for bad in ("torch.Foo", "float64", 3, "torch.cuda.FloatTensor"):
        try:
            tx.type(bad)
        except Exception as e:  # noqa: BLE001
            want = type(e)
        if bad == "torch.cuda.FloatTensor":
            want = TypeError  # torch without CUDA may raise RuntimeError while initialising; ember names the type
        with pytest.raises(want):
            x.type(bad)


def test_set_default_tensor_type():
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ember.set_default_tensor_type(ember.DoubleTensor)
        assert w and issubclass(w[0].category, UserWarning) and "deprecated" in str(w[0].message)
        assert ember.get_default_dtype() is ember.float64 and ember.tensor([1.]).dtype is ember.float64
        ember.set_default_tensor_type("torch.FloatTensor")
        assert ember.get_default_dtype() is ember.float32
        for bad in (ember.LongTensor, "torch.IntTensor", ember.float64):
            with pytest.raises(TypeError):
                ember.set_default_tensor_type(bad)
        for bad in (torch.LongTensor, "torch.IntTensor", torch.float64):
            with pytest.raises(TypeError):
                torch.set_default_tensor_type(bad)
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


# -- storages ---------------------------------------------------------------------------------------
def _pair(fn):
    x = ember.arange(12.).view(3, 4)
    tx = torch.arange(12.).view(3, 4)
    return fn(x), fn(tx)


@pytest.mark.parametrize("view", [lambda x: x, lambda x: x[1], lambda x: x[:, 1:3], lambda x: x.t(), lambda x: x[2:]])
def test_storage_matches_torch(view):
    (e, t) = _pair(lambda x: view(x))
    es, ts = e.storage(), t.storage()
    assert es.tolist() == ts.tolist() and es.size() == ts.size() == len(es)
    assert str(es.dtype) == str(ts.dtype) and es.nbytes() == ts.nbytes() and es.element_size() == ts.element_size()
    assert e.storage_offset() == t.storage_offset()
    assert es.data_ptr() + e.storage_offset() * 4 == e.data_ptr()
    assert ts.data_ptr() + t.storage_offset() * 4 == t.data_ptr()
    eu, tu = e.untyped_storage(), t.untyped_storage()
    assert eu.nbytes() == tu.nbytes() and len(eu) == len(tu) and eu.tolist() == list(tu)
    assert isinstance(es, ember.TypedStorage) and isinstance(es, ember.FloatStorage)
    assert not isinstance(es, ember.LongStorage)
    assert type(es) is ember.TypedStorage and isinstance(eu, ember.UntypedStorage)


def test_storage_shares_memory_and_indexes_as_torch():
    x = ember.arange(6.)
    s = x[2:].storage()
    s[0] = 100.
    assert x[0].item() == 100.
    tx = torch.arange(6.)
    tx[0] = 100.
    x.untyped_storage()[3] = 0  # the top byte of x[0] (little-endian float32)
    tx.untyped_storage()[3] = 0
    assert x[0].item() == tx[0].item() and x.untyped_storage()[2] == tx.untyped_storage()[2]
    with pytest.raises(IndexError):
        s[6]
    with pytest.raises(IndexError):
        torch.arange(6.).storage()[6]
    assert s[-1] == 5.0 and s[1:3].tolist() == [1.0, 2.0]


def test_storage_classes_and_repr():
    for name in ("FloatStorage", "DoubleStorage", "LongStorage", "IntStorage", "ByteStorage", "BoolStorage",
                 "HalfStorage", "BFloat16Storage", "ShortStorage", "CharStorage", "ComplexFloatStorage"):
        E, T = getattr(ember, name), getattr(torch, name)
        e, t = E([1, 0, 1]), T([1, 0, 1])
        assert e.tolist() == t.tolist() and str(e.dtype) == str(t.dtype) and e.type() == t.type()
        assert repr(e) == repr(t), name
        assert isinstance(e, E) and type(e) is ember.TypedStorage and issubclass(E, ember.TypedStorage)
        assert E(4).size() == T(4).size() == 4
    assert repr(ember.UntypedStorage(3)) == repr(torch.UntypedStorage(3).fill_(0))
    assert repr(ember.FloatStorage()) == repr(torch.FloatStorage())
    assert ember.Storage is ember.FloatStorage and torch.Storage is torch.FloatStorage
    s, ts = ember.FloatStorage([1.5, 2.5]), torch.FloatStorage([1.5, 2.5])
    assert s.long().tolist() == ts.long().tolist() and s.double().type() == ts.double().type()
    assert s.clone().tolist() == ts.clone().tolist() and s.fill_(0).tolist() == ts.fill_(0).tolist()
    assert s.pickle_storage_type() == ts.pickle_storage_type() and s.untyped().nbytes() == ts.untyped().nbytes()
    assert ember.TypedStorage(3, dtype=ember.int32).dtype is ember.int32


def test_is_storage_and_storage_type():
    for lib in (ember, torch):
        x = lib.zeros(2)
        assert lib.is_storage(x.untyped_storage()) and lib.is_storage(x.storage()) and not lib.is_storage(x)
        assert not lib.is_storage(lib.FloatStorage)
    for d in ("float32", "int64", "bool", "float8_e4m3fn", "uint16"):
        e = ember.zeros(1, dtype=getattr(ember, d)).storage_type()
        t = torch.zeros(1, dtype=getattr(torch, d)).storage_type()
        assert repr(e) == repr(t), d


def test_typed_storage_deprecation_warning():
    import ember._storage as S
    S._warned.clear()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ember.zeros(1).storage()
        ember.zeros(1).storage()
    assert len(w) == 1 and "TypedStorage is deprecated" in str(w[0].message)


def test_set_to_storage_matches_torch():
    cases = [(), (2, (2, 2), (1, 2)), (1, (3,)), (0, (2, 3)), (5, (0,)), (0, (2, 2), (0, 1))]
    for args in cases:
        e = ember.tensor([]).set_(ember.arange(8.).untyped_storage(), *args)
        t = torch.tensor([]).set_(torch.arange(8.).untyped_storage(), *args)
        assert e.tolist() == t.tolist() and e.stride() == t.stride() and e.storage_offset() == t.storage_offset(), args
        e = ember.tensor([]).set_(ember.arange(8.).storage(), *args)
        t = torch.tensor([]).set_(torch.arange(8.).storage(), *args)
        assert e.tolist() == t.tolist() and e.stride() == t.stride(), args


def test_set_shares_memory_and_errors():
    x = ember.arange(6.)
    y = ember.tensor([]).set_(x.untyped_storage(), 1, (2,), (2,))
    y[0] = 50.
    assert x[1].item() == 50. and y.is_set_to(ember.tensor([]).set_(x.untyped_storage(), 1, (2,), (2,)))
    z = ember.zeros(3).set_(x)
    assert z.is_set_to(x) and z.shape == x.shape
    assert ember.zeros(3).set_().shape == torch.zeros(3).set_().shape
    # out of bounds: torch grows the storage; a NumPy buffer cannot grow under its views, so ember refuses
    with pytest.raises(RuntimeError, match="out of bounds"):
        ember.zeros(2).set_(ember.zeros(4).untyped_storage(), 2, (3,))
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.zeros(2).set_(lib.LongStorage(2))
        with pytest.raises(RuntimeError):  # a leaf that requires grad
            lib.zeros(2, requires_grad=True).set_(lib.zeros(3))
        with lib.no_grad():
            lib.zeros(2, requires_grad=True).set_(lib.zeros(3))


def test_is_set_to_matches_torch():
    x, tx = ember.zeros(2, 3), torch.zeros(2, 3)
    for f in (lambda a: a, lambda a: a[:], lambda a: a.view(6), lambda a: a.clone(), lambda a: a[1], lambda a: a.t()):
        assert x.is_set_to(f(x)) == tx.is_set_to(f(tx))


def test_typed_constructor_from_storage_and_resize_():
    s = ember.arange(4.).storage()
    t = ember.FloatTensor(s)
    assert t.tolist() == torch.FloatTensor(torch.arange(4.).storage()).tolist()
    with pytest.raises(NotImplementedError):
        s.resize_(10)
    x, tx = ember.arange(6.), torch.arange(6.)
    assert x.resize_(2, 2).tolist() == tx.resize_(2, 2).tolist()
    assert x.resize_as_(ember.zeros(3)).tolist() == tx.resize_as_(torch.zeros(3)).tolist()


def test_pickling_classes_storages_and_infos():
    import pickle
    for obj in (ember.FloatTensor, ember.BoolTensor, ember.LongStorage, ember.channels_last, ember.strided):
        assert pickle.loads(pickle.dumps(obj)) is obj
    for obj in (ember.finfo(ember.float16), ember.iinfo(ember.uint8)):
        assert pickle.loads(pickle.dumps(obj)) == obj
    s = pickle.loads(pickle.dumps(ember.IntStorage([1, 2])))
    assert s.tolist() == [1, 2] and s.dtype is ember.int32
    u = pickle.loads(pickle.dumps(ember.UntypedStorage([3, 4])))
    assert u.tolist() == [3, 4]
