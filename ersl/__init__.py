"""ERSL: the rules language for the payment part of Swedish healthcare contracts."""

from ersl.errors import ErslError

__version__ = "0.1.0"

__all__ = ["ErslError", "__version__"]
