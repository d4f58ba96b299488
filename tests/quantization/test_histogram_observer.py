"""HistogramObserver against torch 2.13: the histogram (rebinned over several batches whose
ranges grow), min/max, state_dict, repr and the qparams of the searched clipping range, all
equal bit for bit; and the tutorial's post-training flow with get_default_qconfig."""
import io
import warnings

import numpy as np
import pytest

import ember
from tests.quantization._models import twin_cnn, FUSE, inputs

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")


@pytest.mark.parametrize("kind", range(4))
def test_histogram_observer_matches_torch(kind):
    kw = [{}, {"reduce_range": True}, {"qscheme": "per_tensor_symmetric", "dtype": "qint8"},
          {"bins": 512}][kind]

    def make(L):
        k = dict(kw)
        for name in ("qscheme", "dtype"):
            if name in k:
                k[name] = getattr(L, k[name])
        return L.ao.quantization.HistogramObserver(**k)
    rs = np.random.RandomState(kind)
    for trial in range(6):
        t, e = make(torch), make(ember)
        assert repr(t) == repr(e)
        for b in range(4):
            x = (rs.randn(int(rs.randint(10, 2000))) * rs.choice([0.1, 1, 5]) +
                 rs.choice([0, 1, -2]) * b).astype(np.float32)
            if trial == 3:
                x = np.abs(x)
            if trial == 4 and b == 0:
                x = np.full(7, 0.5, np.float32)   # a constant first batch
            t(torch.from_numpy(x))
            e(ember.tensor(x))
            ts, es = t.state_dict(), e.state_dict()
            assert list(ts) == list(es)
            for k in ts:
                np.testing.assert_array_equal(ts[k].numpy(), es[k].numpy(), err_msg=k)
        for a, b in zip(t.calculate_qparams(), e.calculate_qparams()):
            assert str(a.dtype) == str(b.dtype)
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert repr(t) == repr(e)


def test_tutorial_flow_with_default_x86_qconfig():
    tm, em = twin_cnn(torch, ember, seed=3)
    conv = {}
    for L, m in ((torch, tm), (ember, em)):
        m.eval()
        m.qconfig = L.ao.quantization.get_default_qconfig("x86")
        p = L.ao.quantization.prepare(L.ao.quantization.fuse_modules(m, FUSE))
        for s in range(3):
            p(L.tensor(inputs(s)))
        conv[L] = L.ao.quantization.convert(p)
    ct, ce = conv[torch], conv[ember]
    assert [type(m).__name__ for m in ct.modules()] == [type(m).__name__ for m in ce.modules()]
    for name in ("conv1", "conv2", "fc1", "fc2", "skip"):
        assert getattr(ce, name).scale == pytest.approx(getattr(ct, name).scale, rel=1e-4)
    assert ce.conv1.weight().qscheme() is ember.per_channel_affine
    x = inputs(9, 8)
    yt, ye = ct(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy()
    np.testing.assert_allclose(ye, yt, atol=ct.fc2.scale * 1.01)
    buf = io.BytesIO()
    torch.save(ct.state_dict(), buf)
    buf.seek(0)
    ce.load_state_dict(ember.load(buf))
    np.testing.assert_array_equal(ct(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy())
