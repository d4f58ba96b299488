"""ember.utils.safetensors interchanges files with safetensors.torch both ways."""
import numpy as np
import pytest

import ember

pytest.importorskip("safetensors")
from ember.utils import safetensors as est  # noqa: E402


def _sample():
    return {"w": ember.randn(3, 4), "b": ember.arange(4, dtype=ember.int64), "m": ember.tensor([True, False]),
            "h": ember.ones(2, dtype=ember.float16), "d": ember.randn(2, dtype=ember.float64),
            "u": ember.arange(3, dtype=ember.uint8), "s": ember.tensor(2.0), "e": ember.zeros(0, 2)}


def test_roundtrip_file_and_bytes(tmp_path):
    sd = _sample()
    est.save_file(sd, tmp_path / "a.safetensors", metadata={"k": "v"})
    for got in (est.load_file(tmp_path / "a.safetensors"), est.load(est.save(sd))):
        assert sorted(got) == sorted(sd)
        for k, v in sd.items():
            assert got[k].dtype == v.dtype and tuple(got[k].shape) == tuple(v.shape)
            np.testing.assert_array_equal(got[k]._data, v._data)
        got["w"][0, 0] = 5.0  # writable


def test_refuses_shared_and_noncontiguous(tmp_path):
    a = ember.ones(4, 4)
    with pytest.raises(RuntimeError, match="share memory"):
        est.save({"a": a, "b": a[0]})
    with pytest.raises(ValueError, match="non contiguous"):
        est.save({"a": a.t()})
    with pytest.raises(TypeError):
        est.save({"a": a}, metadata={"x": 1})


def test_interchange_with_safetensors_torch(tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    pytest.importorskip("ml_dtypes")
    sd = _sample()
    sd["bf"] = ember.arange(5.).to(ember.bfloat16)
    est.save_file(sd, tmp_path / "e.safetensors")
    got = st.load_file(tmp_path / "e.safetensors")
    for k, v in sd.items():
        assert str(got[k].dtype) == str(v.dtype)
        np.testing.assert_array_equal(got[k].float().numpy() if k == "bf" else got[k].numpy(),
                                      v._data.astype(np.float32) if k == "bf" else v._data)
    tsd = {"w": torch.randn(2, 3), "i": torch.arange(3, dtype=torch.int32), "bf": torch.randn(4).bfloat16(),
           "c": torch.randn(2, dtype=torch.complex64)}
    st.save_file(tsd, tmp_path / "t.safetensors", metadata={"format": "pt"})
    for back in (est.load_file(tmp_path / "t.safetensors"), est.load(st.save(tsd))):
        for k, v in tsd.items():
            assert str(back[k].dtype) == str(v.dtype)
            if k == "bf":
                np.testing.assert_array_equal(back[k]._data.astype(np.float32), v.float().numpy())
            else:
                np.testing.assert_array_equal(back[k]._data, v.numpy())
    assert st.load(est.save({"x": ember.ones(2)}))["x"].tolist() == [1.0, 1.0]


def test_corrupt_safetensors_raise():
    good = est.save({"x": ember.ones(3)})
    for bad in (b"", good[:5], good[:-1], b"\xff" * 8 + good[8:]):
        with pytest.raises(Exception) as ei:
            est.load(bad)
        assert not isinstance(ei.value, (SystemExit, KeyboardInterrupt))
