"""``torchvision.datasets``: MNIST, FashionMNIST, KMNIST, CIFAR10/100, ImageFolder, DatasetFolder, FakeData.

On-disk layouts are torchvision's, so files downloaded by either library serve both.

>>> from ember.vision import datasets
>>> datasets.CIFAR10.base_folder
'cifar-10-batches-py'
"""
from .vision import VisionDataset  # noqa: F401
from .mnist import MNIST, FashionMNIST, KMNIST  # noqa: F401
from .cifar import CIFAR10, CIFAR100  # noqa: F401
from .folder import DatasetFolder, ImageFolder  # noqa: F401
from .fakedata import FakeData  # noqa: F401

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "KMNIST", "CIFAR10", "CIFAR100", "DatasetFolder",
           "ImageFolder", "FakeData"]
