"""Vision datasets read small files written here in the real on-disk formats."""
import gzip
import os
import pickle
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms
from ember.vision.datasets.cifar import safe_pickle_load

PIL = pytest.importorskip("PIL.Image")


def write_idx(path, arr, gz):
    arr = np.asarray(arr)
    code = {np.uint8: 0x08, np.int32: 0x0C}[arr.dtype.type]
    head = struct.pack(">BBBB", 0, 0, code, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    body = head + arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if gz else open
    with opener(str(path) + (".gz" if gz else ""), "wb") as f:
        f.write(body)


def make_mnist(root, name="MNIST", n=6, gz=False, seed=0):
    raw = root / name / "raw"
    raw.mkdir(parents=True)
    g = np.random.default_rng(seed)
    imgs = g.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    for p in ("train", "t10k"):
        write_idx(raw / f"{p}-images-idx3-ubyte", imgs, gz)
        write_idx(raw / f"{p}-labels-idx1-ubyte", labels, gz)
    return imgs, labels


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST])
@pytest.mark.parametrize("gz", [False, True])
def test_mnist_family_reads_idx(tmp_path, cls, gz):
    imgs, labels = make_mnist(tmp_path, cls.__name__, gz=gz)
    ds = cls(str(tmp_path), train=True)
    assert len(ds) == 6 and ds.data.dtype == ember.uint8 and ds.targets.dtype == ember.int64
    np.testing.assert_array_equal(ds.data.numpy(), imgs)
    img, target = ds[3]
    assert isinstance(img, PIL.Image) and img.mode == "L" and img.size == (28, 28)
    assert target == 3 and type(target) is int
    np.testing.assert_array_equal(np.asarray(img), imgs[3])
    assert ds.class_to_idx[ds.classes[2]] == 2
    test = cls(str(tmp_path), train=False, transform=transforms.ToTensor(), target_transform=lambda t: t * 10)
    x, t = test[1]
    assert x.shape == (1, 28, 28) and t == 10
    np.testing.assert_allclose(x.numpy()[0], imgs[1] / 255.0, rtol=1e-6)


def test_idx_int32_and_bad_magic(tmp_path):
    from ember.vision.datasets.mnist import read_idx
    a = np.arange(-3, 3, dtype=np.int32).reshape(2, 3)
    write_idx(tmp_path / "a", a, False)
    np.testing.assert_array_equal(read_idx(str(tmp_path / "a")), a)
    (tmp_path / "b").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(RuntimeError, match="magic"):
        read_idx(str(tmp_path / "b"))


def test_missing_dataset_message_names_paths(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(str(tmp_path))
    msg = str(e.value)
    assert "Dataset not found. You can use download=True to download it" in msg
    assert os.path.join(str(tmp_path), "MNIST", "raw", "train-images-idx3-ubyte") in msg
    with pytest.raises(RuntimeError, match="cifar-10-batches-py.*data_batch_1"):
        datasets.CIFAR10(str(tmp_path))


def make_cifar(root, hundred=False, n=4):
    folder = root / ("cifar-100-python" if hundred else "cifar-10-batches-py")
    folder.mkdir(parents=True)
    g = np.random.default_rng(1)
    out = {}
    names = ["train", "test"] if hundred else [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for k, name in enumerate(names):
        data = g.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = [(k + i) % 10 for i in range(n)]
        entry = {"batch_label": name, "data": data, "filenames": [f"{i}.png" for i in range(n)]}
        entry["fine_labels" if hundred else "labels"] = labels
        with open(folder / name, "wb") as f:
            pickle.dump(entry, f, protocol=2)
        out[name] = (data, labels)
    meta = {"fine_label_names": [f"c{i}" for i in range(100)]} if hundred else \
        {"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]}
    with open(folder / ("meta" if hundred else "batches.meta"), "wb") as f:
        pickle.dump(meta, f, protocol=2)
    return out


def test_cifar10(tmp_path):
    files = make_cifar(tmp_path)
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 20 and ds.data.shape == (20, 32, 32, 3) and ds.data.dtype == np.uint8
    assert ds.classes[3] == "cat" and ds.class_to_idx["truck"] == 9
    d1, l1 = files["data_batch_2"]
    np.testing.assert_array_equal(ds.data[4], d1[0].reshape(3, 32, 32).transpose(1, 2, 0))
    assert ds.targets[4:8] == l1
    img, t = ds[4]
    assert isinstance(img, PIL.Image) and img.mode == "RGB" and t == l1[0]
    test = datasets.CIFAR10(str(tmp_path), train=False, transform=transforms.ToTensor())
    x, _ = test[0]
    assert x.shape == (3, 32, 32)
    np.testing.assert_allclose(x.numpy(), files["test_batch"][0][0].reshape(3, 32, 32) / 255.0, rtol=1e-6)


def test_cifar100(tmp_path):
    files = make_cifar(tmp_path, hundred=True)
    ds = datasets.CIFAR100(str(tmp_path), train=False)
    assert len(ds) == 4 and ds.targets == files["test"][1] and len(ds.classes) == 100


def test_cifar_pickle_cannot_run_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    p = folder / "test_batch"
    p.write_bytes(pickle.dumps({"data": Evil(), "labels": [0]}))
    with open(p, "rb") as f, pytest.raises(pickle.UnpicklingError, match="refused"):
        safe_pickle_load(f)
    # numpy arrays pickled under numpy's own protocols (0..5) load
    a = np.arange(6, dtype=np.uint8).reshape(2, 3)
    for proto in range(6):
        import io
        np.testing.assert_array_equal(safe_pickle_load(io.BytesIO(pickle.dumps({"a": a}, protocol=proto)))["a"], a)


def make_folder(root):
    g = np.random.default_rng(2)
    arrays = {}
    for cls, n in (("dog", 2), ("cat", 3)):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            a = g.integers(0, 256, (5, 7, 3), dtype=np.uint8)
            PIL.fromarray(a).save(root / cls / f"{i}.png")
            arrays[(cls, i)] = a
    (root / "cat" / "notes.txt").write_text("not an image")
    return arrays


def test_image_folder(tmp_path):
    arrays = make_folder(tmp_path)
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert len(ds) == 5 and ds.targets == [0, 0, 0, 1, 1] and ds.imgs == ds.samples
    img, t = ds[4]
    assert img.mode == "RGB" and t == 1
    np.testing.assert_array_equal(np.asarray(img), arrays[("dog", 1)])
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())
    assert ds[0][0].shape == (3, 5, 7)


def test_dataset_folder_custom_loader(tmp_path):
    make_folder(tmp_path)
    ds = datasets.DatasetFolder(str(tmp_path), loader=lambda p: os.path.getsize(p), extensions=(".txt",),
                                allow_empty=True)
    assert len(ds) == 1 and ds[0][1] == 0
    with pytest.raises(FileNotFoundError, match="dog"):
        datasets.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",))


def test_fakedata_deterministic():
    ds = datasets.FakeData(size=3, image_size=(3, 6, 5), num_classes=4)
    a, ta = ds[2]
    b, tb = ds[2]
    assert a.size == (5, 6) and ta == tb and np.array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(IndexError):
        ds[3]


def test_dataloader_with_workers_over_vision_dataset(tmp_path):
    make_cifar(tmp_path)
    t = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.ToTensor(),
                            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    ds = datasets.CIFAR10(str(tmp_path), train=True, transform=t)
    batches = list(DataLoader(ds, batch_size=8, num_workers=2))
    assert [b[0].shape[0] for b in batches] == [8, 8, 4]
    assert batches[0][0].shape == (8, 3, 32, 32) and batches[0][1].dtype == ember.int64
    assert batches[0][1].tolist() == ds.targets[:8]


def test_download_from_file_url_checks_md5(tmp_path):
    from ember.vision.datasets.utils import download_url, calculate_md5
    src = tmp_path / "src.bin"
    src.write_bytes(b"payload")
    md5 = calculate_md5(str(src))
    download_url(src.as_uri(), str(tmp_path / "dl"), md5=md5)
    assert (tmp_path / "dl" / "src.bin").read_bytes() == b"payload"
    with pytest.raises(RuntimeError, match="md5"):
        download_url(src.as_uri(), str(tmp_path / "dl2"), md5="0" * 32)


def test_mnist_download_from_local_mirror(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    imgs, labels = make_mnist(tmp_path / "src", gz=True)
    from ember.vision.datasets.utils import calculate_md5
    raw = tmp_path / "src" / "MNIST" / "raw"
    resources = []
    for name in sorted(os.listdir(raw)):
        os.replace(raw / name, mirror / name)
        resources.append((name, calculate_md5(str(mirror / name))))

    class LocalMNIST(datasets.MNIST):
        mirrors = ["http://127.0.0.1:9/nothing/", mirror.as_uri() + "/"]
    LocalMNIST.resources = resources
    ds = LocalMNIST(str(tmp_path / "root"), download=True)
    np.testing.assert_array_equal(ds.data.numpy(), imgs)
    assert (tmp_path / "root" / "LocalMNIST" / "raw" / "train-images-idx3-ubyte").exists()


@pytest.mark.slow
def test_without_pillow_datasets_return_arrays(tmp_path):
    make_mnist(tmp_path)
    code = textwrap.dedent(f"""
        import sys
        sys.modules["PIL"] = None
        sys.modules["PIL.Image"] = None
        import numpy as np
        import ember
        assert "ember.vision" not in sys.modules  # import ember stays fast
        import ember.vision
        from ember.vision import datasets, transforms, utils
        ds = datasets.MNIST({str(tmp_path)!r})
        img, t = ds[0]
        assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape == (28, 28)
        assert transforms.ToTensor()(img).shape == (1, 28, 28)
        x = datasets.FakeData(2, (3, 4, 4))[0][0]
        assert isinstance(x, np.ndarray) and x.shape == (4, 4, 3)
        try:
            transforms.functional.to_pil_image(np.zeros((2, 2), np.uint8))
        except ImportError as e:
            assert "ember[vision]" in str(e), e
        else:
            raise AssertionError("no ImportError")
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.slow
def test_compat_torchvision_script(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import torch
        import torchvision
        from torchvision import transforms, datasets
        import torchvision.transforms.functional as TF
        from torchvision.utils import make_grid
        t = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
        ds = datasets.FakeData(size=8, image_size=(1, 8, 8), transform=t)
        loader = torch.utils.data.DataLoader(ds, batch_size=4)
        x, y = next(iter(loader))
        print(type(torchvision).__name__, torchvision.__name__, tuple(x.shape), tuple(make_grid(x).shape),
              TF.hflip(x).shape == x.shape)
    """))
    out = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ember.vision (4, 1, 8, 8) (3, 12, 42) True" in out.stdout
