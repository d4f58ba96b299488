"""The seeded state_dict generator shared by the golden recorder and the parity tests."""
import numpy as np

# builder -> square input size for the logits parity test (num_classes=10)
INPUT_SIZES = {
    "resnet18": 64, "resnet34": 64, "resnet50": 64, "resnet101": 64, "resnet152": 64,
    "resnext50_32x4d": 64, "resnext101_32x8d": 64, "resnext101_64x4d": 64,
    "wide_resnet50_2": 64, "wide_resnet101_2": 64,
    "vgg11": 32, "vgg11_bn": 32, "vgg13": 32, "vgg13_bn": 32, "vgg16": 32, "vgg16_bn": 32,
    "vgg19": 32, "vgg19_bn": 32, "alexnet": 64,
    "mobilenet_v2": 64, "mobilenet_v3_large": 64, "mobilenet_v3_small": 64,
    "densenet121": 64, "densenet161": 64, "densenet169": 64, "densenet201": 64,
    "squeezenet1_0": 64, "squeezenet1_1": 64,
    "googlenet": 64, "inception_v3": 80, "shufflenet_v2_x0_5": 64, "shufflenet_v2_x1_0": 64,
    "mnasnet0_5": 64, "mnasnet1_0": 64, "efficientnet_b0": 64, "efficientnet_v2_s": 64,
    "regnet_x_400mf": 64, "regnet_y_400mf": 64, "convnext_tiny": 64, "vit_b_32": 64,
    "swin_t": 64, "swin_v2_t": 64, "maxvit_t": 224,
}

# extra builder arguments of the logits parity models (besides num_classes=10)
EXTRA_KWARGS = {"googlenet": {"aux_logits": False, "init_weights": False},
                "inception_v3": {"aux_logits": False, "init_weights": False},
                "vit_b_32": {"image_size": 64}}


def seeded_state(entries, seed=1234):
    """Deterministic float32 weights for ``[(key, shape, dtype_str), ...]`` in state_dict order."""
    rng = np.random.default_rng(seed)
    out = {}
    for key, shape, dtype in entries:
        if "int" in dtype:
            out[key] = np.zeros(shape, np.int64) if key.endswith("num_batches_tracked") else None
            if out[key] is None:
                del out[key]
            continue
        leaf = key.rsplit(".", 1)[-1]
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))
            a = rng.standard_normal(shape, dtype=np.float32) * np.float32(np.sqrt(2.0 / fan_in))
        elif leaf == "running_var":
            a = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        elif leaf == "weight":
            a = np.float32(0.4) + np.float32(0.1) * rng.standard_normal(shape, dtype=np.float32)
        else:
            a = np.float32(0.1) * rng.standard_normal(shape, dtype=np.float32)
        out[key] = a.astype(np.float32)
    return out


def fixed_input(size, batch=2):
    """The fixed input batch, float32, shape (batch, 3, size, size)."""
    return np.random.default_rng(7).standard_normal((batch, 3, size, size), dtype=np.float32)


def key_digest(items):
    """sha256 of the ``key:shape`` lines of a state_dict, in order."""
    import hashlib
    text = "".join(f"{k}:{tuple(int(d) for d in s)}\n" for k, s in items)
    return hashlib.sha256(text.encode()).hexdigest()
