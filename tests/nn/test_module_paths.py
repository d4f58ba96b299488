"""Every ``torch.nn.modules.X`` submodule imports as ``ember.nn.modules.X`` and holds the same
public classes (the very objects ``ember.nn`` exports), plus ``nn.parameter``, ``nn.common_types``
and the ``nn.utils`` submodules."""
import importlib
import inspect
import pkgutil

import pytest

import ember

torch = pytest.importorskip("torch")
import torch.nn.modules as TM  # noqa: E402

# layers not built yet; when one lands in ember.nn it must also be at its path
PENDING = set()
PENDING_MODULES = {"linear_cross_entropy"}  # only PyTorch's private chunked-kernel helpers
SUBMODULES = sorted(m.name for m in pkgutil.iter_modules(TM.__path__) if not m.name.startswith("_"))


def _public_classes(mod):
    names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
    return [n for n in names if inspect.isclass(getattr(mod, n, None))]


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodule_holds_torchs_public_classes(name):
    if name in PENDING_MODULES:
        pytest.skip(f"torch.nn.modules.{name} is not built in ember")
    tmod = importlib.import_module(f"torch.nn.modules.{name}")
    emod = importlib.import_module(f"ember.nn.modules.{name}")
    assert getattr(ember.nn.modules, name) is emod
    missing = []
    for cls in _public_classes(tmod):
        if hasattr(emod, cls):
            if hasattr(ember.nn, cls):
                assert getattr(emod, cls) is getattr(ember.nn, cls), f"{name}.{cls} is another object"
        elif hasattr(ember.nn, cls) or cls not in PENDING:
            missing.append(cls)
    assert not missing, f"ember.nn.modules.{name} lacks {missing}"


@pytest.mark.parametrize("path", ["pixelshuffle.PixelShuffle", "batchnorm._BatchNorm", "batchnorm._NormBase",
                                  "conv._ConvNd", "conv._ConvTransposeNd", "module.Module", "utils._pair",
                                  "utils._single", "utils._triple", "utils._quadruple", "utils._ntuple",
                                  "utils._reverse_repeat_tuple", "utils._list_with_default",
                                  "dropout._DropoutNd", "instancenorm._InstanceNorm", "lazy.LazyModuleMixin",
                                  "pooling._MaxPoolNd", "pooling._AvgPoolNd", "loss._Loss", "loss._WeightedLoss",
                                  "adaptive._ASMoutput", "batchnorm._LazyNormBase", "conv._LazyConvXdMixin",
                                  "linear.NonDynamicallyQuantizableLinear", "linear.Bilinear",
                                  "activation.MultiheadAttention", "container.Container"])
def test_private_and_moved_names(path):
    mod, name = path.split(".")
    assert hasattr(importlib.import_module(f"torch.nn.modules.{mod}"), name)
    assert hasattr(importlib.import_module(f"ember.nn.modules.{mod}"), name)


def test_isinstance_through_paths():
    assert isinstance(ember.nn.BatchNorm2d(2), ember.nn.modules.batchnorm._BatchNorm)
    assert isinstance(ember.nn.LazyBatchNorm2d(), ember.nn.modules.batchnorm._BatchNorm)
    assert isinstance(ember.nn.Conv2d(1, 1, 1), ember.nn.modules.conv._ConvNd)
    assert isinstance(ember.nn.LazyConv2d(1, 1), ember.nn.modules.lazy.LazyModuleMixin)


def test_utils_helpers_match_torch():
    from torch.nn.modules import utils as TU
    from ember.nn.modules import utils as EU
    for args in [((1, 2), 2), ((3,), 3), ((), 1)]:
        assert EU._reverse_repeat_tuple(*args) == TU._reverse_repeat_tuple(*args)
    for f in ("_single", "_pair", "_triple", "_quadruple"):
        for x in (3, (1, 2), [4, 5, 6]):
            assert getattr(EU, f)(x) == getattr(TU, f)(x)
    assert EU._list_with_default([None, 3], [1, 5, 7]) == TU._list_with_default([None, 3], [1, 5, 7])
    assert EU._list_with_default(4, [1, 2]) == 4
    with pytest.raises(ValueError):
        EU._list_with_default([1, 2, 3], [4, 5])
    for make in (dict, lambda d: __import__("collections").OrderedDict(d)):
        te, ee = make({"module.w": 1, "b": 2, "module.x.y": 3}), make({"module.w": 1, "b": 2, "module.x.y": 3})
        TU.consume_prefix_in_state_dict_if_present(te, "module.")
        EU.consume_prefix_in_state_dict_if_present(ee, "module.")
        assert list(te.items()) == list(ee.items())


@pytest.mark.parametrize("path", ["nn.parameter", "nn.common_types", "nn.utils.rnn", "nn.utils.clip_grad",
                                  "nn.utils.fusion", "nn.utils.parametrize", "nn.utils.parametrizations",
                                  "nn.utils.stateless", "nn.utils.weight_norm", "nn.utils.spectral_norm",
                                  "nn.utils.init", "nn.utils.memory_format"])
def test_other_nn_paths(path):
    tmod = importlib.import_module(f"torch.{path}")
    emod = importlib.import_module(f"ember.{path}")
    names = [n for n in getattr(tmod, "__all__", []) if n not in PENDING]
    missing = [n for n in names if not hasattr(emod, n)]
    assert not missing, f"ember.{path} lacks {missing}"


def test_common_types_and_factory_kwargs():
    from torch.nn import common_types as TC
    from ember.nn import common_types as EC
    for n in [n for n in dir(TC) if n.startswith("_") and n.endswith("_t")]:
        assert str(getattr(EC, n)).replace("ember._tensor", "torch").replace("ember.Tensor", "torch.Tensor") == str(getattr(TC, n)), n
    for kw in (None, {}, {"device": "cpu", "dtype": None}, {"factory_kwargs": {"device": "cpu"}, "dtype": None}):
        assert ember.nn.factory_kwargs(kw) == torch.nn.factory_kwargs(kw)
    for bad in ({"foo": 1}, {"dtype": 1, "factory_kwargs": {"dtype": 2}}):
        with pytest.raises(TypeError):
            torch.nn.factory_kwargs(bad)
        with pytest.raises(TypeError):
            ember.nn.factory_kwargs(bad)


def test_container_warns_and_registers():
    with pytest.warns(FutureWarning):
        c = ember.nn.Container(a=ember.nn.Linear(1, 1))
    assert [n for n, _ in c.named_children()] == ["a"]
