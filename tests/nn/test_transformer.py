"""Transformer layers and stacks against PyTorch: state_dict keys, outputs, parameter and input
gradients (train mode with dropout 0, eval mode with the default dropout), masks, the nested-tensor
inference path's zeros, initialisation and errors."""
import itertools
import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn

torch = pytest.importorskip("torch")
tnn = torch.nn
pytestmark = [pytest.mark.filterwarnings("ignore:enable_nested_tensor is True"),
              pytest.mark.filterwarnings("ignore:Support for mismatched"),
              pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")]

D, H, FF = 8, 2, 12  # d_model, heads, dim_feedforward: small so the file stays fast
S, T, N = 5, 4, 3    # source length, target length, batch
TOL = {np.float32: 5e-5, np.float64: 1e-10}
TDT = {np.float32: torch.float32, np.float64: torch.float64}
EDT = {np.float32: ember.float32, np.float64: ember.float64}
ACTS = {"relu": ("relu", "relu"), "gelu": ("gelu", "gelu"), "callable": (torch.tanh, ember.tanh)}


def _twins(tcls, ecls, *args, dtype=np.float64, act=None, **kw):
    """A torch module and its ember twin holding the same state (keys compared in order)."""
    if act is not None:
        kw_t, kw_e = dict(kw, activation=ACTS[act][0]), dict(kw, activation=ACTS[act][1])
    else:
        kw_t = kw_e = kw
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = tcls(*args, dtype=TDT[dtype], **kw_t)
        e = ecls(*args, dtype=EDT[dtype], **kw_e)
    sd = t.state_dict()
    assert list(e.state_dict()) == list(sd)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in sd.items()})
    return t, e


def _arg(lib, v, dtype):
    """A mask array as a tensor of lib (bool masks stay bool); flags pass through."""
    if not isinstance(v, np.ndarray):
        return v
    return lib.tensor(v if v.dtype == bool else v.astype(dtype))


def _check(t, e, arrays, masks=None, dtype=np.float64, call=None, grad=True):
    """Run both modules on the same inputs; compare output, then every parameter and input grad."""
    masks = masks or {}
    tol = TOL[dtype]
    TI = [torch.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]
    EI = [ember.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]
    tm = {k: _arg(torch, v, dtype) for k, v in masks.items()}
    em = {k: _arg(ember, v, dtype) for k, v in masks.items()}
    call = call or (lambda m, xs, ms: m(*xs, **ms))
    yt, ye = call(t, TI, tm), call(e, EI, em)
    assert tuple(ye.shape) == tuple(yt.shape) and str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    if not grad:
        return ye
    g = np.random.default_rng(5).standard_normal(tuple(yt.shape)).astype(dtype)
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    tp, ep = dict(t.named_parameters()), dict(e.named_parameters())
    assert list(tp) == list(ep)
    for name in tp:
        assert (ep[name].grad is None) == (tp[name].grad is None), name
        if tp[name].grad is not None:
            np.testing.assert_allclose(ep[name].grad.numpy(), tp[name].grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=name)
    for a, b in zip(EI, TI):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol)
    return ye


def _seq(rng, L, batch_first, batched=True):
    if not batched:
        return rng.standard_normal((L, D))
    return rng.standard_normal((N, L, D) if batch_first else (L, N, D))


def _causal(L):
    return np.triu(np.full((L, L), -np.inf), 1)


def _kpm(L, batched=True):
    m = np.zeros((N, L), bool)
    m[1, -2:] = True
    m[2, -1] = True
    return m if batched else m[1]


def _bool_attn(L1, L2):
    m = np.zeros((L1, L2), bool)
    m[:, -1] = True
    m[0, 1] = True
    return m


def _cases(masks):
    """Every mask set with every layout (seq-first, batch_first, unbatched); the six
    (norm_first, activation) combinations rotate through them, so each appears several times
    without running the full product."""
    layouts = [(True, False), (True, True), (False, False)]
    styles = list(itertools.product([False, True], ACTS))
    return [styles[i % len(styles)] + layout + (m,)
            for i, (m, layout) in enumerate(itertools.product(masks, layouts))]


ENC_MASKS = {
    "none": lambda b: {},
    "causal": lambda b: {"src_mask": _causal(S), "is_causal": True},
    "causal_float_no_hint": lambda b: {"src_mask": _causal(S)},
    "bool": lambda b: {"src_mask": _bool_attn(S, S)},
    "padding": lambda b: {"src_key_padding_mask": _kpm(S, b)},
    "padding+float": lambda b: {"src_mask": _causal(S), "src_key_padding_mask": np.where(_kpm(S, b), -np.inf, 0.0)},
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_first,act,batched,batch_first,masks", _cases(ENC_MASKS))
def test_encoder_layer_train(norm_first, act, batched, batch_first, masks, dtype):
    t, e = _twins(tnn.TransformerEncoderLayer, enn.TransformerEncoderLayer, D, H, FF, dropout=0.0,
                  batch_first=batch_first, norm_first=norm_first, act=act, dtype=dtype)
    x = _seq(np.random.default_rng(0), S, batch_first, batched)
    _check(t, e, [x], ENC_MASKS[masks](batched), dtype)


DEC_MASKS = {
    "none": lambda b: {},
    "causal": lambda b: {"tgt_mask": _causal(T), "tgt_is_causal": True},
    "bool": lambda b: {"tgt_mask": _bool_attn(T, T), "memory_mask": _bool_attn(T, S)},
    "padding": lambda b: {"tgt_key_padding_mask": _kpm(T, b), "memory_key_padding_mask": _kpm(S, b)},
    "all": lambda b: {"tgt_mask": _causal(T), "memory_mask": np.where(_bool_attn(T, S), -np.inf, 0.0),
                      "tgt_key_padding_mask": np.where(_kpm(T, b), -np.inf, 0.0),
                      "memory_key_padding_mask": np.where(_kpm(S, b), -np.inf, 0.0)},
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_first,act,batched,batch_first,masks", _cases(DEC_MASKS))
def test_decoder_layer_train(norm_first, act, batched, batch_first, masks, dtype):
    t, e = _twins(tnn.TransformerDecoderLayer, enn.TransformerDecoderLayer, D, H, FF, dropout=0.0,
                  batch_first=batch_first, norm_first=norm_first, act=act, dtype=dtype)
    rng = np.random.default_rng(1)
    _check(t, e, [_seq(rng, T, batch_first, batched), _seq(rng, S, batch_first, batched)],
           DEC_MASKS[masks](batched), dtype)


def _stack(kind, norm, dtype, num_layers=2, **kw):
    lt = getattr(tnn, f"Transformer{kind}Layer")
    le = getattr(enn, f"Transformer{kind}Layer")
    st, se = getattr(tnn, f"Transformer{kind}"), getattr(enn, f"Transformer{kind}")
    torch.manual_seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = st(lt(D, H, FF, dtype=TDT[dtype], **kw), num_layers,
               tnn.LayerNorm(D, dtype=TDT[dtype]) if norm else None)
        e = se(le(D, H, FF, dtype=EDT[dtype], **kw), num_layers,
               enn.LayerNorm(D, dtype=EDT[dtype]) if norm else None)
    with torch.no_grad():  # distinct layers, so a mix-up of layers shows
        for p in t.parameters():
            p.add_(torch.randn(p.shape, dtype=p.dtype) * 0.1)
    sd = t.state_dict()
    assert list(e.state_dict()) == list(sd)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in sd.items()})
    return t, e


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_stack(batch_first, norm, dtype):
    t, e = _stack("Encoder", norm, dtype, dropout=0.0, batch_first=batch_first)
    assert "norm.weight" in e.state_dict() if norm else "norm.weight" not in e.state_dict()
    rng = np.random.default_rng(2)
    x = _seq(rng, S, batch_first)
    _check(t, e, [x], {"mask": _causal(S), "src_key_padding_mask": _kpm(S)}, dtype)
    _check(t, e, [x], {"mask": _bool_attn(S, S)}, dtype)
    _check(t, e, [x], {"src_key_padding_mask": _kpm(S)}, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_stack(batch_first, dtype):
    t, e = _stack("Decoder", True, dtype, dropout=0.0, batch_first=batch_first)
    rng = np.random.default_rng(3)
    xs = [_seq(rng, T, batch_first), _seq(rng, S, batch_first)]
    _check(t, e, xs, {"tgt_mask": _causal(T), "memory_key_padding_mask": _kpm(S)}, dtype)
    _check(t, e, xs, {"tgt_mask": _bool_attn(T, T), "tgt_key_padding_mask": _kpm(T)}, dtype)


def test_clones_are_independent_deep_copies():
    layer = enn.TransformerEncoderLayer(D, H, FF, batch_first=True)
    enc = enn.TransformerEncoder(layer, 3)
    assert len(enc.layers) == 3 and enc.num_layers == 3
    ws = [lyr.linear1.weight for lyr in enc.layers]
    assert all(w is not layer.linear1.weight for w in ws) and ws[0] is not ws[1]
    np.testing.assert_array_equal(ws[0].detach().numpy(), ws[2].detach().numpy())
    with ember.no_grad():
        ws[0].add_(1.0)
    assert not np.allclose(ws[0].detach().numpy(), ws[1].detach().numpy())
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_first,batch_first", [(False, False), (True, True)])
def test_transformer_full(norm_first, batch_first, dtype):
    kw = dict(d_model=D, nhead=H, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=FF, dropout=0.0,
              batch_first=batch_first, norm_first=norm_first, activation="gelu")
    t, e = _twins(tnn.Transformer, enn.Transformer, dtype=dtype, **kw)
    rng = np.random.default_rng(4)
    xs = [_seq(rng, S, batch_first), _seq(rng, T, batch_first)]
    masks = {"src_mask": _bool_attn(S, S), "tgt_mask": e.generate_square_subsequent_mask(T).numpy().astype(dtype),
             "src_key_padding_mask": _kpm(S), "memory_key_padding_mask": _kpm(S), "tgt_key_padding_mask": _kpm(T)}
    _check(t, e, xs, masks, dtype)
    _check(t, e, xs, {}, dtype)


def test_transformer_unbatched_and_custom_parts():
    t, e = _twins(tnn.Transformer, enn.Transformer, D, H, 1, 1, FF, 0.0)
    rng = np.random.default_rng(6)
    _check(t, e, [rng.standard_normal((S, D)), rng.standard_normal((T, D))],
           {"tgt_mask": _causal(T), "src_key_padding_mask": _kpm(S, False)})
    enc = enn.TransformerEncoder(enn.TransformerEncoderLayer(D, H, FF), 1)
    dec = enn.TransformerDecoder(enn.TransformerDecoderLayer(D, H, FF), 1)
    m = enn.Transformer(D, H, custom_encoder=enc, custom_decoder=dec)
    assert m.encoder is enc and m.decoder is dec
    assert (m.d_model, m.nhead, m.batch_first) == (D, H, False)
    assert "encoder.norm.weight" not in m.state_dict()


def test_generate_square_subsequent_mask():
    for kw in ({}, {"dtype": ember.float64}):
        em = enn.Transformer.generate_square_subsequent_mask(4, **kw)
        tm = tnn.Transformer.generate_square_subsequent_mask(4, **{k: torch.float64 for k in kw})
        assert str(em.dtype) == str(tm.dtype)
        np.testing.assert_array_equal(em.numpy(), tm.numpy())
    assert enn.Transformer.generate_square_subsequent_mask(0).shape == (0, 0)


def test_reset_parameters_xavier():
    m = enn.Transformer(16, 4, 1, 1, 32)
    for name, p in m.named_parameters():
        a = p.detach().numpy()
        if p.dim() > 1:
            fan_out, fan_in = p.shape
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            assert np.abs(a).max() <= bound and np.abs(a).max() > 0.7 * bound, name
        elif "norm" in name:
            np.testing.assert_array_equal(a, np.ones_like(a) if name.endswith("weight") else np.zeros_like(a))
    assert m.encoder.layers[0].linear1.weight.dtype == ember.float32


# ---------------------------------------------------------------- eval mode, default dropout
@pytest.mark.parametrize("no_grad", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_eval_mode_default_dropout(batch_first, no_grad):
    t, e = _twins(tnn.TransformerEncoderLayer, enn.TransformerEncoderLayer, D, H, FF, batch_first=batch_first,
                  dtype=np.float32)
    t.eval(), e.eval()
    x = _seq(np.random.default_rng(7), S, batch_first)
    call = None
    if no_grad:
        def call(m, xs, ms):
            with (torch if isinstance(m, tnn.Module) else ember).no_grad():
                return m(*xs, **ms)
    _check(t, e, [x], {"src_key_padding_mask": _kpm(S)}, np.float32, call=call, grad=not no_grad)
    td, ed = _twins(tnn.TransformerDecoderLayer, enn.TransformerDecoderLayer, D, H, FF, batch_first=batch_first)
    td.eval(), ed.eval()
    rng = np.random.default_rng(8)
    _check(td, ed, [_seq(rng, T, batch_first), _seq(rng, S, batch_first)], {"tgt_mask": _causal(T)})


def _infer(m, xs, ms):
    with (torch if isinstance(m, tnn.Module) else ember).no_grad():
        return m(*xs, **ms)


@pytest.mark.parametrize("norm", [False, True])
def test_encoder_inference_with_padding_zeros_padded_positions(norm):
    """PyTorch's nested-tensor inference path: padded positions come out as zeros (then norm)."""
    t, e = _stack("Encoder", norm, np.float64, batch_first=True)
    t.eval(), e.eval()
    x = _seq(np.random.default_rng(9), S, True)
    kpm = _kpm(S)
    kpm[0, :] = True  # a fully padded sequence too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = _check(t, e, [x], {"src_key_padding_mask": kpm}, call=_infer, grad=False).numpy()
        if not norm:
            assert (y[kpm] == 0).all() and (y[~kpm] != 0).all()
        # float padding masks take the same path
        _check(t, e, [x], {"src_key_padding_mask": np.where(kpm, -np.inf, 0.0)}, call=_infer, grad=False)
        # not left-aligned: the ordinary path (no zeros) unless mask_check=False
        kpm2 = _kpm(S)
        kpm2[1] = [True, False, False, True, False]
        y2 = _check(t, e, [x], {"src_key_padding_mask": kpm2}, call=_infer, grad=False).numpy()
        assert (y2 != 0).all()
        t.mask_check = e.mask_check = False
        _check(t, e, [x], {"src_key_padding_mask": kpm2}, call=_infer, grad=False)
        # with grad enabled and trainable parameters, or with a mask too: the ordinary path
        t.mask_check = e.mask_check = True
        _check(t, e, [x], {"src_key_padding_mask": _kpm(S)})
        _check(t, e, [x], {"src_key_padding_mask": _kpm(S), "mask": _causal(S)}, call=_infer, grad=False)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_fused_inference_path(norm_first):
    """PyTorch's fused encoder-layer kernel (eval, batch_first, no grad, no hooks): a row whose
    every key is masked comes out NaN, and ``is_causal`` without a mask is ignored; with a
    forward hook, or batch-first off, the ordinary path (finite rows, is_causal error)."""
    def pair(**kw):
        torch.manual_seed(0)
        t = tnn.TransformerEncoderLayer(D, H, FF, norm_first=norm_first, **kw).double().eval()
        e = enn.TransformerEncoderLayer(D, H, FF, norm_first=norm_first, **kw).double().eval()
        e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
        return t, e

    x = _seq(np.random.default_rng(3), S, True)
    kpm = _kpm(S)
    kpm[0] = True                             # a sequence with every key padded
    attn = np.zeros((S, S), bool)
    attn[2] = True                            # a query that may attend to nothing
    t, e = pair(batch_first=True)
    for masks in ({"src_key_padding_mask": kpm}, {"src_key_padding_mask": np.where(kpm, -np.inf, 0.0)},
                  {"src_mask": attn}, {"src_mask": attn, "is_causal": False}, {"is_causal": True}):
        y = _check(t, e, [x], masks, call=_infer, grad=False).numpy()
        assert np.isnan(y).any() == ("is_causal" not in masks or "src_mask" in masks)
    e.register_forward_hook(lambda *a: None)
    with ember.no_grad():
        assert not ember.isnan(e(ember.tensor(x), src_key_padding_mask=ember.tensor(kpm))).any()
        with pytest.raises(RuntimeError, match="Need attn_mask"):
            e(ember.tensor(x), is_causal=True)
    t, e = pair()
    xs = x.transpose(1, 0, 2).copy()
    y = _check(t, e, [xs], {"src_key_padding_mask": kpm}, call=_infer, grad=False).numpy()
    assert not np.isnan(y).any()


def test_fastpath_disabled_takes_the_ordinary_path():
    """``torch.backends.mha.set_fastpath_enabled(False)``: no zeros at padded positions."""
    t, e = _stack("Encoder", False, np.float64, batch_first=True)
    t.eval(), e.eval()
    x = _seq(np.random.default_rng(9), S, True)
    kpm = _kpm(S)
    torch.backends.mha.set_fastpath_enabled(False)
    ember.backends.mha.set_fastpath_enabled(False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = _check(t, e, [x], {"src_key_padding_mask": kpm}, call=_infer, grad=False).numpy()
        assert (y != 0).all()
    finally:
        torch.backends.mha.set_fastpath_enabled(True)
        ember.backends.mha.set_fastpath_enabled(True)


def test_train_mode_dropout_is_random_and_scaled():
    ember.manual_seed(0)
    layer = enn.TransformerEncoderLayer(D, H, FF, dropout=0.5)
    x = ember.randn(S, N, D)
    y1, y2 = layer(x), layer(x)
    assert not np.allclose(y1.detach().numpy(), y2.detach().numpy())
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


# ---------------------------------------------------------------- attributes, warnings, errors
def test_activation_attributes():
    assert enn.TransformerEncoderLayer(D, H, FF).activation is ember.nn.functional.relu
    assert enn.TransformerEncoderLayer(D, H, FF, activation="gelu").activation_relu_or_gelu == 2
    assert enn.TransformerEncoderLayer(D, H, FF, activation=enn.ReLU()).activation_relu_or_gelu == 1
    layer = enn.TransformerEncoderLayer(D, H, FF, activation=enn.GELU())
    assert layer.activation_relu_or_gelu == 2 and "activation" in dict(layer.named_children())
    assert enn.TransformerEncoderLayer(D, H, FF, activation=ember.tanh).activation_relu_or_gelu == 0
    assert enn.TransformerDecoderLayer(D, H, FF, activation="gelu").activation is ember.nn.functional.gelu
    for cls in (enn.TransformerEncoderLayer, enn.TransformerDecoderLayer):
        with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
            cls(D, H, activation="tanh")


def test_defaults_and_bias_false():
    layer = enn.TransformerEncoderLayer(D, H)
    assert layer.linear1.out_features == 2048 and layer.dropout.p == 0.1 and layer.norm1.eps == 1e-5
    assert layer.norm_first is False and layer.self_attn.batch_first is False
    _, e = _twins(tnn.TransformerDecoderLayer, enn.TransformerDecoderLayer, D, H, FF, bias=False)
    assert not any("bias" in k for k in e.state_dict())


def test_nested_tensor_warning():
    layer = enn.TransformerEncoderLayer(D, H, FF)
    with pytest.warns(UserWarning, match="enable_nested_tensor is True, but self.use_nested_tensor is False "
                                         "because encoder_layer.self_attn.batch_first was not True"):
        enc = enn.TransformerEncoder(layer, 1)
    assert enc.use_nested_tensor is False and enc.enable_nested_tensor is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert enn.TransformerEncoder(enn.TransformerEncoderLayer(D, H, FF, batch_first=True), 1).use_nested_tensor
        enn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
    with pytest.warns(UserWarning, match="norm_first was True"):
        enn.TransformerEncoder(enn.TransformerEncoderLayer(D, H, FF, batch_first=True, norm_first=True), 1)


def test_mask_errors_and_warnings():
    layer = enn.TransformerEncoderLayer(D, H, FF)
    x = ember.randn(S, N, D)
    with pytest.raises(AssertionError, match="only bool and floating types of src_mask are supported"):
        layer(x, src_mask=ember.zeros(S, S, dtype=ember.int64))
    with pytest.warns(UserWarning, match="Support for mismatched src_key_padding_mask and src_mask is deprecated"):
        layer(x, src_mask=ember.zeros(S, S, dtype=ember.bool), src_key_padding_mask=ember.zeros(N, S))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        layer(x, is_causal=True)


def test_transformer_shape_errors():
    m = enn.Transformer(D, H, 1, 1, FF)
    mb = enn.Transformer(D, H, 1, 1, FF, batch_first=True)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        m(ember.randn(S, 2, D), ember.randn(T, 3, D))
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        mb(ember.randn(2, S, D), ember.randn(3, T, D))
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        m(ember.randn(S, 2, D), ember.randn(T, D))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        m(ember.randn(S, 2, D), ember.randn(T, 2, D + 1))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        m(ember.randn(S, D + 2), ember.randn(T, D + 2))


def test_repr_names_submodules():
    r = repr(enn.TransformerDecoderLayer(D, H, FF))
    for name in ("self_attn", "multihead_attn", "linear1", "linear2", "norm3", "dropout3"):
        assert f"({name}): " in r


def test_ember_state_loads_into_torch():
    """The other direction: ember's own initialisation, loaded strictly into the torch twin."""
    ember.manual_seed(0)
    e = enn.Transformer(D, H, 1, 2, FF, dropout=0.0, batch_first=True, dtype=ember.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = tnn.Transformer(D, H, 1, 2, FF, dropout=0.0, batch_first=True, dtype=torch.float64)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()}, strict=True)
    rng = np.random.default_rng(10)
    _check(t, e, [_seq(rng, S, True), _seq(rng, T, True)], {"tgt_mask": _causal(T)})
    m = enn.Transformer.generate_square_subsequent_mask(3, device="cpu", dtype=ember.float32)
    assert m.device.type == "cpu" and m.dtype == ember.float32
