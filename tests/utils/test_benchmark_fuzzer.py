"""torch.utils.benchmark fuzzers: for the same seed, the same parameters, shapes, strides and
layout properties as torch (values come from each library's own generator)."""
import numpy as np
import pytest

import ember
import ember.utils.benchmark as ebm

torch = pytest.importorskip("torch")
import torch.utils.benchmark as tbm  # noqa: E402


def _fuzzer(bm, lib, seed):
    params = [
        bm.FuzzedParameter("k0", 4, 64, distribution="loguniform"),
        bm.FuzzedParameter("k1", 1, 8, distribution="uniform"),
        [bm.FuzzedParameter("s0", 1, 3, distribution="uniform"),
         bm.FuzzedParameter("alpha", 0.5, 2.0, distribution="uniform")],
        bm.FuzzedParameter("k2", 1, 4, distribution="uniform"),
        bm.FuzzedParameter("dim", 1, 3, distribution="uniform", strict=True),
    ]
    tensors = [
        bm.FuzzedTensor("x", size=("k0", "k1", "k2"), steps=("s0", 1, 1), probability_contiguous=0.4,
                        dim_parameter="dim", max_elements=4096),
        bm.FuzzedTensor("y", size=("k1", 5), dtype=lib.float64, probability_contiguous=0.5),
        bm.FuzzedTensor("z", size=(3, "k0"), dtype=lib.int32, min_elements=20),
    ]
    return bm.Fuzzer(params, tensors, constraints=[lambda p: p["k0"] * p["k1"] < 400], seed=seed)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_fuzzer_samples_match_torch(seed):
    ef, tf = _fuzzer(ebm, ember, seed), _fuzzer(tbm, torch, seed)
    for (et, ep, epar), (tt, tp, tpar) in zip(ef.take(12), tf.take(12)):
        assert epar == tpar
        assert et.keys() == tt.keys()
        for k in et:
            assert tuple(et[k].shape) == tuple(tt[k].shape)
            assert et[k].stride() == tt[k].stride()
            assert str(et[k].dtype) == str(tt[k].dtype)
            e, t = dict(ep[k]), dict(tp[k])
            assert np.array_equal(e.pop("order"), t.pop("order"))
            assert e == t
    assert ef.rejection_rate == tf.rejection_rate


def test_parameter_sampling_and_errors():
    for kw in ({"minval": 2, "maxval": 100, "distribution": "loguniform"},
               {"minval": 0.1, "maxval": 0.9, "distribution": "uniform"},
               {"minval": -3, "maxval": 3, "distribution": "uniform"}):
        es, ts = np.random.RandomState(5), np.random.RandomState(5)
        ep, tp = ebm.FuzzedParameter("p", **kw), tbm.FuzzedParameter("p", **kw)
        assert [ep.sample(es) for _ in range(20)] == [tp.sample(ts) for _ in range(20)]
    for bm in (ebm, tbm):
        with pytest.raises(AssertionError, match="Unknown distribution"):
            bm.FuzzedParameter("p", 1, 2, distribution="normal")
        with pytest.raises(AssertionError, match="negative"):
            bm.FuzzedParameter("p", distribution={1: -0.5, 2: 1.5})
        with pytest.raises(ValueError, match="Duplicate names"):
            bm.Fuzzer([bm.FuzzedParameter("x", 1, 2, distribution="uniform")],
                      [bm.FuzzedTensor("x", size=(2,))])
        fz = bm.Fuzzer([bm.FuzzedParameter("n", 1, 2, distribution="uniform")], [],
                       constraints=[lambda p: False], seed=0)
        with pytest.raises(ValueError, match="Failed to generate"):
            next(fz.take(1))
        assert repr(bm.ParameterAlias("n")) == "ParameterAlias[alias_to: n]"
    # a normalized custom distribution: ember samples from it (torch 2.13 rejects every
    # normalized one with "Distribution is not normalized", its own op_fuzzers included)
    p = ebm.FuzzedParameter("c", distribution={1: 0.25, 8: 0.75})
    state = np.random.RandomState(0)
    assert {p.sample(state) for _ in range(50)} == {1, 8}
    with pytest.raises(AssertionError, match="not normalized"):
        ebm.FuzzedParameter("c", distribution={1: 0.5, 8: 0.75})


def test_parameter_alias_resolution():
    fz = ebm.Fuzzer([ebm.FuzzedParameter("n", 2, 9, distribution="uniform"),
                     ebm.FuzzedParameter("m", distribution={ebm.ParameterAlias("n"): 1.0}),
                     ebm.FuzzedParameter("q", distribution={ebm.ParameterAlias("m"): 1.0})],
                    [ebm.FuzzedTensor("x", size=("n", "m"), probability_contiguous=0.0)], seed=4)
    for t, props, p in fz.take(5):
        assert p["n"] == p["m"] == p["q"] and t["x"].shape == (p["n"], p["n"])
        assert props["x"]["is_contiguous"] is False and list(props["x"]["order"]) == [1, 0]
    cyc = ebm.Fuzzer([ebm.FuzzedParameter("a", distribution={ebm.ParameterAlias("b"): 1.0}),
                      ebm.FuzzedParameter("b", distribution={ebm.ParameterAlias("a"): 1.0})], [], seed=0)
    with pytest.raises(ValueError, match="cycle"):
        next(cyc.take(1))
