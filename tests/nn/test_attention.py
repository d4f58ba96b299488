"""Scaled dot-product attention and MultiheadAttention against PyTorch: outputs, attention
weights, every parameter and input gradient, double backward, errors."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
TOL = {np.float32: 2e-5, np.float64: 1e-10}


def _close(e, t, tol):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


# ---------------------------------------------------------------- scaled_dot_product_attention
def _sdpa_case(shapes, mask=None, dtype=np.float64, seed=0, grad_mask=False, **kw):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    me = mt = None
    if mask is not None:
        me = ember.tensor(mask, requires_grad=grad_mask)
        mt = torch.tensor(mask, requires_grad=grad_mask)
    oe = F.scaled_dot_product_attention(*E, me, **kw)
    ot = TF.scaled_dot_product_attention(*T, mt, **kw)
    tol = TOL[dtype]
    assert tuple(oe.shape) == tuple(ot.shape) and str(oe.dtype) == str(ot.dtype)
    _close(oe, ot, tol)
    g = rng.standard_normal(tuple(ot.shape)).astype(dtype)
    oe.backward(ember.tensor(g))
    ot.backward(torch.tensor(g))
    for e, t in zip(E, T):
        _close(e.grad, t.grad, tol)
    if grad_mask:
        _close(me.grad, mt.grad, tol)


QKV = ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sdpa_plain_and_scale(dtype):
    _sdpa_case(QKV, dtype=dtype)
    _sdpa_case(QKV, dtype=dtype, scale=0.3)
    _sdpa_case(((4, 8), (6, 8), (6, 3)), dtype=dtype)                      # 2-D
    _sdpa_case(((2, 2, 3, 4, 8), (2, 3, 5, 8), (1, 3, 5, 6)), dtype=dtype)  # batch dims broadcast


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sdpa_bool_masks(dtype):
    rng = np.random.default_rng(1)
    m = rng.random((4, 5)) > 0.4
    m[2] = False  # a row with nothing to attend: zeros, as PyTorch
    _sdpa_case(QKV, m, dtype=dtype)
    _sdpa_case(QKV, rng.random((2, 1, 4, 5)) > 0.3, dtype=dtype)
    _sdpa_case(QKV, rng.random((4, 1)) > 0.3, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sdpa_float_masks_get_gradients(dtype):
    rng = np.random.default_rng(2)
    m = rng.standard_normal((3, 4, 5)).astype(dtype)
    m[1, 1, :] = -np.inf
    m[0, 0, 2] = -np.inf
    _sdpa_case(QKV, m, dtype=dtype, grad_mask=True)
    _sdpa_case(QKV, rng.standard_normal((2, 3, 4, 5)).astype(dtype), dtype=dtype, grad_mask=True, scale=2.0)


@pytest.mark.parametrize("L,S", [(4, 4), (4, 6), (6, 3)])
def test_sdpa_causal(L, S):
    _sdpa_case(((2, 3, L, 8), (2, 3, S, 8), (2, 3, S, 5)), is_causal=True)
    _sdpa_case(((2, 3, L, 8), (2, 3, S, 8), (2, 3, S, 5)), dtype=np.float32, is_causal=True, scale=0.5)


def test_sdpa_float32_mask_with_float64_query():
    _sdpa_case(QKV, np.random.default_rng(3).standard_normal((4, 5)).astype(np.float32))


def test_sdpa_gqa():
    _sdpa_case(((2, 6, 4, 8), (2, 2, 5, 8), (2, 3, 5, 6)), enable_gqa=True)
    _sdpa_case(((6, 4, 8), (1, 5, 8), (6, 5, 6)), enable_gqa=True)


def test_sdpa_empty_keys_give_zeros():
    _sdpa_case(((2, 4, 8), (2, 0, 8), (2, 0, 6)))


def test_sdpa_double_backward():
    rng = np.random.default_rng(4)
    q, k, v = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3)))
    m = ember.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    bm = ember.tensor(rng.random((3, 5)) > 0.3)
    bm[1] = False
    assert ember.autograd.gradgradcheck(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, m),
                                        (q, k, v, m))
    assert ember.autograd.gradgradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, bm), (q, k, v))
    assert ember.autograd.gradgradcheck(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.7), (q, k, v))


def test_sdpa_dropout():
    rng = np.random.default_rng(5)
    q, k, v = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((8, 16, 4), (8, 16, 4), (8, 16, 4)))
    ember.manual_seed(0)
    o1 = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    ember.manual_seed(0)
    o2 = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    o0 = F.scaled_dot_product_attention(q, k, v)
    assert ember.equal(o1, o2) and not ember.allclose(o1, o0)
    # with dropout on v = ones: each output row is (sum of kept probabilities) / (1 - p)
    ones = ember.ones(8, 16, 4, dtype=ember.float64)
    out = F.scaled_dot_product_attention(q, k, ones, dropout_p=0.5)
    assert 0.7 < out.mean().item() < 1.3
    assert ember.equal(F.scaled_dot_product_attention(q, k, v, dropout_p=0.0), o0)
    assert ember.equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0), ember.zeros(8, 16, 4))
    # the gradient uses the same dropout mask: check it against finite differences
    ember.manual_seed(3)
    state = ember.get_rng_state()

    def f(q, k, v):
        ember.set_rng_state(state)
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    small = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3))]
    assert ember.autograd.gradcheck(f, small)
    assert ember.autograd.gradgradcheck(f, small)


def _err(fn_e, fn_t, exc=RuntimeError):
    with pytest.raises(exc) as ee:
        fn_e()
    with pytest.raises(exc) as et:
        fn_t()
    assert str(ee.value) == str(et.value)


def test_sdpa_errors():
    rng = np.random.default_rng(6)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in QKV)
    e = [ember.tensor(a) for a in (q, k, v)]
    t = [torch.tensor(a) for a in (q, k, v)]
    for fe, ft in [
        (lambda x: F.scaled_dot_product_attention(*x, ember.ones(4, 5, dtype=ember.bool), is_causal=True),
         lambda x: TF.scaled_dot_product_attention(*x, torch.ones(4, 5, dtype=torch.bool), is_causal=True)),
        (lambda x: F.scaled_dot_product_attention(x[0], x[1][..., :7], x[2]),
         lambda x: TF.scaled_dot_product_attention(x[0], x[1][..., :7], x[2])),
        (lambda x: F.scaled_dot_product_attention(x[0], x[1], x[2][..., :4, :]),
         lambda x: TF.scaled_dot_product_attention(x[0], x[1], x[2][..., :4, :])),
        (lambda x: F.scaled_dot_product_attention(x[0], x[1].double(), x[2]),
         lambda x: TF.scaled_dot_product_attention(x[0], x[1].double(), x[2])),
        (lambda x: F.scaled_dot_product_attention(*x, ember.ones(4, 5, dtype=ember.int64)),
         lambda x: TF.scaled_dot_product_attention(*x, torch.ones(4, 5, dtype=torch.int64))),
        (lambda x: F.scaled_dot_product_attention(*x, ember.ones(4, 5).double()),
         lambda x: TF.scaled_dot_product_attention(*x, torch.ones(4, 5).double())),
        (lambda x: F.scaled_dot_product_attention(*x, ember.ones(3, 5)),
         lambda x: TF.scaled_dot_product_attention(*x, torch.ones(3, 5))),
        (lambda x: F.scaled_dot_product_attention(x[0][0, 0, 0], x[1][0, 0, 0], x[2][0, 0, 0]),
         lambda x: TF.scaled_dot_product_attention(x[0][0, 0, 0], x[1][0, 0, 0], x[2][0, 0, 0])),
        (lambda x: F.scaled_dot_product_attention(x[0], x[1][:, :2], x[2][:, :2]),
         lambda x: TF.scaled_dot_product_attention(x[0], x[1][:, :2], x[2][:, :2])),
        (lambda x: F.scaled_dot_product_attention(x[0], x[1][:, :2], x[2][:, :2], enable_gqa=True),
         lambda x: TF.scaled_dot_product_attention(x[0], x[1][:, :2], x[2][:, :2], enable_gqa=True)),
        (lambda x: F.scaled_dot_product_attention(*x, dropout_p=1.5),
         lambda x: TF.scaled_dot_product_attention(*x, dropout_p=1.5)),
        (lambda x: F.scaled_dot_product_attention(*[a.int() for a in x]),
         lambda x: TF.scaled_dot_product_attention(*[a.int() for a in x])),
    ]:
        _err(lambda: fe(e), lambda: ft(t))
    _err(lambda: F.scaled_dot_product_attention(*e, ember.ones(5, dtype=ember.bool)),
         lambda: TF.scaled_dot_product_attention(*t, torch.ones(5, dtype=torch.bool)), IndexError)
    _err(lambda: F.scaled_dot_product_attention(*e, "a"), lambda: TF.scaled_dot_product_attention(*t, "a"),
         TypeError)
    with pytest.raises(TypeError):
        F.scaled_dot_product_attention(*e, None, 0.0, False, 0.5)  # scale is keyword-only


# ---------------------------------------------------------------- MultiheadAttention
def _twins(dtype=np.float32, seed=0, **kw):
    torch.manual_seed(seed)
    tm = torch.nn.MultiheadAttention(**kw, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    em = ember.nn.MultiheadAttention(**kw, dtype=ember.float64 if dtype == np.float64 else ember.float32)
    sd = {n: p.detach() for n, p in tm.state_dict().items()}
    # nonzero biases so that their gradients and effect are checked
    gen = np.random.default_rng(seed + 1)
    sd = {n: (p + torch.tensor(gen.standard_normal(tuple(p.shape)) * 0.1).to(p.dtype)) for n, p in sd.items()}
    tm.load_state_dict(sd)
    em.load_state_dict({n: ember.tensor(p.numpy()) for n, p in sd.items()})
    return em, tm


def _run_mha(em, tm, inputs, dtype=np.float32, masks=(), seed=0, **call):
    """inputs: list of shapes, or indices into earlier inputs for `is` sharing (query is key...)."""
    rng = np.random.default_rng(seed)
    arrs, E, T = [], [], []
    for s in inputs:
        if isinstance(s, int):
            E.append(E[s])
            T.append(T[s])
            continue
        a = rng.standard_normal(s).astype(dtype)
        E.append(ember.tensor(a, requires_grad=True))
        T.append(torch.tensor(a, requires_grad=True))
    me = {k: (None if v is None else ember.tensor(v)) for k, v in dict(masks).items()}
    mt = {k: (None if v is None else torch.tensor(v)) for k, v in dict(masks).items()}
    oe, we = em(*E, **me, **call)
    ot, wt = tm(*T, **mt, **call)
    tol = TOL[dtype]
    assert tuple(oe.shape) == tuple(ot.shape)
    _close(oe, ot, tol)
    if wt is None:
        assert we is None
    else:
        assert tuple(we.shape) == tuple(wt.shape)
        _close(we, wt, tol)
    g = rng.standard_normal(tuple(ot.shape)).astype(dtype)
    loss_e = (oe * ember.tensor(g)).sum()
    loss_t = (ot * torch.tensor(g)).sum()
    if wt is not None:  # the weights are differentiable too
        gw = rng.standard_normal(tuple(wt.shape)).astype(dtype)
        loss_e = loss_e + (we * ember.tensor(gw)).sum()
        loss_t = loss_t + (wt * torch.tensor(gw)).sum()
    loss_e.backward()
    loss_t.backward()
    for (n, pe), (n2, pt) in zip(em.named_parameters(), tm.named_parameters()):
        assert n == n2
        _close(pe.grad, pt.grad, tol * 10)
    for e, t in zip(E, T):
        _close(e.grad, t.grad, tol * 10)
    return oe, ot


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights,avg", [(True, True), (True, False), (False, True)])
def test_mha_self_attention(dtype, batch_first, need_weights, avg):
    em, tm = _twins(dtype, embed_dim=8, num_heads=2, batch_first=batch_first)
    shape = (3, 5, 8)
    _run_mha(em, tm, [shape, 0, 0], dtype, need_weights=need_weights, average_attn_weights=avg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_masks(need_weights, dtype):
    em, tm = _twins(dtype, embed_dim=8, num_heads=2, batch_first=True)
    rng = np.random.default_rng(3)
    N, L = 3, 5
    causal = np.triu(np.ones((L, L), bool), 1)
    kpm = rng.random((N, L)) > 0.7
    kpm[:, 0] = False
    am3 = rng.standard_normal((N * 2, L, L))
    fk = np.where(kpm, -np.inf, 0.0)
    for masks in [dict(attn_mask=causal), dict(key_padding_mask=kpm), dict(attn_mask=causal, key_padding_mask=kpm),
                  dict(attn_mask=am3), dict(attn_mask=am3, key_padding_mask=fk),
                  dict(attn_mask=np.where(causal, -np.inf, 0.0)), dict(key_padding_mask=fk)]:
        masks = {k: (v if v.dtype == bool else v.astype(dtype)) for k, v in masks.items()}
        _run_mha(em, tm, [(N, L, 8), 0, 0], dtype, masks, need_weights=need_weights)
    # is_causal hint with a causal mask
    _run_mha(em, tm, [(N, L, 8), 0, 0], dtype, dict(attn_mask=causal), need_weights=need_weights,
             is_causal=True)
    _run_mha(em, tm, [(N, L, 8), 0, 0], dtype, dict(attn_mask=causal, key_padding_mask=kpm),
             need_weights=need_weights, is_causal=True)


def test_mha_fully_masked_rows_as_torch():
    em, tm = _twins(np.float64, embed_dim=4, num_heads=2, batch_first=True)
    kpm = np.array([[False, False, False], [True, True, True]])
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for train in (True, False):
        em.train(train)
        tm.train(train)
        for nw in (True, False):
            with ember.no_grad(), torch.no_grad():  # eval + no_grad: PyTorch's fast path (NaN rows)
                oe, _ = em(*[ember.tensor(x)] * 3, key_padding_mask=ember.tensor(kpm), need_weights=nw)
                ot, _ = tm(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(kpm), need_weights=nw)
            np.testing.assert_allclose(oe.numpy(), ot.numpy(), rtol=1e-10, atol=1e-10)
            xe, xt = ember.tensor(x), torch.tensor(x)
            oe, _ = em(xe, xe, xe, key_padding_mask=ember.tensor(kpm), need_weights=nw)
            ot, _ = tm(xt, xt, xt, key_padding_mask=torch.tensor(kpm), need_weights=nw)
            np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=1e-10, atol=1e-10)
    em.train()
    tm.train()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mha_cross_attention_kdim_vdim(dtype):
    em, tm = _twins(dtype, embed_dim=8, num_heads=4, kdim=6, vdim=3)
    _run_mha(em, tm, [(5, 2, 8), (7, 2, 6), (7, 2, 3)], dtype)
    _run_mha(em, tm, [(5, 2, 8), (7, 2, 6), (7, 2, 3)], dtype, need_weights=False)
    em, tm = _twins(dtype, embed_dim=8, num_heads=2, batch_first=True)
    _run_mha(em, tm, [(2, 5, 8), (2, 7, 8), 1], dtype)   # key is value: one GEMM for k and v
    _run_mha(em, tm, [(2, 5, 8), (2, 7, 8), (2, 7, 8)], dtype, need_weights=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_bias_kv_zero_attn_no_bias(need_weights, dtype):
    rng = np.random.default_rng(4)
    kpm = rng.random((2, 6)) > 0.7
    am = rng.random((5, 6)) > 0.8
    for kw in [dict(add_bias_kv=True), dict(add_zero_attn=True), dict(add_bias_kv=True, add_zero_attn=True),
               dict(bias=False), dict(bias=False, add_bias_kv=True, kdim=3, vdim=4)]:
        em, tm = _twins(dtype, embed_dim=8, num_heads=2, **kw)
        kd, vd = kw.get("kdim", 8), kw.get("vdim", 8)
        _run_mha(em, tm, [(5, 2, 8), (6, 2, kd), (6, 2, vd)], dtype,
                 dict(key_padding_mask=kpm, attn_mask=am), need_weights=need_weights)


def test_mha_unbatched():
    em, tm = _twins(np.float64, embed_dim=6, num_heads=3, batch_first=True)
    _run_mha(em, tm, [(4, 6), 0, 0], np.float64)
    rng = np.random.default_rng(5)
    kpm = np.array([False, True, False, False])
    am3 = rng.random((3, 4, 4)) > 0.7
    am3[..., 0] = False
    _run_mha(em, tm, [(4, 6), 0, 0], np.float64, dict(key_padding_mask=kpm, attn_mask=am3), need_weights=False)
    _run_mha(em, tm, [(4, 6), (5, 6), 1], np.float64, average_attn_weights=False)


def test_mha_dropout():
    em = ember.nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)
    x = ember.randn(4, 6, 8, requires_grad=True)
    ember.manual_seed(0)
    o1, w1 = em(x, x, x)
    ember.manual_seed(0)
    o2, w2 = em(x, x, x)
    assert ember.equal(o1, o2) and ember.equal(w1, w2)
    o1.sum().backward()
    assert x.grad is not None and ember.isfinite(x.grad).all()
    em.eval()
    o3, w3 = em(x, x, x)
    assert ember.allclose(w3.sum(-1), ember.ones(4, 6), atol=1e-6)  # no dropout in eval
    o4, _ = em(x, x, x, need_weights=False)
    assert ember.allclose(o3, o4, atol=1e-6)
    em.train()
    # the returned weights are the dropped-out ones, as PyTorch
    ember.manual_seed(1)
    _, w = em(x, x, x, average_attn_weights=False)
    assert (w == 0).any()
    # need_weights=False: dropout inside the fused attention, same mask for the same seed
    ember.manual_seed(2)
    o5, _ = em(x, x, x, need_weights=False)
    ember.manual_seed(2)
    o6, _ = em(x, x, x, need_weights=False)
    assert ember.equal(o5, o6) and not ember.allclose(o5, o4)


def test_mha_functional_eval_ignores_dropout_and_bias_errors():
    rng = np.random.default_rng(8)
    E, H = 4, 2
    x, w, wo = (ember.tensor(rng.standard_normal(s)) for s in ((3, 2, E), (3 * E, E), (E, E)))
    args = (x, x, x, E, H, w, None)
    a, _ = F.multi_head_attention_forward(*args, None, None, False, 0.9, wo, None, training=False)
    b, _ = F.multi_head_attention_forward(*args, None, None, False, 0.0, wo, None)
    assert ember.allclose(a, b)
    bk = ember.zeros(1, 1, E)
    xt, wt, wot = (torch.tensor(t.numpy()) for t in (x, w, wo))
    targs = (xt, xt, xt, E, H, wt, None)
    bkt = torch.zeros(1, 1, E)
    _err(lambda: F.multi_head_attention_forward(*args, bk, None, False, 0.0, wo, None),
         lambda: TF.multi_head_attention_forward(*targs, bkt, None, False, 0.0, wot, None), AssertionError)
    _err(lambda: F.multi_head_attention_forward(*args, bk, bk, False, 0.0, wo, None, static_k=ember.zeros(4, 3, 2)),
         lambda: TF.multi_head_attention_forward(*targs, bkt, bkt, False, 0.0, wot, None,
                                                 static_k=torch.zeros(4, 3, 2)), AssertionError)
    _err(lambda: F.multi_head_attention_forward(*args, None, None, False, 0.0, wo, None, static_k=ember.zeros(5, 3, 2)),
         lambda: TF.multi_head_attention_forward(*targs, None, None, False, 0.0, wot, None,
                                                 static_k=torch.zeros(5, 3, 2)), AssertionError)


def test_mha_weights_modified_in_place_is_caught():
    em = ember.nn.MultiheadAttention(4, 2)
    x = ember.randn(3, 2, 4, requires_grad=True)
    out, w = em(x, x, x, average_attn_weights=False)
    w.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_mha_parameters_state_dict_init():
    for kw in [dict(), dict(kdim=3, vdim=5, add_bias_kv=True, bias=False)]:
        tm = torch.nn.MultiheadAttention(8, 2, **kw)
        em = ember.nn.MultiheadAttention(8, 2, **kw)
        assert list(em.state_dict()) == list(tm.state_dict())
        assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
        assert repr(em) == repr(tm)
        for n, p in em.state_dict().items():
            assert tuple(p.shape) == tuple(tm.state_dict()[n].shape)
    em = ember.nn.MultiheadAttention(8, 2)
    assert em.in_proj_bias.abs().sum().item() == 0 and em.out_proj.bias.abs().sum().item() == 0
    assert em.q_proj_weight is None and type(em.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    bound = (6 / (8 + 24)) ** 0.5
    assert em.in_proj_weight.abs().max().item() <= bound
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        ember.nn.MultiheadAttention(6, 4)


def test_mha_mask_errors_and_warnings():
    em, tm = _twins(np.float32, embed_dim=4, num_heads=2)
    x = np.zeros((3, 2, 4), np.float32)
    xe, xt = ember.tensor(x), torch.tensor(x)

    def both(exc, **kw):
        ke = {k: ember.tensor(v) for k, v in kw.items()}
        kt = {k: torch.tensor(v) for k, v in kw.items()}
        _err(lambda: em(xe, xe, xe, **ke), lambda: tm(xt, xt, xt, **kt), exc)
    both(AssertionError, attn_mask=np.zeros((3, 3), np.int64))
    both(RuntimeError, attn_mask=np.zeros((3, 4), bool))
    both(RuntimeError, attn_mask=np.zeros((2, 3, 3), bool))
    both(AssertionError, key_padding_mask=np.zeros((2, 4), bool))
    both(AssertionError, key_padding_mask=np.zeros((2,), bool))
    _err(lambda: em(xe, xe, xe, is_causal=True), lambda: tm(xt, xt, xt, is_causal=True))
    _err(lambda: em(xe[0, 0], xe, xe), lambda: tm(xt[0, 0], xt, xt), AssertionError)
    _err(lambda: em(xe[..., :2], xe[..., :2], xe[..., :2]), lambda: tm(xt[..., :2], xt[..., :2], xt[..., :2]),
         AssertionError)
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        em(xe, xe, xe, key_padding_mask=ember.zeros(2, 3, dtype=ember.bool), attn_mask=ember.zeros(3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em(xe, xe, xe, key_padding_mask=ember.zeros(2, 3, dtype=ember.bool),
           attn_mask=ember.zeros(3, 3, dtype=ember.bool))


def test_mha_functional_matches_torch():
    rng = np.random.default_rng(7)
    E, H = 6, 3
    args = [rng.standard_normal(s) for s in ((4, 2, E), (3 * E, E), (3 * E,), (E, E), (E,))]
    x, w, b, wo, bo = args
    oe, we = F.multi_head_attention_forward(*(ember.tensor(x),) * 3, E, H, ember.tensor(w), ember.tensor(b),
                                            None, None, False, 0.0, ember.tensor(wo), ember.tensor(bo))
    ot, wt = TF.multi_head_attention_forward(*(torch.tensor(x),) * 3, E, H, torch.tensor(w), torch.tensor(b),
                                             None, None, False, 0.0, torch.tensor(wo), torch.tensor(bo))
    _close(oe, ot, 1e-10)
    _close(we, wt, 1e-10)
    # static_k / static_v
    sk, sv = rng.standard_normal((2 * H, 5, E // H)), rng.standard_normal((2 * H, 5, E // H))
    oe, we = F.multi_head_attention_forward(*(ember.tensor(x),) * 3, E, H, ember.tensor(w), ember.tensor(b),
                                            None, None, True, 0.0, ember.tensor(wo), ember.tensor(bo),
                                            static_k=ember.tensor(sk), static_v=ember.tensor(sv))
    ot, wt = TF.multi_head_attention_forward(*(torch.tensor(x),) * 3, E, H, torch.tensor(w), torch.tensor(b),
                                             None, None, True, 0.0, torch.tensor(wo), torch.tensor(bo),
                                             static_k=torch.tensor(sk), static_v=torch.tensor(sv))
    _close(oe, ot, 1e-10)
    _close(we, wt, 1e-10)


def test_mha_double_backward():
    em = ember.nn.MultiheadAttention(4, 2, batch_first=True, dtype=ember.float64)
    x = ember.randn(2, 3, 4, dtype=ember.float64, requires_grad=True)
    mask = ember.tensor([[False, True, True], [False, False, True], [False, False, False]])
    for nw in (True, False):
        assert ember.autograd.gradgradcheck(lambda x: em(x, x, x, attn_mask=mask, need_weights=nw)[0], (x,))


def test_backward_frees_the_dropout_mask():
    """As PyTorch frees what a node saved once backward has run through it, the attention
    node drops its dropout mask too (a graph kept alive after backward holds no activations);
    a second backward still gives PyTorch's error."""
    import weakref
    em = ember.nn.MultiheadAttention(8, 2, dropout=0.5)
    x = ember.randn(5, 3, 8, requires_grad=True)
    out, _ = em(x, x, x)
    node = out.grad_fn
    while "ScaledDotProduct" not in node.name():
        node = next(f for f, _ in node.next_functions if f is not None)
    refs = [weakref.ref(a) for a in node.cache if isinstance(a, np.ndarray)]
    assert refs
    loss = out.sum()
    loss.backward()
    assert all(r() is None for r in refs)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_float_mask_of_another_dtype(need_weights):
    """A float mask whose dtype (after merging attn_mask and key_padding_mask) is not the
    query's: the weights path raises baddbmm's error, the SDPA path accepts only float32."""
    cases = [(np.float32, {"attn_mask": np.zeros((3, 3), np.float64)}),
             (np.float32, {"key_padding_mask": np.zeros((2, 3), np.float16)}),
             (np.float32, {"attn_mask": np.zeros((3, 3), np.float32), "key_padding_mask": np.zeros((2, 3))}),
             (np.float64, {"attn_mask": np.zeros((3, 3), np.float32)}),
             (np.float64, {"attn_mask": np.zeros((3, 3), bool), "key_padding_mask": np.zeros((2, 3), np.float32)})]
    for dtype, masks in cases:
        em, tm = _twins(dtype, embed_dim=4, num_heads=2)
        x = np.zeros((3, 2, 4), dtype)
        xe, xt = ember.tensor(x), torch.tensor(x)
        ke = {k: ember.tensor(v) for k, v in masks.items()}
        kt = {k: torch.tensor(v) for k, v in masks.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ot = tm(xt, xt, xt, need_weights=need_weights, **kt)[0]
            except RuntimeError:
                _err(lambda: em(xe, xe, xe, need_weights=need_weights, **ke),
                     lambda: tm(xt, xt, xt, need_weights=need_weights, **kt))
                continue
            oe = em(xe, xe, xe, need_weights=need_weights, **ke)[0]
        assert str(oe.dtype) == str(ot.dtype)
        _close(oe, ot, TOL[dtype])
