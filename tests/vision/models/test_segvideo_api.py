"""torchvision's builder interface on ember.vision.models.segmentation / .video: weights enums,
meta, presets, argument checks, legacy ``pretrained``/``pretrained_backbone`` and loading. The
expected messages and numbers were checked against torchvision 0.28.0 on torch 2.13."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models as M
from ember.vision.models import segmentation as S, video as V
from ember.vision.models._utils import IntermediateLayerGetter

VOC = ["__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
       "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor"]


def _record(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(x.message) for x in w]


def test_segmentation_weights_enums():
    e = S.FCN_ResNet50_Weights
    assert list(e) == [e.COCO_WITH_VOC_LABELS_V1] and e.DEFAULT is e.COCO_WITH_VOC_LABELS_V1
    assert repr(e.DEFAULT) == "FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1"
    urls = {S.FCN_ResNet50_Weights: "fcn_resnet50_coco-1167a1af.pth",
            S.FCN_ResNet101_Weights: "fcn_resnet101_coco-7ecb50ca.pth",
            S.DeepLabV3_ResNet50_Weights: "deeplabv3_resnet50_coco-cd0a2569.pth",
            S.DeepLabV3_ResNet101_Weights: "deeplabv3_resnet101_coco-586e9e4e.pth",
            S.DeepLabV3_MobileNet_V3_Large_Weights: "deeplabv3_mobilenet_v3_large-fc3c493d.pth",
            S.LRASPP_MobileNet_V3_Large_Weights: "lraspp_mobilenet_v3_large-d234d4ea.pth"}
    for enum, name in urls.items():
        w = enum.DEFAULT
        assert w.url == "https://download.pytorch.org/models/" + name
        assert w.meta["categories"] == VOC and w.meta["min_size"] == (1, 1)
        t = w.transforms()
        assert type(t).__name__ == "SemanticSegmentation" and t.resize_size == [520]
        assert t.mean == [0.485, 0.456, 0.406] and t.std == [0.229, 0.224, 0.225]
    meta = S.DeepLabV3_ResNet101_Weights.DEFAULT.meta
    assert meta["num_params"] == 60996202 and meta["_metrics"] == {"COCO-val2017-VOC-labels": {"miou": 67.4,
                                                                                                "pixel_acc": 92.4}}
    assert M.get_weight("LRASPP_MobileNet_V3_Large_Weights.DEFAULT").meta["_ops"] == 2.086


def test_video_weights_enums():
    w = V.R2Plus1D_18_Weights.KINETICS400_V1
    assert w.url == "https://download.pytorch.org/models/r2plus1d_18-91a641e6.pth"
    cats = w.meta["categories"]
    assert len(cats) == 400 == len(set(cats)) and cats[:2] == ["abseiling", "air drumming"]
    assert cats[-1] == "zumba" and w.meta["min_size"] == (1, 1)
    assert w.meta["_metrics"]["Kinetics-400"] == {"acc@1": 67.463, "acc@5": 86.175}
    t = w.transforms()
    assert (t.crop_size, t.resize_size) == ([112, 112], [128, 171])
    assert t.mean == [0.43216, 0.394666, 0.37645] and t.std == [0.22803, 0.22145, 0.216989]
    assert w.transforms.keywords == {"crop_size": (112, 112), "resize_size": (128, 171)}
    s = V.S3D_Weights.DEFAULT
    assert s.url.endswith("/s3d-d76dad2f.pth") and s.meta["min_size"] == (224, 224)
    assert s.meta["min_temporal_size"] == 14 and s.transforms().crop_size == [224, 224]
    assert V.R3D_18_Weights.DEFAULT.meta["num_params"] == 33371472
    assert V.MC3_18_Weights.DEFAULT.url.endswith("/mc3_18-a90a0ba3.pth")


def test_num_params_of_the_built_models_match_the_weights_meta():
    for name in ["lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large", "mc3_18", "s3d"]:
        kw = {"weights_backbone": None, "aux_loss": True} if name.startswith("deeplab") else (
            {"weights_backbone": None} if name.startswith("lraspp") else {})
        n = sum(p.numel() for p in M.get_model(name, **kw).parameters())
        assert n == M.get_model_weights(name).DEFAULT.meta["num_params"], name


def test_segmentation_outputs_are_ordered_dicts_at_input_size():
    m = S.lraspp_mobilenet_v3_large(weights_backbone=None, num_classes=4).eval()
    out = m(ember.zeros(1, 3, 40, 36))
    assert type(out).__name__ == "OrderedDict" and list(out) == ["out"] and out["out"].shape == (1, 4, 40, 36)
    m = S.deeplabv3_mobilenet_v3_large(weights_backbone=None, num_classes=3, aux_loss=True).eval()
    out = m(ember.zeros(1, 3, 33, 47))
    assert list(out) == ["out", "aux"] and out["aux"].shape == (1, 3, 33, 47)
    assert m.aux_classifier is not None and S.deeplabv3_mobilenet_v3_large(weights_backbone=None).aux_classifier is None
    assert list(m.backbone.return_layers.items()) == [("16", "out"), ("4", "aux")]


def test_argument_checks_as_torchvision():
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 21 but got 3 instead."):
        S.fcn_resnet50(weights="COCO_WITH_VOC_LABELS_V1", num_classes=3)
    with pytest.raises(ValueError, match="The parameter 'aux_loss' expected value True but got False instead."):
        S.deeplabv3_resnet50(weights=S.DeepLabV3_ResNet50_Weights.DEFAULT, aux_loss=False)
    with pytest.raises(NotImplementedError, match="This model does not use auxiliary loss"):
        S.lraspp_mobilenet_v3_large(aux_loss=True)
    with pytest.raises(KeyError):
        S.fcn_resnet50(weights_backbone="IMAGENET1K_V9")
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received R3D_18_Weights"):
        S.fcn_resnet50(weights_backbone=V.R3D_18_Weights.DEFAULT)
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 400 but got 3 instead."):
        V.r3d_18(weights="KINETICS400_V1", num_classes=3)
    from ember.vision.models.video.resnet import BasicStem, Bottleneck, Conv3DSimple
    with pytest.raises(AttributeError, match="bn3"):  # torchvision's VideoResNet fails the same way
        V.VideoResNet(Bottleneck, [Conv3DSimple] * 4, [1, 1, 1, 1], BasicStem, zero_init_residual=True)
    with pytest.raises(ValueError, match="return_layers are not present in model"):
        IntermediateLayerGetter(M.resnet18(), {"layer9": "x"})


def test_legacy_pretrained_and_positional_arguments():
    m, w = _record(lambda: S.lraspp_mobilenet_v3_large(pretrained=False, pretrained_backbone=False))
    assert isinstance(m, S.LRASPP)
    assert w == [
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use 'weights' "
        "instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed in "
        "the future. The current behavior is equivalent to passing `weights=None`.",
        "The parameter 'pretrained_backbone' is deprecated since 0.13 and may be removed in the future, please use "
        "'weights_backbone' instead.",
        "Arguments other than a weight enum or `None` for 'weights_backbone' are deprecated since 0.13 and may be "
        "removed in the future. The current behavior is equivalent to passing `weights_backbone=None`."]
    m, w = _record(lambda: S.deeplabv3_mobilenet_v3_large(False, True, 5, None, None))
    assert m.classifier[4].out_channels == 5
    assert w == [
        "Using 'weights', 'progress', 'num_classes', 'aux_loss', and 'weights_backbone' as positional parameter(s) "
        "is deprecated since 0.13 and may be removed in the future. Please use keyword parameter(s) instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed in "
        "the future. The current behavior is equivalent to passing `weights=None`."]


@pytest.fixture
def fake_hub(monkeypatch):
    """Serve ``get_state_dict`` from freshly built models (recording which weights were asked for)."""
    asked = []

    def fake(self, *args, **kwargs):
        asked.append(self)
        builders = {"MobileNet_V3_Large_Weights": lambda: M.mobilenet_v3_large(),
                    "LRASPP_MobileNet_V3_Large_Weights": lambda: S.lraspp_mobilenet_v3_large(weights_backbone=None),
                    "MC3_18_Weights": lambda: V.mc3_18()}
        sd = builders[type(self).__name__]().state_dict()
        return {k: ember.full_like(v, 0.25) if v.is_floating_point() else v for k, v in sd.items()}
    monkeypatch.setattr(M.WeightsEnum, "get_state_dict", fake)
    return asked


def test_default_weights_backbone_loads_the_imagenet_backbone(fake_hub):
    m = S.lraspp_mobilenet_v3_large()  # torchvision's default: weights_backbone=IMAGENET1K_V1
    assert fake_hub == [M.MobileNet_V3_Large_Weights.IMAGENET1K_V1]
    assert float(m.backbone["0"][0].weight[0, 0, 0, 0]) == 0.25
    assert float(m.classifier.low_classifier.weight.abs().sum()) != 0.25 * m.classifier.low_classifier.weight.numel()


def test_full_weights_skip_the_backbone_and_load(fake_hub):
    m, w = _record(lambda: S.lraspp_mobilenet_v3_large(pretrained=True))
    assert fake_hub == [S.LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1]
    assert float(m.classifier.high_classifier.bias[0]) == 0.25 and m.classifier.low_classifier.out_channels == 21
    assert w[-1].endswith("You can also use `weights=LRASPP_MobileNet_V3_Large_Weights.DEFAULT` to get the most "
                          "up-to-date weights.")
    m = V.mc3_18(weights="KINETICS400_V1")
    assert fake_hub[-1] is V.MC3_18_Weights.KINETICS400_V1 and m.fc.out_features == 400
    assert float(m.fc.bias[3]) == 0.25


def test_semantic_segmentation_preset_matches_torch_on_a_float_tensor():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).random((3, 30, 26), dtype=np.float32)
    y = S.FCN_ResNet50_Weights.DEFAULT.transforms.func(resize_size=20)(ember.from_numpy(x))
    r = torch.nn.functional.interpolate(torch.from_numpy(x)[None], size=(23, 20), mode="bilinear", antialias=True,
                                        align_corners=False)[0]
    mean, std = torch.tensor([0.485, 0.456, 0.406])[:, None, None], torch.tensor([0.229, 0.224, 0.225])[:, None, None]
    np.testing.assert_allclose(y.numpy(), ((r - mean) / std).numpy(), atol=2e-5)
    assert S.FCN_ResNet50_Weights.DEFAULT.transforms.func(resize_size=None)(ember.from_numpy(x)).shape == (3, 30, 26)


def test_semantic_segmentation_preset_on_a_pil_image():
    Image = pytest.importorskip("PIL.Image")
    a = np.random.default_rng(1).integers(0, 256, (30, 26, 3), dtype=np.uint8)
    y = S.FCN_ResNet50_Weights.DEFAULT.transforms.func(resize_size=13)(Image.fromarray(a))
    ref = np.asarray(Image.fromarray(a).resize((13, 15), Image.BILINEAR)).transpose(2, 0, 1) / np.float32(255)
    ref = (ref - np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]) / np.array(
        [0.229, 0.224, 0.225], np.float32)[:, None, None]
    assert y.dtype == ember.float32
    np.testing.assert_allclose(y.numpy(), ref, atol=1e-5)


def test_video_classification_preset_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).random((2, 3, 3, 20, 24), dtype=np.float32)  # (N, T, C, H, W)
    t = V.R3D_18_Weights.DEFAULT.transforms.func(crop_size=(8, 10), resize_size=(12, 15))
    y = t(ember.from_numpy(x))
    r = torch.nn.functional.interpolate(torch.from_numpy(x).reshape(6, 3, 20, 24), size=(12, 15), mode="bilinear",
                                        antialias=False, align_corners=False)
    r = r[:, :, 2:10, 2:12]
    mean = torch.tensor([0.43216, 0.394666, 0.37645])[:, None, None]
    std = torch.tensor([0.22803, 0.22145, 0.216989])[:, None, None]
    r = ((r - mean) / std).reshape(2, 3, 3, 8, 10).permute(0, 2, 1, 3, 4)
    assert y.shape == (2, 3, 3, 8, 10)
    np.testing.assert_allclose(y.numpy(), r.numpy(), atol=2e-5)
    np.testing.assert_allclose(t(ember.from_numpy(x[0])).numpy(), r[0].numpy(), atol=2e-5)
    u = t(ember.from_numpy((x[0] * 255).astype(np.uint8)))
    assert u.dtype == ember.float32 and u.shape == (3, 3, 8, 10)


def test_compat_torchvision_segmentation_and_video_map_here(tmp_path):
    code = ("import torchvision; from torchvision.models import segmentation, video; "
            "from torchvision.models._utils import IntermediateLayerGetter; "
            "from torchvision.models.segmentation.deeplabv3 import DeepLabHead; "
            "m = segmentation.lraspp_mobilenet_v3_large(weights_backbone=None, num_classes=2); "
            "print(type(m).__module__, DeepLabHead.__module__, IntermediateLayerGetter.__module__); "
            "print(video.R3D_18_Weights.DEFAULT, torchvision.models.list_models(module=video)[0])")
    script = tmp_path / "uses_torchvision.py"
    script.write_text("\n".join(line.strip() for line in code.split(";")))
    r = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ember.vision.models.segmentation.lraspp", "ember.vision.models.segmentation.deeplabv3",
                                "ember.vision.models._utils", "R3D_18_Weights.KINETICS400_V1", "mc3_18"]
