"""torch.cond / while_loop run eagerly, the sym_* helpers, binomial, get_device_module, the
top-level exceptions and override switches: parity with PyTorch."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def test_cond_and_while_loop_match_torch():
    for lib in (torch, ember):
        x = lib.ones(2)
        assert lib.cond(lib.tensor(True), lambda a: a + 1, lambda a: a - 1, (x,)).tolist() == [2.0, 2.0]
        assert lib.cond(0, lambda a: a + 1, lambda a: a - 1, [x]).tolist() == [0.0, 0.0]
        i, y = lib.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * 2), (lib.tensor(0), x))
        assert int(i) == 3 and y.tolist() == [8.0, 8.0]
    for bad in (lambda L: L.ones(2), lambda L: "a"):
        with pytest.raises(RuntimeError) as t:
            torch.cond(bad(torch), lambda: 1, lambda: 2)
        with pytest.raises(RuntimeError) as e:
            ember.cond(bad(ember), lambda: 1, lambda: 2)
        assert str(e.value) == str(t.value).replace("torch", "torch")


@pytest.mark.parametrize("name,args", [
    ("sym_int", (2.7,)), ("sym_int", (-2.7,)), ("sym_float", (3,)), ("sym_max", (1, 2.0)),
    ("sym_max", (3, 2)), ("sym_min", (1, 2.0)), ("sym_min", (5, 4)), ("sym_not", (True,)),
    ("sym_sqrt", (4,)), ("sym_sum", ([1, 2, 3],)), ("sym_ite", (False, 1, 2)),
])
def test_sym_helpers_match_torch(name, args):
    want, got = getattr(torch, name)(*args), getattr(ember, name)(*args)
    assert got == want and type(got) is type(want)


def test_binomial():
    g = ember.Generator().manual_seed(0)
    c, p = ember.full((20000,), 10.0), ember.full((20000,), 0.3)
    x = ember.binomial(c, p, generator=g)
    assert x.dtype == ember.float32 and abs(x.mean().item() - 3.0) < 0.05
    assert ember.binomial(ember.tensor([7.0]), ember.tensor([1.0])).tolist() == [7.0]
    assert ember.binomial(ember.tensor([7.0], dtype=ember.float64), ember.tensor([0.0], dtype=ember.float64)).dtype == ember.float64
    with pytest.raises(ValueError) as t:
        torch.binomial(torch.tensor([10]), torch.tensor([0.5]))
    with pytest.raises(ValueError) as e:
        ember.binomial(ember.tensor([10]), ember.tensor([0.5]))
    assert str(e.value) == str(t.value)


def test_device_modules_and_exceptions():
    assert ember.get_device_module().__name__ == "ember.cpu"
    assert ember.get_device_module(ember.device("cpu")) is ember.cpu
    assert ember.get_device_module("cuda:0") is ember.cuda
    with pytest.raises(RuntimeError) as t:
        torch.get_device_module("foo")
    with pytest.raises(RuntimeError) as e:
        ember.get_device_module("foo")
    assert str(e.value) == str(t.value)
    assert issubclass(ember.OutOfMemoryError, RuntimeError) and not issubclass(ember.FatalError, RuntimeError)
    assert ember.random.thread_safe_generator() is None is torch.random.thread_safe_generator()


def test_disable_torch_function_stops_overrides():
    class T:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return "T"
    assert ember.overrides.has_torch_function((T(),))
    with ember.DisableTorchFunctionSubclass():
        assert not ember.overrides.has_torch_function((T(),))
    with ember.DisableTorchFunction():
        assert not ember.overrides.has_torch_function((T(),))
    assert ember.overrides.has_torch_function((T(),))


def test_top_level_aliases():
    x = np.random.default_rng(0).standard_normal((2, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(ember.rms_norm(ember.tensor(x), [3]).numpy(),
                               torch.rms_norm(torch.tensor(x), [3]).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ember.channel_shuffle(ember.tensor(x[None]), 2).numpy(),
                                  torch.channel_shuffle(torch.tensor(x[None]), 2).numpy())
    assert ember.GradScaler is ember.amp.GradScaler


@pytest.mark.parametrize("make,args,kw", [
    (lambda L: L.arange(6.).reshape(2, 3), (), {}),
    (lambda L: L.arange(6.).reshape(2, 3), (1,), {}),
    (lambda L: L.arange(6.).reshape(2, 3), ([0],), {"keepdim": True}),
    (lambda L: L.arange(6).reshape(2, 3), (0,), {}),
    (lambda L: L.tensor([True, False]), (), {}),
    (lambda L: L.tensor([1.5], dtype=L.float16), (), {}),
    (lambda L: L.tensor([-1], dtype=L.int8), (), {}),
    (lambda L: L.zeros(0), (), {}),
    (lambda L: L.ones(2), (), {"mode": 1}),
])
def test_hash_tensor_matches_torch(make, args, kw):
    try:
        want = torch.hash_tensor(make(torch), *args, **kw)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            ember.hash_tensor(make(ember), *args, **kw)
        assert str(got.value) == str(e)
        return
    got = ember.hash_tensor(make(ember), *args, **kw)
    assert str(got.dtype) == str(want.dtype) and got.tolist() == want.tolist()
    assert make(ember).hash_tensor(*args, **kw).tolist() == want.tolist()


def test_backend_flag_modules_and_aliases_match_torch():
    for name in ("opt_einsum", "nnpack", "cusparselt", "kleidiai", "miopen"):
        assert hasattr(ember.backends, name)
    assert ember.backends.opt_einsum.enabled is True and ember.backends.opt_einsum.strategy == "auto"
    assert ember.backends.cusparselt.is_available() is torch.backends.cusparselt.is_available() is False
    assert ember.backends.cusparselt.version() is None
    assert ember.backends.kleidiai.is_available() is False
    assert repr(ember.bit) == repr(torch.bit)
    assert isinstance(ember.ones(2).untyped_storage(), ember.StorageBase)
    assert isinstance(torch.ones(2).untyped_storage(), torch.StorageBase)
    assert ember.ScriptModule is ember.jit.ScriptModule
