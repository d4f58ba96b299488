"""torch.amp parity: CPU autocast dtypes and values, per-thread state, GradScaler's update rule."""
import pickle
import threading
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype(np.float32)
W = rng.standard_normal((5, 4)).astype(np.float32)
B = rng.standard_normal(5).astype(np.float32)
IMG = rng.standard_normal((2, 3, 6)).astype(np.float32)
K = rng.standard_normal((4, 3, 2)).astype(np.float32)
V3 = rng.standard_normal((2, 3, 4)).astype(np.float32)
P = rng.random((4, 3)).astype(np.float32)
SPD = (lambda m: m @ m.T + 3 * np.eye(3, dtype=np.float32))(rng.standard_normal((3, 3)).astype(np.float32))
VOL = rng.standard_normal((1, 2, 4, 4, 4)).astype(np.float32)

# (name, fn(lib, F, make)) -- make(array, dtype_name) builds a tensor of that library
CASES = [
    ("matmul_op", lambda L, F, m: m(X) @ m(W).T),
    ("matmul", lambda L, F, m: L.matmul(m(X), m(W).T)),
    ("mm", lambda L, F, m: L.mm(m(X), m(W).T)),
    ("mm_method", lambda L, F, m: m(X).mm(m(W).T)),
    ("bmm", lambda L, F, m: L.bmm(m(V3), m(V3).transpose(1, 2))),
    ("addmm", lambda L, F, m: L.addmm(m(B), m(X), m(W).T)),
    ("baddbmm", lambda L, F, m: L.baddbmm(m(V3[:, :, :3]), m(V3), m(V3).transpose(1, 2)[:, :, :3])),
    ("addbmm", lambda L, F, m: L.addbmm(m(X[:, :3]), m(V3[:, :, :]).transpose(1, 2)[:, :3, :], m(V3)[:, :, :3])),
    ("linear", lambda L, F, m: F.linear(m(X), m(W), m(B))),
    ("conv1d", lambda L, F, m: F.conv1d(m(IMG), m(K))),
    ("conv_transpose1d", lambda L, F, m: F.conv_transpose1d(m(IMG), m(K.transpose(1, 0, 2).copy()))),
    ("prelu", lambda L, F, m: F.prelu(m(X), m(np.array([0.25], np.float32)))),
    ("sdpa", lambda L, F, m: F.scaled_dot_product_attention(m(V3), m(V3), m(V3))),
    ("einsum", lambda L, F, m: L.einsum("ij,kj->ik", m(X), m(W))),
    ("fp16_in_mm", lambda L, F, m: L.mm(m(X, "float16"), m(W, "float16").T)),
    ("double_mm", lambda L, F, m: L.mm(m(X, "float64"), m(W, "float64").T)),
    ("add", lambda L, F, m: m(X) + m(X)),
    ("sum_bf16", lambda L, F, m: m(X, "bfloat16").sum()),
    ("mse", lambda L, F, m: F.mse_loss(m(P, "bfloat16"), m(P))),
    ("l1", lambda L, F, m: F.l1_loss(m(P, "bfloat16"), m(P))),
    ("bce", lambda L, F, m: F.binary_cross_entropy(m(P, "bfloat16"), m(P))),
    ("bce_logits", lambda L, F, m: F.binary_cross_entropy_with_logits(m(P, "bfloat16"), m(P))),
    ("smooth_l1", lambda L, F, m: F.smooth_l1_loss(m(P, "bfloat16"), m(P))),
    ("cross_entropy", lambda L, F, m: F.cross_entropy(m(P, "bfloat16"), L.tensor([0, 1, 2, 0]))),
    ("nll", lambda L, F, m: F.nll_loss(m(P, "bfloat16"), L.tensor([0, 1, 2, 0]))),
    ("prod", lambda L, F, m: m(P, "bfloat16").prod()),
    ("cdist", lambda L, F, m: L.cdist(m(P, "bfloat16"), m(P, "bfloat16"))),
    ("trace", lambda L, F, m: m(SPD, "bfloat16").trace()),
    ("inverse", lambda L, F, m: L.inverse(m(SPD, "bfloat16"))),
    ("cholesky", lambda L, F, m: L.linalg.cholesky(m(SPD, "bfloat16"))),
    ("max_pool3d", lambda L, F, m: F.max_pool3d(m(VOL, "bfloat16"), 2)),
    ("avg_pool3d", lambda L, F, m: F.avg_pool3d(m(VOL, "bfloat16"), 2)),
    ("max_pool2d", lambda L, F, m: F.max_pool2d(m(VOL[0], "bfloat16"), 2)),
    ("cat", lambda L, F, m: L.cat([m(X, "bfloat16"), m(X)])),
    ("cat_same", lambda L, F, m: L.cat([m(X, "bfloat16"), m(X, "bfloat16")])),
    ("stack", lambda L, F, m: L.stack([m(X, "bfloat16"), m(X)])),
    ("index_copy", lambda L, F, m: m(X).index_copy(0, L.tensor([1]), m(X[:1], "bfloat16"))),
    ("bilinear", lambda L, F, m: F.bilinear(m(X[:, :3]), m(X[:, :3]), m(V3[:, :, :3]))),
    ("pinverse", lambda L, F, m: L.pinverse(m(SPD, "bfloat16"))),
    ("lstsq", lambda L, F, m: L.linalg.lstsq(m(SPD, "bfloat16"), m(SPD, "bfloat16")).solution),
    ("solve", lambda L, F, m: L.linalg.solve(m(SPD, "bfloat16"), m(SPD, "bfloat16"))),
    ("eigh", lambda L, F, m: L.linalg.eigh(m(SPD, "bfloat16")).eigenvalues),
    ("svdvals", lambda L, F, m: L.linalg.svdvals(m(SPD, "bfloat16"))),
    ("qr", lambda L, F, m: L.linalg.qr(m(SPD, "bfloat16")).R.abs()),
    ("cholesky_solve", lambda L, F, m: L.cholesky_solve(m(SPD, "bfloat16"), m(np.linalg.cholesky(SPD), "bfloat16"))),
    ("vector_norm_bf16", lambda L, F, m: L.linalg.vector_norm(m(X, "bfloat16"))),
]


def _maker(lib):
    def make(a, dt="float32"):
        t = lib.tensor(a)
        return t.to(getattr(lib, dt)) if dt != "float32" else t
    return make


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_cpu_autocast_dtype_and_value(name, fn):
    with torch.autocast("cpu"):
        t = fn(torch, TF, _maker(torch))
    with ember.autocast("cpu"):
        e = fn(ember, EF, _maker(ember))
    assert str(e.dtype) == str(t.dtype), name
    # bilinear: float32 result of bfloat16 products (summation order may differ by one bf16 ulp)
    tol = 2e-2 if t.dtype == torch.bfloat16 or name == "bilinear" else 1e-3
    np.testing.assert_allclose(e.float().numpy(), t.float().numpy(), rtol=tol, atol=tol * 4)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
def test_recurrent_layers_under_autocast(kind):
    em = getattr(ember.nn, kind)(4, 3)
    tm = getattr(torch.nn, kind)(4, 3)
    tm.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in em.state_dict().items()})
    x = V3.transpose(1, 0, 2).copy() if "Cell" not in kind else X
    with torch.autocast("cpu"):
        t = tm(torch.tensor(x))
    with ember.autocast("cpu"):
        e = em(ember.tensor(x))
    flat = lambda o: [o] if not isinstance(o, tuple) else [z for y in o for z in flat(y)]  # noqa: E731
    for a, b in zip(flat(e), flat(t)):
        assert str(a.dtype) == str(b.dtype), kind
        np.testing.assert_allclose(a.float().detach().numpy(), b.float().detach().numpy(), rtol=3e-2, atol=3e-2)


def test_autocast_grads_flow_to_float32_params_and_use_cache():
    tw = torch.tensor(W, requires_grad=True)
    ew = ember.tensor(W, requires_grad=True)
    with torch.autocast("cpu"):
        ty = (torch.tensor(X) @ tw.T) @ (tw @ torch.tensor(X).T)
    with ember.autocast("cpu"):
        ey = (ember.tensor(X) @ ew.T) @ (ew @ ember.tensor(X).T)
        assert len(ember._autocast_state.state().cache) == 1  # the leaf's cast is reused
    assert len(ember._autocast_state.state().cache) == 0      # and dropped on exit
    assert ey.dtype == ember.bfloat16 and ey.grad_fn is not None
    ty.float().sum().backward()
    ey.float().sum().backward()
    assert ew.grad.dtype == ember.float32
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=5e-2, atol=0.5)


def test_autocast_nesting_disable_and_dtype():
    x = ember.ones(2, 2)
    with ember.autocast("cpu"):
        with ember.autocast("cpu", enabled=False):
            assert (x @ x).dtype == ember.float32 and not ember.is_autocast_enabled("cpu")
        with ember.autocast("cpu", dtype=ember.float16):
            assert (x @ x).dtype == ember.float16
            with ember.autocast("cpu"):  # dtype=None keeps the current one, as torch
                assert ember.get_autocast_dtype("cpu") == ember.float16
        assert (x @ x).dtype == ember.bfloat16
    assert not ember.is_autocast_enabled("cpu") and (x @ x).dtype == ember.float32
    assert ember._autocast_state.on[0] == 0


def test_autocast_is_per_thread():
    seen = {}
    go, done = threading.Event(), threading.Event()

    def other():
        go.wait()
        seen["enabled"] = ember.is_autocast_enabled("cpu")
        seen["dtype"] = (ember.ones(2, 2) @ ember.ones(2, 2)).dtype
        done.set()

    th = threading.Thread(target=other)
    th.start()
    with ember.autocast("cpu"):
        go.set()
        done.wait()
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.bfloat16
    th.join()
    assert seen == {"enabled": False, "dtype": ember.float32}


def test_autocast_decorator_and_state_functions():
    @ember.autocast("cpu")
    def f(a):
        return a @ a, ember.is_autocast_enabled("cpu")
    y, on = f(ember.ones(2, 2))
    assert y.dtype == ember.bfloat16 and on
    assert ember.autocast_increment_nesting() == torch.autocast_increment_nesting() == 1
    assert ember.autocast_decrement_nesting() == torch.autocast_decrement_nesting() == 0
    ember.set_autocast_enabled("cpu", True)
    assert (ember.ones(1, 1) @ ember.ones(1, 1)).dtype == ember.bfloat16
    ember.set_autocast_enabled("cpu", False)
    with pytest.warns(DeprecationWarning):
        assert ember.get_autocast_cpu_dtype() == ember.bfloat16
    assert ember.amp.is_autocast_available("cpu") == torch.amp.is_autocast_available("cpu")
    for bad in ("xyz",):
        with pytest.raises(RuntimeError):
            torch.autocast(bad)
        with pytest.raises(RuntimeError):
            ember.autocast(bad)
    with pytest.raises(ValueError):
        torch.autocast(1)
    with pytest.raises(ValueError):
        ember.autocast(1)


@pytest.mark.parametrize("make", [lambda L: L.autocast("cuda"), lambda L: L.cuda.amp.autocast(),
                                  lambda L: L.autocast("cpu", dtype=L.float64), lambda L: L.cpu.amp.autocast()])
def test_autocast_warnings_match_torch(make):
    def run(L):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            with make(L):
                d = (L.ones(2, 2) @ L.ones(2, 2)).dtype
        return str(d), sorted((w.category.__name__, str(w.message).split("(")[0][:40]) for w in rec)
    assert run(ember) == run(torch)


def test_custom_fwd_casts_inputs():
    class Sq(ember.autograd.Function):
        @staticmethod
        @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
        def forward(ctx, x):
            ctx.inner = ember.is_autocast_enabled("cpu")
            return x @ x

        @staticmethod
        @ember.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            return g
    with ember.autocast("cpu"):
        y = Sq.apply(ember.ones(2, 2, dtype=ember.bfloat16))
    assert y.dtype == ember.float32


# ------------------------------------------------------------------ GradScaler
def _scaler_run(L, grads, **kw):
    w = L.nn.Parameter(L.tensor([1.0, 2.0]))
    opt = L.optim.SGD([w], lr=0.1)
    s = L.amp.GradScaler("cpu", **kw)
    trace = []
    for g in grads:
        opt.zero_grad()
        s.scale((w * w).sum()).backward()
        if g is not None:
            w.grad = L.tensor(g)
        s.step(opt)
        s.update()
        trace.append((s.get_scale(), s.state_dict()["_growth_tracker"], w.detach().numpy().copy().tolist()))
    return trace, s.state_dict()


def test_grad_scaler_matches_torch():
    grads = [None, None, [float("inf"), 1.0], None, [float("nan"), 0.0], None, None, None]
    for kw in (dict(init_scale=4.0, growth_interval=2), dict(init_scale=8.0, growth_factor=3.0, backoff_factor=0.25,
                                                             growth_interval=3)):
        et, es = _scaler_run(ember, grads, **kw)
        tt, ts = _scaler_run(torch, grads, **kw)
        assert es == ts
        for a, b in zip(et, tt):
            assert a[:2] == b[:2]
            np.testing.assert_allclose(a[2], b[2], rtol=1e-6)


def test_grad_scaler_errors_and_state():
    for L in (ember, torch):
        w = L.nn.Parameter(L.ones(2))
        opt = L.optim.SGD([w], lr=0.1)
        s = L.amp.GradScaler("cpu")
        with pytest.raises(AssertionError):
            s.update()
        s.scale(w.sum()).backward()
        s.unscale_(opt)
        with pytest.raises(RuntimeError):
            s.unscale_(opt)
        with pytest.raises(RuntimeError):
            s.step(opt, closure=lambda: 0)
        with pytest.raises(ValueError):
            s.scale(3.0)
        with pytest.raises(RuntimeError):
            s.load_state_dict({})
        s.load_state_dict({"scale": 8.0, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 5,
                           "_growth_tracker": 2})
        assert s.get_scale() == 8.0 and s.state_dict()["_growth_tracker"] == 2
        s.update(3.0)
        assert s.get_scale() == 3.0
        with pytest.raises(AssertionError):
            s.update(L.tensor([3.0, 1.0]))
    e = ember.amp.GradScaler("cpu", init_scale=4.0)
    e2 = pickle.loads(pickle.dumps(e))
    assert e2.state_dict() == e.state_dict()


def test_grad_scaler_disabled_passthrough():
    x = ember.ones(2)
    w = ember.nn.Parameter(ember.ones(1))
    w.grad = ember.tensor([float("inf")])
    opt = ember.optim.SGD([w], lr=1.0)
    s = ember.amp.GradScaler("cpu", enabled=False)
    assert s.scale(x) is x and s.get_scale() == 1.0 and s.state_dict() == {}
    s.step(opt)  # steps even with inf: a disabled scaler checks nothing
    assert not np.isfinite(w.detach().numpy()).all()
    for L in (ember, torch):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            assert not L.cuda.amp.GradScaler().is_enabled()
        with pytest.warns(UserWarning, match="CUDA is not available"):
            assert not L.amp.GradScaler().is_enabled()


def test_compat_imports_of_amp_namespaces(tmp_path):
    import os
    import subprocess
    import sys
    script = tmp_path / "prog.py"
    script.write_text(
        "import warnings\nwarnings.simplefilter('ignore')\nimport torch\n"
        "from torch.cuda.amp import autocast as ca, GradScaler\nfrom torch.cpu.amp import autocast\n"
        "from torch.amp import GradScaler as G\nfrom torch.utils.checkpoint import checkpoint\n"
        "with autocast():\n    print((torch.ones(2, 2) @ torch.ones(2, 2)).dtype, GradScaler().is_enabled(),"
        " G('cpu').is_enabled(), torch.__name__)\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)))
    out = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.stdout.split() == ["torch.bfloat16", "False", "True", "ember"], out.stderr


def test_product_family_dtypes_match_torch():
    def run(L):
        m, v, t = L.ones(3, 3), L.ones(3), L.ones(2, 3, 3)
        fns = [lambda: L.mv(m, v), lambda: L.dot(v, v), lambda: L.vdot(v, v), lambda: L.inner(m, m),
               lambda: L.inner(v, v), lambda: L.outer(v, v), lambda: m @ v, lambda: v @ v, lambda: L.matmul(v, m),
               lambda: L.tensordot(v, v, 1), lambda: L.tensordot(m, m, 2), lambda: L.tensordot(m, m, 1),
               lambda: L.tensordot(v, v, 0), lambda: L.tensordot(t, v, 1), lambda: L.einsum("i,i->", v, v),
               lambda: L.kron(m, m), lambda: L.linalg.multi_dot([m, m, m]), lambda: L.linalg.matrix_power(m, 3),
               lambda: L.tensordot(m, m, ([0, 1], [1, 0])), lambda: L.inner(t, v)]
        with L.autocast("cpu"):
            return [str(f().dtype) for f in fns]
    assert run(ember) == run(torch)
