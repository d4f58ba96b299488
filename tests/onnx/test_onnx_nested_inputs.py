"""``ember.onnx.export`` with a tuple argument (an LSTM's ``(h0, c0)`` passed as one input, as the
word-language-model example does): each tensor in it becomes one graph input, named
``{arg}_{i}``, and onnxruntime reproduces ember's outputs."""
import io

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import ember  # noqa: E402
import ember.nn as nn  # noqa: E402


class _LM(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.rnn = getattr(nn, kind)(4, 5, 2)

    def forward(self, x, hidden):
        out, hidden = self.rnn(self.emb(x), hidden)
        return out, hidden


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_tuple_hidden_state_becomes_one_input_per_tensor(kind):
    ember.manual_seed(0)
    m = _LM(kind).eval()
    x = ember.tensor([[1], [2], [3]])
    h = (ember.randn(2, 1, 5), ember.randn(2, 1, 5)) if kind == "LSTM" else ember.randn(2, 1, 5)
    buf = io.BytesIO()
    ember.onnx.export(m, (x, h), buf)
    s = ort.InferenceSession(buf.getvalue(), providers=["CPUExecutionProvider"])
    names = [i.name for i in s.get_inputs()]
    hs = list(h) if kind == "LSTM" else [h]
    assert names == (["x", "hidden_0", "hidden_1"] if kind == "LSTM" else ["x", "hidden"])
    got = s.run(None, dict(zip(names, [x.numpy()] + [t.numpy() for t in hs])))
    out, hn = m(x, h)
    ref = [out] + (list(hn) if kind == "LSTM" else [hn])
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_input_names_cover_the_flattened_tensors():
    m = _LM("LSTM").eval()
    h = (ember.zeros(2, 1, 5), ember.zeros(2, 1, 5))
    buf = io.BytesIO()
    ember.onnx.export(m, (ember.tensor([[1]]), h), buf, input_names=["tokens", "h0", "c0"])
    assert [i.name for i in onnx.load_from_string(buf.getvalue()).graph.input] == ["tokens", "h0", "c0"]
