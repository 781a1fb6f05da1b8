// Numbered schema migrations for the studio database; applied in order, each in its own transaction; main process.
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'settings, blobs and jobs',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE blobs (
        digest TEXT PRIMARY KEY CHECK (digest GLOB 'sha256:[0-9a-f]*' AND length(digest) = 71),
        size INTEGER NOT NULL CHECK (size >= 0),
        media_type TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE blob_refs (
        digest TEXT NOT NULL REFERENCES blobs(digest) ON DELETE RESTRICT,
        owner TEXT NOT NULL,
        PRIMARY KEY (digest, owner)
      ) STRICT;
      CREATE INDEX blob_refs_owner ON blob_refs(owner);

      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        progress TEXT NOT NULL,
        input TEXT NOT NULL,
        checkpoint TEXT,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX jobs_created ON jobs(created_at);
    `,
  },
  {
    version: 2,
    name: 'training metrics and loss curves',
    sql: `
      ALTER TABLE jobs ADD COLUMN metrics TEXT;
      CREATE TABLE job_points (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        step INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        train_loss REAL,
        val_loss REAL,
        PRIMARY KEY (job_id, seq)
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'capture takes',
    sql: `
      CREATE TABLE takes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('voice', 'face', 'consent')),
        language TEXT NOT NULL,
        prompt_id TEXT,
        transcript TEXT,
        source TEXT NOT NULL CHECK (source IN ('recorded', 'imported')),
        source_name TEXT NOT NULL,
        audio TEXT NOT NULL REFERENCES blobs(digest),
        video TEXT REFERENCES blobs(digest),
        metrics TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pass', 'warn', 'fail')),
        reasons TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX takes_language ON takes(kind, language, created_at);
    `,
  },
  {
    version: 4,
    name: 'video metrics of face takes',
    sql: `ALTER TABLE takes ADD COLUMN video_metrics TEXT;`,
  },
  {
    version: 5,
    name: 'consent records',
    sql: `
      CREATE TABLE consents (
        id TEXT PRIMARY KEY,
        take_id TEXT NOT NULL REFERENCES takes(id),
        accepted INTEGER NOT NULL,
        record TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'voice models',
    sql: `
      CREATE TABLE voice_models (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL UNIQUE,
        model TEXT NOT NULL,
        report TEXT NOT NULL,
        samples TEXT,
        job_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'face models',
    sql: `
      CREATE TABLE face_models (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL UNIQUE,
        model TEXT NOT NULL,
        report TEXT NOT NULL,
        assets TEXT,
        job_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: 'chain outbox',
    sql: `
      CREATE TABLE chain_outbox (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        chain_id INTEGER NOT NULL,
        registry TEXT NOT NULL,
        twin_id TEXT,
        token_id TEXT,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'done', 'failed')),
        tx_hash TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX chain_outbox_state ON chain_outbox (state, created_at);
    `,
  },
  {
    version: 9,
    name: 'licences and usage receipts',
    // Hashes, roots and receipt ids are 0x and 64 lowercase hex digits, the one spelling the ledger files use.
    sql: `
      CREATE TABLE licences (
        hash TEXT PRIMARY KEY CHECK (hash GLOB '0x*' AND length(hash) = 66),
        twin_id TEXT NOT NULL,
        request TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('requested', 'granted', 'refused', 'revoked')),
        "grant" TEXT,
        approvals TEXT NOT NULL DEFAULT '[]',
        chain_id INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX licences_twin ON licences (twin_id, created_at);

      CREATE TABLE receipt_batches (
        root TEXT PRIMARY KEY CHECK (root GLOB '0x*' AND length(root) = 66),
        twin_id TEXT NOT NULL,
        token_id TEXT NOT NULL,
        chain_id INTEGER NOT NULL,
        registry TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        from_time TEXT NOT NULL,
        to_time TEXT NOT NULL,
        outbox_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE receipts (
        id TEXT PRIMARY KEY CHECK (id GLOB '0x*' AND length(id) = 66),
        twin_id TEXT NOT NULL,
        manifest_digest TEXT NOT NULL,
        signed TEXT NOT NULL,
        time TEXT NOT NULL,
        batch_root TEXT REFERENCES receipt_batches(root)
      ) STRICT;
      CREATE INDEX receipts_twin ON receipts (twin_id, batch_root, time);
      CREATE INDEX receipts_batch ON receipts (batch_root);
    `,
  },
  {
    version: 10,
    name: 'compose projects and outputs',
    sql: `
      CREATE TABLE compose_projects (
        id TEXT PRIMARY KEY,
        script TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE compose_outputs (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        twin_id TEXT NOT NULL,
        receipt_id TEXT NOT NULL REFERENCES receipts(id),
        mark TEXT NOT NULL CHECK (length(mark) = 16),
        record TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX compose_outputs_project ON compose_outputs (project_id, created_at);
      CREATE INDEX compose_outputs_mark ON compose_outputs (mark);
    `,
  },
];
