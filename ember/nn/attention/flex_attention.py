"""``torch.nn.attention.flex_attention``: the names exist; FlexAttention itself is not built.

The mask combinators work on plain functions; ``create_block_mask`` and ``flex_attention``
raise ``NotImplementedError`` (use ``scaled_dot_product_attention`` with a mask).

>>> from ember.nn.attention.flex_attention import *
>>> m = and_masks(noop_mask, lambda b, h, q, kv: kv <= q)
>>> bool(m(0, 0, ember.tensor(1), ember.tensor(0)))
True
"""
from dataclasses import dataclass

from ... import _creation

__all__ = ["BlockMask", "flex_attention", "AuxOutput", "AuxRequest", "create_block_mask", "create_mask",
           "or_masks", "and_masks", "noop_mask"]

_DEFAULT_SPARSE_BLOCK_SIZE = 128
_WHY = ("ember has no FlexAttention (torch.nn.attention.flex_attention.{} is not built); "
        "use torch.nn.functional.scaled_dot_product_attention with attn_mask")


class BlockMask:
    """FlexAttention's block-sparse mask (not built in ember: construction raises).

    >>> from ember.nn.attention.flex_attention import *
    >>> isinstance(None, BlockMask)
    False
    """

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_WHY.format("BlockMask"))

    @classmethod
    def from_kv_blocks(cls, *args, **kwargs):
        raise NotImplementedError(_WHY.format("BlockMask.from_kv_blocks"))


@dataclass(frozen=True)
class AuxRequest:
    """Which auxiliary outputs ``flex_attention`` should return.

    >>> from ember.nn.attention.flex_attention import *
    >>> AuxRequest().lse
    False
    """
    lse: bool = False
    max_scores: bool = False


@dataclass
class AuxOutput:
    """Auxiliary outputs of ``flex_attention``.

    >>> from ember.nn.attention.flex_attention import *
    >>> AuxOutput().lse is None
    True
    """
    lse: object = None
    max_scores: object = None


def noop_mask(batch, head, token_q, token_kv):
    """The mask that keeps every position.

    >>> from ember.nn.attention.flex_attention import *
    >>> bool(noop_mask(0, 0, 0, 0))
    True
    """
    return _creation.ones((), dtype=_bool())


def _bool():
    from ... import _dtype
    return _dtype.bool


def and_masks(*mask_mods):
    """A mask function keeping a position only when every ``mask_mods`` keeps it.

    >>> from ember.nn.attention.flex_attention import *
    >>> bool(and_masks(noop_mask)(0, 0, 0, 0))
    True
    """
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def mask(b, h, q, kv):
        result = _creation.ones((), dtype=_bool())
        for m in mask_mods:
            result = result & m(b, h, q, kv)
        return result
    return mask


def or_masks(*mask_mods):
    """A mask function keeping a position when any of ``mask_mods`` keeps it.

    >>> from ember.nn.attention.flex_attention import *
    >>> bool(or_masks(noop_mask)(0, 0, 0, 0))
    True
    """
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def mask(b, h, q, kv):
        result = _creation.zeros((), dtype=_bool())
        for m in mask_mods:
            result = result | m(b, h, q, kv)
        return result
    return mask


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device=None, BLOCK_SIZE=128, _compile=False,
                      separate_full_blocks=True, compute_dq_write_order=False, dq_kv_order=True):
    """Build a ``BlockMask`` (not built in ember).

    >>> from ember.nn.attention.flex_attention import *
    >>> callable(create_block_mask)
    True
    """
    raise NotImplementedError(_WHY.format("create_block_mask"))


def create_mask(mod_fn, B, H, Q_LEN, KV_LEN, device=None):
    """A dense boolean mask of shape ``(B, H, Q_LEN, KV_LEN)`` from a mask function.

    >>> from ember.nn.attention.flex_attention import *
    >>> create_mask(lambda b, h, q, kv: kv <= q, 1, 1, 2, 2)
    tensor([[[[ True, False],
              [ True,  True]]]])
    """
    b = _creation.arange(B or 1).view(-1, 1, 1, 1)
    h = _creation.arange(H or 1).view(1, -1, 1, 1)
    q = _creation.arange(Q_LEN).view(1, 1, -1, 1)
    kv = _creation.arange(KV_LEN).view(1, 1, 1, -1)
    out = mod_fn(b, h, q, kv)
    return out.expand(B or 1, H or 1, Q_LEN, KV_LEN).clone()


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None, enable_gqa=False,
                   return_lse=False, kernel_options=None, *, return_aux=None):
    """FlexAttention (not built in ember).

    >>> from ember.nn.attention.flex_attention import *
    >>> callable(flex_attention)
    True
    """
    raise NotImplementedError(_WHY.format("flex_attention"))
