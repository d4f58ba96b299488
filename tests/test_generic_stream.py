"""torch.Stream / torch.Event on the cpu, and the symbolic number classes, against torch."""
import pytest

import ember

torch = pytest.importorskip("torch")


def _outcome(fn):
    try:
        return "ok", repr(fn())
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)


CASES = [
    lambda t: t.Stream(),
    lambda t: t.Stream("cpu"),
    lambda t: t.Stream(t.device("cpu"), priority=-1),
    lambda t: t.Stream("meta"),
    lambda t: t.Stream("cuda"),
    lambda t: t.Stream(3),
    lambda t: t.Stream(stream_id=3, device_index=0, device_type=0),
    lambda t: t.Stream().query(),
    lambda t: t.Stream().synchronize(),
    lambda t: t.Stream().is_capturing(),
    lambda t: t.Stream().device_type,
    lambda t: t.Stream().device_index,
    lambda t: t.Stream().stream_id,
    lambda t: t.Stream().native_handle,
    lambda t: t.Stream().record_event(),
    lambda t: t.Stream().wait_stream(t.Stream()),
    lambda t: t.Stream() == t.Stream("cpu"),
    lambda t: t.Stream() == t.Stream(stream_id=1, device_index=-1, device_type=0),
    lambda t: t.Stream() == 1,
    lambda t: hash(t.Stream()) == hash(t.Stream()),
    lambda t: t.Event(),
    lambda t: t.Event(enable_timing=True),
    lambda t: t.Event(blocking=True, interprocess=True),
    lambda t: t.Event("cuda"),
    lambda t: t.Event().query(),
    lambda t: t.Event().synchronize(),
    lambda t: t.Event().wait(),
    lambda t: t.Event().record(),
    lambda t: t.Event().event_id,
    lambda t: t.Event().elapsed_time(t.Event()),
    lambda t: t.Event(enable_timing=True).elapsed_time(t.Event(enable_timing=True)),
    lambda t: t.Event().ipc_handle(),
    lambda t: isinstance(3, t.SymInt),
    lambda t: isinstance(3.0, t.SymFloat),
    lambda t: isinstance(True, t.SymBool),
    lambda t: t.SymInt(3),
    lambda t: t.SymBool(True),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_same_as_torch(case):
    got = _outcome(lambda: CASES[case](ember))
    want = _outcome(lambda: CASES[case](torch))
    assert got == want


def test_stream_as_context_and_device():
    with ember.Stream() as s:
        x = ember.ones(2) + 1
    assert s.device == ember.device("cpu") and x.tolist() == [2.0, 2.0]
    assert str(ember.Event().device) == str(torch.Event().device)


def test_classes_report_the_top_level_module():
    names = [(c.__module__, c.__name__) for c in (ember.Stream, ember.Event, ember.SymInt, ember.SymFloat)]
    assert names == [("ember", n) for n in ("Stream", "Event", "SymInt", "SymFloat")]
