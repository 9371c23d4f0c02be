"""The declaration table, assembled from every module of this package.

Each module ``autolic/_api/<noun>.py`` holds ``DECLS``, a list of
``(name, [argtypes...], restype)`` tuples (optionally a fourth element, see
:mod:`autolic._lib`), plus the ``ctypes.Structure`` classes of its header.
Modules are discovered with :mod:`pkgutil`: adding a file is enough, nothing
else needs editing.
"""
import importlib
import pkgutil
from types import ModuleType
from typing import Any, Dict, List, Tuple


def modules() -> List[ModuleType]:
    """Import and return every fragment module, in name order (core first)."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    if "core" in names:
        names.remove("core")
        names.insert(0, "core")
    return [importlib.import_module(__name__ + "." + n) for n in names]


def collect() -> Dict[str, Tuple[str, Tuple[Any, ...]]]:
    """Return ``{name: (module_name, decl_tuple)}`` over all fragments.

    Raises ``ImportError`` when two fragments declare the same function or a
    declaration is malformed, so a bad fragment fails loudly at import.
    """
    table: Dict[str, Tuple[str, Tuple[Any, ...]]] = {}
    for mod in modules():
        for decl in getattr(mod, "DECLS", ()):
            if not isinstance(decl, tuple) or len(decl) not in (3, 4):
                raise ImportError("%s: malformed declaration %r" % (mod.__name__, decl))
            name, argtypes = decl[0], decl[1]
            if not isinstance(name, str) or not name.startswith("autolic_"):
                raise ImportError("%s: bad function name %r" % (mod.__name__, name))
            if not isinstance(argtypes, (list, tuple)):
                raise ImportError("%s: argtypes of %s must be a list" % (mod.__name__, name))
            if name in table:
                raise ImportError("%s is declared in both %s and %s"
                                  % (name, table[name][0], mod.__name__))
            table[name] = (mod.__name__, decl)
    return table
