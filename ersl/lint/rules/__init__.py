"""The lint rules, one small module per rule or per small group of related rules.

Every module in this package is imported here, which registers its rules; a new
rule needs no other registration.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
