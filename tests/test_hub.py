"""ember.hub (torch.hub): cache location, downloads from a local HTTP server, hash checks,
cached and zip-wrapped checkpoints, the offline error, and hubconf entry points."""
import functools
import hashlib
import http.server
import os
import threading
import zipfile

import pytest

import ember
from ember import hub


@pytest.fixture
def server(tmp_path):
    """A static HTTP server on 127.0.0.1 serving ``tmp_path/srv`` from a daemon thread."""
    root = tmp_path / "srv"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    httpd.timeout = 5
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        t.join(5)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    monkeypatch.setattr(hub, "_hub_dir", None)
    return tmp_path / "th"


def test_get_dir_follows_torch_home_xdg_and_set_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == os.path.join(str(tmp_path / "xdg"), "torch", "hub")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert hub.get_dir() == os.path.expanduser(os.path.join("~", ".cache", "torch", "hub"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == os.path.join(str(tmp_path / "th"), "hub")
    hub.set_dir(tmp_path / "mine")
    assert hub.get_dir() == str(tmp_path / "mine")


def test_torch_hub_dir_matches_torch(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(hub, "_hub_dir", None)
    for env in ({"TORCH_HOME": str(tmp_path / "a")}, {"XDG_CACHE_HOME": str(tmp_path / "b")}):
        monkeypatch.delenv("TORCH_HOME", raising=False)
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        assert hub.get_dir() == torch.hub.get_dir()


def test_download_url_to_file_and_hash(server, tmp_path):
    root, base = server
    data = os.urandom(300_000)
    (root / "blob.bin").write_bytes(data)
    dst = tmp_path / "out.bin"
    digest = hashlib.sha256(data).hexdigest()
    hub.download_url_to_file(f"{base}/blob.bin", str(dst), hash_prefix=digest[:8], progress=False)
    assert dst.read_bytes() == data
    bad = tmp_path / "bad.bin"
    with pytest.raises(RuntimeError, match=f'invalid hash value \\(expected "00000000", got "{digest}"\\)'):
        hub.download_url_to_file(f"{base}/blob.bin", str(bad), hash_prefix="00000000", progress=False)
    assert not bad.exists() and not [p for p in os.listdir(tmp_path) if p.endswith(".partial")]


def test_load_state_dict_from_url_downloads_checks_hash_and_caches(server, home, tmp_path):
    root, base = server
    sd = {"w": ember.arange(6.).reshape(2, 3), "b": ember.ones(3)}
    tmp = tmp_path / "x.pt"
    ember.save(sd, str(tmp))
    prefix = hashlib.sha256(tmp.read_bytes()).hexdigest()[:8]
    name = f"model-{prefix}.pth"
    (root / name).write_bytes(tmp.read_bytes())
    got = hub.load_state_dict_from_url(f"{base}/{name}", check_hash=True, progress=False, map_location="cpu")
    assert list(got) == ["w", "b"] and ember.equal(got["w"], sd["w"])
    cached = home / "hub" / "checkpoints" / name
    assert cached.exists()
    (root / name).unlink()  # now only the cache has it
    assert ember.equal(hub.load_state_dict_from_url(f"{base}/{name}")["b"], sd["b"])
    # file_name picks the cache name; a wrong hash prefix in it fails after the download
    (root / "plain.pth").write_bytes(tmp.read_bytes())
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(f"{base}/plain.pth", check_hash=True, file_name="plain-0badbeef.pth",
                                     progress=False)
    assert not (home / "hub" / "checkpoints" / "plain-0badbeef.pth").exists()
    got = hub.load_state_dict_from_url(f"{base}/plain.pth", model_dir=str(tmp_path / "md"), file_name="n.pth",
                                       progress=False)
    assert (tmp_path / "md" / "n.pth").exists() and ember.equal(got["w"], sd["w"])


def test_zip_wrapped_checkpoint(home, tmp_path):
    inner = tmp_path / "weights.pt"
    ember.save({"w": ember.full((2,), 3.0)}, str(inner))
    ckpt = home / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    with zipfile.ZipFile(ckpt / "wrapped-1234.zip", "w") as z:
        z.write(inner, "weights.pt")
    with pytest.warns(FutureWarning, match="Falling back to the old format"):
        got = hub.load_state_dict_from_url("https://example.invalid/wrapped-1234.zip")
    assert got["w"].tolist() == [3.0, 3.0]


def test_cached_checkpoints_load_safely(home):
    ckpt = home / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    marker = home / "ran"
    (ckpt / "evil.pth").write_bytes(b"cposix\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    with pytest.raises(RuntimeError):  # ember.load's LoadError: the allow-list refuses os.system
        hub.load_state_dict_from_url("https://example.invalid/evil.pth", weights_only=False)
    assert not marker.exists()


def test_offline_error_names_file_url_and_path(home):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/models/net-abcdef12.pth"
    with pytest.raises(hub.URLError) as info:
        hub.load_state_dict_from_url(url, progress=False)
    msg = str(info.value)
    assert "'net-abcdef12.pth'" in msg and url in msg
    assert os.path.join(str(home), "hub", "checkpoints", "net-abcdef12.pth") in msg


def test_http_errors_propagate(server, home):
    _, base = server
    with pytest.raises(hub.HTTPError):
        hub.load_state_dict_from_url(f"{base}/missing.pth", progress=False)


def test_local_hubconf_load_list_help(tmp_path, home):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "helper_mod_for_hub.py").write_text("FACTOR = 3\n")
    (repo / "hubconf.py").write_text(
        "dependencies = ['numpy']\nfrom helper_mod_for_hub import FACTOR\n"
        "def scaled(x, k=1):\n    '''x times FACTOR times k.'''\n    return x * FACTOR * k\n"
        "def _private():\n    pass\n")
    assert hub.load(str(repo), "scaled", 2, source="local", k=5) == 30
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(repo), "nope", source="local")
    with pytest.raises(ValueError, match='Unknown source: "svn"'):
        hub.load(str(repo), "scaled", source="svn")
    (repo / "hubconf.py").write_text("dependencies = ['no_such_pkg_xyz']\ndef f():\n    pass\n")
    with pytest.raises(RuntimeError, match="Missing dependencies: no_such_pkg_xyz"):
        hub.load(str(repo), "f", source="local")
    # a repository already in the hub cache (torch's folder naming) answers list/help/load offline
    cached = home / "hub" / "owner_proj_main"
    cached.mkdir(parents=True)
    (cached / "hubconf.py").write_text("def net(n=1):\n    '''Build net.'''\n    return n\n")
    assert hub.list("owner/proj") == ["net"]
    assert hub.help("owner/proj", "net") == "Build net."
    assert hub.load("owner/proj:main", "net", n=4) == 4
    with pytest.raises(RuntimeError, match="owner_other_main"):
        hub.load("owner/other", "net")


def test_model_zoo_alias():
    from ember.utils import model_zoo
    assert model_zoo.load_url is hub.load_state_dict_from_url
