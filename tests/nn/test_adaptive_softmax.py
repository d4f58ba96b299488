"""AdaptiveLogSoftmaxWithLoss against PyTorch with the same parameters: output, loss,
parameter gradients, log_prob, predict, unbatched input, state_dict keys and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _twins(seed, in_features, n_classes, cutoffs, div_value, head_bias):
    torch.manual_seed(seed)
    mt = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value, head_bias)
    me = ember.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value, head_bias)
    assert list(me.state_dict()) == list(mt.state_dict())
    me.load_state_dict({k: ember.tensor(v.numpy()) for k, v in mt.state_dict().items()})
    assert repr(me) == repr(mt)
    return me, mt


@pytest.mark.parametrize("seed,cutoffs,div_value,head_bias", [(0, [3, 6], 2.0, False), (1, [5], 4.0, True),
                                                             (2, [2, 4, 8], 1.5, False)])
def test_adaptive_log_softmax_matches_pytorch(seed, cutoffs, div_value, head_bias):
    me, mt = _twins(seed, 8, 12, cutoffs, div_value, head_bias)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((7, 8)).astype(np.float32)
    t = rng.integers(0, 12, 7)
    t[0], t[1] = 11, 0
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    oe, ot = me(xe, ember.tensor(t)), mt(xt, torch.tensor(t))
    np.testing.assert_allclose(oe.output.detach().numpy(), ot.output.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(oe.loss.item(), ot.loss.item(), rtol=1e-5)
    oe.loss.backward()
    ot.loss.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)
    for (ne, pe), (nt, pt) in zip(me.named_parameters(), mt.named_parameters()):
        assert ne == nt and (pe.grad is None) == (pt.grad is None)       # an unused cluster gets no gradient
        if pt.grad is not None:
            np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(me.log_prob(ember.tensor(x)).detach().numpy(),
                               mt.log_prob(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(me.predict(ember.tensor(x)).numpy(), mt.predict(torch.tensor(x)).numpy())
    ue, ut = me(ember.tensor(x[2]), ember.tensor(t[2])), mt(torch.tensor(x[2]), torch.tensor(t[2]))
    assert ue.output.shape == () and ut.output.shape == ()
    np.testing.assert_allclose(ue.output.item(), ut.output.item(), rtol=1e-5)


def test_adaptive_log_softmax_errors():
    for cut in ([3, 3], [0, 3], [3, 10], [5, 3], [3.5]):
        with pytest.raises(ValueError):
            torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cut)
        with pytest.raises(ValueError):
            ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cut)
    me, mt = _twins(0, 8, 10, [3, 6], 2.0, False)
    bad = [((4, 8), [0, 4, 9]), ((4, 8), 1), ((8,), [1]), ((4, 8), [[1]]), ((2, 8), [1, 10]), ((2, 8), [1, -1])]
    for shape, tgt in bad:
        with pytest.raises(RuntimeError):
            mt(torch.zeros(shape), torch.tensor(tgt))
        with pytest.raises(RuntimeError):
            me(ember.zeros(shape), ember.tensor(tgt))
