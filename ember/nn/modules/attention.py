"""Multi-head attention.

>>> mha = ember.nn.MultiheadAttention(8, 2, batch_first=True)
>>> x = ember.randn(3, 5, 8)
>>> out, w = mha(x, x, x)
>>> out.shape, w.shape
(torch.Size([3, 5, 8]), torch.Size([3, 5, 5]))
"""
from .module import Module
from .linear import NonDynamicallyQuantizableLinear
from ..parameter import Parameter
from .. import init
from .. import functional_attn as FA
from ..._creation import empty
from ...autograd import grad_mode

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Attention of ``num_heads`` heads of size ``embed_dim // num_heads``, as PyTorch's:
    in-projection (``in_proj_weight`` (3E, E), or ``q/k/v_proj_weight`` when ``kdim`` or
    ``vdim`` differ from E), scaled dot-product attention per head, then ``out_proj``.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(attn_output, attn_weights)``;
    inputs are (L, N, E) (``(N, L, E)`` with ``batch_first``) or unbatched (L, E). Bool
    masks mark positions *not* to attend; float masks are added to the scores.

    >>> mha = ember.nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
    >>> out, w = mha(ember.randn(6, 4), ember.randn(7, 3), ember.randn(7, 5), need_weights=False)
    >>> out.shape, w
    (torch.Size([6, 4]), None)
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        super().__init__()
        fk = {"device": device, "dtype": dtype}
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **fk))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **fk))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **fk))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **fk))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **fk))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **fk)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **fk))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **fk))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    reset_parameters = _reset_parameters

    def __setstate__(self, state):
        state.setdefault("_qkv_same_embed_dim", True)
        super().__setstate__(state)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        fast_like = self._fast_path_like(query, key, value, attn_mask, key_padding_mask)
        return self._attend(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights,
                            is_causal, not fast_like)

    def _attend(self, query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights,
                is_causal, safe):
        """``forward``; ``safe=False`` gives NaN for rows with every key masked (PyTorch's fused kernels)."""
        key_padding_mask = FA._canonical_mask(key_padding_mask, "key_padding_mask", FA._none_or_dtype(attn_mask),
                                              "attn_mask", query.dtype)
        attn_mask = FA._canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        batched = query.dim() == 3
        if self.batch_first and batched:  # seq-first views, keeping `query is key is value`
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = (x.transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        sep = not self._qkv_same_embed_dim
        out, weights = FA._mha(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            self.training, key_padding_mask, need_weights, attn_mask, sep, self.q_proj_weight if sep else None,
            self.k_proj_weight if sep else None, self.v_proj_weight if sep else None, None, None,
            average_attn_weights, is_causal, safe)
        return (out.transpose(1, 0) if self.batch_first and batched else out), weights

    def _fast_path_like(self, query, key, value, attn_mask, key_padding_mask):
        """True where PyTorch takes its inference fast path (which gives NaN, not zeros,
        for rows with every key masked); the numbers are otherwise the same."""
        if any(m is not None and m.is_floating_point() for m in (attn_mask, key_padding_mask)):
            return False
        from ... import backends
        if not backends.mha.get_fastpath_enabled():
            return False
        w, b = self.in_proj_weight, self.in_proj_bias
        if (query.dim() != 3 or query is not key or key is not value or self.training or not self.batch_first
                or self.num_heads % 2 or self.bias_k is not None or self.add_zero_attn or w is None
                or b is None or query.dtype != w.dtype or query.dtype != b.dtype):
            return False
        if grad_mode._state[0] and any(t is not None and t.requires_grad for t in
                                       (query, w, b, self.out_proj.weight, self.out_proj.bias)):
            return False
        return True

    def merge_masks(self, attn_mask, key_padding_mask, query):
        """Combine float masks as the fast path does: returns ``(merged_mask, mask_type)``
        with type 0 (attn_mask), 1 (key_padding_mask) or 2 (both, (N, H, L, L)).

        >>> m = ember.nn.MultiheadAttention(4, 2)
        >>> m.merge_masks(None, ember.zeros(3, 5), ember.zeros(3, 5, 4))[1]
        1
        """
        mask_type = merged = None
        if key_padding_mask is not None:
            mask_type, merged = 1, key_padding_mask
        if attn_mask is not None:
            n, L, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                merged = attn_mask.view(n, -1, L, L)
            else:
                merged = attn_mask.view(1, 1, L, L).expand(n, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                merged = merged + key_padding_mask.view(n, 1, 1, L).expand(-1, self.num_heads, -1, -1)
        return merged, mask_type
