"""Attention for ``ember.nn.functional``: ``scaled_dot_product_attention`` and
``multi_head_attention_forward`` (the math of ``nn.MultiheadAttention``).

>>> import ember.nn.functional as F
>>> q = ember.randn(2, 3, 5, 8)
>>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
torch.Size([2, 3, 5, 8])
"""
from .. import _autocast_state as _ac
from .._autocast_state import on as _ac_on
import warnings

from .._backend import np
from .._tensor import Tensor, _wrap, _dim_msg
from .._errors import broadcast_error as _broadcast_error
from .._dtype import NP2DT
from ..ops.nn.attention import attention, split_heads, torch_dtype_name
from ..ops.nn.linear import linear
from ..ops.shape.joining import cat
from ..ops.shape.flip_repeat import repeat_interleave
from ..ops._util import _TORCH_NAMES

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


# ---------------------------------------------------------------- scaled dot-product attention
def _bshape(a, b):
    err = _broadcast_error(a, b)
    if err is not None:
        raise err
    return tuple(np.broadcast_shapes(tuple(a), tuple(b)))


def _check_sdpa(query, key, value, attn_mask, dropout_p, is_causal):
    for name, pos, t in (("query", 1, query), ("key", 2, key), ("value", 3, value), ("attn_mask", 4, attn_mask)):
        if not isinstance(t, Tensor) and not (t is None and name == "attn_mask"):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' (position {pos}) must be "
                            f"Tensor, not {type(t).__name__}")
    q, k, v = query._data, key._data, value._data
    if q.dtype != k.dtype or q.dtype != v.dtype:
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{torch_dtype_name(q.dtype)} key.dtype: {torch_dtype_name(k.dtype)} and "
                           f"value.dtype: {torch_dtype_name(v.dtype)} instead.")
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but got "
                           f"query.dim: {q.ndim} key.dim: {k.ndim} and value.dim: {v.ndim} instead.")
    if q.dtype.kind not in "fV":
        raise RuntimeError(f"expected scalar type Float but found {_TORCH_NAMES.get(NP2DT[q.dtype].name)}")
    if attn_mask is not None:
        md = attn_mask._data.dtype
        if md != np.bool_ and md != np.float32 and md != q.dtype:
            raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {torch_dtype_name(md)} and  query.dtype: "
                               f"{torch_dtype_name(q.dtype)} instead.")
        if attn_mask._data.ndim < 2:
            raise IndexError(_dim_msg(-2, attn_mask._data.ndim))
        if is_causal:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")


def _check_shapes(q, k, v, m):
    bq, bk, bv = q.shape[:-2], k.shape[:-2], v.shape[:-2]
    if bk == bq and bv == bq and k.shape[-1] == q.shape[-1] and v.shape[-2] == k.shape[-2] and (
            m is None or (m.ndim <= q.ndim and all(
                x == 1 or x == y for x, y in zip(m.shape[::-1], (bq + (q.shape[-2], k.shape[-2]))[::-1])))):
        return                          # (the common case: the same batch dims, a mask that fits)
    b = _bshape(bq, bk)
    B = int(np.prod(b))
    if k.shape[-1] != q.shape[-1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{B}, "
                           f"{q.shape[-1]}] but got: [{B}, {k.shape[-1]}].")
    scores = b + (q.shape[-2], k.shape[-2])
    if m is not None:
        scores = _bshape(scores, m.shape)
    b = _bshape(scores[:-2], bv)
    B = int(np.prod(b))
    if v.shape[-2] != k.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{B}, "
                           f"{k.shape[-2]}] but got: [{B}, {v.shape[-2]}].")


def _gqa(query, key, value):
    """Repeat key/value heads (dim -3) to the query's head count, as ``enable_gqa=True``."""
    hq, hk, hv = (t.size(-3) for t in (query, key, value))
    if hq == hk == hv:
        return key, value
    if hq % hk or hq % hv:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    if hk != hq:
        key = repeat_interleave(key, hq // hk, dim=-3)
    if hv != hq:
        value = repeat_interleave(value, hq // hv, dim=-3)
    return key, value


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, *,
                                 scale=None, enable_gqa=False):
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two dims, any batch dims.

    ``attn_mask``: bool (True = take part) or float (added to the scores), broadcast to
    (..., L, S). ``is_causal`` masks out key j > query i (top-left aligned when L != S).
    ``scale`` defaults to ``1 / sqrt(E)``; ``dropout_p`` applies dropout to the
    probabilities; ``enable_gqa`` shares each key/value head among a group of query heads.
    Rows with every key masked give zeros. One fused node forward and backward.

    >>> q = ember.ones(1, 2, 4); v = ember.tensor([[[1., 0.], [3., 2.]]])
    >>> F.scaled_dot_product_attention(q, q, v, is_causal=True)
    tensor([[[1., 0.],
             [2., 1.]]])
    """
    if _ac_on[0]:
        query, key, value, attn_mask = _ac.lower(query, key, value, attn_mask)
    _check_sdpa(query, key, value, attn_mask, dropout_p, is_causal)
    if enable_gqa:
        key, value = _gqa(query, key, value)
    _check_shapes(query._data, key._data, value._data, None if attn_mask is None else attn_mask._data)
    if dropout_p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if scale is not None:
        scale = float(scale)
    return attention(query, key, value, attn_mask, max(float(dropout_p), 0.0), bool(is_causal), scale)


# ---------------------------------------------------------------- multi-head attention
def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Check the ranks of MHA's inputs; True when the input is batched (3-D)."""
    qd = query.dim()
    if qd == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D "
                                 f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                 f"but found {attn_mask.dim()}-D tensor instead")
        return True
    if qd == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                                 f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or "
                                     f"3-D but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {qd}-D query tensor")


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask (True = masked out) as a float mask of ``target_type`` (-inf / 0); float
    masks pass through. Warns when its type differs from ``other_type``."""
    if mask is None:
        return None
    md = mask._data.dtype
    is_float = md.kind in "fV"
    if md != np.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type "
                      "for both instead.", stacklevel=3)
    if not is_float:
        tdt = target_type.np if hasattr(target_type, "np") else np.dtype(target_type)
        mask = _wrap(np.where(mask._data, tdt.type(float("-inf")), tdt.type(0)))
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _batch_major(x):
    """True for a seq-first (T, N, E) tensor that is a transposed view of batch-first memory."""
    d = x._data
    return not d.flags.c_contiguous and d.transpose(1, 0, 2).flags.c_contiguous


def _project(x, w, b, G, H):
    """``linear(x, w, b)`` for seq-first ``x`` (T, N, Ein), split into G head tensors
    (N, H, T, hd). A batch-first tensor seen through a transpose is projected in its own
    memory order (one GEMM over contiguous rows)."""
    bm = _batch_major(x)
    return split_heads(linear(x.transpose(0, 1) if bm else x, w, b), G, H, bm)


def _pad_last(m):
    """Append a zero column (attend) to a float mask."""
    return cat([m, _wrap(np.zeros(m.shape[:-1] + (1,), m._data.dtype))], -1)


def _mask_dtype_check(md, qd, need_weights):
    """PyTorch's errors for a float mask (after merging) of another dtype than the query: the
    weights path adds it with ``baddbmm`` (dtypes must match), the other goes to SDPA
    (float32 or the query's dtype)."""
    mn, qn = torch_dtype_name(md), torch_dtype_name(qd)
    if need_weights:
        raise RuntimeError(f"Input dtypes must be the same, got: input {mn}, batch1: {qn}, batch2: {qn}")
    if md != np.float32:
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {mn} and  query.dtype: {qn} instead.")


def _static(t, name, bsz, H, hd):
    if t.size(0) != bsz * H:
        raise AssertionError(f"expecting {name}.size(0) of {bsz * H}, but got {t.size(0)}")
    if t.size(2) != hd:
        raise AssertionError(f"expecting {name}.size(2) of {hd}, but got {t.size(2)}")
    return t.reshape(bsz, H, t.size(1), hd)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
                                 in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight,
                                 out_proj_bias, training=True, key_padding_mask=None, need_weights=True,
                                 attn_mask=None, use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None,
                                 average_attn_weights=True, is_causal=False):
    """Multi-head attention on seq-first ``query`` (L, N, E) / ``key``, ``value`` (S, N, .)
    (or unbatched (L, E)); returns ``(attn_output, attn_weights or None)`` as ``nn.MultiheadAttention``.

    >>> E, H = 4, 2
    >>> x = ember.randn(3, 2, E)
    >>> out, w = F.multi_head_attention_forward(x, x, x, E, H, ember.randn(3 * E, E), ember.zeros(3 * E),
    ...     None, None, False, 0.0, ember.randn(E, E), ember.zeros(E))
    >>> out.shape, w.shape
    (torch.Size([3, 2, 4]), torch.Size([2, 3, 3]))
    """
    return _mha(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k,
                bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask,
                need_weights, attn_mask, use_separate_proj_weight, q_proj_weight, k_proj_weight,
                v_proj_weight, static_k, static_v, average_attn_weights, is_causal, True)


def _mha(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
         add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask, need_weights,
         attn_mask, use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
         average_attn_weights, is_causal, safe):
    """``multi_head_attention_forward``; ``safe=False`` gives NaN for rows with every key
    masked even without weights (PyTorch's fast path)."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    kv_same, qk_same = key is value, query is key
    if not is_batched:
        query = query.unsqueeze(1)
        key = query if qk_same else key.unsqueeze(1)
        value = key if kv_same else value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint alone goes to the attention kernel
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if need_weights:
        is_causal = False  # the weights path always uses the mask
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    H = num_heads
    head_dim = embed_dim // H
    if head_dim * H != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {H}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    # in-projection: one GEMM for self-attention, one for key+value when they are the same tensor
    E = embed_dim
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        w, b = in_proj_weight, in_proj_bias
        if qk_same and kv_same:
            q, k, v = _project(query, w, b, 3, H)
        elif kv_same:
            q, = _project(query, w[:E], None if b is None else b[:E], 1, H)
            k, v = _project(key, w[E:], None if b is None else b[E:], 2, H)
        else:
            ws = w.chunk(3)
            bs = (None,) * 3 if b is None else b.chunk(3)
            (q,), (k,), (v,) = (_project(x, ws[i], bs[i], 1, H) for i, x in enumerate((query, key, value)))
    else:
        for nm, pw in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if pw is None:
                raise AssertionError(f"use_separate_proj_weight is True but {nm}_proj_weight is None")
        bs = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        (q,), (k,), (v,) = (_project(x, pw, bs[i], 1, H) for i, (x, pw) in
                            enumerate(((query, q_proj_weight), (key, k_proj_weight), (value, v_proj_weight))))

    # masks, checked as seq-first (L, S) / (N*H, L, S); used as (L, S) / (N, H, L, S)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * H, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * H, tgt_len, src_len)}.")
            attn_mask = attn_mask.reshape(bsz, H, tgt_len, src_len)
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.reshape(1, H, 1, head_dim).expand(bsz, H, 1, head_dim)], 2)
        v = cat([v, bias_v.reshape(1, H, 1, head_dim).expand(bsz, H, 1, head_dim)], 2)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    if static_k is not None:
        k = _static(static_k, "static_k", bsz, H, head_dim)
    if static_v is not None:
        v = _static(static_v, "static_v", bsz, H, head_dim)
    if add_zero_attn:
        k = cat([k, _wrap(np.zeros((bsz, H, 1, head_dim), k._data.dtype))], 2)
        v = cat([v, _wrap(np.zeros((bsz, H, 1, head_dim), v._data.dtype))], 2)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.shape[2]
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if attn_mask is not None and attn_mask._data.dtype != query._data.dtype:
        _mask_dtype_check(attn_mask._data.dtype, query._data.dtype, need_weights)

    # attention (one fused node) and out-projection
    r = attention(q, k, v, attn_mask, dropout_p, is_causal, None, safe and not need_weights, need_weights)
    out, weights = r if need_weights else (r, None)
    if _batch_major(query):
        out = linear(out.permute(0, 2, 1, 3).reshape(bsz, tgt_len, E), out_proj_weight, out_proj_bias)
        out = out.transpose(0, 1)
    else:
        out = linear(out.permute(2, 0, 1, 3).reshape(tgt_len, bsz, E), out_proj_weight, out_proj_bias)
    if weights is not None and average_attn_weights:
        weights = weights.mean(dim=1)
    if not is_batched:
        out = out.squeeze(1)
        if weights is not None:
            weights = weights.squeeze(0)
    return out, weights

