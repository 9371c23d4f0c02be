"""Every ctypes Structure of the table against the C compiler's layout.

Compiles a small program with the public headers that prints sizeof and
offsetof for each struct and field declared in autolic/_api/*.py, and
compares with ctypes. A field in the wrong order, of the wrong type or
missing shows up as a wrong offset or size. Field names match the C names
(a trailing underscore is dropped: ``del_`` is ``del``).
"""
import ctypes
import os
import shutil
import subprocess
import tempfile
import unittest

import helpers
from autolic import _api


def structures():
    out = []
    for mod in _api.modules():
        for name, obj in sorted(vars(mod).items()):
            if (isinstance(obj, type) and issubclass(obj, ctypes.Structure)
                    and name.startswith("autolic_") and obj.__module__ == mod.__name__):
                out.append((name, obj))
    return out


def c_field(name):
    return name[:-1] if name.endswith("_") else name


class TestStructLayout(unittest.TestCase):
    def test_layout_matches_c(self):
        cc = os.environ.get("AUTOLIC_CC") or shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler (set AUTOLIC_CC)")
        structs = structures()
        self.assertIn("autolic_storage", [n for n, _ in structs])
        lines = ['#include <autolic.h>', '#include <stddef.h>', '#include <stdio.h>',
                 'int main(void) {']
        expected = []
        for name, cls in structs:
            lines.append('printf("%s %%zu\\n", sizeof(%s));' % (name, name))
            expected.append("%s %d" % (name, ctypes.sizeof(cls)))
            for field in cls._fields_:
                f = field[0]
                lines.append('printf("%s.%s %%zu %%zu\\n", offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                             % (name, f, name, c_field(f), name, c_field(f)))
                desc = getattr(cls, f)
                expected.append("%s.%s %d %d" % (name, f, desc.offset, desc.size))
        lines.append("return 0; }")
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "layout.c")
            exe = os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write("\n".join(lines) + "\n")
            inc = os.path.join(helpers.REPO_ROOT, "include")
            r = subprocess.run([cc, "-std=c11", "-I", inc, src, "-o", exe],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, "a Structure names a field C does not have?\n"
                             + r.stderr)
            got = subprocess.run([exe], check=True, capture_output=True, text=True).stdout.split("\n")
        self.assertEqual([g for g in got if g], expected)


if __name__ == "__main__":
    unittest.main()
