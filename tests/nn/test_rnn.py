"""RNN, LSTM, GRU and their cells against PyTorch: outputs, final states, every parameter
and input gradient, state_dict keys, repr, errors, dropout, packed input, double backward."""
import itertools
import warnings

import numpy as np
import pytest

import ember
from ember.ops.nn import rnn_ops

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")

T, B, I, H = 3, 2, 3, 4
TOL = {np.float32: (2e-5, 2e-6), np.float64: (1e-10, 1e-12)}


def _pair(kind, *args, dtype=np.float64, **kw):
    """A torch module and its ember twin holding the same weights (keys checked)."""
    tm = getattr(torch.nn, kind)(*args, **kw).to(torch.float64 if dtype == np.float64 else torch.float32)
    em = getattr(ember.nn, kind)(*args, **kw).to(ember.float64 if dtype == np.float64 else ember.float32)
    tsd = tm.state_dict()
    assert list(em.state_dict()) == list(tsd)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tsd.items()})
    return tm, em


def _flat(out):
    """Outputs and states as a flat list (a PackedSequence contributes its data)."""
    if isinstance(out, (tuple, list)) and not hasattr(out, "batch_sizes"):
        return [t for o in out for t in _flat(o)]
    return [out.data if hasattr(out, "batch_sizes") else out]


def _check(tm, em, targs, eargs, leaves, dtype):
    """Forward both, compare outputs; backward a random weighting, compare gradients."""
    rtol, atol = TOL[dtype]
    to, eo = _flat(tm(*targs)), _flat(em(*eargs))
    assert len(to) == len(eo)
    rng = np.random.default_rng(5)
    tl, el = 0, 0
    for t, e in zip(to, eo):
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
        w = rng.standard_normal(tuple(t.shape)).astype(dtype)
        tl = tl + (t * torch.tensor(w)).sum()
        el = el + (e * ember.tensor(w)).sum()
    tl.backward()
    el.backward()
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(em.get_parameter(name).grad.numpy(), p.grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)
    for t, e in leaves:
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


def _leaf(a):
    return torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)


KINDS = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("GRU", {}), ("LSTM", {}), ("LSTM", {"proj_size": 2})]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind,extra", KINDS)
def test_parity(kind, extra, num_layers, bidirectional, dtype):
    rng = np.random.default_rng(0)
    D = 2 if bidirectional else 1
    P = extra.get("proj_size", 0) or H
    for batch_first, bias, with_state in itertools.product([False, True], repeat=3):
        tm, em = _pair(kind, I, H, num_layers, bias=bias, batch_first=batch_first,
                       bidirectional=bidirectional, dtype=dtype, **extra)
        x = rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(dtype)
        leaves = [_leaf(x)]
        if with_state:
            leaves.append(_leaf(rng.standard_normal((num_layers * D, B, P)).astype(dtype)))
            if kind == "LSTM":
                leaves.append(_leaf(rng.standard_normal((num_layers * D, B, H)).astype(dtype)))
        targs, eargs = [leaves[0][0]], [leaves[0][1]]
        if with_state:
            st = [leaf[0] for leaf in leaves[1:]]
            es = [leaf[1] for leaf in leaves[1:]]
            targs.append(tuple(st) if kind == "LSTM" else st[0])
            eargs.append(tuple(es) if kind == "LSTM" else es[0])
        _check(tm, em, targs, eargs, leaves, dtype)


@pytest.mark.parametrize("kind,extra", KINDS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched(kind, extra, batch_first):
    rng = np.random.default_rng(1)
    P = extra.get("proj_size", 0) or H
    for with_state in (False, True):
        tm, em = _pair(kind, I, H, 2, bidirectional=True, batch_first=batch_first, **extra)
        leaves = [_leaf(rng.standard_normal((T, I)))]
        targs, eargs = [leaves[0][0]], [leaves[0][1]]
        if with_state:
            hs = [_leaf(rng.standard_normal((4, P)))] + ([_leaf(rng.standard_normal((4, H)))] if kind == "LSTM" else [])
            leaves += hs
            targs.append(tuple(h[0] for h in hs) if kind == "LSTM" else hs[0][0])
            eargs.append(tuple(h[1] for h in hs) if kind == "LSTM" else hs[0][1])
        _check(tm, em, targs, eargs, leaves, np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("kind,extra", KINDS)
def test_packed(kind, extra, enforce_sorted, dtype):
    eutils = pytest.importorskip("ember.nn.utils.rnn")
    rng = np.random.default_rng(2)
    lengths = [5, 4, 2] if enforce_sorted else [2, 5, 4]
    P = extra.get("proj_size", 0) or H
    for layers, bidirectional, with_state in itertools.product([1, 2], [False, True], [False, True]):
        D = 2 if bidirectional else 1
        tm, em = _pair(kind, I, H, layers, bidirectional=bidirectional, dtype=dtype, **extra)
        leaves = [_leaf(rng.standard_normal((5, 3, I)).astype(dtype))]
        targs = [torch.nn.utils.rnn.pack_padded_sequence(leaves[0][0], lengths, enforce_sorted=enforce_sorted)]
        eargs = [eutils.pack_padded_sequence(leaves[0][1], lengths, enforce_sorted=enforce_sorted)]
        if with_state:
            hs = [_leaf(rng.standard_normal((layers * D, 3, P)).astype(dtype))]
            if kind == "LSTM":
                hs.append(_leaf(rng.standard_normal((layers * D, 3, H)).astype(dtype)))
            leaves += hs
            targs.append(tuple(h[0] for h in hs) if kind == "LSTM" else hs[0][0])
            eargs.append(tuple(h[1] for h in hs) if kind == "LSTM" else hs[0][1])
        out = em(*eargs)[0]
        assert type(out).__name__ == "PackedSequence"
        assert out.batch_sizes.tolist() == eargs[0].batch_sizes.tolist()
        _check(tm, em, targs, eargs, leaves, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind,kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}),
                                     ("GRUCell", {}), ("GRUCell", {"bias": False}), ("LSTMCell", {"bias": False})])
def test_cells(kind, kw, dtype):
    rng = np.random.default_rng(3)
    for batched, with_state in itertools.product([True, False], repeat=2):
        tm, em = _pair(kind, I, H, dtype=dtype, **kw)
        lead = (B,) if batched else ()
        leaves = [_leaf(rng.standard_normal(lead + (I,)).astype(dtype))]
        targs, eargs = [leaves[0][0]], [leaves[0][1]]
        if with_state:
            hs = [_leaf(rng.standard_normal(lead + (H,)).astype(dtype)) for _ in range(2 if kind == "LSTMCell" else 1)]
            leaves += hs
            targs.append(tuple(h[0] for h in hs) if kind == "LSTMCell" else hs[0][0])
            eargs.append(tuple(h[1] for h in hs) if kind == "LSTMCell" else hs[0][1])
        _check(tm, em, targs, eargs, leaves, dtype)


def test_cell_unrolled_sequence():
    """A cell applied step by step (many nodes) equals torch's."""
    rng = np.random.default_rng(4)
    tm, em = _pair("LSTMCell", I, H)
    xs = rng.standard_normal((4, B, I))
    (tx, ex) = _leaf(xs)
    th = tc = eh = ec = None
    for t in range(4):
        th, tc = tm(tx[t], None if th is None else (th, tc))
        eh, ec = em(ex[t], None if eh is None else (eh, ec))
    (th.sum() + tc.sum()).backward()
    (eh.sum() + ec.sum()).backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(em.weight_hh.grad.numpy(), tm.weight_hh.grad.numpy(), rtol=1e-10)


# ---------------------------------------------------------------- module attributes
@pytest.mark.parametrize("args,kw", [
    (("LSTM", 3, 4), {}), (("LSTM", 3, 4, 2), {"bias": False, "batch_first": True, "dropout": 0.5}),
    (("LSTM", 3, 4, 2), {"proj_size": 2, "bidirectional": True}), (("GRU", 3, 4, 3), {"bidirectional": True}),
    (("RNN", 3, 4, 2, "relu", False, True, 0.25, True), {}), (("RNN", 3, 4), {"nonlinearity": "tanh"}),
    (("RNNCell", 3, 4, False, "relu"), {}), (("LSTMCell", 3, 4), {"bias": False}), (("GRUCell", 3, 4), {})])
def test_attributes_repr_state_dict(args, kw):
    kind, args = args[0], args[1:]
    tm = getattr(torch.nn, kind)(*args, **kw)
    em = getattr(ember.nn, kind)(*args, **kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [tuple(v.shape) for v in em.state_dict().values()] == [tuple(v.shape) for v in tm.state_dict().values()]
    # both directions: ember's weights load into torch
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in em.state_dict().items()})
    if kind.endswith("Cell"):
        bound = 1 / H ** 0.5
    else:
        assert em._flat_weights_names == tm._flat_weights_names
        assert [[tuple(w.shape) for w in ws] for ws in em.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in tm.all_weights]
        assert all(a is b for a, b in zip(em._flat_weights, em.parameters()))
        em.flatten_parameters()
        for k in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                  "bidirectional", "proj_size"):
            assert getattr(em, k) == getattr(tm, k), k
        bound = 1 / em.hidden_size ** 0.5
    for p in em.parameters():
        assert float(p.abs().max()) <= bound


def test_flat_weights_follow_assignment():
    m = ember.nn.GRU(3, 4)
    w = ember.nn.Parameter(ember.zeros(12, 4))
    m.weight_hh_l0 = w
    assert m._flat_weights[1] is w
    out, h = m(ember.randn(2, 1, 3))
    assert out.shape == (2, 1, 4)


def test_dropout():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, but got "
                                         "dropout=0.5 and num_layers=1"):
        ember.nn.LSTM(3, 4, dropout=0.5)
    tm, em = _pair("LSTM", I, H, 3, dropout=0.5)
    x = np.random.default_rng(6).standard_normal((T, B, I))
    tm.eval(), em.eval()
    _check(tm, em, [torch.tensor(x)], [ember.tensor(x)], [], np.float64)
    em.train()
    o1, o2 = em(ember.tensor(x))[0], em(ember.tensor(x))[0]
    assert o1.shape == (T, B, H) and not np.allclose(o1.detach().numpy(), o2.detach().numpy())
    # dropout=1 zeroes the input of layers 2 and 3: deterministic, so exact parity in training
    tm, em = _pair("GRU", I, H, 3, dropout=1.0, bidirectional=True)
    _check(tm, em, [torch.tensor(x)], [ember.tensor(x)], [], np.float64)


def test_double_backward():
    rng = np.random.default_rng(7)
    for kind, extra in KINDS:
        tm, em = _pair(kind, I, H, 2, bidirectional=True, **extra)
        x = rng.standard_normal((T, B, I))
        res = []
        for lib, m in ((torch, tm), (ember, em)):
            xx = lib.tensor(x, requires_grad=True)
            out = m(xx)[0]
            params = list(m.parameters())
            gs = lib.autograd.grad((out ** 2).sum(), [xx] + params, create_graph=True)
            sum((g ** 2).sum() for g in gs).backward()
            res.append([xx.grad.numpy()] + [p.grad.numpy() for p in params])
        for a, b in zip(*res):
            np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("mode,gates,proj,reverse", [("LSTM", 4, 0, True), ("LSTM", 4, 1, False),
                                                     ("GRU", 3, 0, True), ("RNN_TANH", 1, 0, False)])
def test_gradgradcheck_packed(mode, gates, proj, reverse):
    rng = np.random.default_rng(8)
    h, i = 2, 2
    P = proj or h
    sizes = (2, 2, 1)
    x = ember.tensor(rng.standard_normal((sum(sizes), i)), requires_grad=True)
    hx = [ember.tensor(rng.standard_normal((2, P)), requires_grad=True)]
    if mode == "LSTM":
        hx.append(ember.tensor(rng.standard_normal((2, h)), requires_grad=True))
    ws = [rng.standard_normal((gates * h, i)), rng.standard_normal((gates * h, P)), rng.standard_normal(gates * h),
          rng.standard_normal(gates * h)] + ([rng.standard_normal((P, h))] if proj else [])
    ws = [ember.tensor(0.5 * w, requires_grad=True) for w in ws]

    def f(x, *rest):
        return rnn_ops.recurrent_layer(mode, x, rest[:len(hx)], rest[len(hx):], reverse=reverse, batch_sizes=sizes)
    assert ember.autograd.gradcheck(f, [x] + hx + ws)
    assert ember.autograd.gradgradcheck(f, [x] + hx + ws)
    spec = rnn_ops.layer_specs(mode, True, bool(proj), tuple(x.shape), P, sizes)[int(reverse)]
    ref = rnn_ops.reference(spec, x, hx[0], hx[1] if mode == "LSTM" else None, *ws[:4], ws[4] if proj else None)
    for a, b in zip(f(x, *hx, *ws), ref):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-13)


def test_no_grad_and_inplace_check():
    m = ember.nn.RNN(3, 4)
    with ember.no_grad():
        out, h = m(ember.randn(2, 1, 3))
    assert out.grad_fn is None and not out.requires_grad
    cell = ember.nn.RNNCell(3, 4)
    h = cell(ember.randn(2, 3))
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):  # as torch's RNNCell
        h.sum().backward()


@pytest.mark.parametrize("kind,extra", KINDS)
def test_outputs_changed_in_place(kind, extra):
    """PyTorch's layers do not save the output they return: changing it (or h_n) in place
    before backward is allowed, and the gradients are those of the unchanged graph."""
    tm, em = _pair(kind, I, H, 2, bidirectional=kind == "RNN", dtype=np.float64, **extra)
    x = np.random.default_rng(1).standard_normal((T, B, I))
    leaves = [_leaf(x)]
    for m, (xx, lib) in ((tm, (leaves[0][0], torch)), (em, (leaves[0][1], ember))):
        out, h = m(xx)
        h = h[0] if kind == "LSTM" else h
        out.mul_(2)
        h.add_(1)
        (out.sum() + h.sum()).backward()
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(em.get_parameter(name).grad.numpy(), p.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(leaves[0][1].grad.numpy(), leaves[0][0].grad.numpy(), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- errors as PyTorch
def _same_error(fn_t, fn_e):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as ee:
        fn_e()
    assert type(ee.value) is type(et.value) and str(ee.value) == str(et.value), (ee.value, et.value)


@pytest.mark.parametrize("ctor", [
    ("RNN", (3, 4), {"proj_size": 2}), ("GRU", (3, 4), {"proj_size": 2}), ("LSTM", (3, 4), {"proj_size": 4}),
    ("LSTM", (3, 4), {"proj_size": -1}), ("LSTM", (3, 4), {"dropout": 1.5}), ("LSTM", (3, 4), {"dropout": True}),
    ("LSTM", (3, 0), {}), ("LSTM", (0, 3), {}), ("LSTM", (3, 4, 0), {}), ("LSTM", (3.0, 4), {}),
    ("LSTM", (3, 4.0), {}), ("GRU", (3, 4), {"bias": 1}), ("GRU", (3, 4), {"batch_first": 0}),
    ("RNN", (3, 4, 2, "sigmoid"), {}), ("RNN", (3, 4), {"nonlinearity": "gelu"})])
def test_constructor_errors(ctor):
    kind, args, kw = ctor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_error(lambda: getattr(torch.nn, kind)(*args, **kw), lambda: getattr(ember.nn, kind)(*args, **kw))


def _rand(lib, *shape, dtype=None):
    return lib.ones(*shape, dtype=dtype)


FORWARD_ERRORS = [
    ("LSTM", lambda L: ((_rand(L, 5, 2, 4, dtype=L.float64),), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 2, 5),), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 2, 4), (_rand(L, 1, 3, 3), _rand(L, 1, 2, 3))), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 2, 4), (_rand(L, 1, 2, 3), _rand(L, 1, 2, 4))), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 2, 4), (_rand(L, 2, 3), _rand(L, 1, 2, 3))), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 4), (_rand(L, 1, 2, 3), _rand(L, 1, 2, 3))), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 4), (_rand(L, 1, 3), _rand(L, 1, 4))), {})),
    ("LSTM", lambda L: ((_rand(L, 5, 2, 4, 1),), {})),
    ("LSTM", lambda L: ((_rand(L, 0, 2, 4),), {})),
    ("GRU", lambda L: ((_rand(L, 5, 2, 4), _rand(L, 2, 3)), {})),
    ("GRU", lambda L: ((_rand(L, 5, 2, 4), _rand(L, 1, 3, 3)), {})),
    ("GRU", lambda L: ((_rand(L, 5, 1, 4),), {})),
    ("RNN", lambda L: ((_rand(L, 5, 4), _rand(L, 1, 1, 3)), {})),
    ("RNN", lambda L: ((_rand(L, 5, 2, 4, 1),), {})),
    ("RNN", lambda L: ((_rand(L, 4),), {})),
    ("GRU", lambda L: ((_rand(L, 5, 2, 4), _rand(L, 1, 2, 3, dtype=L.float64)), {})),
    ("GRU", lambda L: ((_rand(L, 5, 2, 4), _rand(L, 1, 2, 3, dtype=L.int64)), {})),
]


@pytest.mark.parametrize("kind,make", FORWARD_ERRORS)
def test_forward_errors(kind, make):
    tm, em = getattr(torch.nn, kind)(4, 3), getattr(ember.nn, kind)(4, 3)
    ta, tk = make(torch)
    ea, ek = make(ember)
    if kind == "GRU" and ta[0].shape[1] == 1:  # wrong input_size instead (5 is not 4)
        tm, em = getattr(torch.nn, kind)(5, 3), getattr(ember.nn, kind)(5, 3)
        ta, ea = (_rand(torch, 2, 1, 4),), (_rand(ember, 2, 1, 4),)
    _same_error(lambda: tm(*ta, **tk), lambda: em(*ea, **ek))


CELL_ERRORS = [
    ("LSTMCell", lambda L: (_rand(L, 2, 5),)),
    ("LSTMCell", lambda L: (_rand(L, 2, 4), (_rand(L, 3, 3), _rand(L, 2, 3)))),
    ("LSTMCell", lambda L: (_rand(L, 2, 4), (_rand(L, 2, 4), _rand(L, 2, 3)))),
    ("LSTMCell", lambda L: (_rand(L, 2, 4), (_rand(L, 2, 3), _rand(L, 2, 2)))),
    ("LSTMCell", lambda L: (_rand(L, 4), (_rand(L, 2, 3), _rand(L, 2, 3)))),
    ("LSTMCell", lambda L: (_rand(L, 2, 4), (_rand(L, 2, 3),))),
    ("LSTMCell", lambda L: (_rand(L, 2, 4), (_rand(L, 2, 3), _rand(L, 2, 3, 1)))),
    ("GRUCell", lambda L: (_rand(L, 2, 5),)),
    ("GRUCell", lambda L: (_rand(L, 2, 4), _rand(L, 3, 3))),
    ("GRUCell", lambda L: (_rand(L, 2, 4), _rand(L, 2))),
    ("GRUCell", lambda L: (_rand(L, 2, 4, dtype=L.float64),)),
    ("GRUCell", lambda L: (_rand(L, 2, 4), _rand(L, 2, 3, dtype=L.float64))),
    ("GRUCell", lambda L: (_rand(L, 2, 4, 1),)),
    ("RNNCell", lambda L: (_rand(L, 2, 4), _rand(L, 2, 3, 3))),
    ("RNNCell", lambda L: (_rand(L, 2, 4), _rand(L, 3))),
    ("RNNCell", lambda L: (_rand(L, 2, 4, dtype=L.int64),)),
    ("LSTMCell", lambda L: (_rand(L, 2, 4, dtype=L.uint8),)),
    ("GRUCell", lambda L: (_rand(L, 2, 4), _rand(L, 2, 3, dtype=L.int32))),
]


@pytest.mark.parametrize("kind,make", CELL_ERRORS)
def test_cell_errors(kind, make):
    tm, em = getattr(torch.nn, kind)(4, 3), getattr(ember.nn, kind)(4, 3)
    _same_error(lambda: tm(*make(torch)), lambda: em(*make(ember)))


def test_rnncell_unknown_nonlinearity():
    tm, em = torch.nn.RNNCell(4, 3, nonlinearity="x"), ember.nn.RNNCell(4, 3, nonlinearity="x")
    _same_error(lambda: tm(torch.ones(2, 4)), lambda: em(ember.ones(2, 4)))


def test_module_dtype_and_empty_batch():
    m = ember.nn.LSTM(3, 4, dtype=ember.float64)
    assert m.weight_ih_l0.dtype == ember.float64
    out, (h, c) = m(ember.ones(2, 0, 3, dtype=ember.float64))
    assert out.shape == (2, 0, 4) and h.shape == (1, 0, 4)
    out, h = ember.nn.GRU(3, 4)(ember.ones(2, 1, 3))
    assert out.dtype == ember.float32 and h.dtype == ember.float32


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
def test_backward_frees_the_step_arrays(kind):
    """The gates and states a layer node keeps for BPTT are freed once backward has run
    through it (as PyTorch frees saved tensors), not held for as long as the graph lives."""
    import weakref
    m = getattr(ember.nn, kind)(3, 4)
    out, _ = m(ember.randn(5, 2, 3))
    refs = [weakref.ref(a) for a in out.grad_fn.cache if a is not None]
    assert refs
    loss = out.sum()
    loss.backward()
    assert all(r() is None for r in refs)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()
