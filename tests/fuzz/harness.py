"""Running one fuzz input: a command in-process, under a time limit, judged strictly.

`run_command(argv)` runs `ersl ARGV…` through `ersl.cli.main` with standard input,
output and error captured and a timer (SIGALRM) that interrupts a command running over
`LIMIT` seconds. It fails the input (`FuzzFailure`) on exit 3 or "internal error", on a
time over the limit, and on anything but an exit code escaping `main`.
`check_formatter(text)` fails when `ersl fmt` raises anything but `ErslError`, is not
idempotent, or changes the AST or the comments.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from collections import Counter
from contextlib import contextmanager, redirect_stderr, redirect_stdout

from ersl.cli import main
from ersl.errors import ErslError
from ersl.fmt import format_source
from ersl.nesting import ensure_recursion_room
from ersl.syntax import parse

# ERSL raises the recursion limit on its first parse; doing it now keeps Hypothesis from
# warning that a test changed it.
ensure_recursion_room()

#: Seconds one command may take on one input (the inputs are small: most take 0.1 s).
LIMIT = float(os.environ.get("ERSL_FUZZ_LIMIT", "10"))


class FuzzFailure(AssertionError):
    """An input that made ERSL crash, hang or misformat."""


class _Overtime(BaseException):
    """Raised by the timer inside a command that runs over the limit."""


@contextmanager
def time_limit(seconds: float, what: str):
    """Interrupt the block after `seconds` (main thread, POSIX); fail if it took longer."""
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:

        def _alarm(signum, frame):
            raise _Overtime

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.perf_counter()
    try:
        yield
    except _Overtime:
        raise FuzzFailure(f"hang: {what} ran over {seconds} s") from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    took = time.perf_counter() - started
    if took > seconds:
        raise FuzzFailure(f"hang: {what} took {took:.1f} s (limit {seconds} s)")


def run_command(argv: list[str], stdin: str = "") -> tuple[int, str]:
    """Run `ersl ARGV…` in-process; the exit code and everything it printed."""
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with time_limit(LIMIT, f"ersl {_shown(argv)}"), redirect_stdout(out), redirect_stderr(out):
            try:
                code = main(argv)
            except _Overtime:
                raise
            except BaseException as error:  # noqa: BLE001 - exactly what the harness looks for
                raise FuzzFailure(
                    f"ersl {_shown(argv)} raised {type(error).__name__}: {error}"
                ) from error
    finally:
        sys.stdin = old_stdin
    text = out.getvalue()
    if code == 3 or "internal error" in text:
        raise FuzzFailure(f"internal error (exit {code}) from ersl {_shown(argv)}:\n{text[-2000:]}")
    if code not in (0, 1, 2):
        raise FuzzFailure(f"exit {code} from ersl {_shown(argv)}")
    return code, text


def check_formatter(text: str) -> None:
    """`ersl fmt`'s promises on `text`: a diagnostic or a canonical, equal program."""
    with time_limit(LIMIT, "format_source"):
        try:
            out = format_source(text)
        except ErslError:
            return
        except Exception as error:  # noqa: BLE001
            raise FuzzFailure(f"fmt raised {type(error).__name__}: {error}") from error
        try:
            again = format_source(out)
            # compared with the text as `ersl check` reads it (universal newlines)
            before = parse(text.replace("\r\n", "\n").replace("\r", "\n"))
            after = parse(out)
        except ErslError as error:
            raise FuzzFailure(f"fmt wrote text that does not parse:\n{error}\n---\n{out}") from None
    if again != out:
        raise FuzzFailure(f"fmt is not idempotent:\n---\n{out}---\n{again}")
    if before != after:
        raise FuzzFailure(f"fmt changed the AST:\n---\n{text}---\n{out}")
    if Counter(c.text for c in before.comments) != Counter(c.text for c in after.comments):
        raise FuzzFailure(f"fmt lost or added comments:\n---\n{text}---\n{out}")


def _shown(argv: list[str]) -> str:
    return " ".join(a if len(a) <= 60 else a[:40] + f"…({len(a)} chars)" for a in argv)


__all__ = ["LIMIT", "FuzzFailure", "check_formatter", "run_command", "time_limit"]
