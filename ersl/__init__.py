"""ERSL: the rules language for the payment part of Swedish healthcare contracts.

    import ersl
    contract = ersl.load("contract.ersl")               # raises ersl.ErslError with diagnostics
    data = ersl.read_data(["events.jsonl"], contract)  # validated
    statement = contract.settle(data, period="2022", params={"visit_fee": "200 kr"})

`load` and `read_data` are imported on first use, so `import ersl` (e.g. by
Pygments loading the lexer) stays light.
"""

from ersl.errors import ErslError
from ersl.version import __version__

__all__ = ["ErslError", "__version__", "load", "read_data"]


def __getattr__(name: str):
    if name in ("load", "read_data", "Contract"):
        from ersl import api

        return getattr(api, name)
    raise AttributeError(f"module 'ersl' has no attribute {name!r}")
