"""nn.utils.rnn (PackedSequence, pack/pad and back) against PyTorch: values, indices, gradients, errors."""
import numpy as np
import pytest

import ember
import ember.nn.utils.rnn as er

torch = pytest.importorskip("torch")
tr = torch.nn.utils.rnn

TOL = {np.float32: 1e-6, np.float64: 1e-12}


def _same(e, t, tol=0.0):
    """ember tensor ``e`` equals torch tensor ``t``: shape, dtype and values."""
    if t is None:
        assert e is None
        return
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


def _same_packed(pe, pt):
    assert isinstance(pe, er.PackedSequence)
    for a, b in zip(pe, pt):
        _same(a, b)


def _lengths(rng, B, T, sort):
    lens = rng.integers(1, T + 1, size=B)
    lens[rng.integers(B)] = T
    return np.sort(lens)[::-1].copy() if sort else lens


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("feat", [(), (3,), (2, 3)])
def test_pack_pad_round_trip_and_grads(dtype, batch_first, enforce_sorted, feat):
    rng = np.random.default_rng(len(feat) + 2 * batch_first + 4 * enforce_sorted)
    B, T = 5, 6
    lens = _lengths(rng, B, T, enforce_sorted)
    if not enforce_sorted:
        lens[:2] = lens[1], lens[0] + (lens[0] == lens[1])  # surely unsorted, ties elsewhere allowed
        lens = np.minimum(lens, T)
    x = rng.standard_normal(((B, T + 1) if batch_first else (T + 1, B)) + feat).astype(dtype)  # one step spare
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    le, lt = (lens.tolist(), lens.tolist()) if enforce_sorted else (ember.tensor(lens), torch.tensor(lens))
    pe = er.pack_padded_sequence(xe, le, batch_first, enforce_sorted)
    pt = tr.pack_padded_sequence(xt, lt, batch_first, enforce_sorted)
    _same_packed(pe, pt)
    assert pe.data.requires_grad
    ye, le2 = er.pad_packed_sequence(pe, batch_first, padding_value=-2.5, total_length=T + 2)
    yt, lt2 = tr.pad_packed_sequence(pt, batch_first, padding_value=-2.5, total_length=T + 2)
    _same(ye, yt)
    _same(le2, lt2)
    g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ge = rng.standard_normal(tuple(pt.data.shape)).astype(dtype)
    ((ye * ember.tensor(g)).sum() + (pe.data * ember.tensor(ge)).sum()).backward()
    ((yt * torch.tensor(g)).sum() + (pt.data * torch.tensor(ge)).sum()).backward()
    _same(xe.grad, xt.grad, TOL[dtype])
    # default padding, no total_length: the round trip gives back the input's valid steps
    ye, _ = er.pad_packed_sequence(pe, batch_first)
    yt, _ = tr.pad_packed_sequence(pt, batch_first)
    _same(ye, yt)


def test_second_derivatives():
    rng = np.random.default_rng(8)
    x = ember.tensor(rng.standard_normal((4, 3, 2)), requires_grad=True)

    def f(x):
        p = er.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
        return er.pad_packed_sequence(p, batch_first=True, total_length=5)[0] ** 2
    assert ember.autograd.gradcheck(f, (x,)) and ember.autograd.gradgradcheck(f, (x,))
    seqs = [ember.tensor(rng.standard_normal((n, 2)), requires_grad=True) for n in (2, 4, 1)]

    def g(*s):
        return er.pad_sequence(list(s), padding_side="left") ** 2
    assert ember.autograd.gradcheck(g, seqs) and ember.autograd.gradgradcheck(g, seqs)


def test_ties_and_sorted_indices():
    x = np.arange(24.).reshape(4, 6)
    for lens in ([2, 3, 3, 1, 3, 2], [4, 4, 4, 4, 4, 4], [1, 2, 3, 4, 1, 1]):
        pe = er.pack_padded_sequence(ember.tensor(x), ember.tensor(lens), enforce_sorted=False)
        pt = tr.pack_padded_sequence(torch.tensor(x), torch.tensor(lens), enforce_sorted=False)
        _same_packed(pe, pt)


@pytest.mark.parametrize("kind", ["int32", "float", "list_of_floats", "tuple", "bools"])
def test_lengths_forms(kind):
    x = np.arange(12).reshape(4, 3)
    lens = {"int32": ([4, 2, 1], "int32"), "float": ([3.7, 2., 1.], "float32"), "list_of_floats": [3.5, 2, 1],
            "tuple": (4, 3, 3), "bools": [True, True, True]}[kind]
    if isinstance(lens, tuple) and len(lens) == 2 and isinstance(lens[1], str):
        le, lt = ember.tensor(np.array(lens[0], lens[1])), torch.tensor(np.array(lens[0], lens[1]))
    else:
        le = lt = lens
    _same_packed(er.pack_padded_sequence(ember.tensor(x), le), tr.pack_padded_sequence(torch.tensor(x), lt))


@pytest.mark.parametrize("npdt", [np.int64, np.bool_, np.float16])
def test_other_dtypes(npdt):
    x = (np.arange(12).reshape(4, 3) % 3).astype(npdt)
    pe = er.pack_padded_sequence(ember.tensor(x), [4, 2, 1])
    pt = tr.pack_padded_sequence(torch.tensor(x), [4, 2, 1])
    _same_packed(pe, pt)
    for pv in (0, 7.5):
        ye, le = er.pad_packed_sequence(pe, padding_value=pv, total_length=5)
        yt, lt = tr.pad_packed_sequence(pt, padding_value=pv, total_length=5)
        _same(ye, yt)
        _same(le, lt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(dtype, batch_first, side):
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((n, 2, 3)).astype(dtype) for n in (3, 5, 1, 5)]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    ye = er.pad_sequence(E, batch_first, 1.5, side)
    yt = tr.pad_sequence(T, batch_first, 1.5, side)
    _same(ye, yt)
    g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for e, t in zip(E, T):
        _same(e.grad, t.grad, TOL[dtype])


def test_pad_sequence_casts_and_broadcasts_like_copy():
    a = np.ones((2, 3), np.float32)
    cases = [[a, np.full((3, 1), 2.)], [a, np.full((3,), 2, np.int64)], [np.ones(2, np.int64), np.full(3, 2.5)],
             [np.ones(0), np.ones(0)], [np.ones(3)]]
    for arrays in cases:
        E = [ember.tensor(x, requires_grad=x.dtype.kind == "f") for x in arrays]
        T = [torch.tensor(x, requires_grad=x.dtype.kind == "f") for x in arrays]
        ye, yt = er.pad_sequence(E), tr.pad_sequence(T)
        _same(ye, yt)
        if ye.requires_grad:
            ye.sum().backward()
            yt.sum().backward()
            for e, t in zip(E, T):
                _same(e.grad, t.grad)
    # a tensor or a generator works as the sequence of sequences
    x = np.arange(6.).reshape(2, 3)
    _same(er.pad_sequence(ember.tensor(x)), tr.pad_sequence(torch.tensor(x)))
    _same(er.pad_sequence(ember.tensor(r) for r in x), tr.pad_sequence(torch.tensor(r) for r in x))


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_unpack_sequence(enforce_sorted):
    rng = np.random.default_rng(5)
    ns = (5, 4, 4, 2) if enforce_sorted else (2, 5, 1, 4)
    arrays = [rng.standard_normal((n, 3)) for n in ns]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    pe, pt = er.pack_sequence(E, enforce_sorted), tr.pack_sequence(T, enforce_sorted)
    _same_packed(pe, pt)
    ue, ut = er.unpack_sequence(pe), tr.unpack_sequence(pt)
    assert len(ue) == len(ut)
    w = [rng.standard_normal(u.shape) for u in ut]
    sum((u * ember.tensor(c)).sum() for u, c in zip(ue, w)).backward()
    sum((u * torch.tensor(c)).sum() for u, c in zip(ut, w)).backward()
    for a, b in zip(ue, ut):
        _same(a, b)
    for e, t in zip(E, T):
        _same(e.grad, t.grad, 1e-12)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence(batch_first):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3, 2) if batch_first else (3, 4, 2))
    lens = np.array([3, 1, 2, 3])
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ue = er.unpad_sequence(xe, ember.tensor(lens), batch_first)
    ut = tr.unpad_sequence(xt.clone() if not batch_first else xt, torch.tensor(lens), batch_first)
    for a, b in zip(ue, ut):
        _same(a, b)
    sum((u ** 2).sum() for u in ue).backward()
    sum((u ** 2).sum() for u in ut).backward()
    _same(xe.grad, xt.grad, 1e-12)
    assert tuple(xe.shape) == x.shape  # unlike PyTorch, the input is left untransposed
    ue[0].zero_()  # results are new tensors, not views into the input
    assert np.array_equal(xe.detach().numpy(), x)


def test_invert_permutation():
    for p in ([2, 0, 1], [0], [], [3, 1, 0, 4, 2]):
        _same(er.invert_permutation(ember.tensor(p, dtype=ember.int64)),
              tr.invert_permutation(torch.tensor(p, dtype=torch.int64)))
    assert er.invert_permutation(None) is None


def test_packed_sequence_class():
    d, bs, si = [1., 2., 3.], [2, 1], [1, 0]
    pe = er.PackedSequence(ember.tensor(d), ember.tensor(bs), ember.tensor(si))
    pt = tr.PackedSequence(torch.tensor(d), torch.tensor(bs), torch.tensor(si))
    _same_packed(pe, pt)
    assert pe._fields == pt._fields
    _same_packed(er.PackedSequence((ember.tensor(d), ember.tensor(bs))),
                 tr.PackedSequence((torch.tensor(d), torch.tensor(bs))))
    assert isinstance(pe, tuple) and len(pe) == 4
    data, batch_sizes, sorted_indices, unsorted_indices = pe
    assert batch_sizes is pe.batch_sizes
    for m in ("double", "float", "half", "long", "int", "short", "char", "byte", "cpu"):
        _same_packed(getattr(pe, m)(), getattr(pt, m)())
    assert pe.to(ember.float32) is pe and pe.cpu() is pe
    assert pe.pin_memory().batch_sizes is pe.batch_sizes  # torch's CPU-only build refuses to pin
    _same_packed(pe.to(ember.float64), pt.to(torch.float64))
    _same_packed(pe.to("cpu", ember.int32), pt.to("cpu", torch.int32))
    _same_packed(pe.to(dtype=ember.float16), pt.to(dtype=torch.float16))
    assert (pe.is_cuda, pe.is_pinned()) == (pt.is_cuda, pt.is_pinned())
    assert repr(er.pack_sequence([ember.tensor([1, 2]), ember.tensor([3])])) == \
        repr(tr.pack_sequence([torch.tensor([1, 2]), torch.tensor([3])]))
    with pytest.raises(AssertionError, match="list or tuple of length 2"):
        er.PackedSequence(ember.tensor(d))
    with pytest.raises(RuntimeError):
        pe.cuda()


def _errors():
    x = np.arange(24.).reshape(4, 3, 2)
    P = "pack_padded_sequence"
    return [
        (P, (x, [2, 3, 1]), {}), (P, (x, [3, 2, 0]), {}), (P, (x, [3, 0, 2]), {"enforce_sorted": False}),
        (P, (x, [0, 3, 2]), {}), (P, (x, [3, 2]), {}), (P, (x, [3, 2, 1, 1]), {}), (P, (x, [[3, 2, 1]]), {}),
        (P, (x, 3), {}), (P, (x, [[3, 2, 1]]), {"enforce_sorted": False}), (P, (x, [3, 2, 1]), {"batch_first": True}),
        (P, (np.ones(4), [3]), {}), (P, (np.ones(4), [3]), {"batch_first": True}),
        (P, (np.ones(4), [3]), {"enforce_sorted": False}), (P, (np.ones((4, 0, 2)), []), {}),
        (P, (np.ones((0, 3, 2)), [1, 1, 1]), {}), (P, (np.ones((4, 3, 0)), [1, 1, 1]), {}),
        ("pad_packed_sequence", (x, [3, 2, 1]), {"total_length": 2}),
        ("pad_packed_sequence", (x, [3, 2, 1]), {"total_length": 3.5}),
        ("pad_packed_sequence", (x, [3, 2, 1]), {"padding_value": 1 + 2j}),
        ("pad_packed_sequence", (x.astype(np.float32), [3, 2, 1]), {"padding_value": 1e300}),
        ("pad_packed_sequence", (x.astype(np.int32), [3, 2, 1]), {"padding_value": 3e9}),
        ("pad_packed_sequence", (x.astype(np.uint8), [3, 2, 1]), {"padding_value": 256}),
        ("pad_sequence", ([np.ones(2, np.uint8), np.ones(3, np.uint8)],), {"padding_value": -1}),
        ("pad_packed_sequence", (x, [3, 2, 1]), {"padding_value": None}),
        ("pad_sequence", ([np.ones(2), np.ones(3)],), {"padding_value": 1j}),
        ("pad_sequence", ([np.ones(2, np.float16), np.ones(3)],), {"padding_value": 1e6}),
        ("pad_sequence", ([np.ones((2, 3)), np.ones((3, 2))],), {}),
        ("pad_sequence", ([np.ones((2, 4, 5)), np.ones((3, 2, 6))],), {}),
        ("pad_sequence", ([np.ones((2, 1)), np.ones((3, 4))],), {}),
        ("pad_sequence", ([np.ones(3), np.array(1.)],), {}),
        ("pad_sequence", ([],), {}), ("pad_sequence", (5,), {}),
        ("pad_sequence", ([np.ones(3), [1, 2]],), {}), ("pad_sequence", ("ab",), {}),
        ("pad_sequence", ([np.ones(2), np.ones(3)],), {"padding_side": "top"}),
        ("pad_sequence", ([np.ones(2), np.ones(3)],), {"padding_value": None}),
        ("pack_sequence", ([np.ones(2), np.ones(3)],), {}), ("pack_sequence", ([],), {}),
        ("unpad_sequence", (np.ones((3, 2)), [3, 1, 1]), {}),
    ]


def _call(mod, lib, name, args, kw):
    """Run ``mod.name`` with the arrays in ``args`` (and in its lists of sequences) made ``lib`` tensors."""
    def conv(a):
        if isinstance(a, np.ndarray):
            return lib.tensor(a)
        return [conv(v) for v in a] if isinstance(a, list) and name != "pack_padded_sequence" else a
    args = [conv(a) for a in args]
    if name == "pad_packed_sequence":
        return mod.pad_packed_sequence(mod.pack_padded_sequence(*args), **kw)
    if name == "unpad_sequence":
        args[1] = lib.tensor(args[1])
    return getattr(mod, name)(*args, **kw)


@pytest.mark.parametrize("name,args,kw", _errors())
def test_errors_as_torch(name, args, kw):
    with pytest.raises(Exception) as et:
        _call(tr, torch, name, args, kw)
    with pytest.raises(type(et.value)) as ee:
        _call(er, ember, name, args, kw)
    assert str(ee.value) == str(et.value)


def test_lengths_longer_than_input_raise():
    with pytest.raises(RuntimeError, match="has length 5 but the input has only 4 time steps"):
        er.pack_padded_sequence(ember.ones(4, 3), [5, 2, 1])


def test_packing_under_no_grad_and_reachable():
    assert ember.nn.utils.rnn is er
    x = ember.ones(3, 2, requires_grad=True)
    with ember.no_grad():
        p = er.pack_padded_sequence(x, [3, 1])
    assert not p.data.requires_grad
    assert p.data.tolist() == [1., 1., 1., 1.]
