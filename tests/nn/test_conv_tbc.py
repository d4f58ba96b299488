"""F.conv_tbc and F's documentation dicts against PyTorch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
rng = np.random.default_rng(0)


@pytest.mark.parametrize("pad", [0, 1, 2])
def test_conv_tbc(pad):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(7, 2, 3), (3, 3, 4), (4,)]]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    ye, yt = F.conv_tbc(*E, pad), TF.conv_tbc(*T, pad)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    ye.backward(ember.tensor(g)), yt.backward(torch.tensor(g))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shapes", [[(7, 2), (3, 2, 4), (4,)], [(7, 2, 3), (3, 2, 4), (4,)],
                                    [(7, 2, 2), (3, 2, 4), (5,)]])
def test_conv_tbc_errors(shapes):
    with pytest.raises(RuntimeError):
        TF.conv_tbc(*[torch.ones(s) for s in shapes])
    with pytest.raises(RuntimeError):
        F.conv_tbc(*[ember.ones(s) for s in shapes])


def test_doc_dicts_have_torchs_keys():
    for n in ("reproducibility_notes", "sparse_support_notes", "tf32_notes"):
        assert set(getattr(F, n)) == set(getattr(TF, n))
