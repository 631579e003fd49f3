"""Ingest folders into the catalog: discover, skip what is done, process in parallel, write.

Pipeline (one writer, after the Dask/QCoDeS lessons in ``notes/platform.md`` §3, §5):

1. :func:`discover` the datasets (a claimed vendor folder is one dataset).
2. Skip the unchanged: a dataset whose files all have the same path, size and mtime as
   when it was ingested with this recipe version is not even hashed; otherwise it is
   hashed and skipped when (sha256, ingest key) is already in the catalog (moved/copied).
3. Work: read → ``process`` with the automatic recipe → ``analyze`` → ``.nxs`` in the
   store, in this process (``workers <= 1``) or a pool of ``workers`` spawned processes.
4. This process alone writes the rows, one transaction per dataset, as results arrive.

A crash or Ctrl-C loses at most the datasets in flight; a rerun finishes the job.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ._catalog import Catalog
from ._discover import DatasetCandidate, dataset_files, discover, hash_dataset
from ._models import Dataset, MeasurementRow, ProcessingRun, RawFile
from ._work import DatasetOutcome, IngestTask, ingest_key, run_task
from ._write import completed_key_exists, relocate, write_outcome

__all__ = ["IngestSummary", "ingest"]


@dataclass
class IngestSummary:
    """What an ingest did: counts (per dataset) overall and by technique, and the failures.

    ``elapsed_s`` is the wall time; ``work_s`` the time the workers spent reading,
    processing, analysing and storing (summed over workers), so that in a serial ingest
    ``elapsed_s - work_s`` is the catalog's own cost (discovery, hashing, rows).
    """

    new: int = 0
    unchanged: int = 0
    failed: int = 0
    analysis_failed: int = 0
    by_technique: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[dict[str, str]] = field(default_factory=list)
    measurement_ids: list[int] = field(default_factory=list)
    elapsed_s: float = 0.0
    work_s: float = 0.0
    workers: int = 1
    interrupted: bool = False

    @property
    def total(self) -> int:
        """Datasets seen."""
        return self.new + self.unchanged + self.failed

    def count(self, technique: str, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        self.by_technique[technique][what] += 1

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for ``ingest --json``."""
        return {
            "datasets": self.total,
            "new": self.new,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "analysis_failed": self.analysis_failed,
            "by_technique": {t: {k: c.get(k, 0) for k in ("new", "unchanged", "failed")}
                             for t, c in sorted(self.by_technique.items())},
            "failures": self.failures,
            "measurement_ids": self.measurement_ids,
            "elapsed_s": round(self.elapsed_s, 3),
            "work_s": round(self.work_s, 3),
            "workers": self.workers,
            "interrupted": self.interrupted,
        }


def _known(catalog: Catalog, key: str,
           retry_failed: bool) -> dict[str, tuple[str, dict[str, tuple[int, int]], int]]:
    """Datasets done with this ingest key: path -> (technique, {file: (size, mtime_ns)}, n_files)."""
    with catalog.reading() as s:
        done = select(ProcessingRun.dataset_id).where(ProcessingRun.ingest_key == key)
        if retry_failed:
            failed = select(ProcessingRun.dataset_id).where(ProcessingRun.ingest_key == key,
                                                            ProcessingRun.status == "failed")
            done = done.where(ProcessingRun.dataset_id.not_in(failed))
        datasets = {d.id: d for d in s.scalars(select(Dataset).where(Dataset.id.in_(done)))}
        techniques: dict[int, str] = {}
        for ds_id, tech in s.execute(select(MeasurementRow.dataset_id, MeasurementRow.technique)
                                     .where(MeasurementRow.dataset_id.in_(list(datasets)))):
            techniques.setdefault(ds_id, tech)
        files: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
        for rf in s.scalars(select(RawFile).where(RawFile.dataset_id.in_(list(datasets)))):
            files[rf.dataset_id][rf.path] = (rf.size_bytes, rf.mtime_ns or -1)
        return {d.path: (techniques.get(i, ""), files[i], d.n_files) for i, d in datasets.items()}


def _clean_store(store: Path) -> None:
    # temporary files of a save killed half-way; only one ingest writes the store at a time
    if store.is_dir():
        for tmp in store.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: leave when the ingest process dies (SIGKILL leaves no one to tell us)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn: safe with the progress thread and on every OS; plugins load from entry points
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))


def ingest(
    folders: Iterable[str | os.PathLike[str]],
    *,
    catalog: Catalog | None = None,
    url: str | os.PathLike[str] | None = None,
    workers: int = 1,
    recipe: str = "auto",
    analyze: bool = True,
    progress: bool = False,
    retry_failed: bool = False,
    on_dataset: Any = None,
) -> IngestSummary:
    """Ingest every dataset under ``folders`` into the catalog; return the summary.

    Parameters
    ----------
    folders
        Folders to walk (or single files).
    catalog, url
        An open :class:`Catalog`, or the URL of one to open (default catalog if neither).
    workers
        Processes reading and processing in parallel (1: all in this process). The
        database is written by this process only.
    recipe
        ``"auto"`` (the technique's automatic recipe) or ``"vendor"``.
    analyze
        Run the technique's analysis (peaks, multiplets, phases) and catalogue its results.
    progress
        Show a progress bar on stderr.
    retry_failed
        Try again the datasets whose earlier ingest with this recipe version failed
        (after a reader or technique was fixed); they are otherwise counted unchanged.
    on_dataset
        Optional callback ``f(candidate, status)`` after each dataset (tests, front ends).
    """
    t0 = time.perf_counter()
    own = catalog is None
    cat = catalog if catalog is not None else Catalog(url)
    summary = IngestSummary(workers=max(1, workers))
    key = ingest_key(recipe)
    try:
        _clean_store(cat.store)
        candidates = list(discover(folders, exclude=[cat.store]))
        known = _known(cat, key, retry_failed)
        with _progress(progress, len(candidates)) as advance:
            def done(cand: DatasetCandidate, technique: str, status: str) -> None:
                summary.count(technique or cand.technique, status)
                advance(cand)
                if on_dataset is not None:
                    on_dataset(cand, status)

            tasks = _tasks(cat, candidates, known, key, recipe, analyze, retry_failed, done)
            try:
                for outcome in _execute(tasks, workers):
                    _write(cat, outcome, key, summary, done, retry_failed)
            except KeyboardInterrupt:
                summary.interrupted = True
                raise
    finally:
        summary.elapsed_s = time.perf_counter() - t0
        if own:
            cat.close()
    return summary


def _tasks(cat: Catalog, candidates: list[DatasetCandidate], known: dict, key: str, recipe: str,
           analyze: bool, retry_failed: bool, done: Any) -> Iterator[IngestTask]:
    """Yield the datasets that need work; count the unchanged ones on the way."""
    for cand in candidates:
        try:
            files = dataset_files(cand.path)
        except OSError:
            files = []
        prior = known.get(cand.path)
        if prior is not None and files and len(files) == prior[2] and all(
            prior[1].get(f.path) == (f.size_bytes, f.mtime_ns) for f in files
        ):
            done(cand, prior[0], "unchanged")
            continue
        try:
            sha, hashed = hash_dataset(cand.path, files)
        except OSError:  # unreadable: let the worker fail and record it
            sha = hashlib.sha256(f"unreadable:{cand.path}".encode()).hexdigest()
            hashed = files
        with cat.session() as s:
            if completed_key_exists(s, sha, key, retry_failed=retry_failed):
                relocate(s, sha, cand.path, hashed)
                done(cand, "", "unchanged")
                continue
        yield IngestTask(path=cand.path, is_folder=cand.is_folder, reader=cand.reader,
                         technique=cand.technique, sha256=sha, files=tuple(hashed),
                         store=str(cat.store), recipe_request=recipe, analyze=analyze)


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _one_thread_per_worker() -> Iterator[None]:
    """Workers inherit 1-thread BLAS/FFT settings: N processes on N cores, not N x cores threads."""
    saved = {k: os.environ.get(k) for k in _THREAD_VARS}
    for k in _THREAD_VARS:
        os.environ.setdefault(k, "1")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute(tasks: Iterator[IngestTask], workers: int) -> Iterator[DatasetOutcome]:
    if workers <= 1:
        for task in tasks:
            yield run_task(task)
        return
    with _one_thread_per_worker():
        yield from _execute_pool(tasks, workers)


def _execute_pool(tasks: Iterator[IngestTask], workers: int) -> Iterator[DatasetOutcome]:
    pool = _pool(workers)
    pending: set[Future] = set()
    try:
        for task in tasks:
            pending.add(pool.submit(run_task, task))
            if len(pending) >= 2 * workers:  # bounded: memory stays flat on big archives
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    yield f.result()
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                yield f.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _write(cat: Catalog, outcome: DatasetOutcome, key: str, summary: IngestSummary, done: Any,
           retry_failed: bool) -> None:
    task = outcome.task
    summary.work_s += outcome.work_s
    cand = DatasetCandidate(task.path, task.is_folder, task.reader, task.technique, 1.0)
    technique = next((s.measurement["technique"] for s in outcome.scans if s.measurement), task.technique)
    try:
        with cat.session() as s:
            # a byte-identical copy processed in parallel may have been written meanwhile
            if completed_key_exists(s, task.sha256, key, retry_failed=retry_failed):
                relocate(s, task.sha256, task.path, list(task.files))
                duplicate = True
            else:
                duplicate = False
                write_outcome(s, outcome, key)
            ids = [m_id for (m_id,) in s.execute(
                select(MeasurementRow.id).join(Dataset).where(Dataset.sha256 == task.sha256))]
    except IntegrityError:
        duplicate = True  # another ingest wrote it meanwhile
    if duplicate:
        done(cand, technique, "unchanged")
        return
    summary.measurement_ids.extend(ids)
    failed = [s for s in outcome.scans if s.status == "failed"]
    for s in outcome.scans:
        if s.status != "ok":
            summary.failures.append({"path": task.path, "scan": str(s.scan_index), "stage": s.stage or "",
                                     "error": s.error or ""})
    summary.analysis_failed += sum(s.status == "analysis_failed" for s in outcome.scans)
    done(cand, technique, "failed" if failed and len(failed) == len(outcome.scans) else "new")


class _progress:
    """A rich progress bar on stderr (or nothing), used as ``with _progress(...) as advance``."""

    def __init__(self, show: bool, total: int) -> None:
        self.show, self.total = show, total
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.show:
            return lambda cand: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                             TimeRemainingColumn(), TextColumn("{task.description}"),
                             console=Console(stderr=True), transient=False)
        self._bar.start()
        task = self._bar.add_task("", total=self.total)

        def advance(cand: DatasetCandidate) -> None:
            self._bar.update(task, advance=1, description=Path(cand.path).name[:40])

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
