"""The small-tensor fast paths of recording an op, checked against torch: binary ops on two
tensors of one dtype (no promotion lookup) or of two dtypes (the cached promotion), a tensor and
a Python scalar, the direct entry into apply_op's recording branch from the elementwise ops
(the op observer still sees them), saved-tensor entries as tuples (version checks, a saved
plain tuple value), and ``tensor(python_float)``."""
import operator
import warnings

import numpy as np
import pytest

import ember
from ember.autograd.function import _record, _set_op_observer
from ember.ops._util import FormulaOp

torch = pytest.importorskip("torch")

FLOATS = ["float16", "float32", "float64", "complex64"]
OTHERS = ["bool", "uint8", "int32", "int64"]
OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}


def _pair(lib, name, shape, value, grad):
    t = lib.tensor(np.full(shape, value), dtype=getattr(lib, name))
    return t.requires_grad_() if grad else t


def _run(lib, op, da, db, sa, sb):
    a = _pair(lib, da, sa, 1.5 if da in FLOATS else 3, da in FLOATS)
    b = _pair(lib, db, sb, 0.5 if db in FLOATS else 2, db in FLOATS)
    try:
        out = OPS[op](a, b)
    except Exception as e:  # noqa: BLE001 - the type is compared with torch's
        return type(e), None, None
    grads = None
    if out.requires_grad:
        out.sum().abs().backward()
        grads = [None if t.grad is None else t.grad.detach().numpy() for t in (a, b)]
    return str(out.dtype).split(".")[-1], out.detach().numpy(), grads


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("shapes", [((2,), (2,)), ((), (2,)), ((2, 1), ())])
def test_binary_dtype_pairs_with_grad_match_torch(op, shapes):
    bad = []
    for da in FLOATS + OTHERS:
        for db in FLOATS + OTHERS:
            if da not in FLOATS and db not in FLOATS:
                continue  # no input requires grad: the no-grad branch, covered elsewhere
            if {da, db} == {"complex64", "float16"}:
                continue  # can give torch's experimental complex32 (no sum kernel)
            got = _run(ember, op, da, db, *shapes)
            want = _run(torch, op, da, db, *shapes)
            if got[0] != want[0]:
                bad.append(f"{da} {op} {db}: {got[0]} vs {want[0]}")
                continue
            if want[1] is None:
                continue
            np.testing.assert_allclose(got[1], want[1], rtol=2e-3, err_msg=f"{da} {op} {db}")
            for g, w in zip(got[2], want[2]):
                assert (g is None) == (w is None), f"{da} {op} {db}"
                if w is not None:
                    np.testing.assert_allclose(g, w, rtol=2e-3, err_msg=f"{da} {op} {db} grad")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("scalar", [2, -3, 2.5, True, 1 + 2j, 300])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "uint8"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "radd", "rmul", "rsub"])
def test_tensor_and_python_scalar_match_torch(op, dtype, scalar):
    if dtype == "float16" and scalar.__class__ is complex:
        pytest.skip("torch gives its experimental complex32")
    def run(lib):
        grad = dtype.startswith("float")
        t = lib.tensor([1.5, 2.0] if grad else [3, 2], dtype=getattr(lib, dtype))
        if grad:
            t.requires_grad_()
        f = {"add": lambda: t + scalar, "sub": lambda: t - scalar, "mul": lambda: t * scalar,
             "div": lambda: t / scalar, "pow": lambda: t ** scalar, "radd": lambda: scalar + t,
             "rmul": lambda: scalar * t, "rsub": lambda: scalar - t}[op]
        try:
            out = f()
        except Exception as e:  # noqa: BLE001 - the type is compared with torch's
            return type(e), None
        g = None
        if out.requires_grad:
            out.real.sum().backward() if out.is_complex() else out.sum().backward()
            g = t.grad.numpy()
        return str(out.dtype).split(".")[-1], (out.detach().numpy(), g)

    got, want = run(ember), run(torch)
    assert got[0] == want[0]
    if want[1] is not None:
        np.testing.assert_allclose(got[1][0], want[1][0], rtol=2e-3)
        if want[1][1] is not None:
            np.testing.assert_allclose(got[1][1], want[1][1], rtol=2e-3)


@pytest.mark.parametrize("op", sorted(OPS) + ["pow"])
def test_broadcast_error_on_the_recording_branch_matches_torch(op):
    f = OPS.get(op, operator.pow)
    msgs = []
    for lib in (ember, torch):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(4, requires_grad=True)
        with pytest.raises(RuntimeError) as e:
            f(a, b)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_sub_bool_and_int_pow_errors_unchanged():
    for lib in (ember, torch):
        b = lib.tensor([True, False])
        with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with two bool"):
            b - b
        with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
            lib.ones(2) - b
        with pytest.raises(RuntimeError, match="Integers to negative integer powers"):
            lib.tensor([2, 3]) ** -1


def test_ops_on_the_direct_recording_branch_reach_the_observer():
    seen = []
    prev = _set_op_observer(lambda op, ins, outs: seen.append(op.__name__))
    try:
        x = ember.tensor(0.5, requires_grad=True)
        y = ((x * x + x - 1.0) / x) ** 2
        y = y.sin().exp().tanh()
    finally:
        _set_op_observer(prev)
    assert seen == ["Mul", "Add", "Sub", "Div", "Pow", "Sin", "Exp", "Tanh"]
    assert y.grad_fn.name() == "TanhBackward0"


@pytest.mark.parametrize("case", ["input", "other", "output", "pow_input"])
def test_in_place_change_of_a_saved_tensor_is_caught_as_torch(case):
    msgs = []
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        b = x * 2
        if case == "output":
            out = a.exp()
            out.mul_(2)
        elif case == "pow_input":
            out = a ** 2
            a.add_(1)
        else:
            out = a * b
            (a if case == "input" else b).add_(1)
        with pytest.raises(RuntimeError) as e:
            out.sum().backward()
        msgs.append(str(e.value).split(" Hint:")[0])
    assert msgs[0] == msgs[1]


def test_saved_entries_keep_the_version_they_were_saved_at():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1
    a.add_(1)  # version 1 before it is saved
    out = a * a
    (kind, obj, vc, version, out_nr), _ = out.grad_fn._saved
    assert (kind, obj is a, version, out_nr) == (0, True, 1, 0)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (x.detach().numpy() + 1))


class _Scaled(FormulaOp):
    """Saves a plain tuple value next to its input: it must come back as the same tuple."""

    @staticmethod
    def forward(ctx, a, pair):
        ctx.save_for_backward(a, pair)
        return a * pair[0] + pair[1]

    @staticmethod
    def grad(ctx, xp, g, a, pair):
        assert pair.__class__ is tuple and pair == (3.0, 1.0)
        return g * pair[0]


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_saved_plain_tuple_is_given_back_as_is(create_graph):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = _record(_Scaled, (x,), ((3.0, 1.0),))
    (g,) = ember.autograd.grad(y.sum(), x, create_graph=create_graph)
    np.testing.assert_allclose(g.detach().numpy(), [3.0, 3.0])
    with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        y = _record(_Scaled, (x,), ((3.0, 1.0),))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


@pytest.mark.parametrize("value", [0.5, -2.25, 3.4028234663852886e38, 1e39, -1e300, float("nan"),
                                   float("inf"), 1e-50])
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_tensor_of_a_python_float_matches_torch(value, default):
    outs = []
    for lib in (ember, torch):
        prev = lib.get_default_dtype()
        lib.set_default_dtype(getattr(lib, default))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                t = lib.tensor(value, requires_grad=True)
        finally:
            lib.set_default_dtype(prev)
        outs.append((str(t.dtype).split(".")[-1], t.requires_grad, t.is_leaf, t.detach().numpy()))
    assert outs[0][:3] == outs[1][:3]
    np.testing.assert_array_equal(outs[0][3], outs[1][3])
