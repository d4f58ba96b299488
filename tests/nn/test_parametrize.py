"""nn.utils.parametrize, parametrizations.{weight_norm, spectral_norm, orthogonal} and the
hook-based weight_norm/spectral_norm against PyTorch: state_dict keys, torch checkpoints
loading into ember, outputs and gradients."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.utils.parametrize as EP

torch = pytest.importorskip("torch")
import torch.nn.utils.parametrize as TP  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)


def _e(t):
    return ember.tensor(t.detach().numpy())


def _load(em, tm):
    sd = {k: _e(v) for k, v in tm.state_dict().items()}
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict(sd)


def _fwd_bwd(em, tm, shape, tol=1e-5, passes=1):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for _ in range(passes):
        xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ye, yt = em(xe), tm(xt)
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
        (ye * ye).sum().backward()
        (yt * yt).sum().backward()
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    te = dict(em.named_parameters())
    for n, p in tm.named_parameters():
        np.testing.assert_allclose(te[n].grad.numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=n)


class _Sym:
    @staticmethod
    def make(nn):
        class Sym(nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)
        return Sym()

    @staticmethod
    def scaled(nn):
        class Scale(nn.Module):
            def forward(self, X):
                return 3 * X

            def right_inverse(self, X):
                return X / 3
        return Scale()


def test_register_parametrization_keys_class_and_load():
    tm = TP.register_parametrization(torch.nn.Linear(4, 4), "weight", _Sym.make(torch.nn))
    em = EP.register_parametrization(ember.nn.Linear(4, 4), "weight", _Sym.make(ember.nn))
    assert type(em).__name__ == type(tm).__name__ == "ParametrizedLinear"
    assert isinstance(em, ember.nn.Linear)
    assert EP.is_parametrized(em) and EP.is_parametrized(em, "weight") and not EP.is_parametrized(em, "bias")
    assert EP.type_before_parametrizations(em) is ember.nn.Linear
    _load(em, tm)
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy())
    _fwd_bwd(em, tm, (3, 4))
    assert em.parametrizations.weight.original.grad is not None


def test_right_inverse_assignment_chaining_and_remove():
    tm = TP.register_parametrization(torch.nn.Linear(3, 3), "weight", _Sym.scaled(torch.nn))
    em = EP.register_parametrization(ember.nn.Linear(3, 3), "weight", _Sym.scaled(ember.nn))
    _load(em, tm)
    w = np.arange(9, dtype=np.float32).reshape(3, 3)
    with torch.no_grad():
        tm.weight = torch.tensor(w)
    em.weight = ember.tensor(w)
    np.testing.assert_allclose(em.parametrizations.weight.original.detach().numpy(),
                               tm.parametrizations.weight.original.detach().numpy())
    TP.register_parametrization(tm, "weight", _Sym.make(torch.nn))
    EP.register_parametrization(em, "weight", _Sym.make(ember.nn))
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy())
    with pytest.raises(RuntimeError):  # Sym has no right_inverse
        em.weight = ember.zeros(3, 3)
    for leave in (True, False):
        t2 = TP.register_parametrization(torch.nn.Linear(2, 2), "weight", _Sym.scaled(torch.nn))
        e2 = EP.register_parametrization(ember.nn.Linear(2, 2), "weight", _Sym.scaled(ember.nn))
        _load(e2, t2)
        TP.remove_parametrizations(t2, "weight", leave_parametrized=leave)
        EP.remove_parametrizations(e2, "weight", leave_parametrized=leave)
        assert type(e2) is ember.nn.Linear and list(e2.state_dict()) == list(t2.state_dict())
        np.testing.assert_allclose(e2.weight.detach().numpy(), t2.weight.detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError):
        EP.remove_parametrizations(ember.nn.Linear(2, 2), "weight")


def test_cached_and_errors():
    em = EP.register_parametrization(ember.nn.Linear(2, 2), "weight", _Sym.make(ember.nn))
    assert em.weight is not em.weight
    with EP.cached():
        assert em.weight is em.weight

    class Bad(ember.nn.Module):
        def forward(self, X):
            return X[0]
    with pytest.raises(ValueError):
        EP.register_parametrization(ember.nn.Linear(2, 2), "weight", Bad())
    with pytest.raises(ValueError):
        EP.register_parametrization(ember.nn.Linear(2, 2), "nope", Bad())
    EP.register_parametrization(ember.nn.Linear(2, 2), "weight", Bad(), unsafe=True)


@pytest.mark.parametrize("dim", [0, 1, None, -2])
def test_weight_norm_parametrization(dim):
    tm = torch.nn.utils.parametrizations.weight_norm(torch.nn.Conv1d(3, 4, 3), dim=dim)
    em = ember.nn.utils.parametrizations.weight_norm(ember.nn.Conv1d(3, 4, 3), dim=dim)
    _load(em, tm)
    _fwd_bwd(em, tm, (2, 3, 6))


def test_weight_norm_old_style_hook_and_checkpoint_conversion():
    tm = torch.nn.utils.weight_norm(torch.nn.Linear(5, 3))
    em = ember.nn.utils.weight_norm(ember.nn.Linear(5, 3))
    _load(em, tm)
    assert list(em.state_dict()) == ["bias", "weight_g", "weight_v"]
    _fwd_bwd(em, tm, (2, 5))
    # an old weight_g/weight_v checkpoint loads into the parametrization-based weight_norm
    new = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(5, 3))
    new.load_state_dict({k: _e(v) for k, v in tm.state_dict().items()})
    np.testing.assert_allclose(new.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError):
        ember.nn.utils.weight_norm(em)
    torch.nn.utils.remove_weight_norm(tm)
    ember.nn.utils.remove_weight_norm(em)
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError):
        ember.nn.utils.remove_weight_norm(em)


@pytest.mark.parametrize("make", [lambda nn: nn.Linear(5, 3), lambda nn: nn.Conv2d(2, 4, 3),
                                  lambda nn: nn.ConvTranspose2d(2, 4, 3)])
def test_spectral_norm_old_style_same_u_v(make):
    tm = torch.nn.utils.spectral_norm(make(torch.nn), n_power_iterations=2)
    em = ember.nn.utils.spectral_norm(make(ember.nn), n_power_iterations=2)
    _load(em, tm)
    shape = (2, 5) if isinstance(em, ember.nn.Linear) else (1, 2, 5, 5)
    _fwd_bwd(em, tm, shape, tol=1e-4, passes=3)
    np.testing.assert_allclose(em.weight_u.numpy(), tm.weight_u.numpy(), rtol=1e-4, atol=1e-5)
    tm.eval(), em.eval()
    _fwd_bwd(em, tm, shape, tol=1e-4)
    torch.nn.utils.remove_spectral_norm(tm)
    ember.nn.utils.remove_spectral_norm(em)
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("make", [lambda nn: nn.Linear(5, 3), lambda nn: nn.Conv2d(2, 4, 3),
                                  lambda nn: nn.ConvTranspose2d(2, 4, 3)])
def test_spectral_norm_parametrization_checkpoint(make):
    tm = torch.nn.utils.parametrizations.spectral_norm(make(torch.nn))
    em = ember.nn.utils.parametrizations.spectral_norm(make(ember.nn))
    _load(em, tm)
    shape = (2, 5) if isinstance(em, ember.nn.Linear) else (1, 2, 5, 5)
    _fwd_bwd(em, tm, shape, tol=1e-4, passes=3)
    np.testing.assert_allclose(em.parametrizations.weight[0]._u.numpy(),
                               tm.parametrizations.weight[0]._u.numpy(), rtol=1e-4, atol=1e-5)
    tm.eval(), em.eval()
    _fwd_bwd(em, tm, shape, tol=1e-4)


@pytest.mark.parametrize("shape,omap", [((4, 4), None), ((4, 4), "cayley"), ((3, 5), None),
                                        ((5, 3), "householder"), ((5, 3), "matrix_exp")])
def test_orthogonal_checkpoint_and_training(shape, omap):
    torch.manual_seed(0)
    tm = torch.nn.utils.parametrizations.orthogonal(torch.nn.Linear(shape[1], shape[0]), orthogonal_map=omap)
    em = ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(shape[1], shape[0]), orthogonal_map=omap)
    assert list(em.state_dict()) == list(tm.state_dict())
    with torch.no_grad():  # move away from the identity so the map is exercised (householder reads the
        noise = 0.1 * torch.randn(shape)  # diagonal's sign by int(): keep it)
        noise.diagonal().zero_()
        tm.parametrizations.weight.original.add_(noise)
    _load(em, tm)
    _fwd_bwd(em, tm, (2, shape[1]), tol=1e-4)
    w = em.weight.detach().numpy()
    small = min(shape)
    gram = w @ w.T if shape[0] == small else w.T @ w
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)
    # assigning an orthogonal-ised weight: same base as PyTorch's (QR with positive diagonal)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    if shape[0] == shape[1]:
        with torch.no_grad():
            tm.weight = torch.tensor(x)
        em.weight = ember.tensor(x)
        np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(), atol=1e-5)


def test_orthogonal_errors():
    with pytest.raises(ValueError):
        ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(2, 2), orthogonal_map="qr")
    with pytest.raises(ValueError):
        ember.nn.utils.parametrizations.orthogonal(ember.nn.BatchNorm1d(2))


def test_spectral_norm_pre_version_checkpoint_gets_v():
    # W (4, 3) so that W^T W is invertible (PyTorch's pinverse of a singular one is float noise)
    tm = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 4))
    tm(torch.randn(2, 3))
    old = {k: v for k, v in tm.state_dict().items() if k != "weight_v"}
    old["weight"] = tm.weight.detach().clone()  # the pre-1.0 layout: weight saved, no weight_v, no version
    t2 = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 4))
    t2.load_state_dict(dict(old))
    e2 = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 4))
    e2.load_state_dict({k: _e(v) for k, v in old.items()})
    np.testing.assert_allclose(e2.weight_v.numpy(), t2.weight_v.numpy(), rtol=1e-4, atol=1e-5)
    assert e2.state_dict()._metadata[""]["spectral_norm"] == t2.state_dict()._metadata[""]["spectral_norm"]


@pytest.mark.parametrize("kind", ["parametrize_weight_norm", "spectral_norm", "orthogonal", "old_weight_norm"])
def test_torch_saved_checkpoint_file_loads(tmp_path, kind):
    make = {"parametrize_weight_norm": lambda nn: nn.utils.parametrizations.weight_norm(nn.Linear(4, 3)),
            "spectral_norm": lambda nn: nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3)),
            "orthogonal": lambda nn: nn.utils.parametrizations.orthogonal(nn.Linear(4, 3)),
            "old_weight_norm": lambda nn: nn.utils.weight_norm(nn.Linear(4, 3))}[kind]
    tm = make(torch.nn)
    path = tmp_path / "ckpt.pt"
    torch.save(tm.state_dict(), path)
    em = make(ember.nn)
    em.load_state_dict(ember.load(str(path)))
    tm.eval(), em.eval()
    _fwd_bwd(em, tm, (2, 4), tol=1e-5)


def test_buffer_parametrization_deepcopy_and_pickle_refusal():
    tm, em = torch.nn.BatchNorm1d(3), ember.nn.BatchNorm1d(3)
    TP.register_parametrization(tm, "running_var", _Sym.scaled(torch.nn))
    EP.register_parametrization(em, "running_var", _Sym.scaled(ember.nn))
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    _load(em, tm)
    np.testing.assert_allclose(em.running_var.numpy(), tm.running_var.numpy())
    import copy
    import pickle
    lin = EP.register_parametrization(ember.nn.Linear(2, 2), "weight", _Sym.make(ember.nn))
    twin = copy.deepcopy(lin)
    assert type(twin) is type(lin) and EP.is_parametrized(twin, "weight")
    assert twin.parametrizations.weight.original is not lin.parametrizations.weight.original
    np.testing.assert_array_equal(twin.weight.detach().numpy(), lin.weight.detach().numpy())
    with pytest.raises(RuntimeError):
        pickle.dumps(lin)


@pytest.mark.parametrize("shape,omap", [((5, 3), "householder"), ((3, 5), "householder"), ((4, 4), "householder"),
                                        ((4, 4), "matrix_exp"), ((3, 5), "cayley")])
def test_orthogonal_without_trivialization(shape, omap):
    torch.manual_seed(1)
    tm = torch.nn.utils.parametrizations.orthogonal(torch.nn.Linear(shape[1], shape[0]), orthogonal_map=omap,
                                                     use_trivialization=False)
    src = torch.nn.Linear(shape[1], shape[0])
    em = ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(shape[1], shape[0]), orthogonal_map=omap,
                                                     use_trivialization=False)
    assert list(em.state_dict()) == list(tm.state_dict())
    _load(em, tm)
    _fwd_bwd(em, tm, (2, shape[1]), tol=1e-4)
    w = src.weight.detach().numpy()
    if omap == "householder":  # assigning goes through geqrf in both
        with torch.no_grad():
            tm.weight = torch.tensor(w)
        em.weight = ember.tensor(w)
        np.testing.assert_allclose(em.parametrizations.weight.original.detach().numpy(),
                                   tm.parametrizations.weight.original.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(), atol=1e-5)
    else:
        with pytest.raises(NotImplementedError):
            em.weight = ember.tensor(w)


def test_loading_old_weight_norm_keys_leaves_callers_dict_alone():
    tm = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2))
    sd = {k: _e(v) for k, v in tm.state_dict().items()}
    keys = list(sd)
    ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(3, 2)).load_state_dict(sd)
    assert list(sd) == keys
