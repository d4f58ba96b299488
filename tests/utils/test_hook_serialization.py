"""torch.utils.hooks: unserializable_hook / warn_if_has_hooks / BackwardHook as torch's."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")


def _warnings(lib, leaf, mark):
    x = lib.ones(2, requires_grad=True)
    t = x if leaf else x * 2

    def h(g):
        return g
    if mark:
        assert lib.utils.hooks.unserializable_hook(h) is h
    t.register_hook(h)
    t.register_hook(lib.utils.hooks.unserializable_hook(lambda g: g))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        lib.utils.hooks.warn_if_has_hooks(t)
    return [(x.category.__name__, str(x.message).replace(repr(h), "<h>")) for x in w]


@pytest.mark.parametrize("leaf", [True, False])
@pytest.mark.parametrize("mark", [True, False])
def test_warn_if_has_hooks_matches_torch(leaf, mark):
    import torch.utils.hooks  # noqa: F401
    assert _warnings(ember, leaf, mark) == _warnings(torch, leaf, mark)


def test_backward_hook_api():
    res = []
    for lib in (ember, torch):
        import importlib
        hooks = importlib.import_module(lib.__name__ + ".utils.hooks")
        m = lib.nn.Linear(2, 2)
        seen = []
        bw = hooks.BackwardHook(m, [lambda mod, gi, go: seen.append(("hook", len(gi), len(go)))],
                                [lambda mod, go: seen.append(("pre", len(go)))])
        x = lib.ones(1, 2, requires_grad=True)
        (xx,) = bw.setup_input_hook((x,))
        y = bw.setup_output_hook(m(xx))
        y.sum().backward()
        res.append(seen)
    assert res[0] == res[1]
