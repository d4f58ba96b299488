"""Tutorial-style PyTorch programs (tests/programs/*.py, written for ember's test suite) run
unchanged under ``python -m ember.compat`` and print what real PyTorch prints.

Each program starts its weights from a NumPy seed and reads deterministic data, then prints
``LOSS <name> <value> ...`` lines (every number compared with PyTorch's) and ``CHECK <name> <bool>``
lines (each must be True). The program runs once with PyTorch (skipped when it is absent) and
once on ember.
"""
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
# program -> (arguments, relative tolerance for the LOSS numbers)
PROGRAMS = {
    "gpt_char.py": ([], 1e-4),
    "mnist_cnn.py": ([], 1e-4),
    "seq2seq_rnn.py": ([], 1e-4),
    "vae.py": ([], 1e-4),
    "custom_autograd.py": ([], 1e-6),
    "regression_sched.py": ([], 1e-5),
}


def _run(cmd, name, tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    r = subprocess.run(cmd + [os.path.join(HERE, name)] + PROGRAMS[name][0], capture_output=True, text=True,
                       timeout=300, cwd=tmp_path, env=env)
    assert r.returncode == 0, f"{' '.join(cmd)} {name} failed:\n{r.stderr[-3000:]}"
    return r.stdout.splitlines()


def _parse(lines):
    losses, checks = {}, {}
    for ln in lines:
        kind, _, rest = ln.partition(" ")
        if kind == "LOSS":
            key = rest.split()[0]
            losses[key] = [float(v) for v in NUMBER.findall(rest[len(key):])]
        elif kind == "CHECK":
            key, _, val = rest.rpartition(" ")
            checks[key] = val
    return losses, checks


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_pytorch(name, tmp_path):
    ours = _run([sys.executable, "-m", "ember.compat"], name, tmp_path)
    our_losses, our_checks = _parse(ours)
    assert our_losses, "the program printed no LOSS lines"
    failed = [k for k, v in our_checks.items() if v != "True"]
    assert not failed, f"checks failed on ember: {failed}\n" + "\n".join(ours)
    pytest.importorskip("torch")
    theirs = _run([sys.executable], name, tmp_path)
    their_losses, their_checks = _parse(theirs)
    assert their_checks == our_checks
    assert list(their_losses) == list(our_losses)
    rtol = PROGRAMS[name][1]
    for key, ref in their_losses.items():
        got = our_losses[key]
        assert len(got) == len(ref), key
        for g, r in zip(got, ref):
            assert abs(g - r) <= rtol * max(1.0, abs(r)), f"{key}: ember {got} vs PyTorch {ref}"
