"""``VisionDataset``: the base of the vision datasets (root, transform, target_transform).

>>> from ember.vision.datasets.vision import VisionDataset
>>> VisionDataset("data").root
'data'
"""
import os

from ember.utils.data import Dataset


class VisionDataset(Dataset):
    """Base class holding ``root``, ``transform``, ``target_transform`` and ``transforms``.

    >>> from ember.vision.datasets.vision import *
    >>> VisionDataset("data", transform=str).transform
    <class 'str'>
    """
    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, (str, bytes, os.PathLike)):
            root = os.path.expanduser(root)
        self.root = root
        has_t = transforms is not None
        if has_t and (transform is not None or target_transform is not None):
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform, self.target_transform = transform, target_transform
        if not has_t:
            transforms = _Pair(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            lines.append(f"Root location: {self.root}")
        lines += self.extra_repr().splitlines()
        if self.transform is not None:
            lines.append(f"Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"Target transform: {self.target_transform!r}")
        return "Dataset " + type(self).__name__ + "".join("\n" + " " * self._repr_indent + l for l in lines)


class _Pair:
    def __init__(self, transform, target_transform):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target


def not_found(paths):
    """The RuntimeError raised when a dataset's files are missing.

    >>> from ember.vision.datasets.vision import *
    >>> str(not_found(["/x/a"])).splitlines()[0]
    'Dataset not found. You can use download=True to download it'
    """
    return RuntimeError("Dataset not found. You can use download=True to download it\n"
                        "(or place these files yourself):\n  " + "\n  ".join(paths))
