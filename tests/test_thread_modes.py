"""Grad mode and inference mode are per thread, as in PyTorch; anomaly mode and the default
dtype are process-wide, as in PyTorch. Checked with real concurrent threads."""
import threading

import ember


def _run(fn):
    out = {}
    t = threading.Thread(target=lambda: out.update(fn()))
    t.start()
    t.join()
    return out


def _modes():
    return {"grad": ember.is_grad_enabled(), "inf": ember.is_inference_mode_enabled()}


def test_new_thread_starts_with_grad_enabled():
    with ember.no_grad():
        assert _run(_modes) == {"grad": True, "inf": False}
    with ember.inference_mode():
        assert _run(_modes) == {"grad": True, "inf": False}
    ember.set_grad_enabled(False)
    try:
        assert _run(_modes)["grad"] is True
    finally:
        ember.set_grad_enabled(True)


def test_no_grad_in_one_thread_does_not_leak_into_another():
    entered, release = threading.Event(), threading.Event()

    def inference():
        with ember.no_grad():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=inference)
    t.start()
    entered.wait(5)
    try:
        x = ember.ones(3, requires_grad=True)
        y = (x * 2).sum()
        assert y.requires_grad
        y.backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]
    finally:
        release.set()
        t.join()
    assert ember.is_grad_enabled()


def test_many_threads_entering_and_leaving_no_grad_leave_mode_intact():
    errors = []
    barrier = threading.Barrier(8)

    def worker(i):
        try:
            barrier.wait(5)
            for _ in range(300):
                if i % 2:
                    with ember.no_grad():
                        assert not ember.is_grad_enabled()
                        assert not (ember.ones(1, requires_grad=True) * 2).requires_grad
                else:
                    w = ember.ones(2, requires_grad=True)
                    assert ember.is_grad_enabled()
                    (w * 3).sum().backward()
                    assert w.grad.tolist() == [3.0, 3.0]
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors[:3]
    assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()


def test_default_dtype_and_anomaly_mode_are_process_wide():
    prev = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        with ember.autograd.set_detect_anomaly(True):
            out = _run(lambda: {"dt": ember.get_default_dtype(),
                                "anomaly": ember.is_anomaly_enabled()})
        assert out == {"dt": ember.float64, "anomaly": True}
    finally:
        ember.set_default_dtype(prev)
