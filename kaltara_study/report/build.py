"""The build: raw → processed → every notebook executed in numeric order → reports.

``kaltara-study build`` (or ``make report``) runs, for one data source:

1. the data layer and the analysis stages the notebooks read (``stages.precompute``: analysis
   table, index, segmentation, …, cached by input and code hash; a build of some notebooks,
   ``only``, computes only theirs), in a thread of the build: a notebook starts once the stages it
   reads (its ``stages.<accessor>(…)`` calls) are in the cache, so the first notebooks run on one
   core while the later stages are computed on the other (each notebook can still build its stages
   itself when run alone);
2. every ``notebooks/NN_*.ipynb`` in numeric order with papermill, parameters (source, output
   folder, language, seed) injected into the cell tagged ``parameters`` — only when they differ
   from that cell's defaults, so the committed notebooks carry no injected cell;
3. strips volatile metadata (papermill/nbclient timestamps, durations) and writes the executed
   notebook back to ``notebooks/`` for the synthetic default (those are committed), or to
   ``<output>/notebooks/`` for any other source;
4. renders each executed notebook to HTML under ``<output>/notebooks/`` and writes
   ``<output>/index.html`` and ``<output>/MANIFEST.json`` (sha256 of inputs and outputs, package
   versions, the code commit, the parameters).

Notebooks are independent (each loads the cached stages), so ``jobs=2`` runs two kernels at once
(one while the stages are still being computed); each stage is computed once, by the build,
before any notebook that reads it starts.

A failing notebook stops the build with a :class:`BuildError` naming the notebook, the failing
cell and the error; the half-executed notebook is kept under ``build/failed/`` for inspection and
the committed notebook is left untouched.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
import pandas as pd
from jupyter_client.manager import AsyncKernelManager

from kaltara_study import stages
from kaltara_study.report import landing
from kaltara_study.report.translate import translated
from kaltara_study.errors import KaltaraError
from kaltara_study.study import Study, paths
from kaltara_study.data.write import sha256_file

KERNEL_NAME = "kaltara-study"


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel talks over Unix sockets in ``ipc_dir`` instead of TCP ports:
    nothing listens on the network (ipykernel warns about unencrypted TCP otherwise). Each notebook
    run gets its own subclass with its own temporary ``ipc_dir`` (:func:`execute_notebook`), since two
    kernels given the default socket name would share it (``kernel-ipc-<n>`` in the working folder)."""

    ipc_dir: str = ""

    def __init__(self, **kw):
        super().__init__(**kw)
        if not self.ipc_dir:
            raise BuildError("IPCKernelManager needs an ipc_dir (see execute_notebook)")
        self.transport = "ipc"
        self.ip = os.path.join(self.ipc_dir, "kernel")

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel before every shutdown, to stop a running cell. The build
        # shuts a kernel down only once its notebook has stopped (finished or failed), so that interrupt
        # stopped nothing: arriving while ipykernel handled the shutdown messages, it only wrote
        # "ERROR | KeyboardInterrupt caught in kernel." into the build log. A kernel that does not
        # exit after the shutdown request is still terminated, then killed (finish_shutdown).
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


#: the notebook rendered without code as the report (``laporan.html``)
REPORT_NOTEBOOK = "08_"
PARAMETER_NAMES = ("source", "output_dir", "lang", "seed")
#: Packages whose exact versions go into the manifest.
MANIFEST_PACKAGES = (
    "kaltara-study", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "matplotlib",
    "numba", "pandera", "geopandas", "joblib", "papermill", "nbconvert", "nbval", "openpyxl",
    "pyarrow", "ipykernel", "jupyterlab",
)
#: Code paths whose state the manifest's ``code_commit``/``code_tree_sha256`` describe.
CODE_PATHS = ("kaltara_study", "config", "data/raw", "pyproject.toml", "requirements")
VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")
VOLATILE_NB_METADATA = ("papermill", "widgets")


class BuildError(KaltaraError):
    """A notebook failed; the message names the notebook, the failing cell and the error."""


@dataclass
class BuildResult:
    notebooks: list[tuple[str, float]] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    manifest: Path | None = None


# --------------------------------------------------------------------------------------- helpers
def discover_notebooks(folder: Path, only: list[str] | None = None) -> list[Path]:
    """``NN_*.ipynb`` files of ``folder`` in numeric order, optionally filtered by name prefixes."""
    found = sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb"))
    if only:
        found = [p for p in found if any(p.name.startswith(o) for o in only)]
        if not found:
            raise BuildError(f"no notebook in {folder} matches {only}")
    return found


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The text of a notebook's first markdown heading ("" without one)."""
    return next((line.lstrip("# ").strip() for c in nb.cells if c.cell_type == "markdown"
                 for line in c.source.splitlines() if line.startswith("#")), "")


def notebook_outline(folder: Path | None = None, *, lang: str = "id") -> pd.DataFrame:
    """The pipeline as a table: each notebook's file name and the title of its first heading (for a
    ``lang`` other than Indonesian, from the notebook's current translation where there is one)."""
    rows = []
    for nb_path in discover_notebooks(folder or paths().notebooks):
        nb = nbformat.read(nb_path, as_version=4)
        if lang != "id":
            nb, _ = translated(nb_path, lang, nb)
        rows.append({"notebook": nb_path.name, "title": notebook_title(nb)})
    return pd.DataFrame(rows, columns=["notebook", "title"])


def parameter_defaults(nb: nbformat.NotebookNode) -> dict:
    """Values assigned in the cell tagged ``parameters`` (literal assignments only)."""
    import ast

    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            values = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        values[target.id] = ast.literal_eval(node.value)
            return values
    raise BuildError("no cell tagged 'parameters' (papermill needs one to inject the build's parameters)")


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without timestamps, durations and papermill bookkeeping."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for key in VOLATILE_NB_METADATA:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write ``nb`` with a fixed layout (1-space indent as Jupyter does, trailing newline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb, version=4)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def execute_notebook(
    nb_path: Path, dest: Path, parameters: dict, *, kernel_name: str = KERNEL_NAME,
    failed_dir: Path | None = None, on_untranslated=None,
) -> float:
    """Execute ``nb_path`` with papermill in its own folder, strip volatile metadata, write ``dest``.

    Parameters equal to the notebook's defaults are not injected. Returns the seconds taken.
    Raises :class:`BuildError` (notebook, cell, error) on failure; ``dest`` is then untouched.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.read(nb_path, as_version=4)
    lang = parameters.get("lang", "id")
    if lang != "id":  # the narrative cells in the reader's language (the committed notebook stays Indonesian)
        nb, status = translated(nb_path, lang, nb)
        if not status.complete and on_untranslated is not None:
            on_untranslated(status)
    defaults = parameter_defaults(nb)
    inject = {k: v for k, v in parameters.items() if defaults.get(k, object()) != v}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / nb_path.name
        try:
            pm.execute_notebook(
                nb, str(out), parameters=inject or None, kernel_name=kernel_name,
                # the kernel starts in the notebook's folder (nbclient's ``resources`` path), not
                # papermill's ``cwd``: that changes the whole process's folder, and two notebooks
                # run from two threads restored it out of order (the build or a test worker was
                # left in a notebook folder)
                resources={"metadata": {"path": str(nb_path.parent)}}, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, record_timing=False,
                kernel_manager_class=type("IPCKernelManager", (IPCKernelManager,), {"ipc_dir": tmp}),
            )
        except PapermillExecutionError as exc:
            if failed_dir is not None and out.exists():
                failed_dir.mkdir(parents=True, exist_ok=True)
                (failed_dir / nb_path.name).write_bytes(out.read_bytes())
            source = exc.source if len(exc.source) < 600 else exc.source[:600] + " …"
            raise BuildError(
                f"notebook {nb_path.name} failed at cell {exc.cell_index} "
                f"(In [{exc.exec_count}]):\n{source}\n-> {exc.ename}: {exc.evalue}"
            ) from None
        executed = nbformat.read(out, as_version=4)
    write_notebook(strip_volatile(executed), dest)
    return time.perf_counter() - t0


def render_html(nb_path: Path, dest: Path) -> Path:
    """Render an executed notebook to standalone HTML (nbconvert, lab template)."""
    from nbconvert import HTMLExporter

    body = _export(HTMLExporter(template_name="lab"), nb_path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(body, encoding="utf-8")
    return dest


def _export(exporter, nb_path: Path) -> str:
    """HTML of an executed notebook, titled (browser tab, printed header) by its first heading, not
    by its file name."""
    nb = nbformat.read(nb_path, as_version=4)
    nb.metadata.setdefault("title", notebook_title(nb) or nb_path.stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
    return body


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def code_state(root: Path) -> dict:
    """The last commit touching the code paths, whether they have uncommitted changes, and a
    sha256 over their tracked files (content only, so outputs committed later do not change it)."""
    existing = [p for p in CODE_PATHS if (root / p).exists()]
    commit = _git(root, "log", "-1", "--format=%H", "--", *existing) or None
    dirty = bool(_git(root, "status", "--porcelain", "--", *existing))
    files = sorted(_git(root, "ls-files", "--", *existing).splitlines())
    h = __import__("hashlib").sha256()
    for f in files:
        fp = root / f
        if fp.is_file():
            h.update(f.encode() + b"\0" + sha256_file(fp).encode() + b"\n")
    return {"code_commit": commit, "code_dirty": dirty, "code_tree_sha256": h.hexdigest()}


def package_versions() -> dict:
    out = {"python": platform.python_version()}
    for name in MANIFEST_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _files_under(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def write_manifest(
    dest: Path, *, root: Path, inputs: list[Path], outputs: list[Path], parameters: dict,
    synthetic: bool = False,
) -> Path:
    """Write MANIFEST.json: sha256 of inputs and outputs (paths relative to the root where possible),
    package versions, code commit, parameters. No timestamps, sorted keys: same build → same bytes."""

    def rel(p: Path) -> str:
        p = Path(p).resolve()
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            try:
                return "../" + p.relative_to(root.parent).as_posix()
            except ValueError:
                return p.as_posix()

    manifest = {
        "project": "kaltara-study",
        "data_status": "SYNTHETIC" if synthetic else "REAL",
        "parameters": parameters,
        **code_state(root),
        "versions": package_versions(),
        "inputs": {rel(p): sha256_file(p) for p in sorted(set(inputs))},
        "outputs": {rel(p): sha256_file(p) for p in sorted(set(outputs)) if p != dest},
    }
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return dest


def render_report(nb_path: Path, dest: Path, *, lang: str) -> Path:
    """Render the report notebook without its code cells (``--no-input``), with A4 print CSS and a
    table of contents: ``<out>/laporan.html``, the page a reader at the office opens."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body = _export(exporter, nb_path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(landing.dress_report(body, lang=lang), encoding="utf-8")
    return dest


def write_index(out: Path, *, synthetic: bool, notebooks: list[Path], lang: str = "id",
                report: Path | None = None) -> Path:
    """``<out>/index.html``: the landing page — start here (the report), the workbook, each notebook
    with its title and one line, figures grouped by notebook, tables, the manifest."""
    figures = sorted(p.stem for p in (out / "figures").glob("*.png"))
    tables = sorted(p for p in _files_under(out / "tables") if p.suffix in {".csv", ".xlsx"})
    workbooks = [p for p in tables if p.suffix == ".xlsx"]
    entries = landing.build_entries(
        notebooks=[p.stem for p in notebooks], figures=figures,
        tables=[p.relative_to(out).as_posix() for p in tables if p.suffix == ".csv"],
        report=report.relative_to(out).as_posix() if report else None,
        workbook=workbooks[0].relative_to(out).as_posix() if workbooks else None, lang=lang)
    entries.append(landing.Entry("MANIFEST.json", "MANIFEST.json", kind="provenance"))
    dest = out / "index.html"
    dest.write_text(landing.landing_page(entries, synthetic=synthetic, lang=lang), encoding="utf-8")
    return dest


def _close_thread_loop() -> None:
    """Close the event loop the notebook client opened in this worker thread (it never closes it,
    which leaves a ResourceWarning when the thread's loop is collected)."""
    import asyncio

    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return
    if not loop.is_running():
        loop.close()
    asyncio.set_event_loop(None)


#: a call of one of the stage accessors (``stages.readiness(study)``) in a notebook's code
_ACCESSOR_CALL = re.compile(r"\bstages\.([A-Za-z_]\w*)\(")


def stages_needed(nb_path: Path) -> tuple[str, ...]:
    """The stages notebook ``nb_path`` reads, from the ``stages.<accessor>(…)`` calls of its code
    cells (:func:`kaltara_study.stages.stages_read_by`: every stage for an accessor it does not know).
    A notebook reading a stage some other way still gets it: it computes the stage itself."""
    nb = nbformat.read(nb_path, as_version=4)
    calls = {m for c in nb.cells if c.cell_type == "code" for m in _ACCESSOR_CALL.findall(c.source)}
    return stages.stages_read_by(sorted(calls))


def _one_line_at_a_time(log):
    """``log`` for several threads (the stages' and the notebooks'): a line is written whole."""
    lock = threading.Lock()

    def locked(line: str) -> None:
        with lock:
            log(line)

    return locked


class _StagesFailed(Exception):
    """A stage failed in the build's stage thread; the build raises that stage's error instead."""


class _StagesInBackground:
    """The stages computed in a thread of the build, holding one of the build's ``jobs`` slots
    until all are ready, so the notebooks that start meanwhile (those whose stages are ready) never
    add a third busy process to two cores."""

    def __init__(self, study: Study, slots: threading.BoundedSemaphore, log, names=stages.BUILD_ORDER):
        self.ready = {name: threading.Event() for name in stages.BUILD_ORDER}
        self._names = tuple(names)
        self.error: BaseException | None = None
        self._slots, self._log, self._study = slots, log, study
        slots.acquire()
        self._thread = threading.Thread(target=self._compute, name="kaltara-stages", daemon=True)
        self._thread.start()

    def _compute(self) -> None:
        t = time.perf_counter()
        try:
            for name, line in stages.precompute(self._study, self._names):
                self._log(f"[raw → processed] {line}")
                self.ready[name].set()
            self._log(f"[raw → processed] done in {time.perf_counter() - t:.1f} s")
        except BaseException as exc:  # noqa: BLE001 - raised by the build's own thread (join)
            self.error = exc
        finally:
            for event in self.ready.values():
                event.set()
            self._slots.release()

    def wait_for(self, names) -> None:
        for name in names:
            self.ready[name].wait()
        if self.error is not None:
            raise _StagesFailed

    def join(self) -> None:
        self._thread.join()
        if self.error is not None:
            raise self.error


def _run_all(notebooks: list[Path], run_one, jobs: int, finish=None) -> list:
    """Run the notebooks, ``jobs`` at a time, and apply ``finish`` (e.g. render its page) to each
    result; returns the finished results in notebook order.

    The report notebook shows the figures the others saved, so it runs after all of them, alone:
    the other notebooks are finished meanwhile, on the cores it leaves free, instead of competing
    with the notebooks still running."""
    finish = finish or (lambda r: r)
    numbered = list(enumerate(notebooks, 1))
    first = [x for x in numbered if not x[1].name.startswith(REPORT_NOTEBOOK)]
    last = [x for x in numbered if x[1].name.startswith(REPORT_NOTEBOOK)]
    if jobs <= 1:
        ran = [run_one(x) for x in first]
        return [finish(r) for r in ran] + [finish(run_one(x)) for x in last]
    from concurrent.futures import ThreadPoolExecutor

    def in_thread(x):
        try:
            return run_one(x)
        finally:
            _close_thread_loop()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        ran = list(pool.map(in_thread, first))
        report = [pool.submit(in_thread, x) for x in last]
        finished = list(pool.map(finish, ran))
        return finished + [finish(f.result()) for f in report]


# ----------------------------------------------------------------------------------------- build
def build(study: Study, *, only: list[str] | None = None, kernel_name: str = KERNEL_NAME, log=None,
          jobs: int = 1) -> BuildResult:
    """Run the whole build for ``study`` (see the module docstring). Returns what was written."""
    log = _one_line_at_a_time(log or functools.partial(print, flush=True))
    p = study.paths
    root = p.root
    out = study.out.resolve()
    output = study.output_dir
    params = {"source": study.source, "output_dir": output, "lang": study.lang, "seed": study.seed}
    in_place = out == p.reports.resolve()
    result = BuildResult()

    log(f"kaltara-study build: source={study.source} output={output} lang={study.lang} seed={study.seed}")
    t0 = time.perf_counter()
    log("[raw → processed] data layer and analysis stages (cached in data/interim by input and code hash) …")
    notebooks = discover_notebooks(p.notebooks, only)
    slots = threading.BoundedSemaphore(max(1, jobs))  # busy processes: the stages' thread and the kernels
    # only the stages these notebooks read (all of them for a full build: notebook 07 reads every one)
    needed = {name for nb_path in notebooks for name in stages_needed(nb_path)}
    computing = _StagesInBackground(study, slots, log, names=needed)
    if not only:  # a full build starts from empty output folders, so nothing stale survives
        import shutil

        for sub in ("figures", "tables", "notebooks"):
            if (out / sub).is_dir() and out / sub != p.notebooks:
                shutil.rmtree(out / sub)
    executed_dir = p.notebooks if in_place else out / "notebooks"
    n = len(notebooks)

    def run_one(i_nb):
        i, nb_path = i_nb
        computing.wait_for(stages_needed(nb_path))
        with slots:
            log(f"[{i:02d}/{n:02d}] {nb_path.name} running …")
            dest = executed_dir / nb_path.name
            secs = execute_notebook(nb_path, dest, params, kernel_name=kernel_name,
                                    failed_dir=p.build / "failed",
                                    on_untranslated=lambda st: log(f"[{i:02d}/{n:02d}] warning: {st.line()}"))
        log(f"[{i:02d}/{n:02d}] {nb_path.name} done in {secs:.1f} s")
        return nb_path.name, secs, dest

    def page(ran):
        name, secs, dest = ran
        return name, secs, dest, render_html(dest, out / "notebooks" / f"{Path(name).stem}.html")

    # the kernels must resolve the same study root as the build (papermill kernels inherit the env)
    previous_root = os.environ.get("KALTARA_ROOT")
    os.environ["KALTARA_ROOT"] = str(root)
    try:
        done = _run_all(notebooks, run_one, jobs, finish=page)
    except _StagesFailed:
        computing.join()  # raises the stage's own error
        raise
    finally:
        if previous_root is None:
            os.environ.pop("KALTARA_ROOT", None)
        else:
            os.environ["KALTARA_ROOT"] = previous_root
    computing.join()
    processed_outputs = _files_under(study.processed_dir)
    result.notebooks = [(name, secs) for name, secs, _, _ in done]
    executed_paths = [d for _, _, d, _ in done]
    html_paths = [h for _, _, _, h in done]

    report_nb = next((d for d in executed_paths if d.name.startswith(REPORT_NOTEBOOK)), None)
    report_page = render_report(report_nb, out / "laporan.html", lang=study.lang) if report_nb else None
    index = write_index(out, synthetic=study.is_synthetic, notebooks=html_paths, lang=study.lang,
                        report=report_page)
    inputs = [f for d in study.raw_dirs for f in _files_under(d)]
    inputs += _files_under(p.config)
    outputs = sorted(set(_files_under(out) + executed_paths + processed_outputs) - {out / "MANIFEST.json"})
    result.manifest = write_manifest(out / "MANIFEST.json", root=root, inputs=inputs,
                                     outputs=outputs, parameters=params, synthetic=study.is_synthetic)
    result.outputs = outputs + [index, result.manifest]

    n_fig = len(list((out / "figures").glob("*.png")))
    n_tab = len([f for f in _files_under(out / "tables")])
    log(
        f"done in {time.perf_counter() - t0:.1f} s: {len(notebooks)} notebooks "
        f"({'written back to notebooks/' if in_place else f'executed copies in {output}/notebooks/'}), "
        f"{len(html_paths)} HTML pages, {n_fig} figures (PNG+PDF), {n_tab} tables, "
        f"{len(processed_outputs)} processed files; index: {output}/index.html; "
        f"manifest: {output}/MANIFEST.json ({len(inputs)} inputs, {len(outputs)} outputs)"
    )
    return result
