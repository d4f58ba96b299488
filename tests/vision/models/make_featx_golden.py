"""Record torchvision's feature-extraction node names (train and eval mode) for the models in
``MODELS`` into ``golden_featx_nodes.json.gz``; ``test_feature_extraction.py`` compares ember's.

    TORCHVISION_SRC=/tmp/tvsrc python tests/vision/models/make_featx_golden.py
"""
import gzip
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = {"resnet18": {}, "resnet50": {}, "mobilenet_v2": {}, "mobilenet_v3_small": {}, "efficientnet_b0": {},
          "efficientnet_v2_s": {}, "regnet_y_400mf": {}, "convnext_tiny": {}, "densenet121": {},
          "squeezenet1_0": {}, "shufflenet_v2_x0_5": {}, "mnasnet0_5": {}, "vgg11": {}, "alexnet": {},
          "googlenet": {"aux_logits": False, "init_weights": False},
          "inception_v3": {"aux_logits": False, "init_weights": False},
          "vit_b_16": {}, "swin_t": {}, "swin_v2_t": {}, "maxvit_t": {}}


def main():
    sys.path.insert(0, os.environ["TORCHVISION_SRC"])
    warnings.simplefilter("ignore")
    import torchvision.models as tvm
    from torchvision.models.feature_extraction import get_graph_node_names
    out = {}
    for name, kw in MODELS.items():
        train, evaln = get_graph_node_names(getattr(tvm, name)(**kw), suppress_diff_warning=True)
        out[name] = {"train": train, "eval": evaln}
        print(name, len(train), len(evaln))
    with gzip.open(os.path.join(HERE, "golden_featx_nodes.json.gz"), "wt") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
