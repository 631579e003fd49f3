"""Dataset discovery and dataset fingerprints."""

from __future__ import annotations

import os

import instrumentarium_fakelab as fakelab
import pytest

from instrumentarium.catalog import dataset_files, discover, hash_dataset
from instrumentarium.model import sha256_file


def test_claimed_folder_is_one_dataset_and_not_descended(fake_lab, lab):
    found = list(discover([lab]))
    names = sorted(os.path.relpath(c.path, lab) for c in found)
    assert names == ["nmr/aspirin.fake", "nmr/carbon/10", "nmr/menthol.fake",
                     "xrd/broken.fake", "xrd/mix.fake", "xrd/sand.fake"]
    folder = next(c for c in found if c.is_folder)
    assert folder.reader == "fakelab" and folder.confidence >= 0.5


def test_hidden_entries_junk_and_the_store_are_skipped(fake_lab, lab):
    fakelab.write_fake(lab / "store" / "x.fake", kind="nmr")
    found = [c.path for c in discover([lab], exclude=[lab / "store"])]
    assert not any(".hidden" in p or "readme" in p or "/store/" in p for p in found)


def test_roots_given_twice_or_nested_give_each_dataset_once(fake_lab, lab):
    found = list(discover([lab, lab / "nmr", lab / "nmr" / "aspirin.fake"]))
    assert len(found) == len({c.path for c in found}) == 6


def test_missing_root_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(discover([tmp_path / "absent"]))


def test_file_fingerprint_is_its_sha256(fake_lab, lab):
    path = lab / "nmr" / "aspirin.fake"
    sha, files = hash_dataset(path, dataset_files(path))
    assert sha == sha256_file(path) == files[0].sha256


def test_folder_fingerprint_follows_content_not_location(fake_lab, lab, tmp_path):
    import shutil

    folder = lab / "nmr" / "carbon" / "10"
    sha, files = hash_dataset(folder, dataset_files(folder))
    assert len(files) == 3 and all(f.sha256 for f in files)
    copy = shutil.copytree(folder, tmp_path / "elsewhere" / "10")
    assert hash_dataset(copy, dataset_files(copy))[0] == sha
    (copy / "sub" / "notes.txt").write_text("edited\n")
    assert hash_dataset(copy, dataset_files(copy))[0] != sha
