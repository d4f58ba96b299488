"""The segmentation and video parity cases shared by the golden recorder and the tests."""
import numpy as np

NO_BACKBONE = {"weights_backbone": None}
# builder(+variant) -> builder kwargs of the default-configuration key/shape digests
DEFAULT_KWARGS = {
    "fcn_resnet50": NO_BACKBONE, "fcn_resnet101": NO_BACKBONE,
    "deeplabv3_resnet50": NO_BACKBONE, "deeplabv3_resnet101": NO_BACKBONE,
    "deeplabv3_mobilenet_v3_large": NO_BACKBONE, "lraspp_mobilenet_v3_large": NO_BACKBONE,
    "fcn_resnet50+aux": {**NO_BACKBONE, "aux_loss": True}, "fcn_resnet101+aux": {**NO_BACKBONE, "aux_loss": True},
    "deeplabv3_resnet50+aux": {**NO_BACKBONE, "aux_loss": True},
    "deeplabv3_resnet101+aux": {**NO_BACKBONE, "aux_loss": True},
    "deeplabv3_mobilenet_v3_large+aux": {**NO_BACKBONE, "aux_loss": True},
    "r3d_18": {}, "mc3_18": {}, "r2plus1d_18": {}, "s3d": {}, "swin3d_t": {}, "swin3d_s": {}, "swin3d_b": {},
}

_SEG = {"weights_backbone": None, "num_classes": 5, "aux_loss": True}
BOTH = ("eval", "train")
# case -> builder, kwargs, input shape, modes; "part": "features" runs the model's .features only;
# "slow": the case takes more than a few seconds on ember
CASES = {
    "fcn_resnet50": {"builder": "fcn_resnet50", "kwargs": _SEG, "input": (2, 3, 32, 32), "modes": BOTH,
                     "slow": True},  # its parts (FCNHead, dilated ResNet-50) run in the deeplabv3_resnet50 case
    "fcn_resnet101": {"builder": "fcn_resnet101", "kwargs": _SEG, "input": (2, 3, 32, 32), "modes": BOTH,
                      "slow": True},
    "deeplabv3_resnet50": {"builder": "deeplabv3_resnet50", "kwargs": _SEG, "input": (2, 3, 32, 32),
                           "modes": BOTH},
    "deeplabv3_resnet101": {"builder": "deeplabv3_resnet101", "kwargs": _SEG, "input": (2, 3, 32, 32),
                            "modes": BOTH, "slow": True},
    "deeplabv3_mobilenet_v3_large": {"builder": "deeplabv3_mobilenet_v3_large", "kwargs": _SEG,
                                     "input": (2, 3, 64, 64), "modes": BOTH},
    "lraspp_mobilenet_v3_large": {"builder": "lraspp_mobilenet_v3_large",
                                  "kwargs": {"weights_backbone": None, "num_classes": 5},
                                  "input": (2, 3, 64, 64), "modes": BOTH},
    "r3d_18": {"builder": "r3d_18", "kwargs": {"num_classes": 7}, "input": (2, 3, 4, 32, 32), "modes": BOTH,
               "slow": True},  # its parts (Conv3DSimple, BasicStem) run in the mc3_18 case
    "mc3_18": {"builder": "mc3_18", "kwargs": {"num_classes": 7}, "input": (2, 3, 4, 32, 32), "modes": BOTH},
    "r2plus1d_18": {"builder": "r2plus1d_18", "kwargs": {"num_classes": 7}, "input": (2, 3, 4, 32, 32),
                    "modes": BOTH},
    "s3d.features": {"builder": "s3d", "kwargs": {"num_classes": 7}, "part": "features",
                     "input": (2, 3, 8, 32, 32), "modes": BOTH},
    "s3d": {"builder": "s3d", "kwargs": {"num_classes": 7}, "input": (1, 3, 13, 209, 209), "modes": ("eval",),
            "slow": True},
    # a small SwinTransformer3d: windows shrink to the grid, pad, shift with the attention mask, patch merging
    "SwinTransformer3d": {"cls": "SwinTransformer3d", "kwargs": {
        "patch_size": [2, 4, 4], "embed_dim": 16, "depths": [2, 2], "num_heads": [2, 4], "window_size": [2, 3, 3],
        "stochastic_depth_prob": 0.0, "num_classes": 7}, "input": (2, 3, 4, 16, 20), "modes": BOTH},
    "swin3d_t": {"builder": "swin3d_t", "kwargs": {"num_classes": 7},
                 "input": (1, 3, 4, 32, 32), "modes": ("eval",), "slow": True},
}


def case_input(shape):
    """The fixed float32 input of a case."""
    return np.random.default_rng(7).standard_normal(shape, dtype=np.float32)


def sample(a, n=256):
    """``n`` evenly spaced entries of the flattened array (float64), then its sum and sum of |a|."""
    flat = np.asarray(a, dtype=np.float64).reshape(-1)
    idx = np.linspace(0, flat.size - 1, min(n, flat.size)).astype(np.int64)
    return np.concatenate([flat[idx], [flat.sum(), np.abs(flat).sum()]])
