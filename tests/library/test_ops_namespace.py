"""``torch.ops.aten.*``, ``torch.ops.<custom ns>``, ``Library``/``define``/``impl``, ``infer_schema``
and ``opcheck`` against torch 2.13."""
import itertools
from typing import Optional, Sequence

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
_ids = itertools.count()


def _np(t):
    if isinstance(t, (tuple, list)):
        return [_np(x) for x in t]
    return t.detach().numpy() if hasattr(t, "detach") else t


def _both(fn, *arrays):
    """fn(lib, *tensors) on ember and torch; the outputs as NumPy."""
    out = []
    for lib in (ember, torch):
        out.append(_np(fn(lib, *[lib.tensor(a) for a in arrays])))
    return out


R = np.random.default_rng(0)
X = R.standard_normal((2, 3, 4, 4)).astype(np.float32)
W = R.standard_normal((5, 3, 3, 3)).astype(np.float32)
M = R.standard_normal((3, 4)).astype(np.float32)

ATEN_CASES = {
    "add.Tensor": (lambda t, a: t.ops.aten.add.Tensor(a, a, alpha=2), M),
    "add.Scalar": (lambda t, a: t.ops.aten.add.Scalar(a, 1.5), M),
    "mul": (lambda t, a: t.ops.aten.mul(a, a), M),
    "mm": (lambda t, a: t.ops.aten.mm.default(a, a.t()), M),
    "addmm": (lambda t, a: t.ops.aten.addmm.default(a[:, :3].sum(0), a[:, :3], a[:, :3]), M),
    "_softmax": (lambda t, a: t.ops.aten._softmax.default(a, 1, False), M),
    "_log_softmax": (lambda t, a: t.ops.aten._log_softmax.default(a, 0, False), M),
    "view": (lambda t, a: t.ops.aten.view.default(a, [4, 3]), M),
    "_unsafe_view": (lambda t, a: t.ops.aten._unsafe_view.default(a, [12]), M),
    "slice": (lambda t, a: t.ops.aten.slice.Tensor(a, 1, 1, 4, 2), M),
    "select": (lambda t, a: t.ops.aten.select.int(a, 1, 2), M),
    "sum.dim_IntList": (lambda t, a: t.ops.aten.sum.dim_IntList(a, [1], True), M),
    "mean.dim": (lambda t, a: t.ops.aten.mean.dim(a, [0]), M),
    "permute": (lambda t, a: t.ops.aten.permute.default(a, [1, 0]), M),
    "expand": (lambda t, a: t.ops.aten.expand.default(a[:1], [3, 4]), M),
    "relu": (lambda t, a: t.ops.aten.relu.default(a), M),
    "gelu": (lambda t, a: t.ops.aten.gelu.default(a, approximate="tanh"), M),
    "convolution": (lambda t, a, w: t.ops.aten.convolution.default(a, w, None, [1, 1], [1, 1], [1, 1], False,
                                                                  [0, 0], 1), X, W),
    "native_layer_norm": (lambda t, a: t.ops.aten.native_layer_norm.default(a, [4], None, None, 1e-5), M),
    "native_batch_norm": (lambda t, a: t.ops.aten.native_batch_norm.default(a, None, None, None, None, True,
                                                                           0.1, 1e-5), X),
    "_native_batch_norm_legit_no_training": (
        lambda t, a: t.ops.aten._native_batch_norm_legit_no_training.default(
            a, t.ones(3), t.zeros(3), t.zeros(3), t.ones(3), 0.1, 1e-5)[0], X),
    "max_pool2d_with_indices": (lambda t, a: t.ops.aten.max_pool2d_with_indices.default(a, [2, 2], [2, 2]), X),
    "avg_pool2d": (lambda t, a: t.ops.aten.avg_pool2d.default(a, [2, 2], []), X),
    "adaptive_avg_pool2d": (lambda t, a: t.ops.aten.adaptive_avg_pool2d.default(a, [1, 1]), X),
    "upsample_nearest2d": (lambda t, a: t.ops.aten.upsample_nearest2d.vec(a, [8, 8], None), X),
    "upsample_bilinear2d": (lambda t, a: t.ops.aten.upsample_bilinear2d.vec(a, [6, 6], False, None), X),
    "_to_copy": (lambda t, a: t.ops.aten._to_copy.default(a, dtype=t.float64), M),
    "cat": (lambda t, a: t.ops.aten.cat.default([a, a], 1), M),
    "index.Tensor": (lambda t, a: t.ops.aten.index.Tensor(a, [None, t.tensor([0, 2])]), M),
    "index_put": (lambda t, a: t.ops.aten.index_put.default(a, [t.tensor([1])], t.tensor(7.0)), M),
    "embedding": (lambda t, a: t.ops.aten.embedding.default(a, t.tensor([[0, 2], [1, 1]])), M),
    "rsub.Scalar": (lambda t, a: t.ops.aten.rsub.Scalar(a, 2.0), M),
    "where.self": (lambda t, a: t.ops.aten.where.self(a > 0, a, -a), M),
    "clamp_min": (lambda t, a: t.ops.aten.clamp_min.default(a, 0.1), M),
    "sym_size.int": (lambda t, a: t.ops.aten.sym_size.int(a, 1), M),
    "sym_numel": (lambda t, a: t.ops.aten.sym_numel.default(a), M),
    "t": (lambda t, a: t.ops.aten.t.default(a), M),
    "split.Tensor": (lambda t, a: t.ops.aten.split.Tensor(a, 2, 1), M),
    "empty.memory_format": (lambda t, a: t.ops.aten.empty.memory_format([2, 3], dtype=t.float64).shape, M),
    "full": (lambda t, a: t.ops.aten.full.default([2, 2], 3.0), M),
    "constant_pad_nd": (lambda t, a: t.ops.aten.constant_pad_nd.default(a, [1, 1], 0.5), M),
}


@pytest.mark.parametrize("name", sorted(ATEN_CASES))
def test_aten_op_matches_torch(name):
    fn, *arrays = ATEN_CASES[name]
    got, want = _both(fn, *arrays)
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            if hasattr(w, "shape") and w.size:
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    elif hasattr(want, "shape"):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    else:
        assert got == want


def test_aten_reprs_and_errors():
    for lib in (ember, torch):
        assert repr(lib.ops.aten.add) == "<OpOverloadPacket(op='aten.add')>"
        assert repr(lib.ops.aten.add.Tensor) == "<OpOverload(op='aten.add', overload='Tensor')>"
        assert str(lib.ops.aten.relu.default) == "aten.relu.default"
        assert lib.ops.aten.add.Tensor.name() == "aten::add.Tensor"
        assert lib.ops.aten.add._qualified_op_name == "aten::add"
        assert repr(lib.ops.aten) == "<module 'torch.ops.aten' from 'torch.ops'>"
        with pytest.raises(AttributeError, match="'_OpNamespace' 'aten' object has no attribute 'no_such_op'"):
            lib.ops.aten.no_such_op
    x = ember.ones(2, requires_grad=True)
    ember.ops.aten.mul.Tensor(x, x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    with pytest.raises(NotImplementedError, match="load_library"):
        ember.ops.load_library("libcustom.so")


def _custom(lib, ns):
    @lib.library.custom_op(f"{ns}::f", mutates_args=())
    def f(x: lib.Tensor, n: int, s: float = 1.0, o: Optional[lib.Tensor] = None,
          sizes: Optional[Sequence[int]] = None) -> lib.Tensor:
        return x * s + n
    return f


def test_custom_op_through_torch_ops():
    a = R.standard_normal(3).astype(np.float32)
    outs = []
    for lib in (ember, torch):
        ns = f"embertest_ns{next(_ids)}"
        f = _custom(lib, ns)
        packet = getattr(lib.ops, ns).f
        assert repr(packet) == f"<OpOverloadPacket(op='{ns}.f')>" and str(packet.default) == f"{ns}.f.default"
        outs.append([packet(lib.tensor(a), 3, 2.0).numpy(), packet.default(lib.tensor(a), 1).numpy(),
                     f(lib.tensor(a), n=2, s=0.5).numpy()])
        with pytest.raises(RuntimeError, match=r"expected at most 5 argument\(s\) but received 6"):
            packet(lib.tensor(a), 1, 1.0, None, None, 7)
    for g, w in zip(*outs):
        np.testing.assert_allclose(g, w)


def test_custom_op_without_autograd_raises_on_backward_as_torch():
    msgs = []
    for lib in (ember, torch):
        ns = f"embertest_nograd{next(_ids)}"

        @lib.library.custom_op(f"{ns}::g", mutates_args=())
        def g(x: lib.Tensor) -> lib.Tensor:
            return x.clone()
        y = g(lib.ones(2, requires_grad=True))
        assert y.requires_grad
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        msgs.append(str(e.value).replace(ns, "NS"))
    assert msgs[0] == msgs[1]


def test_library_define_and_impl_match_torch():
    outs = []
    for lib in (ember, torch):
        ns = f"embertest_lib{next(_ids)}"
        L = lib.library.Library(ns, "DEF")
        assert L.define("foo(Tensor x, int y=2, *, float z=1.5) -> Tensor") == "foo"
        L.impl("foo", lambda x, y=2, z=1.5: x * y + z, "CPU")
        op = getattr(lib.ops, ns).foo
        outs.append([op(lib.ones(2)).numpy(), op(lib.ones(2), 3, z=0.0).numpy()])
        with pytest.raises(RuntimeError, match="Only a single TORCH_LIBRARY"):
            lib.library.Library(ns, "DEF")
        lib.library.define(f"{ns}::bar", "(Tensor x, float a) -> Tensor")
        lib.library.impl(f"{ns}::bar", "cpu", lambda x, a: x * a)
        outs[-1].append(getattr(lib.ops, ns).bar(lib.ones(2), 3.0).numpy())
    for g, w in zip(*outs):
        np.testing.assert_allclose(g, w)


def _schemas(lib):
    def f(x: lib.Tensor, n: int, s: float = 1.0, o: Optional[lib.Tensor] = None,
          sizes: Optional[Sequence[int]] = None) -> lib.Tensor: ...

    def g(x: lib.Tensor, y: lib.Tensor) -> tuple[lib.Tensor, lib.Tensor]: ...

    def h(x: lib.Tensor, b: bool, st: str, xs: list[lib.Tensor], d: lib.dtype, dv: lib.device, *,
          k: int = 3) -> None: ...
    return [lib.library.infer_schema(f, mutates_args=()), lib.library.infer_schema(g, mutates_args={"y"}),
            lib.library.infer_schema(h, mutates_args="unknown"),
            lib.library.infer_schema(h, mutates_args=(), op_name="zz")]


def test_infer_schema_matches_torch():
    assert _schemas(ember) == _schemas(torch)
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="must have a type annotation"):
            lib.library.infer_schema(lambda x: x, mutates_args=())


def test_opcheck_matches_torch():
    results = []
    for lib in (ember, torch):
        ns = f"embertest_check{next(_ids)}"

        @lib.library.custom_op(f"{ns}::good", mutates_args=())
        def good(x: lib.Tensor) -> lib.Tensor:
            return x * 2
        good.register_fake(lambda x: lib.empty_like(x))
        lib.library.register_autograd(f"{ns}::good", lambda ctx, g: g * 2)

        @lib.library.custom_op(f"{ns}::bump", mutates_args=())
        def bump(x: lib.Tensor) -> None:
            x.add_(1)
        bump.register_fake(lambda x: None)

        @lib.library.custom_op(f"{ns}::nofake", mutates_args=())
        def nofake(x: lib.Tensor) -> lib.Tensor:
            return x.clone()
        r = [lib.library.opcheck(good, (lib.randn(3, requires_grad=True),)),
             {k: v if isinstance(v, str) else type(v).__name__ for k, v in
              lib.library.opcheck(bump, (lib.randn(3),), raise_exception=False).items()},
             {k: v if isinstance(v, str) else "failed" for k, v in
              lib.library.opcheck(nofake, (lib.randn(3),), raise_exception=False).items()}]
        with pytest.raises(Exception, match="test_faketensor failed"):
            lib.library.opcheck(nofake, (lib.randn(3),))
        results.append(r)
    assert results[0] == results[1]
