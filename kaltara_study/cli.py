"""Command line: ``kaltara-study build``, ``instrument`` and ``translations`` (see ``kaltara-study --help``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kaltara-study", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="run raw -> processed -> notebooks -> reports/")
    b.add_argument("--source", default="kaltara",
                   help="kaltara (real public data, default), synthetic, or a folder of raw files")
    b.add_argument("--output", default=None,
                   help="output folder (default: reports/ for the real study in Indonesian, else build/<source>[-en])")
    b.add_argument("--lang", default="id", choices=["id", "en"])
    b.add_argument("--seed", type=int, default=20251)
    b.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    b.add_argument("--only", nargs="*", default=None, help="notebook name prefixes, e.g. 04 05")
    b.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    i = sub.add_parser("instrument", help="write the field forms (XLSForm survey + assessment, XLSX template)")
    i.add_argument("--output", default="data/raw/kaltara/survey",
                   help="folder for the forms (default: data/raw/kaltara/survey, where the exports go back)")
    i.add_argument("--source", default="kaltara")
    i.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    t = sub.add_parser("translations", help="refresh the notebooks' translation files and list what is left")
    t.add_argument("--lang", default="en", choices=["en"])
    t.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    args = parser.parse_args(argv)
    handlers = {"build": main_build, "instrument": main_instrument, "translations": main_translations}
    return handlers[args.command](args)


# The entry points import the layers below on use, so ``kaltara-study --help``, a wrong argument and
# an unknown data source answer at once instead of after loading pandas, matplotlib, papermill and
# the methods.

def main_build(args) -> int:
    """``kaltara-study build``: one ``BUILD FAILED:`` line naming what to fix and exit code 2 on any
    error; the traceback only with ``--debug``."""
    try:
        from kaltara_study.paths import source_dirs

        source_dirs(args.source)  # an unknown source or a missing folder fails before the build loads
        from kaltara_study.report.build import build
        from kaltara_study.study import load_study

        study = load_study(args.source, seed=args.seed, lang=args.lang, output_dir=args.output)
        study.configs  # an unreadable config fails here, before anything runs
        build(study, only=args.only, jobs=args.jobs)
    except KeyboardInterrupt:
        print("\nBUILD FAILED: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user unless --debug
        return _fail(args, exc, heading="BUILD FAILED")
    return 0


def main_instrument(args) -> int:
    """``kaltara-study instrument``: the field forms into ``--output``."""
    try:
        from kaltara_study import stages
        from kaltara_study.data.schema import RAW_SCHEMAS
        from kaltara_study.report.instrument import write_instrument
        from kaltara_study.study import load_study

        study = load_study(args.source)
        out = Path(args.output)
        out = out if out.is_absolute() else study.root / out
        written = write_instrument(out, contract=RAW_SCHEMAS["survey"], criteria=study.configs.readiness,
                                   cooperatives=stages.field_cooperatives(study))
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user unless --debug
        return _fail(args, exc)
    for kind, path in written.items():
        print(f"{kind}: {path.relative_to(study.root) if path.is_relative_to(study.root) else path}")
    return 0


def main_translations(args) -> int:
    """``kaltara-study translations``: refresh every notebook's ``--lang`` translation file (current
    texts kept, new or edited cells listed) and print what is left. Exit 1 when some narrative is
    not translated yet."""
    try:
        from kaltara_study.report.build import discover_notebooks
        from kaltara_study.report.translate import refresh_translations
        from kaltara_study.study import load_study

        study = load_study("kaltara")
        statuses = [refresh_translations(nb, args.lang) for nb in discover_notebooks(study.paths.notebooks)]
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user unless --debug
        return _fail(args, exc)
    for st in statuses:
        print(st.line())
    return 0 if all(st.complete for st in statuses) else 1


def _fail(args, exc: BaseException, *, heading: str = "FAILED") -> int:
    """One ``<heading>: …`` line naming what to fix, exit code 2; the traceback only with ``--debug``."""
    from kaltara_study.errors import KaltaraError

    if getattr(args, "debug", False):
        raise exc
    what = str(exc) if isinstance(exc, KaltaraError) else (
        f"unexpected {type(exc).__name__}: {exc}. Run again with --debug for the traceback and "
        "report it with the command you ran")
    print(f"\n{heading}: {what}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
