"""A bounded fuzz run: mutants of small real checkpoints (written by ember and by torch,
zip and legacy formats) either load or raise LoadError -- never another exception,
a hang or a crash -- and the whole run stays within a time limit."""
import io
import time
import warnings
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import LoadError


def _bases():
    a = ember.arange(12.).reshape(3, 4)
    sd = ember.nn.Linear(3, 2).state_dict()
    out = []
    buf = io.BytesIO()
    ember.save({"w": a, "wt": a.t(), "i": ember.arange(3), "sd": sd, "meta": [1, "x", None, (2.5,)]}, buf)
    out.append(buf.getvalue())
    try:
        import torch
    except ImportError:
        return out
    obj = {"w": torch.arange(6.).reshape(2, 3), "h": torch.ones(2).half(), "b": torch.tensor([True]),
           "p": torch.nn.Parameter(torch.ones(2)), "sd": torch.nn.Linear(2, 2).state_dict(), "n": np.arange(3.)}
    for kw in ({}, {"_use_new_zipfile_serialization": False}):
        buf = io.BytesIO()
        torch.save(obj, buf, **kw)
        out.append(buf.getvalue())
    return out


def _swap_entries(data, rng):
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    payloads = [z.read(n) for n in names]
    i, j = rng.choice(len(names), 2, replace=False)
    if rng.random() < 0.5:
        payloads[i], payloads[j] = payloads[j], payloads[i]
    else:
        names[i], names[j] = names[j], names[i]
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w") as w:
            for n, p in zip(names, payloads):
                w.writestr(n, p)
    return out.getvalue()


def _mutants(base, rng, count):
    for _ in range(count):
        kind = rng.integers(0, 5)
        b = bytearray(base)
        if kind == 0:  # flip a few bytes
            for _ in range(int(rng.integers(1, 4))):
                b[int(rng.integers(0, len(b)))] ^= 1 << int(rng.integers(0, 8))
        elif kind == 1:  # truncate
            b = b[:int(rng.integers(0, len(b)))]
        elif kind == 2:  # overwrite a short run with random bytes
            i = int(rng.integers(0, len(b)))
            b[i:i + 8] = rng.integers(0, 256, 8, dtype=np.uint8).tobytes()
        elif kind == 3 and base.startswith(b"PK"):
            b = bytearray(_swap_entries(base, rng))
        else:  # duplicate or drop a slice
            i, j = sorted(int(x) for x in rng.integers(0, len(b), 2))
            b = b[:i] + b[i:j] * int(rng.integers(0, 3)) + b[j:]
        yield bytes(b)


def test_mutants_load_or_raise_load_error():
    rng = np.random.default_rng(20261207)
    t0 = time.perf_counter()
    outcomes = {"loaded": 0, "refused": 0}
    bases = _bases()
    per_base = 300 // len(bases)
    for base in bases:
        for m in _mutants(base, rng, per_base):
            try:
                ember.load(io.BytesIO(m))
                outcomes["loaded"] += 1
            except LoadError:
                outcomes["refused"] += 1
            except Exception as e:  # noqa: BLE001
                pytest.fail(f"{type(e).__name__}: {e} (mutant of a {len(base)}-byte checkpoint)")
    assert sum(outcomes.values()) == per_base * len(bases)
    assert outcomes["refused"] > 0
    assert time.perf_counter() - t0 < 15
