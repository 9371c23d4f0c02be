#!/usr/bin/env python3
"""Checks the Doxygen HTML of the documentation; run by the docs target.

    python3 docs/check_html.py HTML_DIR [--fix-md-links DOCS_DIR] [--forbid TEXT]...
                               [--embedded GUIDE=SOURCE]...

With --fix-md-links, first rewrites the links Doxygen leaves as written: a
Markdown link to another guide with a section, [text](page.md#section),
becomes page_id.html#section, page_id being the {#id} of that guide's title;
and a link to a guide as a whole drops the #md_<path> fragment Doxygen gives it.
Then it fails (exit 1, one line per fault) when:

- an internal link (href) or an image (img src, object data) names a file that
  is not in the output, or a #fragment that is no id or name in its target;
- a page is named after its source path (Doxygen names a Markdown page
  without a {#id} anchor md_<path>.html);
- a forbidden text (--forbid: the source or build directory) appears in any
  file of the output;
- the visible text of a page, outside code, shows a raw Doxygen command
  (\\ref, @ref, \\include, @include, \\image, @image): a reference Doxygen
  did not resolve;
- a guide that shows a source file in a fenced block (--embedded, e.g. the
  program of the C getting-started guide) no longer holds that file verbatim.
"""
import argparse
import html.parser
import os
import re
import sys
import urllib.parse

RAW_COMMAND = re.compile(r"(?<![\w\\@])[\\@](ref|include|image|snippet|subpage)\b")
TITLE_ID = re.compile(r"^#[^\n]*\{#([A-Za-z0-9_]+)\}")


class Page(html.parser.HTMLParser):
    """The links, images, anchors and visible text of one HTML file."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []      # (kind, value, line)
        self.ids = set()
        self.text = []      # (text, line)
        self._skip = 0      # inside script or style
        self._code = 0      # inside code: text shown as written on purpose

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        line = self.getpos()[0]
        if tag in ("a", "area", "link") and a.get("href") is not None:
            self.refs.append(("link", a["href"], line))
        if tag in ("img", "script", "iframe") and a.get("src"):
            self.refs.append(("image" if tag == "img" else "file", a["src"], line))
        if tag == "object" and a.get("data"):
            self.refs.append(("image", a["data"], line))
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "code":
            self._code += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "code" and self._code:
            self._code -= 1

    def handle_data(self, data):
        if not self._skip and not self._code:
            self.text.append((data, self.getpos()[0]))


def page_ids(docs_dir):
    """guide file name -> the {#id} of its title."""
    ids = {}
    for name in sorted(os.listdir(docs_dir)):
        if name.endswith(".md"):
            with open(os.path.join(docs_dir, name), encoding="utf-8") as f:
                m = TITLE_ID.match(f.readline())
            if m:
                ids[name] = m.group(1)
    return ids


def fix_md_links(html_dir, docs_dir):
    ids = page_ids(docs_dir)
    pattern = re.compile(r'href="([A-Za-z0-9_.-]+\.md)(#[^"]*)?"')
    page_top = re.compile(r'href="([A-Za-z0-9_.-]+\.html)#md_[A-Za-z0-9_]*"')

    def repl(m):
        target = ids.get(m.group(1))
        if target is None:
            return m.group(0)  # left for the check to report
        return 'href="%s.html%s"' % (target, m.group(2) or "")

    for name in os.listdir(html_dir):
        if not name.endswith(".html"):
            continue
        path = os.path.join(html_dir, name)
        with open(path, encoding="utf-8") as f:
            old = f.read()
        new = page_top.sub(r'href="\1"', pattern.sub(repl, old))
        if new != old:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)


def parse(path, cache):
    if path not in cache:
        p = Page()
        with open(path, encoding="utf-8", errors="replace") as f:
            p.feed(f.read())
        p.close()
        cache[path] = p
    return cache[path]


def check(html_dir, forbid):
    faults = []
    root = os.path.realpath(html_dir)
    cache = {}
    files = []
    for d, _, names in os.walk(root):
        files += [os.path.join(d, n) for n in names]
    for path in sorted(files):
        rel = os.path.relpath(path, root)
        base = os.path.basename(path)
        if base.startswith("md_"):
            faults.append("%s: a page named after its source path: give the guide "
                          "a title anchor, # Title {#id}" % rel)
        if forbid and base.endswith((".html", ".js", ".svg", ".css")):
            with open(path, encoding="utf-8", errors="replace") as f:
                content = f.read()
            for text in forbid:
                if text and text in content:
                    faults.append("%s: names %s" % (rel, text))
        if not base.endswith(".html"):
            continue
        page = parse(path, cache)
        for kind, value, line in page.refs:
            url = urllib.parse.urlsplit(value)
            if url.scheme or value.startswith("//"):
                continue  # outside the output (http:, mailto:, javascript:)
            target = path
            if url.path:
                target = os.path.realpath(os.path.join(os.path.dirname(path),
                                                       urllib.parse.unquote(url.path)))
                if not (target == root or target.startswith(root + os.sep)):
                    faults.append("%s:%d: %s %s leaves the output" % (rel, line, kind, value))
                    continue
                if not os.path.isfile(target):
                    faults.append("%s:%d: %s %s: no such file" % (rel, line, kind, value))
                    continue
            if url.fragment and target.endswith(".html"):
                if url.fragment not in parse(target, cache).ids:
                    faults.append("%s:%d: %s %s: no anchor #%s in %s"
                                  % (rel, line, kind, value, url.fragment,
                                     os.path.relpath(target, root)))
        for text, line in page.text:
            for m in RAW_COMMAND.finditer(text):
                faults.append("%s:%d: raw %s shown: %r" % (rel, line, m.group(0),
                                                             text.strip()[:80]))
    return faults, len(files)


def check_embedded(pairs):
    faults = []
    for pair in pairs:
        guide, _, source = pair.partition("=")
        with open(guide, encoding="utf-8") as f:
            text = f.read()
        with open(source, encoding="utf-8") as f:
            code = f.read()
        if "\n" + code + "```" not in text:
            faults.append("%s: its copy of %s differs from the file" % (guide, source))
    return faults


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html_dir")
    ap.add_argument("--fix-md-links", metavar="DOCS_DIR")
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--embedded", action="append", default=[])
    args = ap.parse_args()
    if args.fix_md_links:
        fix_md_links(args.html_dir, args.fix_md_links)
    faults, n = check(args.html_dir, args.forbid)
    faults += check_embedded(args.embedded)
    for f in faults:
        print("check_html: " + f, file=sys.stderr)
    if faults:
        print("check_html: %d faults in %s" % (len(faults), args.html_dir), file=sys.stderr)
        return 1
    print("check_html: %d files, every link, image and anchor resolves" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
