"""examples/transfer_learning.py and examples/classify.py run end to end against a temporary hub cache."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.vision import models

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
EXAMPLES = os.path.join(ROOT, "examples")


def _run(script, *args, torch_home):
    env = dict(os.environ, TORCH_HOME=str(torch_home), PYTHONPATH=os.path.abspath(ROOT))
    env.pop("TORCH_HUB", None)
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args], capture_output=True,
                          text=True, timeout=300, env=env)


def _cache_random_resnet18(torch_home):
    """A random-weight resnet18 saved under the published file name, as if downloaded."""
    ember.manual_seed(0)
    model = models.resnet18()
    d = os.path.join(torch_home, "hub", "checkpoints")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, os.path.basename(models.ResNet18_Weights.DEFAULT.url))
    ember.save(model.state_dict(), path)
    return model, path


@pytest.mark.slow
def test_transfer_learning_random_init_learns(tmp_path):
    r = _run("transfer_learning.py", "--quick", torch_home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "randomly initialised" in r.stdout and "resnet18-f37072fd.pth" in r.stdout
    assert "trainable parameters: 5130 of" in r.stdout
    before = float(re.search(r"accuracy before fine-tuning: ([\d.]+)", r.stdout).group(1))
    after = [float(a) for a in re.findall(r"test accuracy ([\d.]+)", r.stdout)]
    assert len(after) == 2 and after[-1] > max(before, 0.2), r.stdout


@pytest.mark.slow
def test_transfer_learning_uses_cached_weights(tmp_path):
    _, path = _cache_random_resnet18(tmp_path)
    r = _run("transfer_learning.py", "--quick", "--epochs", "1", torch_home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"using pretrained weights from {path}" in r.stdout
    assert "randomly initialised" not in r.stdout


@pytest.mark.slow
def test_classify_without_checkpoint_names_file_url_and_path(tmp_path):
    img = tmp_path / "x.png"
    img.write_bytes(b"")
    r = _run("classify.py", str(img), torch_home=tmp_path)
    assert r.returncode == 1
    w = models.ResNet18_Weights.DEFAULT
    expected = os.path.join(str(tmp_path), "hub", "checkpoints", "resnet18-f37072fd.pth")
    assert w.url in r.stderr and expected in r.stderr


@pytest.mark.slow
def test_classify_top5_from_cached_checkpoint(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    img_path = tmp_path / "img.png"
    Image.fromarray((rng.random((240, 300, 3)) * 255).astype(np.uint8)).save(img_path)
    model, _ = _cache_random_resnet18(tmp_path)
    r = _run("classify.py", str(img_path), torch_home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("resnet18 (ResNet18_Weights.IMAGENET1K_V1)")
    rows = [re.match(r"\s*([\d.]+)%  (.+)$", ln).groups() for ln in lines[1:]]
    assert len(rows) == 5
    # the same computation in this process: preset transforms, the cached weights, softmax, top-5
    w = models.ResNet18_Weights.DEFAULT
    model.eval()
    with ember.no_grad():
        probs = model(w.transforms()(Image.open(img_path).convert("RGB")).unsqueeze(0)).softmax(1)[0]
    top = probs.topk(5)
    cats = w.meta["categories"]
    assert [name for _, name in rows] == [cats[i] for i in top.indices.tolist()]
    np.testing.assert_allclose([float(p) for p, _ in rows], [100 * p for p in top.values.tolist()], atol=0.006)
