"""torch.overrides registry functions: shapes of the answers as torch's, and dispatch works."""
import inspect

import pytest

import ember
import ember.overrides as eo

torch = pytest.importorskip("torch")
import torch.overrides as to  # noqa: E402


def test_ignored_and_overridable_agree_with_torch_on_common_functions():
    tig = {getattr(f, "__name__", None) for f in to.get_ignored_functions()
           if getattr(torch, getattr(f, "__name__", ""), None) is f}
    eig = eo.get_ignored_functions()
    for name in ("zeros", "ones", "tensor", "arange", "manual_seed", "is_tensor", "randn"):
        assert name in tig and getattr(ember, name) in eig
    eov = eo.get_overridable_functions()
    tov = to.get_overridable_functions()
    for name in ("add", "matmul", "sum", "cat", "where", "softmax"):
        assert getattr(torch, name) in tov[torch] and getattr(ember, name) in eov[ember]
    assert ember.nn.functional.relu in eov[ember.nn.functional]
    assert ember.linalg.norm in eov[ember.linalg]
    assert not (set(eig) & {f for fs in eov.values() for f in fs})


@pytest.mark.parametrize("name", ["add", "matmul", "sum", "cat", "clamp"])
def test_testing_overrides_have_signatures(name):
    e, t = eo.get_testing_overrides(), to.get_testing_overrides()
    ef, tf = e[getattr(ember, name)], t[getattr(torch, name)]
    assert ef(*([None] * 2)) == tf(*([None] * 2)) == -1
    assert list(inspect.signature(ef).parameters)[:2] == list(inspect.signature(tf).parameters)[:2]


def test_resolve_name_and_tensor_methods():
    for (e, t) in ((ember.add, torch.add), (ember.nn.functional.relu, torch.nn.functional.relu),
                   (ember.Tensor.shape.__get__, torch.Tensor.shape.__get__),
                   (ember.linalg.norm, torch.linalg.norm), (len, len)):
        assert eo.resolve_name(e) == to.resolve_name(t)
    for (e, t) in ((ember.Tensor.add, torch.Tensor.add), (ember.Tensor.shape.__get__, torch.Tensor.shape.__get__),
                   (ember.nn.functional.relu, torch.nn.functional.relu), (len, len)):
        assert eo.is_tensor_method_or_property(e) == to.is_tensor_method_or_property(t)


def test_wrap_torch_function_dispatches_like_torch():
    res = []
    for lib, ov in ((ember, eo), (torch, to)):
        class Wrapper:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return ("wrapped", func.__name__, len(args))

        @ov.wrap_torch_function(lambda a, b=None: (a, b))
        def f(a, b=None):
            "doc"
            return "plain"
        res.append((f(lib.ones(1)), f(Wrapper()), f(1, Wrapper()), f.__name__, f.__doc__))
    assert res[0] == res[1]
