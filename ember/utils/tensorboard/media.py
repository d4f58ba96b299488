"""Summaries of audio, video, 3-D meshes, boxed images, raw tensors and chart layouts.

Each function returns one ``Summary`` protobuf (tensorboard's own messages), laid out as
PyTorch's ``SummaryWriter`` writes it, so that TensorBoard shows ember's runs and PyTorch's alike.

>>> from ember.utils.tensorboard.media import audio_summary
>>> s = audio_summary("beep", ember.zeros(100), sample_rate=8000)
>>> s.value[0].audio.length_frames, s.value[0].audio.content_type
(100, 'audio/wav')
"""
import io
import json
import wave

from ..._backend import np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.pr_curve import plugin_data_pb2 as pr_data

from .summaries import to_hwc, to_numpy

__all__ = ["audio_summary", "video_summary", "mesh_summary", "custom_scalars_summary",
           "image_boxes_summary", "tensor_summary", "histogram_raw_summary", "pr_curve_raw_summary"]


def _shape(dims):
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in dims])


def audio_summary(tag, snd, sample_rate=44100):
    """A mono 16-bit WAV clip from samples in [-1, 1] (louder samples are clipped, with a note).

    >>> from ember.utils.tensorboard.media import audio_summary
    >>> audio_summary("a", ember.zeros(1, 10)).value[0].audio.num_channels
    1
    """
    a = to_numpy(snd).squeeze()
    if abs(a).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        a = a.clip(-1, 1)
    if a.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    pcm = (a * np.iinfo(np.int16).max).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    clip = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=pcm.shape[-1],
                         encoded_audio_string=buf.getvalue(), content_type="audio/wav")
    return Summary(value=[Summary.Value(tag=tag, audio=clip)])


def _video_frames(v):
    """(N, T, C, H, W) -> (T, H*rows, W*cols, C) floats in [0, 1]: the batch tiled on a grid of
    ``2**k`` rows (the batch padded with black clips to a power of two), as PyTorch tiles it."""
    b, t, c, h, w = v.shape
    if v.dtype == np.uint8:
        v = v.astype(np.float32) / 255.0
    if b & (b - 1):
        pad = (1 << b.bit_length()) - b
        v = np.concatenate([v, np.zeros((pad, t, c, h, w), dtype=v.dtype)])
    rows = 2 ** ((b.bit_length() - 1) // 2)
    cols = v.shape[0] // rows
    v = v.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return v.reshape(t, rows * h, cols * w, c)


def video_summary(tag, vid, fps=4):
    """An animated GIF of a batch of clips ``(N, T, C, H, W)`` (uint8 0..255 or float 0..1),
    encoded with Pillow (PyTorch uses moviepy for the same GIF).

    >>> from ember.utils.tensorboard.media import video_summary
    >>> im = video_summary("v", ember.rand(1, 3, 3, 4, 5)).value[0].image
    >>> (im.height, im.width, im.encoded_image_string[:3])
    (4, 5, b'GIF')
    """
    from PIL import Image
    frames = _video_frames(to_numpy(vid))
    frames = (frames.astype(np.float32) * 255).clip(0, 255).astype(np.uint8)
    t, h, w, c = frames.shape
    if c == 1:
        frames = np.repeat(frames, 3, axis=3)
    images = [Image.fromarray(np.ascontiguousarray(f[..., :3])) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(round(1000 / fps)), loop=0)
    im = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=buf.getvalue())
    return Summary(value=[Summary.Value(tag=tag, image=im)])


def mesh_summary(tag, vertices, colors, faces, config_dict, display_name=None, description=None):
    """A 3-D mesh or point cloud for TensorBoard's mesh plugin: one tensor summary for each of
    ``vertices``, ``faces`` and ``colors`` that is given (each ``(B, N, 3)``).

    >>> from ember.utils.tensorboard.media import mesh_summary
    >>> s = mesh_summary("m", ember.rand(1, 4, 3), None, None, None)
    >>> [v.tag for v in s.value]
    ['m_VERTEX']
    """
    from tensorboard.plugins.mesh import metadata
    from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData
    config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    parts = [(x, kind) for x, kind in ((vertices, MeshPluginData.VERTEX),
                                       (faces, MeshPluginData.FACE),
                                       (colors, MeshPluginData.COLOR)) if x is not None]
    components = metadata.get_components_bitmask([kind for _, kind in parts])
    values = []
    for x, kind in parts:
        a = to_numpy(x)
        meta = metadata.create_summary_metadata(tag, display_name, kind, components, a.shape,
                                                description, json_config=config)
        tp = TensorProto(dtype="DT_FLOAT", float_val=a.reshape(-1).tolist(),
                         tensor_shape=_shape(a.shape[:3]))
        values.append(Summary.Value(tag=metadata.get_instance_name(tag, kind), tensor=tp,
                                    metadata=meta))
    return Summary(value=values)


def custom_scalars_summary(layout):
    """The layout of the Custom Scalars dashboard: ``{category: {chart: [kind, tags]}}`` with
    ``kind`` ``"Multiline"`` (any number of tags) or ``"Margin"`` (value, lower, upper).

    >>> from ember.utils.tensorboard.media import custom_scalars_summary
    >>> custom_scalars_summary({"loss": {"both": ["Multiline", ["train", "val"]]}}).value[0].tag
    'custom_scalars__config__'
    """
    categories = []
    for title, charts in layout.items():
        out = []
        for name, (kind, tags) in charts.items():
            if kind == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                series = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1],
                                                              upper=tags[2])
                out.append(layout_pb2.Chart(title=name,
                                            margin=layout_pb2.MarginChartContent(series=[series])))
            else:
                out.append(layout_pb2.Chart(title=name,
                                            multiline=layout_pb2.MultilineChartContent(tag=tags)))
        categories.append(layout_pb2.Category(title=title, chart=out))
    tp = TensorProto(dtype="DT_STRING", tensor_shape=TensorShapeProto(),
                     string_val=[layout_pb2.Layout(category=categories).SerializeToString()])
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="custom_scalars"))
    return Summary(value=[Summary.Value(tag="custom_scalars__config__", tensor=tp, metadata=meta)])


def _draw_box(image, box, label):
    from PIL import ImageDraw, ImageFont
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = (float(v) for v in box)
    draw.line([(x0, y0), (x0, y1), (x1, y1), (x1, y0), (x0, y0)], width=2, fill="Red")
    if label:
        font = ImageFont.load_default()
        left, top, right, bottom = font.getbbox(label)
        tw, th = right - left, bottom - top
        margin = np.ceil(0.05 * th)
        draw.rectangle([(x0, y1 - th - 2 * margin), (x0 + tw, y1)], fill="Red")
        draw.text((x0 + margin, y1 - th - margin), label, fill="black", font=font)


def image_boxes_summary(tag, img, boxes, rescale=1, dataformats="CHW", labels=None):
    """A PNG image with red boxes ``(x_min, y_min, x_max, y_max)`` (one row each) and optional
    labels drawn on it; ``rescale`` resizes the picture.

    >>> from ember.utils.tensorboard.media import image_boxes_summary
    >>> s = image_boxes_summary("b", ember.rand(3, 8, 8), ember.tensor([[1., 1., 5., 5.]]))
    >>> s.value[0].image.width
    8
    """
    from PIL import Image
    a = to_hwc(to_numpy(img), dataformats)
    scale = 1 if a.dtype == np.uint8 else 255
    a = (a.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    h, w, c = a.shape
    image = Image.fromarray(a)
    rois = to_numpy(boxes)
    for i in range(rois.shape[0]):
        _draw_box(image, rois[i], None if labels is None else labels[i])
    image = image.resize((int(w * rescale), int(h * rescale)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    im = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=buf.getvalue())
    return Summary(value=[Summary.Value(tag=tag, image=im)])


_TENSOR_FIELDS = {  # NumPy kind/size -> (TensorProto dtype, value field)
    "f2": ("DT_HALF", "half_val"), "f4": ("DT_FLOAT", "float_val"), "f8": ("DT_DOUBLE", "double_val"),
    "bf2": ("DT_BFLOAT16", "half_val"),
    "i1": ("DT_INT8", "int_val"), "u1": ("DT_UINT8", "uint32_val"), "i2": ("DT_INT16", "int_val"),
    "i4": ("DT_INT32", "int_val"), "i8": ("DT_INT64", "int64_val"), "b1": ("DT_BOOL", "bool_val"),
    "c8": ("DT_COMPLEX64", "scomplex_val"), "c16": ("DT_COMPLEX128", "dcomplex_val"),
}


def tensor_summary(tag, tensor):
    """A whole tensor, values in the TensorProto field of its dtype (plugin ``tensor``).

    >>> from ember.utils.tensorboard.media import tensor_summary
    >>> tensor_summary("t", ember.tensor([1, 2])).value[0].tensor.int64_val
    [1, 2]
    """
    a = to_numpy(tensor)
    if a.size * a.itemsize >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    key = "bf2" if a.dtype.name == "bfloat16" else f"{a.dtype.kind}{a.dtype.itemsize}"
    if key not in _TENSOR_FIELDS:
        raise ValueError(f"{tag} has unsupported tensor dtype {getattr(tensor, 'dtype', a.dtype)}")
    dtype, field = _TENSOR_FIELDS[key]
    flat = a.reshape(-1)
    if field == "half_val":  # as PyTorch writes it: the float32 bit pattern of each value
        vals = flat.astype(np.float32).view(np.int32).tolist()
    elif field in ("scomplex_val", "dcomplex_val"):
        vals = np.stack([flat.real, flat.imag], -1).reshape(-1).tolist()
    else:
        vals = flat.tolist()
    tp = TensorProto(dtype=dtype, tensor_shape=_shape(a.shape), **{field: vals})
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=tp)])


def histogram_raw_summary(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram from statistics computed elsewhere (bucket upper limits and counts).

    >>> from ember.utils.tensorboard.media import histogram_raw_summary
    >>> histogram_raw_summary("h", 0, 2, 3, 3, 5, [1.0, 2.0], [1, 2]).value[0].histo.num
    3.0
    """
    h = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                       bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=tag, histo=h)])


def pr_curve_raw_summary(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127):
    """A precision-recall curve from counts computed elsewhere (six rows, one column per threshold).

    >>> from ember.utils.tensorboard.media import pr_curve_raw_summary
    >>> s = pr_curve_raw_summary("pr", [2, 1], [1, 0], [0, 1], [0, 1], [.6, 1.], [1., .5], 2)
    >>> [d.size for d in s.value[0].tensor.tensor_shape.dim]
    [6, 2]
    """
    num_thresholds = min(num_thresholds, 127)
    data = np.stack([to_numpy(x) for x in (tp, fp, tn, fn, precision, recall)])
    content = pr_data.PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="pr_curves",
                                                                  content=content))
    t = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(), tensor_shape=_shape(data.shape[:2]))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=t)])
