"""SummaryWriter: event files read back with tensorboard's own EventAccumulator, and compared
with what PyTorch's SummaryWriter writes for the same calls."""
import json
import os
import re

import numpy as np
import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

import ember  # noqa: E402
from ember.utils.tensorboard import SummaryWriter  # noqa: E402

SIZES = {"images": 0, "tensors": 0, "scalars": 0, "histograms": 0}


def _acc(d):
    ea = EventAccumulator(str(d), size_guidance=SIZES)
    ea.Reload()
    return ea


def _log_all(W, mod, d):
    """The same calls made on ember's and torch's SummaryWriter."""
    rng = np.random.default_rng(0)
    with W(str(d)) as w:
        for i in range(3):
            w.add_scalar("loss", 1.0 / (i + 1), i)
        w.add_scalar("t", mod.tensor(2.5), 7)
        w.add_scalars("run", {"a": 1.0, "b": 2.0}, 0)
        w.add_histogram("h", mod.tensor(rng.standard_normal(200).astype(np.float32)), 0)
        w.add_image("chw", mod.tensor(rng.random((3, 4, 6)).astype(np.float32)), 0)
        w.add_image("hwc", mod.tensor((rng.random((5, 7, 3)) * 255).astype(np.uint8)), 0,
                    dataformats="HWC")
        w.add_image("hw", mod.tensor(rng.random((4, 6)).astype(np.float32)), 0, dataformats="HW")
        w.add_images("batch", mod.tensor(rng.random((5, 3, 4, 6)).astype(np.float32)), 0)
        w.add_images("gray", mod.tensor(rng.random((3, 1, 4, 6)).astype(np.float32)), 0)
        w.add_text("note", "hello **world**", 2)
        w.add_pr_curve("pr", mod.tensor([1, 0, 1, 1, 0]),
                       mod.tensor([0.9, 0.1, 0.4, 0.6, 0.7]), 0, num_thresholds=5)


def test_values_read_back(tmp_path):
    _log_all(SummaryWriter, ember, tmp_path)
    ea = _acc(tmp_path)
    assert [(e.step, e.value) for e in ea.Scalars("loss")] == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    assert ea.Scalars("t")[0].value == 2.5 and ea.Scalars("t")[0].step == 7
    for k, v in (("a", 1.0), ("b", 2.0)):
        sub = _acc(tmp_path / f"run_{k}")
        assert sub.Scalars("run")[0].value == v
    h = ea.Histograms("h")[0].histogram_value
    assert h.num == 200 and sum(h.bucket) == 200
    im = ea.Images("chw")[0]
    assert (im.width, im.height) == (6, 4)
    from PIL import Image
    import io
    px = np.asarray(Image.open(io.BytesIO(ea.Images("hwc")[0].encoded_image_string)))
    assert px.shape == (5, 7, 3)
    text = ea.Tensors("note/text_summary")[0]
    assert text.step == 2 and tensor_util.make_ndarray(text.tensor_proto)[0] == b"hello **world**"


def test_parity_with_torch_summary_writer(tmp_path):
    torch = pytest.importorskip("torch")
    tb = pytest.importorskip("torch.utils.tensorboard")
    _log_all(SummaryWriter, ember, tmp_path / "ember")
    _log_all(tb.SummaryWriter, torch, tmp_path / "torch")
    ours, theirs = _acc(tmp_path / "ember"), _acc(tmp_path / "torch")
    assert ours.Tags() == theirs.Tags()
    assert sorted(os.listdir(tmp_path / "ember")).__len__() == len(os.listdir(tmp_path / "torch"))
    for tag in ("loss", "t"):
        assert [(e.step, e.value) for e in ours.Scalars(tag)] == \
               [(e.step, e.value) for e in theirs.Scalars(tag)]
    a, b = ours.Histograms("h")[0].histogram_value, theirs.Histograms("h")[0].histogram_value
    for f in ("min", "max", "num", "sum", "sum_squares"):
        assert getattr(a, f) == pytest.approx(getattr(b, f), rel=1e-5), f
    # the same bucket edges wherever both have counts
    ca = {round(l, 12): c for l, c in zip(a.bucket_limit, a.bucket) if c}
    cb = {round(l, 12): c for l, c in zip(b.bucket_limit, b.bucket) if c}
    assert ca == cb
    for tag in ("chw", "hwc", "hw", "batch", "gray"):
        x, y = ours.Images(tag)[0], theirs.Images(tag)[0]
        assert (x.width, x.height) == (y.width, y.height), tag
    from PIL import Image
    import io
    x = np.asarray(Image.open(io.BytesIO(ours.Images("hwc")[0].encoded_image_string)))
    y = np.asarray(Image.open(io.BytesIO(theirs.Images("hwc")[0].encoded_image_string)))
    np.testing.assert_array_equal(x, y)
    x = np.asarray(Image.open(io.BytesIO(ours.Images("chw")[0].encoded_image_string))).astype(int)
    y = np.asarray(Image.open(io.BytesIO(theirs.Images("chw")[0].encoded_image_string))).astype(int)
    assert np.abs(x - y).max() <= 1    # float -> uint8 rounding
    pa = tensor_util.make_ndarray(ours.Tensors("pr")[0].tensor_proto)
    pb = tensor_util.make_ndarray(theirs.Tensors("pr")[0].tensor_proto)
    np.testing.assert_allclose(pa, pb, rtol=1e-6)
    assert ours.Tensors("note/text_summary")[0].tensor_proto == \
        theirs.Tensors("note/text_summary")[0].tensor_proto


def test_hparams_sub_run(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_hparams({"lr": 0.1, "opt": "sgd", "deep": True}, {"hparam/acc": 0.75},
                      run_name="trial")
    ea = _acc(tmp_path / "trial")
    assert ea.Scalars("hparam/acc")[0].value == 0.75
    content = ea.PluginTagToContent("hparams")
    ssi = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hp = ssi.session_start_info.hparams
    assert hp["lr"].number_value == 0.1 and hp["opt"].string_value == "sgd" and hp["deep"].bool_value
    exp = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [m.name.tag for m in exp.metric_infos] == ["hparam/acc"]
    with pytest.raises(TypeError):
        SummaryWriter(str(tmp_path)).add_hparams([1], {})


def test_figure_embedding_and_errors(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(str(tmp_path)) as w:
        w.add_figure("fig", fig, 3)
        w.add_embedding(ember.arange(6.).reshape(3, 2), metadata=["a", "b", "c"],
                        label_img=ember.rand(3, 3, 4, 4), global_step=2, tag="emb")
        with pytest.raises(ValueError):
            w.add_image("bad", ember.rand(3, 4), 0)
        with pytest.raises(ValueError):
            w.add_scalar("bad", ember.tensor([1.0, 2.0]))
    im = _acc(tmp_path).Images("fig")[0]
    assert (im.width, im.height, im.step) == (100, 50, 3)
    sub = tmp_path / "00002" / "emb"
    rows = [list(map(float, r.split("\t"))) for r in (sub / "tensors.tsv").read_text().split("\n") if r]
    assert rows == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert (sub / "metadata.tsv").read_text().split() == ["a", "b", "c"]
    assert (sub / "sprite.png").exists()
    cfg = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'tensor_path: "00002/emb/tensors.tsv"' in cfg and 'tensor_name: "emb:00002"' in cfg


def test_log_dir_default_suffix_and_purge(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1", filename_suffix=".ember")
    w.close()
    assert re.fullmatch(r"runs/[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_.+_lr0\.1", w.log_dir)
    assert all(f.endswith(".ember") for f in os.listdir(w.log_dir))
    d = tmp_path / "p"
    with SummaryWriter(str(d)) as w:
        for i in range(10):
            w.add_scalar("x", float(i), i)
    with SummaryWriter(str(d), purge_step=5) as w:   # a restart at step 5 drops the old 5..9
        w.add_scalar("x", 50.0, 5)
    assert [(e.step, e.value) for e in _acc(d).Scalars("x")] == \
        [(0, 0.0), (1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0), (5, 50.0)]


def test_flush_writes_before_close(tmp_path):
    w = SummaryWriter(str(tmp_path))
    w.add_scalar("y", 3.0, 1)
    w.flush()
    assert _acc(tmp_path).Scalars("y")[0].value == 3.0
    w.close()
    w.add_scalar("y", 4.0, 2)   # reopens a new event file, as torch does
    w.close()
    assert [e.value for e in _acc(tmp_path).Scalars("y")] == [3.0, 4.0]
    assert json.dumps(w.get_logdir()) == json.dumps(str(tmp_path))


def test_tensorboard_demo_example(tmp_path):
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, os.path.join(root, "examples", "tensorboard_demo.py"),
                        "--epochs", "2", "--out", str(tmp_path)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    d = tmp_path / "tensorboard_demo"
    ea = _acc(d)
    tags = ea.Tags()
    assert len(ea.Scalars("loss/train")) == 2 * 16          # 512 images / 32 per batch, 2 epochs
    assert {"conv.weight", "conv.bias", "fc.weight", "fc.bias"} <= set(tags["histograms"])
    assert {"data/train_batch", "filters/conv"} <= set(tags["images"])
    assert {"pr/vertical", "notes/text_summary", "profile/text_summary"} <= set(tags["tensors"])
    table = tensor_util.make_ndarray(ea.Tensors("profile/text_summary")[0].tensor_proto)[0].decode()
    assert "Self CPU %" in table and "train_step" in table and "ConvolutionBackward0" in table
    acc = [e.value for e in _acc(d / "accuracy_test").Scalars("accuracy")]
    assert len(acc) == 2 and acc[-1] > 0.9
    assert _acc(d / "hparams").Scalars("hparam/accuracy")[0].value == acc[-1]
