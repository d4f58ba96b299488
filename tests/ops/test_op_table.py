"""Generic tests driven by the op table (ember/testing/op_table.py): every entry's forward
against its NumPy reference, output dtypes against PyTorch's, gradients and second
derivatives against central differences in float64, error inputs, in-place variants and
aliases."""
import numpy as np
import pytest

import ember
from ember.testing import assert_close
from ember.testing import op_table as T

_TORCH_DT = {}


def _samples(info, dtype):
    return info.sample_inputs(dtype)


@pytest.mark.parametrize("info", T.params("forward"))
def test_forward_matches_reference(info):
    if info.ref is None:
        pytest.skip("no NumPy reference")
    n = 0
    for dtype in info.dtypes:
        for s in _samples(info, dtype):
            out, _ = info.run(ember, s)
            got = [np.asarray(o._data) if isinstance(o, ember.Tensor) else np.asarray(o)
                   for o in T.outputs(out)]
            with T.quiet():
                exp = T.ref_outputs(info.reference(s))
            assert len(got) == len(exp), f"{info.name}{s!r}: {len(got)} outputs, reference {len(exp)}"
            for g, e in zip(got, exp):
                rtol, atol = T.forward_tol(info, dtype, g.dtype)
                assert_close(g, e, rtol=rtol, atol=atol, equal_nan=True, check_dtype=False,
                             msg=lambda m: f"{info.name}[{dtype}]{s!r} vs NumPy:\n{m}")
            n += 1
    assert n


@pytest.mark.parametrize("info", T.params("dtype"))
def test_output_dtype_and_shape_match_torch(info):
    torch = pytest.importorskip("torch")
    for dtype in info.dtypes:
        for s in _samples(info, dtype):
            out, _ = info.run(ember, s)
            tout, _ = info.run(torch, s)
            eo, to = T.outputs(out), T.outputs(tout)
            assert len(eo) == len(to)
            for e, t in zip(eo, to):
                if not isinstance(t, torch.Tensor):
                    assert type(e) is type(t), f"{info.name}[{dtype}]{s!r}: {type(e)}, torch {type(t)}"
                    continue
                assert repr(e.dtype) == str(t.dtype), f"{info.name}[{dtype}]{s!r}: dtype {e.dtype}, torch {t.dtype}"
                assert tuple(e.shape) == tuple(t.shape), \
                    f"{info.name}[{dtype}]{s!r}: shape {tuple(e.shape)}, torch {tuple(t.shape)}"


def _grad_ops():
    return [o for o in T.OPS if o.grad and "float64" in o.dtypes]


@pytest.mark.parametrize("info", T.params("grad", _grad_ops()))
def test_gradient_vs_finite_differences(info):
    rng = np.random.default_rng(0)
    checked = 0
    for s in _samples(info, "float64"):
        checked += T.check_grad(info, s, rng, rtol=info.grad_tol[0] * 100, atol=info.grad_tol[1] / 10)
    assert checked, "no sample had differentiable inputs"


@pytest.mark.parametrize("info", T.params("gradgrad", [o for o in _grad_ops() if o.gradgrad]))
def test_second_derivative_vs_finite_differences(info):
    rng = np.random.default_rng(1)
    for s in _samples(info, "float64"):
        T.check_grad(info, s, rng, second=True, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("info", T.params("errors", [o for o in T.OPS if o.errors]))
def test_error_inputs_raise(info):
    for e in info.error_inputs():
        with pytest.raises(e.exc, match=e.match):
            info.run(ember, e.sample)


@pytest.mark.parametrize("info", T.params("inplace", [o for o in T.OPS if o.inplace]))
def test_inplace_matches_out_of_place(info):
    assert hasattr(ember.Tensor, info.inplace), f"the table names Tensor.{info.inplace}, which ember lacks"
    n = 0
    for dtype in info.dtypes:
        for s in _samples(info, dtype):
            if not s.args or not isinstance(s.args[0], np.ndarray):
                continue
            out, _ = info.run(ember, s)
            if not isinstance(out, ember.Tensor) or tuple(out.shape) != s.args[0].shape \
                    or out._data.dtype != s.args[0].dtype:
                continue
            x = T._convert(ember, s.args[0], False, [])  # keeps a non-contiguous layout
            rest = T.Sample(s.args[1:], s.kwargs)
            r, _ = T.OpInfo("_", call=lambda lib, *a, **k: getattr(x, info.inplace)(*a, **k)).run(ember, rest)
            assert r is x, f"{info.inplace} must return self"
            assert_close(x, out, equal_nan=True, msg=lambda m: f"{info.inplace}[{dtype}]{s!r}:\n{m}")
            n += 1
    assert n, "no sample had an output of the input's shape and dtype"


def _alias_cases():
    cases = []
    for o in T.OPS:
        for a in o.aliases:
            cases.append(pytest.param(o, a, id=f"{o.name}-{a}", marks=T.xfail_marks(o, "alias")))
    return cases


@pytest.mark.parametrize("info,alias", _alias_cases())
def test_alias_same_result(info, alias):
    for s in _samples(info, info.dtypes[0])[:4]:
        out, _ = info.run(ember, s)
        fn = getattr(ember, alias, None)
        args, _ = T.OpInfo("_", call=lambda lib, *a, **k: (a, k)).run(ember, s)
        a, k = args
        got = fn(*a, **k) if fn is not None else getattr(a[0], alias)(*a[1:], **k)
        assert_close(got, out, equal_nan=True)


def _method_cases():
    return [o for o in T.OPS if o.method and getattr(o.call, "__name__", "") == "call"
            and getattr(o.call, "__qualname__", "").startswith("_default_call")
            and o.name in T.OPS_BY_NAME and hasattr(ember.Tensor, o.needs[0])
            and hasattr(ember, o.needs[0])]


@pytest.mark.parametrize("info", T.params("method", _method_cases()))
def test_method_variant_same_result(info):
    name = info.needs[0]
    for s in _samples(info, info.dtypes[0])[:4]:
        if not s.args or not isinstance(s.args[0], np.ndarray):
            continue
        out, _ = info.run(ember, s)
        args, _ = T.OpInfo("_", call=lambda lib, *a, **k: (a, k)).run(ember, s)
        a, k = args
        assert_close(getattr(a[0], name)(*a[1:], **k), out, equal_nan=True)


def test_table_is_not_empty_and_names_unique():
    assert len(T.OPS) >= 50
    assert len({o.name for o in T.OPS}) == len(T.OPS)


@pytest.mark.parametrize("info", T.params("inplace_grad", [o for o in T.OPS if o.inplace and o.grad
                                                            and "float64" in o.dtypes]))
def test_inplace_gradient_matches_out_of_place(info):
    """Gradients through ``y = x * 1; y.op_(...)`` equal those through the out-of-place op."""
    assert hasattr(ember.Tensor, info.inplace), f"the table names Tensor.{info.inplace}, which ember lacks"
    rng = np.random.default_rng(0)
    n = 0
    for s in _samples(info, "float64"):
        if not s.args or not isinstance(s.args[0], np.ndarray):
            continue
        out, leaves = info.run(ember, s, requires_grad=True)
        if not isinstance(out, ember.Tensor) or tuple(out.shape) != s.args[0].shape \
                or out._data.dtype != s.args[0].dtype or not out.requires_grad or not leaves:
            continue
        v = ember.tensor(rng.standard_normal(s.args[0].shape))
        expected = ember.autograd.grad(out, leaves, v, allow_unused=True)

        def inplace_call(lib, x, *a, **k):
            y = x * 1.0
            getattr(y, info.inplace)(*a, **k)
            return y
        y, leaves2 = T.OpInfo("_", call=inplace_call, grad_args=info.grad_args).run(ember, s, requires_grad=True)
        got = ember.autograd.grad(y, leaves2, v, allow_unused=True)
        for i, (g, e) in enumerate(zip(got, expected)):
            assert (g is None) == (e is None) or not np.any(np.asarray((g if g is not None else e)._data)), \
                f"{info.inplace}{s!r}: input {i} gradient {'missing' if g is None else 'unexpected'}"
            if g is not None and e is not None:
                assert_close(g, e, msg=lambda m: f"{info.inplace}{s!r}: gradient of input {i}:\n{m}")
        n += 1
    if not n:
        pytest.skip("no sample had an output of the input's shape and dtype")


# ---------------------------------------------------------------- ember.testing.assert_close

_CLOSE_CASES = [
    ([1., 2., 3.], [1., 2.5, 3.], {}),
    ([1., 2.], [1., 2., 3.], {}),
    ([1, 2], [1, 3], {}),
    (1.5, 2.5, {}),
    ([1., float("nan")], [1., float("nan")], {}),
    ([1., float("nan")], [1., float("nan")], {"equal_nan": True}),
    ([1., 2.], [1., 2.001], {"rtol": 1e-2, "atol": 0.0}),
    ([1., float("inf")], [1., float("inf")], {}),
]


@pytest.mark.parametrize("a,b,kw", _CLOSE_CASES)
def test_assert_close_agrees_with_torch(a, b, kw):
    torch = pytest.importorskip("torch")

    def outcome(lib, mod):
        x, y = (lib.tensor(a), lib.tensor(b)) if isinstance(a, list) else (lib.tensor(a), lib.tensor(b))
        try:
            mod.assert_close(x, y, **kw)
            return None
        except AssertionError as e:
            return str(e).splitlines()[0]
    assert outcome(ember, ember.testing) == outcome(torch, torch.testing)


def test_assert_close_messages_and_errors():
    with pytest.raises(AssertionError, match="dtype"):
        assert_close(ember.ones(2), ember.ones(2, dtype=ember.float64))
    assert_close(ember.ones(2), ember.ones(2, dtype=ember.float64), check_dtype=False)
    with pytest.raises(ValueError, match="atol"):
        assert_close(ember.ones(1), ember.ones(1), rtol=1e-3)
    with pytest.raises(AssertionError, match=r"item \['a'\]"):
        assert_close({"a": ember.ones(1)}, {"a": ember.zeros(1)})
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 3"):
        assert_close(ember.tensor([1., 2., 3.]), ember.tensor([1., 2., 4.]))
    with pytest.raises(AssertionError, match="custom"):
        assert_close(ember.ones(1), ember.zeros(1), msg="custom")
    assert_close([ember.ones(2), 3], [ember.ones(2), 3])
    assert_close(ember.tensor([1e-9]), ember.tensor([0.]))  # within atol


def test_make_tensor():
    from ember.testing import make_tensor
    t = make_tensor(3, 4, dtype=ember.float64, low=0, high=1, noncontiguous=True)
    assert t.shape == (3, 4) and t.dtype is ember.float64 and not t.is_contiguous()
    assert bool((t >= 0).all()) and bool((t < 1).all())
    assert make_tensor((2,), dtype=ember.int64, low=1, high=2, exclude_zero=True).tolist() == [1, 1]
    assert make_tensor(2, dtype=ember.bool).dtype is ember.bool
