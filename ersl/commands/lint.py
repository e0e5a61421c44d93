"""`ersl lint FILE…`: find defects and risky incentives in contracts (SPEC §7, Lint).

- A folder stands for every `.ersl` file under it (hidden folders skipped).
- `--format text|json|sarif|github`; `--fail-on error|warning` (default: error).
- Exit 0 when no finding is at or above the fail level, 1 otherwise, 2 for usage
  errors, invalid configuration, unreadable files or contracts that do not check.
- `--explain CODE` prints a rule's page; `--list-rules` lists every rule.
- Configuration: `[tool.ersl.lint]` in the nearest pyproject.toml (`--config` to name
  one); `--select`/`--ignore` (comma-separated codes, prefixes, names or categories).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ersl.errors import ErslError
from ersl.paths import is_dir

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl lint`."""
    parser.add_argument("files", nargs="*", metavar="FILE", help=".ersl files or folders")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="exit 1 when a finding has this severity or a higher one (default: error)",
    )
    parser.add_argument("--explain", metavar="CODE", help="print the page of a rule and exit")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="read [tool.ersl.lint] from this file"
    )
    parser.add_argument(
        "--select", action="append", metavar="CODES", help="run only these rules (comma-separated)"
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="do not run these rules (comma-separated)",
    )


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _expand(names: list[str]) -> list[str]:
    files: list[str] = []
    for name in names:
        path = Path(name)
        if is_dir(path):
            found = sorted(
                p
                for p in path.rglob("*.ersl")
                if not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
            )
            files.extend(str(p) for p in found)
        else:
            files.append(name)
    return files


def _usage(message: str) -> int:
    print(f"ersl lint: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _explain(name: str) -> int:
    from ersl.diagnostics import did_you_mean
    from ersl.lint import RULES
    from ersl.lint.docs import page, resolve

    code = resolve(name)
    text = page(code) if code else None
    if text is None:
        hint = did_you_mean(name.upper(), list(RULES)) or did_you_mean(
            name, [r.name for r in RULES.values()]
        )
        return _usage(f"there is no lint rule `{name}`" + (f"; {hint}" if hint else ""))
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _list_rules() -> int:
    from ersl.lint import RULES

    for code in sorted(RULES):
        rule = RULES[code]
        print(f"{code}  {rule.severity:<7}  {rule.category:<11}  {rule.name}: {rule.summary}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Lint each file; print the findings; exit per `--fail-on` (SPEC §7)."""
    from ersl.diagnostics import use_colour
    from ersl.lint import ConfigError, config_for, lint_file, load_config
    from ersl.lint.output import render

    if args.explain:
        return _explain(args.explain)
    if args.list_rules:
        return _list_rules()
    if not args.files:
        return _usage("give at least one FILE or folder (or --explain CODE, --list-rules)")
    select, ignore = _split(args.select), _split(args.ignore)
    files = _expand(args.files)
    if not files:
        return _usage(f"no .ersl files in {', '.join(args.files)}")
    configs: dict = {}
    try:
        fixed = load_config(Path(args.config)) if args.config else None
    except ConfigError as error:
        return _usage(str(error))
    results, errors = [], []
    last_config = None
    for path in files:
        try:
            config = fixed if fixed is not None else config_for(Path(path))
            key = id(config) if fixed is not None else config.source
            if key not in configs:
                configs[key] = config.with_cli(select, ignore)
            config = last_config = configs[key]
        except ConfigError as error:
            return _usage(str(error))
        try:
            results.append(lint_file(path, config))
        except ErslError as error:
            errors.append(error)
    colour = args.format == "text" and use_colour(sys.stdout)
    output = render(args.format, results, errors, last_config, colour)
    if output:
        print(output)
    if errors:
        return EXIT_USAGE
    failing = ("error",) if args.fail_on == "error" else ("error", "warning")
    if any(d.severity in failing for r in results for d in r.findings):
        return EXIT_FINDINGS
    return EXIT_OK
