"""gradcheck / gradgradcheck: they pass on correct ops, catch wrong backwards the way
PyTorch's do, and follow PyTorch's signatures, return values and errors."""
import inspect
import warnings

import numpy as np
import pytest

import ember
from ember.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def t64(*shape, seed=0, lo=-1.0, hi=1.0, m=ember):
    a = np.random.default_rng(seed).uniform(lo, hi, shape)
    return m.tensor(a, dtype=m.float64, requires_grad=True)


F = ember.nn.functional

# (name, function, input shapes, uniform range of the inputs)
OPS = [
    ("add", lambda a, b: a + b, [(2, 3), (3,)], (-1, 1)),
    ("mul", lambda a, b: a * b, [(2, 3), (2, 1)], (-1, 1)),
    ("div", lambda a, b: a / b, [(2, 3), (3,)], (0.5, 2)),
    ("pow", lambda a, b: a ** b, [(2, 3), (2, 3)], (0.5, 2)),
    ("pow_scalar", lambda a: a ** 3, [(4,)], (-1, 1)),
    ("exp_log", lambda a: a.exp() + a.log(), [(3,)], (0.5, 2)),
    ("trig", lambda a: a.sin() * a.cos() + a.tanh(), [(2, 2)], (-2, 2)),
    ("sigmoid_sqrt", lambda a: a.sigmoid() * a.sqrt(), [(3,)], (0.5, 2)),
    ("relu_abs", lambda a: a.relu() + a.abs(), [(5,)], (0.2, 1)),
    ("sum_mean", lambda a: a.sum(0) * a.mean(1, keepdim=True), [(3, 4)], (-1, 1)),
    ("matmul", lambda a, b: a @ b, [(2, 3), (3, 4)], (-1, 1)),
    ("batched_matmul", lambda a, b: ember.matmul(a, b), [(2, 2, 3), (3, 2)], (-1, 1)),
    ("views", lambda a: a.t().reshape(6).view(2, 3).unsqueeze(0).expand(2, 2, 3) * 2, [(3, 2)], (-1, 1)),
    ("getitem", lambda a: a[1:, ::2] * a[0, 1], [(3, 4)], (-1, 1)),
    ("permute", lambda a: a.permute(2, 0, 1).sin(), [(2, 3, 2)], (-1, 1)),
    ("where_clamp", lambda a, b: ember.where(a > 0, a * b, b).clamp(-0.8, 0.8), [(4,), (4,)], (-1, 1)),
    ("cat_stack", lambda a, b: ember.cat([a, b * 2]) + ember.stack([a, b]).sum(0).repeat(2),
     [(3,), (3,)], (-1, 1)),
    ("logsumexp", lambda a: ember.logsumexp(a, 1), [(2, 4)], (-1, 1)),
    ("var_std", lambda a: a.var(0) + a.std(1).sum(), [(3, 4)], (-1, 1)),
    ("softmax", lambda a: F.softmax(a, dim=-1), [(2, 3)], (-1, 1)),
    ("log_softmax", lambda a: F.log_softmax(a, dim=0), [(3, 2)], (-1, 1)),
    ("cumsum_prod", lambda a: a.cumsum(0) * a.prod(), [(4,)], (0.5, 1.5)),
    ("inplace_chain", lambda a, b: (a * 1).mul_(b).add_(a).div_(2), [(3,), (3,)], (-1, 1)),
]


@pytest.mark.parametrize("name,fn,shapes,rng_", OPS, ids=[o[0] for o in OPS])
def test_gradcheck_and_gradgradcheck_pass(name, fn, shapes, rng_):
    ins = tuple(t64(*s, seed=i, lo=rng_[0], hi=rng_[1]) for i, s in enumerate(shapes))
    assert gradcheck(fn, ins)
    assert gradgradcheck(fn, ins)


@pytest.mark.parametrize("name,fn,shapes,rng_", OPS[:8], ids=[o[0] for o in OPS[:8]])
def test_fast_mode_passes(name, fn, shapes, rng_):
    ins = tuple(t64(*s, seed=i, lo=rng_[0], hi=rng_[1]) for i, s in enumerate(shapes))
    assert gradcheck(fn, ins, fast_mode=True)
    assert gradgradcheck(fn, ins, fast_mode=True)


def test_noncontiguous_inputs():
    a = t64(4, 3).detach().t().requires_grad_()
    assert not a.is_contiguous()
    assert gradcheck(lambda x: (x * x.exp()).sum(1), (a,))


def test_non_tensor_and_non_grad_inputs_pass_through():
    a, b = t64(3), t64(3, seed=1).detach()
    assert gradcheck(lambda x, y, k: x * y + k, (a, b, 2.5))


def test_multiple_outputs_and_output_views_of_input():
    a = t64(2, 3)
    assert gradcheck(lambda x: (x[0], x.sin(), x.sum()), (a,))
    assert gradgradcheck(lambda x: (x[0] * x[1], x.sin()), (a,))


def _wrong_backward(m):
    class Square(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x   # wrong: should be 2 * x * g
    return Square


def test_wrong_backward_fails_like_torch():
    a = t64(3)
    at = t64(3, m=torch)
    with pytest.raises(GradcheckError) as ee:
        gradcheck(_wrong_backward(ember).apply, (a,))
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError
    with pytest.raises(TorchGradcheckError) as et:
        torch.autograd.gradcheck(_wrong_backward(torch).apply, (at,))
    assert isinstance(ee.value, RuntimeError)
    first = "Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"
    assert str(ee.value).startswith(first) and str(et.value).startswith(first)
    assert gradcheck(_wrong_backward(ember).apply, (a,), raise_exception=False) is False
    assert torch.autograd.gradcheck(_wrong_backward(torch).apply, (at,), raise_exception=False) is False
    assert gradcheck(_wrong_backward(ember).apply, (a,), fast_mode=True, raise_exception=False) is False


def test_wrong_double_backward_fails():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x.detach() ** 2 * g   # detached: first derivative right, second wrong

    a = t64(3)
    assert gradcheck(Cube.apply, (a,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(Cube.apply, (a,))
    assert gradgradcheck(Cube.apply, (a,), raise_exception=False) is False


def test_backward_not_multiplied_by_grad_output():
    class Ignore(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return ember.ones(3, dtype=ember.float64)  # right only for g == 1
    # the Jacobian is right (unit grad_outputs), but zero grad_outputs must give zero
    with pytest.raises(GradcheckError, match="backward not multiplied by grad_output"):
        gradcheck(Ignore.apply, (t64(3),))


def test_nondeterministic_backward_detected():
    state = {"n": 0}

    class Flaky(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            state["n"] += 1
            return g * (2 + 1e-9 * state["n"])

    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        gradcheck(Flaky.apply, (t64(2),))
    assert gradcheck(Flaky.apply, (t64(2),), nondet_tol=1e-6)


def test_errors_match_torch():
    # no input requires grad: ValueError
    with pytest.raises(ValueError) as ee:
        gradcheck(lambda x: x * 2, (ember.ones(2, dtype=ember.float64),))
    with pytest.raises(ValueError) as et:
        torch.autograd.gradcheck(lambda x: x * 2, (torch.ones(2, dtype=torch.float64),))
    assert str(ee.value) == str(et.value)
    # overlapping memory (stride 0): RuntimeError
    a = ember.ones(1, dtype=ember.float64).expand(3).requires_grad_()
    at = torch.ones(1, dtype=torch.float64).expand(3).requires_grad_()
    with pytest.raises(RuntimeError) as ee:
        gradcheck(lambda x: x * 2, (a,))
    with pytest.raises(RuntimeError) as et:
        torch.autograd.gradcheck(lambda x: x * 2, (at,))
    assert str(ee.value) == str(et.value)


def test_float32_inputs_warn():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="is not a double precision floating point"):
        gradcheck(lambda x: x * 2, (a,), eps=1e-3, atol=1e-2)


def test_single_tensor_input_and_defaults():
    assert gradcheck(ember.sin, t64(3))
    assert gradgradcheck(ember.sin, t64(3))
    # same keyword-only signature as PyTorch
    for ours, theirs in ((gradcheck, torch.autograd.gradcheck), (gradgradcheck, torch.autograd.gradgradcheck)):
        po, pt = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
        assert list(po) == list(pt)
        for k in po:
            assert po[k].kind == pt[k].kind, k
            assert po[k].default == pt[k].default, k
    assert ember.autograd.gradcheck is gradcheck
    assert ember.autograd.gradcheck.GradcheckError is GradcheckError
    assert issubclass(GradcheckError, RuntimeError)
    assert ember.autograd.gradgradcheck is gradgradcheck


def test_gradgradcheck_explicit_grad_outputs():
    a = t64(3)
    go = t64(3, seed=5)
    assert gradgradcheck(lambda x: x.sin() * x, (a,), (go,))
    assert gradgradcheck(lambda x: x.sin() * x, (a,), go, gen_non_contig_grad_outputs=True)


def test_integer_only_outputs_need_zero_numerical_gradient():
    a = t64(3)
    assert gradcheck(lambda x: (x > 0), (a,))


def test_inputs_restored_after_check():
    a = t64(2, 2)
    before = a.detach().clone()
    gradcheck(lambda x: x.exp(), (a,))
    assert (a.detach() == before).all()
    assert a.grad is None


def test_gradcheck_under_no_grad_still_checks_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda x: (x ** 2).sum(), (t64(3),))


def test_zero_dim_and_empty_inputs():
    x = ember.tensor(0.7, dtype=ember.float64, requires_grad=True)
    e = ember.zeros(0, 3, dtype=ember.float64, requires_grad=True)
    y = t64(2)
    assert gradcheck(ember.sin, (x,)) and gradgradcheck(ember.sin, (x,))
    assert gradcheck(lambda a: a * 2, (e,)) and gradcheck(lambda a: a.sum(), (e,))
    assert gradcheck(lambda a, b: a * 2, (x, y))          # an unused input: zero Jacobian
    assert gradcheck(lambda a, b: (a * b).sum(), (x, y))
