"""examples/export_onnx.py trains, exports and checks the model in onnxruntime."""
import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("sklearn")

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "export_onnx.py")


@pytest.mark.slow
def test_export_onnx_example(tmp_path):
    r = subprocess.run([sys.executable, EXAMPLE, "--epochs", "1", "--out", str(tmp_path)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    diff = float(re.search(r"max abs difference ([\d.e+-]+)", r.stdout).group(1))
    assert diff < 1e-5 and "same prediction for 100.0%" in r.stdout, r.stdout
    assert (tmp_path / "digits_cnn.onnx").exists()
