"""The catalogue schema and its migrations (``PRAGMA user_version`` holds the version)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import CatalogDamagedError

SCHEMA_VERSION = 1

_V1 = """
CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    prompt_id        TEXT    NOT NULL DEFAULT '',
    server_url       TEXT    NOT NULL DEFAULT '',
    created          REAL    NOT NULL,
    node_id          TEXT    NOT NULL DEFAULT '',
    node_title       TEXT    NOT NULL DEFAULT '',
    batch_index      INTEGER NOT NULL DEFAULT 0,
    width            INTEGER,
    height           INTEGER,
    rel_path         TEXT    NOT NULL UNIQUE,   -- posix path relative to the library root
    file_name        TEXT    NOT NULL,
    server_filename  TEXT    NOT NULL DEFAULT '',
    server_subfolder TEXT    NOT NULL DEFAULT '',
    size_bytes       INTEGER NOT NULL DEFAULT 0,
    sha256           TEXT    NOT NULL,
    source           TEXT    NOT NULL DEFAULT 'job',
    starred          INTEGER NOT NULL DEFAULT 0,
    prompt_json      TEXT,
    workflow_json    TEXT,
    positive         TEXT    NOT NULL DEFAULT '',
    negative         TEXT    NOT NULL DEFAULT '',
    seed             TEXT,     -- decimal text: ComfyUI seeds go up to 2**64-1
    steps            INTEGER,
    cfg              REAL,
    sampler          TEXT,
    scheduler        TEXT,
    models           TEXT    NOT NULL DEFAULT '',  -- newline-separated, for text search
    param_width      INTEGER,
    param_height     INTEGER,
    denoise          REAL
);
CREATE INDEX items_created ON items (created DESC, id DESC);
CREATE INDEX items_starred ON items (starred, created DESC);
CREATE INDEX items_seed ON items (seed);
CREATE INDEX items_sha ON items (sha256);
CREATE INDEX items_prompt ON items (prompt_id);

-- Every server output a row stands for: the key that makes add_result exactly-once.
CREATE TABLE results (
    prompt_id  TEXT NOT NULL,
    node_id    TEXT NOT NULL,
    subfolder  TEXT NOT NULL,
    filename   TEXT NOT NULL,
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (prompt_id, node_id, subfolder, filename)
) WITHOUT ROWID;
CREATE INDEX results_item ON results (item_id);

CREATE TABLE item_models (
    model   TEXT    NOT NULL COLLATE NOCASE,
    item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (model, item_id)
) WITHOUT ROWID;
CREATE INDEX item_models_item ON item_models (item_id);
"""

# Trigram FTS gives substring search in any script (猫 and "fox" alike) from 3 characters on.
_FTS = """
CREATE VIRTUAL TABLE items_fts USING fts5 (
    positive, negative, models, node_title, file_name,
    content = 'items', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, positive, negative, models, node_title, file_name)
    VALUES (new.id, new.positive, new.negative, new.models, new.node_title, new.file_name);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, positive, negative, models, node_title, file_name)
    VALUES ('delete', old.id, old.positive, old.negative, old.models, old.node_title,
            old.file_name);
END;
CREATE TRIGGER items_fts_update
AFTER UPDATE OF positive, negative, models, node_title, file_name ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, positive, negative, models, node_title, file_name)
    VALUES ('delete', old.id, old.positive, old.negative, old.models, old.node_title,
            old.file_name);
    INSERT INTO items_fts (rowid, positive, negative, models, node_title, file_name)
    VALUES (new.id, new.positive, new.negative, new.models, new.node_title, new.file_name);
END;
"""


def connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Open (creating or migrating) the catalogue; returns the connection and whether the
    full-text index is available."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CatalogDamagedError(path, "it was made by a newer version of ComfyDesk")
        if version < 1:
            _create_v1(conn)
        has_fts = _has_fts(conn)
    except sqlite3.DatabaseError as err:
        conn.close()
        raise CatalogDamagedError(path, str(err)) from err
    except BaseException:
        conn.close()
        raise
    return conn, has_fts


def _create_v1(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _split(_V1):
            conn.execute(statement)
        try:
            for statement in _split(_FTS):
                conn.execute(statement)
        except sqlite3.OperationalError:
            pass  # no FTS5/trigram in this SQLite build: search falls back to LIKE
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _split(script: str) -> list[str]:
    """Statements of a script (executescript would commit our transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _has_fts(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'items_fts'").fetchone()
    if row is None:
        return False
    try:
        conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH '\"abc\"' LIMIT 0")
    except sqlite3.OperationalError:
        return False
    return True
