"""A 256-image stand-in for MNIST that the seed samples load instead of downloading it.

A seed block that loads MNIST runs with ``import _seed_mnist`` put before it, on ember
(where it replaces ``torchvision.datasets.MNIST``, i.e. ember.vision's) and on PyTorch (where
``torchvision`` is the small stub beside this file).
"""
import numpy as np
import torch
import torchvision.datasets


class SmallMNIST(torch.utils.data.Dataset):
    """256 random 28x28 uint8 digits with labels 0-9; same signature as torchvision's MNIST."""

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        rng = np.random.default_rng(0 if train else 1)
        self.data = rng.integers(0, 256, size=(256, 28, 28), dtype=np.uint8)
        self.targets = rng.integers(0, 10, size=256)
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        img, target = self.data[i], int(self.targets[i])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target


torchvision.datasets.MNIST = SmallMNIST
