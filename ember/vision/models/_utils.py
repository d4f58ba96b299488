"""torchvision.models._utils: ``IntermediateLayerGetter`` (a backbone that returns named feature
maps), ``_ovewrite_value_param`` (the builders' check of a value fixed by the weights), and
``_make_divisible`` / ``_ovewrite_named_param``, which code written for torchvision imports from here.

>>> from ember.vision.models._utils import IntermediateLayerGetter
>>> from ember.vision.models import resnet18
>>> g = IntermediateLayerGetter(resnet18(), {"layer1": "feat1", "layer2": "feat2"})
>>> {k: tuple(v.shape) for k, v in g(ember.zeros(1, 3, 32, 32)).items()}
{'feat1': (1, 64, 8, 8), 'feat2': (1, 128, 4, 4)}
"""
from collections import OrderedDict

from ... import nn
from ._api import _make_divisible, _ovewrite_named_param  # noqa: F401  (torchvision keeps them here too)

__all__ = ["IntermediateLayerGetter"]


class IntermediateLayerGetter(nn.ModuleDict):
    """The direct children of ``model`` up to the last one named in ``return_layers``, run in
    registration order; ``forward`` returns an ``OrderedDict`` of the outputs of the children named
    in ``return_layers`` under their new names.

    >>> from ember.vision.models._utils import IntermediateLayerGetter
    >>> seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> g = IntermediateLayerGetter(seq, {"1": "hidden"})
    >>> list(g.keys()), list(g(ember.ones(4, 2)))
    (['0', '1'], ['hidden'])
    """
    _version = 2

    def __init__(self, model, return_layers):
        names = [name for name, _ in model.named_children()]
        if not set(return_layers).issubset(names):
            raise ValueError("return_layers are not present in model")
        wanted = {str(k): str(v) for k, v in return_layers.items()}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            wanted.pop(name, None)
            if not wanted:
                break
        super().__init__(layers)
        self.return_layers = return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


def _ovewrite_value_param(param, actual, expected):
    """``expected``, after checking that a user-given ``actual`` (not None) agrees with it."""
    if actual is not None and actual != expected:
        raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} instead.")
    return expected
