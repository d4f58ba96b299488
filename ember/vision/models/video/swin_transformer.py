"""Video Swin Transformer, swin3d_t/s/b (torchvision's module tree and state_dict keys): 3D
(shifted) window attention over ``(T, H, W)`` token grids, 2D patch merging per frame.

>>> from ember.vision.models.video import SwinTransformer3d
>>> m = SwinTransformer3d([2, 4, 4], 8, [1, 1], [1, 2], [2, 2, 2], num_classes=3)
>>> m.eval()(ember.zeros(1, 3, 4, 16, 16)).shape
torch.Size([1, 3])
"""
import functools

import ember
from .... import nn
from .._api import _load_weights, _make_weights_enum, _prepare, builder
from ..swin_transformer import PatchMerging, SwinTransformerBlock

__all__ = ["SwinTransformer3d", "Swin3D_T_Weights", "Swin3D_S_Weights", "Swin3D_B_Weights", "swin3d_t", "swin3d_s",
           "swin3d_b"]
F = nn.functional


def _window_and_shift(shift_size, size_dhw, window_size):
    """A window no larger than the token grid (and no shift along a dimension it covers whole)."""
    window_size, shift_size = list(window_size), list(shift_size)
    for i in range(3):
        if size_dhw[i] <= window_size[i]:
            window_size[i], shift_size[i] = size_dhw[i], 0
    return window_size, shift_size


def _pad_3d(size_dhw, patch_size):
    return tuple((patch_size[i] - size_dhw[i] % patch_size[i]) % patch_size[i] for i in range(3))


def _shift_mask_3d(like, size_dhw, window_size, shift_size):
    """(num_windows, V, V) additive mask: -100 between tokens that the cyclic shift brought together."""
    mask = like.new_zeros(size_dhw)
    spans = [((0, -window_size[i]), (-window_size[i], -shift_size[i]), (-shift_size[i], None)) for i in range(3)]
    count = 0
    for d in spans[0]:
        for h in spans[1]:
            for w in spans[2]:
                mask[d[0]:d[1], h[0]:h[1], w[0]:w[1]] = count
                count += 1
    n = [size_dhw[i] // window_size[i] for i in range(3)]
    mask = mask.view(n[0], window_size[0], n[1], window_size[1], n[2], window_size[2])
    mask = mask.permute(0, 2, 4, 1, 3, 5).reshape(n[0] * n[1] * n[2], -1)
    mask = mask.unsqueeze(1) - mask.unsqueeze(2)
    return mask.masked_fill(mask != 0, float(-100.0)).masked_fill(mask == 0, float(0.0))


def shifted_window_attention_3d(input, qkv_weight, proj_weight, relative_position_bias, window_size, num_heads,
                                shift_size, attention_dropout=0.0, dropout=0.0, qkv_bias=None, proj_bias=None,
                                training=True):
    """(Shifted) window multi-head self-attention with relative position bias on ``[B, T, H, W, C]`` input.

    >>> from ember.vision.models.video.swin_transformer import shifted_window_attention_3d
    >>> x = ember.randn(1, 2, 4, 4, 4)
    >>> bias = ember.zeros(1, 1, 8, 8)
    >>> y = shifted_window_attention_3d(x, ember.randn(12, 4), ember.eye(4), bias, [2, 2, 2], 1, [1, 1, 1])
    >>> y.shape
    torch.Size([1, 2, 4, 4, 4])
    """
    b, t, h, w, c = input.shape
    pad = _pad_3d((t, h, w), window_size)
    x = F.pad(input, (0, 0, 0, pad[2], 0, pad[1], 0, pad[0]))
    _, tp, hp, wp, _ = x.shape
    shifted = sum(shift_size) > 0
    if shifted:
        x = ember.roll(x, shifts=(-shift_size[0], -shift_size[1], -shift_size[2]), dims=(1, 2, 3))
    n = (tp // window_size[0], hp // window_size[1], wp // window_size[2])
    nw = n[0] * n[1] * n[2]
    x = x.view(b, n[0], window_size[0], n[1], window_size[1], n[2], window_size[2], c)
    x = x.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(b * nw, window_size[0] * window_size[1] * window_size[2], c)
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = (q * (c // num_heads) ** -0.5).matmul(k.transpose(-2, -1)) + relative_position_bias
    if shifted:
        mask = _shift_mask_3d(x, (tp, hp, wp), window_size, shift_size)
        attn = attn.view(x.size(0) // nw, nw, num_heads, x.size(1), x.size(1)) + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, n[0], n[1], n[2], window_size[0], window_size[1], window_size[2], c)
    x = x.permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(b, tp, hp, wp, c)
    if shifted:
        x = ember.roll(x, shifts=(shift_size[0], shift_size[1], shift_size[2]), dims=(1, 2, 3))
    return x[:, :t, :h, :w, :].contiguous()


class ShiftedWindowAttention3d(nn.Module):
    """3D window attention with a learned relative position bias table (one entry per (dt, dh, dw)).

    >>> from ember.vision.models.video.swin_transformer import ShiftedWindowAttention3d
    >>> a = ShiftedWindowAttention3d(4, [2, 2, 2], [1, 1, 1], 2)
    >>> tuple(a.relative_position_bias_table.shape), tuple(a.relative_position_index.shape)
    ((27, 2), (8, 8))
    """

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0,
                 dropout=0.0):
        super().__init__()
        if len(window_size) != 3 or len(shift_size) != 3:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        """The (2Wd-1)(2Wh-1)(2Ww-1) x num_heads bias table, truncated-normal (std 0.02)."""
        ws = self.window_size
        self.relative_position_bias_table = nn.Parameter(
            ember.zeros((2 * ws[0] - 1) * (2 * ws[1] - 1) * (2 * ws[2] - 1), self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        """The (V, V) buffer of table rows for each pair of positions in a full window (V = Wd*Wh*Ww)."""
        ws = self.window_size
        coords = ember.stack(ember.meshgrid(*[ember.arange(ws[i]) for i in range(3)], indexing="ij"))
        flat = ember.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        for i in range(3):
            rel[:, :, i] += ws[i] - 1
        rel[:, :, 0] *= (2 * ws[1] - 1) * (2 * ws[2] - 1)
        rel[:, :, 1] *= 2 * ws[2] - 1
        self.register_buffer("relative_position_index", rel.sum(-1))

    def get_relative_position_bias(self, window_size):
        """The (1, heads, V, V) bias for a (possibly shrunken) window, from the index's top-left block."""
        vol = window_size[0] * window_size[1] * window_size[2]
        bias = self.relative_position_bias_table[self.relative_position_index[:vol, :vol].flatten()]
        return bias.view(vol, vol, -1).permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x):
        _, t, h, w, _ = x.shape
        window_size, shift_size = _window_and_shift(self.shift_size, [t, h, w], self.window_size)
        return shifted_window_attention_3d(x, self.qkv.weight, self.proj.weight,
                                           self.get_relative_position_bias(window_size), window_size, self.num_heads,
                                           shift_size=shift_size, attention_dropout=self.attention_dropout,
                                           dropout=self.dropout, qkv_bias=self.qkv.bias, proj_bias=self.proj.bias,
                                           training=self.training)


class PatchEmbed3d(nn.Module):
    """Clip to patch tokens: pad to whole patches, a strided Conv3d, channels-last, optional norm.

    >>> from ember.vision.models.video.swin_transformer import PatchEmbed3d
    >>> PatchEmbed3d([2, 4, 4], embed_dim=8)(ember.zeros(1, 3, 3, 10, 8)).shape
    torch.Size([1, 2, 3, 2, 8])
    """

    def __init__(self, patch_size, in_channels=3, embed_dim=96, norm_layer=None):
        super().__init__()
        self.tuple_patch_size = (patch_size[0], patch_size[1], patch_size[2])
        self.proj = nn.Conv3d(in_channels, embed_dim, kernel_size=self.tuple_patch_size, stride=self.tuple_patch_size)
        self.norm = norm_layer(embed_dim) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        _, _, t, h, w = x.shape
        pad = _pad_3d((t, h, w), self.tuple_patch_size)
        x = self.proj(F.pad(x, (0, pad[2], 0, pad[1], 0, pad[0])))
        return self.norm(x.permute(0, 2, 3, 4, 1))


class SwinTransformer3d(nn.Module):
    """Video Swin Transformer (Liu et al., 2022): 3D patch embedding, stages of (shifted) 3D window
    blocks with per-frame patch merging, norm, global average pool and a linear head.

    >>> from ember.vision.models.video import SwinTransformer3d
    >>> SwinTransformer3d([2, 4, 4], 8, [1, 1], [1, 2], [2, 2, 2], num_classes=3).head.in_features
    16
    """

    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=400, norm_layer=None, block=None,
                 downsample_layer=PatchMerging, patch_embed=None):
        super().__init__()
        self.num_classes = num_classes
        if block is None:
            block = functools.partial(SwinTransformerBlock, attn_layer=ShiftedWindowAttention3d)
        norm_layer = functools.partial(nn.LayerNorm, eps=1e-5) if norm_layer is None else norm_layer
        patch_embed = PatchEmbed3d if patch_embed is None else patch_embed
        self.patch_embed = patch_embed(patch_size=patch_size, embed_dim=embed_dim, norm_layer=norm_layer)
        self.pos_drop = nn.Dropout(p=dropout)
        layers = []
        total, block_id = sum(depths), 0
        for i_stage, depth in enumerate(depths):
            dim = embed_dim * 2 ** i_stage
            stage = []
            for i_layer in range(depth):
                stage.append(block(dim, num_heads[i_stage], window_size=window_size,
                                   shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                                   mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout,
                                   stochastic_depth_prob=stochastic_depth_prob * float(block_id) / (total - 1),
                                   norm_layer=norm_layer, attn_layer=ShiftedWindowAttention3d))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        self.num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(self.num_features)
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.head = nn.Linear(self.num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.norm(self.features(self.pos_drop(self.patch_embed(x))))
        x = self.avgpool(x.permute(0, 4, 1, 2, 3))
        return self.head(ember.flatten(x, 1))


def _swin_transformer3d(patch_size, embed_dim, depths, num_heads, window_size, stochastic_depth_prob, weights,
                        progress, **kwargs):
    model = SwinTransformer3d(patch_size=patch_size, embed_dim=embed_dim, depths=depths, num_heads=num_heads,
                              window_size=window_size, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    return _load_weights(model, weights, progress)


_TABLE = "video/_weights_table.json"
Swin3D_T_Weights = _make_weights_enum("swin3d_t", _TABLE, __name__)
Swin3D_S_Weights = _make_weights_enum("swin3d_s", _TABLE, __name__)
Swin3D_B_Weights = _make_weights_enum("swin3d_b", _TABLE, __name__)


@builder(Swin3D_T_Weights, legacy_default="KINETICS400_V1")
def swin3d_t(*, weights=None, progress=True, **kwargs):
    """Video Swin-T; ``weights`` a :class:`Swin3D_T_Weights` member.

    >>> from ember.vision.models.video import Swin3D_T_Weights
    >>> Swin3D_T_Weights.DEFAULT.meta["num_params"]
    28158070
    """
    weights = _prepare(Swin3D_T_Weights, weights, kwargs)
    return _swin_transformer3d([2, 4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [8, 7, 7], 0.1, weights, progress,
                               **kwargs)


@builder(Swin3D_S_Weights, legacy_default="KINETICS400_V1")
def swin3d_s(*, weights=None, progress=True, **kwargs):
    """Video Swin-S; ``weights`` a :class:`Swin3D_S_Weights` member.

    >>> from ember.vision.models.video import Swin3D_S_Weights
    >>> Swin3D_S_Weights.DEFAULT.meta["num_params"]
    49816678
    """
    weights = _prepare(Swin3D_S_Weights, weights, kwargs)
    return _swin_transformer3d([2, 4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [8, 7, 7], 0.1, weights, progress,
                               **kwargs)


@builder(Swin3D_B_Weights, legacy_default="KINETICS400_V1")
def swin3d_b(*, weights=None, progress=True, **kwargs):
    """Video Swin-B; ``weights`` a :class:`Swin3D_B_Weights` member (``KINETICS400_V1`` or
    ``KINETICS400_IMAGENET22K_V1``).

    >>> from ember.vision.models.video import Swin3D_B_Weights
    >>> [w.name for w in Swin3D_B_Weights]
    ['KINETICS400_V1', 'KINETICS400_IMAGENET22K_V1']
    """
    weights = _prepare(Swin3D_B_Weights, weights, kwargs)
    return _swin_transformer3d([2, 4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [8, 7, 7], 0.1, weights, progress,
                               **kwargs)
