"""examples/compress.py runs end to end (tiny settings) and reports what it says it does."""
import os
import re
import subprocess
import sys

import pytest

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "compress.py")


@pytest.mark.slow
def test_compress_example_tiny(tmp_path):
    pytest.importorskip("sklearn")
    r = subprocess.run([sys.executable, EXAMPLE, "--epochs", "2", "--finetune-epochs", "0",
                        "--amount", "0.5", "--min-accuracy", "0.5", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "sparsity 50.0%" in out
    assert "TypeError: global_unstructured() missing 1 required positional argument" in out
    assert "fc1 is still Linear" in out
    sizes = [float(s) for s in re.findall(r"state_dict ([\d.]+) KiB", out)]
    assert len(sizes) == 3 and sizes[2] < 0.6 * sizes[0]
    assert "DynamicQuantizedLinear(in_features=256, out_features=128" in out
    for f in ("cnn_float.pt", "cnn_pruned.pt", "cnn_pruned_int8.pt"):
        assert os.path.exists(tmp_path / f)
