"""ember.optim's layout and argument checks match torch.optim: one module per optimizer at the
path torch uses, and the same ValueError (type and message) for each bad argument."""
import importlib

import pytest

import ember

torch = pytest.importorskip("torch")

MODULES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "adamax": "Adamax", "nadam": "NAdam",
           "radam": "RAdam", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta",
           "rprop": "Rprop", "asgd": "ASGD", "sparse_adam": "SparseAdam", "lbfgs": "LBFGS"}


@pytest.mark.parametrize("module,name", sorted(MODULES.items()))
def test_each_optimizer_lives_in_torchs_module(module, name):
    ours = importlib.import_module(f"ember.optim.{module}")
    theirs = importlib.import_module(f"torch.optim.{module}")
    assert getattr(ours, name) is getattr(ember.optim, name)
    assert getattr(theirs, name).__name__ == name
    assert getattr(ours, name).__module__ == f"ember.optim.{module}"


BAD = [("SGD", dict(lr=-1.0)), ("SGD", dict(lr=0.1, momentum=-1.0)), ("SGD", dict(lr=0.1, weight_decay=-1.0)),
       ("Adam", dict(lr=-1.0)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.9))),
       ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-1.0)), ("AdamW", dict(lr=-1.0)),
       ("Adamax", dict(eps=-1.0)), ("NAdam", dict(momentum_decay=-1.0)), ("NAdam", dict(betas=(0.9, 1.0))),
       ("RAdam", dict(weight_decay=-1.0)), ("RMSprop", dict(lr=-1.0)), ("RMSprop", dict(eps=-1.0)),
       ("RMSprop", dict(momentum=-1.0)), ("RMSprop", dict(weight_decay=-1.0)), ("RMSprop", dict(alpha=-1.0)),
       ("Adagrad", dict(lr=-1.0)), ("Adagrad", dict(lr_decay=-1.0)), ("Adagrad", dict(weight_decay=-1.0)),
       ("Adagrad", dict(initial_accumulator_value=-1.0)), ("Adagrad", dict(eps=-1.0)),
       ("Adadelta", dict(lr=-1.0)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1.0)),
       ("Adadelta", dict(weight_decay=-1.0)), ("Rprop", dict(lr=-1.0)), ("Rprop", dict(etas=(1.5, 2.0))),
       ("ASGD", dict(lr=-1.0)), ("ASGD", dict(weight_decay=-1.0))]


@pytest.mark.parametrize("name,kw", BAD, ids=[f"{n}-{next(iter(k))}" for n, k in BAD])
def test_bad_arguments_raise_torchs_error(name, kw):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **kw)
    with pytest.raises(ValueError) as ours:
        getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(1))], **kw)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name,kw", [("Adam", dict(weight_decay=0.1, decoupled_weight_decay=True)),
                                     ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
                                     ("RAdam", dict(weight_decay=0.1, maximize=True)),
                                     ("Adamax", dict(weight_decay=0.1, maximize=True)),
                                     ("ASGD", dict(weight_decay=0.1, maximize=True)),
                                     ("Rprop", dict(maximize=True))])
def test_shared_prologue_matches_torch(name, kw):
    """maximize, the step count and (coupled or decoupled) weight decay, done once in Optimizer."""
    import numpy as np
    w0 = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    ws, wt = ember.nn.Parameter(ember.tensor(w0)), torch.nn.Parameter(torch.tensor(w0))
    opt_s, opt_t = getattr(ember.optim, name)([ws], lr=0.01, **kw), getattr(torch.optim, name)([wt], lr=0.01, **kw)
    for _ in range(4):
        for w, opt in ((ws, opt_s), (wt, opt_t)):
            opt.zero_grad()
            (w * w * w).sum().backward()
            opt.step()
    np.testing.assert_allclose(ws.detach().numpy(), wt.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert float(opt_s.state[ws]["step"]) == float(opt_t.state[wt]["step"]) == 4.0
