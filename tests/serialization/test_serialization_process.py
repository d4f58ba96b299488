"""Saves are atomic (a process killed mid-save leaves the old checkpoint) and training
resumed from a checkpoint in a fresh process is bit-identical to an uninterrupted run."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code, *args, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


_KILL_CHILD = """
    import os, sys, time
    import numpy as np
    import ember
    from ember.serialization import _zipformat
    target, where = sys.argv[1], sys.argv[2]
    sd = {f"w{i}": ember.full((256, 1024), float(i)) for i in range(8)}  # 8 MB
    if where == "data":
        orig = _zipformat.ZipWriter.write_record
        def slow(self, name, *args):
            orig(self, name, *args)
            if name.endswith("/data/3"):
                self.f.flush()
                print("mid-save", flush=True)
                time.sleep(60)
        _zipformat.ZipWriter.write_record = slow
    else:
        real = os.fsync
        def slow_fsync(fd):
            real(fd)
            print("mid-save", flush=True)
            time.sleep(60)
        os.fsync = slow_fsync
    ember.save(sd, target)
    print("finished", flush=True)
"""


@pytest.mark.parametrize("where", ["data", "before-rename"])
def test_kill_mid_save_keeps_previous_checkpoint(tmp_path, where):
    target = tmp_path / "ckpt.pt"
    old = {"w0": ember.arange(5.), "step": 10}
    ember.save(old, target)
    before = target.read_bytes()
    p = _run(_KILL_CHILD, target, where)
    try:
        line = p.stdout.readline()
        assert line.strip() == "mid-save", p.stderr.read()
        temps = [f for f in os.listdir(tmp_path) if f.endswith(".ember-tmp")]
        assert temps, "the save should be writing to a temporary file beside the target"
        os.kill(p.pid, signal.SIGKILL)
    finally:
        p.wait(timeout=30)
        p.stdout.close()
        p.stderr.close()
    assert p.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    got = ember.load(target)
    assert got["step"] == 10 and np.array_equal(got["w0"]._data, np.arange(5.))


@pytest.mark.slow
def test_kill_during_real_large_save(tmp_path):
    """No patching: kill a process writing ~200 MB as soon as its temporary file appears."""
    target = tmp_path / "big.pt"
    ember.save({"ok": ember.ones(3)}, target)
    before = target.read_bytes()
    code = """
        import sys, ember
        sd = {f"w{i}": ember.ones(1 << 23) for i in range(6)}
        print("ready", flush=True)
        for _ in range(20):
            ember.save(sd, sys.argv[1])
    """
    p = _run(code, target)
    try:
        assert p.stdout.readline().strip() == "ready"
        import time
        t0 = time.time()
        while time.time() - t0 < 15:
            temps = [f for f in os.listdir(tmp_path) if f.endswith(".ember-tmp")]
            if temps and os.path.getsize(tmp_path / temps[0]) > (1 << 20):
                break
            time.sleep(0.001)
        os.kill(p.pid, signal.SIGKILL)
    finally:
        p.wait(timeout=30)
        p.stdout.close()
        p.stderr.close()
    data = target.read_bytes()
    got = ember.load(target)  # either the old one or a completed new one, never a torn file
    if data == before:
        assert list(got) == ["ok"]
    else:
        assert len(got) == 6


_TRAIN = """
    import sys, numpy as np, ember
    mode, ckpt, out = sys.argv[1], sys.argv[2], sys.argv[3]
    ember.manual_seed(0 if mode != "resume" else 999)   # a resumed run starts from other weights
    model = ember.nn.Sequential(ember.nn.Linear(6, 16), ember.nn.ReLU(), ember.nn.Dropout(0.3),
                                ember.nn.Linear(16, 3))
    opt = ember.optim.Adam(model.parameters(), lr=0.01)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
    first = 1
    if mode == "resume":
        ck = ember.load(ckpt)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        sched.load_state_dict(ck["scheduler"])
        ember.set_rng_state(ck["rng"])
        first = ck["step"] + 1
    last = 10 if mode == "first-half" else 20
    trace = []
    for step in range(first, last + 1):
        x = ember.randn(8, 6)
        y = ember.randint(0, 3, (8,))
        loss = ember.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        trace.append(np.concatenate([p._data.ravel() for p in model.parameters()] + [loss._data.ravel()]))
    if mode == "first-half":
        ember.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                    "rng": ember.get_rng_state(), "step": last}, ckpt)
    np.save(out, np.stack(trace))
"""


def test_resume_training_is_bit_identical(tmp_path):
    ck, full, half, rest = (tmp_path / n for n in ("ck.pt", "full.npy", "half.npy", "rest.npy"))
    for args in (("full", ck, full), ("first-half", ck, half), ("resume", ck, rest)):
        p = _run(_TRAIN, *args)
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    a, h, r = np.load(full), np.load(half), np.load(rest)
    assert a.shape[0] == 20 and h.shape[0] == 10 and r.shape[0] == 10
    np.testing.assert_array_equal(h, a[:10])
    assert np.array_equal(r, a[10:])  # bit-identical, not merely close


_RSS_CHILD = """
    import sys, ember
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096
    before = rss()
    sd = ember.load(sys.argv[1], mmap=True)
    total = sum(v.numel() * v.element_size() for v in sd.values())
    s = float(sd["w0"][0, 0]) + float(sd["w3"][-1, -1])   # touch a couple of pages
    print(total, rss() - before, s)
"""


@pytest.mark.parametrize("mb", [64, pytest.param(1024, marks=pytest.mark.slow)])
def test_mmap_load_has_small_resident_memory(tmp_path, mb):
    if not os.path.exists("/proc/self/statm"):
        pytest.skip("needs /proc")
    n = mb * (1 << 20) // 4 // 4 // 1024
    target = tmp_path / "big.pt"
    ember.save({f"w{i}": ember.full((n, 1024), float(i)) for i in range(4)}, target)
    p = _run(_RSS_CHILD, target)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    total, grown, s = out.split()
    assert int(total) >= mb * (1 << 20) * 0.99
    assert int(grown) < 32 * (1 << 20), f"resident memory grew by {int(grown) >> 20} MB"
    assert float(s) == 3.0
