"""torchvision's weights API on ember.vision.models. The expected messages, warnings, names and
numbers were checked against torchvision 0.28.0 running on torch 2.13 (same calls, same output)."""
import os
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models as M
from ember.vision.transforms import InterpolationMode

DEPRECATED_PRETRAINED = ("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                         "please use 'weights' instead.")


def _record(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(x.message) for x in w]


def test_enum_members_default_and_names():
    e = M.ResNet50_Weights
    assert list(e) == [e.IMAGENET1K_V1, e.IMAGENET1K_V2]
    assert e.DEFAULT is e.IMAGENET1K_V2 and repr(e.DEFAULT) == "ResNet50_Weights.IMAGENET1K_V2"
    assert e.verify("IMAGENET1K_V1") is e.IMAGENET1K_V1
    assert e.verify("ResNet50_Weights.IMAGENET1K_V1") is e.IMAGENET1K_V1
    assert M.get_weight("ResNet50_Weights.DEFAULT") is e.IMAGENET1K_V2
    assert M.get_model_weights("resnet50") is e and M.get_model_weights(M.resnet50) is e
    assert M.MobileNet_V2_Weights.DEFAULT.name == "IMAGENET1K_V2"


def test_published_urls_and_meta():
    assert M.ResNet50_Weights.IMAGENET1K_V1.url == "https://download.pytorch.org/models/resnet50-0676ba61.pth"
    assert M.ResNet50_Weights.IMAGENET1K_V2.url == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
    assert M.VGG16_Weights.IMAGENET1K_V1.url.endswith("/vgg16-397923af.pth")
    assert M.ResNet18_Weights.DEFAULT.url.endswith("/resnet18-f37072fd.pth")
    meta = M.ResNet50_Weights.DEFAULT.meta
    assert meta["num_params"] == 25557032 and meta["min_size"] == (1, 1)
    assert meta["_metrics"]["ImageNet-1K"] == {"acc@1": 80.858, "acc@5": 95.434}
    cats = meta["categories"]
    assert len(cats) == 1000 and cats[0] == "tench" and cats[-1] == "toilet tissue" and len(set(cats)) == 1000
    assert M.VGG16_Weights.IMAGENET1K_FEATURES.meta["categories"] is None


def test_every_built_model_has_weights_whose_params_match():
    for name in ["resnet18", "mobilenet_v3_small", "squeezenet1_1", "densenet121"]:
        n = sum(p.numel() for p in M.get_model(name).parameters())
        for w in M.get_model_weights(name):
            assert w.meta["num_params"] == n, (name, w)


def test_transforms_preset_settings():
    t = M.ResNet50_Weights.IMAGENET1K_V2.transforms()
    assert (t.crop_size, t.resize_size, t.interpolation) == ([224], [232], InterpolationMode.BILINEAR)
    assert t.mean == [0.485, 0.456, 0.406] and t.std == [0.229, 0.224, 0.225]
    f = M.VGG16_Weights.IMAGENET1K_FEATURES.transforms()
    assert f.mean == [0.48235, 0.45882, 0.40784] and f.std == [1 / 255] * 3


def test_transforms_preset_matches_torch_on_float_tensor():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).random((3, 300, 260), dtype=np.float32)
    y = M.ResNet50_Weights.IMAGENET1K_V2.transforms()(ember.from_numpy(x))
    # torchvision's tensor path: antialiased bilinear resize of the short side to 232, center crop, normalize
    r = torch.nn.functional.interpolate(torch.from_numpy(x)[None], size=(267, 232), mode="bilinear",
                                        antialias=True, align_corners=False)[0]
    top, left = int(round((267 - 224) / 2.0)), int(round((232 - 224) / 2.0))
    r = r[:, top:top + 224, left:left + 224]
    mean, std = torch.tensor([0.485, 0.456, 0.406])[:, None, None], torch.tensor([0.229, 0.224, 0.225])[:, None, None]
    np.testing.assert_allclose(y.numpy(), ((r - mean) / std).numpy(), atol=2e-4)


def test_legacy_pretrained_false_and_positional():
    m, w = _record(lambda: M.resnet18(pretrained=False))
    assert isinstance(m, M.ResNet)
    assert w == [DEPRECATED_PRETRAINED, "Arguments other than a weight enum or `None` for 'weights' are deprecated "
                 "since 0.13 and may be removed in the future. The current behavior is equivalent to passing "
                 "`weights=None`."]
    m, w = _record(lambda: M.resnet18(False))
    assert w[0] == ("Using 'weights' as positional parameter(s) is deprecated since 0.13 and may be removed in the "
                    "future. Please use keyword parameter(s) instead.")


def test_legacy_pretrained_true_maps_to_v1_and_reports_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(ember.hub, "_hub_dir", None)

    def refuse(*a, **k):
        raise ember.hub.URLError("no network in this test")
    monkeypatch.setattr(ember.hub, "urlopen", refuse)
    with pytest.raises(ember.hub.URLError) as info:
        _record(lambda: M.squeezenet1_1(pretrained=True))
    msg = str(info.value)
    path = os.path.join(str(tmp_path), "hub", "checkpoints", "squeezenet1_1-b8a52dc0.pth")
    assert "'squeezenet1_1-b8a52dc0.pth'" in msg and path in msg
    assert "https://download.pytorch.org/models/squeezenet1_1-b8a52dc0.pth" in msg


def test_weights_load_from_the_hub_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    src = M.squeezenet1_1()
    ckpt = tmp_path / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    ember.save(src.state_dict(), str(ckpt / "squeezenet1_1-b8a52dc0.pth"))
    m = M.squeezenet1_1(weights="DEFAULT")
    for (k, a), (k2, b) in zip(src.state_dict().items(), m.state_dict().items()):
        assert k == k2 and ember.equal(a, b)
    _, w = _record(lambda: M.squeezenet1_1(pretrained=True))
    assert w[0] == DEPRECATED_PRETRAINED and "`weights=SqueezeNet1_1_Weights.IMAGENET1K_V1`" in w[1]


def test_weights_and_num_classes_errors():
    with pytest.raises(ValueError, match=r"^The parameter 'num_classes' expected value 1000 but got 10 instead\.$"):
        M.resnet18(weights="IMAGENET1K_V1", num_classes=10)
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received VGG16_Weights"):
        M.resnet18(weights=M.VGG16_Weights.DEFAULT)
    with pytest.raises(KeyError):
        M.resnet18(weights="NOPE")
    with pytest.raises(ValueError, match=r"Invalid weight name provided: 'Nope'\."):
        M.get_weight("Nope")
    with pytest.raises(ValueError, match="The weight enum 'Nope_Weights' for the specific method"):
        M.get_weight("Nope_Weights.X")
    with pytest.raises(ValueError, match="Unknown model nope"):
        M.get_model("nope")


def test_registry_filters():
    assert M.list_models(include=["resnet*", "vgg1?"], exclude="*_bn") == [
        "resnet101", "resnet152", "resnet18", "resnet34", "resnet50", "vgg11", "vgg13", "vgg16", "vgg19"]
    assert len(M.list_models(module=M)) == 80  # the classification builders; list_models() adds the
    assert set(M.list_models()) - set(M.list_models(module=M)) == set(  # segmentation, video, quantization
        M.list_models(module=M.segmentation) + M.list_models(module=M.video) + M.list_models(module=M.quantization))


def test_builder_options_as_torchvision():
    assert M.mobilenet_v2(width_mult=0.5).features[-1][0].out_channels == 1280
    assert sum(p.numel() for p in M.mobilenet_v3_large(reduced_tail=True, dilated=True).parameters()) == 2569352
    with pytest.raises(NotImplementedError, match="Dilation > 1 not supported in BasicBlock"):
        M.resnet18(replace_stride_with_dilation=[False, True, False])
    m = M.resnet50(replace_stride_with_dilation=[False, True, True], num_classes=3)
    assert m(ember.zeros(1, 3, 32, 32)).shape == (1, 3)


def test_compat_torchvision_models_maps_here(tmp_path):
    import subprocess
    import sys
    code = ("import torchvision, torchvision.models as tm; from torchvision.models import resnet18, ResNet18_Weights;"
            "print(tm.__name__, resnet18(num_classes=2).fc.out_features, ResNet18_Weights.DEFAULT)")
    script = tmp_path / "uses_torchvision.py"
    script.write_text("\n".join(line.strip() for line in code.split(";")))
    r = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ember.vision.models", "2", "ResNet18_Weights.IMAGENET1K_V1"]


def test_aux_heads_in_training_as_torchvision():
    g = M.googlenet(num_classes=4, init_weights=False).train()
    out = g(ember.zeros(2, 3, 64, 64))
    assert type(out).__name__ == "GoogLeNetOutputs" and out._fields == ("logits", "aux_logits2", "aux_logits1")
    assert [tuple(t.shape) for t in out] == [(2, 4)] * 3
    assert tuple(g.eval()(ember.zeros(1, 3, 64, 64)).shape) == (1, 4)
    with pytest.warns(FutureWarning, match="default weight initialization of inception_v3"):
        m = M.inception_v3(num_classes=4)
    assert m.AuxLogits.fc.out_features == 4 and list(m.state_dict())[420].startswith("AuxLogits.")
    out = M.inception_v3(num_classes=4, aux_logits=False, init_weights=False).train()(ember.zeros(2, 3, 80, 80))
    assert isinstance(out, ember.Tensor) and tuple(out.shape) == (2, 4)


def test_torch_saved_checkpoint_in_the_cache_loads_as_published_weights(tmp_path, monkeypatch):
    """A file written by real ``torch.save`` under the published name is what ``weights=`` loads."""
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    shapes = {k: tuple(v.shape) for k, v in M.mobilenet_v3_small().state_dict().items()}
    rng = np.random.default_rng(3)
    sd = {k: (torch.zeros(s, dtype=torch.int64) if k.endswith("num_batches_tracked")
              else torch.from_numpy(rng.standard_normal(s).astype(np.float32))) for k, s in shapes.items()}
    ckpt = tmp_path / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    name = M.MobileNet_V3_Small_Weights.DEFAULT.url.rsplit("/", 1)[-1]
    torch.save(sd, str(ckpt / name))
    m = M.mobilenet_v3_small(weights=M.MobileNet_V3_Small_Weights.IMAGENET1K_V1)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), sd[k].numpy())


def test_unbuilt_subpackages_say_so():
    with pytest.raises(NotImplementedError, match="torchvision.models.detection is not built"):
        M.detection
    with pytest.raises(AttributeError):
        M.no_such_thing
    assert len(M.list_models()) == 99  # 80 classification + 6 segmentation + 7 video + 6 quantized
