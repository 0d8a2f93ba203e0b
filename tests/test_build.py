"""The build engine: parameters injected, volatile metadata stripped, failures reported, figures
byte-reproducible, raw data untouched, manifest and index complete, committed notebooks executed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kaltara_study.report import build
from kaltara_study.study import load_study
from kaltara_study.data.write import sha256_file

PARAMS = 'source = "synthetic"\noutput_dir = "reports"\nlang = "id"\nseed = 20251'


def _nb(*cells: str, params: str = PARAMS) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "kaltara-study", "display_name": "k", "language": "python"}
    p = new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("# t"), p] + [new_code_cell(c) for c in cells]
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    return nb


def _write(nb, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


def test_parameters_are_injected_and_volatile_metadata_stripped(tmp_path):
    src = _write(_nb("print(lang, seed, source)"), tmp_path / "01_t.ipynb")
    dest = tmp_path / "out" / "01_t.ipynb"
    build.execute_notebook(src, dest, {"source": "synthetic", "output_dir": "reports",
                                       "lang": "en", "seed": 7})
    nb = nbformat.read(dest, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "lang = \"en\"" in injected[0].source and "seed = 7" in injected[0].source
    assert "source" not in injected[0].source  # equal to the default: not injected
    assert nb.cells[-1].outputs[0]["text"] == "en 7 synthetic\n"
    text = dest.read_text()
    assert "papermill" not in nb.metadata
    for key in ("start_time", "end_time", "duration", "iopub.execute_input", "shell.execute_reply"):
        assert key not in text, f"volatile key {key} left in the executed notebook"


def test_two_kernels_at_once_each_talk_over_their_own_unix_sockets(tmp_path):
    """Kernels run over IPC sockets in a per-run temporary folder: two started at once (the build runs
    two notebooks at a time) must not share a socket, and the working folder gets no socket files.
    Each kernel starts in its notebook's folder, and the build's own working folder is unchanged
    (papermill's ``cwd`` changed it for the whole process, and two threads left it wrong)."""
    import os

    code = ("import os\nfrom ipykernel.kernelapp import IPKernelApp\n"
            "app = IPKernelApp.instance()\n"
            "print(app.transport, app.ip.endswith('/kernel'), os.path.basename(os.getcwd()))")
    for i in (1, 2):
        (tmp_path / f"d{i}").mkdir()
    srcs = [_write(_nb(code), tmp_path / f"d{i}" / f"0{i}_t.ipynb") for i in (1, 2)]
    params = {"source": "synthetic", "output_dir": "reports", "lang": "id", "seed": 20251}
    here = os.getcwd()
    build._run_all(srcs, lambda i_s: build.execute_notebook(i_s[1], tmp_path / "out" / i_s[1].name, params),
                   jobs=2)  # the build's own runner: two threads, their event loops closed
    assert os.getcwd() == here
    for i, s in enumerate(srcs, 1):
        out = nbformat.read(tmp_path / "out" / s.name, as_version=4)
        assert out.cells[-1].outputs[0]["text"] == f"ipc True d{i}\n"
    assert not [f for f in tmp_path.rglob("*") if "ipc" in f.name]


def test_a_kernel_is_not_interrupted_when_it_is_shut_down_but_still_otherwise(monkeypatch, tmp_path):
    """The interrupt jupyter_client sends before every shutdown put "ERROR | KeyboardInterrupt caught
    in kernel." into the build log; a real interrupt (a cell over its time limit) still goes through."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    sent = []

    async def record(self):
        sent.append(self.shutting_down)

    monkeypatch.setattr(AsyncKernelManager, "_async_interrupt_kernel", record)
    km = type("M", (build.IPCKernelManager,), {"ipc_dir": str(tmp_path)})()
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    km.shutting_down = False
    asyncio.run(km._async_interrupt_kernel())
    assert sent == [False]


def test_the_other_pages_are_finished_while_the_report_notebook_runs():
    """The report notebook runs last and alone; the finished notebooks' pages are rendered on the
    other worker meanwhile (the report's run waits for one of them: it would time out if they ran
    after it), and the results come back in notebook order."""
    import threading

    rendered = threading.Event()
    names = [Path(n) for n in ("01_a.ipynb", "02_b.ipynb", f"{build.REPORT_NOTEBOOK}.ipynb")]

    def run_one(i_nb):
        if i_nb[1].name.startswith(build.REPORT_NOTEBOOK):
            assert rendered.wait(timeout=30), "no page was rendered while the report notebook ran"
        return i_nb[1].name

    def finish(name):
        if not name.startswith(build.REPORT_NOTEBOOK):
            rendered.set()
        return name.upper()

    assert build._run_all(names, run_one, jobs=2, finish=finish) == [n.name.upper() for n in names]
    assert build._run_all(names[:2], run_one, jobs=1, finish=finish) == ["01_A.IPYNB", "02_B.IPYNB"]


def test_each_notebook_waits_for_the_stages_its_code_reads(root, tmp_path):
    """The stages a notebook waits for are those its ``stages.<accessor>(…)`` calls read, with the
    stages they are computed from; an accessor the table does not know means every stage."""
    nbs = root / "notebooks"
    assert build.stages_needed(nbs / "00_overview.ipynb") == ("analysis",)
    assert build.stages_needed(nbs / "03_explore.ipynb") == ("analysis", "boundaries", "map_boundaries")
    assert build.stages_needed(nbs / "08_report.ipynb") == ("analysis", "index", "segmentation",
                                                            "village_types", "readiness")
    unknown = _write(_nb("stages.analysis_data(study)", "stages.a_future_stage(study)"), tmp_path / "x.ipynb")
    assert build.stages_needed(unknown) == build.stages.BUILD_ORDER


def test_stages_computed_in_the_background_release_each_stage_as_it_is_ready(monkeypatch):
    """A notebook waiting for the first stage starts while the later ones are still computed; the
    stages hold one of the build's slots until they are all done; a stage's error reaches every
    waiting notebook and is raised by ``join``."""
    import threading

    from kaltara_study.errors import DataError

    go_on = threading.Event()

    def precompute(study, names):
        yield "analysis", "analysis: computed"
        assert go_on.wait(timeout=30)
        yield "boundaries", "boundaries: computed"
        raise DataError("the village boundaries could not be read")

    monkeypatch.setattr(build.stages, "precompute", precompute)
    slots = threading.BoundedSemaphore(2)
    lines = []
    computing = build._StagesInBackground(None, slots, lines.append)
    computing.wait_for(["analysis"])            # returns while the stages are still running
    assert not computing.ready["boundaries"].is_set()
    assert slots.acquire(blocking=False)        # one slot left for a notebook …
    assert not slots.acquire(blocking=False)    # … the other is the stages'
    go_on.set()
    with pytest.raises(build._StagesFailed):
        computing.wait_for(["spatial"])
    with pytest.raises(DataError, match="boundaries could not be read"):
        computing.join()
    slots.release()
    assert slots.acquire(blocking=False)        # the stages gave their slot back
    assert lines == ["[raw → processed] analysis: computed", "[raw → processed] boundaries: computed"]


def test_a_failing_stage_stops_the_build_with_its_own_error_before_any_notebook(monkeypatch):
    from kaltara_study.errors import DataError

    def precompute(study, names):
        raise DataError("analysis: survey.xlsx, sheet 'data', row 4, column 'omzet': expected a number")
        yield  # pragma: no cover - a generator

    monkeypatch.setattr(build.stages, "precompute", precompute)
    monkeypatch.setattr(build, "execute_notebook", lambda *a, **k: pytest.fail("a notebook ran"))
    with pytest.raises(DataError, match="expected a number"):
        build.build(load_study("synthetic"), only=["00"], jobs=2, log=lambda line: None)


def test_a_build_of_some_notebooks_computes_only_the_stages_they_read(monkeypatch):
    from kaltara_study.errors import DataError

    asked, real = [], build.stages.precompute

    def precompute(study, names):
        asked.append(tuple(names))
        raise DataError("stop here: the stages asked for are recorded")
        yield  # pragma: no cover - a generator

    monkeypatch.setattr(build.stages, "precompute", precompute)
    monkeypatch.setattr(build, "execute_notebook", lambda *a, **k: pytest.fail("a notebook ran"))
    study = load_study("synthetic")
    with pytest.raises(DataError, match="stop here"):
        build.build(study, only=["00", "04"], jobs=2, log=lambda line: None)
    assert [set(a) for a in asked] == [{"analysis", "index"}]
    with pytest.raises(ValueError, match="unknown stages"):
        next(real(study, ["analysis", "no_such_stage"]))


def test_default_parameters_inject_nothing_and_reexecution_gives_identical_bytes(tmp_path):
    src = _write(_nb("import math\nmath.sqrt(2)"), tmp_path / "01_t.ipynb")
    params = {"source": "synthetic", "output_dir": "reports", "lang": "id", "seed": 20251}
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    build.execute_notebook(src, a, params)
    build.execute_notebook(a, b, params)
    nb = nbformat.read(a, as_version=4)
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert a.read_bytes() == b.read_bytes()


def test_failure_names_notebook_cell_and_error_and_leaves_destination_untouched(tmp_path):
    src = _write(_nb("x = 1", "raise ValueError('boom in cell')"), tmp_path / "03_fail.ipynb")
    dest = tmp_path / "dest.ipynb"
    dest.write_text("committed")
    with pytest.raises(build.BuildError) as err:
        build.execute_notebook(src, dest, {"lang": "id"}, failed_dir=tmp_path / "failed")
    msg = str(err.value)
    assert "03_fail.ipynb" in msg and "cell 3" in msg and "ValueError: boom in cell" in msg
    assert "raise ValueError" in msg  # the failing cell's source is shown
    assert dest.read_text() == "committed"
    assert (tmp_path / "failed" / "03_fail.ipynb").exists()


def test_missing_parameters_cell_is_an_error(tmp_path):
    nb = _nb("1")
    nb.cells[1].metadata["tags"] = []
    with pytest.raises(build.BuildError, match="parameters"):
        build.parameter_defaults(nb)


FIGURE_SCRIPT = """
import sys
from kaltara_study.study import load_study
from kaltara_study.report.figures import new_figure, save_figure
fig, ax = new_figure()
ax.plot([0, 1, 2], [2, 0, 1], label="a"); ax.set_title("Determinism ünïcode"); ax.legend()
save_figure(load_study(output_dir=sys.argv[1]), fig, "det")
"""


def test_same_figure_saved_twice_gives_same_bytes_across_processes(tmp_path):
    hashes = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run([sys.executable, "-c", FIGURE_SCRIPT, str(out)], check=True)
        hashes.append({p.name: sha256_file(p) for p in sorted((out / "figures").iterdir())})
    assert set(hashes[0]) == {"det.png", "det.pdf"}
    assert hashes[0] == hashes[1]
    pdf = (tmp_path / "a" / "figures" / "det.pdf").read_bytes()
    assert b"CreationDate" not in pdf and b"Matplotlib" not in pdf
    png = (tmp_path / "a" / "figures" / "det.png").read_bytes()
    assert b"Software" not in png and b"tIME" not in png


def test_saved_figure_shows_the_saved_png_at_screen_resolution_and_keeps_the_layout(tmp_path):
    import io

    from PIL import Image

    from kaltara_study.data.write import PNG_DPI, SCREEN_DPI
    from kaltara_study.report.figures import SavedFigure, new_figure, save_figure

    fig, ax = new_figure(figsize=(6.0, 4.0))
    ax.plot([0, 1, 2], [2, 0, 1]); ax.set_title("Judul")
    shown = save_figure(load_study("kaltara", output_dir=str(tmp_path)), fig, "f")
    assert isinstance(shown, SavedFigure) and shown.figure is fig
    assert [p.name for p in shown.paths] == ["f.png", "f.pdf"] and repr(shown) == "<f.png, f.pdf>"
    with Image.open(shown.paths[0]) as saved, Image.open(io.BytesIO(shown._repr_png_())) as screen:
        assert saved.size == (6 * PNG_DPI, 4 * PNG_DPI)
        assert screen.size == (6 * SCREEN_DPI, 4 * SCREEN_DPI)
        # the screen image is the saved raster reduced (2 x 2 box mean), not a new drawing
        expected = saved.reduce(PNG_DPI // SCREEN_DPI)
        assert screen.tobytes() == expected.tobytes()
    assert fig.get_layout_engine() is not None   # the layout engine the PDF drew without is back
    assert b"Software" not in shown.png


def test_saving_a_figure_draws_it_once_per_file_with_the_layout_matplotlib_would_give(tmp_path, monkeypatch):
    """The layout is settled once, at the PNG's resolution, and each file is one draw (matplotlib
    alone draws a figure with a layout engine once more per file, without rendering); the PNG is
    the one matplotlib's own save gives."""
    from matplotlib.figure import Figure

    from kaltara_study.data.write import PNG_DPI, ZLIB_LEVEL
    from kaltara_study.data.write import save_figure as write_figure
    from kaltara_study.report.figures import new_figure

    def figure():
        fig, ax = new_figure(figsize=(6.0, 4.0))
        ax.plot([0, 1, 2], [2, 0, 1], label="garis")
        ax.set_title("Judul yang agak panjang"); ax.set_ylabel("Nilai (ribu rupiah)"); ax.legend()
        fig.colorbar(ax.imshow([[0, 1], [1, 0]], extent=(0, 2, 0, 2)), ax=ax, label="skala")
        return fig

    plain = figure()
    plain.savefig(tmp_path / "plain.png", dpi=PNG_DPI, metadata={"Software": None},
                  pil_kwargs={"compress_level": ZLIB_LEVEL})
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or original(self, renderer))
    fig = figure()
    (png, pdf), _ = write_figure(fig, "f", folder=tmp_path)
    assert len(draws) == 2                                   # the PNG and the PDF, nothing else
    assert png.read_bytes() == (tmp_path / "plain.png").read_bytes()
    assert fig.get_layout_engine() is not None


def test_synthetic_mark_is_drawn_only_on_synthetic_runs(tmp_path):
    from kaltara_study.report.figures import new_figure, save_figure

    texts = {}
    for source in ("synthetic", "kaltara"):
        fig, ax = new_figure()
        ax.plot([0, 1], [0, 1])
        save_figure(load_study(source, output_dir=str(tmp_path / source), lang="en"), fig, "f")
        texts[source] = [t.get_text() for t in fig.texts]
    assert any("SYNTHETIC DATA" in t for t in texts["synthetic"])
    assert not any("SYNTHETIC" in t for t in texts["kaltara"])


def test_manifest_marks_synthetic_runs_and_hashes_every_file(tmp_path):
    """The manifest on its own (a full build's manifest is checked in test_pii_build.py)."""
    root = tmp_path
    (root / "in.csv").write_text("a\n1\n")
    (root / "out.html").write_text("<p>x</p>")
    dest = build.write_manifest(root / "MANIFEST.json", root=root, inputs=[root / "in.csv"],
                                outputs=[root / "out.html"], parameters={"source": "synthetic"}, synthetic=True)
    manifest = json.loads(dest.read_text())
    assert manifest["data_status"] == "SYNTHETIC" and manifest["parameters"] == {"source": "synthetic"}
    assert manifest["inputs"] == {"in.csv": sha256_file(root / "in.csv")}
    assert manifest["outputs"] == {"out.html": sha256_file(root / "out.html")}
    again = build.write_manifest(root / "M2.json", root=root, inputs=[root / "in.csv"],
                                 outputs=[root / "out.html"], parameters={"source": "synthetic"}, synthetic=True)
    assert dest.read_bytes() == again.read_bytes(), "no timestamp: same inputs give the same bytes"


def test_committed_notebooks_are_executed_with_outputs(root):
    """nbval passes a notebook without stored outputs silently; this test does not."""
    notebooks = build.discover_notebooks(root / "notebooks")
    assert notebooks and notebooks[0].name == "00_overview.ipynb"
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        counts = [c.execution_count for c in code]
        assert None not in counts, f"{path.name}: unexecuted code cells"
        assert counts == list(range(1, len(code) + 1)), f"{path.name}: not run top to bottom once"
        assert sum(len(c.outputs) for c in code) > 0, f"{path.name}: no stored outputs"
        assert "parameters" in code[0].metadata.get("tags", []), f"{path.name}: first code cell not tagged"
        assert set(build.parameter_defaults(nb)) == set(build.PARAMETER_NAMES)
        assert nb.metadata["kernelspec"]["name"] == build.KERNEL_NAME
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: stored error output"
        text = path.read_text()
        assert "/work/" not in text and "/home/" not in text, f"{path.name}: absolute path in outputs"


def test_nbval_catches_a_stale_output(tmp_path, root):
    """The nbval setup (kernel, sanitizers) really compares: of two executed notebooks, the one with a
    tampered stored output fails and the untouched one passes. Two-cell notebooks keep this cheap; the
    committed notebooks are checked by ``make test-notebooks`` itself."""
    nb = _nb("from kaltara_study.report.format import formatter\nprint(formatter('id').number(1234.5))")
    ok = build.execute_notebook(_write(nb, tmp_path / "a_ok.ipynb"), tmp_path / "a_ok.ipynb", {})
    assert ok > 0
    stale = nbformat.read(tmp_path / "a_ok.ipynb", as_version=4)
    out = stale.cells[-1].outputs[0]
    assert out["text"] == "1.234,5\n"
    out["text"] = "1.234,6\n"
    nbformat.write(stale, tmp_path / "b_stale.ipynb")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-kernel-name", "kaltara-study", "--nbval-sanitize-with",
         str(root / "tests" / "nbval_sanitize.cfg"), "-o", "filterwarnings=", "-rf", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 failed, 3 passed" in proc.stdout and "b_stale.ipynb" in proc.stdout, proc.stdout[-2000:]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaltara_study.cli", *args], capture_output=True, text=True)


def test_cli_entry_point_fails_cleanly_with_one_message_and_exit_code_2():
    """The installed entry point, as a user runs it (one subprocess; the other failures in-process)."""
    proc = _cli("build", "--source", "nope")
    assert proc.returncode == 2
    assert "BUILD FAILED:" in proc.stderr and "neither 'kaltara', 'synthetic' nor an existing folder" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_cli_missing_folder_fails_cleanly(capsys):
    from kaltara_study import cli

    assert cli.main(["build", "--source", "/no/such/folder"]) == 2
    out = capsys.readouterr()
    assert "BUILD FAILED:" in out.err and "neither 'kaltara', 'synthetic' nor an existing folder" in out.err
    assert "Traceback" not in out.err + out.out


def test_cli_unreadable_config_names_the_file(tmp_path, root, capsys, monkeypatch):
    import shutil

    from kaltara_study import cli

    copy = tmp_path / "proj"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("notebooks", "interim", "processed", "raw", "reports"))
    (copy / "config" / "segmentation.toml").write_text("[features\n", encoding="utf-8")
    monkeypatch.setenv("KALTARA_ROOT", str(copy))
    assert cli.main(["build", "--source", "synthetic"]) == 2
    err = capsys.readouterr().err
    assert "BUILD FAILED:" in err and "segmentation.toml" in err and "Traceback" not in err
