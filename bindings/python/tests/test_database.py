"""Database handle: lifetime, children before parents, batches, callbacks,
Python storage backends (failures, conflicts), times."""
import ctypes
import datetime as dt
import gc
import os
import sys
import tempfile
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account
from autolic._api import core as C
from autolic._handle import Resource, iterate


class Recorder(autolic.SqliteBackend):
    """SQLite backend that logs close and can be told to fail or conflict."""

    def __init__(self, log=None, **kw):
        super().__init__(**kw)
        self.log = log if log is not None else []
        self.fail_put = None
        self.conflicts = 0

    def put(self, key, value):
        if self.fail_put:
            raise self.fail_put
        super().put(key, value)

    def commit(self):
        if self.conflicts:
            self.conflicts -= 1
            raise autolic.Conflict("simulated serialisation failure")
        super().commit()

    def close(self):
        self.log.append("backend closed")
        super().close()


class NoSavepoints(autolic.Backend):
    """A dict backend without savepoints (the library then aborts batches on failure)."""

    def __init__(self):
        self.data, self.work = {}, None

    def begin(self, write):
        self.work = dict(self.data)

    def get(self, key):
        return self.work.get(key)

    def put(self, key, value):
        self.work[key] = value

    def delete(self, key):
        return self.work.pop(key, None) is not None

    def scan(self, start, end):
        for k in sorted(self.work):
            if k >= start and (end is None or k < end):
                yield k, self.work[k]

    def commit(self):
        self.data, self.work = self.work, None

    def rollback(self):
        self.work = None


def dump(backend):
    return list(backend._db.execute("SELECT k, v FROM kv ORDER BY k"))


class TestCheck(unittest.TestCase):
    def test_check_passes_then_names_the_broken_rule(self):
        backend = NoSavepoints()
        with autolic.Database(storage=backend) as db:
            account.register(db, "a@example.com")
            self.assertIsNone(autolic.db.check(db))
            db.check()
            # the email index entry removed behind the library's back (ACCT-1)
            del backend.data[b"\x11a@example.com\x00"]
            with self.assertRaises(autolic.Corrupt) as cm:
                autolic.db.check(db)
            self.assertIn("ACCT-1", str(cm.exception))


class TestLifetime(unittest.TestCase):
    def test_close_and_context_manager(self):
        log = []
        with autolic.Database(storage=Recorder(log)) as db:
            self.assertFalse(db.closed)
            account.register(db, "a@example.com")
        self.assertTrue(db.closed)
        self.assertEqual(log, ["backend closed"])
        db.close()  # idempotent
        with self.assertRaises(autolic.Closed):
            account.find(db, "a@example.com")
        with self.assertRaises(autolic.Closed):
            db.now()

    def test_finalizer_closes(self):
        log = []
        db = autolic.Database(storage=Recorder(log))
        del db
        gc.collect()
        self.assertEqual(log, ["backend closed"])

    def test_children_closed_before_parent(self):
        log = []
        db = autolic.Database(storage=Recorder(log))
        items = iter([3, 2, 1])

        def step(ptr):
            return next(items, None)
        it = iterate(db, lambda out: setattr(out, "value", 0x1234),
                     step, lambda p: log.append("iterator freed %#x" % p))
        self.assertEqual(next(it), 3)
        db.close()
        self.assertEqual(log, ["iterator freed 0x1234", "backend closed"])
        with self.assertRaises(autolic.Closed):
            next(it)

    def test_iterator_freed_when_exhausted_or_dropped(self):
        db = autolic.Database()
        freed = []
        it = iterate(db, lambda out: setattr(out, "value", 1), lambda p: None, freed.append)
        self.assertEqual(list(it), [])
        self.assertEqual(freed, [1])
        it = iterate(db, lambda out: setattr(out, "value", 2), lambda p: 5, freed.append)
        del it  # never started
        gc.collect()
        self.assertEqual(freed, [1, 2])
        self.assertEqual(db._res.children, [])
        db.close()

    def test_resource_tree_any_finalizer_order(self):
        order = []
        parent = Resource(1, lambda p: order.append("parent"))
        a = Resource(2, lambda p: order.append("a"), parent)
        Resource(3, lambda p: order.append("b"), a)
        Resource(4, lambda p: order.append("c"), parent)
        parent.close()
        self.assertEqual(order, ["c", "b", "a", "parent"])
        a.close()  # already closed through its parent
        self.assertEqual(len(order), 4)
        with self.assertRaises(autolic.Closed):
            Resource(5, None, parent)

    def test_memory_store_ownership(self):
        ms = autolic.MemoryStore()
        db = autolic.Database(storage=ms)
        with self.assertRaises(ValueError):
            ms.raw()
        with self.assertRaises(ValueError):
            autolic.Database(storage=ms)
        account.register(db, "m@example.com")
        db.close()
        del ms
        gc.collect()

    def test_backend_backs_one_database(self):
        b = Recorder()
        db = autolic.Database(storage=b)
        with self.assertRaises(ValueError):
            autolic.Database(storage=b)
        db.close()

    def test_open_failure_leaves_backend_to_caller(self):
        class Bad(Recorder):
            def _slots(self):
                vt, keep = super()._slots()
                vt.version = 99
                return vt, keep
        b = Bad()
        with self.assertRaises(autolic.VersionError) as cm:
            autolic.Database(storage=b)
        self.assertIn("99", cm.exception.message)
        self.assertEqual(b.log, [])  # not closed: the caller keeps it
        b.close()


class TestBatch(unittest.TestCase):
    def test_commit_and_rollback(self):
        with autolic.Database() as db:
            with db.batch():
                a = account.register(db, "a@example.com")
                b = account.register(db, "b@example.com")
            self.assertEqual(account.find(db, "B@EXAMPLE.COM"), b)
            with self.assertRaises(RuntimeError):
                with db.batch():
                    account.register(db, "c@example.com")
                    raise RuntimeError("host changed its mind")
            with self.assertRaises(autolic.NotFound):
                account.find(db, "c@example.com")
            self.assertEqual(account.get(db, a).email, "a@example.com")

    def test_misuse(self):
        with autolic.Database() as db:
            with self.assertRaises(autolic.StateError):
                db.commit()
            with self.assertRaises(autolic.StateError):
                db.rollback()
            with db.batch():
                with self.assertRaises(autolic.Busy):
                    db.begin()

    def test_failed_call_inside_batch_with_savepoints(self):
        # SQLite backend has savepoints: the failed call is undone, the batch goes on.
        with autolic.Database(storage=autolic.SqliteBackend()) as db:
            with db.batch():
                account.register(db, "a@example.com")
                with self.assertRaises(autolic.Exists):
                    account.register(db, "A@example.com")
                account.register(db, "b@example.com")
            self.assertTrue(account.find(db, "b@example.com"))

    def test_failed_call_aborts_batch_without_savepoints(self):
        with autolic.Database(storage=NoSavepoints()) as db:
            account.register(db, "a@example.com")
            with self.assertRaises(autolic.Aborted):
                with db.batch():
                    account.register(db, "b@example.com")
                    with self.assertRaises(autolic.Exists):
                        account.register(db, "a@example.com")
            with self.assertRaises(autolic.NotFound):
                account.find(db, "b@example.com")


class TestCallbacks(unittest.TestCase):
    def test_clock_kept_referenced(self):
        t = [1_700_000_000]
        db = autolic.Database(clock=lambda: t[0])
        gc.collect()
        self.assertEqual(db.now_seconds(), 1_700_000_000)
        t[0] += 60
        self.assertEqual(db.now(), dt.datetime(2023, 11, 14, 22, 14, 20, tzinfo=dt.timezone.utc))
        uid = account.register(db, "t@example.com")
        self.assertEqual(autolic.to_time(account.get(db, uid).created), t[0])
        db.close()

    def test_clock_datetime_and_error(self):
        when = dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.timezone.utc)
        with autolic.Database(clock=lambda: when) as db:
            self.assertEqual(db.now(), when)
        seen = []
        old = sys.unraisablehook
        sys.unraisablehook = seen.append
        try:
            with autolic.Database(clock=lambda: 1 / 0) as db:
                now = db.now_seconds()
        finally:
            sys.unraisablehook = old
        self.assertEqual(len(seen), 1)
        self.assertIsInstance(seen[0].exc_value, ZeroDivisionError)
        self.assertLess(abs(now - int(dt.datetime.now(dt.timezone.utc).timestamp())), 120)

    def test_event_thunk_through_c(self):
        got = []
        db = autolic.Database(on_event=got.append)
        # The handler's ctypes callback is owned by the handle.
        cbs = [k for k in db._res.keep if isinstance(k, C.event_fn)]
        self.assertEqual(len(cbs), 1)
        ev = C.autolic_event(C.EVENT_VERSION, 5, 1_700_000_000, 7, 8, 9, b"autocad", b"SEAT-3",
                             b"granted")
        gc.collect()
        cbs[0](ctypes.byref(ev), None)  # as the library calls it
        when = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
        self.assertEqual(got, [autolic.Event(autolic.EventType.SEAT_GRANTED, when, 7, 8,
                                             9, "autocad", "SEAT-3", "granted")])
        self.assertIsInstance(got[0].time, dt.datetime)  # an int before 1.1
        self.assertEqual(got[0].time.timestamp(), 1_700_000_000)
        self.assertEqual(got[0].when, got[0].time)
        ev.type = 999  # a kind newer than this binding
        cbs[0](ctypes.byref(ev), None)
        self.assertEqual(got[1].type, 999)
        db.close()

    def test_bad_callbacks_refused(self):
        with self.assertRaises(TypeError):
            autolic.Database(clock=5)
        with self.assertRaises(TypeError):
            autolic.Database(on_event="x")


class TestPythonBackendFailures(unittest.TestCase):
    def test_exception_becomes_storage_error_and_nothing_changes(self):
        b = Recorder()
        with autolic.Database(storage=b) as db:
            account.register(db, "a@example.com")
            before = dump(b)
            b.fail_put = RuntimeError("disk on fire")
            with self.assertRaises(autolic.StorageError) as cm:
                account.register(db, "b@example.com")
            self.assertIn("disk on fire", cm.exception.message)
            self.assertIsInstance(cm.exception.__cause__, RuntimeError)
            self.assertEqual(dump(b), before)
            b.fail_put = None
            account.register(db, "b@example.com")  # the handle still works

    def test_raised_code_is_returned(self):
        b = Recorder()
        with autolic.Database(storage=b) as db:
            b.fail_put = autolic.ReadOnly("mounted read-only")
            with self.assertRaises(autolic.ReadOnly) as cm:
                account.register(db, "b@example.com")
            self.assertIn("mounted read-only", cm.exception.message)

    def test_conflict_is_retried(self):
        b = Recorder()
        with autolic.Database(storage=b, max_retries=3) as db:
            b.conflicts = 2
            uid = account.register(db, "c@example.com")
            self.assertEqual(b.conflicts, 0)
            self.assertEqual(account.find(db, "c@example.com"), uid)
            b.conflicts = 100
            with self.assertRaises(autolic.Conflict):
                account.register(db, "d@example.com")
            b.conflicts = 0
            with self.assertRaises(autolic.NotFound):
                account.find(db, "d@example.com")

    def test_conflicts_end_with_the_budget(self):
        b = Recorder()
        with autolic.Database(storage=b, retry_budget_ms=50) as db:
            b.conflicts = 1000000
            with self.assertRaises(autolic.Conflict) as cm:
                account.register(db, "e@example.com")
            self.assertIn("gave up after", cm.exception.message)
            self.assertGreater(1000000 - b.conflicts, 1)  # retried, then ended by time
            b.conflicts = 0
            with self.assertRaises(autolic.NotFound):
                account.find(db, "e@example.com")


class TestTime(unittest.TestCase):
    def test_to_from_time(self):
        utc = dt.timezone.utc
        self.assertEqual(autolic.to_time(0), 0)
        self.assertEqual(autolic.to_time(dt.datetime(1970, 1, 1, tzinfo=utc)), 0)
        plus2 = dt.timezone(dt.timedelta(hours=2))
        self.assertEqual(autolic.to_time(dt.datetime(1970, 1, 1, 2, tzinfo=plus2)), 0)
        self.assertEqual(autolic.to_time(dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=utc)),
                         -1)
        self.assertEqual(autolic.from_time(1_700_000_000),
                         dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=utc))
        self.assertEqual(autolic.to_time(autolic.from_time(-12345)), -12345)
        with self.assertRaises(ValueError):
            autolic.to_time(dt.datetime(2024, 1, 1))
        with self.assertRaises(TypeError):
            autolic.to_time(1.5)
        with self.assertRaises(TypeError):
            autolic.to_time(True)
        with self.assertRaises(OverflowError):
            autolic.to_time(1 << 63)


class TestDurableSqlite(unittest.TestCase):
    def test_reopen_keeps_accounts(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "store.sqlite")
            with autolic.Database(storage=autolic.SqliteBackend(path)) as db:
                uid = account.register(db, "Ada@Example.com", "Ada", "Lovelace", "fr-CH")
            with autolic.Database(storage=autolic.SqliteBackend(path)) as db:
                self.assertEqual(account.find(db, "ada@example.com"), uid)
                a = account.get(db, uid)
                self.assertEqual((a.first_name, a.last_name, a.language), ("Ada", "Lovelace", "fr-CH"))
                with self.assertRaises(autolic.Exists):
                    account.register(db, "ADA@example.com")


if __name__ == "__main__":
    unittest.main()
