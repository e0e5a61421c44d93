"""The `ersl` command line: one sub-command per module in `ersl.commands`.

Exit codes (SPEC §7): 0 ok, 1 findings/failures, 2 usage errors, unreadable
files, invalid contracts or data, 3 internal errors (with a request to report).
A Python traceback never reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ersl.errors import ErslError
from ersl.version import __version__

# name -> (module, one-line help). Modules define add_arguments(parser) and run(args) -> int.
COMMANDS = {
    "check": ("ersl.commands.check", "parse, resolve and type-check contracts"),
    "lint": ("ersl.commands.lint", "find defects and risky incentives in contracts"),
    "run": ("ersl.commands.run", "settle a contract against event data into a statement"),
    "explain": ("ersl.commands.explain", "explain how a statement line was computed"),
    "data": ("ersl.commands.data", "convert event data (JSON Lines, CSV) to Parquet"),
    "test": ("ersl.commands.test", "run the contract tests of *_test.ersl files"),
    "fmt": ("ersl.commands.fmt", "format contracts in the canonical layout"),
    "highlight": ("ersl.commands.highlight", "print a contract with syntax highlighting"),
    "lsp": ("ersl.commands.lsp", "run the language server for editors (LSP over stdio)"),
    "synth": ("ersl.commands.synth", "generate a synthetic population from a profile"),
    "diff": ("ersl.commands.diff", "compare what two models (or parameter sets) pay whom, and why"),
    "report": ("ersl.commands.report", "settle a contract into a self-contained HTML report"),
    "incentives": ("ersl.commands.incentives", "what one more unit of each kind pays a provider"),
}

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

#: The commands that read the files an ERSL file names, and so take `--root DIR`.
ROOTED = ("check", "lint", "run", "explain", "test")


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a plain message on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"ersl: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _folder(text: str) -> str:
    """`--root`'s value: a folder that exists."""
    from ersl.paths import is_dir

    if not is_dir(text):
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = _Parser(prog="ersl", description="ERSL: reimbursement models as tested programs.")
    parser.add_argument("--version", action="version", version=f"ersl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, (module_name, summary) in COMMANDS.items():
        module = importlib.import_module(module_name)
        command = sub.add_parser(name, help=summary, description=summary)
        module.add_arguments(command)
        if name in ROOTED:
            command.add_argument(
                "--root",
                metavar="DIR",
                type=_folder,
                help="the project root: paths written in ERSL files (use, given, expect, "
                "a test's CSV param) stay inside it (default: the nearest folder above "
                "the file holding pyproject.toml or .git)",
            )
        command.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `ersl` console script; returns the exit code."""
    try:
        if any("\0" in arg for arg in (sys.argv[1:] if argv is None else argv)):
            print("ersl: error: an argument holds a NUL character", file=sys.stderr)
            return EXIT_USAGE
        args = build_parser().parse_args(argv)
        from ersl.paths import project_root_set

        with project_root_set(getattr(args, "root", None)):
            return int(args.run(args))
    except SystemExit as done:
        return int(done.code) if isinstance(done.code, int) else EXIT_USAGE
    except ErslError as error:
        from ersl.diagnostics import use_colour

        print(error.render(colour=use_colour(sys.stderr)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ersl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the one place that turns bugs into a report
        print(
            f"ersl: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in ERSL, not in your contract. Please report it with the command "
            "you ran and the files involved.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
