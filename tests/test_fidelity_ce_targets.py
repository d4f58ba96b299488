"""cross_entropy / nll_loss target dtypes: torch 2.13 accepts int64 and uint8 class indices only, and promotes
class-probability targets with the logits (float16, bfloat16 included)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

X = [[0.1, 0.2, 0.3], [0.3, -1.0, 2.0]]


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("dt", ["int8", "int16", "int32", "uint8", "bool", "int64", "float32"])
def test_class_index_target_dtypes(fn, dt):
    res = []
    for m in (torch, ember):
        x = m.tensor(X, requires_grad=True)
        t = m.tensor([0, 1]).to(getattr(m, dt))
        try:
            out = getattr(m.nn.functional, fn)(x, t)
        except RuntimeError as e:
            res.append(("err", str(e)))
            continue
        out.backward()
        res.append((float(out), x.grad.numpy().tolist()))
    if res[0][0] == "err" or res[1][0] == "err":
        assert res[0] == res[1]
    else:
        np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-6)
        np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-6)


@pytest.mark.parametrize("xd,td", [("float16", "float16"), ("bfloat16", "bfloat16"), ("float32", "float16"),
                                   ("float32", "bfloat16"), ("float16", "float32"), ("float64", "float32"),
                                   ("bfloat16", "float16")])
def test_probability_targets_low_precision(xd, td):
    res = []
    for m in (torch, ember):
        x = m.tensor(X).to(getattr(m, xd)).requires_grad_()
        t = m.tensor([[0.2, 0.3, 0.5], [1.0, 0, 0]]).to(getattr(m, td))
        out = m.nn.functional.cross_entropy(x, t, label_smoothing=0.1)
        out.backward()
        res.append((str(out.dtype), float(out), str(x.grad.dtype), x.grad.float().numpy()))
    assert res[0][0] == res[1][0] and res[0][2] == res[1][2]
    tol = 1e-2 if "16" in xd + td else 1e-6
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=tol)
    np.testing.assert_allclose(res[1][3], res[0][3], rtol=tol, atol=tol)


@pytest.mark.parametrize("shape,dt", [((2, 3), "int64"), ((2, 3), "int32"), ((2, 4), "float32"), ((3, 3), "float32"),
                                      ((2,), "float32"), ((3,), "int64"), ((2, 3, 1), "float32")])
def test_target_shape_dtype_errors(shape, dt):
    errs = []
    for m in (torch, ember):
        with pytest.raises((RuntimeError, ValueError)) as e:
            m.nn.functional.cross_entropy(m.zeros(2, 3), m.zeros(*shape).to(getattr(m, dt)))
        errs.append((type(e.value), str(e.value)))
    assert errs[0] == errs[1]


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("xs,ts", [((2, 3, 4), (2, 5)), ((2, 3, 4), (3, 4)), ((2, 3, 4), (2, 4, 1)),
                                   ((2, 3), (2, 3, 1)), ((2, 3, 4), (2,)), ((2, 3), ()), ((2, 3, 4), ())])
def test_index_target_shape_errors(fn, xs, ts):
    errs = []
    for m in (torch, ember):
        with pytest.raises((RuntimeError, ValueError)) as e:
            getattr(m.nn.functional, fn)(m.zeros(*xs), m.zeros(ts, dtype=m.int64))
        errs.append((type(e.value), str(e.value)))
    assert errs[0] == errs[1]
