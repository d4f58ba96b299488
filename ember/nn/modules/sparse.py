"""Embedding layers at PyTorch's module path ``torch.nn.modules.sparse`` (defined in ``misc.py``).

>>> ember.nn.modules.sparse.Embedding is ember.nn.Embedding
True
"""
from .misc import Embedding  # noqa: F401
from .embedding_bag import EmbeddingBag  # noqa: F401

__all__ = ["Embedding", "EmbeddingBag"]
