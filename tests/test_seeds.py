"""The seed articles' code samples run on ember as on PyTorch.

Each ```python block in ../shared/seeds/ runs in a fresh process twice: with real PyTorch
and under ``python -m ember.compat``. Both must end the same way: success, or the same
exception type (some samples have shape bugs and must fail exactly as PyTorch fails).
A block that needs a part of PyTorch ember has not built yet is an expected failure that
names the missing module.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

import pytest

def _find_seeds():
    """``$EMBER_SEEDS``, else the first ``shared/seeds`` beside the checkout or above it (a git
    worktree lives deeper than the main checkout)."""
    if os.environ.get("EMBER_SEEDS"):
        return os.environ["EMBER_SEEDS"]
    here = os.path.dirname(os.path.abspath(__file__))
    for _ in range(4):
        here = os.path.dirname(here)
        if os.path.isdir(os.path.join(here, "shared", "seeds")):
            return os.path.join(here, "shared", "seeds")
    return os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")


SEEDS = _find_seeds()
BLOCKS = []
for path in sorted(glob.glob(os.path.join(SEEDS, "*.txt"))):
    text = open(path, encoding="utf-8").read()
    for i, block in enumerate(re.findall(r"```python\n(.*?)(?:```|\Z)", text, re.S)):
        BLOCKS.append((f"{os.path.basename(path)[:3]}_{i}", block))

pytestmark = pytest.mark.skipif(not BLOCKS, reason="seed articles not found beside the repository")


VISION_STUB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed_vision")


def _uses_mnist_only(code):
    """A block whose torchvision use is MNIST + transforms: it runs on a small synthetic MNIST
    (no download), with the torchvision stub in tests/seed_vision/ for the PyTorch reference."""
    return ("torchvision" in code and "MNIST" in code
            and not re.search(r"torchvision\.(models|io|ops|utils)|from torchvision import (models|io|ops|utils)",
                              code))


def _outcome(cmd, code, tmp_path):
    script = tmp_path / "seed.py"
    if _uses_mnist_only(code):
        shutil.copytree(VISION_STUB, tmp_path, dirs_exist_ok=True)
        code = "import _seed_mnist  # noqa\n" + code
    script.write_text(code, encoding="utf-8")
    try:
        r = subprocess.run(cmd + [str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    if r.returncode == 0:
        return "ok", ""
    last = [ln for ln in r.stderr.strip().splitlines() if ln and not ln.startswith(" ")]
    line = last[-1] if last else r.stderr
    return line.split(":")[0], line


@pytest.mark.slow
@pytest.mark.parametrize("name,code", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_seed_sample_behaves_like_pytorch(name, code, tmp_path):
    pytest.importorskip("torch")
    ours, our_line = _outcome([sys.executable, "-m", "ember.compat"], code, tmp_path)
    if ours == "ModuleNotFoundError" and "ember has no" in our_line:
        pytest.xfail(f"needs a part ember has not built yet: {our_line}")
    theirs, their_line = _outcome([sys.executable], code, tmp_path)
    if theirs == "ModuleNotFoundError" and "torchvision" in their_line:
        pytest.skip("the reference needs torchvision, which this environment does not install")
    assert ours == theirs, f"ember: {our_line!r} vs PyTorch: {their_line!r}"
