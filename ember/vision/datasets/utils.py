"""Download and integrity helpers, as ``torchvision.datasets.utils``.

>>> import os, tempfile
>>> from ember.vision.datasets.utils import calculate_md5, check_integrity
>>> p = os.path.join(tempfile.mkdtemp(), "x"); _ = open(p, "wb").write(b"abc")
>>> calculate_md5(p)
'900150983cd24fb0d6963f7d28e17f72'
>>> check_integrity(p, "900150983cd24fb0d6963f7d28e17f72"), check_integrity(p + "nope")
(True, False)
"""
import hashlib
import os
import shutil

USER_AGENT = "ember"


def calculate_md5(fpath, chunk_size=1024 * 1024):
    """MD5 hex digest of a file (see module example)."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    """True when the file's MD5 is ``md5`` (see module example)."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True when ``fpath`` exists and, if ``md5`` is given, matches it (see module example)."""
    if not os.path.isfile(fpath):
        return False
    return True if md5 is None else check_md5(fpath, md5)


def _progress(total, desc):
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download ``url`` to ``root/filename`` with a tqdm progress bar; verify ``md5``.

    Skips the download when a file with the right checksum is already there; raises
    RuntimeError when the downloaded file's checksum does not match.

    >>> from ember.vision.datasets.utils import *
    >>> download_url  # doctest: +ELLIPSIS
    <function download_url at ...>
    """
    root = os.path.expanduser(root)
    filename = filename or os.path.basename(url)
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        print("Using downloaded and verified file: " + fpath)
        return
    print(f"Downloading {url} to {fpath}")
    import urllib.request  # imported on use: keeps ``import torchvision`` fast
    tmp = fpath + ".part"
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req) as resp, open(tmp, "wb") as out:
        length = resp.headers.get("Content-Length")
        total = int(length) if length else None
        bar = _progress(total, filename)
        try:
            for chunk in iter(lambda: resp.read(1024 * 32), b""):
                out.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    os.replace(tmp, fpath)
    if not check_integrity(fpath, md5):
        raise RuntimeError(f"File not found or corrupted: {fpath} does not have md5 {md5}")


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a .tar[.gz|.bz2|.xz], .tgz, .zip or decompress a .gz file; returns ``to_path``.

    >>> from ember.vision.datasets.utils import *
    >>> import gzip, os, tempfile
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "a.txt.gz")
    >>> with gzip.open(p, "wb") as f: _ = f.write(b"hi")
    >>> open(os.path.join(extract_archive(p), "a.txt"), "rb").read()
    b'hi'
    """
    import gzip
    import tarfile
    import zipfile
    to_path = to_path or os.path.dirname(from_path)
    if tarfile.is_tarfile(from_path):
        with tarfile.open(from_path) as tar:
            try:
                tar.extractall(to_path, filter="data")
            except TypeError:  # Python without extraction filters
                tar.extractall(to_path)
    elif zipfile.is_zipfile(from_path):
        with zipfile.ZipFile(from_path) as z:
            z.extractall(to_path)
    elif from_path.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        raise RuntimeError(f"Extraction of {from_path} not supported")
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    """``download_url`` then ``extract_archive``.

    >>> from ember.vision.datasets.utils import *
    >>> download_and_extract_archive  # doctest: +ELLIPSIS
    <function download_and_extract_archive at ...>
    """
    download_root = os.path.expanduser(download_root)
    extract_root = extract_root or download_root
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    print(f"Extracting {archive} to {extract_root}")
    extract_archive(archive, extract_root, remove_finished)
