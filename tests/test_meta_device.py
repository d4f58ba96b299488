"""``with torch.device(...)`` blocks and meta placeholders (what from_pretrained needs)."""
import threading

import pytest

import ember


def test_meta_block_makes_meta_placeholders_like_torch(torch_ref):
    for lib in (ember, torch_ref):
        with lib.device("meta"):
            lin = lib.nn.Linear(3, 4)
            made = [lib.tensor([]), lib.zeros(2), lib.ones(2), lib.empty(2), lib.full((2,), 3.0), lib.arange(3)]
            assert lib.get_default_device() == lib.device("meta")
            assert lib.zeros(1, device="cpu").device.type == "cpu"
        assert all(t.device.type == "meta" and t.is_meta for t in made)
        assert lin.weight.device.type == "meta" and isinstance(lin.weight, lib.nn.Parameter)
        assert lib.get_default_device() == lib.device("cpu") and lib.zeros(1).device.type == "cpu"
        assert lib.empty(2, device="meta").is_meta


def test_nn_init_leaves_placeholders_and_the_rng_alone():
    ember.manual_seed(0)
    a = ember.rand(3)
    ember.manual_seed(0)
    with ember.device("meta"):
        ember.nn.Linear(50, 50)
    assert ember.equal(ember.rand(3), a)   # no random numbers drawn for meta weights


def test_device_blocks_nest_and_are_per_thread():
    seen = []
    with ember.device("meta"):
        with ember.device("cpu"):
            assert not ember.zeros(1).is_meta
        assert ember.zeros(1).is_meta
        t = threading.Thread(target=lambda: seen.append(ember.zeros(1).is_meta))
        t.start()
        t.join()
    assert seen == [False]


def test_other_devices_raise():
    with pytest.raises(RuntimeError):
        with ember.device("cuda"):
            pass
    with pytest.raises(RuntimeError):
        ember.zeros(1, device="cuda")
