"""Model definitions shared by the fx tests, written once for any ``torch``-like module (ember or PyTorch)."""
import math


def seed_cnn(torch):
    """The quickstart/seed MNIST CNN (PyTorch's examples/mnist Net)."""
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(8 * 5 * 5, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)
    return Net()


def mlp(torch):
    nn = torch.nn

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh())
            self.head = nn.Linear(8, 3)

        def forward(self, x):
            return self.head(self.layers(x)).softmax(-1)
    return MLP()


def tricky(torch, use_bias=True, depth=2):
    """Method calls, attribute access, operators, getitem, Python control flow on non-tensor
    state, a parameter used directly, a buffer, a nested custom (non-leaf) submodule."""
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.lin = nn.Linear(d, d)
            self.scale = nn.Parameter(torch.full((d,), 0.5))

        def forward(self, x):
            return F.gelu(self.lin(x)) * self.scale + x

    class Tricky(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([Block(4) for _ in range(depth)])
            self.use_bias = use_bias
            self.bias = nn.Parameter(torch.ones(4))
            self.register_buffer("offset", torch.arange(4.0))

        def forward(self, x, y):
            for b in self.blocks:
                x = b(x)
            if self.use_bias:
                x = x + self.bias
            n = x.size(0)
            z = x.view(n, -1).transpose(0, 1).contiguous()
            z = z.T @ y
            w = torch.cat([x, z], dim=1)
            s = w.shape[1]
            w = w[:, : s // 2] - self.offset  # (4, 8)[:, :4] - (4,)
            w = -w.abs() / 2.0
            return torch.sigmoid(w).sum(dim=1, keepdim=True) + math.pi, z.mean()
    return Tricky()
