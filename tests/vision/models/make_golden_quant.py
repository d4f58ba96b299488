"""Record the quantized-model golden data from real torchvision (run once, by hand).

Writes ``golden_quant.json.gz`` (state_dict keys of the ``quantize=False``/``True`` models; for
the cases in ``quant_cases.py``, the quantized model's output on a fixed input after loading
seeded float weights and calibrating on ``quant_cases.calibration``) and the package data
``ember/vision/models/quantization/_weights_table.json``.

    TORCHVISION_SRC=/tmp/tvsrc python tests/vision/models/make_golden_quant.py
"""
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from quant_cases import CASES, KEYS_ONLY, calibration  # noqa: E402
from tv_golden_seeded import fixed_input, seeded_state  # noqa: E402

PKG = os.path.join(HERE, "..", "..", "..", "ember", "vision", "models")


def weights_table(models):
    table = {}
    for n in models.list_models(module=models.quantization):
        enum = models.get_model_weights(n)
        entries = []
        for w in enum:
            meta = {k: v for k, v in w.meta.items() if k not in ("_docs", "categories", "unquantized")}
            assert len(w.meta["categories"]) == 1000
            meta["categories"] = "imagenet"
            u = w.meta["unquantized"]
            meta["unquantized"] = f"{type(u).__name__}.{u.name}"
            tr = {k: (v.value if hasattr(v, "value") else v) for k, v in w.transforms.keywords.items()}
            entries.append({"name": w.name, "url": w.url, "transforms": tr, "meta": meta})
        table[n] = {"enum": enum.__name__, "weights": entries, "default": enum.DEFAULT.name}
    with open(os.path.join(PKG, "quantization", "_weights_table.json"), "w") as f:
        json.dump(table, f, indent=0, separators=(",", ":"))


def main():
    sys.path.insert(0, os.environ["TORCHVISION_SRC"])
    import torch
    from torchvision import models
    from torchvision.models.quantization import utils as qutils
    torch.set_num_threads(1)
    weights_table(models)
    gold = {"keys": {}, "cases": {}}
    real_rand = torch.rand
    torch.rand = lambda *shape: torch.from_numpy(calibration(shape))
    try:
        for n in list(CASES) + KEYS_ONLY:
            for q in (False, True):
                sd = models.get_model(n, num_classes=10, quantize=q).state_dict()
                gold["keys"][f"{n}:{q}"] = list(sd)
        for n, (size, _) in CASES.items():
            m = models.get_model(n, num_classes=10)
            sd = m.state_dict()
            seeded = seeded_state([(k, tuple(v.shape), str(v.dtype)) for k, v in sd.items()])
            m.load_state_dict({k: torch.from_numpy(seeded[k]) if k in seeded else v for k, v in sd.items()})
            qutils.quantize_model(m, "fbgemm")
            with torch.no_grad():
                y = m(torch.from_numpy(fixed_input(size)))
            last = m.fc if hasattr(m, "fc") else m.classifier[-1]   # the layer feeding dequant
            gold["cases"][n] = {"out": y.numpy().tolist(), "scale": float(last.scale)}
            print(n, y.abs().max().item(), float(last.scale), flush=True)
    finally:
        torch.rand = real_rand
    with gzip.open(os.path.join(HERE, "golden_quant.json.gz"), "wt") as f:
        json.dump(gold, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
