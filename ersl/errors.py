"""Exceptions that carry diagnostics to the user instead of tracebacks."""

from __future__ import annotations

from ersl.diagnostics import Diagnostic, SourceCache, render_all
from ersl.span import Span

#: Where a problem with the command line or the API call (not with a file) is reported.
COMMAND_LINE = Span("<command line>", 0, 0, 0, 0)


class ErslError(Exception):
    """Raised for invalid contracts or data; holds one or more diagnostics."""

    def __init__(
        self, diagnostics: list[Diagnostic] | Diagnostic, sources: SourceCache | None = None
    ):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        self.sources = sources or SourceCache()
        super().__init__(self.render())

    def render(self, colour: bool = False) -> str:
        """The diagnostics, rendered with the shared renderer."""
        return render_all(self.diagnostics, self.sources, colour)


def usage_error(code: str, message: str, help: str | None = None) -> ErslError:
    """An error in how ERSL was called (an option, a parameter, a period), not in a file."""
    return ErslError(Diagnostic(code, message, COMMAND_LINE, help=help))
