"""Grad modes (no_grad, enable_grad, set_grad_enabled, inference_mode) as context managers
and decorators, and anomaly detection, each compared with real PyTorch."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")

MODS = [ember, torch]


def _rg(m):
    return (m.ones(2, requires_grad=True) * 2).requires_grad


@pytest.fixture(autouse=True)
def _restore_modes():
    yield
    for m in MODS:
        m.set_grad_enabled(True)
        m.autograd.set_detect_anomaly(False)
    assert ember.is_grad_enabled()


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_no_grad_context_and_nesting(m):
    assert m.is_grad_enabled() and _rg(m)
    with m.no_grad():
        assert not m.is_grad_enabled() and not _rg(m)
        with m.enable_grad():
            assert m.is_grad_enabled() and _rg(m)
            with m.no_grad():
                assert not _rg(m)
            assert _rg(m)
        assert not _rg(m)
    assert m.is_grad_enabled() and _rg(m)


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_decorators_with_and_without_parentheses(m):
    @m.no_grad()
    def a():
        return _rg(m)

    @m.no_grad
    def b():
        """doc"""
        return _rg(m)

    @m.enable_grad()
    def c():
        return _rg(m)

    @m.enable_grad
    def d():
        return _rg(m)

    @m.set_grad_enabled(False)
    def e():
        return _rg(m)

    @m.inference_mode()
    def f():
        return _rg(m), m.is_inference_mode_enabled()

    @m.inference_mode
    def g():
        return _rg(m)

    assert m.is_grad_enabled()          # decorating changes nothing by itself
    assert (a(), b(), e(), f(), g()) == (False, False, False, (False, True), False)
    assert b.__name__ == "b" and b.__doc__ == "doc"
    with m.no_grad():
        assert c() and d()
        assert not m.is_grad_enabled()
    assert m.is_grad_enabled() and not m.is_inference_mode_enabled()


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_decorated_generator_runs_under_the_mode(m):
    @m.no_grad()
    def gen():
        for _ in range(2):
            got = yield _rg(m), m.is_grad_enabled()
            assert got is None or got == "x"

    it = gen()
    assert next(it) == (False, False)
    assert m.is_grad_enabled()            # between yields the caller's mode holds
    assert it.send("x") == (False, False)
    with pytest.raises(StopIteration):
        next(it)
    assert m.is_grad_enabled()


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_set_grad_enabled_function_and_context(m):
    m.set_grad_enabled(False)
    assert not m.is_grad_enabled() and not _rg(m)
    m.set_grad_enabled(True)
    assert m.is_grad_enabled()
    with m.set_grad_enabled(False):
        assert not m.is_grad_enabled()
        with m.set_grad_enabled(True):
            assert _rg(m)
        assert not m.is_grad_enabled()
    assert m.is_grad_enabled()


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_modes_restored_after_exception(m):
    for make in (m.no_grad, m.enable_grad, lambda: m.set_grad_enabled(False), m.inference_mode):
        with pytest.raises(ValueError):
            with make():
                raise ValueError
        assert m.is_grad_enabled() and not m.is_inference_mode_enabled()

    @m.no_grad()
    def boom():
        raise KeyError

    with pytest.raises(KeyError):
        boom()
    assert m.is_grad_enabled()


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_inference_mode(m):
    assert not m.is_inference_mode_enabled()
    with m.inference_mode():
        assert m.is_inference_mode_enabled() and not m.is_grad_enabled() and not _rg(m)
        with m.inference_mode(False):
            assert not m.is_inference_mode_enabled() and m.is_grad_enabled()
        assert m.is_inference_mode_enabled()
    with m.no_grad():
        with m.inference_mode(False):
            assert m.is_grad_enabled()
        assert not m.is_grad_enabled()
    with m.inference_mode(mode=False):
        assert m.is_grad_enabled() and not m.is_inference_mode_enabled()


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_no_grad_results_are_leaves(m):
    x = m.ones(2, requires_grad=True)
    with m.no_grad():
        y = x * 2
        y.requires_grad_()      # a leaf made under no_grad may be asked to require grad
    assert y.is_leaf and y.requires_grad
    (y * x).sum().backward()
    assert y.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("m", MODS, ids=["ember", "torch"])
def test_backward_runs_with_grad_disabled_unless_create_graph(m):
    seen = []
    x = m.ones(2, requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: seen.append(m.is_grad_enabled()))
    y.sum().backward(retain_graph=True)
    y.sum().backward(create_graph=True)
    assert seen == [False, True]
    assert m.is_grad_enabled()


def test_module_level_names():
    for name in ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
                 "is_inference_mode_enabled"):
        assert hasattr(ember, name) and hasattr(ember.autograd, name if name != "is_inference_mode_enabled"
                                                 else "is_inference_mode_enabled")
    assert ember.autograd.grad_mode.no_grad is ember.no_grad


# -- anomaly detection -----------------------------------------------------------------------

def _sqrt_nan(m):
    x = m.tensor([-1.0, 4.0], requires_grad=True)
    x.sqrt().sum().backward()


def test_detect_anomaly_names_the_op_that_made_nan():
    msgs = []
    for m in MODS:
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
            ctx = m.autograd.detect_anomaly()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with ctx:
                with pytest.raises(RuntimeError) as ei:
                    _sqrt_nan(m)
        msgs.append(str(ei.value))
        assert any("Error detected in SqrtBackward0" in str(x.message) for x in w)
    assert msgs[0] == msgs[1] == "Function 'SqrtBackward0' returned nan values in its 0th output."


def test_forward_trace_points_at_user_code():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            with pytest.raises(RuntimeError):
                _sqrt_nan(ember)
    trace = [str(x.message) for x in w if "Error detected" in str(x.message)][0]
    assert "_sqrt_nan" in trace and "test_grad_mode.py" in trace
    assert "elementwise.py" not in trace


def test_detect_anomaly_check_nan_false_and_off_by_default():
    for m in MODS:
        _sqrt_nan(m)                                 # off: NaN gradients pass silently
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly(check_nan=False):
                _sqrt_nan(m)


def test_anomaly_custom_function_nan():
    msgs = []
    for m in MODS:
        class Bad(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g * float("nan")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                with pytest.raises(RuntimeError) as ei:
                    Bad.apply(m.ones(1, requires_grad=True)).sum().backward()
        msgs.append(str(ei.value))
    assert msgs[0] == msgs[1]


def test_set_detect_anomaly_and_query():
    from ember.autograd import anomaly_mode as A
    assert not A.is_anomaly_enabled()
    ember.autograd.set_detect_anomaly(True)
    assert A.is_anomaly_enabled() and A.is_anomaly_check_nan_enabled()
    ember.autograd.set_detect_anomaly(False)
    assert not A.is_anomaly_enabled()
    with ember.autograd.set_detect_anomaly(True, check_nan=False):
        assert A.is_anomaly_enabled() and not A.is_anomaly_check_nan_enabled()
    assert not A.is_anomaly_enabled() and A.is_anomaly_check_nan_enabled()
    assert torch.is_anomaly_enabled() is False


def test_detect_anomaly_decorator():  # ember extra: torch's detect_anomaly is not a decorator
    for m in (ember,):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            @m.autograd.detect_anomaly()
            def f():
                _sqrt_nan(m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError, match="returned nan values"):
                f()


def test_anomaly_warns_forward_trace_for_other_backward_errors():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            x = ember.ones(2, requires_grad=True)
            y = x * 1
            z = y.sin()
            y.add_(1)
            with pytest.raises(RuntimeError, match="modified by an inplace operation") as ei:
                z.sum().backward()
    assert any("Error detected in SinBackward0" in str(x.message) for x in w)
    assert "Hint: the backtrace further above" in str(ei.value)
