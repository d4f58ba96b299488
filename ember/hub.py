"""``torch.hub``: the checkpoint cache and downloads, and loading models from a ``hubconf.py``.

Files live where PyTorch keeps them, ``$TORCH_HOME/hub/checkpoints`` (``TORCH_HOME``
defaults to ``$XDG_CACHE_HOME/torch``, i.e. ``~/.cache/torch``), so a PyTorch user's
cache is reused. Downloads use the standard library's HTTP client and land atomically
(a temporary file, then a rename). Cached checkpoints load through :func:`ember.load`
(the allow-listed unpickler: nothing in the file runs).

>>> import ember.hub
>>> ember.hub.get_dir().endswith("hub")
True
"""
import errno
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError  # noqa: F401  (torch.hub exposes both)
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["get_dir", "set_dir", "download_url_to_file", "load_state_dict_from_url", "load", "list", "help"]

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")

_hub_dir = None
_builtin_list = list


def _get_torch_home():
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir():
    """The hub directory: the one given to :func:`set_dir`, else ``$TORCH_HOME/hub``.

    >>> import os; from ember.hub import get_dir
    >>> os.path.basename(get_dir())
    'hub'
    """
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead")
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """Use ``d`` as the hub directory from now on (checkpoints go to ``d/checkpoints``).

    >>> from ember.hub import get_dir, set_dir
    >>> old = get_dir(); set_dir("/tmp/ember-hub-doc"); get_dir()
    '/tmp/ember-hub-doc'
    >>> set_dir(old)
    """
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _tqdm(total, disable):
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, disable=disable, unit="B", unit_scale=True, unit_divisor=1024)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to the path ``dst`` (atomically: a temporary file beside it, then a rename).

    ``hash_prefix`` (the start of the file's sha256 hex digest) is checked after the
    download; a mismatch raises RuntimeError and leaves nothing at ``dst``. ``progress``
    shows a tqdm bar when tqdm is installed.

    >>> import os; from ember.hub import download_url_to_file
    >>> import pathlib, tempfile
    >>> d = tempfile.mkdtemp(); src = pathlib.Path(d, "a.bin"); _ = src.write_bytes(b"ember")
    >>> download_url_to_file(src.as_uri(), os.path.join(d, "b.bin"), progress=False)
    >>> open(os.path.join(d, "b.bin"), "rb").read()
    b'ember'
    """
    req = Request(url, headers={"User-Agent": "torch.hub"})
    u = urlopen(req)
    try:
        meta = u.info()
        length = meta.get_all("Content-Length") if hasattr(meta, "get_all") else meta.getheaders("Content-Length")
        file_size = int(length[0]) if length else None
        dst = os.path.expanduser(dst)
        tmp_dst = dst + "." + uuid.uuid4().hex + ".partial"
        f = open(tmp_dst, "w+b")
        try:
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            bar = _tqdm(file_size, not progress)
            try:
                while True:
                    buffer = u.read(READ_DATA_CHUNK)
                    if len(buffer) == 0:
                        break
                    f.write(buffer)
                    if sha256 is not None:
                        sha256.update(buffer)
                    if bar is not None:
                        bar.update(len(buffer))
            finally:
                if bar is not None:
                    bar.close()
            f.close()
            if sha256 is not None:
                digest = sha256.hexdigest()
                if digest[:len(hash_prefix)] != hash_prefix:
                    raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
            os.replace(f.name, dst)
        finally:
            f.close()
            if os.path.exists(f.name):
                os.remove(f.name)
    finally:
        u.close()


def _is_legacy_zip_format(filename):
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infolist = zf.infolist()
        return len(infolist) == 1 and not infolist[0].is_dir()
    return False


def _legacy_zip_load(filename, model_dir, map_location, weights_only):
    from . import load as _load
    warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in favor of default "
                  "zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile format.",
                  FutureWarning)
    with zipfile.ZipFile(filename) as f:
        members = f.infolist()
        if len(members) != 1:
            raise RuntimeError("Only one file(not dir) is allowed in the zipfile")
        name = members[0].filename
        target = os.path.realpath(os.path.join(model_dir, name))
        if not target.startswith(os.path.realpath(model_dir) + os.sep):
            raise ValueError(f"Attempted path traversal in zip archive: {name}")
        f.extract(members[0], model_dir)
    return _load(target, map_location=map_location, weights_only=weights_only)


def _offline_error(url, cached_file, err):
    return URLError(f"could not download {os.path.basename(cached_file)!r} from {url} ({getattr(err, 'reason', err)})."
                    f" Without network access, download the file elsewhere and place it at {cached_file}")


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """The object saved at ``url``, downloaded once into ``model_dir`` (default ``get_dir()/checkpoints``).

    A cached file is used as is. ``check_hash`` verifies, after a download, that the file's
    sha256 starts with the hex digits after the last ``-`` in its name (``resnet18-f37072fd.pth``).
    ``file_name`` overrides the name taken from the URL. A zip holding one legacy-format
    file is unpacked first. Loading goes through :func:`ember.load`'s allow-list whatever
    ``weights_only`` says. Offline with no cached file, raises URLError naming the file,
    its URL and the exact path to place it at.

    >>> import os; from ember.hub import load_state_dict_from_url
    >>> import tempfile
    >>> d = tempfile.mkdtemp(); ember.save({"w": ember.ones(2)}, os.path.join(d, "w.pt"))
    >>> load_state_dict_from_url("https://example.invalid/w.pt", model_dir=d)["w"]
    tensor([1., 1.])
    """
    from . import load as _load
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead")
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stderr.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            r = HASH_REGEX.search(filename)
            hash_prefix = r.group(1) if r else None
        try:
            download_url_to_file(url, cached_file, hash_prefix, progress=progress)
        except HTTPError:
            raise
        except (URLError, OSError) as e:
            if isinstance(e, OSError) and not isinstance(e, URLError) and e.errno not in (
                    errno.ENETUNREACH, errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ETIMEDOUT):
                raise
            raise _offline_error(url, cached_file, e) from e
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, model_dir, map_location, weights_only)
    return _load(cached_file, map_location=map_location, weights_only=True)


# ---------------------------------------------------------------- hubconf entry points
def _import_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, repo_dir)
    try:
        spec.loader.exec_module(module)
    finally:
        try:
            sys.path.remove(repo_dir)
        except ValueError:
            pass
    return module


def _entry(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    deps = getattr(module, VAR_DEPENDENCY, None)
    if deps is not None:
        missing = [p for p in deps if importlib.util.find_spec(p) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _cached_repo(github):
    """The hub cache folder of ``owner/name[:ref]`` (as torch names it), or the offline error."""
    repo, _, ref = github.partition(":")
    if "/" not in repo:
        raise ValueError(f'Invalid repository "{github}": expected "repo_owner/repo_name[:ref]"')
    owner, name = repo.split("/", 1)
    hub = get_dir()
    refs = [ref] if ref else ["main", "master"]
    for r in refs:
        d = os.path.join(hub, "_".join([owner, name, r.replace("/", "_")]))
        if os.path.isdir(d):
            return d
    raise RuntimeError(
        f"ember.hub cannot download the repository {github!r} (fetching GitHub repositories is not built). "
        f"Place a checkout at {os.path.join(hub, '_'.join([owner, name, refs[0].replace('/', '_')]))} or call "
        f"ember.hub.load(path, model, source='local') on a local directory with a hubconf.py")


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):
    """Entry points (public callables) of a repository's ``hubconf.py``, from the hub cache.

    >>> from ember.hub import list
    >>> callable(list)
    True
    """
    m = _import_hubconf(_cached_repo(github))
    return [f for f in dir(m) if callable(getattr(m, f)) and not f.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):
    """The docstring of entry point ``model`` in a cached repository's ``hubconf.py``.

    >>> from ember.hub import help
    >>> callable(help)
    True
    """
    return _entry(_import_hubconf(_cached_repo(github)), model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Call entry point ``model`` of ``hubconf.py`` with ``*args, **kwargs``.

    ``source="local"``: ``repo_or_dir`` is a directory holding ``hubconf.py`` (the user's own
    code, imported and run). ``source="github"``: a repository already in the hub cache;
    downloading repositories is not built and raises a RuntimeError naming where to put one.

    >>> import os; from ember.hub import load
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "hubconf.py"), "w").write("def seven():\\n    return 7\\n")
    >>> load(d, "seven", source="local")
    7
    """
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    repo_dir = _cached_repo(repo_or_dir) if source == "github" else repo_or_dir
    return _entry(_import_hubconf(repo_dir), model)(*args, **kwargs)
