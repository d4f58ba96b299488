"""Swin Transformer v1 (T/S/B) and v2 (T/S/B) (torchvision's module tree and keys).

>>> from ember.vision.models.swin_transformer import SwinTransformer
>>> m = SwinTransformer([4, 4], 8, [2, 2], [1, 2], [4, 4], num_classes=3)
>>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 3])
"""
import functools
import math

import ember
from ... import fx, nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder
from ._blocks import Permute, StochasticDepth
from .vision_transformer import MLPBlock

__all__ = ["SwinTransformer", "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b", "Swin_T_Weights",
           "Swin_S_Weights", "Swin_B_Weights", "Swin_V2_T_Weights", "Swin_V2_S_Weights", "Swin_V2_B_Weights"]
F = nn.functional


def _patch_merging_pad(x):
    h, w = x.shape[-3], x.shape[-2]
    x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
    return ember.cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :], x[..., 1::2, 1::2, :]], -1)


fx.wrap("_patch_merging_pad")   # one node when traced (torch.fx / feature extraction), as torchvision


def _get_relative_position_bias(table, index, window_size):
    n = window_size[0] * window_size[1]
    bias = table[index].view(n, n, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


fx.wrap("_get_relative_position_bias")   # one node when traced (torch.fx / feature extraction), as torchvision


class PatchMerging(nn.Module):
    """Merge 2x2 neighbouring patches (channels-last): concatenate, LayerNorm, linear 4C -> 2C."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """Swin v2 patch merging: the norm comes after the reduction."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x):
        return self.norm(self.reduction(_patch_merging_pad(x)))


def _shift_mask(pad_h, pad_w, window_size, shift_size, num_windows, like):
    mask = like.new_zeros((pad_h, pad_w))
    count = 0
    for h in ((0, -window_size[0]), (-window_size[0], -shift_size[0]), (-shift_size[0], None)):
        for w in ((0, -window_size[1]), (-window_size[1], -shift_size[1]), (-shift_size[1], None)):
            mask[h[0]:h[1], w[0]:w[1]] = count
            count += 1
    mask = mask.view(pad_h // window_size[0], window_size[0], pad_w // window_size[1], window_size[1])
    mask = mask.permute(0, 2, 1, 3).reshape(num_windows, window_size[0] * window_size[1])
    mask = mask.unsqueeze(1) - mask.unsqueeze(2)
    return mask.masked_fill(mask != 0, float(-100.0)).masked_fill(mask == 0, float(0.0))


def shifted_window_attention(input, qkv_weight, proj_weight, relative_position_bias, window_size, num_heads,
                             shift_size, attention_dropout=0.0, dropout=0.0, qkv_bias=None, proj_bias=None,
                             logit_scale=None, training=True):
    """(Shifted) window multi-head self-attention with relative position bias on ``[B, H, W, C]`` input;
    ``logit_scale`` selects Swin v2's scaled cosine attention."""
    b, h, w, c = input.shape
    pad_r = (window_size[1] - w % window_size[1]) % window_size[1]
    pad_b = (window_size[0] - h % window_size[0]) % window_size[0]
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, pad_h, pad_w, _ = x.shape
    shift_size = list(shift_size)
    if window_size[0] >= pad_h:
        shift_size[0] = 0
    if window_size[1] >= pad_w:
        shift_size[1] = 0
    if sum(shift_size) > 0:
        x = ember.roll(x, shifts=(-shift_size[0], -shift_size[1]), dims=(1, 2))
    nw = (pad_h // window_size[0]) * (pad_w // window_size[1])
    x = x.view(b, pad_h // window_size[0], window_size[0], pad_w // window_size[1], window_size[1], c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b * nw, window_size[0] * window_size[1], c)
    if logit_scale is not None and qkv_bias is not None:
        n3 = qkv_bias.numel() // 3
        qkv_bias = ember.cat([qkv_bias[:n3], ember.zeros_like(qkv_bias[n3:2 * n3]), qkv_bias[2 * n3:]])
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * ember.clamp(logit_scale, max=math.log(100.0)).exp()
    else:
        attn = (q * (c // num_heads) ** -0.5).matmul(k.transpose(-2, -1))
    attn = attn + relative_position_bias
    if sum(shift_size) > 0:
        mask = _shift_mask(pad_h, pad_w, window_size, shift_size, nw, x)
        attn = attn.view(x.size(0) // nw, nw, num_heads, x.size(1), x.size(1)) + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, pad_h // window_size[0], pad_w // window_size[1], window_size[0], window_size[1], c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b, pad_h, pad_w, c)
    if sum(shift_size) > 0:
        x = ember.roll(x, shifts=(shift_size[0], shift_size[1]), dims=(1, 2))
    return x[:, :h, :w, :].contiguous()


fx.wrap("shifted_window_attention")   # one node when traced (torch.fx / feature extraction), as torchvision


class ShiftedWindowAttention(nn.Module):
    """Window attention with a learned relative position bias table (Swin v1)."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0,
                 dropout=0.0):
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
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
        ws = self.window_size
        self.relative_position_bias_table = nn.Parameter(ember.zeros((2 * ws[0] - 1) * (2 * ws[1] - 1),
                                                                     self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        ws = self.window_size
        coords = ember.stack(ember.meshgrid(ember.arange(ws[0]), ember.arange(ws[1]), indexing="ij"))
        flat = ember.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        rel[:, :, 0] += ws[0] - 1
        rel[:, :, 1] += ws[1] - 1
        rel[:, :, 0] *= 2 * ws[1] - 1
        self.register_buffer("relative_position_index", rel.sum(-1).flatten())

    def get_relative_position_bias(self):
        return _get_relative_position_bias(self.relative_position_bias_table, self.relative_position_index,
                                           self.window_size)

    def forward(self, x):
        bias = self.get_relative_position_bias()       # (first, as torchvision: the traced graph's order)
        return shifted_window_attention(x, self.qkv.weight, self.proj.weight, bias,
                                        self.window_size, self.num_heads, shift_size=self.shift_size,
                                        attention_dropout=self.attention_dropout, dropout=self.dropout,
                                        qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, training=self.training)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """Swin v2 window attention: scaled cosine attention and a continuous (MLP) position bias."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0,
                 dropout=0.0):
        super().__init__(dim, window_size, shift_size, num_heads, qkv_bias=qkv_bias, proj_bias=proj_bias,
                         attention_dropout=attention_dropout, dropout=dropout)
        self.logit_scale = nn.Parameter(ember.log(10 * ember.ones((num_heads, 1, 1))))
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True),
                                     nn.Linear(512, num_heads, bias=False))
        if qkv_bias:
            n3 = self.qkv.bias.numel() // 3
            with ember.no_grad():
                self.qkv.bias[n3:2 * n3].zero_()

    def define_relative_position_bias_table(self):
        ws = self.window_size
        h = ember.arange(-(ws[0] - 1), ws[0], dtype=ember.float32)
        w = ember.arange(-(ws[1] - 1), ws[1], dtype=ember.float32)
        table = ember.stack(ember.meshgrid([h, w], indexing="ij")).permute(1, 2, 0).contiguous().unsqueeze(0)
        table[:, :, :, 0] /= ws[0] - 1
        table[:, :, :, 1] /= ws[1] - 1
        table *= 8
        table = ember.sign(table) * ember.log2(ember.abs(table) + 1.0) / 3.0
        self.register_buffer("relative_coords_table", table)

    def get_relative_position_bias(self):
        bias = _get_relative_position_bias(self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads),
                                           self.relative_position_index, self.window_size)
        return 16 * ember.sigmoid(bias)

    def forward(self, x):
        bias = self.get_relative_position_bias()       # (first, as torchvision: the traced graph's order)
        return shifted_window_attention(x, self.qkv.weight, self.proj.weight, bias,
                                        self.window_size, self.num_heads, shift_size=self.shift_size,
                                        attention_dropout=self.attention_dropout, dropout=self.dropout,
                                        qkv_bias=self.qkv.bias, proj_bias=self.proj.bias,
                                        logit_scale=self.logit_scale, training=self.training)


class _SwinMLP(MLPBlock):
    """The block MLP (children 0..4 as torchvision.ops.MLP), without the ViT key remapping."""
    _version = 1

    def _load_from_state_dict(self, *args, **kwargs):
        nn.Module._load_from_state_dict(self, *args, **kwargs)


class SwinTransformerBlock(nn.Module):
    """Pre-norm Swin block: ``x + sd(attn(norm1(x)))`` then ``+ sd(mlp(norm2(.)))``."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm, attn_layer=ShiftedWindowAttention):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(dim, window_size, shift_size, num_heads, attention_dropout=attention_dropout,
                               dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = _SwinMLP(dim, int(dim * mlp_ratio), dropout)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """Swin v2 block: residual post-norm, ``x + sd(norm1(attn(x)))``."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm, attn_layer=ShiftedWindowAttentionV2):
        super().__init__(dim, num_heads, window_size, shift_size, mlp_ratio=mlp_ratio, dropout=dropout,
                         attention_dropout=attention_dropout, stochastic_depth_prob=stochastic_depth_prob,
                         norm_layer=norm_layer, attn_layer=attn_layer)

    def forward(self, x):
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


class SwinTransformer(nn.Module):
    """Swin Transformer: patch embedding, stages of (shifted) window blocks with patch merging, norm, head."""

    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=1000, norm_layer=None, block=None,
                 downsample_layer=PatchMerging):
        super().__init__()
        self.num_classes = num_classes
        block = SwinTransformerBlock if block is None else block
        norm_layer = functools.partial(nn.LayerNorm, eps=1e-5) if norm_layer is None else norm_layer
        layers = [nn.Sequential(nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]),
                                          stride=(patch_size[0], patch_size[1])),
                                Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        total = sum(depths)
        block_id = 0
        for i_stage in range(len(depths)):
            dim = embed_dim * 2 ** i_stage
            stage = []
            for i_layer in range(depths[i_stage]):
                stage.append(block(dim, num_heads[i_stage], window_size=window_size,
                                   shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                                   mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout,
                                   stochastic_depth_prob=stochastic_depth_prob * float(block_id) / (total - 1),
                                   norm_layer=norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


def _swin_transformer(patch_size, embed_dim, depths, num_heads, window_size, stochastic_depth_prob, weights,
                      progress, **kwargs):
    model = SwinTransformer(patch_size=patch_size, embed_dim=embed_dim, depths=depths, num_heads=num_heads,
                            window_size=window_size, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    return _load_weights(model, weights, progress)


Swin_T_Weights = _make_weights_enum("swin_t")
Swin_S_Weights = _make_weights_enum("swin_s")
Swin_B_Weights = _make_weights_enum("swin_b")
Swin_V2_T_Weights = _make_weights_enum("swin_v2_t")
Swin_V2_S_Weights = _make_weights_enum("swin_v2_s")
Swin_V2_B_Weights = _make_weights_enum("swin_v2_b")


@builder(Swin_T_Weights, legacy_default="IMAGENET1K_V1")
def swin_t(*, weights=None, progress=True, **kwargs):
    """Swin-T; ``weights`` a :class:`Swin_T_Weights` member.

    >>> from ember.vision.models.swin_transformer import Swin_T_Weights
    >>> Swin_T_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Swin_T_Weights, weights, kwargs)
    return _swin_transformer([4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [7, 7], 0.2, weights, progress, **kwargs)


@builder(Swin_S_Weights, legacy_default="IMAGENET1K_V1")
def swin_s(*, weights=None, progress=True, **kwargs):
    """Swin-S; ``weights`` a :class:`Swin_S_Weights` member.

    >>> from ember.vision.models.swin_transformer import Swin_S_Weights
    >>> Swin_S_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Swin_S_Weights, weights, kwargs)
    return _swin_transformer([4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [7, 7], 0.3, weights, progress, **kwargs)


@builder(Swin_B_Weights, legacy_default="IMAGENET1K_V1")
def swin_b(*, weights=None, progress=True, **kwargs):
    """Swin-B; ``weights`` a :class:`Swin_B_Weights` member.

    >>> from ember.vision.models.swin_transformer import Swin_B_Weights
    >>> Swin_B_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Swin_B_Weights, weights, kwargs)
    return _swin_transformer([4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [7, 7], 0.5, weights, progress, **kwargs)


@builder(Swin_V2_T_Weights, legacy_default="IMAGENET1K_V1")
def swin_v2_t(*, weights=None, progress=True, **kwargs):
    """Swin-V2-T; ``weights`` a :class:`Swin_V2_T_Weights` member.

    >>> from ember.vision.models.swin_transformer import Swin_V2_T_Weights
    >>> Swin_V2_T_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Swin_V2_T_Weights, weights, kwargs)
    return _swin_transformer([4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [8, 8], 0.2,
                             weights, progress, block=SwinTransformerBlockV2,
                             downsample_layer=PatchMergingV2, **kwargs)


@builder(Swin_V2_S_Weights, legacy_default="IMAGENET1K_V1")
def swin_v2_s(*, weights=None, progress=True, **kwargs):
    """Swin-V2-S; ``weights`` a :class:`Swin_V2_S_Weights` member.

    >>> from ember.vision.models.swin_transformer import Swin_V2_S_Weights
    >>> Swin_V2_S_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Swin_V2_S_Weights, weights, kwargs)
    return _swin_transformer([4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [8, 8], 0.3,
                             weights, progress, block=SwinTransformerBlockV2,
                             downsample_layer=PatchMergingV2, **kwargs)


@builder(Swin_V2_B_Weights, legacy_default="IMAGENET1K_V1")
def swin_v2_b(*, weights=None, progress=True, **kwargs):
    """Swin-V2-B; ``weights`` a :class:`Swin_V2_B_Weights` member.

    >>> from ember.vision.models.swin_transformer import Swin_V2_B_Weights
    >>> Swin_V2_B_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Swin_V2_B_Weights, weights, kwargs)
    return _swin_transformer([4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [8, 8], 0.5,
                             weights, progress, block=SwinTransformerBlockV2,
                             downsample_layer=PatchMergingV2, **kwargs)
