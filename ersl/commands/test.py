"""`ersl test [PATH…] [-k EXPR] [--junit-xml F] [--format text|json] [--coverage] [--coverage-xml F]`.

Runs the `test` and `property` blocks of the `*_test.ersl` files under the paths
(default: the working directory) and prints a pytest-like report ending in
`N passed, M failed`. Exit codes (SPEC §7): 0 all passed, 1 a test failed, no
test was selected, or coverage is below `--coverage-threshold`; 2 a test file
or its contract is invalid, or a path does not exist.
"""

from __future__ import annotations

import argparse
import math
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl test`."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="test files, or folders searched for *_test.ersl (default: .)",
    )
    parser.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="only tests whose `path::name` matches: words (substrings) with and/or/not",
    )
    parser.add_argument("--junit-xml", metavar="FILE", help="write a JUnit XML report to FILE")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="report the payments, bands, weights, caps, indicators and bundle clauses "
        "the tests exercised",
    )
    parser.add_argument(
        "--coverage-xml",
        metavar="FILE",
        help="write the contract coverage as Cobertura XML to FILE, for GitLab and Codecov "
        "(implies --coverage)",
    )
    parser.add_argument(
        "--coverage-threshold",
        type=_percent,
        metavar="N",
        help="fail when a contract's coverage is below N %% (implies --coverage)",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=100,
        metavar="N",
        help="examples per property (default 100)",
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="seed of the property data (default 0)"
    )
    parser.add_argument(
        "--max-size",
        type=int,
        default=6,
        metavar="N",
        help="at most N patients and N records of each type per property example (default 6)",
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        help="settle each test's data as known on DATE: the records registered on or "
        "before it (docs/reference/time.md)",
    )
    parser.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per test")


def run(args: argparse.Namespace) -> int:
    """Discover, run and report; return the exit code."""
    from ersl.diagnostics import use_colour
    from ersl.testing import Options, collect, run_session
    from ersl.testing.discovery import DiscoveryError
    from ersl.testing.report import rule, summary_line

    if args.examples < 1 or args.max_size < 1:
        print("ersl test: --examples and --max-size must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    paths = args.paths or ["."]
    try:
        session = collect(paths, args.keyword)
    except DiscoveryError as problem:
        print(f"ersl test: {problem}", file=sys.stderr)
        return 2
    coverage_wanted = (
        args.coverage or args.coverage_threshold is not None or args.coverage_xml is not None
    )
    colour = use_colour(sys.stdout) and args.format == "text"
    as_of = None
    if args.as_of:
        from ersl.api import parse_as_of
        from ersl.errors import ErslError

        try:
            as_of = parse_as_of(args.as_of)
        except ErslError as error:
            print(f"ersl test: {error.diagnostics[0].message}", file=sys.stderr)
            return 2
    options = Options(
        as_of=as_of,
        examples=args.examples,
        seed=args.seed,
        max_size=args.max_size,
        coverage=coverage_wanted,
        colour=colour,
    )
    text = args.format == "text"
    out = sys.stdout
    if text:
        total = sum(len(f.cases) for f in session.files)
        files = len(session.files)
        extra = f" ({session.deselected} deselected)" if session.deselected else ""
        print(
            f"ersl test: {total} test{'s' if total != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}{extra}",
            file=out,
        )
    progress = _Progress(out, args.verbose, colour) if text else None
    if args.exitfirst:
        session = _run_until_failure(session, options, progress)
    else:
        session = run_session(session, options, progress)
    if progress is not None:
        progress.done()
    seconds = time.perf_counter() - started

    coverage = None
    if coverage_wanted:
        from ersl.testing.coverage import collect as collect_coverage

        coverage = collect_coverage(session.files, session.outcomes)
    reports = []
    if args.junit_xml:
        from ersl.testing.junit import junit_xml

        reports.append((args.junit_xml, junit_xml(session, seconds)))
    if args.coverage_xml:
        from ersl.testing.cobertura import cobertura_xml

        reports.append((args.coverage_xml, cobertura_xml(coverage)))
    for path, text in reports:
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        except (OSError, ValueError) as error:  # ValueError: a NUL in the name
            reason = getattr(error, "strerror", None) or error
            print(f"ersl test: cannot write {path}: {reason}", file=sys.stderr)
            return 2

    below = []
    if args.coverage_threshold is not None and coverage is not None:
        below = [c for c in coverage if c.ratio * 100 < _fraction(args.coverage_threshold)]
    no_tests = _no_tests_message(session, paths, args.keyword)

    if text:
        _print_text(session, coverage, below, args.coverage_threshold, no_tests, colour, out)
        line = summary_line(session.outcomes, len(session.file_errors), seconds)
        if session.deselected:
            line = line.replace(" in ", f", {session.deselected} deselected in ", 1)
        print(_paint_rule(rule(line), session, colour), file=out)
    else:
        from ersl.testing.junit import json_report

        out.write(json_report(session, seconds, coverage))
        if no_tests:
            print(f"ersl test: {no_tests}", file=sys.stderr)
    if any(o.status == "error" for o in session.outcomes):
        return 3  # an internal error (reported with the test)
    if session.file_errors:
        return 2
    if session.failed or no_tests or below:
        return 1
    return 0


def _percent(text: str) -> float:
    """A coverage threshold: a number from 0 to 100 (argparse reports anything else)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"`{text}` is not a percentage from 0 to 100")
    return value


def _fraction(value: float):
    from fractions import Fraction

    return Fraction(str(value))


def _no_tests_message(session, paths, keyword) -> str | None:
    if session.selected or session.file_errors:
        return None
    total = sum(len(f.cases) for f in session.files)
    if keyword and total:
        return f"no tests ran: -k {keyword!r} selects none of the {total} tests"
    where = ", ".join(paths)
    if not session.files:
        return f"no tests ran: no *_test.ersl files under {where}"
    return f"no tests ran: the test files under {where} hold no test or property blocks"


def _run_until_failure(session, options, progress):
    from ersl.testing.runner import run_case

    for case in session.selected:
        outcome = run_case(case, options)
        session.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
        if outcome.status != "passed":
            break
    return session


class _Progress:
    """pytest-style progress: one line per file with a `.` or `F` per test (or per test with -v)."""

    def __init__(self, out, verbose: bool, colour: bool) -> None:
        self.out = out
        self.verbose = verbose
        self.colour = colour
        self.file = None

    def __call__(self, outcome) -> None:
        from ersl.diagnostics import _paint

        passed = outcome.status == "passed"
        if self.verbose:
            word = _paint("PASSED" if passed else "FAILED", "32" if passed else "31", self.colour)
            extra = f" ({outcome.examples} examples)" if outcome.examples is not None else ""
            print(f"{outcome.case.nodeid} {word}{extra}", file=self.out)
            return
        if outcome.case.file is not self.file:
            if self.file is not None:
                print(file=self.out)
            self.file = outcome.case.file
            print(f"{self.file.display} ", end="", file=self.out)
        letter = "." if passed else ("E" if outcome.status == "error" else "F")
        mark = _paint(letter, "32" if passed else "31", self.colour)
        print(mark, end="", file=self.out, flush=True)

    def done(self) -> None:
        if self.file is not None and not self.verbose:
            print(file=self.out)


def _print_text(session, coverage, below, threshold, no_tests, colour, out) -> None:
    from ersl.testing.report import rule

    if session.file_errors:
        print(file=out)
        print(rule("ERRORS"), file=out)
        for test_file in session.file_errors:
            print(rule(f"ERROR loading {test_file.display}", "_"), file=out)
            print(test_file.error.render(colour=colour), file=out)
            print(file=out)
    failed = session.failed
    if failed:
        print(file=out)
        print(rule("FAILURES"), file=out)
        for outcome in failed:
            print(rule(outcome.case.nodeid, "_"), file=out)
            print(outcome.message.rstrip(), file=out)
            print(file=out)
    if coverage is not None:
        print(file=out)
        print(rule("contract coverage"), file=out)
        if not coverage:
            print("no contract was tested", file=out)
        for item in coverage:
            print(item.render(), file=out)
        if threshold is not None:
            for item in below:
                print(
                    f"FAIL: {item.contract} coverage {item.percent:.1f} % is below "
                    f"the threshold {threshold:g} %",
                    file=out,
                )
            if not below and coverage:
                print(f"coverage threshold {threshold:g} % reached", file=out)
    if failed or session.file_errors:
        print(rule("short test summary info"), file=out)
        for test_file in session.file_errors:
            print(f"ERROR {test_file.display}", file=out)
        for outcome in failed:
            word = "ERROR" if outcome.status == "error" else "FAILED"
            print(f"{word} {outcome.case.nodeid} - {outcome.summary}", file=out)
    if no_tests:
        print(no_tests, file=out)


def _paint_rule(text: str, session, colour: bool) -> str:
    from ersl.diagnostics import _paint

    bad = session.failed or session.file_errors
    return _paint(text, "31" if bad else "32", colour)


__all__ = ["add_arguments", "run"]
