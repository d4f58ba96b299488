"""The quantized-model parity cases shared by the golden recorder and the tests."""
import numpy as np

# builder -> (input size of the output check, slow?); num_classes=10 everywhere
CASES = {
    "quantized_resnet18": (64, False),
    "quantized_resnet50": (64, True),
    "quantized_mobilenet_v2": (64, True),
}
KEYS_ONLY = ["quantized_resnext101_32x8d", "quantized_resnext101_64x4d", "quantized_mobilenet_v3_large"]


def calibration(shape):
    """The calibration batch substituted for the builders' random ``rand(1, 3, 299, 299)``."""
    return np.random.default_rng(5).random(shape, dtype=np.float32)
