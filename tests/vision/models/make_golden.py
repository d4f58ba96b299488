"""Regenerate the golden parity data from real torchvision (run once, by hand).

Needs torch and torchvision's pure-Python sources (``TORCHVISION_SRC``, a folder
holding an importable ``torchvision`` whose C extension is not loaded). Writes
``golden_keys.json.gz`` (state_dict keys/shapes per builder), ``golden_logits.json``
(float64 logits and torch's float32 error for seeded weights) and the package data
``ember/vision/models/_weights_table.json`` / ``imagenet_categories.txt``.

    TORCHVISION_SRC=/tmp/tvsrc python tests/vision/models/make_golden.py
"""
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tv_golden_seeded import EXTRA_KWARGS, INPUT_SIZES, seeded_state, fixed_input, key_digest  # noqa: E402

PKG = os.path.join(HERE, "..", "..", "..", "ember", "vision", "models")


def main(only=()):
    """Record everything, or (``only``) re-record the logits of the named builders into the existing files."""
    sys.path.insert(0, os.environ["TORCHVISION_SRC"])
    import torch
    from torchvision import models

    torch.set_num_threads(1)
    names = models.list_models(module=models)
    digests = {}
    for n in ([] if only else names):
        m = models.get_model(n)
        digests[n] = key_digest((k, tuple(v.shape)) for k, v in m.state_dict().items())
    keys = {"digests": digests, "small": {}}
    logits = {}
    if only:
        with gzip.open(os.path.join(HERE, "golden_keys.json.gz"), "rt") as f:
            keys = json.load(f)
        with open(os.path.join(HERE, "golden_logits.json")) as f:
            logits = json.load(f)

    for n, size in INPUT_SIZES.items():
        if only and n not in only:
            continue
        kw = {"num_classes": 10, **EXTRA_KWARGS.get(n, {})}
        m = models.get_model(n, **kw).eval()
        sd = m.state_dict()
        entries = [(k, tuple(v.shape), str(v.dtype)) for k, v in sd.items()]
        keys["small"][n] = [[k, list(s), d.replace("torch.", "")] for k, s, d in entries]
        new = seeded_state(entries)
        for k, v in new.items():
            sd[k] = torch.from_numpy(v)
        m.load_state_dict(sd)
        x = fixed_input(size)
        with torch.no_grad():
            y32 = m(torch.from_numpy(x)).numpy()
            y64 = m.double()(torch.from_numpy(x).double()).numpy()
        logits[n] = {"size": size, "logits64": y64.tolist(), "err32": float(np.abs(y32 - y64).max())}
        print(n, logits[n]["err32"], np.abs(y64).max(), flush=True)
    with gzip.open(os.path.join(HERE, "golden_keys.json.gz"), "wt") as f:
        json.dump(keys, f, separators=(",", ":"))
    with open(os.path.join(HERE, "golden_logits.json"), "w") as f:
        json.dump(logits, f)
    if only:
        return

    table = {}
    cats = None
    for n in names:
        enum = models.get_model_weights(n)
        entries = []
        for w in enum:
            meta = {k: v for k, v in w.meta.items() if k not in ("_docs", "categories")}
            if w.meta.get("categories") is not None:
                c = list(w.meta["categories"])
                if cats is None:
                    cats = c
                assert c == cats, n
                meta["categories"] = "imagenet"
            elif "categories" in w.meta:
                meta["categories"] = None
            t = w.transforms.keywords
            assert w.transforms.func.__name__ == "ImageClassification", n
            tr = {k: (v.value if hasattr(v, "value") else v) for k, v in t.items()}
            entries.append({"name": w.name, "url": w.url, "transforms": tr, "meta": meta})
        table[n] = {"enum": enum.__name__, "weights": entries, "default": enum.DEFAULT.name}
    with open(os.path.join(PKG, "_weights_table.json"), "w") as f:
        json.dump(table, f, indent=0, separators=(",", ":"))
    with open(os.path.join(PKG, "imagenet_categories.txt"), "w") as f:
        f.write("\n".join(cats) + "\n")


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))
