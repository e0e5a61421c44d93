"""The version of ERSL and where the project lives (the one place each is written; the
wheel's metadata reads the version, SARIF logs and the Pygments lexer the home page)."""

__version__ = "0.1.0"

HOMEPAGE = "https://github.com/ersl-lang/ersl"
"""The project's home page: the repository, whose `docs/` hold the pages ERSL links to."""
