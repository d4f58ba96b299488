"""Every ember.vision classifier family exports to ONNX: onnxruntime matches ember within 1e-5
(absolute, plus 1e-5 relative) at the export batch size and at another one. Small configurations
keep the default run fast; the full-size builders are marked slow."""
import io

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import ember  # noqa: E402
import ember.nn as nn  # noqa: E402
import ember.vision.models as M  # noqa: E402
from ember.vision.models.convnext import ConvNeXt, CNBlockConfig  # noqa: E402
from ember.vision.models.densenet import DenseNet  # noqa: E402
from ember.vision.models.resnet import ResNet, BasicBlock, Bottleneck  # noqa: E402
from ember.vision.models.shufflenetv2 import ShuffleNetV2  # noqa: E402
from ember.vision.models.maxvit import MaxVit  # noqa: E402
from ember.vision.models.swin_transformer import SwinTransformer, SwinTransformerBlockV2, PatchMergingV2  # noqa: E402
from ember.vision.models.vision_transformer import VisionTransformer  # noqa: E402


def _randomize_zero_params(model):
    """Heads that start at zero (ViT, ...) would make every output 0: give them values."""
    g = np.random.default_rng(0)
    with ember.no_grad():
        for p in model.parameters():
            if not bool(p.abs().sum()):
                p.copy_(ember.from_numpy(g.standard_normal(tuple(p.shape)).astype(np.float32) * 0.1))
    return model


SMALL = {
    "resnet_basic": (lambda: ResNet(BasicBlock, [1, 1, 1, 1], num_classes=5, width_per_group=64), 32),
    "resnext_bottleneck": (lambda: ResNet(Bottleneck, [1, 1, 1, 1], num_classes=5, groups=4, width_per_group=4), 32),
    "mobilenet_v2": (lambda: M.mobilenet_v2(num_classes=5, width_mult=0.25), 32),
    "mobilenet_v3_small": (lambda: M.mobilenet_v3_small(num_classes=5), 32),
    "squeezenet1_1": (lambda: M.squeezenet1_1(num_classes=5), 48),
    "shufflenet": (lambda: ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 128], num_classes=5), 32),
    "densenet": (lambda: DenseNet(8, (2, 2), 16, num_classes=5), 32),
    "mnasnet0_5": (lambda: M.mnasnet0_5(num_classes=5), 32),
    "regnet_y_400mf": (lambda: M.regnet_y_400mf(num_classes=5), 32),
    "efficientnet_b0": (lambda: M.efficientnet_b0(num_classes=5), 32),
    "convnext": (lambda: ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)], num_classes=5), 32),
    "vit": (lambda: VisionTransformer(32, 8, 2, 2, 16, 32, num_classes=5), 32),
    "swin": (lambda: SwinTransformer([4, 4], 16, [2, 1], [2, 2], [2, 2], num_classes=5), 32),  # shifted windows
    "swin_v2": (lambda: SwinTransformer([4, 4], 16, [1, 1], [2, 2], [2, 2], num_classes=5,
                                        block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2), 32),
    "maxvit": (lambda: MaxVit((32, 32), 8, 2, [16, 32], [1, 1], 8, 0.0, num_classes=5), 32),
    "alexnet_features": (lambda: M.alexnet(num_classes=5).features, 64),
}

# full size (also verified by hand, slower still: alexnet, vgg11_bn, vit_b_32, swin_t, convnext_tiny,
# efficientnet_v2_s, resnext50_32x4d, shufflenet_v2_x1_0: their families run small above)
FULL = ["resnet18", "googlenet", "inception_v3", "densenet121", "regnet_x_400mf"]


def export_and_run(model, side, batch=1, other_batch=3):
    model = _randomize_zero_params(model).eval()
    x = ember.randn(batch, 3, side, side)
    buf = io.BytesIO()
    ember.onnx.export(model, (x,), buf, input_names=["images"], output_names=["logits"],
                      dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    sess = ort.InferenceSession(buf.getvalue(), providers=["CPUExecutionProvider"])
    for xb in (x, ember.randn(other_batch, 3, side, side)):
        with ember.no_grad():
            ref = model(xb).numpy()
        got = sess.run(None, {"images": xb.numpy()})[0]
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(ref).max())))


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_classifiers(name):
    make, side = SMALL[name]
    ember.manual_seed(0)
    export_and_run(make(), side)


@pytest.mark.slow
@pytest.mark.parametrize("name", FULL)
def test_full_size_classifiers(name):
    ember.manual_seed(0)
    kw = {"num_classes": 10}
    side = 96 if name in ("googlenet", "inception_v3") else (224 if name == "vit_b_32" else 64)
    if name == "inception_v3":
        kw["aux_logits"] = False
        kw["init_weights"] = False
        side = 80
    export_and_run(getattr(M, name)(**kw), side, other_batch=2)


def test_maxpool_ceil_and_uneven_adaptive_pool_in_a_classifier():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.MaxPool2d(3, 2, ceil_mode=True), nn.AdaptiveAvgPool2d((3, 5)),
                          nn.Flatten(), nn.Linear(60, 5))
    export_and_run(model, 12)
