//! Storage for every component. `Db` hides the two backends: SQL is written
//! once with `$n` placeholders and portable types (BIGINT, TEXT; instants as
//! epoch milliseconds; no booleans), and the few dialect differences live
//! here. Repositories (`users`, `tasks`, `outbox`) build on it.

pub mod calendar;
pub mod changes;
pub mod consumers;
pub mod conversations;
mod db;
pub mod dead_letters;
pub mod lists;
pub mod metrics;
mod migrations;
pub mod notifications;
pub mod oauth;
pub mod outbox;
pub mod push;
pub mod reminders;
pub mod retention;
pub mod series;
pub mod sessions;
pub mod suggestions;
pub mod tasks;
pub mod users;

pub use db::{is_missing_schema, is_unique_violation, Backend, Connection, Db, Row, Value};
