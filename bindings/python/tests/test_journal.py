"""The journal store through the Pythonic layer: write, close, reopen, read back."""
import os
import shutil
import tempfile
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account, journal, team


class JournalStoreCases(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "licences.journal")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_write_close_reopen_read(self):
        with autolic.Database(storage=journal.JournalStore(self.path)) as db:
            uid = account.register(db, "ada@example.com", "Ada")
            tid = team.create(db, uid, "Engines")
            journal.compact(db)
        self.assertTrue(os.path.getsize(self.path) > 0)
        with journal.open_database(self.path) as db:
            self.assertEqual(account.find(db, "ADA@example.com"), uid)
            self.assertEqual(team.get(db, tid).name, "Engines")
        with journal.open_database(self.path, journal.READONLY) as db:
            self.assertEqual(account.get(db, uid).first_name, "Ada")
            with self.assertRaises(autolic.ReadOnly):
                account.register(db, "bob@example.com")
            with self.assertRaises(autolic.ReadOnly):
                journal.compact(db)

    def test_locked_while_open_and_compact_after_close(self):
        db = journal.open_database(self.path)
        with self.assertRaises(autolic.Locked):
            journal.JournalStore(self.path)
        db.close()
        with self.assertRaises(autolic.Closed):
            journal.compact(db)
        store = journal.JournalStore(self.path)  # the lock was released
        store.close()

    def test_unused_store_released(self):
        journal.JournalStore(self.path).close()
        with journal.open_database(self.path) as db:
            with self.assertRaises(TypeError):
                journal.compact(autolic.Database())


if __name__ == "__main__":
    unittest.main()
