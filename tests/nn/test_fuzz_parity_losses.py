"""Parity with PyTorch on loss edge cases found by differential fuzzing: dtype rules and errors
for integer / mixed-precision inputs, NaN probabilities, and the deprecation warnings."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF

torch = pytest.importorskip("torch")
TF = torch.nn.functional

PAIRS = [("float32", "float64"), ("float64", "float32"), ("float32", "int64"), ("int64", "int64"),
         ("int64", "float32")]
LOSSES = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss", "l1_loss", "huber_loss",
          "smooth_l1_loss", "kl_div", "soft_margin_loss", "hinge_embedding_loss"]


def _run(lib, name, a, b):
    F = lib.nn.functional
    x = lib.tensor([0.2, 0.5, 0.9]).to(getattr(lib, a))
    y = lib.tensor([0.0, 1.0, 1.0]).to(getattr(lib, b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(F, name)(x, y)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("a,b", PAIRS)
def test_loss_dtypes_and_errors(name, a, b):
    try:
        t = _run(torch, name, a, b)
    except Exception as exc:
        with pytest.raises(type(exc)) as ee:
            _run(ember, name, a, b)
        assert str(ee.value) == str(exc)
        return
    e = _run(ember, name, a, b)
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)


def test_bce_rejects_nan_input():
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        TF.binary_cross_entropy(torch.tensor([float("nan")]), torch.tensor([1.0]))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        EF.binary_cross_entropy(ember.tensor([float("nan")]), ember.tensor([1.0]))


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
def test_class_weight_dtype_must_match(fn):
    x = np.random.default_rng(0).standard_normal((3, 4))
    for xd, wd in (("float64", "float32"), ("float32", "float64")):
        with pytest.raises(RuntimeError) as te:
            getattr(TF, fn)(torch.tensor(x).to(getattr(torch, xd)), torch.tensor([0, 1, 2]),
                            weight=torch.ones(4, dtype=getattr(torch, wd)))
        with pytest.raises(RuntimeError) as ee:
            getattr(EF, fn)(ember.tensor(x).to(getattr(ember, xd)), ember.tensor([0, 1, 2]),
                            weight=ember.ones(4, dtype=getattr(ember, wd)))
        assert str(ee.value) == str(te.value)


def _messages(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [str(m.message) for m in w]


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.cross_entropy(lib.zeros(2, 3), lib.tensor([0, 1]), size_average=False),
    lambda lib: lib.nn.functional.mse_loss(lib.zeros(2), lib.ones(2), reduce=False),
    lambda lib: lib.nn.MSELoss(size_average=False, reduce=True),
    lambda lib: lib.nn.functional.kl_div(lib.zeros(2, 3), lib.ones(2, 3) / 3),
    lambda lib: lib.nn.KLDivLoss()(lib.zeros(2, 3), lib.ones(2, 3) / 3),
])
def test_loss_deprecation_warnings(call):
    assert _messages(lambda: call(ember)) == _messages(lambda: call(torch))


@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_elementwise_weight(name, reduction):
    rng = np.random.default_rng(0)
    x, y, w = (rng.standard_normal((3, 4)) * 2 for _ in range(3))
    w = np.abs(w)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    t = getattr(TF, name)(tx, torch.tensor(y), reduction=reduction, weight=torch.tensor(w))
    e = getattr(EF, name)(ex, ember.tensor(y), reduction=reduction, weight=ember.tensor(w))
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-10)
    t.sum().backward(), e.sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "huber_loss"])
def test_elementwise_weight_errors(name):
    for kw in ({"weight": [1.0, 2.0, 3.0]}, {"weight": [[1.0] * 3] * 2, "reduction": "avg"}):
        msgs = []
        for lib in (torch, ember):
            k = dict(kw, weight=lib.tensor(kw["weight"]))
            with pytest.raises(ValueError) as e:
                getattr(lib.nn.functional, name)(lib.ones(2, 3), lib.zeros(2, 3), **k)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.nll_loss(lib.zeros(4, 3), lib.tensor([0, 1, 2, 1]), reduction="avg"),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.zeros(4, 3), lib.zeros(4, 3), lib.ones(4, 3),
                                                    reduction="avg"),
    lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.zeros(4, 3), lib.ones(4, 3), reduction="avg"),
    lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.zeros(4, 3), lib.ones(4, 3),
                                                                   pos_weight=lib.ones(2)),
])
def test_loss_argument_errors(call):
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(type(te.value)) as ee:
        call(ember)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("var_shape", [(2, 4, 3), (2, 4), (2, 1, 3), (2, 4, 1), (1, 4, 3), (2, 1, 1), (4, 3)])
def test_gaussian_nll_var_shapes(var_shape):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3))
    v = np.abs(rng.standard_normal(var_shape)) + 0.1

    def run(lib):
        tx, tv = lib.tensor(x, requires_grad=True), lib.tensor(v, requires_grad=True)
        try:
            out = lib.nn.functional.gaussian_nll_loss(tx, lib.tensor(y), tv)
        except ValueError as e:
            return str(e)
        out.backward()
        return out.item(), tx.grad.numpy(), tv.grad.numpy()
    t, e = run(torch), run(ember)
    if isinstance(t, str):
        assert e == t
    else:
        for a, b in zip(e, t):
            np.testing.assert_allclose(a, b, rtol=1e-10)


def test_gaussian_nll_float_var_and_soft_margin_target_grad():
    x = np.random.default_rng(1).standard_normal((3, 2))
    t = TF.gaussian_nll_loss(torch.tensor(x), torch.zeros(3, 2, dtype=torch.float64), 0.5)
    e = EF.gaussian_nll_loss(ember.tensor(x), ember.zeros(3, 2, dtype=ember.float64), 0.5)
    assert e.item() == pytest.approx(t.item(), rel=1e-12)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
        EF.soft_margin_loss(ember.tensor(x), ember.tensor(np.sign(x), requires_grad=True))
    with ember.no_grad():
        EF.soft_margin_loss(ember.tensor(x), ember.tensor(np.sign(x), requires_grad=True))


@pytest.mark.parametrize("ignore_index", [-100, -1, 0, 2])
def test_cross_entropy_probabilities_refuse_ignore_index(ignore_index):
    x, p = np.zeros((3, 4), np.float32), np.full((3, 4), 0.25, np.float32)
    outs = []
    for lib in (torch, ember):
        try:
            outs.append(round(lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(p),
                                                              ignore_index=ignore_index).item(), 5))
        except RuntimeError as e:
            outs.append(str(e))
    assert outs[0] == outs[1]


@pytest.mark.parametrize("fn", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_unbatched_input_with_one_element_target(fn, reduction):
    x = np.random.default_rng(0).standard_normal(3).astype(np.float32)
    with torch.no_grad():          # (PyTorch's backward refuses this case; its forward takes it)
        t = getattr(TF, fn)(torch.tensor(x), torch.tensor([1]), reduction=reduction)
    e = getattr(EF, fn)(ember.tensor(x), ember.tensor([1]), reduction=reduction)
    assert tuple(e.shape) == tuple(t.shape)
    assert e.item() == pytest.approx(t.item(), rel=1e-6)
    with pytest.raises(ValueError) as te:
        getattr(TF, fn)(torch.tensor(x), torch.tensor([1, 2]))
    with pytest.raises(ValueError) as ee:
        getattr(EF, fn)(ember.tensor(x), ember.tensor([1, 2]))
    assert str(ee.value) == str(te.value)
