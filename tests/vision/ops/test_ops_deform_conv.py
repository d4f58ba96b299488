"""deform_conv2d / DeformConv2d vs a loop-by-loop NumPy transcription of torchvision's kernel
definition, vs torch's conv2d when offsets are zero (forward and gradients), and gradcheck in
float64 for input, offset, mask, weight and bias."""
import math

import numpy as np
import pytest

import ember
from ember.vision import ops


def _sample(plane, y, x):
    H, W = plane.shape
    if y <= -1 or y >= H or x <= -1 or x >= W:
        return 0.0
    yl, xl = math.floor(y), math.floor(x)
    out = 0.0
    for yy, wy in ((yl, 1 - (y - yl)), (yl + 1, y - yl)):
        for xx, wx in ((xl, 1 - (x - xl)), (xl + 1, x - xl)):
            if 0 <= yy < H and 0 <= xx < W:
                out += wy * wx * plane[yy, xx]
    return out


def _reference(x, off, w, b, stride, pad, dil, mask):
    B, C, H, W = x.shape
    O, cg, kh, kw = w.shape
    G = off.shape[1] // (2 * kh * kw)
    wg = C // cg
    oh = (H + 2 * pad[0] - (dil[0] * (kh - 1) + 1)) // stride[0] + 1
    ow = (W + 2 * pad[1] - (dil[1] * (kw - 1) + 1)) // stride[1] + 1
    out = np.zeros((B, O, oh, ow))
    for n in range(B):
        for o in range(O):
            g_w = o // (O // wg)
            for oy in range(oh):
                for ox in range(ow):
                    s = 0.0 if b is None else b[o]
                    for ci in range(cg):
                        c = g_w * cg + ci
                        g = c // (C // G)
                        for i in range(kh):
                            for j in range(kw):
                                k = i * kw + j
                                y = oy * stride[0] - pad[0] + i * dil[0] + off[n, g * 2 * kh * kw + 2 * k, oy, ox]
                                xx = ox * stride[1] - pad[1] + j * dil[1] + off[n, g * 2 * kh * kw + 2 * k + 1, oy, ox]
                                m = 1.0 if mask is None else mask[n, g * kh * kw + k, oy, ox]
                                s += w[o, ci, i, j] * m * _sample(x[n, c], y, xx)
                    out[n, o, oy, ox] = s
    return out


CASES = [  # C, O, k, stride, pad, dil, weight groups, offset groups, mask
    (2, 3, (3, 3), (1, 1), (1, 1), (1, 1), 1, 1, False),
    (4, 4, (3, 2), (2, 1), (1, 0), (1, 2), 2, 2, True),
    (4, 2, (2, 2), (1, 2), (0, 1), (2, 1), 1, 4, True),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_forward_matches_definition(rng, dtype, case):
    C, O, k, stride, pad, dil, wg, og, use_mask = case
    x = rng.standard_normal((2, C, 6, 7)).astype(dtype)
    oh = (6 + 2 * pad[0] - (dil[0] * (k[0] - 1) + 1)) // stride[0] + 1
    ow = (7 + 2 * pad[1] - (dil[1] * (k[1] - 1) + 1)) // stride[1] + 1
    off = (rng.standard_normal((2, og * 2 * k[0] * k[1], oh, ow)) * 2).astype(dtype)
    w = rng.standard_normal((O, C // wg) + k).astype(dtype)
    b = rng.standard_normal(O).astype(dtype)
    mask = rng.random((2, og * k[0] * k[1], oh, ow)).astype(dtype) if use_mask else None
    out = ops.deform_conv2d(ember.tensor(x), ember.tensor(off), ember.tensor(w), ember.tensor(b), stride, pad, dil,
                            None if mask is None else ember.tensor(mask))
    ref = _reference(x.astype(np.float64), off.astype(np.float64), w.astype(np.float64), b.astype(np.float64),
                     stride, pad, dil, None if mask is None else mask.astype(np.float64))
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(out.detach().numpy(), ref, **tol)
    assert out.dtype == (ember.float32 if dtype == np.float32 else ember.float64)


def test_zero_offset_is_conv2d(rng, torch):
    x = rng.standard_normal((2, 4, 7, 6)).astype(np.float32)
    w = rng.standard_normal((6, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    off = np.zeros((2, 2 * 18, 4, 3), np.float32)                     # 2 offset groups
    ex, ew, eb = (ember.tensor(a, requires_grad=True) for a in (x, w, b))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    e = ops.deform_conv2d(ex, ember.tensor(off), ew, eb, stride=(2, 2), padding=1, dilation=1)
    t = torch.nn.functional.conv2d(tx, tw, tb, stride=2, padding=1, groups=2)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rng.standard_normal(tuple(t.shape)).astype(np.float32)
    e.backward(ember.tensor(g))
    t.backward(torch.tensor(g))
    for a, c in ((ex, tx), (ew, tw), (eb, tb)):
        np.testing.assert_allclose(a.grad.numpy(), c.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_gradcheck_all_inputs(rng):
    x = ember.tensor(rng.standard_normal((1, 2, 5, 5)), requires_grad=True)
    off = ember.tensor(rng.uniform(-1.3, 1.3, (1, 2 * 2 * 4, 4, 3)), requires_grad=True)   # 2 offset groups
    w = ember.tensor(rng.standard_normal((2, 2, 2, 2)), requires_grad=True)
    b = ember.tensor(rng.standard_normal(2), requires_grad=True)
    mask = ember.tensor(rng.random((1, 2 * 4, 4, 3)), requires_grad=True)
    fn = lambda x, off, w, b, mask: ops.deform_conv2d(x, off, w, b, (1, 2), (0, 1), 1, mask)  # noqa: E731
    assert ember.autograd.gradcheck(fn, (x, off, w, b, mask), eps=1e-6, atol=1e-6)


def test_module_and_errors(rng):
    ember.manual_seed(0)
    m = ops.DeformConv2d(4, 6, 3, padding=1, groups=2, bias=False)
    assert repr(m) == "DeformConv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2, bias=False)"
    assert list(m.state_dict()) == ["weight"] and m.weight.shape == (6, 2, 3, 3)
    x = ember.zeros(1, 4, 5, 5)
    assert m(x, ember.zeros(1, 18, 5, 5)).shape == (1, 6, 5, 5)
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        ops.DeformConv2d(3, 6, 3, groups=2)
    w = ember.zeros(2, 4, 3, 3)
    with pytest.raises(RuntimeError, match=r"should be a multiple of 2 \* weight.size\[2\] \* weight.size\[3\]"):
        ops.deform_conv2d(x, ember.zeros(1, 4, 3, 3), w)
    with pytest.raises(RuntimeError, match="offset.shape\\[1\\] is not valid: got: 20 expected: 18"):
        ops.deform_conv2d(x, ember.zeros(1, 20, 3, 3), w)
    with pytest.raises(RuntimeError, match=r"offset output dims: \(4, 4\) - computed output dims: \(3, 3\)"):
        ops.deform_conv2d(x, ember.zeros(1, 18, 4, 4), w)
    with pytest.raises(RuntimeError, match="mask.shape\\[1\\] is not valid: got: 8 expected: 9"):
        ops.deform_conv2d(x, ember.zeros(1, 18, 3, 3), w, mask=ember.zeros(1, 8, 3, 3))
    with pytest.raises(RuntimeError, match="invalid batch size of offset"):
        ops.deform_conv2d(x, ember.zeros(2, 18, 3, 3), w)
