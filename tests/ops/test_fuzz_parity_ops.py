"""Parity with real PyTorch on calls that differential fuzzing found to differ: each case is
run on torch and on ember with the same inputs; the results must have the same dtype, shape
and values, or both calls must raise the same exception type."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _norm(r, mod):
    if isinstance(r, (torch.Tensor, ember.Tensor)):
        a = r.detach()
        if a.dtype in (torch.bfloat16, ember.bfloat16):
            a = a.float()
        return ("T", str(r.dtype).split(".")[-1], tuple(r.shape), np.asarray(a.numpy()))
    if isinstance(r, (tuple, list)):
        return ("seq", [_norm(x, mod) for x in r])
    if isinstance(r, (torch.dtype, ember.dtype)):
        return ("dtype", str(r).split(".")[-1])
    return ("py", type(r).__name__, r)


def _assert_same(t, e):
    assert t[0] == e[0], (t, e)
    if t[0] == "T":
        assert t[1:3] == e[1:3], f"dtype/shape torch {t[1:3]} ember {e[1:3]}"
        if t[3].dtype.kind in "fc":
            np.testing.assert_allclose(e[3], t[3], rtol=1e-5, atol=1e-6, equal_nan=True)
        else:
            np.testing.assert_array_equal(e[3], t[3])
    elif t[0] == "seq":
        assert len(t[1]) == len(e[1])
        for a, b in zip(t[1], e[1]):
            _assert_same(a, b)
    elif t[0] == "py" and isinstance(t[2], float) and t[2] != t[2]:
        assert e[2] != e[2]
    else:
        assert t == e


def check(fn):
    """Run ``fn(torch)`` and ``fn(ember)``: the same result, or the same exception type."""
    try:
        tr = fn(torch)
    except Exception as exc:  # noqa: BLE001  (the oracle's exception type is the expectation)
        with pytest.raises(type(exc)):
            fn(ember)
        return
    _assert_same(_norm(tr, torch), _norm(fn(ember), ember))


def _i(T, data, dt="int64"):
    return T.tensor(data, dtype=getattr(T, dt))


# ---------------------------------------------------------------- pow of integers
@pytest.mark.parametrize("fn", [
    lambda T: _i(T, [0, 2, 1, -1, -1, 3, -2]) ** _i(T, [-1, -1, -3, -3, -2, -1, -1]),
    lambda T: T.pow(_i(T, [1, -1, 5], "int32"), _i(T, [-2, -3, 2], "int8")),
    lambda T: _i(T, [0, 2, 1, 255], "uint8") ** _i(T, [-1, -1, -2, -1], "int8"),
    lambda T: 2 ** _i(T, [-2, 0, 3]),
    lambda T: (-1) ** _i(T, [-2, -3, 3]),
    lambda T: _i(T, [2, 3]) ** -1,
], ids=["i64", "i32_i8", "u8_i8", "scalar_base", "minus_one_base", "scalar_exp_raises"])
def test_integer_pow_negative_exponents(fn):
    check(fn)


# ---------------------------------------------------------------- add/sub with alpha
@pytest.mark.parametrize("fn", [
    lambda T: T.add(T.tensor([1.5, 3.0]), _i(T, [250, 7], "uint8"), alpha=2),
    lambda T: T.sub(_i(T, [1, 2]), _i(T, [250, 7], "uint8"), alpha=3),
    lambda T: T.add(_i(T, [1, 2], "int32"), T.tensor([True, False]), alpha=2),
    lambda T: T.add(T.tensor([True, False]), T.tensor([True, True]), alpha=2),
    lambda T: T.add(T.tensor([True, False]), T.tensor([True, True]), alpha=0),
    lambda T: T.add(T.tensor([True, False]), True, alpha=2),
    lambda T: T.add(T.tensor([1.0, 2.0], dtype=T.float16), _i(T, [3, 5]), alpha=0.5),
    lambda T: T.sub(T.tensor([1.0, 2.0]), True, alpha=2),
    lambda T: T.sub(T.tensor([1.0, 2.0]), T.tensor([True, False]), alpha=2),
    lambda T: T.add(_i(T, [1, 2]), _i(T, [1, 2]), alpha=0.5),
], ids=["u8_scaled_wide", "sub_u8", "i32_bool", "bool_bool", "bool_alpha0", "bool_scalar",
        "f16_stays", "sub_bool_scalar", "sub_bool_tensor", "int_float_alpha"])
def test_add_sub_alpha(fn):
    check(fn)


# ---------------------------------------------------------------- mean's dtype argument
@pytest.mark.parametrize("fn", [
    lambda T: T.mean(T.tensor([1.0, 2.0]), dtype=T.int32),
    lambda T: T.tensor([[1.0, 2.0]]).mean(0, dtype=T.int64),
    lambda T: T.mean(T.tensor([1, 2]), dtype=T.bool),
    lambda T: T.nanmean(T.tensor([1.0, float("nan")]), dtype=T.int32),
    lambda T: T.nanmean(T.tensor([1.0, float("nan")]), dtype=T.float64),
], ids=["int32", "method_int64", "bool", "nanmean_int", "nanmean_f64"])
def test_mean_dtype_must_be_floating(fn):
    check(fn)


# ---------------------------------------------------------------- Python scalar conversion
@pytest.mark.parametrize("conv", [float, int, complex])
@pytest.mark.parametrize("shape", [(2,), (0,), (2, 1)])
def test_number_conversion_of_many_elements_is_value_error(conv, shape):
    check(lambda T: conv(T.ones(shape)))


def test_number_conversion_of_one_element():
    check(lambda T: (float(T.tensor([[2.5]])), int(T.tensor([-2.7])), complex(T.tensor([1.5]))))


def test_bool_of_empty_names_no_values():
    with pytest.raises(RuntimeError, match="no values"):
        bool(ember.zeros(0))
    check(lambda T: bool(T.zeros(2, 0)))


# ---------------------------------------------------------------- strides of empty tensors
@pytest.mark.parametrize("shape", [(0,), (2, 0, 3), (3, 0), (0, 3, 4)])
def test_empty_tensor_strides(shape):
    check(lambda T: T.empty(shape).stride())
    check(lambda T: T.zeros(shape).stride(-1))


# ---------------------------------------------------------------- in-place ops
def _inplace(name, x, *args, **kw):
    def fn(T):
        a = x(T).clone()
        r = getattr(a, name)(*(y(T) if callable(y) else y for y in args), **kw)
        return r, a
    return fn


_F23 = lambda T: T.tensor([[1.5, -2.0, 0.0], [3.0, -0.5, 7.0]])   # noqa: E731
_I23 = lambda T: T.tensor([[1, -2, 0], [3, -5, 7]])                # noqa: E731
_U3 = lambda T: T.tensor([1, 2, 3], dtype=T.uint8)                 # noqa: E731
_B23 = lambda T: T.tensor([[True, False, True], [False, False, True]])  # noqa: E731


@pytest.mark.parametrize("fn", [
    _inplace("pow_", _I23, _I23),
    _inplace("__ipow__", _I23, lambda T: T.tensor([-1, 2, 1])),
    _inplace("pow_", _I23, 2),
    _inplace("pow_", _U3, -3),
    _inplace("pow_", _U3, 300),
    _inplace("pow_", _I23, -1),
    _inplace("pow_", _I23, 2.5),
    _inplace("pow_", _F23, _I23),
], ids=["int_tensor_neg", "ipow_neg", "int_2", "u8_neg_raises", "u8_overflow_raises", "int_neg_scalar",
        "int_float_raises", "float_int"])
def test_inplace_integer_pow(fn):
    check(fn)


@pytest.mark.parametrize("fn", [
    _inplace("sub_", _F23, True),
    _inplace("sub_", _F23, _B23),
    _inplace("__isub__", _I23, _B23),
    _inplace("sub_", _B23, _B23),
], ids=["scalar_true", "bool_tensor", "isub_bool", "bool_bool"])
def test_inplace_sub_refuses_bool(fn):
    check(fn)


@pytest.mark.parametrize("fn", [
    _inplace("__iadd__", _F23, lambda T: T.ones(0)),
    _inplace("__iadd__", _F23, lambda T: T.ones(6)),
    _inplace("__imod__", _F23, lambda T: T.ones(2)),
    _inplace("remainder_", _F23, lambda T: T.ones(4)),
    _inplace("__iand__", _I23, lambda T: T.ones(2, dtype=T.int64)),
    _inplace("lerp_", _F23, lambda T: T.ones(6), 0.5),
    _inplace("addcmul_", _F23, lambda T: T.ones(2), lambda T: T.ones(2)),
    _inplace("add_", _F23, lambda T: T.ones(0, 3), alpha=2),
    _inplace("div_", lambda T: T.ones(3), lambda T: T.ones(2, 3), rounding_mode="floor"),
    _inplace("__iadd__", lambda T: T.ones(3), lambda T: T.ones(2, 3)),
    _inplace("hypot_", lambda T: T.ones(3), lambda T: T.ones(2, 3)),
], ids=["iadd_empty", "iadd_6", "imod", "remainder_", "iand", "lerp_", "addcmul_", "add_alpha",
        "div_floor_grows", "iadd_grows", "hypot_grows"])
def test_inplace_shape_mismatch_is_runtime_error(fn):
    check(fn)


# ---------------------------------------------------------------- x[idx] = value
def _setitem(x, idx, value):
    def fn(T):
        a = x(T).clone()
        a[idx(T) if callable(idx) else idx] = value(T) if callable(value) else value
        return a
    return fn


@pytest.mark.parametrize("fn", [
    _setitem(_I23, True, lambda T: T.tensor([1.5, 2.5, 3.5])),
    _setitem(_B23, True, lambda T: T.tensor([0, 2, 0])),
    _setitem(_I23, (True, 0), lambda T: T.tensor([7.5, 8.5, 9.5])),
    _setitem(_F23, lambda T: T.tensor([0, 1]), lambda T: T.tensor([1, 2, 3])),
    _setitem(_F23, _B23, lambda T: T.tensor([[1.0], [2.0]])),
    _setitem(_F23, _B23, lambda T: T.tensor([[1.0, 2.0, 3.0]])),
    _setitem(_F23, (slice(None), 0), lambda T: T.ones(3)),
], ids=["int_true_float", "bool_true_int", "true_int_float", "index_dtype_mismatch", "mask_value_2d",
        "mask_value_1x3", "slice_mismatch"])
def test_setitem_parity(fn):
    check(fn)


# ---------------------------------------------------------------- == and != with non-numbers
@pytest.mark.parametrize("other", [None, "auto", [1.0, 2.0], (1, 2), object()], ids=["none", "str", "list", "tuple", "object"])
def test_eq_ne_with_non_numbers(other):
    check(lambda T: (T.tensor([1.0, 2.0]) == other, T.tensor([1.0, 2.0]) != other))


@pytest.mark.parametrize("fn", [
    lambda T: T.tensor([1.0]) < None,
    lambda T: T.eq(T.tensor([1.0]), None),
    lambda T: T.tensor([1.0]) + None,
], ids=["lt_none", "eq_function_none", "add_none"])
def test_other_ops_with_none_still_raise(fn):
    check(fn)


# ---------------------------------------------------------------- NumPy's axis / keepdims names
_X = lambda T: T.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])   # noqa: E731


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin",
                                  "std", "var", "median", "nanmedian", "mode", "any", "all", "logsumexp",
                                  "nansum", "nanmean", "std_mean", "var_mean", "aminmax"])
@pytest.mark.parametrize("kw", [dict(axis=1), dict(axis=0, keepdims=True), dict(dim=1, keepdims=True)],
                         ids=["axis", "axis_keepdims", "dim_keepdims"])
def test_reductions_take_numpy_names(name, kw):
    check(lambda T: getattr(T, name)(_X(T), **kw))
    if name not in ("std_mean", "var_mean"):
        check(lambda T: getattr(_X(T), name)(**kw))


@pytest.mark.parametrize("fn", [
    lambda T: T.cumsum(_X(T), axis=1), lambda T: _X(T).cumprod(axis=0), lambda T: _X(T).cummax(axis=1),
    lambda T: T.cummin(_X(T), axis=0), lambda T: _X(T).logcumsumexp(axis=1), lambda T: _X(T).softmax(axis=0),
    lambda T: T.log_softmax(_X(T), axis=1), lambda T: _X(T).unsqueeze(axis=1), lambda T: T.squeeze(_X(T)[:1], axis=0),
    lambda T: T.cat([_X(T), _X(T)], axis=1), lambda T: T.concat([_X(T), _X(T)], axis=0),
    lambda T: T.stack([_X(T), _X(T)], axis=2), lambda T: _X(T).sort(axis=0), lambda T: _X(T).argsort(axis=0),
    lambda T: _X(T).topk(2, axis=0), lambda T: _X(T).kthvalue(1, axis=0, keepdims=True),
    lambda T: _X(T).quantile(0.5, axis=1, keepdims=True), lambda T: _X(T).chunk(2, axis=1),
    lambda T: _X(T).tensor_split(2, axis=1), lambda T: _X(T).unbind(axis=1), lambda T: _X(T).diff(axis=0),
    lambda T: _X(T).count_nonzero(axis=0), lambda T: _X(T).repeat_interleave(2, axis=0),
    lambda T: T.take_along_dim(_X(T), T.tensor([[0], [2]]), axis=1), lambda T: T.trapezoid(_X(T), axis=0),
    lambda T: T.cumsum(_X(T)), lambda T: _X(T).unsqueeze(), lambda T: T.sum(_X(T), 1, axis=0),
], ids=["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "softmax", "log_softmax", "unsqueeze",
        "squeeze", "cat", "concat", "stack", "sort", "argsort", "topk", "kthvalue", "quantile", "chunk",
        "tensor_split", "unbind", "diff", "count_nonzero", "repeat_interleave", "take_along_dim", "trapezoid",
        "cumsum_no_dim", "unsqueeze_no_dim", "sum_dim_and_axis"])
def test_dim_functions_take_axis(fn):
    check(fn)


# ---------------------------------------------------------------- PyTorch's keyword names for sizes
@pytest.mark.parametrize("fn", [
    lambda T: _X(T).reshape(shape=(3, 2)), lambda T: T.reshape(_X(T), shape=[6]),
    lambda T: _X(T).permute(dims=(1, 0)), lambda T: T.permute(_X(T), dims=[1, 0]),
    lambda T: T.flip(_X(T), dims=(0,)), lambda T: _X(T).flip(dims=[0, 1]),
    lambda T: _X(T).repeat(repeats=(1, 2)), lambda T: _X(T).new_zeros(size=(2,)),
    lambda T: _X(T).new_ones(size=[2, 1]), lambda T: _X(T).new_empty(size=(2,)).shape,
    lambda T: _X(T).sum_to_size(size=(1, 3)), lambda T: _X(T).reshape(2, 3),
    lambda T: _X(T).permute(1, 0), lambda T: _X(T).flip(0),
], ids=["reshape", "fn_reshape", "permute", "fn_permute", "flip", "flip_list", "repeat", "new_zeros",
        "new_ones", "new_empty", "sum_to_size", "reshape_pos", "permute_pos", "flip_pos"])
def test_size_keywords(fn):
    check(fn)


# ---------------------------------------------------------------- float16 / bfloat16 reductions
def _half_data(T, dt):
    rs = np.random.RandomState(0)
    return T.tensor((rs.randn(64, 33) * 3).astype(np.float32).tolist(), dtype=getattr(T, dt))


@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
@pytest.mark.parametrize("fn", [
    lambda T, x: x.sum(0), lambda T, x: x.nansum(0), lambda T, x: x.var(0), lambda T, x: x.std(),
    lambda T, x: T.tensor([[60000.0, 10000.0, -5.0]] * 4, dtype=x.dtype).std(1),
    lambda T, x: T.tensor([[60000.0, 10000.0, -5.0]] * 4, dtype=x.dtype).var(0),
], ids=["sum_dim0", "nansum_dim0", "var_dim0", "std_all", "std_no_overflow", "var_no_overflow"])
def test_half_reductions_accumulate_in_float32(dt, fn):
    t = fn(torch, _half_data(torch, dt)).float().numpy()
    e = np.asarray(fn(ember, _half_data(ember, dt)).float().numpy())
    assert e.dtype == t.dtype and e.shape == t.shape
    np.testing.assert_allclose(e, t, rtol=1e-3 if dt == "float16" else 8e-3, atol=1e-3)


# ---------------------------------------------------------------- tensor() of out-of-range values
@pytest.mark.parametrize("fn", [
    lambda T: T.tensor([1e20], dtype=T.int64), lambda T: T.tensor(1e20, dtype=T.int32),
    lambda T: T.tensor([1e20, 1], dtype=T.int8), lambda T: T.tensor([2 ** 64]),
    lambda T: T.tensor([300], dtype=T.int8), lambda T: T.tensor([-1], dtype=T.uint8),
], ids=["float_to_int64", "float_to_int32", "mixed_to_int8", "int_beyond_64_bits", "int_to_int8", "negative_to_uint8"])
def test_tensor_out_of_range(fn):
    check(fn)


# ---------------------------------------------------------------- pow of bool tensors, wrapped int bases
@pytest.mark.parametrize("fn", [
    lambda T: _B23(T) ** True, lambda T: _B23(T) ** False, lambda T: _B23(T) ** _B23(T),
    lambda T: True ** _B23(T), lambda T: T.tensor(True) ** _B23(T), lambda T: _B23(T) ** 2,
    lambda T: _B23(T) ** _I23(T).abs(), lambda T: 2 ** _B23(T),
    lambda T: (-3) ** T.tensor([1, 2, 0, 3], dtype=T.uint8), lambda T: 300 ** T.tensor([1, 2], dtype=T.int8),
], ids=["bool_true", "bool_false", "bool_bool", "pybool_base", "bool0d_base", "bool_int", "bool_int_tensor",
        "int_base_bool", "neg_base_uint8", "big_base_int8"])
def test_pow_bool_and_wrapped_base(fn):
    check(fn)


# ---------------------------------------------------------------- order statistics of bool, empty aminmax
@pytest.mark.parametrize("fn", [
    lambda T: _B23(T).median(), lambda T: _B23(T).median(0), lambda T: _B23(T).nanmedian(),
    lambda T: _B23(T).nanmedian(1), lambda T: _B23(T).kthvalue(1), lambda T: _B23(T).mode(0),
    lambda T: T.aminmax(T.zeros(0)), lambda T: T.aminmax(T.zeros(2, 0, 3), dim=1),
    lambda T: T.aminmax(T.zeros(0), dim=0), lambda T: T.aminmax(T.zeros(2, 0, 3), dim=0),
], ids=["median", "median_dim", "nanmedian", "nanmedian_dim", "kthvalue", "mode", "aminmax_empty",
        "aminmax_empty_dim", "aminmax_empty_dim0", "aminmax_other_dim"])
def test_bool_order_stats_and_empty_aminmax(fn):
    check(fn)


# ---------------------------------------------------------------- angle of complex tensors
@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_complex_angle_and_grad(dt):
    out = {}
    for T in (torch, ember):
        z = T.tensor([1 + 1j, -2 + 0.5j, 0j, 3j, -1 - 1e-3j], dtype=getattr(T, dt), requires_grad=True)
        a = z.angle()
        (a * T.tensor([1.0, 2.0, 3.0, -1.0, 0.5], dtype=a.dtype)).sum().backward()
        out[T.__name__] = (str(a.dtype).split(".")[-1], a.detach().numpy(), np.asarray(z.grad.numpy()))
    assert out["ember"][0] == out["torch"][0]
    np.testing.assert_allclose(out["ember"][1], out["torch"][1], rtol=1e-6)
    np.testing.assert_allclose(out["ember"][2], out["torch"][2], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda x: x[None], lambda x: x[:, None], lambda x: x[..., None], lambda x: x[None, None], lambda x: x[0, None],
    lambda x: x.t()[None], lambda x: x[::2, None], lambda x: x[:, None].expand(3, 1, 4), lambda x: x.unsqueeze(1),
    lambda x: x[0].expand(2, 4), lambda x: x.reshape(3, 4)[0:1],
], ids=["none0", "none1", "none_last", "two_nones", "int_none", "t_none", "step_none", "none_expand", "unsqueeze",
        "expand", "slice1"])
def test_strides_of_inserted_dims(fn):
    check(lambda T: fn(T.arange(12.).reshape(3, 4)).stride())


@pytest.mark.parametrize("fn", [
    lambda x: x.clamp_(max=3), lambda x: x.clamp_(0, 1), lambda x: x.clamp_min_(1), lambda x: x.clamp_max_(1),
    lambda x: x.add_(1), lambda x: x.fill_(2),
], ids=["clamp_max", "clamp_both", "clamp_min_", "clamp_max_", "add_", "fill_"])
def test_inplace_on_expanded_view_refused(fn):
    check(lambda T: fn(T.zeros(1, 3).expand(2, 3)))


def test_masked_fill_on_expanded_view_writes_through():
    def fn(T):
        base = T.zeros(1, 3)
        x = base.expand(2, 3)
        with warnings.catch_warnings(record=True) as caught:  # (torch may warn once per process)
            warnings.simplefilter("always")
            x.masked_fill_(T.tensor([[True, False, False], [False, False, True]]), 5.0)
        if T is ember:
            assert any("expanded" in str(w.message) for w in caught)
        return x, base
    check(fn)


# ---------------------------------------------------------------- unique along a dim of empty tensors, norm(dim=())
@pytest.mark.parametrize("fn", [
    lambda T: T.unique_consecutive(T.zeros(0), dim=0),
    lambda T: T.unique_consecutive(T.zeros(0), dim=0, return_counts=True, return_inverse=True),
    lambda T: T.unique_consecutive(T.zeros(2, 0, 3), dim=1), lambda T: T.unique_consecutive(T.zeros(2, 0, 3), dim=0),
    lambda T: T.unique(T.zeros(2, 0, 3), dim=2), lambda T: T.unique(T.zeros(2, 0, 3), dim=1, return_inverse=True),
    lambda T: T.unique_consecutive(T.tensor([[1, 2], [1, 2], [3, 4]]), dim=0, return_counts=True),
    lambda T: T.norm(T.ones(2, 3), dim=()), lambda T: T.ones(2, 3).norm(p=1, dim=()),
], ids=["uc_empty", "uc_empty_all", "uc_zero_dim", "uc_other_dim", "unique_other_dim", "unique_zero_dim", "uc_rows",
        "norm_fro", "norm_p1"])
def test_unique_empty_dims_and_norm_empty_dim(fn):
    check(fn)


@pytest.mark.parametrize("sizes", [(2, 2), (-1, 4), (4, -1), (0, -1), (), (6,), (3, -1), (2, 3), (1, -1, 1)])
def test_unflatten_sizes(sizes):
    check(lambda T: T.ones(2, 6).unflatten(1, sizes))
    try:
        torch.ones(2, 6).unflatten(1, sizes)
    except RuntimeError as e:  # the message names the sizes and the dim, as PyTorch's
        with pytest.raises(RuntimeError, match=str(e).split("(")[0].replace("[", r"\[").replace("]", r"\]")):
            ember.ones(2, 6).unflatten(1, sizes)


# ---------------------------------------------------------------- error messages naming shapes as torch
def _same_error(fn):
    try:
        fn(torch)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as info:
            fn(ember)
        assert " ".join(str(info.value).split()) == " ".join(str(e).split())
    else:
        raise AssertionError("torch did not raise")


@pytest.mark.parametrize("fn", [
    lambda T: T.ones(2, 3).expand(2, 3, 1), lambda T: T.ones(2, 3).expand(4, 3),
    lambda T: T.ones(2, 3)[T.tensor([[0, 1], [0, 1]]), T.tensor([0, 1, 2])], lambda T: T.ones(2, 3)[[0, 1], [0, 1, 2]],
    lambda T: T.ones(2, 3, 4)[T.tensor([0, 1]), :, T.tensor([0, 1, 2])],
    lambda T: T.ones(2, 3).min(T.ones(3, 2)), lambda T: T.max(T.ones(2, 3), T.ones(4)),
], ids=["expand_last_dim", "expand_first_dim", "index_2d_1d", "index_lists", "index_split", "min_other", "max_other"])
def test_shape_error_messages(fn):
    _same_error(fn)
