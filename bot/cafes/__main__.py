"""The baby café directory from the command line (the desk gets a page for it too).

    python -m bot.cafes import cafes.csv [--replace-sample]
    python -m bot.cafes import-sample
    python -m bot.cafes list

`import` checks the whole file first and stores nothing if any row has a problem; importing
the same file again updates the cafés it already added. `--replace-sample` retires the bundled
sample cafés once the service's own list is in. See bot/cafes/importer.py for the columns.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from bot.cafes.directory import CafeDirectory, CafeError
from bot.cafes.importer import CafeImportError, import_file, import_sample
from bot.cafes.schedule import UK, clock, describe_session, next_session
from bot.config import get_settings

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _cafes(count: int) -> str:
    return f"{count} café" if count == 1 else f"{count} cafés"


def _print_listing(directory: CafeDirectory) -> None:
    now = datetime.now(UK)
    listing = directory.listing()
    if not listing:
        print("no cafés yet: python -m bot.cafes import FILE (or import-sample)")
        return
    for row in listing:
        cafe = row.cafe
        flags = (" [inactive]" if not row.active else "") + (" [sample]" if row.sample else "")
        sessions = "; ".join(f"{DAY_NAMES[s.weekday]} {clock(s.starts_at)}-{clock(s.ends_at)}"
                             for s in cafe.sessions)
        upcoming = next_session(cafe.sessions, cafe.closures, now)
        when = describe_session(*upcoming, now) if upcoming else "none in the next 8 weeks"
        print(f"{cafe.id:>5}  {cafe.name} ({cafe.postcode}){flags}")
        print(f"       {sessions or 'no sessions'}; next: {when}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.cafes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="import or update cafés from a CSV file")
    load.add_argument("file", type=Path)
    load.add_argument("--replace-sample", action="store_true",
                      help="deactivate the sample cafés not in this file")
    commands.add_parser("import-sample", help="load the bundled sample cafés (not real groups)")
    commands.add_parser("list", help="every café, with its next session")
    args = parser.parse_args(argv)
    directory = CafeDirectory(get_settings().database_url)
    try:
        if args.command == "import":
            if not args.file.is_file():
                print(f"error: no file {args.file}", file=sys.stderr)
                return 1
            result = import_file(directory, args.file, replace_sample=args.replace_sample)
        elif args.command == "import-sample":
            result = import_sample(directory)
        else:
            _print_listing(directory)
            return 0
    except CafeImportError as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        print(f"nothing imported: {len(failure.errors)} problem(s)", file=sys.stderr)
        return 1
    except (CafeError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{_cafes(result.total)} imported ({result.added} added, {result.updated} updated)")
    if result.samples_retired:
        print(f"{_cafes(result.samples_retired)} from the sample file deactivated")
    elif args.command == "import" and directory.active_samples():
        print(f"note: {_cafes(directory.active_samples())} from the sample file are still shown "
              "to parents; import with --replace-sample to retire them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
