"""Shared helper for the shape/index/indexing parity tests: run one function on ember and torch,
compare outputs (values, dtypes, shapes) and the gradients of every float input."""
import numpy as np

import ember


def to_lib(lib, a, grad):
    t = lib.tensor(a)
    if grad and a.dtype.kind == "f":
        t.requires_grad_(True)
    return t


def _flat(o):
    if isinstance(o, (tuple, list)):
        out = []
        for x in o:
            out += _flat(x)
        return out
    return [o]


def run_both(torch, fn, *arrays, grad=True, atol=None):
    """Return (ember outputs, torch outputs, ember grads, torch grads)."""
    res = {}
    rng = np.random.default_rng(0)
    ws = None
    for lib in (torch, ember):
        ins = [to_lib(lib, a, grad) if isinstance(a, np.ndarray) else a for a in arrays]
        outs = _flat(fn(lib, *ins))
        if ws is None:
            ws = [rng.standard_normal(tuple(o.shape)) for o in outs]
        grads = None
        if grad:
            loss = None
            for o, w in zip(outs, ws):
                if o.requires_grad:
                    term = (o * lib.tensor(w, dtype=o.dtype)).sum()
                    loss = term if loss is None else loss + term
            if loss is not None:
                loss.backward()
            grads = [i.grad for i in ins if hasattr(i, "requires_grad") and i.requires_grad]
        res[lib.__name__] = (outs, grads)
    return res["ember"], res["torch"]


def assert_same(e, t, atol=None, rtol=None):
    if t is None:
        assert e is None
        return
    assert e is not None
    assert tuple(e.shape) == tuple(t.shape), (tuple(e.shape), tuple(t.shape))
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    ea, ta = e.detach().numpy(), t.detach().numpy()
    if ea.dtype.kind == "f":
        tol = atol if atol is not None else (1e-5 if ea.dtype == np.float32 else 1e-10)
        np.testing.assert_allclose(ea, ta, atol=tol, rtol=rtol if rtol is not None else tol)
    else:
        np.testing.assert_array_equal(ea, ta)


def check(torch, fn, *arrays, grad=True, atol=None):
    """Forward and backward parity of ``fn(lib, *tensors)`` between ember and torch."""
    (eo, eg), (to, tg) = run_both(torch, fn, *arrays, grad=grad)
    assert len(eo) == len(to)
    for e, t in zip(eo, to):
        assert_same(e, t, atol)
        assert bool(e.requires_grad) == bool(t.requires_grad)
    if grad:
        assert len(eg) == len(tg)
        for e, t in zip(eg, tg):
            assert_same(e, t, atol)


def same_error(torch, fn, *arrays):
    """``fn`` raises the same exception type (and message) on ember as on torch."""
    import warnings
    errs = []
    for lib in (torch, ember):
        ins = [lib.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn(lib, *ins)
        except Exception as e:  # noqa: BLE001
            errs.append(e)
        else:
            errs.append(None)
    te, ee = errs
    assert te is not None, "torch did not raise"
    assert ee is not None, f"ember did not raise; torch raised {type(te).__name__}: {te}"
    assert type(ee) is type(te), (type(ee), ee, type(te), te)
    return str(ee), str(te)
