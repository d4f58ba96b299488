"""Summary protobufs for ``SummaryWriter``, built with the ``tensorboard`` package's own messages.

Each function turns ember tensors / NumPy arrays into one ``Summary`` (or the files of the
embedding projector). Nothing here writes bytes by hand: the record format is tensorboard's.

>>> from ember.utils.tensorboard.summaries import *
>>> from ember.utils.tensorboard.summaries import scalar_summary
>>> scalar_summary("loss", 0.5).value[0].simple_value
0.5
"""
import io
import math

from ..._backend import np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2
from tensorboard.plugins.hparams import metadata as hp_metadata
from tensorboard.plugins.pr_curve import metadata as pr_metadata
from tensorboard.plugins.text import metadata as text_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.util import tensor_util


def to_numpy(x):
    """An ember tensor, NumPy array, list or number as a NumPy array (detached, on CPU).

    >>> from ember.utils.tensorboard.summaries import *
    >>> to_numpy(ember.tensor([1.0, 2.0])).tolist()
    [1.0, 2.0]
    """
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def scalar_summary(tag, value, new_style=False, double_precision=False):
    """A scalar: ``simple_value`` (the default) or, with ``new_style``, a scalar tensor.

    >>> from ember.utils.tensorboard.summaries import *
    >>> scalar_summary("x", 2).value[0].tag
    'x'
    """
    v = to_numpy(value).squeeze()
    if v.ndim != 0:
        raise ValueError(f"scalar should be 0D, got a value of shape {tuple(v.shape)}")
    v = float(v)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=v)])
    dtype = "DT_DOUBLE" if double_precision else "DT_FLOAT"
    tp = TensorProto(dtype=dtype, tensor_shape=TensorShapeProto())
    (tp.double_val if double_precision else tp.float_val).append(v)
    meta = scalar_metadata.create_summary_metadata(display_name="", description="")
    return Summary(value=[Summary.Value(tag=tag, tensor=tp, metadata=meta)])


def _tensorflow_edges():
    # exponential buckets as TensorFlow's histograms: +-1e-12 * 1.1**k up to 1e20, and 0
    pos = []
    v = 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-x for x in reversed(pos)] + [0.0] + pos + [float("inf")]


_TF_EDGES = None


def histogram_summary(tag, values, bins="tensorflow", max_bins=None):
    """A histogram of ``values``; ``bins`` is ``"tensorflow"`` or anything ``np.histogram`` takes.

    >>> from ember.utils.tensorboard.summaries import *
    >>> h = histogram_summary("w", [1.0, 2.0, 2.0]).value[0].histo
    >>> h.num, h.min, h.max, h.sum
    (3.0, 1.0, 2.0, 5.0)
    """
    global _TF_EDGES
    a = to_numpy(values).astype(np.float64).reshape(-1)
    if a.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    if bins == "tensorflow":
        if _TF_EDGES is None:
            _TF_EDGES = np.array(_tensorflow_edges())
        edges = _TF_EDGES
        idx = np.searchsorted(edges, a, side="left")
        counts = np.bincount(idx, minlength=len(edges) + 1)[:len(edges)]
        limits = edges
    else:
        counts, edges = np.histogram(a, bins=bins)
        limits = edges[1:]
    counts = counts.astype(np.float64)
    if max_bins is not None and len(counts) > max_bins:
        group = int(math.ceil(len(counts) / max_bins))
        pad = (-len(counts)) % group
        c = np.concatenate([counts, np.zeros(pad)]).reshape(-1, group).sum(1)
        lim = np.concatenate([limits, np.full(pad, limits[-1])]).reshape(-1, group)[:, -1]
        counts, limits = c, lim
    nz = np.nonzero(counts)[0]
    if len(nz):  # drop empty buckets at both ends, keeping one empty bucket on each side
        lo, hi = max(nz[0] - 1, 0), min(nz[-1] + 2, len(counts))
        counts, limits = counts[lo:hi], limits[lo:hi]
    h = HistogramProto(min=float(a.min()), max=float(a.max()), num=float(a.size),
                       sum=float(a.sum()), sum_squares=float((a * a).sum()),
                       bucket_limit=[float(x) for x in limits], bucket=[float(x) for x in counts])
    return Summary(value=[Summary.Value(tag=tag, histo=h)])


_FORMATS = {"CHW", "HWC", "HW", "NCHW", "NHWC"}


def to_hwc(img, dataformats):
    """Reorder an image array to HWC with 1, 3 or 4 channels (grayscale becomes 3 channels).

    >>> from ember.utils.tensorboard.summaries import *
    >>> to_hwc(np.zeros((3, 4, 5)), "CHW").shape
    (4, 5, 3)
    """
    fmt = dataformats.upper()
    if fmt not in _FORMATS or img.ndim != len(fmt):
        raise ValueError(f"size of input tensor and input format are different. "
                         f"tensor shape: {tuple(img.shape)}, input_format: {dataformats}")
    if fmt.startswith("N"):
        img = make_grid(np.transpose(img, [fmt.index(c) for c in "NCHW"]))
        fmt = "CHW"
    if fmt == "HW":
        img = img[None]
        fmt = "CHW"
    if fmt == "CHW":
        img = np.transpose(img, (1, 2, 0))
    if img.shape[2] == 1:
        img = np.concatenate([img] * 3, axis=2)
    return img


def make_grid(imgs, ncols=8):
    """Tile a batch ``(N, C, H, W)`` into one ``(C, H*rows, W*cols)`` image (at most ``ncols`` wide).

    >>> from ember.utils.tensorboard.summaries import *
    >>> make_grid(np.ones((5, 3, 2, 2))).shape
    (3, 2, 10)
    """
    n, c, h, w = imgs.shape
    if c == 1:
        imgs = np.concatenate([imgs] * 3, axis=1)
        c = 3
    cols = min(n, ncols)
    rows = int(math.ceil(n / cols))
    out = np.zeros((c, h * rows, w * cols), dtype=imgs.dtype)
    for i in range(n):
        r, k = divmod(i, cols)
        out[:, r * h:(r + 1) * h, k * w:(k + 1) * w] = imgs[i]
    return out


def image_summary(tag, img, dataformats="CHW"):
    """A PNG image from uint8 (0..255) or float (0..1, scaled by 255) pixels.

    >>> from ember.utils.tensorboard.summaries import *
    >>> image_summary("img", np.zeros((3, 2, 4), dtype=np.uint8)).value[0].image.width
    4
    """
    a = to_numpy(img)
    hwc = to_hwc(a, dataformats)
    if hwc.dtype != np.uint8:
        hwc = np.clip(hwc.astype(np.float64) * 255.0, 0, 255).round().astype(np.uint8)
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(hwc)).save(buf, format="PNG")
    h, w, c = hwc.shape
    im = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=buf.getvalue())
    return Summary(value=[Summary.Value(tag=tag, image=im)])


def figure_to_image(figures, close=True):
    """Render matplotlib figure(s) to HWC uint8 RGB array(s) (a list gives an NHWC stack).

    >>> from ember.utils.tensorboard.summaries import *
    >>> import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    >>> figure_to_image(plt.figure(figsize=(1, 1), dpi=10)).shape
    (10, 10, 3)
    """
    def render(fig):
        fig.canvas.draw()
        a = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy()
        if close:
            import matplotlib.pyplot as plt
            plt.close(fig)
        return a
    if isinstance(figures, (list, tuple)):
        return np.stack([render(f) for f in figures])
    return render(figures)


def text_summary(tag, text):
    """A markdown text summary (tag ``<tag>/text_summary`` as PyTorch writes it).

    >>> from ember.utils.tensorboard.summaries import *
    >>> text_summary("note", "hi").value[0].tag
    'note/text_summary'
    """
    meta = text_metadata.create_summary_metadata(display_name="", description="")
    tp = TensorProto(dtype="DT_STRING", string_val=[text.encode("utf-8")],
                     tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tp)])


def pr_curve_summary(tag, labels, predictions, num_thresholds=127, weights=None):
    """A precision-recall curve: counts of TP/FP/TN/FN, precision and recall per threshold.

    >>> from ember.utils.tensorboard.summaries import *
    >>> s = pr_curve_summary("pr", [1, 0], [0.9, 0.2], num_thresholds=3)
    >>> list(s.value[0].tensor.tensor_shape.dim[1:2])[0].size
    3
    """
    num_thresholds = min(int(num_thresholds), 127)
    lab = to_numpy(labels).astype(np.float64).reshape(-1)
    pred = to_numpy(predictions).astype(np.float64).reshape(-1)
    w = 1.0 if weights is None else to_numpy(weights).astype(np.float64).reshape(-1)
    bucket = np.floor(pred * (num_thresholds - 1)).astype(np.int64)
    tp_b = np.bincount(bucket, weights=lab * w, minlength=num_thresholds)[:num_thresholds]
    fp_b = np.bincount(bucket, weights=(1.0 - lab) * w, minlength=num_thresholds)[:num_thresholds]
    tp = np.cumsum(tp_b[::-1])[::-1]
    fp = np.cumsum(fp_b[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    data = np.stack([tp, fp, tn, fn, precision, recall]).astype(np.float32)
    meta = pr_metadata.create_summary_metadata(display_name=tag, description="",
                                               num_thresholds=num_thresholds)
    tp_proto = tensor_util.make_tensor_proto(data, dtype="float32")
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=tp_proto)])


def _hparam_value(v):
    if isinstance(v, bool):
        return {"bool_value": v}
    if isinstance(v, (int, float)):
        return {"number_value": float(v)}
    if isinstance(v, str):
        return {"string_value": v}
    if hasattr(v, "numel") and v.numel() == 1:
        return {"number_value": float(v.item())}
    raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")


def hparams_summaries(hparam_dict, metric_dict, hparam_domain_discrete=None):
    """The experiment, session-start and session-end summaries of the HParams plugin.

    >>> from ember.utils.tensorboard.summaries import *
    >>> [s.value[0].tag for s in hparams_summaries({"lr": 0.1}, {"acc": 1.0})]
    ['_hparams_/experiment', '_hparams_/session_start_info', '_hparams_/session_end_info']
    """
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparam_dict and metric_dict should be dictionary.")
    discrete = hparam_domain_discrete or {}
    ssi = plugin_data_pb2.SessionStartInfo()
    infos = []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        kind = _hparam_value(v)
        ssi.hparams[k].CopyFrom(_struct_value(kind))
        typ = {"bool_value": "DATA_TYPE_BOOL", "number_value": "DATA_TYPE_FLOAT64",
               "string_value": "DATA_TYPE_STRING"}[next(iter(kind))]
        info = api_pb2.HParamInfo(name=k, type=typ)
        if k in discrete:
            from google.protobuf.struct_pb2 import ListValue
            info.domain_discrete.CopyFrom(ListValue(values=[_struct_value(_hparam_value(d))
                                                            for d in discrete[k]]))
        infos.append(info)
    mis = [api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict]
    exp = api_pb2.Experiment(hparam_infos=infos, metric_infos=mis)
    sei = plugin_data_pb2.SessionEndInfo(status=api_pb2.Status.Value("STATUS_SUCCESS"))
    out = []
    for tag, data in ((hp_metadata.EXPERIMENT_TAG, plugin_data_pb2.HParamsPluginData(experiment=exp)),
                      (hp_metadata.SESSION_START_INFO_TAG,
                       plugin_data_pb2.HParamsPluginData(session_start_info=ssi)),
                      (hp_metadata.SESSION_END_INFO_TAG,
                       plugin_data_pb2.HParamsPluginData(session_end_info=sei))):
        meta = hp_metadata.create_summary_metadata(data)
        out.append(Summary(value=[Summary.Value(tag=tag, metadata=meta)]))
    return out


def _struct_value(kind):
    from google.protobuf.struct_pb2 import Value
    return Value(**kind)


def write_embedding(save_dir, mat, metadata=None, label_img=None, metadata_header=None):
    """Write ``tensors.tsv`` (and ``metadata.tsv``, ``sprite.png``) for the projector.

    >>> from ember.utils.tensorboard.summaries import *
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); write_embedding(d, np.eye(2)); sorted(os.listdir(d))
    ['tensors.tsv']
    """
    import os
    os.makedirs(save_dir, exist_ok=True)
    mat = to_numpy(mat)
    if mat.ndim != 2:
        raise ValueError("mat should be 2D, where mat.size(0) is the number of data points")
    with open(os.path.join(save_dir, "tensors.tsv"), "w") as f:
        for row in mat:
            f.write("\t".join(repr(float(x)) for x in row) + "\n")
    if metadata is not None:
        if len(metadata) != mat.shape[0]:
            raise ValueError("#labels should equal with #data points")
        with open(os.path.join(save_dir, "metadata.tsv"), "w") as f:
            if metadata_header is not None:
                f.write("\t".join(str(h) for h in metadata_header) + "\n")
            for m in metadata:
                f.write(("\t".join(str(x) for x in m) if isinstance(m, (list, tuple))
                         else str(m)) + "\n")
    if label_img is not None:
        imgs = to_numpy(label_img)
        if imgs.shape[0] != mat.shape[0]:
            raise ValueError("#images should equal with #data points")
        n = int(math.ceil(math.sqrt(imgs.shape[0])))
        grid = make_grid(imgs, ncols=n)
        Image = __import__("PIL.Image", fromlist=["Image"])
        hwc = np.transpose(grid, (1, 2, 0))
        if hwc.dtype != np.uint8:
            hwc = np.clip(hwc * 255.0, 0, 255).astype(np.uint8)
        Image.fromarray(np.ascontiguousarray(hwc)).save(os.path.join(save_dir, "sprite.png"))


__all__ = ["scalar_summary", "histogram_summary", "image_summary", "text_summary",
           "pr_curve_summary", "hparams_summaries", "figure_to_image", "make_grid", "to_hwc",
           "write_embedding", "to_numpy", "SummaryMetadata"]
