"""Each converter on a hand-built graph: onnxruntime's result matches ember's (which the rest of
the suite checks against PyTorch), and onnx's full checker accepts the model."""
import operator

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import ember  # noqa: E402
import ember.nn as nn  # noqa: E402
import ember.nn.functional as F  # noqa: E402
from ember.onnx.errors import UnsupportedOperatorError, SymbolicValueError  # noqa: E402

from onnx_handgraph import G, check  # noqa: E402


def one_call(kind, target, *extra, n_inputs=1, **kwargs):
    g = G()
    xs = [g.input(f"x{i}") for i in range(n_inputs)]
    call = {"fn": g.fn, "meth": g.meth, "mod": g.mod}[kind]
    g.output(call(target, *xs, *extra, **kwargs))
    return g


def r(*shape, seed=0):
    return ember.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


UNARY = [ember.relu, ember.sigmoid, ember.tanh, ember.exp, ember.abs, ember.neg, ember.sin, ember.cos,
         ember.erf, ember.floor, ember.ceil, ember.sign, F.relu, F.sigmoid, F.tanh, F.gelu, F.silu, F.mish,
         F.leaky_relu, F.hardswish, F.hardsigmoid, F.relu6, F.hardtanh, F.elu, F.selu, F.celu, F.softplus,
         F.logsigmoid, F.softsign, ember.round]


@pytest.mark.parametrize("fn", UNARY, ids=lambda f: f.__module__.split(".")[-1] + "." + f.__name__)
def test_unary(fn):
    check(one_call("fn", fn), [r(2, 3, 4)])


@pytest.mark.parametrize("opset", [18, 20])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_both_forms(opset, approximate):
    check(one_call("fn", F.gelu, approximate=approximate), [r(3, 5)], opset=opset)


@pytest.mark.parametrize("fn", [ember.exp, ember.sqrt, ember.log, ember.rsqrt])
def test_unary_positive(fn):
    check(one_call("fn", fn), [ember.rand(2, 3) + 0.5])


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, ember.maximum,
                                ember.minimum, ember.add, ember.mul, ember.pow, operator.floordiv,
                                ember.remainder])
def test_binary_broadcast(op):
    a, b = r(2, 3, 4), r(3, 1, seed=1).abs() + 0.5
    check(one_call("fn", op, n_inputs=2), [a, b])


@pytest.mark.parametrize("op", [operator.eq, operator.lt, operator.ge, ember.ne, ember.gt, ember.le])
def test_comparisons(op):
    check(one_call("fn", op, n_inputs=2), [r(2, 3), r(2, 3, seed=1)])


@pytest.mark.parametrize("scalar", [2, 0.5])
@pytest.mark.parametrize("op", [operator.add, operator.mul, operator.truediv, operator.sub, operator.pow])
def test_binary_with_python_scalar(op, scalar):
    check(one_call("fn", op, scalar), [r(2, 3).abs() + 0.1])


def test_int_tensor_with_float_scalar_promotes():
    check(one_call("fn", operator.mul, 0.5), [ember.arange(6).reshape(2, 3)])


def test_add_alpha_and_method_forms():
    g = G()
    x, y = g.input("x"), g.input("y")
    a = g.meth("add", x, y, alpha=2.0)
    s = g.meth("__rsub__", a, 1.0)
    g.output(g.meth("sub", s, y, alpha=0.5))
    check(g, [r(2, 3), r(2, 3, seed=2)])


@pytest.mark.parametrize("name,args,kwargs", [
    ("sum", (), {}), ("sum", (1,), {}), ("sum", ((0, 2),), {"keepdim": True}), ("mean", (-1,), {}),
    ("amax", (1,), {}), ("amin", ((1, 2),), {"keepdim": True}), ("prod", (1,), {}), ("logsumexp", (2,), {}),
    ("argmax", (1,), {}), ("argmin", (), {}), ("var", (1,), {}), ("std", (), {}), ("max", (), {}),
])
def test_reductions(name, args, kwargs):
    check(one_call("meth", name, *args, **kwargs), [r(2, 3, 4)], rtol=1e-4)


def test_max_with_dim_returns_values_and_indices():
    g = G()
    x = g.input("x")
    m = g.fn(ember.max, x, 1)
    g.output((g.fn(operator.getitem, m, 0), g.fn(getattr, m, "indices")))
    check(g, [r(3, 5)])


@pytest.mark.parametrize("fn", [ember.matmul, operator.matmul])
def test_matmul_batched(fn):
    check(one_call("fn", fn, n_inputs=2), [r(2, 3, 4), r(2, 4, 5, seed=1)])


def test_linear_rank3_and_gemm():
    w, bias = r(5, 4, seed=3), r(5, seed=4)
    for x in (r(2, 4), r(2, 3, 4)):
        g = G()
        xi, wi, bi = g.input("x"), g.input("w"), g.input("b")
        g.output(g.fn(F.linear, xi, wi, bi))
        check(g, [x, w, bias])


def test_einsum_addmm_baddbmm_where_clamp():
    g = G()
    x, y, z = g.input("x"), g.input("y"), g.input("z")
    e = g.fn(ember.einsum, "bij,bjk->bik", x, y)
    a = g.fn(ember.baddbmm, z, x, y, beta=0.5, alpha=2.0)
    w = g.fn(ember.where, g.fn(operator.gt, e, 0.0), e, a)
    g.output(g.fn(ember.clamp, w, min=-0.5, max=1.0))
    check(g, [r(2, 3, 4), r(2, 4, 5, seed=1), r(2, 3, 5, seed=2)], rtol=1e-4)


SHAPE_CASES = [
    ("view", (6, -1), {}), ("view", ((3, 8),), {}), ("reshape", (4, 6), {}), ("flatten", (1,), {}),
    ("flatten", (), {}), ("flatten", (0, 1), {}), ("permute", (2, 0, 1), {}), ("permute", ((1, 2, 0),), {}),
    ("transpose", (0, 2), {}), ("unsqueeze", (1,), {}), ("unsqueeze", (-1,), {}), ("contiguous", (), {}),
    ("expand", (5, 2, 3, 4), {}), ("repeat", (1, 2, 1), {}), ("__getitem__", ((slice(None), 1),), {}),
    ("__getitem__", ((Ellipsis, None, slice(1, None, 2)),), {}), ("__getitem__", (-1,), {}),
    ("__getitem__", ((slice(None), [0, 2]),), {}), ("narrow", (2, 1, 2), {}), ("float", (), {}),
    ("long", (), {}), ("to", (ember.float64,), {}), ("softmax", (1,), {}), ("log_softmax", (-1,), {}),
    ("masked_fill", (), {}),
]


@pytest.mark.parametrize("name,args,kwargs", SHAPE_CASES, ids=[c[0] + str(i) for i, c in enumerate(SHAPE_CASES)])
def test_shape_and_method_ops(name, args, kwargs):
    if name == "masked_fill":
        g = G()
        x = g.input("x")
        g.output(g.meth("masked_fill", x, g.fn(operator.lt, x, 0.0), -1.0))
    else:
        g = one_call("meth", name, *args, **kwargs)
    check(g, [r(2, 3, 4)])


def test_squeeze_split_chunk_unbind_cat_stack():
    g = G()
    x = g.input("x")
    sq = g.fn(ember.squeeze, x, 1)
    parts = g.fn(ember.split, sq, [1, 3], 1)
    ch = g.meth("chunk", sq, 2, 1)
    ub = g.fn(ember.unbind, sq, 0)
    c = g.fn(ember.cat, [g.fn(operator.getitem, parts, 1), g.fn(operator.getitem, ch, 0)], 1)
    s = g.fn(ember.stack, [g.fn(operator.getitem, ub, 0), g.fn(operator.getitem, ub, 1)], 1)
    g.output((c, s))
    check(g, [r(2, 1, 4)])


def test_symbolic_sizes_follow_the_batch():
    """``x.view(x.size(0), -1)`` and ``x.shape[0]`` stay symbolic: the model runs at another batch size."""
    import onnxruntime as ort
    g = G()
    x = g.input("x")
    shp = g.fn(getattr, x, "shape")
    n = g.fn(operator.getitem, shp, 0)
    h = g.fn(operator.floordiv, g.meth("size", x, 1), 2)
    y = g.meth("view", x, n, 2, h, -1)
    z = g.meth("expand", g.fn(ember.zeros, 1, 1, 1, 1), n, -1, -1, -1)
    g.output(g.fn(operator.add, y, z))
    model = check(g, [r(2, 6, 4)], dynamic={"x": {0: "batch"}})
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x5 = r(5, 6, 4, seed=7)
    np.testing.assert_allclose(sess.run(None, {"x": x5.numpy()})[0], x5.numpy().reshape(5, 2, 3, 4))


def test_constant_folding_of_weight_expressions():
    root = nn.Module()
    root.w = nn.Parameter(r(3, 4))
    g = G()
    x = g.input("x")
    w = g.attr("w")
    wt = g.meth("t", g.fn(operator.mul, w, 2.0))
    g.output(g.fn(ember.matmul, x, wt))
    model = check(g, [r(2, 4)], root=root)
    assert [n.op_type for n in model.graph.node] == ["MatMul"]
    model = check(g, [r(2, 4)], root=root, fold=False)
    assert [n.op_type for n in model.graph.node] == ["Mul", "Transpose", "MatMul"]


@pytest.mark.parametrize("fn,args,kwargs", [
    (F.conv1d, (1, 2, 1, 1), {}), (F.conv2d, (2, 1, 2, 1), {}), (F.conv2d, (1, "same", 2, 1), {}),
    (F.conv2d, (1, 0, 1, 2), {}),
])
def test_conv_functional(fn, args, kwargs):
    nd = 1 if fn is F.conv1d else 2
    groups = args[3]
    x = r(2, 4, *([9] * nd))
    w = r(6, 4 // groups, *([3] * nd), seed=1)
    g = G()
    xi, wi, bi = g.input("x"), g.input("w"), g.input("b")
    g.output(g.fn(fn, xi, wi, bi, *args, **kwargs))
    check(g, [x, w, r(6, seed=2)], rtol=1e-4, atol=1e-5)


def module_graph(layer, n_inputs=1, kwargs=None):
    root = nn.Module()
    root.m = layer
    g = G()
    xs = [g.input(f"x{i}") for i in range(n_inputs)]
    g.output(g.mod("m", *xs, **(kwargs or {})))
    return g, root


LAYERS = [
    (lambda: nn.Linear(4, 3), (2, 4)), (lambda: nn.Linear(4, 3, bias=False), (2, 5, 4)),
    (lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1), (2, 4, 9)),
    (lambda: nn.Conv2d(4, 8, 3, padding=2, dilation=2, groups=2), (2, 4, 7, 7)),
    (lambda: nn.Conv2d(4, 4, 3, padding=1, padding_mode="reflect"), (1, 4, 6, 6)),
    (lambda: nn.Conv2d(4, 4, 3, padding=1, padding_mode="replicate"), (1, 4, 6, 6)),
    (lambda: nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1), (2, 4, 5, 5)),
    (lambda: nn.ConvTranspose2d(4, 6, 2, stride=2, groups=2), (1, 4, 3, 3)),
    (lambda: nn.BatchNorm2d(4), (2, 4, 3, 3)), (lambda: nn.BatchNorm1d(4), (3, 4)),
    (lambda: nn.LayerNorm(5), (2, 3, 5)), (lambda: nn.LayerNorm((3, 5)), (2, 3, 5)),
    (lambda: nn.GroupNorm(2, 4), (2, 4, 3, 3)),
    (lambda: nn.MaxPool2d(3, 2, 1), (1, 2, 8, 8)), (lambda: nn.MaxPool2d(2, ceil_mode=True), (1, 2, 7, 7)),
    (lambda: nn.MaxPool1d(2), (1, 2, 8)), (lambda: nn.AvgPool2d(2), (1, 2, 6, 6)),
    (lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=False), (1, 2, 7, 7)),
    (lambda: nn.AdaptiveAvgPool2d(1), (2, 3, 5, 5)), (lambda: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 4, 6)),
    (lambda: nn.AdaptiveAvgPool1d(2), (2, 3, 8)), (lambda: nn.AdaptiveAvgPool2d((3, 7)), (2, 3, 5, 4)), (lambda: nn.AdaptiveMaxPool2d(1), (2, 3, 5, 5)),
    (lambda: nn.ReLU(), (2, 5)), (lambda: nn.GELU(), (2, 5)), (lambda: nn.GELU("tanh"), (2, 5)),
    (lambda: nn.SiLU(), (2, 5)), (lambda: nn.Sigmoid(), (2, 5)), (lambda: nn.Tanh(), (2, 5)),
    (lambda: nn.LeakyReLU(0.2), (2, 5)), (lambda: nn.Hardswish(), (2, 5)), (lambda: nn.Hardsigmoid(), (2, 5)),
    (lambda: nn.ReLU6(), (2, 5)), (lambda: nn.ELU(), (2, 5)), (lambda: nn.Softplus(beta=2.0), (2, 5)),
    (lambda: nn.PReLU(3), (2, 3, 4)), (lambda: nn.Softmax(dim=1), (2, 5)), (lambda: nn.LogSoftmax(dim=-1), (2, 5)),
    (lambda: nn.Dropout(0.5), (2, 5)), (lambda: nn.Identity(), (2, 5)), (lambda: nn.Flatten(), (2, 3, 4)),
    (lambda: nn.Unflatten(1, (2, 3)), (2, 6)), (lambda: nn.ZeroPad2d((1, 2, 0, 1)), (1, 2, 3, 3)),
    (lambda: nn.ReflectionPad2d(1), (1, 2, 3, 3)), (lambda: nn.Mish(), (2, 5)),
]


@pytest.mark.parametrize("make,shape", LAYERS, ids=[str(i) for i in range(len(LAYERS))])
def test_layers(make, shape):
    layer = make().eval()
    if isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
        with ember.no_grad():
            layer.running_mean.copy_(r(layer.num_features, seed=5))
            layer.running_var.copy_(r(layer.num_features, seed=6).abs() + 0.5)
            layer.weight.copy_(r(layer.num_features, seed=7))
    g, root = module_graph(layer)
    model = check(g, [r(*shape)], root=root, rtol=1e-4, atol=1e-5)
    if not isinstance(layer, (nn.GroupNorm, nn.PReLU)):  # (those reshape their weights: folded constants)
        names = {t.name for t in model.graph.initializer}
        assert {f"m.{k}" for k, _ in layer.named_parameters()} <= names


def test_embedding_gather():
    emb = nn.Embedding(10, 4)
    g, root = module_graph(emb)
    check(g, [ember.tensor([[1, 2, 9], [0, 0, 3]])], root=root)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("layers,bidir,batch_first", [(1, False, False), (2, True, True), (2, False, True)])
def test_recurrent_layers(kind, layers, bidir, batch_first):
    layer = getattr(nn, kind)(4, 5, num_layers=layers, bidirectional=bidir, batch_first=batch_first)
    g, root = module_graph(layer)
    x = r(3, 6, 4) if batch_first else r(6, 3, 4)
    model = check(g, [x], root=root, rtol=1e-4, atol=1e-5)
    assert kind in {n.op_type for n in model.graph.node}


def test_lstm_with_initial_state_and_unbatched():
    layer = nn.LSTM(4, 5, num_layers=2)
    root = nn.Module()
    root.m = layer
    g = G()
    x, h, c = g.input("x"), g.input("h"), g.input("c")
    g.output(g.mod("m", x, (h, c)))
    check(g, [r(6, 3, 4), r(2, 3, 5, seed=1), r(2, 3, 5, seed=2)], root=root, rtol=1e-4, atol=1e-5)
    g2, root2 = module_graph(nn.GRU(4, 5))
    check(g2, [r(6, 4)], root=root2, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_attention(batch_first):
    mha = nn.MultiheadAttention(8, 2, batch_first=batch_first).eval()
    root = nn.Module()
    root.m = mha
    g = G()
    q, kv = g.input("q"), g.input("kv")
    mask = g.input("mask")
    g.output(g.mod("m", q, kv, kv, attn_mask=mask))
    shape_q, shape_kv = ((2, 3, 8), (2, 5, 8)) if batch_first else ((3, 2, 8), (5, 2, 8))
    m = ember.tensor([[False, True, False, False, True]] * 3)
    check(g, [r(*shape_q), r(*shape_kv, seed=1), m], root=root, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("norm_first,act", [(False, "relu"), (True, "gelu")])
def test_transformer_encoder_layer(norm_first, act):
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, activation=act, batch_first=True,
                                       norm_first=norm_first).eval()
    g, root = module_graph(layer)
    check(g, [r(2, 5, 8)], root=root, rtol=1e-4, atol=1e-5)


def test_sdpa_causal():
    g = G()
    q, k, v = g.input("q"), g.input("k"), g.input("v")
    g.output(g.fn(F.scaled_dot_product_attention, q, k, v, is_causal=True))
    check(g, [r(2, 2, 4, 8), r(2, 2, 4, 8, seed=1), r(2, 2, 4, 8, seed=2)], rtol=1e-4, atol=1e-5)


def test_unsupported_function_is_named():
    g = one_call("fn", ember.linalg.cholesky)
    with pytest.raises(UnsupportedOperatorError, match="cholesky"):
        check(g, [ember.eye(3)])


def test_unsupported_layer_is_named():
    g, root = module_graph(nn.Unfold(kernel_size=2))
    with pytest.raises(UnsupportedOperatorError, match="Unfold"):
        check(g, [r(1, 2, 4, 4)], root=root)


def test_unexpressible_arguments_raise_symbolic_value_error():
    with pytest.raises(SymbolicValueError, match="adaptive_max_pool"):
        check(one_call("fn", F.adaptive_max_pool2d, (3, 3)), [r(1, 2, 5, 5)])
    with pytest.raises(SymbolicValueError, match="return_indices"):
        check(one_call("fn", F.max_pool2d, 2, return_indices=True), [r(1, 2, 4, 4)])


@pytest.mark.parametrize("kwargs", [dict(scale_factor=2, mode="nearest"), dict(size=(5, 7), mode="nearest"),
                                    dict(scale_factor=2, mode="bilinear", align_corners=False),
                                    dict(size=(5, 9), mode="bilinear", align_corners=True),
                                    dict(size=(7, 5), mode="nearest-exact")])
def test_interpolate(kwargs):
    check(one_call("fn", F.interpolate, **kwargs), [r(2, 3, 4, 4)], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make,shape", [
    (lambda: nn.PixelShuffle(2), (1, 8, 3, 3)), (lambda: nn.PixelUnshuffle(2), (1, 2, 4, 6)),
    (lambda: nn.Upsample(scale_factor=2, mode="nearest"), (1, 2, 3, 3)),
    (lambda: nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 4)), (lambda: nn.LocalResponseNorm(3), (1, 6, 3, 3)),
    (lambda: nn.GLU(), (2, 6)),
])
def test_more_layers_traced_or_leaf(make, shape):
    layer = make().eval()
    g, root = module_graph(layer)
    check(g, [r(*shape)], root=root, rtol=1e-4, atol=1e-5)


def test_cumsum_gather_topk_arange():
    g = G()
    x, i = g.input("x"), g.input("i")
    c = g.fn(ember.cumsum, x, 1)
    ga = g.fn(ember.gather, x, 1, i)
    tk = g.fn(ember.topk, x, 2, 1)
    ar = g.fn(ember.arange, g.meth("size", x, 1))
    g.output((c, ga, g.fn(operator.getitem, tk, 0), g.fn(operator.getitem, tk, 1),
              g.fn(operator.add, x, ar)))
    check(g, [r(2, 4), ember.tensor([[0, 3], [2, 2]])], dynamic={"x": {1: "n"}})


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "RNNCell"])
@pytest.mark.parametrize("with_state,batched", [(True, True), (False, True), (True, False)])
def test_recurrent_cells(kind, with_state, batched):
    cell = getattr(nn, kind)(4, 5)
    root = nn.Module()
    root.m = cell
    g = G()
    x = g.input("x")
    bs = (3,) if batched else ()
    inputs = [r(*bs, 4)]
    if with_state:
        h = g.input("h")
        inputs.append(r(*bs, 5, seed=1))
        state = h
        if kind == "LSTMCell":
            state = (h, g.input("c"))
            inputs.append(r(*bs, 5, seed=2))
        g.output(g.mod("m", x, state))
    else:
        g.output(g.mod("m", x))
    check(g, inputs, root=root, rtol=1e-4, atol=1e-5)
