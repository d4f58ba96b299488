"""CIFAR-10 and CIFAR-100 from the python pickles (``root/cifar-10-batches-py/data_batch_1`` ...).

The pickles are read by a restricted unpickler that accepts only plain containers,
strings, bytes and NumPy arrays, so a tampered file cannot run code.

>>> from ember.vision.datasets.cifar import *
>>> import io, pickle
>>> safe_pickle_load(io.BytesIO(pickle.dumps({"labels": [1, 2]}, protocol=2)))
{'labels': [1, 2]}
"""
import codecs
import os
import pickle

from ..._backend import np

from .._pil import have_pil
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset, not_found


def _latin1_encode(obj, encoding="latin1", errors="strict"):
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"refused _codecs.encode with encoding {encoding!r}")
    return codecs.encode(obj, encoding, errors)


def _allowed():
    core = getattr(np, "_core", None) or np.core
    return {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("numpy.core.multiarray", "_reconstruct"): core.multiarray._reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): core.multiarray._reconstruct,
        ("numpy.core.multiarray", "scalar"): core.multiarray.scalar,
        ("numpy._core.multiarray", "scalar"): core.multiarray.scalar,
        ("numpy.core.numeric", "_frombuffer"): core.numeric._frombuffer,
        ("numpy._core.numeric", "_frombuffer"): core.numeric._frombuffer,
        ("_codecs", "encode"): _latin1_encode,
        ("builtins", "bytearray"): bytearray,
        ("__builtin__", "bytearray"): bytearray,
    }


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        obj = _allowed().get((module, name))
        if obj is None:
            raise pickle.UnpicklingError(f"refused to load {module}.{name} from a dataset pickle "
                                         "(only containers, strings, bytes and numpy arrays are allowed)")
        return obj


def safe_pickle_load(f, encoding="latin1"):
    """Unpickle a CIFAR-style file object allowing only data (see the module example)."""
    return _RestrictedUnpickler(f, encoding=encoding).load()


class CIFAR10(VisionDataset):
    """`CIFAR-10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_ from ``root/cifar-10-batches-py``.

    ``.data`` is a uint8 NumPy array (N, 32, 32, 3); ``.targets`` a list of ints. Items
    are PIL images (or HWC uint8 arrays without Pillow). Files present are used as they
    are; ``download=True`` fetches and md5-checks the archive.

    >>> from ember.vision.datasets.cifar import *
    >>> import tempfile
    >>> try:
    ...     CIFAR10(tempfile.mkdtemp())
    ... except RuntimeError as e:
    ...     print(str(e).splitlines()[0])
    Dataset not found. You can use download=True to download it
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [["data_batch_1", "c99cafc152244af753f735de768cd75f"],
                  ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
                  ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
                  ["data_batch_4", "634d18415352ddfa80567beed471001a"],
                  ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"]]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise not_found([os.path.join(self.root, self.base_folder, n)
                             for n, _ in self._needed()])
        data, self.targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            with open(os.path.join(self.root, self.base_folder, name), "rb") as f:
                entry = safe_pickle_load(f)
            data.append(np.asarray(entry["data"], dtype=np.uint8))
            self.targets.extend(int(t) for t in (entry["labels"] if "labels" in entry else entry["fine_labels"]))
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self._load_meta()

    def _needed(self):
        return (self.train_list if self.train else self.test_list) + [[self.meta["filename"], self.meta["md5"]]]

    def _check_exists(self):
        return all(os.path.isfile(os.path.join(self.root, self.base_folder, n)) for n, _ in self._needed())

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, n), md5)
                   for n, md5 in self.train_list + self.test_list)

    def _load_meta(self):
        with open(os.path.join(self.root, self.base_folder, self.meta["filename"]), "rb") as f:
            data = safe_pickle_load(f)
        self.classes = [str(c) for c in data[self.meta["key"]]]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        if have_pil():
            import PIL.Image
            img = PIL.Image.fromarray(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def download(self):
        """Download and extract the md5-checked archive (skipped when the files verify)."""
        if self._check_integrity():
            print("Files already downloaded and verified")
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """`CIFAR-100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_ from ``root/cifar-100-python`` (fine labels).

    >>> from ember.vision.datasets.cifar import *
    >>> CIFAR100.base_folder
    'cifar-100-python'
    """

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
