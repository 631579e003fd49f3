"""Safe unzipping: traversal, links, bombs and limits are refused with a 4xx status."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from instrumentarium.model import TruncatedFileError
from instrumentarium.plugins import register, unregister
from instrumentarium.web._store import FolderStore
from instrumentarium.web._uploads import Limits, UploadError, safe_unzip


def _zip(path: Path, members: dict[str, bytes], *, mode: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_unpacks_nested_folders(tmp_path: Path) -> None:
    z = _zip(tmp_path / "ok.zip", {"exp/1/fid": b"\x00" * 16, "exp/1/acqus": b"##TITLE= x\n", "a.txt": b"a"})
    out = tmp_path / "out"
    out.mkdir()
    files = safe_unzip(z, out)
    assert sorted(p.relative_to(out).as_posix() for p in files) == ["a.txt", "exp/1/acqus", "exp/1/fid"]
    assert (out / "exp/1/fid").read_bytes() == b"\x00" * 16


@pytest.mark.parametrize(
    "name", ["../evil.txt", "a/../../evil.txt", "/etc/evil", "C:/evil.txt", "..\\evil.txt"])
def test_refuses_paths_outside_the_archive(tmp_path: Path, name: str) -> None:
    z = _zip(tmp_path / "bad.zip", {name: b"x"})
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UploadError) as err:
        safe_unzip(z, out)
    assert err.value.status == 400
    assert not (tmp_path / "evil.txt").exists()
    assert list(out.rglob("*")) == []


def test_refuses_symlinks(tmp_path: Path) -> None:
    z = _zip(tmp_path / "link.zip", {"link": b"/etc/passwd"}, mode=stat.S_IFLNK | 0o777)
    with pytest.raises(UploadError, match="link"):
        safe_unzip(z, tmp_path)


def test_refuses_a_zip_bomb_before_unpacking_it(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bomb.zip", {"zeros": b"\x00" * (20 * 1024**2)})
    assert z.stat().st_size < 100_000
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UploadError) as err:
        safe_unzip(z, out, Limits(max_ratio=100))
    assert err.value.status == 413
    assert "zip bomb" in str(err.value)
    assert not (out / "zeros").exists()


def test_refuses_too_much_data_and_too_many_members(tmp_path: Path) -> None:
    z = _zip(tmp_path / "big.zip", {f"f{i}": b"x" * 1000 for i in range(20)})
    with pytest.raises(UploadError, match="unpacks to"):
        safe_unzip(z, tmp_path, Limits(max_unpacked_bytes=10_000))
    with pytest.raises(UploadError, match="20 members"):
        safe_unzip(z, tmp_path, Limits(max_members=10))


def test_a_lying_header_cannot_get_past_the_size_limit(tmp_path: Path) -> None:
    data = b"y" * 50_000
    z = _zip(tmp_path / "liar.zip", {"f": data})
    raw = bytearray(z.read_bytes())
    # rewrite the declared uncompressed size (central directory, offset 24) to 10 bytes
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    liar = tmp_path / "liar2.zip"
    liar.write_bytes(bytes(raw))
    with pytest.raises(UploadError) as err:
        safe_unzip(liar, tmp_path / "o", Limits(max_unpacked_bytes=1000))
    assert err.value.status in (400, 413)


def test_refuses_what_is_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.zip"
    p.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(UploadError, match="not a readable zip") as err:
        safe_unzip(p, tmp_path)
    assert err.value.status == 400


def test_upload_endpoint_answers_4xx_never_500(client, tmp_path: Path) -> None:
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../../escape.txt", "x")
    r = client.post("/api/uploads", files={"file": ("bad.zip", bad.getvalue())})
    assert r.status_code == 400
    assert "outside the archive" in r.json()["detail"]
    r = client.post("/api/uploads", files={"file": ("notes.txt", b"hello")})
    assert r.status_code == 422
    assert "no measurement found" in r.json()["detail"]
    r = client.post("/api/uploads", files={"file": ("empty.dat", b"")})
    assert r.status_code == 400
    r = client.post("/api/uploads")
    assert r.status_code == 422


def test_upload_size_limit_gives_413(store, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from instrumentarium.web import create_app

    with TestClient(create_app(store=store, limits=Limits(max_upload_bytes=1000))) as c:
        r = c.post("/api/uploads", files={"file": ("big.nxs", b"x" * 5000)})
    assert r.status_code == 413
    assert "larger than 1,000 bytes" in r.json()["detail"]


class _BrokenReader:
    """Claims ``*.fake`` files and always finds them truncated (a reader failure)."""

    name = "fake-broken"
    technique = "nmr"
    description = "test reader"
    patterns = ("*.fake",)

    def sniff(self, path: Path) -> float:
        return 0.9 if path.suffix == ".fake" else 0.0

    def read(self, path: Path):
        raise TruncatedFileError("the FID ends after 12 of 4096 points", path=path)


@pytest.fixture
def broken_reader(nmr_technique):
    """A reader that always fails (and an NMR technique for the catalog's ingest to process with)."""
    register("readers", _BrokenReader.name, _BrokenReader())
    yield
    unregister("readers", _BrokenReader.name)


def test_upload_a_folder_as_zip_catalogues_it(client, store, broken_reader) -> None:
    nxs = store.run_path(1).read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("lab/day1/ethyl.nxs", nxs)
        zf.writestr("lab/day1/scan.fake", b"short")
        zf.writestr("lab/readme.txt", "notes")
    r = client.post("/api/uploads", files={"file": ("lab.zip", buf.getvalue())})
    assert r.status_code == 201, r.text
    body = r.json()
    assert len(body["ids"]) == 1
    if isinstance(store, FolderStore):
        assert body["skipped"] == ["lab/lab/readme.txt"]
    assert [f["file"] for f in body["failures"]] == ["lab/lab/day1/scan.fake"]
    assert "ends after 12 of 4096" in body["failures"][0]["error"]
    new = client.get(f"/api/measurements/{body['ids'][0]}").json()
    assert new["technique"] == "nmr"
    assert new["record"]["filename"].endswith("ethyl.nxs")
    home = client.get("/api/home").json()
    assert any(f["filename"].endswith("scan.fake") for f in home["failures"])


def _reader_examples(tmp_path: Path) -> list[tuple[str, Path]]:
    from instrumentarium.plugins import readers

    out = []
    for name, reader in sorted(readers().items()):
        if not hasattr(reader, "examples"):
            continue
        folder = tmp_path / name
        folder.mkdir()
        out.extend((name, p) for p in reader.examples(folder)[:2])
    return out


def test_every_installed_reader_example_uploads_as_a_zip(client, tmp_path: Path) -> None:
    """A file or a vendor folder (a Bruker experiment...) zipped: catalogued or a recorded failure."""
    examples = _reader_examples(tmp_path)
    if not examples:
        pytest.skip("no installed reader writes examples")
    for name, path in examples:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            files = [path] if path.is_file() else [p for p in sorted(path.rglob("*")) if p.is_file()]
            for f in files:
                zf.write(f, f.relative_to(path.parent).as_posix())
        r = client.post("/api/uploads", files={"file": (f"{path.name}.zip", buf.getvalue())})
        assert r.status_code in (201, 422), (name, r.text)
        if r.status_code == 201:
            body = r.json()
            assert body["ids"] or body["failures"], (name, body)
