/** Schema migrations, applied in order by `PRAGMA user_version`. Never edit a shipped entry. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    received_at INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    remote_addr TEXT,
    headers TEXT NOT NULL,
    body BLOB,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER NOT NULL,
    ack_ms REAL,
    auth TEXT NOT NULL DEFAULT 'none',
    event_count INTEGER NOT NULL DEFAULT 0,
    duplicate_count INTEGER NOT NULL DEFAULT 0,
    first_event_type TEXT,
    envelope_event_id TEXT,
    reason TEXT,
    forward_state TEXT NOT NULL DEFAULT 'none',
    forward_status INTEGER,
    forward_ms REAL,
    forward_error TEXT,
    replay_of TEXT
  );
  CREATE INDEX deliveries_short_id ON deliveries(substr(id, 19));
  CREATE INDEX deliveries_received_at ON deliveries(received_at);
  CREATE INDEX deliveries_pending ON deliveries(forward_state) WHERE forward_state = 'pending';
  CREATE TABLE events (
    delivery_seq INTEGER NOT NULL REFERENCES deliveries(seq) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    uuid TEXT,
    event_type TEXT,
    published TEXT,
    display_message TEXT,
    actor TEXT,
    outcome TEXT,
    targets TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_seq, idx)
  ) WITHOUT ROWID;
  CREATE INDEX events_uuid ON events(uuid);
  CREATE INDEX events_type ON events(event_type);
  CREATE INDEX events_published ON events(published);
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    delivery_seq INTEGER NOT NULL REFERENCES deliveries(seq) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms REAL,
    status INTEGER,
    error TEXT,
    response BLOB,
    slow INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX attempts_delivery ON attempts(delivery_seq);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: no query uses these two (type filters go through the events primary key per delivery,
  // reconcile's window through deliveries_received_at), yet every stored event paid for
  // both on the ingest hot path: two B-tree inserts and ~6 WAL pages per group commit.
  `
  DROP INDEX IF EXISTS events_type;
  DROP INDEX IF EXISTS events_published;
  `,
  // 3: inline hook exchanges (okhook listen --inline-path, send inline, replay). The request
  // is a deliveries row (kind 'inline', body with secrets masked); each answer and Okta's
  // verdict on it is a row here. Two nullable columns on deliveries let lists show the
  // verdict without a join; event-hook inserts never name them (no cost on the hot path).
  `
  CREATE TABLE inline_exchanges (
    id INTEGER PRIMARY KEY,
    delivery_seq INTEGER NOT NULL REFERENCES deliveries(seq) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    inline_type TEXT NOT NULL,
    target TEXT,
    started_at INTEGER NOT NULL,
    elapsed_ms REAL,
    status INTEGER,
    error TEXT,
    timed_out INTEGER NOT NULL DEFAULT 0,
    answer BLOB,
    answer_size INTEGER NOT NULL DEFAULT 0,
    answer_type TEXT,
    reply_status INTEGER,
    fallback TEXT,
    applied INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    okta TEXT NOT NULL,
    basis TEXT NOT NULL,
    retried INTEGER NOT NULL DEFAULT 0,
    problems TEXT NOT NULL,
    redacted TEXT
  );
  CREATE INDEX inline_exchanges_delivery ON inline_exchanges(delivery_seq);
  ALTER TABLE deliveries ADD COLUMN inline_outcome TEXT;
  ALTER TABLE deliveries ADD COLUMN inline_applied INTEGER;
  `,
  // 4: the app's answer headers per attempt ([name, value] pairs as JSON, capped by the
  // sender), so an export shows the whole exchange. Written by the same UPDATE/INSERT.
  `
  ALTER TABLE attempts ADD COLUMN response_headers TEXT;
  `,
  // 5: rows of what strangers send the public URL (failed auth, not Okta-shaped), so listen
  // keeps only the newest of them (store/hostile.ts) without scanning every delivery. Partial:
  // an Okta delivery never enters it, so ingest pays nothing for it.
  `
  CREATE INDEX deliveries_hostile ON deliveries(seq)
    WHERE kind IN ('rejected', 'invalid', 'not_found', 'method_not_allowed', 'too_large')
      OR (kind = 'verification' AND auth IN ('missing', 'wrong'));
  `,
];
