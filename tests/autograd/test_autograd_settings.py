"""autograd engine switches, profiler enums, NestedIOFunction and torch.overrides helpers vs torch."""
import pytest

import ember

torch = pytest.importorskip("torch")


def test_flags_match_torch_defaults_and_nest():
    for L in (ember, torch):
        A = L.autograd
        assert A.is_multithreading_enabled() is True and A.is_view_replay_enabled() is False
        with A.set_multithreading_enabled(False):
            assert A.is_multithreading_enabled() is False
            with A.set_multithreading_enabled(True):
                assert A.is_multithreading_enabled() is True
            assert A.is_multithreading_enabled() is False
        assert A.is_multithreading_enabled() is True
        with A.enforce_grad_layout_policy(False):
            x = L.ones(2, requires_grad=True)
            (x * 2).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("name", ["DeviceType", "ProfilerActivity", "ProfilerState"])
def test_enums_match_torch(name):
    e = {k: int(v) for k, v in getattr(ember.autograd, name).__members__.items()}
    t = {k: int(v) for k, v in getattr(torch.autograd, name).__members__.items()}
    assert e == t


def test_nested_io_function_and_overrides():
    assert issubclass(ember.autograd.NestedIOFunction, ember.autograd.Function)
    with pytest.raises(NotImplementedError):
        ember.autograd.NestedIOFunction.forward_extended(None)
    assert ember.autograd.kineto_available() in (True, False)

    class Logged:
        calls = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.calls.append(func.__name__)
            return "handled"

    class Refuses:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented

    for L in (ember, torch):
        A = L.autograd
        assert A.is_tensor_like(L.ones(1)) and not A.is_tensor_like(1) and A.is_tensor_like(Logged())
        assert not A.has_torch_function((L.ones(1), 1)) and A.has_torch_function((Logged(),))

        def api(x, y=None):
            if A.has_torch_function((x,)):
                return A.handle_torch_function(api, (x,), x, y=y)
            return "plain"
        assert api(L.ones(1)) == "plain" and api(Logged()) == "handled"
        with pytest.raises(TypeError, match="no implementation found"):
            api(Refuses())
