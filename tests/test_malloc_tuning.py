"""glibc malloc tuning at import (ember/_malloc_tuning.py): applied on glibc Linux, left
alone when EMBER_MALLOC_TUNING=0 or when the environment already sets malloc options, and
memory stays flat over repeated large allocations."""
import os
import subprocess
import sys

import pytest

CHILD = "import ember, ember._malloc_tuning as m; print(m.STATE['tuned'])"


def _run(extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "EMBER_MALLOC_TUNING"}
    env.update(extra_env)
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def _glibc():
    import ctypes
    try:
        ctypes.CDLL(None).gnu_get_libc_version
        return sys.platform.startswith("linux")
    except (OSError, AttributeError):
        return False


def test_tuned_on_glibc_and_opt_outs_respected():
    assert _run({}) == str(_glibc())
    assert _run({"EMBER_MALLOC_TUNING": "0"}) == "False"
    assert _run({"MALLOC_TRIM_THRESHOLD_": "131072"}) == "False"    # the user's own setting stands


def test_memory_flat_over_large_temporaries():
    if not os.path.exists("/proc/self/statm"):
        pytest.skip("needs /proc")
    code = """
import ember
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
x = ember.randn(1000, 1000)
for _ in range(20):
    y = (x * 2 + 1).relu() @ x
base = rss()
for _ in range(200):
    y = (x * 2 + 1).relu() @ x
print(rss() - base)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) < 16 * 2 ** 20, f"resident memory grew by {int(r.stdout) >> 20} MB"
