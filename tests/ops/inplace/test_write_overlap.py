"""Writes whose destination overlaps a source, or whose destination has elements that share
memory, raise as PyTorch does instead of silently giving a wrong answer; the allowed cases
(full overlap, disjoint views, strided views torch does not check) give torch's values."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _x(lib):
    return lib.arange(6.)


def _m(lib):
    return lib.arange(4.).reshape(2, 2)


CASES = {
    "x.add_(x)": lambda L: (lambda a: a.add_(a))(_x(L)),
    "x.copy_(x)": lambda L: (lambda a: a.copy_(a))(_x(L)),
    "m.copy_(m.t())": lambda L: (lambda a: a.copy_(a.t()))(_m(L)),
    "m.t().copy_(m)": lambda L: (lambda a: a.t().copy_(a))(_m(L)),
    "m.add_(m.t())": lambda L: (lambda a: a.add_(a.t()))(_m(L)),
    "m.t().add_(m)": lambda L: (lambda a: (a.t().add_(a), a)[1])(_m(L)),
    "x[::2].add_(x[1::2])": lambda L: (lambda a: (a[::2].add_(a[1::2]), a)[1])(_x(L)),
    "x[:3].add_(x[3:])": lambda L: (lambda a: (a[:3].add_(a[3:]), a)[1])(_x(L)),
    "x[1:].copy_(x[:-1])": lambda L: (lambda a: (a[1:].copy_(a[:-1]), a)[1])(_x(L)),
    "x[1:].add_(x[:-1])": lambda L: (lambda a: (a[1:].add_(a[:-1]), a)[1])(_x(L)),
    "x[:-1].mul_(x[1:])": lambda L: (lambda a: (a[:-1].mul_(a[1:]), a)[1])(_x(L)),
    "expand.add_": lambda L: L.ones(3).expand(2, 3).add_(1),
    "expand.copy_": lambda L: L.ones(3).expand(2, 3).copy_(L.zeros(2, 3)),
    "expand.mul_(1)": lambda L: L.ones(3).expand(2, 3).mul_(1),
    "as_strided zero stride add_": lambda L: (lambda a: a.as_strided((3,), (0,)).add_(1))(_x(L)),
    "m[0].add_(m[:,0])": lambda L: (lambda a: (a[0].add_(a[:, 0]), a)[1])(_m(L)),
    "m.mul_(m[0])": lambda L: (lambda a: a.mul_(a[0]))(_m(L)),
    "exp(x, out=x)": lambda L: (lambda a: L.exp(a, out=a))(_x(L)),
    "exp(x[:3], out=x[1:4])": lambda L: (lambda a: (L.exp(a[:3], out=a[1:4]), a)[1])(_x(L)),
    "add(x[:3], x[:3], out=x[:3])": lambda L: (lambda a: (L.add(a[:3], a[:3], out=a[:3]), a)[1])(_x(L)),
    "add(x, 1, out=x[:2])": lambda L: (lambda a: (L.add(a, 1, out=a[:2]), a)[1])(_x(L)),
    "add(x[2:4], 1, out=x[:2])": lambda L: (lambda a: (L.add(a[2:4], 1, out=a[:2]), a)[1])(_x(L)),
    "clamp(x[:3], out=x[1:4])": lambda L: (lambda a: (L.clamp(a[:3], 0, 1, out=a[1:4]), a)[1])(_x(L)),
    "mul(x[:3], 2, out=x[3:])": lambda L: (lambda a: (L.mul(a[:3], 2, out=a[3:]), a)[1])(_x(L)),
    "sin_ on view": lambda L: (lambda a: (a[2:].sin_(), a)[1])(_x(L)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_overlap_matches_torch(name):
    f = CASES[name]
    try:
        want = f(torch)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            f(ember)
        assert str(got.value) == str(e)
        return
    got = f(ember)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
