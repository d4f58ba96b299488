"""``torchvision.models.feature_extraction`` on ember's models: node names as torchvision's
(golden lists recorded from torchvision 0.28 by make_featx_golden.py) and the extracted
features equal to the model's own intermediate outputs."""
import gzip
import json
import os
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models
from ember.vision.models.feature_extraction import create_feature_extractor, get_graph_node_names

HERE = os.path.dirname(os.path.abspath(__file__))
with gzip.open(os.path.join(HERE, "golden_featx_nodes.json.gz"), "rt") as _f:
    GOLDEN = json.load(_f)
KWARGS = {"googlenet": {"aux_logits": False, "init_weights": False},
          "inception_v3": {"aux_logits": False, "init_weights": False}}
SLOW = {"resnet50", "efficientnet_v2_s", "densenet121", "inception_v3", "vit_b_16", "swin_v2_t", "convnext_tiny",
        "maxvit_t"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(GOLDEN)])
def test_node_names_match_torchvision(name):
    train, evaln = get_graph_node_names(getattr(models, name)(**KWARGS.get(name, {})), suppress_diff_warning=True)
    assert train == GOLDEN[name]["train"]
    assert evaln == GOLDEN[name]["eval"]


def _hooked(model, names, x):
    """The outputs of the named submodules in a plain forward (forward hooks)."""
    seen = {}
    mods = dict(model.named_modules())
    hs = [mods[n].register_forward_hook(lambda m, i, o, n=n: seen.__setitem__(n, o)) for n in names]
    with ember.no_grad():
        model(x)
    for h in hs:
        h.remove()
    return seen


def test_features_equal_the_models_own_activations():
    ember.manual_seed(0)
    net = models.resnet18().eval()
    x = ember.randn(2, 3, 64, 64)
    fx = create_feature_extractor(net, {"layer1": "f1", "layer3": "f3", "layer4.1.relu_1": "last", "fc": "logits"})
    with ember.no_grad():
        got = fx(x)
    want = _hooked(net, ["layer1", "layer3", "layer4", "fc"], x)
    assert list(got) == ["f1", "f3", "last", "logits"]
    for k, n in (("f1", "layer1"), ("f3", "layer3"), ("last", "layer4"), ("logits", "fc")):
        np.testing.assert_array_equal(got[k].numpy(), want[n].numpy())


def test_unused_modules_are_dropped_and_gradients_flow():
    net = models.resnet18()
    fx = create_feature_extractor(net, ["layer2"])
    names = {n.split(".")[0] for n, _ in fx.named_parameters()}
    assert names == {"conv1", "bn1", "layer1", "layer2"}
    out = fx(ember.randn(1, 3, 32, 32))["layer2"]
    out.sum().backward()
    assert net.conv1.weight.grad is not None and net.layer3[0].conv1.weight.grad is None


def test_train_and_eval_graphs_and_deepcopy():
    import copy
    net = models.mobilenet_v3_small()
    fx = create_feature_extractor(net, train_return_nodes=["features.1"], eval_return_nodes=["features.2"])
    assert fx.training
    assert list(fx(ember.randn(1, 3, 32, 32))) == ["features.1"]
    fx.eval()
    assert list(fx(ember.randn(1, 3, 32, 32))) == ["features.2"]
    fx2 = copy.deepcopy(fx)
    assert not fx2.training and list(fx2(ember.randn(1, 3, 32, 32))) == ["features.2"]
    fx2.train()
    assert list(fx2(ember.randn(1, 3, 32, 32))) == ["features.1"]


def test_errors_as_torchvision():
    net = models.resnet18()
    with pytest.raises(ValueError, match="node: 'layer9' is not present in model"):
        create_feature_extractor(net, ["layer9"])
    with pytest.raises(ValueError, match="Either `return_nodes`"):
        create_feature_extractor(net)
    with pytest.raises(ValueError, match="then both should be specified"):
        create_feature_extractor(net, train_return_nodes=["layer1"])


def test_warns_when_train_and_eval_graphs_differ():
    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = ember.nn.Linear(2, 2)
            self.b = ember.nn.Linear(2, 2)

        def forward(self, x):
            return self.b(self.a(x)) if self.training else self.a(x)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        train, evaln = get_graph_node_names(Net())
    assert train == ["x", "a", "b"] and evaln == ["x", "a"]
    assert any("subsequence of those obtained in train mode" in str(x.message) for x in w)
