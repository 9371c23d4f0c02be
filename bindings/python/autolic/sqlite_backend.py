"""A storage backend over the standard library's sqlite3 module.

One table ``kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID``: SQLite orders BLOBs
with memcmp, a shorter key before its extensions, which is exactly the order
the vtable contract asks for. Transactions map to ``BEGIN``/``COMMIT``/
``ROLLBACK`` and savepoints to ``SAVEPOINT``/``RELEASE``/``ROLLBACK TO``.
"""
import sqlite3
from typing import Any, Iterator, Optional, Tuple

from .errors import Conflict, Locked, ReadOnly, StorageError
from .storage import Backend


def _translate(e: Any) -> Any:
    text = str(e)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return Conflict("sqlite: " + text)
    if "readonly" in low or "read-only" in low:
        return ReadOnly("sqlite: " + text)
    return StorageError("sqlite: " + text)


class SqliteBackend(Backend):
    """Keys and values in an SQLite database file (``":memory:"`` for RAM).

    Args:
        path: the database file, created if missing.
        timeout: seconds to wait for another connection's lock; when it runs
            out the call gets :class:`autolic.Conflict` and the library retries.
        synchronous: SQLite's ``PRAGMA synchronous`` (``"FULL"`` by default:
            a commit is durable when it returns).
    """

    def __init__(self, path: str = ":memory:", timeout: float = 5.0,
                 synchronous: str = "FULL") -> None:
        self.path = path
        self._db: Optional[sqlite3.Connection] = sqlite3.connect(
            path, timeout=timeout, isolation_level=None, check_same_thread=False)
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError("synchronous must be OFF, NORMAL, FULL or EXTRA")
        self._db.execute("PRAGMA synchronous=" + synchronous)
        self._db.execute("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) "
                         "WITHOUT ROWID")
        self._depth = 0  # open savepoints

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise StorageError("the sqlite backend is closed")
        return self._db

    def _exec(self, sql: str, args: Any = ()) -> sqlite3.Cursor:
        try:
            return self._conn().execute(sql, args)
        except sqlite3.Error as e:
            raise _translate(e) from e

    def begin(self, write: bool) -> None:
        self._depth = 0
        self._exec("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")

    def get(self, key: bytes) -> Optional[bytes]:
        row = self._exec("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def put(self, key: bytes, value: bytes) -> None:
        self._exec("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    def delete(self, key: bytes) -> bool:
        return self._exec("DELETE FROM kv WHERE k = ?", (key,)).rowcount > 0

    def scan(self, start: bytes, end: Optional[bytes]) -> Iterator[Tuple[bytes, bytes]]:
        if end is None:
            cur = self._exec("SELECT k, v FROM kv WHERE k >= ? ORDER BY k", (start,))
        else:
            cur = self._exec("SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k", (start, end))
        try:
            for k, v in cur:
                yield bytes(k), bytes(v)
        except sqlite3.Error as e:
            raise _translate(e) from e

    def commit(self) -> None:
        self._exec("COMMIT")

    def rollback(self) -> None:
        self._depth = 0
        if self._conn().in_transaction:
            self._exec("ROLLBACK")

    def savepoint(self) -> None:
        self._depth += 1
        self._exec("SAVEPOINT sp%d" % self._depth)

    def release(self) -> None:
        if self._depth == 0:
            raise StorageError("release without a savepoint")
        self._exec("RELEASE sp%d" % self._depth)
        self._depth -= 1

    def rollback_to(self) -> None:
        if self._depth == 0:
            raise StorageError("rollback_to without a savepoint")
        self._exec("ROLLBACK TO sp%d" % self._depth)
        self._exec("RELEASE sp%d" % self._depth)
        self._depth -= 1

    def close(self) -> None:
        if self._db is not None:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._db.close()
            self._db = None
