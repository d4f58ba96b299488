"""`import ember` is fast and imports nothing optional."""
import os
import subprocess
import sys

OPTIONAL = ["ml_dtypes", "safetensors", "PIL", "tqdm", "matplotlib", "sklearn", "scipy", "torch",
            "torchvision", "ember.vision", "mpi4py", "onnx"]


def _run(code):
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with cached bytecode, as installed
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_import_pulls_in_nothing_optional():
    out = _run("import sys, ember; print(' '.join(m for m in %r if m in sys.modules))" % OPTIONAL)
    assert out.strip() == ""


def test_import_is_fast():
    _run("import ember")  # writes the bytecode cache
    code = ("import time; t = time.perf_counter(); import ember; "
            "print(time.perf_counter() - t)")
    best = min(float(_run(code)) for _ in range(3))
    assert best < 1.0, f"import ember took {best:.2f} s (target 0.3 s on an idle machine)"
