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
            # PEP 561: the installed package is marked typed.
            self.assertTrue(os.path.exists(os.path.join(target, "autolic", "py.typed")))
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

    def test_import_reads_no_build_file(self):
        # A fresh interpreter importing the package without AUTOLIC_LIBRARY (found or
        # not) opens no CMakeCache.txt and lists no build directory.
        code = ("import builtins, os, glob\n"
                "seen = []\n"
                "real_open, real_glob = builtins.open, glob.glob\n"
                "builtins.open = lambda f, *a, **k: (seen.append(str(f)), real_open(f, *a, **k))[1]\n"
                "glob.glob = lambda p, *a, **k: (seen.append(str(p)), real_glob(p, *a, **k))[1]\n"
                "try:\n"
                "    import autolic\n"
                "except OSError:\n"
                "    pass\n"
                "bad = [s for s in seen if 'CMakeCache' in s or os.sep + 'build' + os.sep in s]\n"
                "assert not bad, bad\n")
        env = dict(os.environ, PYTHONPATH=helpers.BINDING_ROOT)
        env.pop("AUTOLIC_LIBRARY", None)
        env.pop("AUTOLIC_DEV_BUILD", None)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_dev_build_variable(self):
        # AUTOLIC_DEV_BUILD=<name> loads <source tree>/build/<name>/libautolic.so.
        build = os.path.basename(os.path.dirname(os.path.realpath(_lib.library_path)))
        env = dict(os.environ, AUTOLIC_DEV_BUILD=build, PYTHONPATH=helpers.BINDING_ROOT)
        env.pop("AUTOLIC_LIBRARY", None)
        r = subprocess.run([sys.executable, "-c", "import autolic; print(autolic.library_path)"],
                           capture_output=True, text=True, env=env, cwd=helpers.REPO_ROOT)
        expected = os.path.join(helpers.REPO_ROOT, "build", build, "libautolic.so")
        if not os.path.exists(expected):
            self.skipTest("the library is not built in the source tree")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), expected)

    def test_candidates_order(self):
        old = os.environ.pop("AUTOLIC_LIBRARY", None)
        old_dev = os.environ.pop("AUTOLIC_DEV_BUILD", None)
        try:
            origins = [o for o, _ in _lib.candidates()]
            os.environ["AUTOLIC_DEV_BUILD"] = "dev"
            dev = _lib.candidates()
            os.environ["AUTOLIC_DEV_BUILD"] = "../x"
            with self.assertRaises(ValueError):
                _lib.candidates()
        finally:
            if old is not None:
                os.environ["AUTOLIC_LIBRARY"] = old
            os.environ.pop("AUTOLIC_DEV_BUILD", None)
            if old_dev is not None:
                os.environ["AUTOLIC_DEV_BUILD"] = old_dev
        # Without AUTOLIC_DEV_BUILD the source tree's build directories are not searched.
        self.assertNotIn("build tree", origins)
        self.assertNotIn("AUTOLIC_DEV_BUILD", origins)
        self.assertEqual(dev[0], ("AUTOLIC_DEV_BUILD", os.path.join(
            helpers.REPO_ROOT, "build", "dev", "libautolic.so")))
        self.assertEqual([o for o, _ in dev[1:]], origins)
        self.assertEqual(origins[-1], "system")
        order = {"package": 0, "system": 1}
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
