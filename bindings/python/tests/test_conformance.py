"""Python port of tests/conformance.c: the storage contract of sys/storage.h,
checked through the C vtable against the built-in memory store and the
Python sqlite3 backend (Python -> C function pointers -> Python callbacks)."""
import os
import tempfile
import unittest

import helpers  # noqa: F401
import autolic
from autolic._api import core as C

ENOTFOUND = C.ENOTFOUND


def lcg(seed):
    s = seed
    while True:
        s = (s * 1103515245 + 12345) & 0xFFFFFFFF
        yield s >> 8


class ConformanceCases:
    """Mixed into a TestCase providing open_store() -> RawStorage, durable, reopen()."""

    durable = False

    def setUp(self):
        self.st = self.open_store()

    def tearDown(self):
        if self.st is not None:
            self.st.free()

    def put(self, k, v):
        self.assertEqual(self.st.put(k, v), 0)

    def expect(self, k, v):
        rc, got = self.st.get(k)
        if v is None:
            self.assertEqual(rc, ENOTFOUND, "key %r should be absent" % (k,))
            return
        self.assertEqual(rc, 0, "key %r should be present" % (k,))
        self.assertEqual(got, v)

    def collect(self, start, end, stop_after=0):
        keys = []

        def cb(k, v):
            keys.append(k)
            return 7 if stop_after and len(keys) == stop_after else 0
        rc = self.st.scan(start, end, cb)
        return rc, keys

    def test_get_put_del(self):
        st = self.st
        self.assertEqual(st.begin(True), 0)
        self.expect(b"a", None)
        self.put(b"a", b"1")
        self.expect(b"a", b"1")
        self.put(b"a", b"22")
        self.expect(b"a", b"22")
        self.assertEqual(st.delete(b"a"), 0)
        self.expect(b"a", None)
        self.assertEqual(st.delete(b"a"), ENOTFOUND)
        self.put(b"b", b"")
        self.expect(b"b", b"")
        self.assertEqual(st.commit(), 0)
        self.assertEqual(st.begin(False), 0)
        self.expect(b"b", b"")
        self.expect(b"a", None)
        self.assertEqual(st.rollback(), 0)

    def test_rollback(self):
        st = self.st
        self.assertEqual(st.begin(True), 0)
        self.put(b"keep", b"v1")
        self.put(b"gone", b"v")
        self.assertEqual(st.commit(), 0)
        before = st.dump()
        self.assertEqual(st.begin(True), 0)
        self.put(b"keep", b"v2")
        self.assertEqual(st.delete(b"gone"), 0)
        self.put(b"new", b"n")
        self.put(b"new", b"n2")
        self.assertEqual(st.delete(b"new"), 0)
        self.put(b"new2", b"x")
        self.assertEqual(st.rollback(), 0)
        self.assertEqual(st.dump(), before)

    def test_order_and_ranges(self):
        st = self.st
        self.assertEqual(st.begin(True), 0)
        for k in (b"b", b"a", b"ab", b"abc", b"\x01", b"\x7f", b"a\x01", b"c"):
            self.put(k, b"v")
        self.put(b"\xff\x00", b"h")
        self.put(b"\xff", b"h")
        self.assertEqual(st.commit(), 0)

        self.assertEqual(st.begin(False), 0)
        rc, keys = self.collect(b"", None)
        self.assertEqual(rc, 0)
        self.assertEqual(keys, [b"\x01", b"a", b"a\x01", b"ab", b"abc", b"b", b"c", b"\x7f",
                                b"\xff", b"\xff\x00"])
        rc, keys = self.collect(b"a", b"b")                 # [a, b)
        self.assertEqual((rc, keys), (0, [b"a", b"a\x01", b"ab", b"abc"]))
        rc, keys = self.collect(b"a\x02", b"abc")           # end equal to a key is excluded
        self.assertEqual((rc, keys), (0, [b"ab"]))
        rc, keys = self.collect(b"x", b"y")                 # empty range
        self.assertEqual((rc, keys), (0, []))
        rc, keys = self.collect(b"", None, stop_after=3)    # early stop returns the cb's value
        self.assertEqual(rc, 7)
        self.assertEqual(len(keys), 3)
        self.assertEqual(st.rollback(), 0)

    def test_own_writes_visible(self):
        st = self.st
        self.assertEqual(st.begin(True), 0)
        self.put(b"k1", b"a")
        self.put(b"k2", b"b")
        self.put(b"k3", b"c")
        self.assertEqual(st.commit(), 0)
        self.assertEqual(st.begin(True), 0)
        self.assertEqual(st.delete(b"k2"), 0)
        self.put(b"k4", b"d")
        self.assertEqual(self.collect(b"k", b"l"), (0, [b"k1", b"k3", b"k4"]))
        self.assertEqual(st.rollback(), 0)

    def test_binary_and_large(self):
        st = self.st
        n = 1 << 20
        big = bytes((i * 7 + 3) & 0xFF for i in range(n))
        key = bytes([0, 1, 0, 255, 0])
        self.assertEqual(st.begin(True), 0)
        self.assertEqual(st.put(key, big), 0)
        self.assertEqual(st.commit(), 0)
        self.assertEqual(st.begin(False), 0)
        rc, got = st.get(key)
        self.assertEqual(rc, 0)
        self.assertEqual(len(got), n)
        self.assertTrue(got == big)
        self.assertEqual(st.get(key[:4])[0], ENOTFOUND)
        self.assertEqual(st.rollback(), 0)

    def test_savepoints(self):
        st = self.st
        if not st.has_savepoints:
            self.assertFalse(st.vt.release)
            self.assertFalse(st.vt.rollback_to)
            self.skipTest("backend has no savepoints")
        self.assertEqual(st.begin(True), 0)
        self.put(b"x", b"0")
        self.assertEqual(st.savepoint(), 0)
        self.put(b"x", b"1")
        self.put(b"y", b"1")
        self.assertEqual(st.savepoint(), 0)
        self.put(b"x", b"2")
        self.assertEqual(st.delete(b"y"), 0)
        self.assertEqual(st.rollback_to(), 0)
        self.expect(b"x", b"1")
        self.expect(b"y", b"1")
        self.assertEqual(st.savepoint(), 0)
        self.put(b"z", b"3")
        self.assertEqual(st.release(), 0)
        self.assertEqual(st.rollback_to(), 0)
        self.expect(b"x", b"0")
        self.expect(b"y", None)
        self.expect(b"z", None)
        self.put(b"w", b"4")
        self.assertEqual(st.commit(), 0)
        self.assertEqual(st.begin(False), 0)
        self.expect(b"x", b"0")
        self.expect(b"w", b"4")
        self.expect(b"z", None)
        self.assertEqual(st.rollback(), 0)

    def test_random_against_model(self):
        st = self.st
        RK = 512
        rnd = lcg(12345)
        committed = {}
        keys = [b"r%04d" % i for i in range(RK)]

        def check(model):
            for i in range(RK):
                v = model.get(i)
                self.expect(keys[i], None if v is None else b"%d" % v)

        for _round in range(200):
            work = dict(committed)
            self.assertEqual(st.begin(True), 0)
            for _ in range(next(rnd) % 40):
                i = next(rnd) % RK
                if next(rnd) % 3:
                    work[i] = next(rnd)
                    self.put(keys[i], b"%d" % work[i])
                else:
                    rc = st.delete(keys[i])
                    self.assertEqual(rc, 0 if i in work else ENOTFOUND)
                    work.pop(i, None)
            check(work)
            if next(rnd) % 4:
                self.assertEqual(st.commit(), 0)
                committed = work
            else:
                self.assertEqual(st.rollback(), 0)
        self.assertEqual(st.begin(False), 0)
        check(committed)
        self.assertEqual(st.rollback(), 0)

    def test_durable_reopen(self):
        if not self.durable:
            self.skipTest("backend is not durable")
        st = self.st
        self.assertEqual(st.begin(True), 0)
        self.put(b"stay", b"1")
        self.assertEqual(st.commit(), 0)
        self.assertEqual(st.begin(True), 0)
        self.put(b"lost", b"1")
        self.assertEqual(st.rollback(), 0)
        before = st.dump()
        st.free()
        self.st = None
        self.st = self.open_store()
        self.assertEqual(self.st.dump(), before)
        self.assertEqual(before, [(b"stay", b"1")])


class TestMemoryStoreConformance(ConformanceCases, unittest.TestCase):
    """The library's memory store, driven through its vtable from Python."""

    def open_store(self):
        return autolic.MemoryStore().raw()


class TestSqliteBackendConformance(ConformanceCases, unittest.TestCase):
    """The Python sqlite3 backend, through the ctypes vtable, on a file."""

    durable = True

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def setUp(self):
        self.path = os.path.join(self._tmp.name, "%s.sqlite" % self._testMethodName)
        super().setUp()

    def open_store(self):
        return autolic.SqliteBackend(self.path).vtable()


class TestSqliteMemoryConformance(ConformanceCases, unittest.TestCase):
    """The same backend on SQLite's private in-memory database."""

    def open_store(self):
        return autolic.SqliteBackend(":memory:").vtable()


class TestNoSavepointBackend(unittest.TestCase):
    """A backend without savepoints leaves all three slots NULL."""

    def test_slots_null(self):
        class Plain(autolic.Backend):
            pass
        raw = Plain().vtable()
        self.assertFalse(raw.has_savepoints)
        self.assertFalse(raw.vt.release)
        self.assertFalse(raw.vt.rollback_to)
        self.assertTrue(autolic.SqliteBackend().vtable().has_savepoints)


if __name__ == "__main__":
    unittest.main()
