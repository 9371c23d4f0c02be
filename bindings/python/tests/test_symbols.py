"""The declaration table against the library's dynamic symbols and the headers.

Fails when an exported autolic_* function is missing from the table, when the
table declares a function the library does not export, when a header
prototype is not exported (or the reverse), or when a declaration's arity or
parameter kinds differ from the header's prototype.
"""
import ctypes
import os
import shutil
import subprocess
import unittest

import helpers
import autolic
from autolic import _lib

import abi

INCLUDE = os.path.join(helpers.REPO_ROOT, "include")


def table():
    return {name: decl for name, (_mod, decl) in _lib.TABLE.items()}


class TestSymbolTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = os.path.realpath(_lib.library_path)
        if not os.path.isfile(cls.path):
            raise unittest.SkipTest("the library was found by name (%s): set AUTOLIC_LIBRARY "
                                    "to a path to check its symbols" % _lib.library_path)
        cls.exported = abi.elf_exported_functions(cls.path)
        cls.protos, cls.enums, cls.fnptrs = abi.parse_headers(INCLUDE)

    def test_library_exports_functions(self):
        self.assertIn("autolic_db_open", self.exported)
        self.assertIn("autolic_errmsg", self.exported)
        self.assertFalse([n for n in self.exported if n.startswith("al_")],
                         "internal al_* functions leak from the library")

    def test_elf_reader_agrees_with_nm(self):
        nm = shutil.which("nm")
        if not nm:
            self.skipTest("nm not installed (the ELF reader is used alone)")
        out = subprocess.run([nm, "-D", "--defined-only", self.path], check=True,
                             capture_output=True, text=True).stdout
        names = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in ("T", "W", "i"):
                names.add(parts[2].split("@")[0])
        self.assertEqual({n for n in names if n.startswith("autolic_")},
                         {n for n in self.exported if n.startswith("autolic_")})

    def test_table_matches_exports_and_headers(self):
        found = abi.problems(self.exported, self.protos, self.enums, self.fnptrs, table())
        self.assertEqual(found, [], "\n  " + "\n  ".join(found))

    def test_params_name_the_header_parameters(self):
        # Every declared function records its header's parameter names, in order.
        from autolic import _api
        params = {}
        for mod in _api.modules():
            params.update(getattr(mod, "PARAMS", {}))
        wrong = []
        for name in table():
            expected = tuple(abi.param_name(p) for p in self.protos[name].params)
            if tuple(params.get(name, ())) != expected:
                wrong.append("%s: %r, header %r" % (name, params.get(name), expected))
        self.assertEqual(wrong, [])

    def test_every_declared_function_is_bound(self):
        self.assertEqual(_lib.MISSING, [])
        for name in table():
            self.assertTrue(callable(getattr(autolic.C, name)), name)


class TestCheckerCatchesMistakes(unittest.TestCase):
    """The checker itself: each kind of mistake is reported."""

    HEADER = """
    #define AUTOLIC_EXTERN __attribute__((visibility("default")))
    typedef enum autolic_kind { A = 1 } autolic_kind;
    typedef void (*autolic_cb)(int x, void *ctx);
    /** doc with a fake AUTOLIC_EXTERN int autolic_in_comment(void); */
    AUTOLIC_EXTERN int autolic_f(autolic_db *db, autolic_id id, const char *s, size_t n);
    AUTOLIC_EXTERN void autolic_g(void);
    AUTOLIC_EXTERN const char *autolic_h(autolic_kind k, autolic_cb cb, void *ctx);
    AUTOLIC_EXTERN void autolic_v(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));
    AUTOLIC_EXTERN int autolic_fp(int (*fn)(const void *k, size_t kl, void *arg), void *arg);
    """
    P = ctypes.POINTER

    def good(self):
        return {
            "autolic_f": ("autolic_f", [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_char_p,
                                        ctypes.c_size_t], ctypes.c_int),
            "autolic_g": ("autolic_g", [], None),
            "autolic_h": ("autolic_h", [ctypes.c_int, ctypes.CFUNCTYPE(None, ctypes.c_int,
                                                                       ctypes.c_void_p),
                                        ctypes.c_void_p], ctypes.c_char_p),
            "autolic_v": ("autolic_v", [ctypes.c_char_p], None),
            "autolic_fp": ("autolic_fp", [ctypes.CFUNCTYPE(ctypes.c_int), ctypes.c_void_p],
                           ctypes.c_int),
        }

    def run_check(self, tab, exported=None):
        protos, enums, fnptrs = abi.parse_header_text(self.HEADER)
        if exported is None:
            exported = set(protos)
        return abi.problems(exported, protos, enums, fnptrs, tab)

    def test_parser(self):
        protos, enums, fnptrs = abi.parse_header_text(self.HEADER)
        self.assertEqual(sorted(protos), ["autolic_f", "autolic_fp", "autolic_g", "autolic_h",
                                          "autolic_v"])
        self.assertEqual(len(protos["autolic_f"].params), 4)
        self.assertEqual(protos["autolic_g"].params, [])
        self.assertTrue(protos["autolic_v"].variadic)
        self.assertEqual(len(protos["autolic_v"].params), 1)
        self.assertEqual(len(protos["autolic_fp"].params), 2)
        self.assertEqual(protos["autolic_h"].ret, "const char *")
        self.assertEqual(enums, {"autolic_kind"})
        self.assertEqual(fnptrs, {"autolic_cb"})

    def test_good_table_passes(self):
        self.assertEqual(self.run_check(self.good()), [])

    def test_missing_function(self):
        tab = self.good()
        del tab["autolic_g"]
        self.assertTrue(any("autolic_g is exported" in p for p in self.run_check(tab)))

    def test_extra_function(self):
        tab = self.good()
        tab["autolic_zz"] = ("autolic_zz", [], None)
        self.assertTrue(any("autolic_zz is in the Python table" in p for p in self.run_check(tab)))

    def test_wrong_arity(self):
        tab = self.good()
        tab["autolic_f"] = ("autolic_f", [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_char_p],
                            ctypes.c_int)
        self.assertTrue(any("autolic_f: header has 4" in p for p in self.run_check(tab)))

    def test_wrong_kinds(self):
        tab = self.good()
        tab["autolic_f"] = ("autolic_f", [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int,
                                          ctypes.c_size_t], ctypes.c_int)
        found = self.run_check(tab)
        self.assertTrue(any("autolic_f parameter 2" in p for p in found), found)
        self.assertTrue(any("autolic_f parameter 3" in p for p in found), found)
        tab = self.good()
        tab["autolic_g"] = ("autolic_g", [], ctypes.c_int)
        self.assertTrue(any("autolic_g return" in p for p in self.run_check(tab)))

    def test_declared_but_not_exported(self):
        protos, _, _ = abi.parse_header_text(self.HEADER)
        found = self.run_check(self.good(), exported=set(protos) - {"autolic_v"})
        self.assertTrue(any("autolic_v is declared AUTOLIC_EXTERN" in p for p in found), found)


if __name__ == "__main__":
    unittest.main()
