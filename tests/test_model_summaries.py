"""torchinfo and torchsummary run unchanged on ember models under ``python -m ember.compat``
and print the same tables (layer names, output shapes, parameter counts, sizes) as on torch."""
import importlib
import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TORCHINFO = textwrap.dedent("""
    import torch, torch.nn as nn
    from torchinfo import summary

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 3, 1)
            self.bn = nn.BatchNorm2d(8)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Sequential(nn.Flatten(), nn.Linear(8 * 3 * 3, 16), nn.ReLU(), nn.Linear(16, 10))

        def forward(self, x):
            return self.fc(self.pool(torch.relu(self.bn(self.conv1(x)))))

    class Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(20, 6)
            self.lstm = nn.LSTM(6, 5, batch_first=True, num_layers=2)
            self.attn = nn.MultiheadAttention(5, 1, batch_first=True)
            self.norm = nn.LayerNorm(5)
            self.head = nn.Linear(5, 3)
            self.frozen = nn.Linear(3, 3)
            for p in self.frozen.parameters():
                p.requires_grad_(False)
            self.register_buffer("scale", torch.ones(3))

        def forward(self, ids):
            h, _ = self.lstm(self.emb(ids))
            a, _ = self.attn(h, h, h)
            return self.frozen(self.head(self.norm(a + h))) * self.scale

    torch.manual_seed(0)
    s = summary(Net(), input_size=(2, 1, 8, 8), verbose=0)
    print(s)
    print("TOTAL", s.total_params, s.trainable_params)
    print(summary(Seq(), input_size=(2, 7), dtypes=[torch.long], depth=3, verbose=0,
                  col_names=("input_size", "output_size", "num_params", "params_percent",
                             "kernel_size", "mult_adds", "trainable"),
                  row_settings=("var_names", "depth")))
    cnn = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.ConvTranspose2d(4, 2, 2, stride=2),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.1), nn.Linear(2, 2))
    print(summary(cnn, input_data=torch.randn(1, 3, 5, 5), verbose=0,
                  col_names=("input_size", "output_size", "num_params", "kernel_size", "mult_adds")))
""")

TORCHSUMMARY = textwrap.dedent("""
    import torch, torch.nn as nn
    from torchsummary import summary

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 3)
            self.b = nn.Linear(5, 3)
            self.bn = nn.BatchNorm1d(3)

        def forward(self, x, y):
            return self.bn(self.a(x) + self.b(y))

    summary(Two(), [(4,), (5,)], batch_size=8, device="cpu")
    cnn = nn.Sequential(nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 8, 3, bias=False), nn.Flatten(), nn.Linear(8 * 13 * 13, 10))
    summary(cnn, (3, 32, 32), device="cpu")
""")


def _needs(module, names, storage=False):
    """Skip unless ``module`` is installed and ember has what it touches."""
    pytest.importorskip(module)
    pytest.importorskip("torch")
    missing = []
    for name in names:
        head, _, attr = name.rpartition(".")
        try:
            obj = importlib.import_module(head)
        except ImportError:
            missing.append(name)
            continue
        if not hasattr(obj, attr):
            missing.append(name)
    try:
        if storage:
            ember.zeros(1).untyped_storage()
    except NotImplementedError:
        missing.append("Tensor.untyped_storage")
    if missing:
        pytest.skip(f"{module} needs {missing}, which ember does not have yet "
                    "(being added on another branch)")


def _run(script, tmp_path, compat):
    path = tmp_path / ("ember_run.py" if compat else "torch_run.py")
    path.write_text(script)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable] + (["-m", "ember.compat"] if compat else []) + [str(path)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=240)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_torchinfo_same_table_as_torch(tmp_path):
    _needs("torchinfo", ["ember.jit.ScriptModule"], storage=True)
    ours = _run(TORCHINFO, tmp_path, compat=True)
    theirs = _run(TORCHINFO, tmp_path, compat=False)
    assert "TOTAL 1434 1434" in ours
    assert "│    └─Linear: 2-2                       [2, 16]                   1,168" in ours
    assert ours.splitlines() == theirs.splitlines()


def test_torchsummary_same_table_as_torch(tmp_path):
    _needs("torchsummary", ["ember.FloatTensor", "ember.LongTensor"])
    ours = _run(TORCHSUMMARY, tmp_path, compat=True)
    theirs = _run(TORCHSUMMARY, tmp_path, compat=False)
    assert "Total params: 15,162" in ours and "            Linear-7                   [-1, 10]          13,530" in ours
    assert ours.splitlines() == theirs.splitlines()


BIG_INPUT = textwrap.dedent("""
    import torch, torch.nn as nn
    from torchinfo import summary
    print(summary(nn.Conv2d(3, 4, 3), input_size=(64, 3, 64, 64), verbose=0))
""")


def test_torchinfo_input_size_in_megabytes(tmp_path):
    """torchinfo sizes the input with ``sys.getsizeof(t.untyped_storage())``."""
    _needs("torchinfo", ["ember.jit.ScriptModule"], storage=True)
    if sys.getsizeof(ember.zeros(1000).untyped_storage()) < 4000:
        pytest.skip("UntypedStorage.__sizeof__ does not count the storage's bytes (torch's does), "
                    "so torchinfo would print 'Input size (MB): 0.00'")
    ours = _run(BIG_INPUT, tmp_path, compat=True)
    assert "Input size (MB): 3.15" in ours
    assert ours.splitlines() == _run(BIG_INPUT, tmp_path, compat=False).splitlines()
