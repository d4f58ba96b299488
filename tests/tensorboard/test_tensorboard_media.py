"""SummaryWriter's media, raw, tensor, layout and graph summaries: the events ember writes
compared field by field with those torch's SummaryWriter writes for the same calls."""
import io

import numpy as np
import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader  # noqa: E402
from tensorboard.compat.proto.event_pb2 import Event  # noqa: E402

import ember  # noqa: E402
from ember.utils.tensorboard import SummaryWriter  # noqa: E402


def _events(d):
    import glob
    (path,) = glob.glob(str(d / "events.out.tfevents.*"))
    events = [Event.FromString(r) for r in RawEventFileLoader(path).Load()]
    return [e for e in events if not e.HasField("file_version")]


def _values(d):
    """tag -> Summary.Value (wall times dropped)."""
    return {v.tag: v for e in _events(d) if e.HasField("summary") for v in e.summary.value}


def _log(W, lib, d):
    rng = np.random.default_rng(0)
    t = lambda a: lib.tensor(a)  # noqa: E731
    with W(str(d)) as w:
        w.add_audio("audio", t(np.sin(np.arange(400) / 7.0).astype(np.float32)), 1, sample_rate=8000)
        w.add_audio("loud", t(np.linspace(-2, 2, 50).astype(np.float32)), 1)
        w.add_tensor("tf32", t(rng.standard_normal((2, 3)).astype(np.float32)), 2)
        w.add_tensor("ti64", t(np.arange(6).reshape(3, 2)), 2)
        w.add_tensor("tf64", t(rng.standard_normal(4)), 2)
        w.add_tensor("tbool", t(np.array([True, False])), 2)
        w.add_tensor("tu8", t(np.array([1, 255], dtype=np.uint8)), 2)
        w.add_tensor("tc64", t(np.array([1 + 2j, 3 - 1j], dtype=np.complex64)), 2)
        w.add_tensor("thalf", t(np.array([0.5, -2.0], dtype=np.float16)), 2)
        w.add_histogram_raw("hraw", 0.0, 3.0, 4, 6.0, 14.0, [1.0, 2.0, 3.0], [1, 1, 2], 3)
        w.add_pr_curve_raw("prraw", [3, 1], [2, 0], [0, 2], [0, 2], [0.6, 1.0], [1.0, 0.33], 4,
                           num_thresholds=2)
        w.add_custom_scalars({"A": {"lines": ["Multiline", ["x", "y"]],
                                    "band": ["Margin", ["m", "lo", "hi"]]}})
        w.add_mesh("mesh", t(rng.random((1, 4, 3)).astype(np.float32)),
                   colors=t(np.full((1, 4, 3), 200, dtype=np.uint8)),
                   faces=t(np.array([[[0, 1, 2], [1, 2, 3]]], dtype=np.int32)),
                   config_dict={"camera": {"cls": "PerspectiveCamera", "fov": 75}}, global_step=5)
        img = (rng.random((3, 20, 24)) * 255).astype(np.uint8)
        w.add_image_with_boxes("boxes", t(img), t(np.array([[2., 3., 15., 12.], [1., 1., 5., 5.]])), 6,
                               labels=["a", "b"])
        w.add_image_with_boxes("boxes2", t(img.astype(np.float32) / 255), t(np.array([[2., 3., 15., 12.]])),
                               6, rescale=2)


def test_media_and_raw_summaries_match_torch(tmp_path):
    pytest.importorskip("torch")
    tb = pytest.importorskip("torch.utils.tensorboard")
    import torch
    _log(SummaryWriter, ember, tmp_path / "ember")
    _log(tb.SummaryWriter, torch, tmp_path / "torch")
    ours, theirs = _values(tmp_path / "ember"), _values(tmp_path / "torch")
    assert sorted(ours) == sorted(theirs)
    for tag, v in theirs.items():
        if tag.startswith("boxes"):
            continue
        assert ours[tag] == v, tag
    from PIL import Image
    for tag in ("boxes", "boxes2"):
        a, b = ours[tag].image, theirs[tag].image
        assert (a.height, a.width, a.colorspace) == (b.height, b.width, b.colorspace)
        pa = np.asarray(Image.open(io.BytesIO(a.encoded_image_string))).astype(int)
        pb = np.asarray(Image.open(io.BytesIO(b.encoded_image_string))).astype(int)
        assert pa.shape == pb.shape
        assert np.abs(pa - pb).max() <= 1, tag   # float -> uint8 rounding of the float image
    steps = {v.tag: e.step for e in _events(tmp_path / "ember") if e.HasField("summary") for v in e.summary.value}
    assert steps["audio"] == 1 and steps["mesh_VERTEX"] == 5


def test_video_is_an_animated_gif_of_the_tiled_batch(tmp_path):
    from PIL import Image
    rng = np.random.default_rng(1)
    vid = (rng.random((3, 4, 3, 6, 5)) * 255).astype(np.uint8)   # 3 clips of 4 frames
    with SummaryWriter(str(tmp_path)) as w:
        w.add_video("v", ember.tensor(vid), 0, fps=5)
    im = _values(tmp_path)["v"].image
    # 3 clips padded to 4 and tiled on one row of 4 (torch's layout: 2**((3).bit_length()-1)//2) rows)
    assert (im.height, im.width, im.colorspace) == (6, 20, 3)
    gif = Image.open(io.BytesIO(im.encoded_image_string))
    assert gif.format == "GIF" and gif.n_frames == 4 and gif.info["duration"] == 200
    gif.seek(2)
    frame = np.asarray(gif.convert("RGB")).astype(int)
    want = np.zeros((6, 20, 3), dtype=int)
    for k in range(3):
        want[:, 5 * k:5 * k + 5] = vid[k, 2].transpose(1, 2, 0)
    assert np.abs(frame - want).mean() < 24          # GIF palette quantisation
    assert frame[:, 15:].max() == 0                  # the padding clip is black
    tb = pytest.importorskip("torch.utils.tensorboard._utils")
    np.testing.assert_allclose(ember.utils.tensorboard.media._video_frames(vid), tb._prepare_video(vid),
                               atol=1e-6)


def test_add_graph_names_scopes_and_shapes(tmp_path):
    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.BatchNorm2d(2))
            self.fc = ember.nn.Linear(8, 3)

        def forward(self, x):
            return self.fc(ember.relu(self.features(x)).flatten(1))
    net = Net().train()
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(net, ember.randn(1, 1, 4, 4))
    assert net.training                          # traced in eval mode, mode restored
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    events = _events(tmp_path)
    (gd,) = [GraphDef.FromString(e.graph_def) for e in events if e.graph_def]
    (meta,) = [e.tagged_run_metadata for e in events if e.HasField("tagged_run_metadata")]
    assert meta.tag == "step1"
    nodes = {n.name: n for n in gd.node}
    assert nodes["input/x"].op == "IO Node"
    assert [d.size for d in nodes["input/x"].attr["_output_shapes"].list.shape[0].dim] == [1, 1, 4, 4]
    conv = [n for n in gd.node if n.op == "aten::conv2d"][0]
    assert conv.name.startswith("Net/Sequential[features]/Conv2d[0]/")
    assert "input/x" in conv.input
    assert [d.size for d in conv.attr["_output_shapes"].list.shape[0].dim] == [1, 2, 2, 2]
    out = nodes["output/output.1"]
    assert out.input[0].startswith("Net/Linear[fc]/") and nodes[out.input[0]].op == "aten::linear"
    for n in gd.node:                            # every edge points at a node of the graph
        assert all(i in nodes for i in n.input), n.name


def test_add_onnx_graph(tmp_path):
    pytest.importorskip("onnx")
    f = str(tmp_path / "m.onnx")
    ember.onnx.export(ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU()), (ember.ones(1, 4),), f)
    with SummaryWriter(str(tmp_path / "run")) as w:
        w.add_onnx_graph(f)
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    (gd,) = [GraphDef.FromString(e.graph_def) for e in _events(tmp_path / "run") if e.graph_def]
    assert {"Gemm", "Relu", "Variable"} <= {n.op for n in gd.node}


def test_errors_as_torch(tmp_path):
    w = SummaryWriter(str(tmp_path))
    with pytest.raises(AssertionError):
        w.add_custom_scalars_marginchart(["a", "b"])
    with pytest.raises(ValueError, match="bucket_limits"):
        w.add_histogram_raw("h", 0, 1, 1, 1, 1, [1.0, 2.0], [1])
    with pytest.raises(AssertionError, match="1 dimensional"):
        w.add_audio("a", ember.zeros(2, 3))
    w.close()
