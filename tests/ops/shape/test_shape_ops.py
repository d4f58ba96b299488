"""Joining/splitting and rearranging ops: parity with PyTorch (forward, backward, errors),
views sharing memory, and round-trip properties."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from _si_parity import check, same_error

torch = pytest.importorskip("torch")

R = np.random.default_rng(1)


def A(*shape, dt="float64"):
    return R.standard_normal(shape).astype(dt)


DTYPES = ["float32", "float64"]

CASES = {
    "cat0": (lambda L, a, b: L.cat([a, b]), [(2, 3), (4, 3)]),
    "cat1": (lambda L, a, b: L.cat((a, b), dim=1), [(2, 3), (2, 1)]),
    "cat_neg": (lambda L, a, b: L.concat([a, b, a], -1), [(2, 3), (2, 2)]),
    "cat_noncontig": (lambda L, a, b: L.concatenate([a.t(), b[:, ::2]], 1), [(3, 2), (2, 6)]),
    "cat_empty_legacy": (lambda L, a: L.cat([a, L.zeros(0, dtype=a.dtype)], 1), [(2, 3)]),
    "cat_empty_grad": (lambda L, a, b: L.cat([b, a, b], 1), [(2, 3), (0,)]),
    "cat_1d_empty_grad": (lambda L, a, b: L.cat([a, b]), [(3,), (0,)]),
    "cat_all_empty": (lambda L, a, b: L.cat([a, b]), [(0,), (0,)]),
    "stack": (lambda L, a, b: L.stack([a, b]), [(2, 3), (2, 3)]),
    "stack_last": (lambda L, a, b: L.stack([a, b.t()], dim=-1), [(2, 3), (3, 2)]),
    "hstack": (lambda L, a, b: L.hstack([a, b]), [(2, 3), (2, 1)]),
    "hstack1d": (lambda L, a, b: L.hstack([a, b]), [(3,), (2,)]),
    "vstack": (lambda L, a, b: L.vstack([a, b]), [(3,), (3,)]),
    "dstack": (lambda L, a, b: L.dstack([a, b]), [(2, 3), (2, 3)]),
    "column_stack": (lambda L, a, b: L.column_stack([a, b]), [(3,), (3, 2)]),
    "split_int": (lambda L, a: a.split(2, 1), [(3, 5)]),
    "split_list": (lambda L, a: L.split(a, [1, 0, 2], dim=0), [(3, 5)]),
    "chunk": (lambda L, a: a.chunk(3, -1), [(2, 7)]),
    "chunk_more": (lambda L, a: a.chunk(4), [(6,)]),
    "tensor_split_n": (lambda L, a: a.tensor_split(3, 1), [(2, 7)]),
    "tensor_split_idx": (lambda L, a: L.tensor_split(a, [1, 6, 9]), [(7,)]),
    "tensor_split_neg": (lambda L, a: L.tensor_split(a, (-2, 1)), [(7,)]),
    "hsplit": (lambda L, a: a.hsplit(2), [(3, 4)]),
    "vsplit": (lambda L, a: L.vsplit(a, [1]), [(3, 4)]),
    "dsplit": (lambda L, a: L.dsplit(a, 2), [(1, 2, 4)]),
    "unbind": (lambda L, a: a.unbind(1), [(2, 3)]),
    "narrow": (lambda L, a: a.narrow(1, -3, 2), [(2, 4)]),
    "select": (lambda L, a: L.select(a, -1, 2) * 2, [(2, 3, 4)]),
    "flip": (lambda L, a: a.flip(0, 2), [(2, 3, 4)]),
    "flip_list": (lambda L, a: L.flip(a.transpose(0, 1), [-1]), [(2, 3)]),
    "fliplr": (lambda L, a: a.fliplr(), [(2, 3)]),
    "flipud": (lambda L, a: L.flipud(a), [(2, 3)]),
    "roll": (lambda L, a: a.roll(1), [(2, 3)]),
    "roll_dims": (lambda L, a: L.roll(a, (1, -2), (0, 1)), [(2, 3)]),
    "roll_neg": (lambda L, a: a.roll(-4, -1), [(2, 3)]),
    "rot90": (lambda L, a: a.rot90(), [(2, 3)]),
    "rot90_k2": (lambda L, a: L.rot90(a, 2, [1, 2]), [(2, 3, 4)]),
    "rot90_k3": (lambda L, a: L.rot90(a, -1, (0, 1)), [(2, 3)]),
    "rot90_k0": (lambda L, a: L.rot90(a, 4), [(2, 3)]),
    "repeat": (lambda L, a: a.repeat(2, 3), [(2, 3)]),
    "repeat_more": (lambda L, a: a.repeat(2, 1, 3), [(2, 3)]),
    "tile": (lambda L, a: L.tile(a, (2,)), [(2, 3)]),
    "tile_more": (lambda L, a: a.tile((2, 1, 2)), [(3,)]),
    "ri_int": (lambda L, a: a.repeat_interleave(2), [(2, 3)]),
    "ri_dim": (lambda L, a: L.repeat_interleave(a, 3, dim=1), [(2, 3)]),
    "ri_tensor": (lambda L, a: a.repeat_interleave(L.tensor([1, 0, 2]), dim=-1), [(2, 3)]),
    "ri_tensor1": (lambda L, a: a.repeat_interleave(L.tensor([2]), dim=0), [(2, 3)]),
    "tril": (lambda L, a: a.tril(), [(3, 4)]),
    "tril_k": (lambda L, a: L.tril(a, -1), [(2, 3, 4)]),
    "triu": (lambda L, a: a.triu(1), [(4, 3)]),
    "triu_neg": (lambda L, a: L.triu(a.mT, -2), [(2, 3, 4)]),
    "diag_vec": (lambda L, a: L.diag(a), [(3,)]),
    "diag_vec_k": (lambda L, a: a.diag(-2), [(3,)]),
    "diag_mat": (lambda L, a: a.diag(1), [(3, 4)]),
    "diagonal": (lambda L, a: a.diagonal(), [(3, 4)]),
    "diagonal_off": (lambda L, a: L.diagonal(a, -1, 2, 0), [(3, 4, 5)]),
    "diagonal_big": (lambda L, a: a.diagonal(9), [(3, 4)]),
    "diag_embed": (lambda L, a: L.diag_embed(a), [(2, 3)]),
    "diag_embed_off": (lambda L, a: a.diag_embed(1, 0, 2), [(2, 3)]),
    "trace": (lambda L, a: a.trace(), [(3, 4)]),
    "broadcast_to": (lambda L, a: L.broadcast_to(a, (2, 3, 4)), [(3, 1)]),
    "broadcast_tensors": (lambda L, a, b: L.broadcast_tensors(a, b), [(3, 1), (4,)]),
    "meshgrid_ij": (lambda L, a, b: L.meshgrid(a, b, indexing="ij"), [(3,), (4,)]),
    "meshgrid_xy": (lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy"), [(3,), (4,), (2,)]),
    "atleast_1d": (lambda L, a: L.atleast_1d(a), [()]),
    "atleast_2d": (lambda L, a, b: L.atleast_2d(a, b), [(3,), ()]),
    "atleast_3d": (lambda L, a, b, c: L.atleast_3d((a, b, c)), [(3,), (2, 3), ()]),
    "unfold": (lambda L, a: a.unfold(1, 2, 1), [(2, 5)]),
    "unfold_step": (lambda L, a: a.unfold(0, 3, 2), [(8,)]),
    "unfold_0d": (lambda L, a: a.unfold(0, 1, 1), [()]),
    "as_strided": (lambda L, a: L.as_strided(a, (3, 2), (1, 2), 1), [(8,)]),
    "as_strided_default_offset": (lambda L, a: a[2:].as_strided((2, 2), (2, 1)) * 1, [(8,)]),
    "as_strided_noncontig": (lambda L, a: L.as_strided(a.view(2, 4).t(), (2, 3), (4, 1), 1), [(8,)]),
    "as_strided_double": (lambda L, a: L.as_strided(a, (4,), (2,)) ** 2, [(8,)]),
    "block_diag": (lambda L, a, b, c: L.block_diag(a, b, c), [(2, 3), (), (2,)]),
    "cartesian_prod": (lambda L, a, b, c: L.cartesian_prod(a, b, c), [(2,), (3,), (2,)]),
    "combinations": (lambda L, a: L.combinations(a, 3), [(4,)]),
    "combinations_repl": (lambda L, a: L.combinations(a, 2, with_replacement=True), [(3,)]),
    "ravel": (lambda L, a: a.t().ravel(), [(2, 3)]),
    "unflatten": (lambda L, a: L.unflatten(a, 1, (2, -1)), [(2, 6)]),
    "diagonal_scatter": (lambda L, a, s: L.diagonal_scatter(a, s, 1), [(3, 4), (3,)]),
    "select_scatter": (lambda L, a, s: L.select_scatter(a, s, 1, -1), [(3, 4), (3,)]),
    "slice_scatter": (lambda L, a, s: a.slice_scatter(s, 1, 1, None, 2), [(3, 4), (3, 2)]),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_parity(name, dt):
    fn, shapes = CASES[name]
    check(torch, fn, *[A(*s, dt=dt) for s in shapes])


def test_cat_dtype_promotion():
    for dts in [("int32", "float16", "int64"), ("bool", "uint8"), ("int64", "float32"), ("float32", "float64")]:
        arrs = [np.ones(2, dtype=d) for d in dts]
        e = ember.cat([ember.tensor(a) for a in arrs])
        t = torch.cat([torch.tensor(a) for a in arrs])
        assert str(e.dtype) == str(t.dtype)
    x = ember.tensor([1, 2], dtype=ember.int32)
    y = ember.tensor([0.5], requires_grad=True, dtype=ember.float64)
    z = ember.cat([x, y])
    z.sum().backward()
    assert z.dtype == ember.float64 and y.grad.tolist() == [1.0]


def test_int_ops_keep_dtype():
    x = np.arange(12).reshape(3, 4)
    for fn in [lambda L, a: L.cat([a, a]), lambda L, a: a.flip(0), lambda L, a: a.roll(1, 1),
               lambda L, a: a.repeat(2, 1), lambda L, a: a.tril(), lambda L, a: a.trace(),
               lambda L, a: a.diag(), lambda L, a: a.repeat_interleave(2)]:
        check(torch, fn, x, grad=False)


def test_out_and_inplace():
    a = A(3, 3)
    e, t = ember.tensor(a), torch.tensor(a)
    e.tril_(-1)
    t.tril_(-1)
    np.testing.assert_allclose(e.numpy(), t.numpy())
    e.triu_()
    t.triu_()
    np.testing.assert_allclose(e.numpy(), t.numpy())
    out = ember.empty(0)
    ember.cat([ember.ones(2), ember.zeros(1)], out=out)
    assert out.tolist() == [1., 1., 0.]


def test_inplace_tril_grad():
    a = A(3, 3)
    for L in (torch, ember):
        w = L.tensor(a, requires_grad=True)
        x = w * 2
        x.triu_(1)
        (x * x).sum().backward()
        if L is torch:
            ref = w.grad.numpy()
        else:
            np.testing.assert_allclose(w.grad.numpy(), ref)


def test_views_share_memory():
    x = ember.arange(12.).view(3, 4).clone()
    for v in [x.narrow(1, 1, 2), x.select(0, 1), x.split(2)[1], x.chunk(2, 1)[0], x.unbind(1)[2],
              x.diagonal(), x.unfold(1, 2, 2), ember.broadcast_to(x, (2, 3, 4)), x.tensor_split(2)[1],
              ember.atleast_3d(x), ember.meshgrid(x[0], x[1], indexing="ij")[0]]:
        assert v._base is x
        assert np.shares_memory(v.numpy(), x.numpy())
    x.narrow(1, 1, 2).mul_(10)
    x.diagonal().fill_(-1)
    t = torch.arange(12.).view(3, 4)
    t.narrow(1, 1, 2).mul_(10)
    t.diagonal().fill_(-1)
    assert x.tolist() == t.tolist()
    for c in [x.flip(0), x.roll(1), x.repeat(1, 1), x.tril(), x.diag(), ember.cat([x])]:
        assert not np.shares_memory(c.numpy(), x.numpy())


def test_inplace_on_multi_output_view_is_refused():
    for L in (torch, ember):
        x = L.ones(4, 3, requires_grad=True) * 1
        for parts in (x.split(2), x.unbind(1), x.chunk(2)):
            with pytest.raises(RuntimeError, match="returns multiple views"):
                parts[1].mul_(3)
        with L.no_grad():
            x.split(2)[1].mul_(3)  # allowed without grad
        x.detach().split(2)[1].mul_(3)
        assert x[3, 0].item() == 9


def test_inplace_on_narrow_view_routes_grad():
    a = A(4, 3)
    for L in (torch, ember):
        w = L.tensor(a, requires_grad=True)
        x = w * 1
        b = x.narrow(0, 2, 2)
        b.mul_(3)
        (x * x).sum().backward()
        if L is torch:
            ref = w.grad.numpy()
        else:
            np.testing.assert_allclose(w.grad.numpy(), ref)


def test_second_order():
    a = A(3, 4)
    for L in (torch, ember):
        w = L.tensor(a, requires_grad=True)
        y = (L.cat([w, w.flip(1)]).roll(1, 0).tril() ** 3).sum() + w.diagonal().pow(3).sum() + \
            (w.unfold(1, 2, 1) ** 3).sum() + (w.as_strided((2, 2), (1, 2), 1) ** 3).sum() + \
            (w.repeat_interleave(L.tensor([1, 0, 2]), 0) ** 3).sum()
        g, = L.autograd.grad(y, w, create_graph=True)
        g.sum().backward()
        if L is torch:
            ref = w.grad.numpy()
        else:
            np.testing.assert_allclose(w.grad.numpy(), ref)


def test_broadcast_shapes_and_misc():
    assert ember.broadcast_shapes((2, 1), (3,), ()) == torch.broadcast_shapes((2, 1), (3,), ())
    assert tuple(ember.broadcast_shapes(3, (2, 1))) == tuple(torch.broadcast_shapes(3, (2, 1)))
    assert ember.repeat_interleave(ember.tensor([2, 0, 1])).tolist() == \
        torch.repeat_interleave(torch.tensor([2, 0, 1])).tolist()
    assert len(ember.chunk(ember.zeros(6), 4)) == len(torch.chunk(torch.zeros(6), 4))
    with pytest.warns(UserWarning):
        ember.meshgrid(ember.zeros(2), ember.zeros(3))


ERRORS = {
    "cat_size": (lambda L, a, b: L.cat([a, b]), [(2, 3), (2, 4)]),
    "cat_size1": (lambda L, a, b: L.cat([a, b], 1), [(2, 3), (3, 4)]),
    "cat_ndim": (lambda L, a, b: L.cat([a, b], 1), [(2, 3), (2,)]),
    "cat_empty": (lambda L: L.cat([]), []),
    "cat_0d": (lambda L, a: L.cat([a, a]), [()]),
    "cat_dim": (lambda L, a: L.cat([a, a], 2), [(2, 3)]),
    "stack_size": (lambda L, a, b: L.stack([a, b]), [(2, 3), (2, 4)]),
    "stack_empty": (lambda L: L.stack([]), []),
    "stack_dim": (lambda L, a: L.stack([a, a], 3), [(2, 3)]),
    "split_sum": (lambda L, a: a.split([1, 1], 1), [(2, 3)]),
    "split_neg": (lambda L, a: a.split(-1), [(2, 3)]),
    "split_zero": (lambda L, a: a.split(0), [(2, 3)]),
    "chunk_zero": (lambda L, a: a.chunk(0), [(2, 3)]),
    "tensor_split_zero": (lambda L, a: a.tensor_split(0), [(2, 3)]),
    "narrow_start": (lambda L, a: a.narrow(1, 4, 1), [(2, 3)]),
    "narrow_len": (lambda L, a: a.narrow(1, 1, 3), [(2, 3)]),
    "narrow_neglen": (lambda L, a: a.narrow(1, 1, -1), [(2, 3)]),
    "select_oob": (lambda L, a: a.select(0, 5), [(2, 3)]),
    "select_0d": (lambda L, a: a.select(0, 0), [()]),
    "select_dim": (lambda L, a: a.select(2, 0), [(2, 3)]),
    "fliplr_1d": (lambda L, a: a.fliplr(), [(3,)]),
    "flipud_0d": (lambda L, a: a.flipud(), [()]),
    "flip_dup": (lambda L, a: a.flip(0, 0), [(2, 3)]),
    "flip_dim": (lambda L, a: a.flip(3), [(2, 3)]),
    "roll_align": (lambda L, a: a.roll((1, 2), 0), [(2, 3)]),
    "roll_nodims": (lambda L, a: a.roll((1, 2)), [(2, 3)]),
    "rot90_dims": (lambda L, a: a.rot90(1, [0]), [(2, 3)]),
    "rot90_same": (lambda L, a: a.rot90(1, [1, 1]), [(2, 3)]),
    "rot90_1d": (lambda L, a: a.rot90(), [(3,)]),
    "repeat_few": (lambda L, a: a.repeat(2), [(2, 3)]),
    "ri_neg": (lambda L, a: a.repeat_interleave(L.tensor([1, -1, 2])), [(3,)]),
    "ri_size": (lambda L, a: a.repeat_interleave(L.tensor([1, 2])), [(3,)]),
    "ri_2d": (lambda L, a: a.repeat_interleave(L.tensor([[1, 2]])), [(3,)]),
    "tril_1d": (lambda L, a: a.tril(), [(3,)]),
    "triu_1d": (lambda L, a: a.triu(), [(3,)]),
    "diag_3d": (lambda L, a: a.diag(), [(2, 2, 2)]),
    "trace_1d": (lambda L, a: a.trace(), [(3,)]),
    "diagonal_same": (lambda L, a: a.diagonal(0, 1, 1), [(2, 3)]),
    "diagonal_dim": (lambda L, a: a.diagonal(0, 0, 2), [(2, 3)]),
    "diag_embed_same": (lambda L, a: a.diag_embed(0, 0, 0), [(3,)]),
    "broadcast_to": (lambda L, a: L.broadcast_to(a, (3, 3)), [(2, 3)]),
    "broadcast_tensors": (lambda L, a, b: L.broadcast_tensors(a, b), [(2, 3), (2, 4)]),
    "broadcast_shapes": (lambda L: L.broadcast_shapes((2, 3), (3, 2)), []),
    "meshgrid_2d": (lambda L, a: L.meshgrid(a, a, indexing="ij"), [(2, 2)]),
    "meshgrid_indexing": (lambda L, a: L.meshgrid(a, a, indexing="foo"), [(2,)]),
    "unfold_big": (lambda L, a: a.unfold(0, 5, 1), [(3,)]),
    "unfold_step": (lambda L, a: a.unfold(0, 2, 0), [(3,)]),
    "unfold_dim": (lambda L, a: a.unfold(1, 1, 1), [(3,)]),
    "as_strided_oob": (lambda L, a: a.as_strided((3, 3), (3, 1), 1), [(8,)]),
    "block_diag_3d": (lambda L, a: L.block_diag(a), [(2, 2, 2)]),
    "diagonal_scatter_shape": (lambda L, a, s: L.diagonal_scatter(a, s), [(3, 4), (2,)]),
    "select_scatter_shape": (lambda L, a, s: L.select_scatter(a, s, 0, 0), [(3, 4), (3,)]),
    "slice_scatter_shape": (lambda L, a, s: L.slice_scatter(a, s, 0, 0, 1), [(3, 4), (2, 4)]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    fn, shapes = ERRORS[name]
    e, t = same_error(torch, fn, *[A(*s) for s in shapes])
    if name.startswith(("cat", "stack", "split", "narrow", "select", "roll", "rot90", "ri_", "tril", "diag",
                        "trace", "broadcast_to", "broadcast_tensors", "broadcast_shapes", "unfold", "block", "slice",
                        "select_scatter")):
        assert e == t


def test_index_grids():
    for args in [(3, 4, 1), (4, 3, -1), (0, 3), (3, 3, 5), (2, 5, -3)]:
        for name in ("tril_indices", "triu_indices"):
            assert getattr(ember, name)(*args).tolist() == getattr(torch, name)(*args).tolist()
    assert ember.tril_indices(3, 3, dtype=ember.int32).dtype == ember.int32
    assert ember.cartesian_prod(ember.tensor([1, 2])).tolist() == [1, 2]
    assert ember.block_diag().shape == torch.block_diag().shape
    check(torch, lambda L, a, b: L.block_diag(a, b), np.ones((1, 2), dtype=np.int32), np.ones(1), grad=False)


def test_cat_message_names_tensor_number():
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 1. Expected size 2 "
                       "but got size 3 for tensor number 1 in the list."):
        ember.cat([ember.zeros(2, 1), ember.zeros(3, 1)], 1)


# ------------------------------------------------------------------ properties
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(shapes, st.data())
def test_cat_of_split_roundtrips(shape, data):
    x = ember.tensor(np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(1, shape[dim] + 1))
    parts = x.split(size, dim)
    assert ember.cat(parts, dim).tolist() == x.tolist()
    n = data.draw(st.integers(1, 5))
    assert ember.cat(x.tensor_split(n, dim), dim).tolist() == x.tolist()
    assert ember.cat(x.chunk(n, dim), dim).tolist() == x.tolist()
    assert ember.stack(x.unbind(dim), dim).tolist() == x.tolist()
    for p in parts:
        assert np.shares_memory(p.numpy(), x.numpy()) or p.numel() == 0


@settings(max_examples=40, deadline=None)
@given(shapes, st.data())
def test_flip_roll_rot_inverses(shape, data):
    x = ember.tensor(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    s = data.draw(st.integers(-6, 6))
    assert x.flip(dim).flip(dim).tolist() == x.tolist()
    assert x.roll(s, dim).roll(-s, dim).tolist() == x.tolist()
    assert x.roll(s).tolist() == torch.tensor(x.numpy()).roll(s).tolist()
    if len(shape) >= 2:
        k = data.draw(st.integers(-4, 4))
        assert x.rot90(k).rot90(-k).tolist() == x.tolist()
        assert x.rot90(k).tolist() == torch.tensor(x.numpy()).rot90(k).tolist()


def test_stack_is_one_node_with_torchs_name_layout_and_gradients():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    for dim in (0, 1, 2, -1):
        E = [ember.tensor(x, requires_grad=True), ember.tensor(x.T.copy().T)]    # (the second a copy)
        T = [torch.tensor(x, requires_grad=True), torch.tensor(x)]
        se, st = ember.stack([E[0], E[1].t().t()], dim), torch.stack([T[0], T[1].t().t()], dim)
        assert se.grad_fn.name() == st.grad_fn.name() == "StackBackward0"
        assert se.stride() == st.stride() and se.is_contiguous()
        w = np.arange(se.numel(), dtype=np.float32).reshape(tuple(se.shape))
        (se * ember.tensor(w)).sum().backward()
        (st * torch.tensor(w)).sum().backward()
        np.testing.assert_array_equal(E[0].grad.numpy(), T[0].grad.numpy())
    assert ember.stack([ember.tensor([True]), ember.tensor([2])]).dtype == ember.int64


def test_reshape_and_flatten_view_or_copy_like_torch():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    E, T = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for f in (lambda t: t.reshape(6, 4), lambda t: t.flatten(1), lambda t: t.transpose(0, 2).reshape(-1),
              lambda t: t.transpose(0, 2).flatten(), lambda t: t.reshape(2, 3, 4)):
        e, t = f(E), f(T)
        assert e.grad_fn.name() == t.grad_fn.name()
        assert (e._base is not None) == (t._base is not None)
        np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())
