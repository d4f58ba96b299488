"""``DatasetFolder`` and ``ImageFolder``: one sub-directory per class (``root/<class>/<file>``).

>>> from ember.vision.datasets.folder import *
>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> for c in ("cat", "dog"): os.makedirs(os.path.join(d, c))
>>> find_classes(d)
(['cat', 'dog'], {'cat': 0, 'dog': 1})
"""
import os

from .._pil import require_pil
from .vision import VisionDataset

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    """True when ``filename`` ends with one of ``extensions`` (case-insensitive).

    >>> from ember.vision.datasets.folder import *
    >>> has_file_allowed_extension("A.PNG", IMG_EXTENSIONS)
    True
    """
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename):
    """True for a file name with an image extension.

    >>> from ember.vision.datasets.folder import *
    >>> is_image_file("x.txt")
    False
    """
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """Sorted class folder names and their indices (see the module example)."""
    classes = sorted(e.name for e in os.scandir(directory) if e.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {c: i for i, c in enumerate(classes)}


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None, allow_empty=False):
    """Sorted ``(path, class_index)`` pairs under ``directory/<class>/``.

    >>> from ember.vision.datasets.folder import *
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); os.makedirs(os.path.join(d, "a"))
    >>> _ = open(os.path.join(d, "a", "x.npy"), "w").close()
    >>> [(os.path.basename(p), c) for p, c in make_dataset(d, extensions=".npy")]
    [('x.npy', 0)]
    """
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
    if extensions is not None:
        def is_valid_file(x):
            return has_file_allowed_extension(x, extensions)
    instances, found = [], set()
    for target_class in sorted(class_to_idx):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    found.add(target_class)
    empty = set(class_to_idx) - found
    if empty and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
        if extensions is not None:
            msg += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
        raise FileNotFoundError(msg)
    return instances


class DatasetFolder(VisionDataset):
    """Samples ``root/<class>/**/<file>`` read by ``loader``; targets are sorted-class indices.

    >>> from ember.vision.datasets.folder import *
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); os.makedirs(os.path.join(d, "b")); os.makedirs(os.path.join(d, "a"))
    >>> for c in "ab": _ = open(os.path.join(d, c, "1.txt"), "w").write(c * 2)
    >>> ds = DatasetFolder(d, loader=lambda p: open(p).read(), extensions=(".txt",))
    >>> ds.classes, ds[1], ds.targets
    (['a', 'b'], ('bb', 1), [0, 1])
    """

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx, extensions, is_valid_file, allow_empty)
        self.loader, self.extensions = loader, extensions
        self.classes, self.class_to_idx = classes, class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False):
        """See :func:`make_dataset`.

        >>> from ember.vision.datasets.folder import *
        >>> DatasetFolder.make_dataset  # doctest: +ELLIPSIS
        <function DatasetFolder.make_dataset at ...>
        """
        if class_to_idx is None:
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(directory, class_to_idx, extensions, is_valid_file, allow_empty)

    def find_classes(self, directory):
        """See :func:`find_classes`."""
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self):
        return len(self.samples)


def pil_loader(path):
    """Open an image file with Pillow as RGB (needs the ``vision`` extra).

    >>> from ember.vision.datasets.folder import *
    >>> pil_loader  # doctest: +ELLIPSIS
    <function pil_loader at ...>
    """
    Image = require_pil()
    with open(path, "rb") as f:
        img = Image.open(f)
        return img.convert("RGB")


def default_loader(path):
    """The image loader ``ImageFolder`` uses (Pillow).

    >>> from ember.vision.datasets.folder import *
    >>> default_loader  # doctest: +ELLIPSIS
    <function default_loader at ...>
    """
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """Images in ``root/<class>/<image>`` (jpg, png, ...), loaded as RGB PIL images.

    Decoding images needs Pillow (``pip install 'ember[vision]'``). ``.imgs`` is ``.samples``.

    >>> from ember.vision.datasets.folder import *
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); os.makedirs(os.path.join(d, "cls"))
    >>> _ = open(os.path.join(d, "cls", "a.png"), "wb").close()
    >>> ImageFolder(d).class_to_idx
    {'cls': 0}
    """

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples
