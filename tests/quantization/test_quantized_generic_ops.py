"""Generic ops on quantized tensors against torch 2.13: the ops PyTorch runs with a quantized
kernel give the same integers, scale, zero point and dtype; the others raise PyTorch's
NotImplementedError naming the op and 'QuantizedCPU' (never a result computed on the raw
integers), with grad mode on and off."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF

torch = pytest.importorskip("torch")
TF = torch.nn.functional
warnings.filterwarnings("ignore")


def _pair(shape=(2, 3, 6, 5), dtype="quint8", scale=0.07, zp=11, seed=0):
    x = np.random.RandomState(seed).randn(*shape).astype(np.float32)
    if dtype == "qint8":
        zp -= 20
    tq = torch.quantize_per_tensor(torch.from_numpy(x), scale, zp, getattr(torch, dtype))
    eq = ember.quantize_per_tensor(ember.tensor(x), scale, zp, getattr(ember, dtype))
    return tq, eq


def _same(t, e):
    """Bit-exact: dtype, shape, integers and quantization parameters (or plain values)."""
    if isinstance(t, (tuple, list)):
        assert len(t) == len(e)
        for a, b in zip(t, e):
            _same(a, b)
        return
    if not isinstance(t, torch.Tensor):
        assert t == e
        return
    assert t.is_quantized == e.is_quantized, (t, e)
    assert str(t.dtype) == str(e.dtype)
    assert tuple(t.shape) == tuple(e.shape)
    if t.is_quantized:
        assert (t.q_scale(), t.q_zero_point()) == (e.q_scale(), e.q_zero_point())
        np.testing.assert_array_equal(t.int_repr().numpy(), e.int_repr().numpy())
    else:
        np.testing.assert_array_equal(t.numpy(), e.numpy())


@pytest.fixture(params=[True, False], ids=["grad", "no_grad"])
def grad_mode(request):
    with torch.set_grad_enabled(request.param), ember.set_grad_enabled(request.param):
        yield request.param


# each case: (name, f(lib, F, q) -> result); run on torch and on ember
KERNELS = [
    ("relu", lambda L, F, q: L.relu(q)),
    ("F.relu", lambda L, F, q: F.relu(q)),
    ("relu_method", lambda L, F, q: q.relu()),
    ("relu_", lambda L, F, q: q.clone().relu_()),
    ("F.relu_inplace", lambda L, F, q: F.relu(q.clone(), inplace=True)),
    ("nn.ReLU", lambda L, F, q: L.nn.ReLU()(q)),
    ("max_pool2d", lambda L, F, q: F.max_pool2d(q, 2)),
    ("max_pool2d_pad", lambda L, F, q: F.max_pool2d(q, 3, 2, 1)),
    ("max_pool2d_ceil", lambda L, F, q: F.max_pool2d(q, 2, 2, 0, 1, True)),
    ("max_pool2d_dil", lambda L, F, q: F.max_pool2d(q, 2, 1, 0, 2)),
    ("nn.MaxPool2d", lambda L, F, q: L.nn.MaxPool2d(3, 2, 1)(q)),
    ("max_pool1d", lambda L, F, q: F.max_pool1d(q[0], 2)),
    ("adaptive_avg_pool2d_1", lambda L, F, q: F.adaptive_avg_pool2d(q, 1)),
    ("adaptive_avg_pool2d_23", lambda L, F, q: F.adaptive_avg_pool2d(q, (2, 3))),
    ("adaptive_avg_pool2d_4", lambda L, F, q: F.adaptive_avg_pool2d(q, 4)),
    ("nn.AdaptiveAvgPool2d", lambda L, F, q: L.nn.AdaptiveAvgPool2d((1, 1))(q)),
    ("avg_pool2d", lambda L, F, q: F.avg_pool2d(q, 2)),
    ("avg_pool2d_pad_ceil", lambda L, F, q: F.avg_pool2d(q, 3, 2, 1, True)),
    ("avg_pool2d_no_pad_count", lambda L, F, q: F.avg_pool2d(q, 3, 2, 1, False, False)),
    ("avg_pool2d_divisor", lambda L, F, q: F.avg_pool2d(q, 2, 1, 0, False, True, 3)),
    ("nn.AvgPool2d", lambda L, F, q: L.nn.AvgPool2d(3, 1, 1)(q)),
    ("avg_pool1d", lambda L, F, q: F.avg_pool1d(q[0], 3, 2, 1)),
    ("clamp", lambda L, F, q: L.clamp(q, -0.5, 1.0)),
    ("clamp_min", lambda L, F, q: q.clamp(min=0.0)),
    ("clamp_max_kw", lambda L, F, q: q.clamp(max=0.2)),
    ("hardtanh", lambda L, F, q: F.hardtanh(q)),
    ("hardtanh_inplace", lambda L, F, q: F.hardtanh(q.clone(), -0.3, 0.3, inplace=True)),
    ("relu6", lambda L, F, q: F.relu6(q)),
    ("nn.ReLU6", lambda L, F, q: L.nn.ReLU6()(q)),
    ("nn.Hardtanh", lambda L, F, q: L.nn.Hardtanh(-2.0, 2.0)(q)),
    ("sigmoid", lambda L, F, q: L.sigmoid(q)),
    ("nn.Sigmoid", lambda L, F, q: L.nn.Sigmoid()(q)),
    ("tanh", lambda L, F, q: q.tanh()),
    ("nn.Tanh", lambda L, F, q: L.nn.Tanh()(q)),
    ("hardsigmoid", lambda L, F, q: F.hardsigmoid(q)),
    ("hardsigmoid_inplace", lambda L, F, q: F.hardsigmoid(q.clone(), inplace=True)),
    ("mean", lambda L, F, q: q.mean()),
    ("mean_fn_dims", lambda L, F, q: L.mean(q, (2, 3))),
    ("mean_keepdim", lambda L, F, q: L.mean(q, dim=-1, keepdim=True)),
    ("flatten", lambda L, F, q: L.flatten(q, 1)),
    ("flatten_method", lambda L, F, q: q.flatten()),
    ("nn.Flatten", lambda L, F, q: L.nn.Flatten()(q)),
    ("reshape", lambda L, F, q: q.reshape(2, -1)),
    ("reshape_fn", lambda L, F, q: L.reshape(q, (6, -1))),
    ("view", lambda L, F, q: q.view(6, 30)),
    ("view_as", lambda L, F, q: q.view(6, 30).view_as(q)),
    ("permute", lambda L, F, q: q.permute(0, 2, 3, 1)),
    ("permute_fn", lambda L, F, q: L.permute(q, (3, 2, 1, 0))),
    ("transpose", lambda L, F, q: q.transpose(1, 3)),
    ("contiguous", lambda L, F, q: q.transpose(1, 3).contiguous()),
    ("clone", lambda L, F, q: q.clone()),
    ("detach", lambda L, F, q: q.detach()),
    ("squeeze", lambda L, F, q: q[:1].squeeze()),
    ("squeeze_dim", lambda L, F, q: q[:1].squeeze(0)),
    ("unsqueeze", lambda L, F, q: q.unsqueeze(1)),
    ("unsqueeze_fn", lambda L, F, q: L.unsqueeze(q, -1)),
    ("select", lambda L, F, q: q.select(1, 2)),
    ("getitem", lambda L, F, q: q[1, :, 2:5:2]),
    ("narrow", lambda L, F, q: q.narrow(2, 1, 3)),
    ("chunk", lambda L, F, q: q.chunk(2, 3)),
    ("split", lambda L, F, q: L.split(q, [1, 2], 1)),
    ("unbind", lambda L, F, q: q.unbind(1)),
    ("expand", lambda L, F, q: q[:, :1].expand(2, 4, 6, 5)),
    ("repeat", lambda L, F, q: q.repeat(1, 2, 1, 1)),
    ("flip", lambda L, F, q: q.flip(-1)),
    ("index_select", lambda L, F, q: q.index_select(1, L.tensor([2, 0]))),
    ("t", lambda L, F, q: q[0, 0].t()),
    ("mT", lambda L, F, q: q.mT),
    ("movedim", lambda L, F, q: q.movedim(1, -1)),
    ("cat", lambda L, F, q: L.cat([q, q], 1)),
    ("cat_neg_dim", lambda L, F, q: L.cat([q, q[..., :2]], -1)),
    ("stack", lambda L, F, q: L.stack([q, q])),
    ("cat_single", lambda L, F, q: L.cat([q], 0)),
    ("pad", lambda L, F, q: F.pad(q, (1, 2))),
    ("pad_value_crop", lambda L, F, q: F.pad(q, (-1, 1, 2, 0), value=0.26)),
    ("sort", lambda L, F, q: L.sort(q, -1)),
    ("sort_desc", lambda L, F, q: q.sort(1, descending=True)),
    ("topk", lambda L, F, q: q.flatten().topk(5).values),  # (indices of ties: unspecified)
    ("max_all", lambda L, F, q: q.max()),
    ("min_all", lambda L, F, q: q.min()),
    ("max_dim", lambda L, F, q: q.max(dim=2)),
    ("interpolate_nearest", lambda L, F, q: F.interpolate(q, scale_factor=2, mode="nearest")),
    ("eq_scalar", lambda L, F, q: q == q.flatten()[3].item()),
    ("gt_scalar", lambda L, F, q: q > 0.3),
    ("le_tensor", lambda L, F, q: q <= L.zeros(5)),
    ("equal", lambda L, F, q: L.equal(q, q.clone())),
    ("item", lambda L, F, q: q[0, 1, 2, 3].item()),
    ("float", lambda L, F, q: float(q[1, 0, 0, 0])),
    ("bool", lambda L, F, q: bool(q[1, 2, 3, 4])),
    ("fill_", lambda L, F, q: q.clone().fill_(0.26)),
    ("copy_float", lambda L, F, q: q.clone().copy_(q.dequantize() * 2)),
    ("ones_like", lambda L, F, q: L.ones_like(q)),
    ("full_like", lambda L, F, q: L.full_like(q, -0.4)),
    ("dequantize", lambda L, F, q: L.dequantize(F.max_pool2d(q, 2))),
]


@pytest.mark.parametrize("dtype", ["quint8", "qint8"])
@pytest.mark.parametrize("name,f", KERNELS, ids=[k[0] for k in KERNELS])
def test_quantized_kernel_matches_torch(name, f, dtype, grad_mode):
    tq, eq = _pair(dtype=dtype)
    _same(f(torch, TF, tq), f(ember, EF, eq))


def test_cat_with_other_qparams_requantizes_as_torch():
    t1, e1 = _pair(seed=1)
    t2, e2 = _pair(scale=0.031, zp=200, seed=2)
    _same(torch.cat([t1, t2], 2), ember.cat([e1, e2], 2))
    _same(torch.stack([t2, t1]), ember.stack([e2, e1]))


def test_avg_pool2d_matches_torch_on_random_windows():
    rs = np.random.RandomState(5)
    for trial in range(60):
        h, w = rs.randint(3, 10, 2)
        k = tuple(int(v) for v in rs.randint(1, 5, 2))
        s = tuple(int(v) for v in rs.randint(1, 4, 2))
        p = tuple(int(rs.randint(0, kk // 2 + 1)) for kk in k)
        ceil, cip = bool(rs.randint(2)), bool(rs.randint(2))
        div = int(rs.randint(1, 20)) if rs.rand() < 0.2 else None
        tq, eq = _pair((2, 3, h, w), ("quint8", "qint8")[trial % 2], 0.05, int(rs.randint(20, 140)),
                       seed=trial)
        _same(TF.avg_pool2d(tq, k, s, p, ceil, cip, div), EF.avg_pool2d(eq, k, s, p, ceil, cip, div))


def test_clamp_bounds_outside_the_range_match_torch():
    tq, eq = _pair()
    for lo, hi in ((-100.0, 100.0), (0.3, -0.3), (2.0, None), (None, -3.0)):
        _same(torch.clamp(tq, lo, hi), ember.clamp(eq, lo, hi))
    for name in ("clamp_min", "clamp_max"):  # no quantized kernel in PyTorch: its error
        with pytest.raises(RuntimeError) as te:
            getattr(torch, name)(tq, 0.2)
        with pytest.raises(RuntimeError) as ee:
            getattr(ember, name)(eq, 0.2)
        assert str(ee.value) == str(te.value)


def test_mark_survives_grad_and_detach_calls():
    """requires_grad_(False), ``requires_grad = False`` and detach_() keep a quantized tensor
    quantized (its kernels still run), as in PyTorch; requires_grad_() refuses."""
    tq, eq = _pair()
    for f in (lambda q: q.requires_grad_(False), lambda q: q.detach_(),
              lambda q: (setattr(q, "requires_grad", False), q)[1]):
        _same(torch.relu(f(tq.clone())), ember.relu(f(eq.clone())))
    with pytest.raises(RuntimeError, match="floating point"):
        tq.clone().requires_grad_()
    with pytest.raises(RuntimeError, match="floating point"):
        eq.clone().requires_grad_()


def test_fixed_qparams_activations_match_torch_on_wide_inputs():
    rs = np.random.RandomState(3)
    for trial in range(20):
        dt = ("quint8", "qint8")[trial % 2]
        tq, eq = _pair((3000,), dt, float(rs.choice([0.02, 0.05, 0.13])), int(rs.randint(30, 100)),
                       seed=trial)
        for name in ("sigmoid", "tanh"):
            _same(getattr(torch, name)(tq), getattr(ember, name)(eq))
        _same(TF.hardsigmoid(tq), EF.hardsigmoid(eq))


def test_hooks_and_factories_like_torch():
    tq, eq = _pair()
    for f in (lambda q: q.retain_grad(), lambda q: q.register_hook(print)):
        with pytest.raises(RuntimeError) as te:
            f(tq)
        with pytest.raises(RuntimeError) as ee:
            f(eq)
        assert str(ee.value) == str(te.value)
    _same(tq.new_ones(2, dtype=torch.float32), eq.new_ones(2, dtype=ember.float32))
    with pytest.raises(NotImplementedError):
        eq.new_ones(2)


def test_parameter_of_a_quantized_tensor():
    tq, eq = _pair()
    with pytest.raises(RuntimeError) as te:
        torch.nn.Parameter(tq)
    with pytest.raises(RuntimeError) as ee:
        ember.nn.Parameter(eq)
    assert str(ee.value) == str(te.value)
    with pytest.raises(NotImplementedError, match="quantized"):  # (torch keeps it quantized)
        ember.nn.Parameter(eq, requires_grad=False)


def test_setitem_quantizes_the_value():
    tq, eq = _pair()
    tq[0] = 0.26
    eq[0] = 0.26
    _same(tq, eq)
    tq[1, 2] = torch.ones(6, 5) * 0.5
    eq[1, 2] = ember.ones(6, 5) * 0.5
    _same(tq, eq)


def test_quantized_model_forward_after_convert_matches_torch():
    """A converted model's tail (relu, pooling, flatten, cat, mean) run with the float
    modules and functions, as real programs do after ``convert()``."""
    tq, eq = _pair(shape=(2, 4, 8, 8))

    def tail(L, F, q):
        y = L.nn.ReLU()(q)
        y = F.max_pool2d(y, 2)
        z = L.cat([F.adaptive_avg_pool2d(y, 1), y.mean((2, 3), keepdim=True)], 1)
        return L.flatten(z, 1).dequantize()
    with torch.no_grad(), ember.no_grad():
        _same(tail(torch, TF, tq), tail(ember, EF, eq))


# each case: (name, f(lib, F, q)) where torch raises NotImplementedError; when the third item
# is set, ember names the same ATen op in the same first sentence
REFUSED = [
    ("exp", lambda L, F, q: L.exp(q), True),
    ("sum", lambda L, F, q: q.sum(), True),
    ("sum_dim", lambda L, F, q: L.sum(q, 1), True),
    ("add_qq", lambda L, F, q: q + q, True),
    ("mul_qq", lambda L, F, q: q * q, True),
    ("neg", lambda L, F, q: -q, True),
    ("abs", lambda L, F, q: q.abs(), True),
    ("sqrt", lambda L, F, q: q.sqrt(), True),
    ("log", lambda L, F, q: L.log(q), True),
    ("sign", lambda L, F, q: q.sign(), False),
    ("pow", lambda L, F, q: q ** 2, True),
    ("matmul", lambda L, F, q: q[0, 0] @ q[0, 0].t(), True),
    ("bmm", lambda L, F, q: q[0] @ q[0].mT, True),
    ("linear", lambda L, F, q: F.linear(q, L.ones(4, 5)), True),
    ("conv2d", lambda L, F, q: F.conv2d(q, L.ones(1, 3, 3, 3)), True),
    ("argmax", lambda L, F, q: q.argmax(), True),
    ("amax", lambda L, F, q: q.amax(), True),
    ("any", lambda L, F, q: q.any(), True),
    ("nonzero", lambda L, F, q: q.nonzero(), True),
    ("isnan", lambda L, F, q: L.isnan(q), True),
    ("where", lambda L, F, q: L.where(L.ones(5) > 0, q, q), True),
    ("gather", lambda L, F, q: q.gather(3, L.zeros(2, 3, 6, 1, dtype=L.long)), True),
    ("roll", lambda L, F, q: q.roll(1, 3), True),
    ("zeros_like", lambda L, F, q: L.zeros_like(q), True),
    ("zero_", lambda L, F, q: q.clone().zero_(), True),
    ("new_zeros", lambda L, F, q: q.new_zeros(2), True),
    ("softmax", lambda L, F, q: F.softmax(q, -1), False),
    ("cumsum", lambda L, F, q: q.cumsum(0), False),
    ("prod", lambda L, F, q: q.prod(), False),
    ("minimum", lambda L, F, q: L.minimum(q, q), True),
    ("masked_select", lambda L, F, q: q.masked_select(L.ones(5) > 0), False),
    ("kthvalue", lambda L, F, q: q.flatten().kthvalue(2), True),
    ("adaptive_max_pool2d", lambda L, F, q: F.adaptive_max_pool2d(q, 1), True),
    ("max_pool2d_indices", lambda L, F, q: F.max_pool2d(q, 2, return_indices=True), False),
    ("layer_norm", lambda L, F, q: F.layer_norm(q, (5,)), True),
    ("batch_norm", lambda L, F, q: F.batch_norm(q, L.zeros(3), L.ones(3)), False),
    ("dropout", lambda L, F, q: F.dropout(q), False),
    ("silu", lambda L, F, q: F.silu(q), False),
    ("elu", lambda L, F, q: F.elu(q), False),
    ("count_nonzero", lambda L, F, q: L.count_nonzero(q), False),
    ("unique", lambda L, F, q: L.unique(q), False),
    ("isin", lambda L, F, q: L.isin(q, L.ones(1)), False),
    ("where_one_arg", lambda L, F, q: L.where(q), True),
]


@pytest.mark.parametrize("name,f,same_op", REFUSED, ids=[k[0] for k in REFUSED])
def test_unsupported_op_raises_like_torch(name, f, same_op, grad_mode):
    tq, eq = _pair()
    with pytest.raises(NotImplementedError) as te:
        f(torch, TF, tq)
    with pytest.raises(NotImplementedError, match="QuantizedCPU") as ee:
        f(ember, EF, eq)
    if same_op:
        first = str(te.value).split(". ")[0]
        assert str(ee.value).split(". ")[0] == first


# ops PyTorch runs quantized that ember has no kernel for: refused, never computed on integers
NOT_BUILT = [
    ("interpolate_bilinear", lambda q: EF.interpolate(q, scale_factor=2, mode="bilinear")),
    ("sigmoid_", lambda q: q.sigmoid_()),
    ("sigmoid_qint32", lambda q: ember.sigmoid(ember.quantize_per_tensor(q.dequantize(), 0.1, 0,
                                                                          ember.qint32))),
    ("leaky_relu", lambda q: EF.leaky_relu(q)),
    ("gelu", lambda q: EF.gelu(q)),
    ("hardswish_module", lambda q: ember.nn.Hardswish()(q)),
    ("avg_pool3d", lambda q: EF.avg_pool3d(q[None], 2)),
    ("masked_fill", lambda q: q.masked_fill(ember.ones(5) > 0, 0.0)),
]


@pytest.mark.parametrize("name,f", NOT_BUILT, ids=[k[0] for k in NOT_BUILT])
def test_quantized_kernels_not_built_raise(name, f, grad_mode):
    _, eq = _pair()
    with pytest.raises(NotImplementedError, match="QuantizedCPU|quantized"):
        f(eq)


def test_scalar_arithmetic_raises_like_torch():
    tq, eq = _pair()
    for op in (lambda q: q + 1, lambda q: q * 2, lambda q: q - 1, lambda q: q / 2):
        with pytest.raises(RuntimeError, match="empty_strided not supported on quantized"):
            op(tq)
        with pytest.raises(RuntimeError, match="empty_strided not supported on quantized"):
            op(eq)


def test_values_out_raise_or_dequantize_like_torch():
    tq, eq = _pair()
    with pytest.raises(RuntimeError, match="load_scalar"):
        tq.tolist()
    with pytest.raises(RuntimeError, match="load_scalar"):
        eq.tolist()
    for bad in (torch.ones(4), torch.ones(2, 3, 6, 5, dtype=torch.float64)):
        with pytest.raises(RuntimeError) as te:
            tq.clone().copy_(bad)
        with pytest.raises(RuntimeError) as ee:
            eq.clone().copy_(ember.tensor(bad.numpy()))
        assert str(ee.value) == str(te.value)


def test_plain_tensors_keep_requires_grad_paths():
    """The mark that sends quantized tensors to their kernels leaves float autograd alone."""
    x = ember.ones(3, requires_grad=True)
    y = (ember.relu(x) * 2).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])
    _, eq = _pair()
    assert eq.requires_grad is False and eq.is_quantized


# -- writing into read-only memory ------------------------------------------------------------

def _read_only(lib):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    a.flags.writeable = False
    return lib.from_numpy(a)


WRITES = [
    ("setitem", lambda L, x: x.__setitem__(0, 1.0)),
    ("setitem_slice", lambda L, x: x.__setitem__((slice(None), 1), 5.0)),
    ("fill_", lambda L, x: x.fill_(1.0)),
    ("zero_", lambda L, x: x.zero_()),
    ("copy_", lambda L, x: x.copy_(L.ones(2, 3))),
    ("add_", lambda L, x: x.add_(1)),
    ("iadd", lambda L, x: x.__iadd__(1)),
    ("relu_", lambda L, x: x.relu_()),
    ("out=", lambda L, x: L.add(L.ones(2, 3), 1, out=x)),
    ("uniform_", lambda L, x: x.uniform_()),
]


@pytest.mark.parametrize("name,f", WRITES, ids=[w[0] for w in WRITES])
def test_write_into_read_only_numpy_memory_says_so(name, f):
    """PyTorch writes into a read-only array's memory (undefined behaviour, with a warning at
    from_numpy); ember refuses with a RuntimeError that says the tensor is not writeable
    (never NumPy's ValueError or a misleading shape message), and the array is unchanged."""
    x = _read_only(ember)
    with pytest.raises(RuntimeError, match="not writeable"):
        f(ember, x)
    np.testing.assert_array_equal(x.numpy(), np.arange(6, dtype=np.float32).reshape(2, 3))


EXPANDED = [
    ("setitem", lambda L, x: x.__setitem__(0, 5.0)),
    ("setitem_elem", lambda L, x: x.__setitem__((0, 1), 5.0)),
    ("fill_", lambda L, x: x.fill_(2.0)),
    ("zero_", lambda L, x: x.zero_()),
    ("add_", lambda L, x: x.add_(1)),
    ("mul_", lambda L, x: x.mul_(2)),
    ("copy_", lambda L, x: x.copy_(L.zeros(2, 3))),
]


@pytest.mark.parametrize("name,f", EXPANDED, ids=[w[0] for w in EXPANDED])
def test_write_into_expanded_view_matches_torch(name, f):
    """An expanded view: assignment and fill write through to the shared memory (the base
    changes too); in-place arithmetic and copy_ raise PyTorch's overlap error."""
    tb, eb = torch.arange(3.0), ember.arange(3.0)
    tx, ex = tb.expand(2, 3), eb.expand(2, 3)
    try:
        f(torch, tx)
    except RuntimeError as te:
        with pytest.raises(RuntimeError) as ee:
            f(ember, ex)
        assert str(ee.value) == str(te)
    else:
        f(ember, ex)
    np.testing.assert_array_equal(tx.numpy(), ex.numpy())
    np.testing.assert_array_equal(tb.numpy(), eb.numpy())
