"""inference_mode makes inference tensors with PyTorch's rules: readable everywhere, but
outside inference mode not writable in place, not given requires_grad, and not saved for
backward (ops that save nothing, like add, accept them)."""
import threading

import pytest

import ember

torch = pytest.importorskip("torch")


def _cases(L):
    with L.inference_mode():
        a = L.ones(3)
        v = a[1:]
        made = (L.arange(3.) * 2).sin()
    w = L.ones(3, requires_grad=True)
    return {
        "flags": lambda: (a.is_inference(), v.is_inference(), made.is_inference(),
                          L.ones(1).is_inference(), a.clone().is_inference(), (a * 2).is_inference(),
                          L.is_inference(a)),
        "add_": lambda: a.add_(1),
        "view mul_": lambda: v.mul_(2),
        "requires_grad_": lambda: a.requires_grad_(),
        "requires_grad attr": lambda: setattr(a, "requires_grad", True),
        "mul with grad": lambda: (a * w).sum().backward(),
        "add with grad": lambda: ((a + w).sum().backward(), w.grad.tolist())[1],
        "sub with grad": lambda: ((w - a).sum().backward(), w.grad.tolist())[1],
        "linear": lambda: L.nn.functional.linear(a[None], w[None]),
        "fill_": lambda: a.fill_(0),
        "copy_": lambda: a.copy_(L.zeros(3)),
        "setitem": lambda: a.__setitem__(0, 5.0),
        "clone then train": lambda: ((a.clone() * w).sum().backward(), w.grad.tolist())[1],
        "read ops": lambda: (a.sum().item(), (a @ a).item(), a.mean().item()),
    }


@pytest.mark.parametrize("name", list(_cases(torch)))
def test_inference_tensor_rules_match_torch(name):
    try:
        want = _cases(torch)[name]()
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            _cases(ember)[name]()
        assert str(got.value) == str(e)
        return
    got = _cases(ember)[name]()
    if hasattr(want, "tolist"):
        want, got = want.tolist(), got.tolist()
    assert got == want


def test_inplace_inside_inference_mode_is_allowed():
    with ember.inference_mode():
        a = ember.ones(2)
        a.add_(1)
        assert a.tolist() == [2.0, 2.0]


def test_no_grad_tensors_are_not_inference_tensors():
    with ember.no_grad():
        a = ember.ones(2)
    assert not a.is_inference()
    a.add_(1).requires_grad_()


def test_inference_mode_in_another_thread_does_not_mark_this_threads_tensors():
    entered, release = threading.Event(), threading.Event()

    def serve():
        with ember.inference_mode():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=serve)
    t.start()
    entered.wait(5)
    try:
        x = ember.ones(2)
        assert not x.is_inference()
        x.add_(1)
    finally:
        release.set()
        t.join()
