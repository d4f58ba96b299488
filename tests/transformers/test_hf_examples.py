"""examples/gpt2_generate.py and examples/bert_finetune.py run on ember (small settings)."""
import importlib.util
import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

if importlib.util.find_spec("transformers") is None:
    pytest.skip("needs transformers", allow_module_level=True)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(script, *args):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", script), *args], capture_output=True,
                       text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_gpt2_generate_tiny():
    out = _run("gpt2_generate.py", "--tiny", "--max-new-tokens", "5", "--prompt", "the cat")
    assert "tiny random GPT-2" in out and "running on ember" in out
    greedy = re.search(r"greedy : '(.*)'", out).group(1)
    assert greedy.startswith("the cat") and len(greedy) > len("the cat")
    assert re.search(r"5 tokens in [\d.]+ s", out) and "sampled: 'the cat" in out


def test_bert_finetune_runs_and_saves(tmp_path):
    out = _run("bert_finetune.py", "--train", "64", "--test", "32", "--epochs", "1", "--out", str(tmp_path))
    assert "running on ember" in out
    acc = [float(a) for a in re.findall(r"accuracy (?:before|after) fine-tuning: ([\d.]+)", out)]
    assert len(acc) == 2 and all(0.0 <= a <= 1.0 for a in acc)
    assert os.path.exists(tmp_path / "model.safetensors") and os.path.exists(tmp_path / "tokenizer_config.json")
