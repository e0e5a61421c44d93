"""Lint configuration: `[tool.ersl.lint]` in the nearest `pyproject.toml`.

```toml
[tool.ersl.lint]
select   = ["L1", "incentives"]    # codes, code prefixes, rule names or categories; default: all
ignore   = ["L301"]                # the same kinds of selectors; ignore wins over select
severity = { L201 = "error", L204 = "info" }   # per-code severity overrides

# figures for the performance-pot rule (L204)
expected-listed = 8000             # listed patients per provider
expected-total  = "60 Mkr"         # one provider's payments per year, all lines
min-pot-share   = "1 %"            # threshold of L204

help-uri = "https://example.org/ersl/docs/lint/{code}.md"   # SARIF helpUri template
```

The file used is the nearest `pyproject.toml` with a `[tool.ersl.lint]` table, looking
upwards from the linted file's folder, then from the working directory. Without one
the defaults apply (every rule, its default severity).
"""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path

import attrs

from ersl.diagnostics import did_you_mean
from ersl.lint.framework import CATEGORIES, RULES, SEVERITIES
from ersl.paths import is_file

KEYS = (
    "select",
    "ignore",
    "severity",
    "expected-listed",
    "expected-total",
    "min-pot-share",
    "help-uri",
)
DEFAULT_MIN_POT_SHARE = Fraction(1, 100)


class ConfigError(Exception):
    """An invalid `[tool.ersl.lint]` table; the message names the file and the key."""


@attrs.frozen
class LintConfig:
    """Which rules run, at which severity, and the figures rules may use."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    expected_listed: int | None = None
    expected_total: Fraction | None = None
    """Money per provider and year (kr)."""
    min_pot_share: Fraction = DEFAULT_MIN_POT_SHARE
    help_uri: str | None = None
    source: str | None = None
    """The pyproject.toml this came from, if any."""

    def enabled(self, code: str) -> bool:
        """Whether rule `code` runs."""
        rule = RULES.get(code)
        if rule is None:
            return False
        if any(_matches(s, rule) for s in self.ignore):
            return False
        return not self.select or any(_matches(s, rule) for s in self.select)

    def severity_of(self, code: str) -> str:
        """The severity findings of `code` get (override or the rule's default)."""
        for key, value in self.severity:
            if key == code:
                return value
        rule = RULES.get(code)
        return rule.severity if rule else "error"

    def with_cli(self, select: list[str] | None, ignore: list[str] | None) -> LintConfig:
        """This configuration with `--select` (replacing) and `--ignore` (adding) applied."""
        changes = {}
        if select:
            _check_selectors(select, "--select")
            changes["select"] = tuple(select)
        if ignore:
            _check_selectors(ignore, "--ignore")
            changes["ignore"] = self.ignore + tuple(ignore)
        return attrs.evolve(self, **changes)


def _matches(selector: str, rule) -> bool:
    return (
        rule.code.startswith(selector.upper())
        or selector == rule.name
        or selector == rule.category
        or selector == "all"
    )


def _check_selectors(selectors, where: str) -> None:
    for selector in selectors:
        if not isinstance(selector, str) or not any(
            _matches(selector, rule) for rule in RULES.values()
        ):
            names = list(RULES) + [r.name for r in RULES.values()] + list(CATEGORIES)
            hint = did_you_mean(str(selector), names)
            raise ConfigError(
                f"{where}: `{selector}` matches no lint rule" + (f"; {hint}" if hint else "")
            )


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a `[tool.ersl.lint]` table, from `start` upwards."""
    folder = start.resolve()
    if is_file(folder):
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if is_file(path):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if isinstance(data.get("tool", {}).get("ersl", {}).get("lint"), dict):
                return path
    return None


def config_for(target: Path, cwd: Path | None = None) -> LintConfig:
    """The configuration for linting `target` (see the module docstring)."""
    path = find_pyproject(target) or find_pyproject(cwd or Path.cwd())
    return load_config(path) if path is not None else LintConfig()


def load_config(path: Path) -> LintConfig:
    """Read `[tool.ersl.lint]` from one pyproject.toml; raise `ConfigError` if invalid."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    table = data.get("tool", {}).get("ersl", {}).get("lint", {})
    return parse_table(table, str(path))


def parse_table(table: dict, where: str = "[tool.ersl.lint]") -> LintConfig:
    """A `LintConfig` from the contents of a `[tool.ersl.lint]` table."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.ersl.lint] must be a table")
    for key in table:
        if key not in KEYS:
            hint = did_you_mean(key, KEYS)
            raise ConfigError(
                f"{where}: unknown key `{key}` in [tool.ersl.lint]"
                + (f"; {hint}" if hint else f" (known: {', '.join(KEYS)})")
            )
    values: dict = {"source": where}
    for key in ("select", "ignore"):
        if key in table:
            items = table[key]
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list):
                raise ConfigError(f"{where}: `{key}` must be a list of codes")
            _check_selectors(items, f"{where}: {key}")
            values[key] = tuple(items)
    if "severity" in table:
        overrides = table["severity"]
        if not isinstance(overrides, dict):
            raise ConfigError(f'{where}: `severity` must be a table like {{ L201 = "error" }}')
        pairs = []
        for code, severity in overrides.items():
            if code not in RULES:
                hint = did_you_mean(code, RULES)
                raise ConfigError(
                    f"{where}: severity: there is no rule `{code}`" + (f"; {hint}" if hint else "")
                )
            if severity not in SEVERITIES:
                raise ConfigError(
                    f"{where}: severity of {code} must be one of {', '.join(SEVERITIES)}, "
                    f"not `{severity}`"
                )
            pairs.append((code, severity))
        values["severity"] = tuple(pairs)
    if "expected-listed" in table:
        listed = table["expected-listed"]
        if not isinstance(listed, int) or isinstance(listed, bool) or listed <= 0:
            raise ConfigError(f"{where}: `expected-listed` must be a positive whole number")
        values["expected_listed"] = listed
    if "expected-total" in table:
        values["expected_total"] = _quantity(table["expected-total"], "money", where)
    if "min-pot-share" in table:
        values["min_pot_share"] = _quantity(table["min-pot-share"], "percent", where)
    if "help-uri" in table:
        uri = table["help-uri"]
        if not isinstance(uri, str) or "{code}" not in uri:
            raise ConfigError(f"{where}: `help-uri` must be a text containing {{code}}")
        values["help_uri"] = uri
    return LintConfig(**values)


def _quantity(value, kind: str, where: str) -> Fraction:
    """`"60 Mkr"` → 60 000 000; `"1 %"` → 1/100, read with ERSL's own number syntax."""
    from ersl import ast
    from ersl.errors import ErslError
    from ersl.interpreter.values import quantity_value
    from ersl.syntax import parse

    key = "expected-total" if kind == "money" else "min-pot-share"
    example = '"60 Mkr"' if kind == "money" else '"1 %"'
    if not isinstance(value, str):
        raise ConfigError(f"{where}: `{key}` must be a text with its unit, e.g. {example}")
    try:
        module = parse(f"param x = {value}")
        node = module.decls[0].value
    except (ErslError, IndexError, AttributeError):
        node = None
    units = ("kr", "SEK", "tkr", "Mkr", "MSEK") if kind == "money" else ("%",)
    if not isinstance(node, ast.Quantity) or node.unit not in units or node.value < 0:
        raise ConfigError(f"{where}: `{key}` must be a text with its unit, e.g. {example}")
    return quantity_value(node)
