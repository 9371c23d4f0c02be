"""A minimal PEP 517 build backend, standard library only.

`pip install bindings/python` must work on a machine without network access
and without the `wheel` package, which setuptools needs to build wheels.
The package is pure Python, so a wheel is a zip of the package files plus
three metadata files; this module writes exactly that. It also supports
editable installs (PEP 660: `pip install -e bindings/python`) through a .pth
file, and source distributions.
"""
import base64
import fnmatch
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("autolic", "autolic/_api")


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def field(key):
        m = re.search(r'^%s\s*=\s*"([^"]*)"' % key, section, re.M)
        if not m:
            raise RuntimeError("pyproject.toml [project] lacks %s" % key)
        return m.group(1)
    return field("name"), field("version"), field("description"), field("requires-python")


def _metadata():
    name, version, summary, requires = _project()
    meta = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: %s\n"
            % (name, version, summary, requires))
    readme = os.path.join(ROOT, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            meta += "Description-Content-Type: text/markdown\n\n" + f.read()
    return name, version, meta


def _package_data():
    """The ``package-data`` patterns of ``[tool.autolic_build]`` (non-Python
    files shipped in the packages: the ``py.typed`` marker, a bundled library)."""
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    if "[tool.autolic_build]" not in text:
        return []
    section = text.split("[tool.autolic_build]", 1)[1].split("\n[", 1)[0]
    m = re.search(r"^package-data\s*=\s*\[([^\]]*)\]", section, re.M)
    return re.findall(r'"([^"]+)"', m.group(1)) if m else []


def _files():
    patterns = _package_data()
    for pkg in PACKAGES:
        d = os.path.join(ROOT, pkg)
        for fn in sorted(os.listdir(d)):
            if fn.endswith(".py") or any(fnmatch.fnmatch(fn, p) for p in patterns):
                yield "%s/%s" % (pkg, fn), os.path.join(d, fn)


def _hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=%s,%d" % (digest.decode("ascii"), len(data))


def _write_wheel(wheel_directory, entries):
    name, version, meta = _metadata()
    dist_info = "%s-%s.dist-info" % (name, version)
    wheel_name = "%s-%s-py3-none-any.whl" % (name, version)
    entries = list(entries) + [
        ("%s/METADATA" % dist_info, meta.encode("utf-8")),
        ("%s/WHEEL" % dist_info, b"Wheel-Version: 1.0\nGenerator: autolic_build\n"
                                 b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = "".join("%s,%s\n" % (arc, _hash(data)) for arc, data in entries)
    record += "%s/RECORD,,\n" % dist_info
    entries.append(("%s/RECORD" % dist_info, record.encode("utf-8")))
    path = os.path.join(wheel_directory, wheel_name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in entries:
            info = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return wheel_name


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, ((arc, _read(p)) for arc, p in _files()))


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [("autolic_editable.pth", (ROOT + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    name, version, meta = _metadata()
    base = "%s-%s" % (name, version)
    path = os.path.join(sdist_directory, base + ".tar.gz")
    extra = ["pyproject.toml", "README.md", "_build/autolic_build.py"]
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for arc, p in list(_files()) + [(e, os.path.join(ROOT, e)) for e in extra]:
            if os.path.exists(p):
                tar.add(p, arcname="%s/%s" % (base, arc))
        data = meta.encode("utf-8")
        info = tarfile.TarInfo("%s/PKG-INFO" % base)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return base + ".tar.gz"
