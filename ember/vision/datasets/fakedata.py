"""``FakeData``: random images, the same for the same index (no files needed).

>>> from ember.vision.datasets.fakedata import *
>>> ds = FakeData(size=4, image_size=(3, 8, 8), num_classes=3)
>>> len(ds), 0 <= ds[0][1] < 3
(4, True)
"""
from ..._backend import np

from .._pil import have_pil
from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` (C, H, W) with targets in ``[0, num_classes)``.

    Each item is drawn from a generator seeded by ``index + random_offset`` (so it does
    not touch the global RNG). Images are PIL images (or HWC uint8 arrays without Pillow).

    >>> from ember.vision.datasets.fakedata import *
    >>> from ember.vision import transforms
    >>> FakeData(2, (1, 4, 5), transform=transforms.ToTensor())[1][0].shape
    torch.Size([1, 4, 5])
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = image_size, random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        g = np.random.default_rng(index + self.random_offset)
        img = g.standard_normal(self.image_size).astype(np.float32)
        target = int(g.integers(0, self.num_classes))
        arr = (np.clip(img, 0, None) * 255).clip(0, 255).astype(np.uint8).transpose(1, 2, 0)
        if arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if have_pil():
            import PIL.Image
            img = PIL.Image.fromarray(np.ascontiguousarray(arr))
        else:
            img = arr
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.size
