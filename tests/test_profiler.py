"""ember.profiler (torch.profiler): op names, counts, shapes, memory, the table layout and the
schedule compared with real PyTorch on the same program; Chrome traces; no trace left behind."""
import gzip
import json
import re
import time

import numpy as np
import pytest

import ember
from ember.profiler import (ProfilerAction, ProfilerActivity, profile, record_function, schedule,
                            tensorboard_trace_handler)


def _program(mod, steps=1):
    mod.manual_seed(0)
    x = mod.tensor(np.arange(8, dtype=np.float32).reshape(2, 4) / 8, requires_grad=True)
    w = mod.tensor(np.ones((4, 3), dtype=np.float32), requires_grad=True)
    for _ in range(steps):
        y = (x.mm(w) + 1).relu().sum()
        y.backward()
    for _ in range(3):
        x.detach().exp()


def _run(mod, prof_mod, **kw):
    with prof_mod.profile(activities=[prof_mod.ProfilerActivity.CPU], **kw) as prof:
        _program(mod)
    return prof


SHARED = ["aten::mm", "aten::add", "aten::relu", "aten::sum", "aten::exp", "MmBackward0",
          "AddBackward0", "ReluBackward0", "SumBackward0",
          "autograd::engine::evaluate_function: MmBackward0",
          "autograd::engine::evaluate_function: SumBackward0"]


def test_names_counts_shapes_memory_match_torch():
    torch = pytest.importorskip("torch")
    import torch.profiler as tp
    ours = _run(ember, ember.profiler, record_shapes=True, profile_memory=True)
    theirs = _run(torch, tp, record_shapes=True, profile_memory=True)
    a = {e.key: e for e in ours.key_averages()}
    b = {e.key: e for e in theirs.key_averages()}
    for k in SHARED:
        assert k in a and k in b, k
        if k not in ("aten::mm", "aten::sum"):   # backward formulas may call these again
            assert a[k].count == b[k].count, k
    assert a["aten::exp"].count == 3
    # output memory of ops that allocate exactly their result
    for k in ("aten::exp", "aten::relu"):
        assert a[k].cpu_memory_usage == b[k].cpu_memory_usage, k
    assert a["aten::exp"].self_cpu_memory_usage == b["aten::exp"].self_cpu_memory_usage == 96
    fa = {(e.key, str(e.input_shapes)): e for e in ours.key_averages(group_by_input_shape=True)}
    fb = {(e.key, str(e.input_shapes)): e for e in theirs.key_averages(group_by_input_shape=True)}
    fwd = ("aten::mm", "[[2, 4], [4, 3]]")
    assert fa[fwd].self_cpu_memory_usage == fb[fwd].self_cpu_memory_usage == 24
    sa = {(e.key, str(e.input_shapes)) for e in ours.key_averages(group_by_input_shape=True)}
    sb = {(e.key, str(e.input_shapes)) for e in theirs.key_averages(group_by_input_shape=True)}
    for k in ("aten::exp", "aten::relu"):
        assert {s for n, s in sa if n == k} == {s for n, s in sb if n == k}, k
    assert ("aten::mm", "[[2, 4], [4, 3]]") in sa


def _columns(table):
    lines = table.splitlines()
    sep, head = lines[0], lines[1]
    widths = [len(s) for s in sep.split("  ") if s]
    names = [h for h in re.split(r"\s{2,}", head.strip())]
    return names, widths[1:]


@pytest.mark.parametrize("kw,group", [({}, False), ({"profile_memory": True}, False),
                                      ({"record_shapes": True}, True)])
def test_table_layout_matches_torch(kw, group):
    torch = pytest.importorskip("torch")
    import torch.profiler as tp
    ours = _run(ember, ember.profiler, **kw).key_averages(group_by_input_shape=group)
    theirs = _run(torch, tp, **kw).key_averages(group_by_input_shape=group)
    ta = ours.table(sort_by="self_cpu_time_total", row_limit=5)
    tb = theirs.table(sort_by="self_cpu_time_total", row_limit=5)
    na, wa = _columns(ta)
    nb, wb = _columns(tb)
    assert na == nb
    if group:    # the shapes column is sized by its content
        wa, wb = wa[:-1], wb[:-1]
    assert wa == wb
    la, lb = ta.splitlines(), tb.splitlines()
    assert len(la) == len(lb) == 3 + 5 + 2   # 3 header lines, 5 rows, rule, total
    assert la[-1].startswith("Self CPU time total: ") and lb[-1].startswith("Self CPU time total: ")
    assert re.fullmatch(r"\d+\.\d{3}(us|ms|s)", la[-1].split(": ")[1])
    rows = la[3:8]
    selfs = [float(re.split(r"\s{2,}", r.strip())[1].rstrip("%")) for r in rows]
    assert selfs == sorted(selfs, reverse=True)      # sorted by self CPU time
    assert all(r.endswith("  ") for r in la[:8])


def test_self_and_total_time_and_record_function():
    @record_function("decorated")
    def body(x):
        return (x * 2).sum()

    with profile() as prof:
        with record_function("outer"):
            time.sleep(0.002)
            body(ember.ones(3))
    evs = prof.events()
    outer = next(e for e in evs if e.name == "outer")
    dec = next(e for e in evs if e.name == "decorated")
    assert dec.cpu_parent is outer and outer.cpu_time_total >= 2000
    assert outer.self_cpu_time_total == pytest.approx(
        outer.cpu_time_total - sum(c.cpu_time_total for c in outer.cpu_children))
    assert {c.name for c in dec.cpu_children} == {"aten::mul", "aten::sum"}
    avg = {e.key: e for e in prof.key_averages()}
    assert avg["outer"].cpu_time_total >= avg["decorated"].cpu_time_total
    total = sum(e.self_cpu_time_total for e in evs)
    assert prof.key_averages().self_cpu_time_total == pytest.approx(total)
    assert body(ember.ones(2)).item() == 4.0     # outside a profiler it is a plain call


def test_schedule_matches_torch():
    torch = pytest.importorskip("torch")
    import torch.profiler as tp
    for kw in [dict(wait=1, warmup=1, active=2), dict(wait=0, warmup=2, active=1, repeat=2),
               dict(wait=2, warmup=1, active=3, repeat=1, skip_first=3),
               dict(wait=1, warmup=1, active=1, repeat=2, skip_first_wait=1)]:
        ours, theirs = schedule(**kw), tp.schedule(**kw)
        assert [ours(i).name for i in range(20)] == [theirs(i).name for i in range(20)], kw
    assert ProfilerAction.RECORD_AND_SAVE.name == "RECORD_AND_SAVE"


def test_schedule_steps_and_trace_handler(tmp_path):
    seen = []

    def ready(prof):
        seen.append((prof.step_num, sum(e.count for e in prof.key_averages() if e.key == "aten::exp")))

    s = schedule(wait=1, warmup=1, active=2, repeat=2)
    x = ember.ones(2)
    with profile(schedule=s, on_trace_ready=ready) as prof:
        for _ in range(10):
            x.exp()
            prof.step()
    # two cycles of 2 active steps, handed over at the end of each
    assert seen == [(4, 2), (8, 2)]
    handler = tensorboard_trace_handler(str(tmp_path / "tb"), worker_name="w", use_gzip=True)
    with profile(on_trace_ready=handler):
        x.exp()
    files = list((tmp_path / "tb").iterdir())
    assert len(files) == 1 and files[0].name.startswith("w.") and files[0].name.endswith(".pt.trace.json.gz")
    doc = json.loads(gzip.open(files[0]).read())
    assert [e["name"] for e in doc["traceEvents"]] == ["aten::exp"]


def test_chrome_trace_is_valid(tmp_path):
    prof = _run(ember, ember.profiler, record_shapes=True)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    doc = json.loads(path.read_text())
    assert {"traceEvents", "displayTimeUnit", "schemaVersion"} <= set(doc)
    evs = doc["traceEvents"]
    assert len(evs) == len(prof.events())
    for e in evs:
        assert e["ph"] == "X" and e["dur"] >= 0 and isinstance(e["ts"], float)
        assert isinstance(e["pid"], int) and isinstance(e["tid"], int)
    mm = next(e for e in evs if e["name"] == "aten::mm")
    assert mm["args"]["Input Dims"] == [[2, 4], [4, 3]] and mm["cat"] == "cpu_op"
    ts = [e["ts"] for e in evs]
    assert ts == sorted(ts)


def test_with_stack_and_nested_profilers():
    with profile(with_stack=True) as prof:
        ember.ones(2).neg()
    neg = next(e for e in prof.events() if e.name == "aten::neg")
    assert any("test_profiler.py" in f for f in neg.stack)
    with profile() as outer:
        ember.ones(1).exp()
        with profile() as inner:
            ember.ones(1).neg()
        ember.ones(1).abs()
    assert [e.name for e in inner.events()] == ["aten::ones", "aten::neg"]
    assert "aten::abs" in [e.name for e in outer.events()]


def test_nothing_is_left_wrapped():
    from ember.profiler import recorder
    before = {(id(o), a): o.__dict__[a] for o, a, _, _ in recorder._targets()}
    with profile():
        assert ember.Tensor.__add__ is not before[(id(ember.Tensor), "__add__")]
        ember.ones(2) + 1
    after = {(id(o), a): o.__dict__[a] for o, a, _, _ in recorder._targets()}
    assert after == before and recorder.current() is None
    assert not any(hasattr(v, "_profiled_original") for v in after.values())
    with pytest.raises(ValueError):
        with profile():
            raise ValueError("boom")
    assert recorder.current() is None and ember.add is before[(id(ember), "add")]


def test_autograd_profiler_alias():
    import ember.autograd.profiler as ap
    assert ember.autograd.profiler is ap and ember.profiler.record_function is ap.record_function
    with ap.profile(record_shapes=True) as prof:
        ember.ones(2, 2).matmul(ember.ones(2, 2))
    assert [e.name for e in prof.function_events] == ["aten::ones", "aten::ones", "aten::matmul"]
    assert "aten::matmul" in prof.table(sort_by="cpu_time_total")
    with ap.profile(enabled=False) as off:
        ember.ones(1)
    assert len(off.function_events) == 0
    assert ProfilerActivity.CPU in ember.profiler.supported_activities()


def test_optimizer_steps_are_labelled_as_torch():
    torch = pytest.importorskip("torch")
    import torch.profiler as tp
    keys = []
    for mod, prof_mod in ((ember, ember.profiler), (torch, tp)):
        p = mod.nn.Parameter(mod.ones(3))
        opt = mod.optim.SGD([p], lr=0.1)
        p.sum().backward()
        with prof_mod.profile() as prof:
            opt.step()
            opt.zero_grad()
        keys.append({e.key for e in prof.key_averages() if e.key.startswith("Optimizer.")})
    assert keys[0] == keys[1] == {"Optimizer.step#SGD.step", "Optimizer.zero_grad#SGD.zero_grad"}
