"""One settlement run: the checked contract, the data, parameter values and the
caches every part of the interpreter shares (tables, code sets, episodes,
lines already computed, indicator results)."""

from __future__ import annotations

import datetime
import os
from fractions import Fraction

from ersl import ast
from ersl import types as T
from ersl.checker import CheckedContract
from ersl.data.dataset import Dataset
from ersl.data.records import Entity
from ersl.dates import Period
from ersl.diagnostics import Diagnostic, did_you_mean
from ersl.errors import COMMAND_LINE, ErslError
from ersl.interpreter.arithmetic import EvalError
from ersl.interpreter.batch import BatchEvaluator, count_bands
from ersl.interpreter.batch_base import Fallback
from ersl.interpreter.codes import CodeMatcher, code_band
from ersl.interpreter.env import Env, describe
from ersl.interpreter.evaluate import Evaluator
from ersl.span import Span

DEFAULT_INCREMENT = Fraction(1, 100)


_CONSTANTS = (ast.Number, ast.Quantity, ast.StringLit, ast.BoolLit, ast.DateLit)


class Table:
    """A table parameter: bands tried in order, the first that holds gives the value.

    Band bounds are literals, so on first use each band is compiled into a test
    closure; a lookup is then a loop over closures.
    """

    def __init__(self, name: str, value: ast.TableValue, codes: bool = False) -> None:
        self.name = name
        self.entries = value.entries
        self.codes = codes
        """Keyed by codes: text bands are code patterns (`ersl.interpreter.codes`)."""
        self._bands: list | None = None
        self._known: dict = {}

    def _compile(self, ev: Evaluator, env: Env) -> list:
        bands = []
        for entry in self.entries:
            band = entry.band
            low = None if band.low is None else ev.eval(band.low, env)
            high = None if band.high is None else ev.eval(band.high, env)
            if self.codes and band.kind in ("eq", "range", "else"):
                test = code_band(band.kind, low, high)
                bands.append((test, entry, (self.name, entry.span.line), ev.compile(entry.value)))
                continue
            test = {
                "else": lambda k, lo=low, hi=high: True,
                "eq": lambda k, lo=low, hi=high: k == lo,
                "range": lambda k, lo=low, hi=high: lo <= k <= hi,
                "over": lambda k, lo=low, hi=high: k >= lo,
                "under": lambda k, lo=low, hi=high: k < hi,
            }[band.kind]
            bands.append((test, entry, (self.name, entry.span.line), ev.compile(entry.value)))
        return bands

    def lookup(self, key, ev: Evaluator, env: Env):
        """The value for `key`, or a run-time error naming the table and key."""
        run = ev.run
        known = self._known.get(key)
        if known is not None:  # a key seen before whose band gives a constant
            entry, hit, value = known
            run.bands_hit[hit] = run.bands_hit.get(hit, 0) + 1
            if run.trace_sink is not None:
                run.trace_sink.append(("band", self.name, entry))
            return value
        bands = self._bands
        if bands is None:
            bands = self._bands = self._compile(ev, env)
        for test, entry, hit, value in bands:
            if test(key):
                if isinstance(entry.value, _CONSTANTS) and len(self._known) < 10_000:
                    self._known[key] = (entry, hit, value(env))
                run.bands_hit[hit] = run.bands_hit.get(hit, 0) + 1
                if run.trace_sink is not None:
                    run.trace_sink.append(("band", self.name, entry))
                return value(env)
        raise EvalError(
            f"the table `{self.name}` has no band for {describe(key)}",
            help="add a band that holds this key, or an `else` band",
            code="E0902",
        )

    def lookup_many(self, keys: list, ev: Evaluator, batch) -> list:
        """`lookup` for every key of a batch (`ersl.interpreter.batch`): each distinct key
        is looked up once; a problem raises for the scalar path to report."""
        if not all(isinstance(entry.value, _CONSTANTS) for entry in self.entries):
            return [self.lookup(k, ev, env) for k, env in zip(keys, batch.envs(), strict=True)]
        env = Env({}, batch.dates[0], batch.period)
        if self._bands is None:
            self._bands = self._compile(ev, env)
        values, hits = {}, {}
        for key in set(keys):
            if key is None:
                raise Fallback
            for test, _entry, hit, value in self._bands:
                if test(key):
                    values[key], hits[key] = value(env), hit
                    break
            else:
                raise Fallback
        count_bands(ev.run, hits, keys)
        return [values[key] for key in keys]


class MappingTable:
    """A table given as input (`--param fee=fees.csv`): exact keys to values."""

    def __init__(self, name: str, values: dict) -> None:
        self.name = name
        self.values = values

    def lookup(self, key, ev: Evaluator, env: Env):
        """The value for `key`, or a run-time error naming the table and key."""
        if key not in self.values:
            raise EvalError(
                f"the table `{self.name}` has no value for {describe(key)}",
                help="add a row for this key to the table's input",
                code="E0902",
            )
        return self.values[key]

    def lookup_many(self, keys: list, ev: Evaluator, batch) -> list:
        """`lookup` for every key of a batch; a missing key raises for the scalar path."""
        values = self.values
        return [values[key] for key in keys]


class Run:
    """Everything one settlement needs, shared by units, lines, caps and performance."""

    def __init__(
        self,
        checked: CheckedContract,
        data: Dataset,
        overrides: dict[str, object] | None = None,
    ) -> None:
        self.checked = checked
        self.symbols = checked.symbols
        self.data = data
        self.overrides = overrides or {}
        self.evaluator = Evaluator(self)
        contract = self.symbols.contract
        self.contract = contract
        rounding = contract.rounding if contract else None
        self.increment = DEFAULT_INCREMENT
        self.rounding_mode = "half_up"
        self.rounding_scope = "line"
        if rounding is not None:
            from ersl.interpreter.values import quantity_value

            self.increment = Fraction(quantity_value(rounding.increment))
            self.rounding_mode = rounding.mode.name
            self.rounding_scope = rounding.scope.name
        self._codesets: dict[str, CodeMatcher] = {}
        self._values: dict[tuple[str, int], object] = {}
        self._plans: dict[int, tuple[str, ast.Expr] | None] = {}
        self.lines_cache: dict[str, list] = {}
        self.indicator_cache: dict[tuple[str, str], dict[str, Fraction]] = {}
        self.bands_hit: dict[tuple[str, int], int] = {}
        self.trace_sink: list | None = None
        self._listed_columns: dict[datetime.date, tuple[list, list]] = {}
        self.batch = BatchEvaluator(self.evaluator)
        """Batch forms of the evaluator's closures (bulk settlement)."""
        self.batches = True
        """Evaluate in batches where possible; False evaluates every unit and aggregate
        one by one (the reference the batches are tested against)."""
        self.bulk_fallbacks: list[str] = []
        self.engine = "reference"
        """`columnar` settles the payments the columnar compiler handles with DuckDB
        (`ersl.interpreter.engine`); `reference` uses the batch path for all."""
        self.engine_report: dict[str, str] = {}
        """Per payment settled in a columnar run: `columnar`, or why the batch path did."""
        self.columnar = None
        """The run's `ersl.columnar.ColumnarEngine` (its DuckDB tables), made on first use."""
        """What had to be settled unit by unit after a batch gave up (for tests)."""
        self.settler = None
        self._p4p = None

    # ------------------------------------------------------------ parameters
    def param(self, name: str, date: datetime.date):
        """The value of a parameter on `date` (dated values pick the entry in force)."""
        value = self.overrides.get(name)
        if value is None:
            value = self.symbols.params[name].value
        if value is None and name not in self.overrides:
            return self._absent(name)
        if not isinstance(value, (ast.Node,)):
            return value  # an input table or a ready value
        if isinstance(value, ast.DatedValue):
            chosen = None
            for entry in value.entries:
                if entry.start <= date:
                    chosen = entry
            if chosen is None:
                raise EvalError(
                    f"the parameter `{name}` has no value on {date}: its first dated entry is from "
                    f"{value.entries[0].start}",
                    code="E0904",
                )
            value = chosen.value
        if isinstance(value, ast.TableValue):
            key = (name, id(value))
            if key not in self._values:
                table_type = T.strip_optional(self.symbols.param_types.get(name, T.ERROR))
                codes = isinstance(table_type, T.TableT) and isinstance(
                    T.strip_optional(table_type.key), T.Code
                )
                self._values[key] = Table(name, value, codes)
            return self._values[key]
        key = (name, id(value))
        if key not in self._values:
            env = Env({}, date, Period(date, date, str(date)))
            self._values[key] = self.evaluator.eval(value, env)
        return self._values[key]

    def _absent(self, name: str):
        """A parameter declared without a value and not given: none when it is optional
        (`T?`); a required one is demanded before settling when a settled line reads
        it (`ersl.interpreter.demands`), so reading it elsewhere is an error here."""
        if isinstance(self.symbols.param_types.get(name), T.Optional):
            return None
        raise EvalError(
            f"the parameter `{name}` has no value",
            help=f"give it on the command line: --param {name}=…",
            code="E0901",
        )

    def batching(self) -> bool:
        """Whether work may be done in batches now (not when tracing for an explanation)."""
        return self.batches and self.trace_sink is None

    def listed_on(self, first: datetime.date) -> list:
        """(provider, patient) pairs listed on a date, providers and patients by id."""
        providers, patients = self.listed_columns(first)
        return list(zip(providers, patients, strict=True))

    def listed_columns(self, first: datetime.date) -> tuple[list, list]:
        """Everyone listed on a date as two columns, providers and patients, by provider
        id then patient id (shared by every listed-patient payment of the run)."""
        columns = self._listed_columns.get(first)
        if columns is None:
            providers: list = []
            patients: list = []
            for provider in self.data.providers():
                listed = self.data.listed_patients(provider, first)
                providers.extend([provider] * len(listed))
                patients.extend(listed)
            columns = self._listed_columns[first] = (providers, patients)
        return columns

    def param_getter(self, name: str):
        """A closure giving the parameter's value in an env; constant values are read once."""
        value = self.overrides.get(name)
        if value is None:
            value = self.symbols.params[name].value
        if isinstance(value, ast.DatedValue):
            return lambda env: self.param(name, env.date)
        cell: list = []

        def constant(env):
            if not cell:
                cell.append(self.param(name, env.date))
            return cell[0]

        return constant

    def table(self, name: str, date: datetime.date):
        """A table parameter in force on `date`."""
        return self.param(name, date)

    def codeset(self, name: str) -> CodeMatcher:
        """The matcher of a code set."""
        if name not in self._codesets:
            self._codesets[name] = CodeMatcher(self.symbols.codesets[name])
        return self._codesets[name]

    def note_band(self, table: str, entry: ast.TableEntry) -> None:
        """Count a table band hit (for explanations and coverage)."""
        key = (table, entry.span.line)
        self.bands_hit[key] = self.bands_hit.get(key, 0) + 1
        if self.trace_sink is not None:
            self.trace_sink.append(("band", table, entry))

    def missing_attribute(self, entity: Entity, field: str, date: datetime.date) -> None:
        """A time-varying attribute with no value in force: the access gives none."""

    # ------------------------------------------------------------ data access
    def candidates(self, collection: ast.EventCollection, env: Env, start, end):
        """Records a collection may hold in [start, end], using an index when the
        condition pins the patient or provider (`v.patient == p`); for a date
        collection (`MonthEnd d`), its dates in [start, end]."""
        type_name = collection.type.name
        series = self.symbols.date_series(type_name)
        if series is not None:
            return series(start, end)
        plan = self._plan(collection)
        if plan is not None:
            field, other = plan
            entity = self.evaluator.eval(other, env)
            if entity is None:
                return ()
            return self.data.by_ref(type_name, field, entity, start, end)
        return self.data.between(type_name, start, end)

    def _plan(self, collection: ast.EventCollection):
        key = id(collection)
        if key not in self._plans:
            self._plans[key] = _index_plan(
                collection, self.symbols.schema.get(collection.type.name)
            )
        return self._plans[key]

    # ------------------------------------------------------------ helpers
    def text(self, node: ast.Node) -> str:
        """The source text of a node (for messages)."""
        span = node.span
        line = self.checked.loaded.sources.line(span.file, span.line) or ""
        if span.end_line == span.line:
            return line[span.column - 1 : span.end_column - 1]
        return line[span.column - 1 :].strip() + " …"

    def source(self, span: Span) -> str:
        """`file:line` of a declaration, relative to the contract file's folder."""
        root = os.path.dirname(os.path.abspath(self.checked.root.path))
        rel = os.path.relpath(os.path.abspath(span.file), root)
        return f"{rel.replace(os.sep, '/')}:{span.line}"

    def paid(self, name: str, payee: Entity, period: Period) -> Fraction:
        """Exact total of line `name` for `payee` over lines whose period lies in `period`."""
        return self.settler.paid(name, payee, period)

    def attainment(self, result, low, high, env: Env) -> Fraction:
        """`linear` scoring is the ERSL function `attainment` (stdlib functions/p4p): the
        contract's own if it declares or imports one, else the standard library's."""
        if "attainment" in self.symbols.functions:
            return self.evaluator.call_function("attainment", [result, low, high], env)
        if self._p4p is None:
            from ersl.checker import check_file
            from ersl.resources import stdlib_root

            checked = check_file(stdlib_root() / "functions" / "p4p.ersl")
            evaluator = Evaluator(self)
            evaluator.refs = checked.facts.refs
            self._p4p = (checked.symbols.functions["attainment"], evaluator)
        decl, evaluator = self._p4p
        bindings = {p.name.name: a for p, a in zip(decl.params, (result, low, high), strict=True)}
        return evaluator.eval(decl.body, Env(bindings, env.date, env.period))

    def indicator_results(self, name: str, period: Period) -> dict[str, Fraction]:
        """Results of an indicator per provider id for a period (applicable providers only)."""
        return self.settler.indicator_results(name, period)


def _index_plan(collection: ast.EventCollection, schema) -> tuple[str, ast.Expr] | None:
    """Find `var.patient == E` or `var.provider == E` (E not using var) among the
    conjuncts of a collection's condition."""
    if collection.where is None or schema is None:
        return None
    var = collection.var.name
    for conjunct in _conjuncts(collection.where):
        if not (isinstance(conjunct, ast.Binary) and conjunct.op == "=="):
            continue
        for side, other in ((conjunct.left, conjunct.right), (conjunct.right, conjunct.left)):
            if (
                isinstance(side, ast.FieldAccess)
                and isinstance(side.obj, ast.Name)
                and side.obj.name == var
                and side.name.name in ("patient", "provider")
                and side.name.name in schema.fields
                and not _mentions(other, var)
            ):
                return side.name.name, other
    return None


def _conjuncts(node: ast.Expr):
    if isinstance(node, ast.Binary) and node.op == "and":
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _mentions(node, name: str) -> bool:
    if isinstance(node, ast.Name):
        return node.name == name
    for attribute in getattr(type(node), "__attrs_attrs__", ()):
        value = getattr(node, attribute.name)
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if isinstance(child, ast.Node) and _mentions(child, name):
                return True
    return False


def unknown_param_error(name: str, symbols) -> ErslError:
    """An error for `--param NAME=…` naming no parameter."""
    return ErslError(
        Diagnostic(
            "E0910",
            f"the contract has no parameter `{name}`",
            COMMAND_LINE,
            help=did_you_mean(name, symbols.params),
        )
    )
