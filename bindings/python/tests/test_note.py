"""Durable notifications through the Pythonic layer (NOTE-1, NOTE-2)."""
import os
import shutil
import tempfile
import time
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account, contract, journal, note, seat, team


class NoteCases(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "licences.journal")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def _world(self, db):
        admin = account.register(db, "ada@example.com", "Ada")
        user = account.register(db, "bob@example.com", "Bob")
        tid = team.create(db, admin, "Engines")
        now = int(time.time())
        cid = contract.buy(db, admin, tid, [("cad", 2)], now - 60, now + 86400)
        return admin, user, tid, cid

    def test_read_ack_across_a_restart(self):
        with journal.open_database(self.path) as db:
            admin, user, tid, cid = self._world(db)
            note.consumer_add(db, "mailer")
            note.consumer_add(db, "audit")
            with self.assertRaises(autolic.Exists):
                note.consumer_add(db, "mailer")
            seat.grant(db, admin, cid, "cad", user)
            before = list(note.notices(db, "mailer"))
            self.assertEqual(before[-1].type, autolic.EventType.SEAT_GRANTED)
            self.assertEqual(before[-1].recipient, user)
            self.assertEqual(before[-1].product, "cad")
            self.assertEqual(before[-1].rule, "SEAT-3")
            self.assertIn("cad", before[-1].text)
            self.assertEqual(before[-1].numbers, (cid,))
            for n in before:
                note.ack(db, "mailer", n)
            self.assertEqual(list(note.notices(db, "mailer")), [])
        with journal.open_database(self.path) as db:
            # acknowledged: gone for the mailer; the audit still has every one
            self.assertEqual(list(note.notices(db, "mailer")), [])
            self.assertEqual(list(note.notices(db, "audit")), before)
            self.assertEqual(len(list(note.notices(db, "audit", max=1))), 1)
            self.assertEqual(note.trim(db), 0)  # the audit holds them
            for n in before:
                note.ack(db, "audit", n)
            self.assertEqual(note.trim(db), len(before))
            with self.assertRaises(autolic.NotFound):
                list(note.notices(db, "nobody"))
            note.consumer_remove(db, "audit")
            with self.assertRaises(autolic.NotFound):
                note.consumer_remove(db, "audit")

    def test_rollback_leaves_none(self):
        with autolic.Database() as db:
            admin, user, tid, cid = self._world(db)
            note.consumer_add(db, "mailer")
            n0 = len(list(note.notices(db, "mailer")))
            db.begin()
            seat.grant(db, admin, cid, "cad", user)
            db.rollback()
            self.assertEqual(len(list(note.notices(db, "mailer"))), n0)

    def test_arguments(self):
        with autolic.Database() as db:
            with self.assertRaises(autolic.InvalidArgument):
                note.consumer_add(db, "")
            with self.assertRaises(ValueError):
                note.consumer_add(db, "a\0b")
            with self.assertRaises(TypeError):
                note.consumer_add(db, 3)
            with self.assertRaises(autolic.InvalidArgument):
                note.trim(db, -1)


if __name__ == "__main__":
    unittest.main()
