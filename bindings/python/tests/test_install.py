"""`pip install bindings/python` works offline (in-tree build backend, no
build dependency) and the installed package finds the library through
AUTOLIC_LIBRARY."""
import os
import subprocess
import sys
import tempfile
import unittest

import helpers
from autolic import _lib


class TestInstall(unittest.TestCase):
    def test_pip_install_and_use(self):
        if subprocess.run([sys.executable, "-m", "pip", "--version"],
                          capture_output=True).returncode != 0:
            self.skipTest("pip is not available to this interpreter")
        with tempfile.TemporaryDirectory() as tmp:
            target = os.path.join(tmp, "site")
            env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
            r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                                "--target", target, helpers.BINDING_ROOT],
                               capture_output=True, text=True, env=env, cwd=tmp)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(os.path.exists(os.path.join(target, "autolic", "_api", "core.py")))
            code = ("import autolic, sys\n"
                    "assert autolic.__file__.startswith(sys.argv[1]), autolic.__file__\n"
                    "with autolic.Database() as db:\n"
                    "    uid = autolic.account.register(db, 'Installed@Example.com')\n"
                    "    print(autolic.account.get(db, uid).email)\n")
            env = dict(os.environ, PYTHONPATH=target, AUTOLIC_LIBRARY=os.path.realpath(_lib.library_path))
            r = subprocess.run([sys.executable, "-c", code, target], capture_output=True, text=True,
                               env=env, cwd=tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), "installed@example.com")

    def test_library_override_is_exclusive(self):
        code = "import autolic"
        env = dict(os.environ, AUTOLIC_LIBRARY="/nonexistent/libautolic.so",
                   PYTHONPATH=helpers.BINDING_ROOT)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AUTOLIC_LIBRARY", r.stderr)
        self.assertIn("/nonexistent/libautolic.so", r.stderr)

    def test_candidates_order(self):
        old = os.environ.pop("AUTOLIC_LIBRARY", None)
        try:
            origins = [o for o, _ in _lib.candidates()]
        finally:
            if old is not None:
                os.environ["AUTOLIC_LIBRARY"] = old
        self.assertEqual(origins[-1], "system")
        order = {"package": 0, "build tree": 1, "system": 2}
        self.assertEqual([order[o] for o in origins], sorted(order[o] for o in origins))
        os.environ["AUTOLIC_LIBRARY"] = "/x/libautolic.so"
        try:
            self.assertEqual(_lib.candidates(), [("AUTOLIC_LIBRARY", "/x/libautolic.so")])
        finally:
            if old is None:
                del os.environ["AUTOLIC_LIBRARY"]
            else:
                os.environ["AUTOLIC_LIBRARY"] = old


if __name__ == "__main__":
    unittest.main()
