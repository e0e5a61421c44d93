"""Checking `property` blocks with Hypothesis (SPEC §7).

```ersl
property "quality bonus never exceeds its pot" {
  for any data
  check paid("Kvalitetsersättning", q) <= 30 kr/year * 1 year * average_listed(q)
  for every provider q
}
```

Data is generated from the contract's schema (`ersl.testing.generate`) and
settled for the property's `period` (default: the contract's `valid` range)
with its `param` values; the check is evaluated on the period's last day, once
per provider with `for every provider q`, else once. `paid("X", q)` is the
exact total of X's lines for q in the period.

A generated data set on which settlement needs a value the data lacks (a none
value used, E0903: an absent optional field or attribute) does not fit the
contract and is skipped; any other run-time error counts as a counterexample.
The smallest counterexample Hypothesis finds is printed as a `test` block to
paste into the test file; see `counterexample_test` for its expectations.
"""

from __future__ import annotations

import random as random_module
from fractions import Fraction

from ersl import ast
from ersl import types as T
from ersl.errors import ErslError
from ersl.exact import format_amount, round_to
from ersl.testing.model import FAILED, PASSED, Options, Outcome, TestCase

DEFAULT_SEED = 0
SHRINK_BUDGET = 1000  # data sets drawn while making a counterexample smaller


class _Reject(Exception):
    """The data does not fit the contract (a none value was needed)."""


class _Budget(BaseException):
    """The shrink budget is spent: stop with the smallest counterexample so far.

    A BaseException, so Hypothesis does not take it for another failure to shrink."""


class GeneratedDataError(Exception):
    """The generator made data the reader rejects: a limit of the generator."""

    def __init__(self, error: ErslError) -> None:
        super().__init__(error.render())
        self.error = error


class Verdict:
    """Why the check failed on one data set: the provider, and an error if settlement failed."""

    def __init__(self, provider, error: str | None = None) -> None:
        self.provider = provider
        self.error = error


class PropertyCheck:
    """One property of a checked test file, ready to evaluate on generated data."""

    def __init__(self, case: TestCase, options: Options) -> None:
        from ersl.api import Contract
        from ersl.dates import parse_period
        from ersl.testing.generate import Generator
        from ersl.testing.given import read_given
        from ersl.testing.settling import default_period, params_of

        self.case = case
        self.options = options
        self.prop: ast.Property = case.node
        self.checked = case.file.checked
        header = self.checked.symbols.contract
        text = self.prop.period.text if self.prop.period is not None else default_period(header)
        if text is None:
            raise ErslError(
                _diagnostic(
                    "E1001",
                    f'the property "{self.prop.name}" needs a `period`: the contract has no '
                    "`valid` range",
                    self.prop.span,
                )
            )
        self.period_text = text
        self.period = parse_period(text)
        contract = Contract(self.checked)
        self.overrides = {
            name: contract.param_value(name, value)
            for name, value in params_of(case, contract, self.prop.params).items()
        }
        self.generator = Generator(self.checked, self.period, options.max_size)
        # Required parameters without a value fail at once, not once per example.
        self._run(read_given([], self.checked))

    def _run(self, data):
        from ersl.interpreter.run import Run
        from ersl.interpreter.settle import Settler

        run = Run(self.checked, data, self.overrides)
        Settler(run, self.period)
        return run

    def env(self, provider):
        """The environment the check is evaluated in."""
        from ersl.interpreter.env import Env

        bindings = {}
        if self.prop.every_provider is not None:
            bindings[self.prop.every_provider.name] = provider
        return Env(bindings, self.period.end, self.period)

    def dataset(self, records):
        """Records read by the data layer (raises GeneratedDataError if they are invalid)."""
        from ersl.testing.given import read_given

        try:
            return read_given(records, self.checked, origin="<generated>")
        except ErslError as error:
            raise GeneratedDataError(error) from None

    def evaluate(self, records) -> tuple[Verdict | None, object]:
        """(None if the check holds for every provider, else why not; the run)."""
        from ersl.interpreter.arithmetic import EvalError

        data = self.dataset(records)
        run = self._run(data)
        # Every line first: a counterexample is data the whole contract settles, so that
        # the printed test fails on its expectation, not on a line the check never read.
        try:
            for name in self.checked.symbols.line_names():
                run.settler.lines(name)
        except ErslError as error:
            if all(d.code == "E0903" for d in error.diagnostics):
                raise _Reject() from None
            return Verdict(None, error.render()), run
        providers = data.providers() if self.prop.every_provider is not None else [None]
        for provider in providers:
            try:
                holds = run.evaluator.truth(self.prop.check, self.env(provider))
            except EvalError as error:
                if error.code == "E0903":
                    raise _Reject() from None
                return Verdict(provider, f"{error.message}"), run
            except ErslError as error:
                if all(d.code == "E0903" for d in error.diagnostics):
                    raise _Reject() from None
                return Verdict(provider, error.render()), run
            if not holds:
                return Verdict(provider), run
        return None, run


def _diagnostic(code: str, message: str, span):
    from ersl.diagnostics import Diagnostic

    return Diagnostic(code, message, span)


def run_property(case: TestCase, options: Options) -> Outcome:
    """Check a property on generated data; a counterexample fails it."""
    from ersl.testing.report import error_text

    try:
        import hypothesis  # noqa: F401
    except ImportError:  # pragma: no cover - hypothesis is a test dependency
        return Outcome(
            case,
            FAILED,
            f'property "{case.name}" needs Hypothesis: pip install hypothesis\n',
        )
    try:
        check = PropertyCheck(case, options)
    except ErslError as error:
        return Outcome(case, FAILED, error_text(case, error, options.colour))
    return _search(check, options)


def _search(check: PropertyCheck, options: Options) -> Outcome:
    from hypothesis import HealthCheck, Phase, find, reject, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    case = check.case
    seed = DEFAULT_SEED if options.seed is None else options.seed
    state: dict = {"found": None, "shrinks": 0, "checked": 0}

    def counted(records):
        # every data set the shrinker draws costs about as much as checking it
        if state["found"] is not None:
            state["shrinks"] += 1
            if state["shrinks"] > SHRINK_BUDGET:
                raise _Budget()
        return records

    def fails(records) -> bool:
        try:
            verdict, _ = check.evaluate(records)
        except _Reject:
            reject()
        if state["found"] is None:
            state["checked"] += 1
        if verdict is not None:
            state["found"] = records  # the shrinker only tries smaller data: the best so far
        return verdict is not None

    config = settings(
        max_examples=max(1, options.examples),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    )
    try:
        example = find(
            check.generator.strategy().map(counted),
            fails,
            settings=config,
            random=random_module.Random(seed),
        )
    except NoSuchExample:
        return Outcome(case, PASSED, examples=state["checked"])
    except Unsatisfiable:
        return Outcome(
            case,
            FAILED,
            f'property "{case.name}": no generated data set could be checked: settlement '
            "needed values the generated data lacked every time (a none value used)\n",
        )
    except GeneratedDataError as problem:
        return Outcome(
            case,
            FAILED,
            f'property "{case.name}": the generated data is invalid (a limit of the data '
            f"generator; please report it):\n\n{problem.error.render()}\n",
        )
    except _Budget:
        example = state["found"]
    verdict, run = check.evaluate(example)
    text = failure_text(check, example, verdict, run, seed, options, state["checked"])
    return Outcome(case, FAILED, text, examples=state["checked"])


# ---------------------------------------------------------------------- the failure text


def _money(value) -> str:
    """An exact amount: two decimals when it is whole öre, else exactly."""
    from ersl.exact import format_decimal

    value = Fraction(value)
    if (value * 100).denominator == 1:
        return f"{format_amount(value)} kr"
    return f"{format_decimal(value)} kr"


def _show(run, node, value) -> str:
    from ersl.interpreter.env import describe

    t = run.checked.facts.types.get(id(node))
    if t is not None and T.strip_optional(t) == T.MONEY and isinstance(value, int | Fraction):
        return _money(value)
    return describe(value)


def _paid_now(check: PropertyCheck, run, provider, name: str) -> Fraction:
    """The sum of the rounded lines `name` of `provider` in the property's period."""
    from ersl.testing.expectations import line_period

    statement = run.settler.statement()
    return sum(
        (
            line.amount
            for line in statement.lines
            if line.payee == provider.id
            and line.name == name
            and check.period.covers(line_period(line.period))
        ),
        Fraction(0),
    )


def _sides(check: PropertyCheck, run, provider) -> list[str]:
    """The values of a comparison's two sides, for the failure text."""
    node = check.prop.check
    if not (isinstance(node, ast.Binary) and node.op in ("<", "<=", ">", ">=", "==", "!=")):
        return []
    env = check.env(provider)
    out = []
    try:
        for side in (node.left, node.right):
            value = run.evaluator.eval(side, env)
            out.append(f"  {run.text(side)} = {_show(run, side, value)}")
    except Exception:  # noqa: BLE001 - the sides are extra information only
        return []
    return out


def failure_text(
    check: PropertyCheck, records, verdict: Verdict, run, seed: int, options, checked: int
) -> str:
    """The failure: which provider, the values of the check, and the counterexample test."""
    prop = check.prop
    who = f"for provider {verdict.provider.id}" if verdict.provider is not None else ""
    check_text = run.text(prop.check)
    lines = []
    if verdict.error is not None:
        lines.append(
            f'property "{prop.name}" does not hold: settling the data below fails {who}'.rstrip()
        )
        lines.append("")
        lines.append(verdict.error)
    else:
        lines.append(f'property "{prop.name}" does not hold {who}: `{check_text}` is false')
        lines += _sides(check, run, verdict.provider)
    lines.append("")
    lines.append(
        f"Found after {checked} generated data set{'s' if checked != 1 else ''} (seed {seed}) "
        "and made as small as possible. As a test to paste into "
        f"{check.case.file.display}:"
    )
    lines.append("")
    lines.append(counterexample_test(check, records, verdict, run))
    return "\n".join(lines).rstrip() + "\n"


def _source_text(run, node: ast.Node) -> str:
    span = node.span
    sources = run.checked.loaded.sources
    texts = []
    for number in range(span.line, span.end_line + 1):
        text = sources.line(span.file, number) or ""
        if number == span.end_line:
            text = text[: span.end_column - 1]
        if number == span.line:
            text = text[span.column - 1 :]
        texts.append(text)
    return "\n".join(texts)


def _paid_calls(node) -> list[ast.Call]:
    from ersl.ast import walk

    return [
        n
        for n in walk(node)
        if isinstance(n, ast.Call)
        and n.func.name == "paid"
        and len(n.args) == 2
        and isinstance(n.args[0], ast.StringLit)
    ]


def _boundary(check: PropertyCheck, run, verdict: Verdict):
    """(line name, actual, amount at which the check's two sides meet) for the first `paid`
    the check reads, when the check is a comparison linear in it; else None."""
    node = check.prop.check
    if verdict.error is not None or verdict.provider is None:
        return None
    if not (isinstance(node, ast.Binary) and node.op in ("<", "<=", ">", ">=", "==")):
        return None
    calls = _paid_calls(node)
    if not calls:
        return None
    name = calls[0].args[0].value
    env = check.env(verdict.provider)
    actual = _paid_now(check, run, verdict.provider, name)
    exact = run.paid(name, verdict.provider, check.period)
    original = run.paid

    def difference(bump: Fraction) -> Fraction | None:
        def paid(line, payee, period):
            value = original(line, payee, period)
            return value + bump if line == name and payee is verdict.provider else value

        run.paid = paid
        try:
            left = run.evaluator.eval(node.left, env)
            right = run.evaluator.eval(node.right, env)
            return Fraction(left) - Fraction(right)
        except Exception:  # noqa: BLE001 - not a numeric comparison
            return None
        finally:
            del run.paid

    d0, d1 = difference(Fraction(0)), difference(Fraction(1))
    if d0 is None or d1 is None or d1 == d0:
        return None
    target = exact - d0 / (d1 - d0)
    return name, actual, round_to(target, Fraction(1, 100), "half_up")


def counterexample_test(check: PropertyCheck, records, verdict: Verdict, run) -> str:
    """The counterexample as a `test` block.

    Its `expect` block: when the check compares an amount linear in a line it reads
    with `paid("X", q)`, the X line of the failing provider is expected at the amount
    where the two sides meet (the property's boundary) — so the test fails now, as the
    property did, and states the amount the invariant allows; adjust it to what the
    fixed contract should pay. When settlement failed, the test fails by itself and
    has no `expect`. Otherwise the lines the check reads are listed as paid now.
    """
    from ersl.testing.given import render_given

    prop = check.prop
    out = [f'test "counterexample: {_escape(prop.name)}" {{', f"  period {check.period_text}"]
    for param in prop.params:
        out.append("  " + _source_text(run, param).replace("\n", "\n  "))
    out.append("  given {")
    out += render_given(records, check.generator.kinds, "    ")
    out.append("  }")
    boundary = _boundary(check, run, verdict)
    period = check.period_text
    if verdict.error is not None:
        out.append("  # settling this data fails: the test fails until the contract is fixed")
    elif boundary is not None:
        name, actual, target = boundary
        payee = verdict.provider.id
        out.append("  expect {")
        out.append(f"    # `{run.text(prop.check)}` with {_binding(prop, payee)}:")
        out.append(f"    # the amount where both sides meet; paid now: {format_amount(actual)} kr")
        out.append(f'    {payee} "{_escape(name)}" {period} = {format_amount(target)} kr')
        out.append("  }")
    else:
        payee = verdict.provider.id if verdict.provider is not None else None
        names = list(dict.fromkeys(c.args[0].value for c in _paid_calls(prop.check)))
        if payee is not None and names:
            out.append("  expect {")
            out.append(
                f"    # the check cannot be written as an expectation; paid now (for {payee}):"
            )
            for name in names:
                amount = _paid_now(check, run, verdict.provider, name)
                out.append(f'    {payee} "{_escape(name)}" {period} = {format_amount(amount)} kr')
            out.append("  }")
    out.append("}")
    text = "\n".join(out) + "\n"
    try:
        from ersl.fmt import format_source

        return format_source(text)
    except ErslError:  # pragma: no cover - the block is always valid ERSL
        return text


def _binding(prop: ast.Property, payee: str) -> str:
    if prop.every_provider is None:
        return "this data"
    return f"{prop.every_provider.name} = {payee}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


__all__ = ["PropertyCheck", "counterexample_test", "run_property"]
