"""Twin float models built on torch and on ember with the same layers, for the static
quantization and QAT parity tests."""
import numpy as np


def make_cnn(L, bias=True):
    """The eager-mode tutorial's shape of model: QuantStub, conv-bn-relu, conv-relu,
    a residual add through FloatFunctional, max pooling, flatten, linear-relu, linear,
    DeQuantStub."""
    Q = L.ao.quantization
    nn = L.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = Q.QuantStub()
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=bias)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu1 = nn.ReLU()
            self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=2)
            self.relu2 = nn.ReLU()
            self.skip = L.ao.nn.quantized.FloatFunctional()
            self.pool = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(8 * 3 * 3, 16)
            self.relu3 = nn.ReLU()
            self.fc2 = nn.Linear(16, 5)
            self.dequant = Q.DeQuantStub()

        def forward(self, x):
            x = self.quant(x)
            x = self.relu1(self.bn1(self.conv1(x)))
            x = self.skip.add(x, self.relu2(self.conv2(x)))
            x = self.pool(x).flatten(1)
            x = self.relu3(self.fc1(x))
            return self.dequant(self.fc2(x))

    return Net()


FUSE = [["conv1", "bn1", "relu1"], ["conv2", "relu2"], ["fc1", "relu3"]]


def twin_cnn(torch, ember, seed=0, bias=True):
    """(torch model, ember model) with equal random weights and batch-norm statistics."""
    tm, em = make_cnn(torch, bias), make_cnn(ember, bias)
    rs = np.random.RandomState(seed)
    sd = {}
    for k, v in tm.state_dict().items():
        if k.endswith("num_batches_tracked"):
            a = v.numpy()
        elif k.endswith("running_var"):
            a = (rs.rand(*v.shape) + 0.5).astype(np.float32)
        elif k.endswith("bn1.weight"):
            a = (rs.rand(*v.shape) + 0.5).astype(np.float32)
        else:
            a = (rs.randn(*v.shape) * 0.3).astype(np.float32)
        sd[k] = a
    tm.load_state_dict({k: torch.from_numpy(np.array(a)) for k, a in sd.items()})
    em.load_state_dict({k: ember.tensor(np.array(a)) for k, a in sd.items()})
    return tm, em


def inputs(seed, n=4):
    return (np.random.RandomState(seed).randn(n, 3, 6, 6) * 1.5).astype(np.float32)
