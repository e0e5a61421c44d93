"""`ersl fmt FILE… [--check] [--diff]`: rewrite files in the canonical layout (SPEC §7).

- Files are rewritten in place; a directory stands for every `*.ersl` file under it
  (hidden folders skipped); `-` reads standard input and writes standard output.
- `--check` writes nothing, lists the files that would change and exits 1 if any would.
- `--diff` writes nothing and prints a unified diff of the changes.
- A file that does not parse (or cannot be read) is never written: its diagnostic is
  printed, the other files are still formatted, and the exit code is 2.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from ersl.diagnostics import Diagnostic, use_colour
from ersl.encoding import not_utf8
from ersl.errors import ErslError
from ersl.paths import is_dir, write_output
from ersl.span import Span

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl fmt`."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="an .ersl file, a folder of them, or - for stdin"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file would change"
    )
    parser.add_argument(
        "--diff", action="store_true", help="write nothing; print a unified diff of the changes"
    )


def _expand(names: list[str]) -> list[str]:
    """The files named on the command line, folders replaced by their `.ersl` files."""
    files: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and is_dir(path):
            found = sorted(
                p
                for p in path.rglob("*.ersl")
                if not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
            )
            files.extend(str(p) for p in found)
        else:
            files.append(name)
    return files


def _read(name: str) -> str:
    """The text of a file (or of standard input for `-`), exactly as stored."""
    if name == "-":
        return sys.stdin.read()
    try:
        with open(name, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError:
        with open(name, "rb") as fh:
            raise ErslError(not_utf8(name, fh.read())) from None
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            message = f"file not found: {name}"
        else:
            message = f"cannot read {name}: {error.strerror}"
        raise ErslError(Diagnostic("E0001", message, Span(name, 0, 0, 0, 0))) from None


def _diff(name: str, before: str, after: str) -> str:
    label = "<stdin>" if name == "-" else name
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{label} (original)",
        tofile=f"{label} (formatted)",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def run(args: argparse.Namespace) -> int:
    """Format every file; see the module docstring for the exit codes."""
    from ersl.fmt import format_source

    status = EXIT_OK
    changed = 0
    for name in _expand(args.files):
        try:
            before = _read(name)
            after = format_source(before, "<stdin>" if name == "-" else name)
        except ErslError as error:
            print(error.render(colour=use_colour(sys.stderr)), file=sys.stderr)
            status = EXIT_ERROR
            continue
        if args.diff and after != before:
            sys.stdout.write(_diff(name, before, after))
        if args.check:
            if after != before:
                changed += 1
                print(f"would reformat {'<stdin>' if name == '-' else name}")
            continue
        if args.diff:
            continue
        if name == "-":
            sys.stdout.write(after)
        elif after != before:
            write_output(name, after, newline="")
            print(f"reformatted {name}", file=sys.stderr)
    if status == EXIT_OK and changed:
        status = EXIT_CHANGED
    return status
