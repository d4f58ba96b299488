"""The example programs run end to end (small settings) and do what their docstrings say."""
import os
import re
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")


def _run(script, *args, tmp_path):
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args, "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("model", ["lstm", "gru", "transformer"])
def test_language_model_perplexity_falls(model, tmp_path):
    out = _run("lm.py", "--model", model, "--epochs", "2", "--batches", "12", "--nhid", "32",
               "--emsize", "16", "--bptt", "24", "--batch-size", "8", "--sample", "40", tmp_path=tmp_path)
    val = [float(v) for v in re.findall(r"validation perplexity\s+([\d.]+)", out)]
    assert len(val) == 2 and val[1] < val[0] < 103, out
    sample = out.split("sample:\n", 1)[1]
    assert sample.startswith("The ") and len(sample) >= 44
    assert os.path.exists(tmp_path / f"lm_{model}.pt")
