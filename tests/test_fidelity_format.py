"""Parity of Tensor.__format__ with torch 2.13: 0-d tensors format as their item."""
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("value,spec", [(1.0, ""), (1.0, ".2f"), (3, ""), (5, ">4"), (True, ""),
                                        (2 + 1j, ""), (1.5, "e")])
def test_zero_dim_formats_as_item(value, spec):
    assert format(ember.tensor(value), spec) == format(torch.tensor(value), spec)
    assert f"{ember.tensor(value)}" == f"{torch.tensor(value)}"


def test_non_scalar_and_parameter_format():
    assert format(ember.ones(2), "") == str(ember.ones(2))
    with pytest.raises(TypeError):
        format(ember.ones(2), ".2f")
    p = ember.nn.Parameter(ember.tensor(1.0))
    tp = torch.nn.Parameter(torch.tensor(1.0))
    assert f"{p}" == f"{tp}"
    with pytest.raises(TypeError):
        format(p, ".2f")
