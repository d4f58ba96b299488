"""Vision Transformer ViT-B/16, B/32, L/16, L/32, H/14 (torchvision's module tree and keys).

>>> from ember.vision.models.vision_transformer import VisionTransformer
>>> m = VisionTransformer(image_size=32, patch_size=16, num_layers=1, num_heads=2, hidden_dim=8, mlp_dim=16)
>>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 1000])
"""
import functools
import math
from collections import OrderedDict

import ember
from ... import nn
from ._api import _load_weights, _make_weights_enum, _ovewrite_named_param, _prepare, builder
from ._blocks import MLP

__all__ = ["VisionTransformer", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14", "ViT_B_16_Weights",
           "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights", "ViT_H_14_Weights"]


class MLPBlock(MLP):
    """Linear, GELU, Dropout, Linear, Dropout (children ``0``..``4``); reads old ``linear_1``/``linear_2`` keys.

    >>> from ember.vision.models.vision_transformer import MLPBlock
    >>> [k for k in MLPBlock(4, 8, 0.0).state_dict()]
    ['0.weight', '0.bias', '3.weight', '3.bias']
    """
    _version = 2

    def __init__(self, in_dim, mlp_dim, dropout):
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for i in range(2):
                for kind in ["weight", "bias"]:
                    old = f"{prefix}linear_{i + 1}.{kind}"
                    if old in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: ``x + attn(ln_1(x))``, then ``+ mlp(ln_2(.))``."""

    def __init__(self, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=functools.partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        ember._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, ``num_layers`` encoder blocks, final LayerNorm."""

    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=functools.partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.pos_embedding = nn.Parameter(ember.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        layers = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                                                        norm_layer)
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):
        ember._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """ViT: patchify convolution, class token, transformer encoder, linear head (``heads.head``)."""

    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout=0.0,
                 attention_dropout=0.0, num_classes=1000, representation_size=None,
                 norm_layer=functools.partial(nn.LayerNorm, eps=1e-6), conv_stem_configs=None):
        super().__init__()
        if image_size % patch_size != 0:
            raise AssertionError("Input shape indivisible by patch size!")
        if conv_stem_configs is not None:
            raise NotImplementedError("VisionTransformer(conv_stem_configs=...) is not built in ember.vision")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer
        self.conv_proj = nn.Conv2d(in_channels=3, out_channels=hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2 + 1
        self.class_token = nn.Parameter(ember.zeros(1, 1, hidden_dim))
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                               norm_layer)
        self.seq_length = seq_length
        heads = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)
        fan_in = self.conv_proj.in_channels * self.conv_proj.kernel_size[0] * self.conv_proj.kernel_size[1]
        nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
        nn.init.zeros_(self.conv_proj.bias)
        if hasattr(self.heads, "pre_logits"):
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / self.heads.pre_logits.in_features))
            nn.init.zeros_(self.heads.pre_logits.bias)
        nn.init.zeros_(self.heads.head.weight)
        nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        ember._assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        ember._assert(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
        n_h, n_w = h // p, w // p
        x = self.conv_proj(x)
        return x.reshape(n, self.hidden_dim, n_h * n_w).permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        n = x.shape[0]
        x = ember.cat([self.class_token.expand(n, -1, -1), x], dim=1)
        return self.heads(self.encoder(x)[:, 0])


def _vision_transformer(patch_size, num_layers, num_heads, hidden_dim, mlp_dim, weights, progress, **kwargs):
    if weights is not None:
        if weights.meta["min_size"][0] != weights.meta["min_size"][1]:
            raise AssertionError("weights' min_size must be square")
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(image_size=image_size, patch_size=patch_size, num_layers=num_layers,
                              num_heads=num_heads, hidden_dim=hidden_dim, mlp_dim=mlp_dim, **kwargs)
    return _load_weights(model, weights, progress)


ViT_B_16_Weights = _make_weights_enum("vit_b_16")
ViT_B_32_Weights = _make_weights_enum("vit_b_32")
ViT_L_16_Weights = _make_weights_enum("vit_l_16")
ViT_L_32_Weights = _make_weights_enum("vit_l_32")
ViT_H_14_Weights = _make_weights_enum("vit_h_14")


@builder(ViT_B_16_Weights, legacy_default="IMAGENET1K_V1")
def vit_b_16(*, weights=None, progress=True, **kwargs):
    """ViT-B/16 (patch 16, 12 layers, 12 heads, width 768); ``weights`` a :class:`ViT_B_16_Weights` member.

    >>> from ember.vision.models.vision_transformer import ViT_B_16_Weights
    >>> ViT_B_16_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ViT_B_16_Weights, weights, kwargs)
    return _vision_transformer(16, 12, 12, 768, 3072, weights, progress, **kwargs)


@builder(ViT_B_32_Weights, legacy_default="IMAGENET1K_V1")
def vit_b_32(*, weights=None, progress=True, **kwargs):
    """ViT-B/32 (patch 32, 12 layers, 12 heads, width 768); ``weights`` a :class:`ViT_B_32_Weights` member.

    >>> from ember.vision.models.vision_transformer import ViT_B_32_Weights
    >>> ViT_B_32_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ViT_B_32_Weights, weights, kwargs)
    return _vision_transformer(32, 12, 12, 768, 3072, weights, progress, **kwargs)


@builder(ViT_L_16_Weights, legacy_default="IMAGENET1K_V1")
def vit_l_16(*, weights=None, progress=True, **kwargs):
    """ViT-L/16 (patch 16, 24 layers, 16 heads, width 1024); ``weights`` a :class:`ViT_L_16_Weights` member.

    >>> from ember.vision.models.vision_transformer import ViT_L_16_Weights
    >>> ViT_L_16_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ViT_L_16_Weights, weights, kwargs)
    return _vision_transformer(16, 24, 16, 1024, 4096, weights, progress, **kwargs)


@builder(ViT_L_32_Weights, legacy_default="IMAGENET1K_V1")
def vit_l_32(*, weights=None, progress=True, **kwargs):
    """ViT-L/32 (patch 32, 24 layers, 16 heads, width 1024); ``weights`` a :class:`ViT_L_32_Weights` member.

    >>> from ember.vision.models.vision_transformer import ViT_L_32_Weights
    >>> ViT_L_32_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ViT_L_32_Weights, weights, kwargs)
    return _vision_transformer(32, 24, 16, 1024, 4096, weights, progress, **kwargs)


@builder(ViT_H_14_Weights, legacy_default=None)
def vit_h_14(*, weights=None, progress=True, **kwargs):
    """ViT-H/14 (patch 14, 32 layers, 16 heads, width 1280); ``weights`` a :class:`ViT_H_14_Weights` member.

    >>> from ember.vision.models.vision_transformer import ViT_H_14_Weights
    >>> ViT_H_14_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ViT_H_14_Weights, weights, kwargs)
    return _vision_transformer(14, 32, 16, 1280, 5120, weights, progress, **kwargs)
