"""Imported first by every test module: makes the in-tree package importable.

`python3 -m unittest discover -s bindings/python/tests` puts only this
directory on sys.path; the package under test is its parent's `autolic`,
which must win over any installed copy.
"""
import os
import sys

BINDING_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(os.path.dirname(BINDING_ROOT))
if sys.path[:1] != [BINDING_ROOT]:
    sys.path.insert(0, BINDING_ROOT)
