//! Versioned schema migrations, applied on first use by whichever instance
//! gets there first. Each request checks one indexed row; when the schema is
//! behind, the instance takes a database-wide lock (a PostgreSQL advisory
//! lock, or SQLite's write lock), re-checks, and applies what is missing in
//! one transaction, so many instances starting at once apply each migration
//! exactly once.
//!
//! The SQL is shared by both backends: BIGINT and TEXT only, instants as
//! epoch milliseconds, flags as 0/1 integers.

use crate::db::{is_missing_schema, Backend, Db, Value};
use domain::Error;

/// (version, statements). Append only; never edit a released migration.
pub(crate) const MIGRATIONS: &[(i64, &[&str])] = &[
    (
        1,
        &[
            "CREATE TABLE users (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            timezone TEXT NOT NULL,
            agents_enabled BIGINT NOT NULL,
            in_app_notifications BIGINT NOT NULL,
            webhook_url TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            revoked_at BIGINT)",
            "CREATE INDEX sessions_by_user ON sessions (user_id)",
            "CREATE TABLE signin_failures (
            email TEXT PRIMARY KEY,
            window_start BIGINT NOT NULL,
            failures BIGINT NOT NULL)",
            "CREATE TABLE tasks (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            title_key TEXT NOT NULL,
            description TEXT NOT NULL,
            search_text TEXT NOT NULL,
            priority BIGINT NOT NULL,
            due_at BIGINT,
            tags TEXT NOT NULL,
            completed_at BIGINT,
            recurrence TEXT,
            series_id TEXT,
            version BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX tasks_by_user_created ON tasks (user_id, created_at, id)",
            "CREATE INDEX tasks_by_user_due ON tasks (user_id, due_at)",
            "CREATE TABLE task_tags (
            task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            tag TEXT NOT NULL,
            PRIMARY KEY (task_id, tag))",
            "CREATE INDEX task_tags_by_user_tag ON task_tags (user_id, tag)",
            "CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            topic TEXT NOT NULL,
            event_type TEXT NOT NULL,
            user_id TEXT NOT NULL,
            task_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            published_at BIGINT,
            attempts BIGINT NOT NULL)",
            "CREATE INDEX outbox_unsent ON outbox (published_at, created_at)",
        ],
    ),
    (
        2,
        &[
            // Agent suggestions. dedup_key is unique: the event path and the
            // sweep racing for the same suggestion create one row.
            "CREATE TABLE suggestions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            task_id TEXT,
            type TEXT NOT NULL,
            message TEXT NOT NULL,
            status TEXT NOT NULL,
            dedup_key TEXT NOT NULL UNIQUE,
            action TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX suggestions_by_user ON suggestions (user_id, status, created_at)",
            "CREATE INDEX suggestions_by_task ON suggestions (task_id)",
            // Consumers are idempotent: one row per (consumer, event id).
            "CREATE TABLE processed_events (
            consumer TEXT NOT NULL,
            event_id TEXT NOT NULL,
            processed_at BIGINT NOT NULL,
            PRIMARY KEY (consumer, event_id))",
            "CREATE TABLE dead_letters (
            id TEXT PRIMARY KEY,
            topic TEXT NOT NULL,
            event_type TEXT NOT NULL,
            user_id TEXT,
            payload TEXT NOT NULL,
            received_at BIGINT NOT NULL)",
            "CREATE INDEX tasks_open_due ON tasks (completed_at, due_at)",
        ],
    ),
    (
        3,
        &[
            // The change feed for live sync: a gap-free sequence per user. The
            // writer bumps users.change_seq in its transaction, so the row lock
            // orders one user's changes and a reader never skips one.
            "ALTER TABLE users ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0",
            "CREATE TABLE changes (
            user_id TEXT NOT NULL,
            seq BIGINT NOT NULL,
            kind TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, seq))",
        ],
    ),
    (
        4,
        &[
            // A recurring series: the rule, and how far it has produced.
            "CREATE TABLE series (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            recurrence TEXT NOT NULL,
            status TEXT NOT NULL,
            template TEXT NOT NULL,
            rule_start_index BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX series_by_user ON series (user_id)",
            "ALTER TABLE tasks ADD COLUMN series_index BIGINT",
            // One task per (series, index): the recurrence agent creates the
            // next instance exactly once, whatever the redelivery.
            "CREATE UNIQUE INDEX tasks_series_instance ON tasks (series_id, series_index)",
            "CREATE TABLE reminders (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            task_id TEXT NOT NULL,
            before_minutes BIGINT,
            at BIGINT,
            fire_at BIGINT,
            status TEXT NOT NULL,
            scheduled_for BIGINT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX reminders_by_task ON reminders (task_id)",
            "CREATE TABLE notifications (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            reminder_id TEXT NOT NULL UNIQUE,
            task_id TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            read_at BIGINT)",
            "CREATE INDEX notifications_by_user ON notifications (user_id, created_at)",
            // Signs webhook deliveries; shown to the user in their settings.
            "ALTER TABLE users ADD COLUMN webhook_secret TEXT",
            "CREATE TABLE notification_attempts (
            notification_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            attempt BIGINT NOT NULL,
            status TEXT NOT NULL,
            http_status BIGINT,
            error TEXT,
            at BIGINT NOT NULL,
            PRIMARY KEY (notification_id, channel, attempt))",
        ],
    ),
    (
        5,
        &[
            // Assistant conversations: what is waiting for an answer (a
            // delete to confirm, a task to choose) and the task the last
            // turn acted on; and the turns themselves.
            "CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            pending TEXT,
            last_task TEXT,
            turns BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX conversations_by_user ON conversations (user_id, updated_at)",
            "CREATE TABLE chat_turns (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            seq BIGINT NOT NULL,
            role TEXT NOT NULL,
            text TEXT NOT NULL,
            actions TEXT NOT NULL,
            source TEXT,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (conversation_id, seq))",
        ],
    ),
    (
        6,
        &[
            // Retention (see retention.rs): each prune selects its oldest
            // rows by time, and without these indexes every hourly batch
            // would scan the whole table. The outbox needs none: its
            // outbox_unsent index already leads with published_at.
            "CREATE INDEX processed_events_by_time ON processed_events (processed_at)",
            "CREATE INDEX changes_by_time ON changes (created_at)",
            "CREATE INDEX sessions_by_expiry ON sessions (expires_at)",
            "CREATE INDEX notifications_by_read ON notifications (read_at)",
        ],
    ),
    (
        7,
        &[
            // Sign-in throttling with backoff (users.rs, claim_signin_attempt):
            // one row per (account email, client address key), and one per
            // account with client '' counting failures from every address.
            // next_at: no attempt on this key is verified before it.
            // signin_failures is left in place, unused: instances of the
            // previous release still read it during a rolling upgrade, and
            // dropping it under them would fail their sign-ins.
            "CREATE TABLE signin_throttle (
            email TEXT NOT NULL,
            client TEXT NOT NULL,
            failures BIGINT NOT NULL,
            last_at BIGINT NOT NULL,
            next_at BIGINT NOT NULL,
            PRIMARY KEY (email, client))",
            "CREATE INDEX signin_throttle_by_time ON signin_throttle (last_at)",
        ],
    ),
    (
        8,
        &[
            // A page of open tasks (the app's default list) reads 20 rows in
            // index order instead of sorting all of the user's tasks: one
            // partial index per sort the API offers, keyed exactly as
            // `tasks::list` orders (the sort expression, then id). Partial,
            // so a user's completed history neither slows the open list
            // nor grows these indexes. The due-date expressions must stay
            // identical to `tasks::sort_expression`; a test reads the plans.
            "CREATE INDEX tasks_open_by_created ON tasks (user_id, created_at, id)
             WHERE completed_at IS NULL",
            "CREATE INDEX tasks_open_by_due ON tasks
             (user_id, COALESCE(due_at, 9223372036854775807), id) WHERE completed_at IS NULL",
            "CREATE INDEX tasks_open_by_due_desc ON tasks
             (user_id, COALESCE(due_at, -1), id) WHERE completed_at IS NULL",
            "CREATE INDEX tasks_open_by_priority ON tasks (user_id, priority, id)
             WHERE completed_at IS NULL",
            "CREATE INDEX tasks_open_by_title ON tasks (user_id, title_key, id)
             WHERE completed_at IS NULL",
        ],
    ),
    (
        9,
        &[
            // Dead-letter operations (dead_letters.rs): how often a letter
            // was replayed, and when last; the listing is newest first.
            "ALTER TABLE dead_letters ADD COLUMN replays BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE dead_letters ADD COLUMN last_replayed_at BIGINT",
            "CREATE INDEX dead_letters_by_time ON dead_letters (received_at, id)",
            // The metrics endpoint (metrics.rs) counts what happened in the
            // last hour or day on every scrape: by time, not by user. Tasks
            // created are counted from their events: an index on
            // tasks.created_at would compete with the per-user list indexes
            // in the planner (seen in tests/plans.rs).
            "CREATE INDEX outbox_by_time ON outbox (created_at)",
            "CREATE INDEX suggestions_by_time ON suggestions (created_at)",
            "CREATE INDEX notifications_by_time ON notifications (created_at)",
            "CREATE INDEX notification_attempts_by_time ON notification_attempts (at)",
        ],
    ),
    // PostgreSQL's `create_task` function (POSTGRES_ONLY); nothing shared.
    (10, &[]),
    (
        11,
        &[
            // Lists (lists.rs). A task in no list is in the Inbox, which is
            // not stored. Names are unique per user in any letter case.
            "CREATE TABLE lists (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            color TEXT,
            archived BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE UNIQUE INDEX lists_by_user_name ON lists (user_id, name_key)",
            // Deleting a list deletes its tasks first (each with its event);
            // a task written into the list while it is being deleted falls
            // back to the Inbox instead of pointing nowhere.
            "ALTER TABLE tasks ADD COLUMN list_id TEXT REFERENCES lists(id) ON DELETE SET NULL",
            // The list filter, and the foreign key's lookups on delete.
            "CREATE INDEX tasks_by_list ON tasks (list_id, created_at, id)",
        ],
    ),
    (
        12,
        &[
            // The calendar feed (calendar.rs): one secret per user, in the
            // feed's URL, which calendar clients fetch without signing in.
            "CREATE TABLE calendar_feeds (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            token TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL)",
            // The feed's alarms: a user's reminders still to fire.
            "CREATE INDEX reminders_by_user_status ON reminders (user_id, status)",
        ],
    ),
    (
        13,
        &[
            // Minutes before the due time of the reminder a task gets when it
            // gets a due time; -1 for none (users.rs). Every account, old
            // ones too, starts with 15.
            "ALTER TABLE users ADD COLUMN default_reminder_minutes BIGINT NOT NULL DEFAULT 15",
        ],
    ),
    (
        14,
        &[
            // OAuth 2.1 for MCP clients (oauth.rs). Clients register
            // themselves (RFC 7591); a secret, when they asked for one, is
            // kept as its SHA-256, like every code and refresh token below.
            "CREATE TABLE oauth_clients (
            id TEXT PRIMARY KEY,
            secret_hash TEXT,
            name TEXT NOT NULL,
            client_uri TEXT,
            redirect_uris TEXT NOT NULL,
            auth_method TEXT NOT NULL,
            created_at BIGINT NOT NULL)",
            // What a user approved for a client: revoking it ends every
            // token minted under it at once.
            "CREATE TABLE oauth_grants (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
            scope TEXT NOT NULL,
            resource TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            revoked_at BIGINT)",
            "CREATE INDEX oauth_grants_by_user ON oauth_grants (user_id, client_id)",
            // Deleting a client (the retention sweep, the cascade) looks
            // up its grants.
            "CREATE INDEX oauth_grants_by_client ON oauth_grants (client_id)",
            // Authorization codes: single use, a few minutes long. The grant
            // is made when the code is exchanged, and named here so that a
            // second exchange of the same code can end it.
            "CREATE TABLE oauth_codes (
            hash TEXT PRIMARY KEY,
            client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            redirect_uri TEXT NOT NULL,
            challenge TEXT NOT NULL,
            scope TEXT NOT NULL,
            resource TEXT NOT NULL,
            expires_at BIGINT NOT NULL,
            grant_id TEXT)",
            // Refresh tokens rotate: each is good once; a second use is a
            // replay, and ends the grant.
            "CREATE TABLE oauth_refresh_tokens (
            hash TEXT PRIMARY KEY,
            grant_id TEXT NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT)",
            "CREATE INDEX oauth_refresh_tokens_by_grant ON oauth_refresh_tokens (grant_id)",
            // An access token is a session bound to a grant, so the session
            // check that every request makes also sees a revoked grant.
            "ALTER TABLE sessions ADD COLUMN grant_id TEXT",
            "CREATE INDEX sessions_by_grant ON sessions (grant_id)",
            // Every MCP tool call, per connected app (NULL: a plain bearer
            // token from sign-in), for the user to see.
            "CREATE TABLE mcp_calls (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            client_id TEXT,
            tool TEXT NOT NULL,
            summary TEXT NOT NULL,
            outcome TEXT NOT NULL,
            at BIGINT NOT NULL)",
            "CREATE INDEX mcp_calls_by_user ON mcp_calls (user_id, client_id, at)",
            // The retention sweep deletes the oldest first.
            "CREATE INDEX mcp_calls_by_time ON mcp_calls (at)",
        ],
    ),
    (
        15,
        &[
            // Email reminders (users.rs, email.rs): the user's wish, and the
            // address they confirmed through a link. Mail goes out only
            // while both hold and the confirmed address is still the
            // account's. A pending confirmation is its token's SHA-256 and
            // when it stops working. The unsubscribe token is kept as it is:
            // every reminder mail carries it, and all it can do is stop mail.
            "ALTER TABLE users ADD COLUMN email_reminders BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN email_confirmed TEXT",
            "ALTER TABLE users ADD COLUMN email_confirm_hash TEXT",
            "ALTER TABLE users ADD COLUMN email_confirm_expires BIGINT",
            "ALTER TABLE users ADD COLUMN email_unsubscribe_token TEXT",
            "CREATE UNIQUE INDEX users_by_email_confirm ON users (email_confirm_hash)",
            "CREATE UNIQUE INDEX users_by_unsubscribe_token ON users (email_unsubscribe_token)",
        ],
    ),
    (
        16,
        &[
            // Web Push (push.rs): one row per browser that subscribed. The
            // endpoint is the push service's URL for that browser, so it is
            // unique; the keys are what the payload is encrypted for.
            // retry_at: the push service asked to wait (429 Retry-After).
            "CREATE TABLE push_subscriptions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            label TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            retry_at BIGINT)",
            "CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id, created_at)",
        ],
    ),
    (
        17,
        &[
            // Quiet hours (domain::quiet): minutes after local midnight,
            // both NULL for none.
            "ALTER TABLE users ADD COLUMN quiet_start BIGINT",
            "ALTER TABLE users ADD COLUMN quiet_end BIGINT",
            // A notification whose email and push wait for the end of the
            // user's quiet hours, when one digest carries them all.
            "CREATE TABLE held_notifications (
            notification_id TEXT PRIMARY KEY REFERENCES notifications(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            release_at BIGINT NOT NULL)",
            "CREATE INDEX held_notifications_by_user ON held_notifications (user_id, release_at)",
        ],
    ),
];

/// Statements only PostgreSQL runs, after the shared ones of the same version.
pub(crate) const POSTGRES_ONLY: &[(i64, &[&str])] = &[
    (
        10,
        &[
            // Creating a task as one call of a PL/pgSQL function: what SQLite
            // does with the `task_creations` view's trigger. Spin's PostgreSQL
            // interface prepares an unnamed statement for every query, so the
            // single statement of CTEs this replaces was parsed and planned on
            // every request, a third of its cost in the database; a PL/pgSQL
            // function keeps its plans per connection, and Spin pools them.
            // The arguments are `tasks::insert`'s parameters in their order.
            "CREATE FUNCTION create_task(p_id TEXT, p_user_id TEXT, p_title TEXT, p_title_key TEXT,
            p_description TEXT, p_search_text TEXT, p_priority BIGINT, p_due_at BIGINT,
            p_tags TEXT, p_completed_at BIGINT, p_recurrence TEXT, p_version BIGINT,
            p_created_at BIGINT, p_updated_at BIGINT, p_series_id TEXT, p_series_index BIGINT,
            p_events TEXT, p_change_kind TEXT, p_change_payload TEXT) RETURNS BIGINT
         LANGUAGE plpgsql AS $$
         DECLARE
           next_seq BIGINT;
         BEGIN
           INSERT INTO tasks (id, user_id, title, title_key, description, search_text, priority,
             due_at, tags, completed_at, recurrence, series_id, series_index, version,
             created_at, updated_at)
           VALUES (p_id, p_user_id, p_title, p_title_key, p_description, p_search_text,
             p_priority, p_due_at, p_tags, p_completed_at, p_recurrence, p_series_id,
             p_series_index, p_version, p_created_at, p_updated_at);
           INSERT INTO task_tags (task_id, user_id, tag)
             SELECT p_id, p_user_id, tag FROM json_array_elements_text(p_tags::json) AS tag;
           INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at,
             published_at, attempts)
             SELECT e.id, e.topic, e.event_type, e.user_id, e.task_id, e.payload, e.created_at,
                    NULL, 0
             FROM json_to_recordset(p_events::json) AS e(id TEXT, topic TEXT, event_type TEXT,
                  user_id TEXT, task_id TEXT, payload TEXT, created_at BIGINT);
           UPDATE users SET change_seq = change_seq + 1 WHERE id = p_user_id
             RETURNING change_seq INTO next_seq;
           INSERT INTO changes (user_id, seq, kind, entity_id, payload, created_at)
             VALUES (p_user_id, next_seq, p_change_kind, p_id, p_change_payload, p_updated_at);
           RETURN 1;
         END
         $$",
        ],
    ),
    (
        11,
        &[
            // `create_task` with the task's list as a last argument; the
            // version 10 function stays for instances of the previous
            // release during a rolling upgrade (their tasks go to the Inbox).
            "CREATE FUNCTION create_task(p_id TEXT, p_user_id TEXT, p_title TEXT, p_title_key TEXT,
            p_description TEXT, p_search_text TEXT, p_priority BIGINT, p_due_at BIGINT,
            p_tags TEXT, p_completed_at BIGINT, p_recurrence TEXT, p_version BIGINT,
            p_created_at BIGINT, p_updated_at BIGINT, p_series_id TEXT, p_series_index BIGINT,
            p_events TEXT, p_change_kind TEXT, p_change_payload TEXT, p_list_id TEXT)
            RETURNS BIGINT
         LANGUAGE plpgsql AS $$
         DECLARE
           next_seq BIGINT;
         BEGIN
           INSERT INTO tasks (id, user_id, title, title_key, description, search_text, priority,
             due_at, tags, completed_at, recurrence, series_id, series_index, version,
             created_at, updated_at, list_id)
           VALUES (p_id, p_user_id, p_title, p_title_key, p_description, p_search_text,
             p_priority, p_due_at, p_tags, p_completed_at, p_recurrence, p_series_id,
             p_series_index, p_version, p_created_at, p_updated_at, p_list_id);
           INSERT INTO task_tags (task_id, user_id, tag)
             SELECT p_id, p_user_id, tag FROM json_array_elements_text(p_tags::json) AS tag;
           INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at,
             published_at, attempts)
             SELECT e.id, e.topic, e.event_type, e.user_id, e.task_id, e.payload, e.created_at,
                    NULL, 0
             FROM json_to_recordset(p_events::json) AS e(id TEXT, topic TEXT, event_type TEXT,
                  user_id TEXT, task_id TEXT, payload TEXT, created_at BIGINT);
           UPDATE users SET change_seq = change_seq + 1 WHERE id = p_user_id
             RETURNING change_seq INTO next_seq;
           INSERT INTO changes (user_id, seq, kind, entity_id, payload, created_at)
             VALUES (p_user_id, next_seq, p_change_kind, p_id, p_change_payload, p_updated_at);
           RETURN 1;
         END
         $$",
        ],
    ),
];

/// Statements only SQLite runs, after the shared ones of the same version.
pub(crate) const SQLITE_ONLY: &[(i64, &[&str])] = &[
    (
        8,
        &[
            // Creating a task in one statement, as PostgreSQL does with one
            // statement of CTEs (`tasks::insert`). Under Spin every request has
            // its own connection and every statement is a separate host call;
            // a transaction of six statements holds the database's write lock
            // across all those calls and the scheduling between them, and
            // concurrent writers queue behind it. One INSERT into this view
            // runs the trigger's statements inside SQLite, atomically, holding
            // the lock for one call. The view has the columns of `tasks` plus
            // the outbox rows (JSON, as `tasks::events_json`) and the change.
            "CREATE VIEW task_creations AS
         SELECT id, user_id, title, title_key, description, search_text, priority, due_at, tags,
                completed_at, recurrence, series_id, series_index, version, created_at,
                updated_at, '' AS events, '' AS change_kind, '' AS change_payload
         FROM tasks WHERE 0",
            "CREATE TRIGGER task_creations_insert INSTEAD OF INSERT ON task_creations
         BEGIN
           INSERT INTO tasks (id, user_id, title, title_key, description, search_text, priority,
             due_at, tags, completed_at, recurrence, series_id, series_index, version,
             created_at, updated_at)
           VALUES (NEW.id, NEW.user_id, NEW.title, NEW.title_key, NEW.description,
             NEW.search_text, NEW.priority, NEW.due_at, NEW.tags, NEW.completed_at,
             NEW.recurrence, NEW.series_id, NEW.series_index, NEW.version, NEW.created_at,
             NEW.updated_at);
           INSERT INTO task_tags (task_id, user_id, tag)
             SELECT NEW.id, NEW.user_id, value FROM json_each(NEW.tags);
           INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at,
             published_at, attempts)
             SELECT value ->> 'id', value ->> 'topic', value ->> 'event_type',
                    value ->> 'user_id', value ->> 'task_id', value ->> 'payload',
                    value ->> 'created_at', NULL, 0
             FROM json_each(NEW.events);
           UPDATE users SET change_seq = change_seq + 1 WHERE id = NEW.user_id;
           INSERT INTO changes (user_id, seq, kind, entity_id, payload, created_at)
             SELECT NEW.user_id, change_seq, NEW.change_kind, NEW.id, NEW.change_payload,
                    NEW.updated_at
             FROM users WHERE id = NEW.user_id;
         END",
        ],
    ),
    (
        11,
        &[
            // The view again, with the task's list (dropping a view drops
            // its trigger).
            "DROP VIEW task_creations",
            "CREATE VIEW task_creations AS
         SELECT id, user_id, title, title_key, description, search_text, priority, due_at, tags,
                completed_at, recurrence, series_id, series_index, list_id, version, created_at,
                updated_at, '' AS events, '' AS change_kind, '' AS change_payload
         FROM tasks WHERE 0",
            "CREATE TRIGGER task_creations_insert INSTEAD OF INSERT ON task_creations
         BEGIN
           INSERT INTO tasks (id, user_id, title, title_key, description, search_text, priority,
             due_at, tags, completed_at, recurrence, series_id, series_index, list_id, version,
             created_at, updated_at)
           VALUES (NEW.id, NEW.user_id, NEW.title, NEW.title_key, NEW.description,
             NEW.search_text, NEW.priority, NEW.due_at, NEW.tags, NEW.completed_at,
             NEW.recurrence, NEW.series_id, NEW.series_index, NEW.list_id, NEW.version,
             NEW.created_at, NEW.updated_at);
           INSERT INTO task_tags (task_id, user_id, tag)
             SELECT NEW.id, NEW.user_id, value FROM json_each(NEW.tags);
           INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at,
             published_at, attempts)
             SELECT value ->> 'id', value ->> 'topic', value ->> 'event_type',
                    value ->> 'user_id', value ->> 'task_id', value ->> 'payload',
                    value ->> 'created_at', NULL, 0
             FROM json_each(NEW.events);
           UPDATE users SET change_seq = change_seq + 1 WHERE id = NEW.user_id;
           INSERT INTO changes (user_id, seq, kind, entity_id, payload, created_at)
             SELECT NEW.user_id, change_seq, NEW.change_kind, NEW.id, NEW.change_payload,
                    NEW.updated_at
             FROM users WHERE id = NEW.user_id;
         END",
        ],
    ),
];

pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map(|(v, _)| *v).unwrap_or(0)
}

/// Cheap check on every open; migrates only when the schema is behind.
pub(crate) fn ensure_current(db: &Db) -> Result<(), Error> {
    match db.query(
        "SELECT version FROM schema_migrations WHERE version = $1",
        &[Value::Int(latest())],
    ) {
        Ok(rows) if !rows.is_empty() => Ok(()),
        Ok(_) => migrate(db),
        Err(e) if is_missing_schema(&e) => migrate(db),
        Err(e) => Err(e),
    }
}

pub(crate) fn migrate(db: &Db) -> Result<(), Error> {
    if db.backend() == Backend::Sqlite {
        use_write_ahead_log(db);
    }
    db.transaction(|db| {
        if db.backend() == Backend::Postgres {
            // Serialises concurrent migrators; released at COMMIT/ROLLBACK.
            // The key is an arbitrary constant owned by this application.
            db.run("SELECT pg_advisory_xact_lock(7236501984)", &[])?;
        }
        db.run(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                applied_at BIGINT NOT NULL)",
            &[],
        )?;
        let applied = db.query("SELECT MAX(version) FROM schema_migrations", &[])?;
        let current = applied
            .first()
            .map(|r| r.opt_int(0))
            .transpose()?
            .flatten()
            .unwrap_or(0);
        for (version, statements) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            for sql in *statements {
                db.run(sql, &[])?;
            }
            let own = match db.backend() {
                Backend::Sqlite => SQLITE_ONLY,
                Backend::Postgres => POSTGRES_ONLY,
            };
            for (_, statements) in own.iter().filter(|(v, _)| v == version) {
                for sql in *statements {
                    db.run(sql, &[])?;
                }
            }
            db.run(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[Value::Int(*version), Value::Int(domain::time::now_ms())],
            )?;
        }
        Ok(())
    })
}

/// SQLite: switches the database file to write-ahead logging, where readers
/// never block the writer and a commit appends to the log instead of
/// rewriting pages behind a rollback journal. The mode is kept in the file,
/// so switching once, when the schema is first created or next migrated,
/// is enough. It needs the database to itself: should another connection
/// hold it at that moment, the switch waits for the next migration (only
/// speed depends on it, not correctness), so a failure is not an error.
fn use_write_ahead_log(db: &Db) {
    let _ = db.query("PRAGMA journal_mode = WAL", &[]);
}
