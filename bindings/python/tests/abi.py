"""Readers for the ABI checks: the shared library's dynamic symbol table (ELF,
standard library only) and the prototypes of include/autolic/**/*.h."""
import ctypes
import glob
import os
import re
import struct

SHT_DYNSYM = 11
STT_FUNC = 2
STB_GLOBAL, STB_WEAK = 1, 2


def elf_exported_functions(path):
    """Names of the defined, global (or weak), default-visibility functions in .dynsym."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise ValueError("%s is not an ELF file" % path)
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        sh_fmt, sym_fmt, sym_size = end + "IIQQQQIIQQ", end + "IBBHQQ", 24
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        sh_fmt, sym_fmt, sym_size = end + "IIIIIIIIII", end + "IIIBBH", 16
    sections = [struct.unpack_from(sh_fmt, data, shoff + i * shentsize) for i in range(shnum)]
    names = set()
    for sec in sections:
        if sec[1] != SHT_DYNSYM:
            continue
        off, size, link = sec[4], sec[5], sec[6]
        stroff = sections[link][4]
        for i in range(size // sym_size):
            fields = struct.unpack_from(sym_fmt, data, off + i * sym_size)
            if is64:
                st_name, st_info, st_other, st_shndx = fields[0], fields[1], fields[2], fields[3]
            else:
                st_name, st_info, st_other, st_shndx = fields[0], fields[3], fields[4], fields[5]
            if st_shndx == 0 or (st_info & 0xF) != STT_FUNC or (st_info >> 4) not in (STB_GLOBAL, STB_WEAK):
                continue
            if st_other & 0x3:  # hidden/protected/internal
                continue
            e = data.index(b"\0", stroff + st_name)
            names.add(data[stroff + st_name:e].decode("ascii"))
    return names


def _strip(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    out, cont = [], False
    for line in text.split("\n"):
        if cont or line.lstrip().startswith("#"):
            cont = line.rstrip().endswith("\\")
            continue
        out.append(line)
    return "\n".join(out)


def _balanced(text, i):
    """text[i] == '('; return the index just after its matching ')'."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    raise ValueError("unbalanced parentheses")


def _split_top(params):
    parts, depth, cur = [], 0, ""
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


_PROTO = re.compile(r"\bAUTOLIC_EXTERN\s+([A-Za-z_][\w\s\*]*?)\b(autolic_\w+)\s*\(")


class Prototype:
    def __init__(self, name, ret, params, variadic, where):
        self.name, self.ret, self.params, self.variadic, self.where = name, ret, params, variadic, where

    def __repr__(self):
        return "%s %s(%s%s)" % (self.ret, self.name, ", ".join(self.params),
                                ", ..." if self.variadic else "")


def parse_header_text(text, where="<text>"):
    """Returns (prototypes {name: Prototype}, enum typedef names, function-pointer typedef names)."""
    text = _strip(text)
    enums = set(re.findall(r"typedef\s+enum\s*\w*\s*\{[^}]*\}\s*(\w+)\s*;", text))
    fnptrs = set(re.findall(r"typedef[^;{}]*?\(\s*\*\s*(\w+)\s*\)\s*\(", text))
    protos = {}
    for m in _PROTO.finditer(text):
        ret = " ".join(m.group(1).split())
        start = m.end() - 1
        params = _split_top(text[start + 1:_balanced(text, start) - 1])
        variadic = bool(params) and params[-1] == "..."
        if variadic:
            params = params[:-1]
        if params == ["void"]:
            params = []
        protos[m.group(2)] = Prototype(m.group(2), ret, params, variadic, where)
    return protos, enums, fnptrs


# Headers of the optional backend libraries (libautolic-sqlite, ...): their
# functions live in those separate libraries, not in libautolic, and the
# Python binding does not declare them.
SEPARATE_LIBRARY_HEADERS = {os.path.join("autolic", "sys", "sqlite.h"),
                            os.path.join("autolic", "sys", "pg.h")}


def parse_headers(include_dir):
    protos, enums, fnptrs = {}, set(), set()
    paths = sorted(glob.glob(os.path.join(include_dir, "**", "*.h"), recursive=True))
    for p in paths:
        if os.path.relpath(p, include_dir) in SEPARATE_LIBRARY_HEADERS:
            continue
        with open(p, encoding="utf-8") as f:
            pr, en, fp = parse_header_text(f.read(), os.path.relpath(p, include_dir))
        for name, proto in pr.items():
            if name in protos:
                raise ValueError("%s declared in %s and %s" % (name, protos[name].where, proto.where))
            protos[name] = proto
        enums |= en
        fnptrs |= fp
    return protos, enums, fnptrs


SCALARS = {
    "int": ctypes.c_int, "signed int": ctypes.c_int, "unsigned int": ctypes.c_uint,
    "unsigned": ctypes.c_uint, "long": ctypes.c_long, "unsigned long": ctypes.c_ulong,
    "size_t": ctypes.c_size_t, "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64,
    "int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32, "uint16_t": ctypes.c_uint16,
    "uint8_t": ctypes.c_uint8, "double": ctypes.c_double, "bool": ctypes.c_bool,
    "_Bool": ctypes.c_bool, "char": ctypes.c_char,
    "autolic_id": ctypes.c_uint64, "autolic_time": ctypes.c_int64,
}


def is_pointer_type(t):
    return (t in (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_wchar_p)
            or (isinstance(t, type) and issubclass(t, (ctypes._Pointer, ctypes._CFuncPtr,
                                                       ctypes.c_void_p, ctypes.Array))))


def _type_of(param):
    """Split a C parameter into (is_pointer, base type words) dropping the name and const."""
    if "*" in param or "[" in param:
        return True, None
    words = [w for w in param.replace("const ", " ").split() if w not in ("const", "volatile")]
    if len(words) > 1:
        words = words[:-1]  # the parameter's name
    return False, " ".join(words)


def param_name(param):
    """The name of a C parameter (``const char *product`` -> ``product``;
    ``int (*fn)(const void *k, size_t kl)`` -> ``fn``), or None when unnamed."""
    m = re.match(r"[^(]*\(\s*\*\s*(\w+)\s*\)", param)
    if m:
        return m.group(1)
    m = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", param)
    if not m or m.group(1) in ("void", "int", "char", "size_t") or \
            len(param.replace("const", "").split()) < 2 and "*" not in param:
        return None
    return m.group(1)


def check_ctype(c_decl, ctype, enums, fnptrs, what):
    """Return a problem string, or None, for one parameter or return type."""
    if c_decl == "void":
        return None if ctype is None else "%s: C has void, table has %r" % (what, ctype)
    is_ptr, base = _type_of(c_decl)
    if base in fnptrs:
        is_ptr = True
    if is_ptr:
        if ctype is None or not is_pointer_type(ctype):
            return "%s: C has pointer '%s', table has %r" % (what, c_decl, ctype)
        return None
    if base in enums:
        want = ctypes.c_int
    elif base in SCALARS:
        want = SCALARS[base]
    else:
        return "%s: unknown C type '%s' (add it to SCALARS in tests/abi.py)" % (what, c_decl)
    if ctype is None or ctypes.sizeof(ctype) != ctypes.sizeof(want) or \
            getattr(ctype, "_type_", None) != getattr(want, "_type_", None):
        return "%s: C has '%s', table has %r (expected %r)" % (what, c_decl, ctype, want)
    return None


def problems(exported, protos, enums, fnptrs, table):
    """Everything wrong between the library's exports, the headers and the table.

    `table` maps name -> declaration tuple (name, argtypes, restype[, errcheck]).
    """
    out = []
    exported = {n for n in exported if n.startswith("autolic_")}
    for n in sorted(exported - set(table)):
        out.append("%s is exported by the library but missing from the Python table "
                   "(add it to bindings/python/autolic/_api/<noun>.py)" % n)
    for n in sorted(set(table) - exported):
        out.append("%s is in the Python table but not exported by the library" % n)
    for n in sorted(exported - set(protos)):
        out.append("%s is exported but has no AUTOLIC_EXTERN prototype in include/" % n)
    for n in sorted(set(protos) - exported):
        out.append("%s is declared AUTOLIC_EXTERN in %s but not exported by the library"
                   % (n, protos[n].where))
    for n in sorted(set(table) & set(protos)):
        decl, proto = table[n], protos[n]
        argtypes, restype = list(decl[1]), decl[2]
        if len(argtypes) != len(proto.params):
            out.append("%s: header has %d parameter(s) %s, table declares %d"
                       % (n, len(proto.params), proto.params, len(argtypes)))
            continue
        for i, (p, t) in enumerate(zip(proto.params, argtypes)):
            msg = check_ctype(p, t, enums, fnptrs, "%s parameter %d" % (n, i + 1))
            if msg:
                out.append(msg)
        msg = check_ctype(proto.ret, restype, enums, fnptrs, "%s return" % n)
        if msg:
            out.append(msg)
    return out


_DOC_PROTO = re.compile(r"/\*\*((?:(?!\*/).)*)\*/\s*AUTOLIC_EXTERN[^;(]*?\b(autolic_\w+)\s*\(", re.S)
_PARAM_DOC = re.compile(r"@param(?:\[([a-z, ]+)\])?\s+(\w+)(.*?)(?=\n\s*@|\Z)", re.S)


def header_param_docs(include_dir):
    """{C function: {parameter: (direction, text)}} from the Doxygen comment just
    before each AUTOLIC_EXTERN prototype of include/autolic/**/*.h (the backend
    libraries' headers left out): `direction` is the ``@param[...]`` tag ("out",
    "in", "in,out" or "") and `text` the description on one line."""
    out = {}
    paths = sorted(glob.glob(os.path.join(include_dir, "**", "*.h"), recursive=True))
    for p in paths:
        if os.path.relpath(p, include_dir) in SEPARATE_LIBRARY_HEADERS:
            continue
        with open(p, encoding="utf-8") as f:
            text = f.read()
        for m in _DOC_PROTO.finditer(text):
            body = re.sub(r"\n[ \t]*\*(?!/)", "\n", m.group(1))
            out[m.group(2)] = {pm.group(2): ((pm.group(1) or "").replace(" ", ""),
                                             " ".join(pm.group(3).split()))
                               for pm in _PARAM_DOC.finditer(body)}
    return out


#: How a header says that a pointer parameter may be NULL ("or NULL", "may be
#: NULL", "NULL for the defaults", "NULL to keep ...", "NULL is fine", "Accepts NULL").
ACCEPTS_NULL = re.compile(r"\bor NULL\b|\bmay be NULL\b|\bNULL (?:for|to)\b|\bNULL is fine\b"
                          r"|\b[Aa]ccepts NULL\b")


def accepts_null(text):
    """Whether a parameter's description says that NULL is accepted."""
    return bool(ACCEPTS_NULL.search(text))
