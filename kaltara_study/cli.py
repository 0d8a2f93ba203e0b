"""Command line: ``kaltara-study build``, ``instrument`` and ``translations`` (see ``kaltara-study --help``)."""

from __future__ import annotations

import argparse
import sys


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
    # the build layer is imported on use, so ``kaltara-study --help`` and a wrong argument answer at
    # once instead of after loading pandas, matplotlib and papermill
    if args.command == "build":
        from kaltara_study.report.build import main_build

        return main_build(args)
    if args.command == "instrument":
        from kaltara_study.report.build import main_instrument

        return main_instrument(args)
    if args.command == "translations":
        from kaltara_study.report.build import main_translations

        return main_translations(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
