"""Saves leave no temporaries behind: a save removes the temporaries of writers that
were killed (pid gone), and never those of a live writer or files it did not make."""
import os
import signal
import subprocess
import sys
import time

import pytest

import ember
from ember.serialization._tempfiles import parse_temp_name, remove_stale, temp_name

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_only_stale_temporaries_are_removed(tmp_path):
    stale = tmp_path / temp_name("ckpt.pt", pid=_dead_pid())
    live = tmp_path / temp_name("ckpt.pt")                       # this process: alive
    other_host = tmp_path / (".ckpt.pt.00000000.%d.%s.ember-tmp" % (_dead_pid(), "a" * 12))
    lookalike = tmp_path / ".ckpt.pt.tmp"                         # not ember's pattern
    user_file = tmp_path / "notes.ember-tmp"
    for p in (stale, live, other_host, lookalike, user_file):
        p.write_bytes(b"x" * 10)
    link = tmp_path / temp_name("other.pt", pid=_dead_pid())
    os.symlink(user_file, link)
    if parse_temp_name(other_host.name)["host"] == parse_temp_name(live.name)["host"]:
        pytest.skip("host hash collides with 00000000")
    ember.save({"w": ember.ones(2)}, tmp_path / "ckpt.pt")
    left = set(os.listdir(tmp_path))
    assert stale.name not in left
    assert {live.name, other_host.name, lookalike.name, user_file.name, link.name, "ckpt.pt"} == left
    assert remove_stale(tmp_path) == []


def test_kill_9_mid_save_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    target = tmp_path / "big.pt"
    code = (
        "import sys, ember\n"
        "sd = {'w': ember.ones(1 << 25)}\n"  # 128 MB
        "print('ready', flush=True)\n"
        "while True:\n"
        "    ember.save(sd, sys.argv[1])\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.Popen([sys.executable, "-c", code, str(target)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        t0 = time.time()
        temps = []
        while time.time() - t0 < 20:
            temps = [f for f in os.listdir(tmp_path) if f.endswith(".ember-tmp")]
            if temps:
                try:
                    if os.path.getsize(tmp_path / temps[0]) > (1 << 20):
                        break
                except FileNotFoundError:
                    pass
            time.sleep(0.002)
        os.kill(p.pid, signal.SIGKILL)
    finally:
        p.wait(timeout=30)
        p.stdout.close()
    assert p.returncode == -signal.SIGKILL
    left = [f for f in os.listdir(tmp_path) if f.endswith(".ember-tmp")]
    assert left and parse_temp_name(left[0])["pid"] == p.pid  # kill -9 leaves it: nothing can run
    ember.save({"w": ember.zeros(1)}, tmp_path / "small.pt")
    assert [f for f in os.listdir(tmp_path) if f.endswith(".ember-tmp")] == []
    assert ember.load(tmp_path / "small.pt")["w"].tolist() == [0.]
