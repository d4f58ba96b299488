"""Advanced indexing with separated index tensors, ints, bool masks, None and Ellipsis: result shape and
dim placement (torch applies integer indices first, as selects), writes, and gradients vs torch 2.13."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

X = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
S = slice(None)


def _cases(m):
    i = lambda v: m.tensor(v)  # noqa: E731
    b = lambda v: m.tensor(v, dtype=m.bool)  # noqa: E731
    return {
        "i,:,j": (i([0, 1]), S, i([1, 2])),
        ":,i,:,j": (S, i([0, 1]), S, i([1, 2])),
        "i,1:3,j": (i([0, 1]), slice(1, 3), i([1, 2])),
        "None,i,...,j": (None, i([0, 1]), Ellipsis, i([1, 2])),
        "i,...,j2d": (i([1, 0]), Ellipsis, i([[1], [2]])),
        "int,:,j": (1, S, i([0, 2])),
        "i,:,int": (i([0, 1]), S, 2),
        ":,int,:,j": (S, 1, S, i([0, 3])),
        "i,int": (i([0, 1]), 2),
        "int,i": (1, i([0, 2])),
        ":,i,int": (S, i([0, 2]), 1),
        "bool,:,j": (b([True, False]), S, i([1])),
        ":,bool,:,j": (S, b([True, False, True]), S, i([1, 4])),
        "bool2d,:,j": (b([[True, False, True], [False, True, False]]), S, i([1, 2, 3])),
        "i,None,j": (i([0, 1]), None, i([1, 2])),
        "i2d,:,j": (i([[0], [1]]), S, i([1, 2, 3])),
        "i,j,:,k": (i([0, 1]), i([1, 2]), S, i([0, 4])),
        "i,:,j,k": (i([0, 1]), S, i([1, 2]), i([0, 4])),
        "int,:,int,j": (0, S, 1, i([0, 4])),
        "None,:,i,None,j": (None, S, i([0, 2]), None, i([1, 2])),
        "list,:,list": ([0, 1], S, [1, 2]),
        "...,i,:,j": (Ellipsis, i([0, 1]), S, i([1, 2])),
        "i,::2,j,int": (i([0, 1]), slice(None, None, 2), i([1, 2]), 1),
        "0d,:,j": (i(1), S, i([1, 2])),
        "int,bool,:,j": (1, b([True, False, True]), S, i([0, 4])),
        "int,i,int,j": (1, i([0, 2]), 3, i([1, 1])),
        "neg int,:,j,None": (-1, S, i([-1, 0]), None),
        "dup i,:,j": (i([0, 0, 1]), S, i([1, 1, 2])),
    }


NAMES = list(_cases(torch))


def _read_and_grad(m, name):
    idx = _cases(m)[name]
    x = m.tensor(X, requires_grad=True)
    y = x[idx]
    w = m.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)))
    (y * w).sum().backward()
    return tuple(y.shape), y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()


def _write(m, name):
    idx = _cases(m)[name]
    shape = tuple(m.tensor(X)[idx].shape)
    x = m.tensor(X, requires_grad=True)
    v = m.tensor(np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 10, requires_grad=True)
    z = x * 1
    z[idx] = v
    (z * m.tensor(X + 1)).sum().backward()
    z2 = m.tensor(X).clone()
    z2[idx] = m.tensor(np.arange(shape[-1], dtype=np.float64))      # broadcast value
    leaf = m.tensor(X, requires_grad=True)
    with m.no_grad():
        leaf[idx] = -1.0
    return z.detach().numpy(), x.grad.numpy(), v.grad.numpy(), z2.numpy(), leaf.detach().numpy()


@pytest.mark.parametrize("name", NAMES)
def test_advanced_index_read_and_grad(name):
    got, want = _read_and_grad(ember, name), _read_and_grad(torch, name)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[2], want[2])
    assert got[3] == want[3]


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("dup")])
def test_advanced_index_write_and_grad(name):
    for g, t in zip(_write(ember, name), _write(torch, name)):
        np.testing.assert_array_equal(g, t)


def test_index_put_with_separated_tensors():
    res = []
    for m in (torch, ember):
        x = m.tensor(X).clone()
        i, j = m.tensor([0, 1]), m.tensor([1, 3])
        x.index_put_((i, m.tensor([0, 2]), j), m.tensor([[5.0], [6.0]], dtype=m.float64), accumulate=True)
        y = m.tensor(X)
        res.append((x.numpy(), y[i, :, j].numpy(), y[:, i, :, j].shape))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])
    assert tuple(res[0][2]) == tuple(res[1][2])
