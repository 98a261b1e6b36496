"""The schema as an ordered list of migrations; `PRAGMA user_version` counts those applied.

Never edit a migration that has shipped: add a new one at the end.
"""

MIGRATIONS: tuple[str, ...] = (
    # 1: posts, their hashtags, ingest checkpoints, rejects, the change feed.
    """
    CREATE TABLE posts (
        id                  INTEGER PRIMARY KEY,
        created_at          TEXT NOT NULL,      -- UTC, 'YYYY-MM-DDTHH:MM:SS.mmmZ'
        author_id           TEXT NOT NULL,
        author_username     TEXT NOT NULL,
        author_name         TEXT NOT NULL,
        text                TEXT NOT NULL,
        conversation_id     INTEGER,
        in_reply_to_user_id TEXT,
        reply_to_id         INTEGER,
        quote_of_id         INTEGER,
        repost_of_id        INTEGER,
        hashtags            TEXT NOT NULL,      -- JSON array, as written
        mentions            TEXT NOT NULL,      -- JSON array of usernames
        urls                TEXT NOT NULL,      -- JSON array
        metrics             TEXT NOT NULL,      -- JSON object
        lang                TEXT,
        in_hashtag          INTEGER NOT NULL,   -- lanes
        in_inbox            INTEGER NOT NULL,
        in_own              INTEGER NOT NULL,
        sentiment_compound  REAL,
        sentiment_pos       REAL,
        sentiment_neu       REAL,
        sentiment_neg       REAL,
        urgent              INTEGER NOT NULL DEFAULT 0,
        urgent_category     TEXT,
        urgent_reason       TEXT,
        raw                 TEXT NOT NULL,      -- the JSON exactly as received
        ingested_at         TEXT NOT NULL
    );
    CREATE INDEX posts_created_at ON posts (created_at);
    CREATE INDEX posts_conversation ON posts (conversation_id);
    CREATE INDEX posts_reply_to ON posts (reply_to_id);
    CREATE INDEX posts_lane_hashtag ON posts (id) WHERE in_hashtag;
    CREATE INDEX posts_lane_inbox ON posts (id) WHERE in_inbox;
    CREATE INDEX posts_lane_own ON posts (id) WHERE in_own;
    CREATE INDEX posts_urgent ON posts (id) WHERE urgent;

    CREATE TABLE post_hashtags (
        tag     TEXT NOT NULL,                  -- lower-cased, without '#'
        post_id INTEGER NOT NULL REFERENCES posts (id),
        PRIMARY KEY (tag, post_id)
    ) WITHOUT ROWID;

    CREATE TABLE checkpoints (
        source     TEXT PRIMARY KEY,            -- e.g. 'replay:/abs/path.jsonl'
        position   TEXT NOT NULL,               -- JSON, the source's own resume token
        updated_at TEXT NOT NULL
    );

    CREATE TABLE rejects (
        id      INTEGER PRIMARY KEY,
        source  TEXT NOT NULL,
        line    INTEGER NOT NULL,
        reason  TEXT NOT NULL,
        excerpt TEXT NOT NULL,
        at      TEXT NOT NULL,
        UNIQUE (source, line, reason)
    );

    CREATE TABLE changes (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        kind    TEXT NOT NULL,                  -- 'posts', later 'actions', 'outbox', ...
        first_id INTEGER,
        last_id  INTEGER,
        count   INTEGER NOT NULL,
        at      TEXT NOT NULL
    );
    """,
    # 2: which inbox posts we answered (for "unanswered first"), and operators' actions.
    """
    ALTER TABLE posts ADD COLUMN answered_by INTEGER;   -- id of our first reply
    CREATE INDEX posts_inbox_waiting ON posts (id) WHERE in_inbox AND answered_by IS NULL;
    CREATE INDEX posts_lane_own_replies ON posts (reply_to_id) WHERE in_own;

    CREATE TABLE actions (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        operator TEXT NOT NULL,
        kind     TEXT NOT NULL,                 -- 'ack', later 'flag', 'reply', ...
        post_id  INTEGER,
        detail   TEXT NOT NULL DEFAULT '{}'     -- JSON
    );
    CREATE INDEX actions_post ON actions (post_id, kind);
    """,
    # 3: per-minute counts and sentiment sums per lane, kept with each batch, so the
    # header's rates and mood line read a few hundred rows, not millions.
    """
    CREATE TABLE minute_stats (
        minute       TEXT NOT NULL,             -- 'YYYY-MM-DDTHH:MM', UTC
        lane         TEXT NOT NULL,
        posts        INTEGER NOT NULL,
        compound_sum REAL NOT NULL,
        PRIMARY KEY (minute, lane)
    ) WITHOUT ROWID;
    INSERT INTO minute_stats (minute, lane, posts, compound_sum)
        SELECT substr(created_at, 1, 16), lane, count(*), total(sentiment_compound)
        FROM (
            SELECT created_at, sentiment_compound, 'hashtag' AS lane FROM posts WHERE in_hashtag
            UNION ALL
            SELECT created_at, sentiment_compound, 'inbox' FROM posts WHERE in_inbox
            UNION ALL
            SELECT created_at, sentiment_compound, 'own' FROM posts WHERE in_own
        )
        GROUP BY 1, 2;
    """,
    # 4: full-text search over post text (words and word prefixes), kept by a trigger.
    """
    CREATE VIRTUAL TABLE posts_fts USING fts5(
        text, content = 'posts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);
    END;
    INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
    """,
    # 5: search by word stems ("bike" finds "bikes"): whole words are fast at a million
    # posts where prefix matching of every word was not.
    """
    DROP TRIGGER posts_fts_insert;
    DROP TABLE posts_fts;
    CREATE VIRTUAL TABLE posts_fts USING fts5(
        text, content = 'posts', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);
    END;
    INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
    """,
    # 6: the run-of-show (scheduled posts) and the desk's pause switch.
    """
    CREATE TABLE schedule (
        id          INTEGER PRIMARY KEY,
        key         TEXT NOT NULL UNIQUE,       -- stable across re-imports of the sheet
        at          TEXT NOT NULL,              -- planned time, UTC as posts.created_at
        account     TEXT NOT NULL,              -- our handle, without '@'
        text        TEXT NOT NULL,
        media       TEXT NOT NULL DEFAULT '[]', -- JSON array of absolute paths
        owner       TEXT NOT NULL DEFAULT '',
        tags        TEXT NOT NULL DEFAULT '[]', -- JSON array
        origin      TEXT NOT NULL,              -- 'sheet', 'desk' or 'chat'
        sheet_line  INTEGER,                    -- its CSV line at the last import
        state       TEXT NOT NULL DEFAULT 'planned' CHECK (state IN
                        ('planned', 'due', 'sending', 'posted', 'failed', 'skipped', 'unknown')),
        hold        TEXT CHECK (hold IN ('missed', 'paused')),  -- due, waiting for a person
        attempt     INTEGER NOT NULL DEFAULT 0, -- releases so far; part of the outbox key
        due_at      TEXT,                       -- when it was last released to the outbox
        released_by TEXT,                       -- the operator who said "post now"
        outbox_key  TEXT,
        remote_id   TEXT,
        posted_at   TEXT,
        note        TEXT,                       -- why skipped or failed
        edited_by   TEXT,                       -- last operator to change it on the desk
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX schedule_at ON schedule (at, id);
    CREATE INDEX schedule_open ON schedule (at) WHERE state IN ('planned', 'due');

    CREATE TABLE desk_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        paused    INTEGER NOT NULL DEFAULT 0,
        paused_by TEXT,
        paused_at TEXT
    );
    INSERT INTO desk_state (id, paused) VALUES (1, 0);
    """,
    # 7: posts read from X per UTC day, for the read budget (X bills per post).
    """
    CREATE TABLE x_reads (
        day   TEXT PRIMARY KEY,                 -- 'YYYY-MM-DD', UTC
        posts INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # 8: operators' actions: the outbox, flags, hand-offs, claims, the desk lease, the
    # hash-chained audit log, shift handoffs and the lead's notes.
    """
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        key             TEXT NOT NULL UNIQUE,   -- idempotency key, made when the dialog opens
        kind            TEXT NOT NULL,          -- 'reply' | 'scheduled'
        account         TEXT NOT NULL,          -- our handle, without '@'
        text            TEXT NOT NULL,
        in_reply_to     INTEGER,
        conversation_id INTEGER,                -- of the post replied to, for its thread
        media           TEXT NOT NULL DEFAULT '[]',  -- JSON array of local paths
        operator        TEXT NOT NULL,
        state           TEXT NOT NULL,          -- pending, sending, sent, failed, unknown
        remote_id       TEXT,
        error           TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        not_before      TEXT NOT NULL,          -- a retry waits until then
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        sent_at         TEXT
    );
    CREATE INDEX outbox_due ON outbox (not_before, id) WHERE state = 'pending';
    CREATE INDEX outbox_reply_to ON outbox (in_reply_to);
    CREATE INDEX outbox_conversation ON outbox (conversation_id);
    CREATE INDEX outbox_state ON outbox (state);

    CREATE TABLE flags (
        post_id  INTEGER NOT NULL,
        category TEXT NOT NULL,
        note     TEXT NOT NULL DEFAULT '',
        operator TEXT NOT NULL,
        at       TEXT NOT NULL,
        PRIMARY KEY (post_id, category)
    ) WITHOUT ROWID;
    CREATE INDEX flags_at ON flags (at);

    CREATE TABLE assignments (
        id          INTEGER PRIMARY KEY,
        post_id     INTEGER NOT NULL,
        to_operator TEXT,
        to_team     TEXT,
        note        TEXT NOT NULL DEFAULT '',
        state       TEXT NOT NULL,              -- open, assigned, done
        outcome     TEXT,
        urgent      INTEGER NOT NULL,
        phoned      INTEGER NOT NULL,           -- passed on by phone (urgent posts)
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        CHECK (to_operator IS NOT NULL OR to_team IS NOT NULL)
    );
    CREATE INDEX assignments_active ON assignments (post_id) WHERE state != 'done';
    CREATE INDEX assignments_operator ON assignments (to_operator) WHERE state != 'done';
    CREATE INDEX assignments_team ON assignments (to_team) WHERE state != 'done';

    CREATE TABLE claims (
        post_id    INTEGER PRIMARY KEY,
        operator   TEXT NOT NULL,
        purpose    TEXT NOT NULL,               -- 'reply' | 'handoff'
        at         TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );

    CREATE TABLE desk_lease (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        holder       TEXT NOT NULL,             -- host:pid:uuid
        acquired_at  TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        expires_at   TEXT NOT NULL
    );

    CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        operator  TEXT NOT NULL,
        kind      TEXT NOT NULL,
        post_id   INTEGER,
        target    TEXT NOT NULL,                -- e.g. 'outbox:12', 'post:1861...'
        before    TEXT NOT NULL,                -- canonical JSON
        after     TEXT NOT NULL,
        prev_hash TEXT,                         -- NULL until sealed (rows copied below)
        hash      TEXT
    );
    CREATE INDEX audit_post ON audit (post_id);
    CREATE TABLE audit_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    -- Acks stay in `actions` (the dashboard reads them there) and are copied into the
    -- audit log; the first append seals these copies into the chain.
    INSERT INTO audit (seq, at, operator, kind, post_id, target, before, after)
        SELECT id, at, operator, kind, post_id, 'post:' || post_id, '{}', detail
        FROM actions ORDER BY id;

    CREATE TABLE handoffs (
        id            INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,
        from_operator TEXT NOT NULL,
        to_operator   TEXT NOT NULL,
        notes         TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE lead_notes (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        operator TEXT NOT NULL,
        text     TEXT NOT NULL
    );
    """,
    # 9: a leaner search index, written by the batch instead of a trigger. The desk
    # asks only "all these words (or word starts)", never phrases or NEAR, and never
    # ranks by bm25: so no positions (detail=none) and no per-post token counts
    # (columnsize=0). Fed from a trigger, FTS5 cost about 50 µs a post (it wrote its
    # pending terms out row by row); one INSERT per batch costs about 6 µs a post.
    # storage.batch.store_prepared, the only writer of posts, indexes what it stores.
    """
    DROP TRIGGER posts_fts_insert;
    DROP TABLE posts_fts;
    CREATE VIRTUAL TABLE posts_fts USING fts5(
        text, content = 'posts', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2', detail = none, columnsize = 0
    );
    INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
    """,
    # 10: no index on every post's reply_to_id. No query looks a post up by the post it
    # replies to except among our own posts (posts_lane_own_replies); kept up to date
    # on every insert, it cost the writer about 4 % of its work a post.
    """
    DROP INDEX posts_reply_to;
    """,
)

LATEST = len(MIGRATIONS)
