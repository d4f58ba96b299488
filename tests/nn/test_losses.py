"""Loss functions and modules against PyTorch for every reduction, forward and backward."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

rng = np.random.default_rng(0)
A, B = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
P = rng.random((4, 5)) * 0.98 + 0.01
T01 = (rng.random((4, 5)) > 0.5) * 1.0
PM = np.sign(rng.standard_normal(4))
Q = P / P.sum(1, keepdims=True)

CASES = [
    ("l1_loss", [A, B], [1, 1], {}), ("mse_loss", [A, B], [1, 1], {}),
    ("binary_cross_entropy", [P, T01], [1, 0], {}), ("binary_cross_entropy", [P, P], [1, 1], dict(weight=rng.random(5))),
    ("binary_cross_entropy_with_logits", [A * 10, P], [1, 1], {}),
    ("binary_cross_entropy_with_logits", [A, T01], [1, 0], dict(pos_weight=rng.random(5) * 3, weight=rng.random(5))),
    ("huber_loss", [A, B], [1, 1], dict(delta=0.5)), ("smooth_l1_loss", [A, B], [1, 1], dict(beta=0.7)),
    ("smooth_l1_loss", [A, B], [1, 1], dict(beta=0.0)),
    ("kl_div", [np.log(Q), Q], [1, 1], {}), ("kl_div", [np.log(Q), np.log(Q[::-1])], [1, 1], dict(log_target=True)),
    ("margin_ranking_loss", [A[:, 0], B[:, 0], PM], [1, 1, 0], dict(margin=0.3)),
    ("hinge_embedding_loss", [A, np.sign(B)], [1, 0], dict(margin=0.5)),
    ("cosine_embedding_loss", [A, B, PM], [1, 1, 0], dict(margin=0.1)),
    ("triplet_margin_loss", [A, B, rng.standard_normal((4, 5))], [1, 1, 1], dict(margin=2.0, swap=True)),
    ("multilabel_soft_margin_loss", [A, T01], [1, 0], dict(weight=rng.random(5))),
    ("gaussian_nll_loss", [A, B, P], [1, 1, 1], dict(full=True)), ("gaussian_nll_loss", [A, B, P[:, 0]], [1, 1, 1], {}),
    ("poisson_nll_loss", [A, np.abs(B) * 3], [1, 0], dict(full=True)),
    ("poisson_nll_loss", [P, np.abs(B)], [1, 0], dict(log_input=False)),
    ("soft_margin_loss", [A, np.sign(B)], [1, 0], {}),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,arrays,rgs,kw", CASES)
def test_loss_matches_pytorch(name, arrays, rgs, kw, reduction):
    rgs = [bool(r) for r in rgs]
    E = [ember.tensor(a, requires_grad=r) for a, r in zip(arrays, rgs)]
    T = [torch.tensor(a, requires_grad=r) for a, r in zip(arrays, rgs)]
    kwe = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    kwt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ye = getattr(F, name)(*E, reduction=reduction, **kwe)
        yt = getattr(TF, name)(*T, reduction=reduction, **kwt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    ye.sum().backward()
    yt.sum().backward()
    for e, t, r in zip(E, T, rgs):
        if r:
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_kl_div_batchmean_and_errors():
    e = F.kl_div(ember.tensor(np.log(Q)), ember.tensor(Q[::-1].copy()), reduction="batchmean")
    t = TF.kl_div(torch.tensor(np.log(Q)), torch.tensor(Q[::-1].copy()), reduction="batchmean")
    assert abs(e.item() - t.item()) < 1e-12
    with pytest.raises(ValueError):
        F.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([1.0, 0.0]))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(ember.tensor([1.5]), ember.tensor([1.0]))
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.mse_loss(ember.ones(3), ember.ones(4))


MODULES = ["L1Loss()", "MSELoss(reduction='sum')", "BCELoss()", "BCEWithLogitsLoss()", "HuberLoss()",
           "SmoothL1Loss()", "KLDivLoss()", "MarginRankingLoss()", "HingeEmbeddingLoss()", "CosineEmbeddingLoss()",
           "TripletMarginLoss()", "MultiLabelSoftMarginLoss()", "GaussianNLLLoss()", "PoissonNLLLoss()",
           "SoftMarginLoss()", "CrossEntropyLoss()", "NLLLoss()"]


@pytest.mark.parametrize("expr", MODULES)
def test_loss_module_repr_and_state(expr):
    ours, theirs = eval("ember.nn." + expr), eval("torch.nn." + expr)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.reduction == theirs.reduction
