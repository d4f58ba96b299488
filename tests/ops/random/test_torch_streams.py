"""ember's generator is PyTorch's CPU generator: the same seed gives PyTorch's numbers for
rand/randn/randint/randperm, the uniform_/normal_/random_/exponential_ fills, torch.normal,
bernoulli, multinomial, dropout (PyTorch's non-MKL CPU kernel: what it runs on AMD and ARM
processors) and the nn.init schemes (so a seeded model starts from PyTorch's weights), and the
state is PyTorch's 5056 bytes, interchangeable both ways."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _arrays(out):
    out = out if isinstance(out, (list, tuple)) else [out]
    return [t.detach().float().numpy() if str(t.dtype) == "torch.bfloat16" else t.detach().numpy() for t in out]


def _both(fn, seed=42):
    torch.manual_seed(seed)
    a = _arrays(fn(torch))
    ember.manual_seed(seed)
    b = _arrays(fn(ember))
    assert len(a) == len(b)
    return a, b


EXACT = {
    "rand": lambda L: L.rand(5, 7),
    "rand float64": lambda L: L.rand(5, dtype=L.float64),
    "rand float16": lambda L: L.rand(9, dtype=L.float16),
    "rand bfloat16": lambda L: L.rand(9, dtype=L.bfloat16),
    "randn under 16": lambda L: [L.randn(7), L.randn(3), L.randn(1)],
    "randn float64": lambda L: L.randn(11, 3, dtype=L.float64),
    "randint": lambda L: L.randint(-5, 17, (4, 6)),
    "randint 2**40": lambda L: L.randint(0, 2 ** 40, (5,)),
    "randperm": lambda L: L.randperm(100),
    "uniform_": lambda L: L.empty(50).uniform_(-0.3, 0.7),
    "normal_ under 16": lambda L: L.empty(5).normal_(2.0, 0.5),
    "random_": lambda L: L.empty(10, dtype=L.int64).random_(0, 100),
    "rand_like, randint_like": lambda L: [L.rand_like(L.zeros(3, 4)), L.randint_like(L.zeros(3, 4), 10)],
    "a generator": lambda L: L.rand(4, generator=L.Generator().manual_seed(7)),
    "exponential_, multinomial": lambda L: [L.empty(30).exponential_(3.0), L.multinomial(L.tensor([0.1, 0.2, 0.3, 0.4]), 1),
                                            L.multinomial(L.tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0., 0.25, 0.25]]), 2),
                                            L.multinomial(L.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.]]), 9, replacement=True)],
    "dropout, bernoulli_(p)": lambda L: [L.nn.functional.dropout(L.ones(4, 6), 0.3), L.nn.Dropout(0.5)(L.ones(10)),
                                         L.nn.functional.dropout2d(L.ones(2, 3, 2, 2), 0.5),
                                         L.empty(12).bernoulli_(0.3)],
    "bernoulli of a tensor": lambda L: [L.bernoulli(L.linspace(0.05, 0.95, 40)),
                                        L.empty(40).bernoulli_(L.linspace(0.05, 0.95, 40, dtype=L.float64))],
    "Linear, Conv2d, LSTM": lambda L: [p for m in (L.nn.Linear(20, 30), L.nn.Conv2d(3, 8, 3), L.nn.LSTM(10, 20))
                                       for p in m.parameters()],
}


def _intel_mkl():
    """torch draws bernoulli(p) through MKL on Intel processors (a stream ember does not copy)."""
    try:
        with open("/proc/cpuinfo") as f:
            intel = "GenuineIntel" in f.read(4096)
    except OSError:
        intel = False
    return intel and torch.backends.mkl.is_available()


@pytest.mark.parametrize("name", sorted(EXACT))
def test_seeded_draws_are_torchs_bits(name):
    if name.startswith("dropout") and _intel_mkl():
        pytest.skip("torch's bernoulli(p) runs MKL's stream on Intel processors")
    a, b = _both(EXACT[name])
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(y, x)


CLOSE = {   # Box-Muller over blocks of 16 float32 values: torch's C library log/cos/sin (an ulp apart)
    "randn": lambda L: [L.randn(1000), L.randn(37), L.randn(33, dtype=L.float64), L.randn(32, dtype=L.float16)],
    "normal_": lambda L: L.empty(40).normal_(2.0, 0.5),
    "torch.normal": lambda L: [L.normal(0.0, 1.0, size=(20,)), L.normal(L.zeros(30), L.ones(30) * 2)],
    "Embedding, xavier_normal_, kaiming_normal_": lambda L: [
        L.nn.Embedding(100, 16).weight, L.nn.init.xavier_normal_(L.empty(30, 40)),
        L.nn.init.kaiming_normal_(L.empty(64, 3, 7, 7), mode="fan_out", nonlinearity="relu")],
}


@pytest.mark.parametrize("name", sorted(CLOSE))
def test_seeded_normals_are_torchs_to_an_ulp(name):
    a, b = _both(CLOSE[name])
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_allclose(y, x, rtol=2 * np.finfo(x.dtype).eps, atol=2 * np.finfo(x.dtype).eps)


def test_state_is_torchs_layout_both_ways():
    torch.manual_seed(3)
    torch.rand(7)
    torch.randn(1)                      # (a cached second normal)
    ember.manual_seed(3)
    ember.rand(7)
    ember.randn(1)
    ts, es = torch.get_rng_state(), ember.get_rng_state()
    assert es.shape == ts.shape == (5056,) and es.dtype == ember.uint8
    np.testing.assert_array_equal(es.numpy(), ts.numpy())
    ember.set_rng_state(ember.tensor(ts.numpy()))        # torch's state into ember
    np.testing.assert_array_equal(ember.randn(5).numpy(), torch.randn(5).numpy())
    torch.set_rng_state(torch.tensor(ember.get_rng_state().numpy()))     # and back
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())
    with pytest.raises(RuntimeError, match="CPUGeneratorImplState of size 5056"):
        ember.set_rng_state(ember.zeros(48, dtype=ember.uint8))


def test_seeded_training_matches_torch():
    """A seeded model, data and SGD steps: the same losses as torch (to float rounding)."""
    losses = []
    for L in (torch, ember):
        L.manual_seed(0)
        model = L.nn.Sequential(L.nn.Linear(8, 16), L.nn.ReLU(), L.nn.Linear(16, 3))
        opt = L.optim.SGD(model.parameters(), lr=0.1)
        x, y = L.randn(32, 8), L.randint(0, 3, (32,))
        out = []
        for _ in range(5):
            opt.zero_grad()
            loss = L.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            out.append(loss.item())
        losses.append(out)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


def test_seeded_shuffling_is_torchs():
    """DataLoader(shuffle=True), the random samplers and random_split draw as torch's: a seed
    gives torch's order, epoch after epoch."""
    res = []
    for L in (torch, ember):
        L.manual_seed(0)
        dl = L.utils.data.DataLoader(L.utils.data.TensorDataset(L.arange(10)), batch_size=4, shuffle=True)
        out = [[b[0].tolist() for b in dl] for _ in range(2)]
        L.manual_seed(1)
        out.append(list(L.utils.data.SubsetRandomSampler([5, 6, 7, 8])))
        out.append(list(L.utils.data.RandomSampler(range(5), replacement=True, num_samples=40)))
        d = L.utils.data.DistributedSampler(range(10), num_replicas=2, rank=0, seed=3)
        d.set_epoch(1)
        out.append(list(d))
        out.append(list(L.utils.data.RandomSampler(range(6), generator=L.Generator().manual_seed(5))))
        out.append([list(s) for s in L.utils.data.random_split(range(10), [3, 7])])
        res.append(out)
    assert res[1] == res[0]


def test_seeded_cnn_program_prints_torchs_losses():
    """The examples/mnist recipe in small (conv, dropout, shuffled DataLoader, Adadelta): after
    manual_seed, every loss is torch's."""
    if _intel_mkl():
        pytest.skip("torch's dropout masks come from MKL's stream on Intel processors")
    losses = []
    for L in (torch, ember):
        nn, F = L.nn, L.nn.functional
        L.manual_seed(1)
        conv1, conv2 = nn.Conv2d(1, 8, 3), nn.Conv2d(8, 16, 3)
        drop1, drop2 = nn.Dropout(0.25), nn.Dropout(0.5)
        fc1, fc2 = nn.Linear(16 * 5 * 5, 32), nn.Linear(32, 10)
        params = [p for m in (conv1, conv2, fc1, fc2) for p in m.parameters()]
        ds = L.utils.data.TensorDataset(L.randn(64, 1, 14, 14), L.randint(0, 10, (64,)))
        dl = L.utils.data.DataLoader(ds, batch_size=16, shuffle=True)
        opt = L.optim.Adadelta(params, lr=1.0)
        out = []
        for _ in range(2):
            for x, y in dl:
                opt.zero_grad()
                h = drop1(F.max_pool2d(F.relu(conv2(F.relu(conv1(x)))), 2))
                logits = fc2(drop2(F.relu(fc1(L.flatten(h, 1)))))
                loss = F.nll_loss(F.log_softmax(logits, dim=1), y)
                loss.backward()
                opt.step()
                out.append(loss.item())
        losses.append(out)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-4)
