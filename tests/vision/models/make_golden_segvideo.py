"""Regenerate the segmentation/video golden data from real torchvision (run once, by hand).

Needs torch and torchvision's pure-Python sources (``TORCHVISION_SRC``). Writes
``golden_segvideo.json.gz`` (state_dict keys/shapes and seeded-weight outputs of the cases in
``segvideo_cases.py``) and the package data: ``ember/vision/models/{segmentation,video}/_weights_table.json``,
``voc_categories.txt`` and ``kinetics400_categories.txt``.

    TORCHVISION_SRC=/tmp/tvsrc python tests/vision/models/make_golden_segvideo.py
"""
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from segvideo_cases import CASES, DEFAULT_KWARGS, case_input, sample  # noqa: E402
from tv_golden_seeded import key_digest, seeded_state  # noqa: E402

PKG = os.path.join(HERE, "..", "..", "..", "ember", "vision", "models")


def build(models, case):
    if "cls" in case:
        m = getattr(models.video, case["cls"])(**case["kwargs"])
    else:
        m = models.get_model(case["builder"], **case["kwargs"])
    return m.features if case.get("part") == "features" else m


def outputs(m, x, torch):
    with torch.no_grad():
        y = m(torch.from_numpy(x).to(next(m.parameters()).dtype))
    return y if isinstance(y, dict) else {"out": y}


def record_case(models, torch, case):
    m = build(models, case)
    sd = m.state_dict()
    entries = [(k, tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in sd.items()]
    seeded = seeded_state(entries)
    x = case_input(case["input"])
    rec = {"keys": [[k, list(s), d] for k, s, d in entries], "modes": {}}
    for mode in case["modes"]:
        res = {}
        for dtype in (torch.float64, torch.float32):
            m.load_state_dict({k: torch.from_numpy(seeded[k]) if k in seeded else v for k, v in sd.items()})
            m = m.to(dtype)
            m.train(mode == "train")
            for mod in m.modules():  # dropout off in train mode, so the outputs are deterministic
                if isinstance(mod, torch.nn.Dropout):
                    mod.p = 0.0
            ys = outputs(m, x, torch)
            shapes = {k: list(v.shape) for k, v in ys.items()}
            res[str(dtype)] = {k: sample(v.double().numpy()) for k, v in ys.items()}
            if mode == "train":
                means = [b.double().sum().item() for n, b in m.named_buffers() if n.endswith("running_mean")]
                res[str(dtype)]["running_mean_sums"] = np.array(means)
        y64, y32 = res["torch.float64"], res["torch.float32"]
        rec["modes"][mode] = {k: {"ref64": y64[k].tolist(), "err32": err32(y32[k], y64[k], k)} for k in y64}
        for k, shape in shapes.items():
            rec["modes"][mode][k]["shape"] = shape
    return rec


def err32(y32, y64, key):
    """torch's own float32 error: [max over the sampled entries, max over the two sums] of an output;
    for the running-mean sums, the error of each."""
    e = np.abs(y32 - y64)
    return e.tolist() if key == "running_mean_sums" else [float(e[:-2].max()), float(e[-2:].max())]


def weights_tables(models, torch):
    cats = {}
    for sub, preset in (("segmentation", "SemanticSegmentation"), ("video", "VideoClassification")):
        module = getattr(models, sub)
        table = {}
        for n in models.list_models(module=module):
            enum = models.get_model_weights(n)
            entries = []
            for w in enum:
                meta = {k: v for k, v in w.meta.items() if k not in ("_docs", "categories")}
                c = list(w.meta["categories"])
                name = "voc" if len(c) == 21 else "kinetics400"
                assert cats.setdefault(name, c) == c, n
                meta["categories"] = name
                assert w.transforms.func.__name__ == preset, n
                tr = {k: (v.value if hasattr(v, "value") else v) for k, v in w.transforms.keywords.items()}
                entries.append({"name": w.name, "url": w.url, "transforms": tr, "meta": meta})
            table[n] = {"enum": enum.__name__, "preset": preset, "weights": entries, "default": enum.DEFAULT.name}
        with open(os.path.join(PKG, sub, "_weights_table.json"), "w") as f:
            json.dump(table, f, indent=0, separators=(",", ":"))
    for name, c in cats.items():
        with open(os.path.join(PKG, f"{name}_categories.txt"), "w") as f:
            f.write("\n".join(c) + "\n")


def main(only=()):
    sys.path.insert(0, os.environ["TORCHVISION_SRC"])
    import torch
    from torchvision import models
    torch.set_num_threads(1)
    path = os.path.join(HERE, "golden_segvideo.json.gz")
    gold = {"digests": {}, "cases": {}}
    if only:
        with gzip.open(path, "rt") as f:
            gold = json.load(f)
    else:
        weights_tables(models, torch)
        for n, kw in DEFAULT_KWARGS.items():
            sd = models.get_model(n.split("+")[0], **kw).state_dict()
            gold["digests"][n] = key_digest((k, tuple(v.shape)) for k, v in sd.items())
            gold["digests"][n + ":num_params"] = sum(p.numel() for p in models.get_model(
                n.split("+")[0], **kw).parameters())
    for name, case in CASES.items():
        if only and name not in only:
            continue
        gold["cases"][name] = record_case(models, torch, case)
        print(name, {m: {k: v["err32"] for k, v in r.items()} for m, r in gold["cases"][name]["modes"].items()},
              flush=True)
    with gzip.open(path, "wt") as f:
        json.dump(gold, f, separators=(",", ":"))


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))
