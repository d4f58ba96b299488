"""``torch.utils.tensorboard.SummaryWriter``: log scalars, images, histograms... for TensorBoard.

Events go through the ``tensorboard`` package's own ``EventFileWriter`` (its record
format and CRCs), one event file per log directory, as PyTorch writes them.

>>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
>>> import tempfile
>>> with SummaryWriter(tempfile.mkdtemp()) as w:
...     w.add_scalar("loss", 0.25, 0)
"""
import os
import socket
import time
from datetime import datetime

from tensorboard.compat.proto.event_pb2 import Event, SessionLog, TaggedRunMetadata
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from . import media as M
from . import summaries as S


class FileWriter:
    """Writes ``Event`` protobufs into one event file of ``log_dir``.

    >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
    >>> import tempfile
    >>> FileWriter(tempfile.mkdtemp()).close()
    """

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self._log_dir = str(log_dir)
        self.event_writer = EventFileWriter(self._log_dir, max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        return self._log_dir

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None):
        self.add_event(Event(summary=summary), global_step, walltime)

    def add_graph(self, graph_profile, walltime=None):
        """Write a ``(GraphDef, RunMetadata)`` pair: the graph, then its step stats as ``step1``."""
        graph, stats = graph_profile
        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)
        trm = TaggedRunMetadata(tag="step1", run_metadata=stats.SerializeToString())
        self.add_event(Event(tagged_run_metadata=trm), None, walltime)

    def add_onnx_graph(self, graph, walltime=None):
        """Write a ``GraphDef`` made from an ONNX file."""
        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)

    def flush(self):
        self.event_writer.flush()

    def close(self):
        self.event_writer.close()

    def reopen(self):
        self.event_writer.reopen()


class SummaryWriter:
    """Log data for TensorBoard; ``log_dir`` defaults to ``runs/<date>_<host><comment>``.

    >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
    >>> import tempfile, os
    >>> w = SummaryWriter(tempfile.mkdtemp(), filename_suffix=".demo")
    >>> w.add_scalar("acc", 0.9, global_step=1); w.close()
    >>> [f.endswith(".demo") for f in os.listdir(w.log_dir)]
    [True]
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = None
        self.all_writers = None
        self._get_file_writer()

    def _get_file_writer(self):
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step = self.purge_step
                self.file_writer.add_event(Event(step=step, file_version="brain.Event:2"))
                self.file_writer.add_event(
                    Event(step=step, session_log=SessionLog(status=SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        """The directory this writer writes its event file into."""
        return self.log_dir

    def _add(self, summary, global_step, walltime):
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Log one scalar (a number or a one-element tensor) under ``tag``.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_scalar("x", ember.tensor(1.5), 3)
        """
        self._add(S.scalar_summary(tag, scalar_value, new_style, double_precision),
                  global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Log several scalars in one chart: each goes to the run ``<log_dir>/<main_tag>_<tag>``.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_scalars("loss", {"train": 1.0, "val": 2.0}, 0)
        """
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(base, main_tag.replace("/", "_") + "_" + tag)
            fw = self.all_writers.get(path)
            if fw is None:
                fw = FileWriter(path, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[path] = fw
            fw.add_summary(S.scalar_summary(main_tag, value), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None):
        """Log a histogram of ``values``.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_histogram("w", ember.randn(100), 0)
        """
        self._add(S.histogram_summary(tag, values, bins, max_bins), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Log an image: ``CHW`` (default), ``HWC`` or ``HW``; uint8 0..255 or float 0..1.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_image("img", ember.rand(3, 8, 8), 0)
        """
        self._add(S.image_summary(tag, img_tensor, dataformats), global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """Log a batch of images (``NCHW`` or ``NHWC``) tiled into one grid image.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_images("batch", ember.rand(4, 3, 8, 8), 0)
        """
        self._add(S.image_summary(tag, img_tensor, dataformats), global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """Render a matplotlib figure (or a list of them) and log it as an image.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile, matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
        >>> SummaryWriter(tempfile.mkdtemp()).add_figure("fig", plt.figure(figsize=(1, 1)), 0)
        """
        img = S.figure_to_image(figure, close)
        fmt = "NHWC" if isinstance(figure, (list, tuple)) else "HWC"
        self._add(S.image_summary(tag, img, fmt), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Log markdown text (shown in TensorBoard's Text tab).

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_text("notes", "**lr** 0.1", 0)
        """
        self._add(S.text_summary(tag, text_string), global_step, walltime)

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127,
                     weights=None, walltime=None):
        """Log a precision-recall curve of binary ``labels`` against ``predictions`` in [0, 1].

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_pr_curve("pr", ember.tensor([1, 0]),
        ...                                                ember.tensor([0.8, 0.3]), 0)
        """
        self._add(S.pr_curve_summary(tag, labels, predictions, num_thresholds, weights),
                  global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Log one run's hyperparameters and final metrics (a sub-run, as PyTorch writes it).

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_hparams({"lr": 0.1, "bs": 32}, {"hparam/acc": 0.9})
        """
        sums = S.hparams_summaries(hparam_dict, metric_dict, hparam_domain_discrete)
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name or str(time.time()))
        with SummaryWriter(log_dir=logdir) as w:
            for s in sums:
                w.file_writer.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default",
                      metadata_header=None):
        """Write an embedding (rows of ``mat``) for TensorBoard's projector.

        >>> from ember.utils.tensorboard.writer import SummaryWriter, FileWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_embedding(ember.randn(4, 3), ["a", "b", "c", "d"])
        """
        from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig
        from google.protobuf import text_format
        step = 0 if global_step is None else int(global_step)
        subdir = f"{step:05d}/{tag.replace('/', '_')}"
        base = self._get_file_writer().get_logdir()
        S.write_embedding(os.path.join(base, subdir), mat, metadata, label_img, metadata_header)
        cfg = ProjectorConfig()
        emb = cfg.embeddings.add()
        emb.tensor_name = f"{tag}:{step:05d}"
        emb.tensor_path = subdir + "/tensors.tsv"
        if metadata is not None:
            emb.metadata_path = subdir + "/metadata.tsv"
        if label_img is not None:
            h, w = S.to_numpy(label_img).shape[-2:]
            emb.sprite.image_path = subdir + "/sprite.png"
            emb.sprite.single_image_dim.extend([w, h])
        with open(os.path.join(base, "projector_config.pbtxt"), "a") as f:
            f.write(text_format.MessageToString(cfg))

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Trace ``model`` on ``input_to_model`` (in eval mode) and log its graph for the Graphs tab.

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_graph(ember.nn.Linear(3, 1), ember.ones(2, 3))
        """
        from .graph_def import model_graph
        self._get_file_writer().add_graph(model_graph(model, input_to_model, verbose, use_strict_trace))

    def add_onnx_graph(self, prototxt):
        """Log the graph of the ONNX file ``prototxt`` (needs the ``onnx`` package).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile, os
        >>> d = tempfile.mkdtemp(); f = os.path.join(d, "m.onnx")
        >>> _ = ember.onnx.export(ember.nn.Linear(2, 2), (ember.ones(1, 2),), f)
        >>> SummaryWriter(d).add_onnx_graph(f)
        """
        from .graph_def import onnx_graph
        self._get_file_writer().add_onnx_graph(onnx_graph(prototxt))

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None):
        """Log a mono clip: samples in [-1, 1], one dimension, at ``sample_rate`` Hz.

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile, math
        >>> t = ember.arange(800) / 8000.0
        >>> SummaryWriter(tempfile.mkdtemp()).add_audio("tone", ember.sin(2 * math.pi * 440 * t), 0, 8000)
        """
        self._add(M.audio_summary(tag, snd_tensor, sample_rate), global_step, walltime)

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None):
        """Log clips ``(N, T, C, H, W)`` (uint8, or float in [0, 1]) as one animated GIF
        (encoded with Pillow).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_video("clip", ember.rand(2, 4, 3, 8, 8), 0, fps=2)
        """
        self._add(M.video_summary(tag, vid_tensor, fps), global_step, walltime)

    def add_mesh(self, tag, vertices, colors=None, faces=None, config_dict=None, global_step=None,
                 walltime=None):
        """Log a 3-D mesh or point cloud: ``vertices`` ``(B, N, 3)``, optional per-vertex ``colors``
        (uint8) and triangle ``faces`` (vertex indices), and a three.js ``config_dict``.

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_mesh("cloud", ember.rand(1, 10, 3))
        """
        self._add(M.mesh_summary(tag, vertices, colors, faces, config_dict), global_step, walltime)

    def add_custom_scalars(self, layout):
        """Lay out the Custom Scalars dashboard: ``{category: {chart: ["Multiline", tags]}}`` or
        ``["Margin", [value, lower, upper]]``.

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_custom_scalars(
        ...     {"loss": {"train vs val": ["Multiline", ["loss/train", "loss/val"]]}})
        """
        self._get_file_writer().add_summary(M.custom_scalars_summary(layout))

    def add_custom_scalars_multilinechart(self, tags, category="default", title="untitled"):
        """One Custom Scalars chart drawing every tag in ``tags`` as a line.

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_custom_scalars_multilinechart(["a", "b"])
        """
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(self, tags, category="default", title="untitled"):
        """One Custom Scalars chart of a value between a lower and an upper tag (three tags).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_custom_scalars_marginchart(["m", "lo", "hi"])
        """
        if len(tags) != 3:
            raise AssertionError(f"Expected 3 tags, got {len(tags)}.")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    def add_image_with_boxes(self, tag, img_tensor, box_tensor, global_step=None, walltime=None,
                             rescale=1, dataformats="CHW", labels=None):
        """Log an image with boxes ``(x_min, y_min, x_max, y_max)`` drawn on it (and labels).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_image_with_boxes(
        ...     "det", ember.rand(3, 16, 16), ember.tensor([[2., 2., 10., 12.]]), labels=["cat"])
        """
        if labels is not None:
            if isinstance(labels, str):
                labels = [labels]
            if len(labels) != box_tensor.shape[0]:
                labels = None
        self._add(M.image_boxes_summary(tag, img_tensor, box_tensor, rescale, dataformats, labels),
                  global_step, walltime)

    def add_tensor(self, tag, tensor, global_step=None, walltime=None):
        """Log a whole tensor (its values and shape).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_tensor("w", ember.arange(6.0).reshape(2, 3))
        """
        self._add(M.tensor_summary(tag, tensor), global_step, walltime)

    def add_histogram_raw(self, tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts,
                          global_step=None, walltime=None):
        """Log a histogram from precomputed statistics (``bucket_limits`` are upper edges).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_histogram_raw("h", 0, 3, 4, 6, 14, [1, 2, 3], [1, 1, 2])
        """
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        self._add(M.histogram_raw_summary(tag, min, max, num, sum, sum_squares, bucket_limits,
                                          bucket_counts), global_step, walltime)

    def add_pr_curve_raw(self, tag, true_positive_counts, false_positive_counts, true_negative_counts,
                         false_negative_counts, precision, recall, global_step=None, num_thresholds=127,
                         weights=None, walltime=None):
        """Log a precision-recall curve from precomputed counts (one entry per threshold).

        >>> from ember.utils.tensorboard.writer import SummaryWriter
        >>> import tempfile
        >>> SummaryWriter(tempfile.mkdtemp()).add_pr_curve_raw(
        ...     "pr", [3, 1], [2, 0], [0, 2], [0, 2], [0.6, 1.0], [1.0, 0.33], 0, num_thresholds=2)
        """
        self._add(M.pr_curve_raw_summary(tag, true_positive_counts, false_positive_counts,
                                         true_negative_counts, false_negative_counts, precision,
                                         recall, num_thresholds), global_step, walltime)

    def flush(self):
        """Write pending events of every run of this writer to disk."""
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()

    def close(self):
        """Flush and close every event file; a later ``add_*`` opens new ones."""
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()
            w.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
