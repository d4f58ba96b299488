"""MNIST, FashionMNIST and KMNIST from their IDX files (``root/<Name>/raw/*-ubyte[.gz]``).

Images come back as PIL images (mode ``L``) when Pillow is installed, otherwise as
``(28, 28)`` uint8 NumPy arrays (``transforms.ToTensor`` accepts both).

>>> from ember.vision.datasets.mnist import *
>>> import io, struct
>>> read_idx(io.BytesIO(struct.pack(">BBBBI", 0, 0, 8, 1, 3) + bytes([7, 8, 9]))).tolist()
[7, 8, 9]
"""
import gzip
import os
import struct

from ..._backend import np

import ember
from .._pil import have_pil
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset, not_found

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(f):
    """Parse an IDX file (path, ``.gz`` path or binary file object) into a NumPy array.

    See the module example.
    """
    if isinstance(f, (str, os.PathLike)):
        opener = gzip.open if str(f).endswith(".gz") else open
        with opener(f, "rb") as fh:
            return read_idx(fh)
    data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise RuntimeError("not an IDX file (bad magic number)")
    nd = data[3]
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    dt = np.dtype(_IDX_TYPES[data[2]])
    n = int(np.prod(dims)) if dims else 1
    arr = np.frombuffer(data, dtype=dt, count=n, offset=4 + 4 * nd)
    return arr.astype(dt.newbyteorder("="), copy=True).reshape(dims)


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``.

    Files may also be the ``.gz`` originals. ``download=True`` fetches them (md5-checked).
    ``.data`` is a uint8 tensor (N, 28, 28), ``.targets`` an int64 tensor.

    >>> from ember.vision.datasets.mnist import *
    >>> import tempfile
    >>> try:
    ...     MNIST(tempfile.mkdtemp())
    ... except RuntimeError as e:
    ...     print(str(e).splitlines()[0])
    Dataset not found. You can use download=True to download it
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise not_found([os.path.join(self.raw_folder, n) + "[.gz]" for n in self._files()])
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _files(self):
        p = "train" if self.train else "t10k"
        return [f"{p}-images-idx3-ubyte", f"{p}-labels-idx1-ubyte"]

    def _path(self, name):
        plain = os.path.join(self.raw_folder, name)
        return plain if os.path.isfile(plain) else plain + ".gz"

    def _check_exists(self):
        return all(os.path.isfile(self._path(n)) for n in self._files())

    def _load_data(self):
        imgs, labels = (read_idx(self._path(n)) for n in self._files())
        return ember.from_numpy(imgs.astype(np.uint8)), ember.from_numpy(labels.astype(np.int64))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        img, target = self.data[index].numpy(), int(self.targets[index])
        if have_pil():
            import PIL.Image
            img = PIL.Image.fromarray(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def download(self):
        """Download the md5-checked ``.gz`` files into ``raw_folder`` and extract them."""
        if self._check_exists() and all(os.path.isfile(self._path(n[:-3])) for n, _ in self.resources):
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if check_integrity(os.path.join(self.raw_folder, filename[:-3])):
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(mirror + filename, self.raw_folder, filename=filename, md5=md5)
                    break
                except (OSError, RuntimeError) as e:  # urllib's URLError is an OSError
                    errors.append(f"{mirror}{filename}: {e}")
            else:
                raise RuntimeError("Error downloading " + filename + ":\n  " + "\n  ".join(errors))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_, laid out as MNIST under ``root/FashionMNIST/raw``.

    >>> from ember.vision.datasets.mnist import *
    >>> FashionMNIST.classes[0]
    'T-shirt/top'
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_, laid out as MNIST under ``root/KMNIST/raw``.

    >>> from ember.vision.datasets.mnist import *
    >>> KMNIST.classes[:3]
    ['o', 'ki', 'su']
    """

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
