"""``ember.onnx.export`` end to end: real models traced with ember.fx, written as ONNX, checked by
onnx's checker and run in onnxruntime within 1e-5 of ember's own outputs, at the export batch
size and at another one (a dynamic batch axis)."""
import io
import os

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import ember  # noqa: E402
import ember.nn as nn  # noqa: E402
import ember.nn.functional as F  # noqa: E402
from ember.onnx.errors import UnsupportedOperatorError  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)


def r(*shape, seed=0):
    return ember.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def session(data):
    return ort.InferenceSession(data, providers=["CPUExecutionProvider"])


def export_and_compare(model, inputs, other_inputs=(), names=None, dynamic=None, tol=TOL, **kw):
    """Export ``model`` on ``inputs``; compare onnxruntime with ember on ``inputs`` and on each
    tuple in ``other_inputs``. Returns the ModelProto."""
    model.eval()
    names = names or [f"in{i}" for i in range(len(inputs))]
    dynamic = dynamic if dynamic is not None else {n: {0: "batch"} for n in names}
    buf = io.BytesIO()
    ember.onnx.export(model, tuple(inputs), buf, input_names=names, dynamic_axes=dynamic, dynamo=False, **kw)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    sess = session(buf.getvalue())
    for xs in [tuple(inputs)] + [tuple(o) for o in other_inputs]:
        with ember.no_grad():
            ref = model(*xs)
        ref = [t for t in (ref if isinstance(ref, (tuple, list)) else [ref]) if isinstance(t, ember.Tensor)]
        got = sess.run(None, {n: x.numpy() for n, x in zip(names, xs)})
        for a, b in zip(ref, got):
            assert a.shape == b.shape
            np.testing.assert_allclose(b, a.numpy(), **tol)
    return proto


class SeedCNN(nn.Module):
    """The quickstart CNN (examples/quickstart.py) at 8x8."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(16 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = ember.flatten(self.dropout1(x), 1)
        x = F.dropout(F.relu(self.fc1(x)), 0.5, self.training)
        return F.log_softmax(self.fc2(x), dim=1)


def test_seed_cnn_dynamic_batch():
    proto = export_and_compare(SeedCNN(), [r(2, 1, 8, 8)], [[r(5, 1, 8, 8, seed=1)]], names=["x"])
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert {t.name for t in proto.graph.initializer} >= {"conv1.weight", "conv1.bias", "fc2.weight"}


class ViewByBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        n = x.size(0)
        h = x.view(n, -1) * 2.0 + 1
        return self.fc(h).softmax(-1), h[:, 1:5].sum(1, keepdim=True)


def test_size_based_reshape_and_two_outputs():
    proto = export_and_compare(ViewByBatch(), [r(2, 3, 4)], [[r(7, 3, 4)]], names=["x"],
                               output_names=["probs", "part"])
    assert [o.name for o in proto.graph.output] == ["probs", "part"]


class LSTMLM(nn.Module):
    def __init__(self, vocab=20, emb=8, hidden=12):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, (h, c) = self.rnn(self.emb(tokens))
        return self.head(out), h


def test_lstm_language_model_dynamic_batch_and_length():
    toks = ember.randint(0, 20, (2, 5))
    export_and_compare(LSTMLM(), [toks], [[ember.randint(0, 20, (3, 9))]], names=["tokens"],
                       dynamic={"tokens": {0: "batch", 1: "time"}})


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 6, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


def test_gru_classifier():
    proto = export_and_compare(GRUClassifier(), [r(2, 5, 4)], [[r(4, 5, 4, seed=1)]], names=["x"])
    assert "GRU" in {n.op_type for n in proto.graph.node}


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8))

    def forward(self, src, pad):
        return self.enc(src, src_key_padding_mask=pad)


def test_transformer_encoder_with_padding_mask():
    enc = Encoder()
    mask = ember.tensor([[False, False, False, True], [False, False, False, False]])
    mask3 = ember.tensor([[False, True, True, True], [False, False, False, False], [False, False, True, True]])
    export_and_compare(enc, [r(2, 4, 8), mask], [[r(3, 4, 8, seed=2), mask3]], names=["src", "pad"],
                       tol=dict(rtol=1e-5, atol=2e-5))


def test_keyword_inputs_become_graph_inputs():
    enc = Encoder().eval()
    src, mask = r(2, 4, 8), ember.tensor([[False, False, True, True], [False, False, False, False]])
    prog = ember.onnx.export(enc, (src,), kwargs={"pad": mask})
    assert [i.name for i in prog.model_proto.graph.input] == ["src", "pad"]
    with ember.no_grad():
        np.testing.assert_allclose(prog(src, mask)[0].numpy(), enc(src, pad=mask).numpy(), rtol=1e-5, atol=2e-5)


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Transformer(8, 2, 1, 1, 16, batch_first=True)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(4))

    def forward(self, src, tgt):
        return self.t(src, tgt, tgt_mask=self.mask, tgt_is_causal=True)


def test_full_transformer_with_causal_decoder():
    export_and_compare(Seq2Seq(), [r(2, 5, 8), r(2, 4, 8, seed=1)], [[r(3, 5, 8, seed=2), r(3, 4, 8, seed=3)]],
                       names=["src", "tgt"])


class Decoder(nn.Module):
    """A greedy LSTMCell decoder: a Python loop over steps, unrolled by the trace."""

    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(6, 6)
        self.out = nn.Linear(6, 6)

    def forward(self, x):
        h = c = ember.zeros(x.size(0), 6)
        outs = []
        for _ in range(3):
            h, c = self.cell(x, (h, c))
            x = self.out(h).tanh()
            outs.append(x)
        return ember.stack(outs, 1)


def test_unrolled_cell_decoder():
    export_and_compare(Decoder(), [r(2, 6)], [[r(5, 6, seed=1)]], names=["x"])


class Attn(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.norm = nn.LayerNorm(8)

    def forward(self, x):
        y, w = self.attn(x, x, x)
        return self.norm(x + y), w


def test_multihead_attention_returns_weights():
    export_and_compare(Attn(), [r(2, 3, 8)], [[r(4, 3, 8, seed=3)]], names=["x"])


def test_path_is_written_atomically_and_file_objects_work(tmp_path):
    model = SeedCNN().eval()
    path = tmp_path / "m.onnx"
    assert ember.onnx.export(model, (r(1, 1, 8, 8),), str(path), dynamo=False) is None
    assert sorted(os.listdir(tmp_path)) == ["m.onnx"]
    prog = ember.onnx.export(model, r(1, 1, 8, 8), path)          # a single tensor as args, a PathLike
    assert isinstance(prog, ember.onnx.ONNXProgram)
    sess = session(path.read_bytes())
    x = r(1, 1, 8, 8, seed=4)
    with ember.no_grad():
        np.testing.assert_allclose(sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0], model(x).numpy(),
                                   **TOL)
        np.testing.assert_allclose(prog(x)[0].numpy(), model(x).numpy(), **TOL)


def test_unsupported_operator_error_names_it(tmp_path):
    class Chol(nn.Module):
        def forward(self, x):
            return ember.linalg.cholesky(x @ x.mT + ember.eye(3))

    path = tmp_path / "bad.onnx"
    with pytest.raises(UnsupportedOperatorError, match="cholesky"):
        ember.onnx.export(Chol(), (r(2, 3, 3),), str(path))
    assert not path.exists()
    assert issubclass(UnsupportedOperatorError, ember.onnx.OnnxExporterError)


def test_options_params_as_inputs_and_opset():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = r(2, 3)
    p = ember.onnx.export(model, (x,), input_names=["x"], export_params=False)
    g = p.model_proto.graph
    assert not {t.name for t in g.initializer} & {"0.weight", "2.bias"}
    assert {"x", "0.weight", "0.bias", "2.weight", "2.bias"} <= {i.name for i in g.input}
    p = ember.onnx.export(model, (x,), keep_initializers_as_inputs=True, opset_version=13)
    assert p.model_proto.opset_import[0].version == 13
    assert {t.name for t in p.model_proto.graph.initializer} <= {i.name for i in p.model_proto.graph.input}
    with pytest.raises(ValueError, match="opset"):
        ember.onnx.export(model, (x,), opset_version=6)


def test_eval_mode_during_export_and_is_in_onnx_export():
    seen = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm1d(3)

        def forward(self, x):
            seen.append((ember.onnx.is_in_onnx_export(), self.training))
            return self.bn(x)

    m = Probe()
    m.train()
    ember.onnx.export(m, (r(4, 3),))
    assert (True, False) in seen and m.training and m.bn.training
    assert not ember.onnx.is_in_onnx_export()
    with pytest.raises(ember.onnx.errors.SymbolicValueError, match="eval"):
        ember.onnx.export(m, (r(4, 3),), training=ember.onnx.TrainingMode.TRAINING)


def test_verify_and_dynamic_shapes():
    model = SeedCNN().eval()
    prog = ember.onnx.export(model, (r(2, 1, 8, 8),), dynamic_shapes={"x": {0: "n"}}, verify=True)
    dim = prog.model_proto.graph.input[0].type.tensor_type.shape.dim[0]
    assert dim.dim_param == "n"
    x = r(6, 1, 8, 8, seed=9)
    with ember.no_grad():
        np.testing.assert_allclose(prog(x)[0].numpy(), model(x).numpy(), **TOL)


def test_unknown_dynamic_axes_name_warns():
    with pytest.warns(ember.onnx.errors.OnnxExporterWarning, match="nope"):
        ember.onnx.export(nn.Linear(2, 2), (r(1, 2),), dynamic_axes={"nope": [0]})


def test_exported_program_input():
    model = SeedCNN().eval()
    x = r(2, 1, 8, 8)
    ep = ember.export.export(model, (x,))
    prog = ember.onnx.export(ep, (x,))
    with ember.no_grad():
        np.testing.assert_allclose(prog(x)[0].numpy(), model(x).numpy(), **TOL)


@pytest.mark.parametrize("opset", [13, 17, 18, 20])
def test_opsets(opset):
    """Reductions take axes as an attribute before opset 18, LayerNormalization exists from 17,
    Gelu from 20: each opset gets the form it has."""
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = Attn()
            self.act = nn.GELU()

        def forward(self, x):
            y, w = self.attn(x)
            return self.act(y).mean(-1), w.amax(1), F.group_norm(x.transpose(1, 2), 2)

    proto = export_and_compare(Block(), [r(2, 3, 8)], [[r(4, 3, 8, seed=1)]], names=["x"], opset_version=opset)
    ops = {n.op_type for n in proto.graph.node}
    assert ("LayerNormalization" in ops) == (opset >= 17) and ("Gelu" in ops) == (opset >= 20)
