"""The core torch namespace against PyTorch: dtypes and their tables, finfo/iinfo, layouts and
memory formats, process switches, interop constructors, Size, and Tensor's legacy surface."""
import math
import os
import pickle
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

STORED = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex32", "complex64", "complex128", "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2",
          "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]
UNSTORED = ["float4_e2m1fn_x2", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "bits1x8", "bits2x4",
            "bits4x2", "bits8", "bits16"] + [f"int{i}" for i in range(1, 8)] + [f"uint{i}" for i in range(1, 8)]
ALL = STORED + UNSTORED


def _outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the type is what we compare
        return type(e)


def _name(d):
    return d if isinstance(d, type) else str(d)


# -- dtypes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL + ["chalf", "half", "cfloat", "short"])
def test_dtype_objects_and_attributes(name):
    e, t = getattr(ember, name), getattr(torch, name)
    assert repr(e) == repr(t)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert _outcome(lambda: getattr(e, attr)) == _outcome(lambda: getattr(t, attr)), attr
    assert pickle.loads(pickle.dumps(e)) is e
    assert isinstance(e, ember.dtype)


@pytest.mark.parametrize("name", UNSTORED)
def test_dtypes_without_storage_raise_not_implemented(name):
    with pytest.raises(NotImplementedError, match=name):
        ember.zeros(2, dtype=getattr(ember, name))


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
                                  "float8_e5m2fnuz", "float8_e8m0fnu", "complex32", "bfloat16"])
def test_new_dtypes_create_convert_print(name):
    vals = [1.5, -2.0, 0.25, 224.0] if "float8" in name or name == "bfloat16" else [1, 2, 300, 7]
    if name == "float8_e8m0fnu":
        vals = [1.0, 2.0, 0.25, 1024.0]
    if name == "complex32":
        vals = [1 + 2j, -0.5j, 3, 0.25]
    e = ember.tensor(vals, dtype=getattr(ember, name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.tensor(vals, dtype=getattr(torch, name))
        wide = torch.complex64 if name == "complex32" else torch.float64 if name != "uint64" else torch.int64
        assert e.to(getattr(ember, str(wide)[6:])).tolist() == t.to(wide).tolist()
        wide_e = ember.complex64 if name == "complex32" else ember.float32
        back = e.to(wide_e).to(e.dtype)
        assert back.dtype is e.dtype and e.dtype is getattr(ember, name)
        if name != "complex32":  # torch prints complex32's real parts with float16's formatter quirks
            assert repr(e) == repr(t)
        assert ember.zeros(2, dtype=e.dtype).tolist() == torch.zeros(2, dtype=t.dtype).tolist()
        assert pickle.loads(pickle.dumps(e)).tolist() == e.tolist()


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e8m0fnu"])
def test_new_dtypes_safetensors_round_trip(name):
    pytest.importorskip("safetensors")
    from ember.utils.safetensors import save, load
    e = ember.tensor([1, 2, 4], dtype=getattr(ember, name))
    back = load(save({"a": e}))["a"]
    assert back.dtype is e.dtype and back.tolist() == e.tolist()
    if name != "float8_e8m0fnu":
        import safetensors.torch as st
        t = st.load(save({"a": e}))["a"]
        assert str(t.dtype) == repr(e.dtype) and t.tolist() == e.tolist()


def test_bfloat16_always_exists_and_ml_dtypes_loads_on_first_use():
    import subprocess
    import sys
    code = ("import sys, ember; a = 'ml_dtypes' in sys.modules; d = ember.bfloat16; b = 'ml_dtypes' in sys.modules;"
            "x = ember.ones(2, dtype=d); print(a, b, 'ml_dtypes' in sys.modules, x.dtype)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "False", "True", "torch.bfloat16"], out.stderr


def test_promote_types_full_table():
    for a in ALL:
        for b in ALL:
            t = _outcome(lambda: torch.promote_types(getattr(torch, a), getattr(torch, b)))
            e = _outcome(lambda: ember.promote_types(getattr(ember, a), getattr(ember, b)))
            assert _name(e) == _name(t), (a, b, e, t)


def test_can_cast_full_table():
    for a in ALL:
        for b in ALL:
            t = torch.can_cast(getattr(torch, a), getattr(torch, b))
            assert ember.can_cast(getattr(ember, a), getattr(ember, b)) == t, (a, b)
    for bad in ((1, ember.float32), (ember.float32, "float")):
        with pytest.raises(TypeError):
            ember.can_cast(*bad)


@pytest.mark.parametrize("name", ALL)
def test_finfo_iinfo(name):
    for fn in ("finfo", "iinfo"):
        t = _outcome(lambda: getattr(torch, fn)(getattr(torch, name)))
        e = _outcome(lambda: getattr(ember, fn)(getattr(ember, name)))
        if name.startswith("q"):
            assert isinstance(e, type) and issubclass(e, (TypeError, NotImplementedError))
            continue  # torch builds finfo/iinfo of quantized dtypes and raises when they are used
        if isinstance(t, type):
            assert e is t, (fn, name)
            continue
        if name == "float4_e2m1fn_x2":
            continue  # torch returns an object that raises on every use; ember raises TypeError at once
        assert repr(e) == repr(t)
        for k in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            if hasattr(t, k):
                assert getattr(e, k) == getattr(t, k) and type(getattr(e, k)) is type(getattr(t, k)), (name, k)


def test_finfo_defaults_and_errors():
    assert repr(ember.finfo()) == repr(torch.finfo())
    assert repr(ember.finfo(float)) == repr(torch.finfo(float)) and repr(ember.iinfo(int)) == repr(torch.iinfo(int))
    assert ember.finfo(ember.float32) == ember.finfo(ember.float32) != ember.finfo(ember.float64)
    for bad in ("float32", None, 3):
        with pytest.raises(TypeError):
            ember.iinfo(bad)
    with pytest.raises(TypeError):
        ember.finfo("float32")
    with pytest.raises(TypeError):
        hash(ember.finfo())
    with pytest.raises(AttributeError):
        ember.iinfo(ember.int8).eps


# -- layouts and memory formats -----------------------------------------------------------------------
def test_layout_and_format_objects():
    for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged",
              "contiguous_format", "channels_last", "channels_last_3d", "preserve_format", "legacy_contiguous_format"):
        e = getattr(ember, n)
        assert repr(e) == repr(getattr(torch, n)) and pickle.loads(pickle.dumps(e)) is e
    assert isinstance(ember.strided, ember.layout) and isinstance(ember.channels_last, ember.memory_format)
    assert ember.zeros(1).layout is ember.strided and repr(ember.zeros(1).layout) == repr(torch.zeros(1).layout)


def _shapes_and_views():
    for shape in [(2, 3, 4, 5), (2, 1, 4, 5), (2, 3, 1, 1), (1, 3, 4, 5), (0, 3, 4, 5), (2, 3, 4, 5, 6), (2, 3)]:
        for perm in (None, "cl", "t"):
            yield shape, perm


def _make(lib, shape, perm):
    x = lib.arange(float(np.prod(shape))).reshape(shape)
    if perm == "cl" and len(shape) in (4, 5):
        x = x.contiguous(memory_format=lib.channels_last if len(shape) == 4 else lib.channels_last_3d)
    elif perm == "t":
        x = x.transpose(0, -1)
    return x


def test_is_contiguous_per_format_matches_torch():
    for shape, perm in _shapes_and_views():
        e, t = _make(ember, shape, perm), _make(torch, shape, perm)
        assert e.stride() == t.stride(), (shape, perm)
        for fmt in ("contiguous_format", "channels_last", "channels_last_3d"):
            assert e.is_contiguous(memory_format=getattr(ember, fmt)) == \
                t.is_contiguous(memory_format=getattr(torch, fmt)), (shape, perm, fmt)
        assert e.is_contiguous() == t.is_contiguous()
    with pytest.raises(RuntimeError):
        ember.zeros(2).is_contiguous(memory_format=ember.preserve_format)


def test_memory_format_keywords_match_torch_strides():
    x, tx = _make(ember, (2, 3, 4, 5), None), _make(torch, (2, 3, 4, 5), None)
    y, ty = x.contiguous(memory_format=ember.channels_last), tx.contiguous(memory_format=torch.channels_last)
    cl, tcl = ember.channels_last, torch.channels_last
    pairs = [(y.clone(), ty.clone()), (ember.empty_like(y), torch.empty_like(ty)),
             (ember.zeros_like(y), torch.zeros_like(ty)),
             (ember.ones_like(y), torch.ones_like(ty)), (ember.full_like(y, 2.), torch.full_like(ty, 2.)),
             (y + 1, ty + 1), (y.to(ember.float64), ty.to(torch.float64)), (y.contiguous(), ty.contiguous()),
             (x.to(memory_format=ember.channels_last), tx.to(memory_format=torch.channels_last)),
             (y.clone(memory_format=ember.contiguous_format), ty.clone(memory_format=torch.contiguous_format)),
             (x.clone(memory_format=ember.channels_last), tx.clone(memory_format=torch.channels_last)),
             (ember.empty_like(x, memory_format=cl), torch.empty_like(tx, memory_format=tcl)),
             (ember.empty(2, 3, 4, 5, memory_format=cl), torch.empty(2, 3, 4, 5, memory_format=tcl)),
             (x.contiguous(memory_format=ember.preserve_format), tx.contiguous(memory_format=torch.preserve_format)),
             (x.clone(), tx.clone())]
    for i, (e, t) in enumerate(pairs):
        assert e.stride() == t.stride(), (i, e.stride(), t.stride())
    assert y.tolist() == ty.tolist() and y.contiguous(memory_format=ember.channels_last) is y
    for lib in (ember, torch):
        for bad in (lambda: lib.zeros(2, 3).contiguous(memory_format=lib.channels_last),
                    lambda: lib.zeros(2, 3, 4).to(memory_format=lib.channels_last_3d),
                    lambda: lib.empty(2, 3, memory_format=lib.channels_last),
                    lambda: lib.empty(2, 3, memory_format=lib.preserve_format),
                    lambda: lib.zeros(2, 3).t().contiguous(memory_format=lib.preserve_format)):
            with pytest.raises(RuntimeError):
                bad()


def test_channels_last_gradients_flow():
    x = ember.randn(2, 3, 4, 5, requires_grad=True)
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    w = ember.randn(2, 3, 4, 5)
    (x.contiguous(memory_format=ember.channels_last) * w).sum().backward()
    (tx.contiguous(memory_format=torch.channels_last) * torch.tensor(w.numpy())).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_empty_strided_permuted_and_new_empty_strided():
    for size, stride in [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((2, 0), (1, 1)), ((3,), (0,))]:
        assert ember.empty_strided(size, stride).stride() == torch.empty_strided(size, stride).stride()
        assert ember.zeros(1).new_empty_strided(size, stride).stride() == \
            torch.zeros(1).new_empty_strided(size, stride).stride()
    assert ember.zeros(1).new_empty_strided((2,), (1,), dtype=ember.int64).dtype is ember.int64
    for size, perm in [((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (0, 2, 3, 1)), ((3,), (0,))]:
        assert ember.empty_permuted(size, perm).stride() == torch.empty_permuted(size, perm).stride()
    for bad in (((2, 3), (0, 0)), ((2, 3), (0,))):
        with pytest.raises(RuntimeError):
            ember.empty_permuted(*bad)
        with pytest.raises(RuntimeError):
            torch.empty_permuted(*bad)


# -- process switches -------------------------------------------------------------------------------
def test_thread_settings():
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        try:
            from threadpoolctl import threadpool_info
        except ImportError:
            pass
        else:
            blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
            assert all(i["num_threads"] == 1 for i in blas)
    finally:
        ember.set_num_threads(old)
    for bad in (0, -1, 1.5):
        assert _outcome(lambda: ember.set_num_threads(bad)) is _outcome(lambda: torch.set_num_threads(bad))
    assert ember.get_num_interop_threads() >= 1 and ember.init_num_threads() is None


def test_deterministic_and_precision_switches():
    try:
        for args, kw in [((True,), {}), ((True,), {"warn_only": True}), ((False,), {})]:
            ember.use_deterministic_algorithms(*args, **kw)
            torch.use_deterministic_algorithms(*args, **kw)
            assert ember.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
            assert ember.is_deterministic_algorithms_warn_only_enabled() == \
                torch.is_deterministic_algorithms_warn_only_enabled()
            assert ember.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
        for mode in ("warn", "error", "default", 2, 1, 0, "bad", 3, 1.0):
            assert _outcome(lambda: ember.set_deterministic_debug_mode(mode)) == \
                _outcome(lambda: torch.set_deterministic_debug_mode(mode))
            assert ember.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
        assert _outcome(lambda: ember.use_deterministic_algorithms("x")) is TypeError
        for p in ("medium", "high", "highest"):
            ember.set_float32_matmul_precision(p)
            assert ember.get_float32_matmul_precision() == p
        with pytest.warns(UserWarning):
            ember.set_float32_matmul_precision("bad")
        assert ember.get_float32_matmul_precision() == "highest"
    finally:
        torch.use_deterministic_algorithms(False)
        ember.use_deterministic_algorithms(False)


def test_misc_switches_and_constants():
    assert ember.set_flush_denormal(False) is True and ember.set_flush_denormal(True) is False
    ember.set_warn_always(True)
    assert ember.is_warn_always_enabled()
    ember.set_warn_always(False)
    assert not ember.is_warn_always_enabled()
    assert str(ember.get_default_device()) == str(torch.get_default_device())
    ember.set_default_device("cpu")
    ember.set_default_device(None)
    with pytest.raises(RuntimeError):
        ember.set_default_device("cuda")
    assert ember.compiled_with_cxx11_abi() is True
    for k in ("has_lapack", "has_mkl", "has_openmp", "has_spectral"):
        assert type(getattr(ember, k)) is bool
    assert (ember.e, ember.pi, ember.inf, ember.newaxis) == (torch.e, torch.pi, torch.inf, torch.newaxis)
    assert math.isnan(ember.nan)
    for lib in (ember, torch):
        lib._assert(True, "x")
        with pytest.raises(AssertionError, match="boom"):
            lib._assert(False, "boom")
        with pytest.raises(AssertionError):
            lib._assert(lib.tensor(False), "t")
        for fn in (lib.is_complex, lib.get_device):
            with pytest.raises(TypeError):
                fn(1j)
    assert ember.get_device(ember.zeros(1)) == torch.get_device(torch.zeros(1))
    assert ember.is_complex(ember.zeros(1, dtype=ember.complex64)) and not ember.is_complex(ember.zeros(1))


def test_device_namespaces():
    assert ember.version.cuda is None and isinstance(ember.version.__version__, str)
    a, ta = ember.accelerator, torch.accelerator
    assert (a.is_available(), a.current_accelerator(), a.device_count()) == \
        (ta.is_available(), ta.current_accelerator(), ta.device_count())
    for fn in ("current_device_index", "synchronize"):
        assert _outcome(getattr(a, fn)) is _outcome(getattr(ta, fn)) is RuntimeError
    c, tc = ember.cpu, torch.cpu
    assert (c.is_available(), c.device_count(), c.current_device(), c.is_initialized(), c.synchronize()) == \
        (tc.is_available(), tc.device_count(), tc.current_device(), tc.is_initialized(), tc.synchronize())
    with c.stream(c.current_stream()) as s:
        assert isinstance(s, c.Stream)
    b, tb = ember.backends, torch.backends
    for mod in ("cudnn", "mps", "cuda"):
        assert getattr(b, mod).is_available() is False
    assert (b.cudnn.enabled, b.cudnn.benchmark, b.cudnn.deterministic) == \
        (tb.cudnn.enabled, tb.cudnn.benchmark, tb.cudnn.deterministic)
    assert b.cudnn.version() is None and b.mps.is_built() is False
    assert b.cuda.matmul.allow_tf32 == tb.cuda.matmul.allow_tf32
    assert b.openmp.is_available() in (True, False) and b.mkl.is_available() in (True, False)


# -- interop constructors -----------------------------------------------------------------------------
def test_frombuffer_matches_torch():
    raw = bytes(range(16))
    for kw in ({"dtype": "int32"}, {"dtype": "int16", "count": 3, "offset": 2}, {"dtype": "uint8", "offset": 15},
               {"dtype": "float32", "count": 5}, {"dtype": "int32", "offset": 16}, {"dtype": "float64", "offset": 4},
               {"dtype": "int32", "count": 0}):
        ekw = dict(kw, dtype=getattr(ember, kw["dtype"]))
        tkw = dict(kw, dtype=getattr(torch, kw["dtype"]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e = _outcome(lambda: ember.frombuffer(bytearray(raw), **ekw).tolist())
            t = _outcome(lambda: torch.frombuffer(bytearray(raw), **tkw).tolist())
        assert e == t, kw
    b = bytearray(8)
    x = ember.frombuffer(b, dtype=ember.int32)
    x[1] = 7
    assert b[4] == 7
    with pytest.raises(TypeError):
        ember.frombuffer(b)
    with pytest.raises(RuntimeError):
        ember.frombuffer(b, dtype=ember.int32, requires_grad=True)


def test_from_file(tmp_path):
    path = str(tmp_path / "w.bin")
    np.arange(4, dtype=np.float32).tofile(path)
    assert ember.from_file(path, size=4).tolist() == torch.from_file(path, size=4).tolist()
    assert ember.from_file(path, size=2, dtype=ember.float64).tolist() == \
        torch.from_file(path, size=2, dtype=torch.float64).tolist()
    assert ember.from_file(path).shape == torch.from_file(path).shape
    private = ember.from_file(path, shared=False, size=4)
    private[0] = 9.
    assert np.fromfile(path, np.float32)[0] == 0.
    shared = ember.from_file(path, shared=True, size=4)
    shared[0] = 5.
    del shared
    assert np.fromfile(path, np.float32)[0] == 5.
    for bad in (dict(size=10), dict(size=2, filename=str(tmp_path / "none.bin"))):
        kw = {"filename": path, **bad}
        assert _outcome(lambda: ember.from_file(**kw)) is _outcome(lambda: torch.from_file(**kw)) is RuntimeError


def test_dlpack_round_trips():
    a = np.arange(3.)
    e = ember.from_dlpack(a)
    e[0] = 5.
    assert a[0] == 5.
    t = torch.arange(4)
    e = ember.from_dlpack(t)
    assert e.tolist() == [0, 1, 2, 3] and e.dtype is ember.int64
    x = ember.arange(3.)
    assert torch.from_dlpack(x).tolist() == x.tolist() and np.from_dlpack(x).tolist() == x.tolist()
    assert ember.from_dlpack(ember.to_dlpack(x)).tolist() == x.tolist()
    assert torch.from_dlpack(ember.to_dlpack(x)).tolist() == x.tolist()
    assert ember.from_dlpack(torch.to_dlpack(torch.ones(2))).tolist() == [1., 1.]
    with pytest.raises(RuntimeError):
        ember.ones(1, requires_grad=True).__dlpack__()


# -- Size -------------------------------------------------------------------------------------------
def _size_cases(lib):
    S, x = lib.Size, lib.zeros(2, 3)
    return [lambda: x.shape == S([2, 3]), lambda: x.size(), lambda: S([2, 3])[1:], lambda: S([2, 3])[0],
            lambda: S([2, 3]) + (4,), lambda: (1,) + S([2]), lambda: S([2]) * 2, lambda: 2 * S([2]), lambda: S(),
            lambda: S([2, 3]).numel(), lambda: S([]).numel(), lambda: S([2.5]), lambda: S([lib.tensor(2)]),
            lambda: S(["a"]), lambda: hash(S([2])) == hash((2,)), lambda: S([2, 3]) == [2, 3],
            lambda: S([1, 2])[::-1], lambda: S([2]) + [3], lambda: S(iter([1, 2])), lambda: S(3),
            lambda: x.shape[1:], lambda: lib.zeros(S([2])).shape, lambda: S([True, 2]), lambda: S([np.int64(2)]),
            lambda: S([2]) + S([3]), lambda: S([2, 3]) * 0, lambda: str(S([2, 3]))]


def test_size_behaviour_matches_torch():
    def norm(r):
        return r if isinstance(r, type) else (type(r).__name__, repr(r))
    for i, (e, t) in enumerate(zip(_size_cases(ember), _size_cases(torch))):
        assert norm(_outcome(e)) == norm(_outcome(t)), i


# -- Tensor methods -----------------------------------------------------------------------------------
def test_apply_map_map2_match_torch():
    def run(lib):
        x = lib.arange(6.).reshape(2, 3)
        a = x.clone().apply_(lambda v: v * v + 1)
        b = x.clone().map_(lib.tensor([1., 2., 3.]), lambda p, q: p * q)
        c = x.clone().map2_(lib.ones(3), lib.tensor([[1.], [2.]]), lambda p, q, r: p + q * r)
        d = lib.tensor([1, 2]).apply_(lambda v: v * 2.7)
        return [a.tolist(), b.tolist(), c.tolist(), d.tolist()]
    assert run(ember) == run(torch)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.zeros(2, requires_grad=True).apply_(lambda v: v)
        with pytest.raises(RuntimeError):
            lib.zeros(2).map_(lib.zeros(2, requires_grad=True), lambda a, b: a)
        with pytest.raises(TypeError):
            lib.zeros(2).map_(lib.zeros(2, dtype=lib.int64), lambda a, b: a)
        with pytest.raises(RuntimeError):
            lib.zeros(2, 3).map_(lib.zeros(2), lambda a, b: a)
        with pytest.raises(TypeError):
            lib.zeros(2).apply_(lambda a: "x")


def test_as_subclass_keeps_the_graph():
    class Mine(ember.Tensor):
        pass
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).as_subclass(Mine)
    assert type(y) is Mine and y.requires_grad and not y.is_leaf
    y.sum().backward()
    assert x.grad.tolist() == [2., 2.]
    z = x.as_subclass(ember.Tensor)
    tz = torch.ones(2, requires_grad=True).as_subclass(torch.Tensor)
    assert (z.is_leaf, z.requires_grad) == (tz.is_leaf, tz.requires_grad)
    for lib in (ember, torch):
        with pytest.raises(TypeError):
            lib.ones(1).as_subclass(int)


def test_dim_order_matches_torch():
    def views(lib):
        return [lib.zeros(2, 3), lib.zeros(2, 3).t(), lib.zeros(2, 3, 4, 5).contiguous(memory_format=lib.channels_last),
                lib.zeros(2, 3).expand(4, 2, 3), lib.zeros(3, 1).expand(3, 4), lib.zeros(2, 3, 4).permute(2, 0, 1),
                lib.zeros(2, 1, 3).permute(1, 2, 0), lib.zeros(4, 2, 3)[:, :, 0],
                lib.zeros(3, 4).t()[None].expand(2, 4, 3),
                lib.zeros(())]
    for e, t in zip(views(ember), views(torch)):
        assert e.dim_order() == t.dim_order(), (t.shape, t.stride())
        assert _outcome(lambda: e.dim_order(ambiguity_check=True)) == \
            _outcome(lambda: t.dim_order(ambiguity_check=True))


def test_small_tensor_methods_match_torch():
    x, tx = ember.arange(3.), torch.arange(3.)
    for n in ("is_xpu", "is_mps", "is_ipu", "is_xla", "is_mtia", "is_maia", "is_vulkan", "is_mkldnn", "is_nested",
              "is_sparse_csr", "name"):
        assert getattr(x, n) == getattr(tx, n), n
    assert x.const_data_ptr() == x.data_ptr()
    assert x.to_dense() is x and x.to_dense(ember.int32).dtype is ember.int32
    assert x.grad_dtype == ember.float32 and str(tx.grad_dtype) == "torch.float32"
    x.grad_dtype = ember.float64
    assert x.grad_dtype is ember.float64
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="reinforce"):
            lib.zeros(1).reinforce(1)
        with pytest.warns(UserWarning, match="volatile"):
            assert lib.zeros(1).volatile is False
        with pytest.raises(RuntimeError):
            lib.zeros(1).record_stream(None)
    p, o = ember.zeros(2, requires_grad=True), ember.ones(2, requires_grad=True)
    with ember.no_grad():
        r = p.module_load(o)
        assert r.tolist() == [1., 1.] and not r.requires_grad and r.data_ptr() == p.data_ptr()
        r = p.module_load(o * 3, assign=True)
        assert r.tolist() == [3., 3.] and not r.requires_grad
    with pytest.raises(RuntimeError):
        ember.zeros(2, requires_grad=True).module_load(o)


def test_deprecated_resize_device_conversions_and_small_names():
    for lib in (ember, torch):
        x = lib.arange(6.)
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            y = x.resize(2, 3)
        assert y.shape == (2, 3) and y.data_ptr() == x.data_ptr()
        with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
            assert x.resize_as(lib.zeros(3, 2)).shape == (3, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError):
                x.resize(2, 2)
            assert str(x.chalf().dtype) == "torch.complex32"
        assert x.is_distributed() is False
        with pytest.raises(RuntimeError):
            x.ipu()
        for fn in ("xpu", "mtia"):
            with pytest.raises(AssertionError):
                getattr(x, fn)()
        assert lib.is_vulkan_available() is False and lib.TYPE_CHECKING is False
        assert issubclass(lib.OutOfMemoryError, RuntimeError) and issubclass(lib.AcceleratorError, RuntimeError)
        with pytest.raises(RuntimeError):
            lib.get_device_module("foo")
    assert ember.get_device_module() is ember.cpu and ember.get_device_module("cuda") is ember.cuda
    x = ember.arange(4., requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x.resize(2, 2) * 3).sum().backward()
    assert x.grad.tolist() == [3.] * 4


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
                                  "float8_e5m2fnuz", "float8_e8m0fnu", "complex32", "bfloat16"])
def test_new_dtypes_checkpoint_round_trip_with_torch(name):
    import io
    e = ember.tensor([1, 2, 4, 8], dtype=getattr(ember, name)).view(2, 2).t()
    buf = io.BytesIO()
    ember.save({"a": e}, buf)
    buf.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.load(buf)["a"]
        assert repr(t.dtype) == repr(e.dtype) and t.tolist() == e.tolist()
        buf2 = io.BytesIO()
        torch.save({"a": t}, buf2)
    buf2.seek(0)
    back = ember.load(buf2)["a"]
    assert back.dtype is e.dtype and back.tolist() == e.tolist() and back.stride() == tuple(t.stride())
    # strided views of the awkward ml_dtypes types (NumPy cannot read their array interface back)
    fresh = ember.tensor([1, 2, 4, 8], dtype=e.dtype)
    assert fresh.as_strided((2,), (3,)).tolist() == fresh[::3].tolist()
    assert fresh.view(2, 2).t().contiguous().tolist() == e.tolist()
