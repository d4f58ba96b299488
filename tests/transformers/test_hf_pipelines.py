"""``pipeline("text-generation" / "fill-mask" / "text-classification", model=LOCAL_DIR)`` on
ember gives what it gives on PyTorch, with tokenizers made locally (no download), and
tokenizers' ``return_tensors="pt"`` hands back ember tensors under ``ember.compat``.
"""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow

if importlib.util.find_spec("transformers") is None or importlib.util.find_spec("torch") is None:
    pytest.skip("needs transformers and PyTorch (the oracle)", allow_module_level=True)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _side(side, work):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    out = subprocess.run([sys.executable, os.path.join(HERE, "hf_pipelines_side.py"), side, str(work)],
                         capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, f"{side} failed:\n{out.stderr[-4000:]}"
    with open(os.path.join(work, f"{side}.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("hf_pipelines")
    return _side("torch", work), _side("ember", work)


def test_tokenizer_return_tensors_pt_gives_ember_tensors(results):
    ref, got = results
    assert ref["encoded_type"] == "torch" and got["encoded_type"].startswith("ember")
    assert got["encoded"] == ref["encoded"] and got["encoded_mask"] == ref["encoded_mask"]
    assert 0 in got["encoded_mask"][2] or 0 in got["encoded_mask"][0]  # padding happened


def test_text_generation_greedy_text_is_identical(results):
    ref, got = results
    assert got["generate_ids"] == ref["generate_ids"]
    assert got["generate"] == ref["generate"]
    assert all(len(g) > len(t) for g, t in zip(got["generate"], ["the cat sat on the mat", "a very good movie",
                                                                  "it was not fun"]))


def test_fill_mask_tokens_and_scores(results):
    ref, got = results
    for r, g in zip(ref["fill"], got["fill"]):
        assert [t for t, _ in g] == [t for t, _ in r]
        np.testing.assert_allclose([s for _, s in g], [s for _, s in r], rtol=0, atol=1e-5)


def test_text_classification_labels_and_scores(results):
    ref, got = results
    assert [lab for lab, _ in got["classify"]] == [lab for lab, _ in ref["classify"]]
    np.testing.assert_allclose([s for _, s in got["classify"]], [s for _, s in ref["classify"]], rtol=0, atol=1e-5)
    assert [d["label"] for d in got["classify_all"]] == [d["label"] for d in ref["classify_all"]]
    np.testing.assert_allclose(sum(d["score"] for d in got["classify_all"]), 1.0, atol=1e-6)
