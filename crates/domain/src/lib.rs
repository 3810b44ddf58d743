//! The task manager's domain: what a task is, what input is valid, how a list
//! query reads, and which events a change produces. Pure functions only, so
//! every rule is unit-tested natively and shared by every component.

pub mod email;
pub mod error;
pub mod event;
pub mod limits;
pub mod list;
pub mod query;
pub mod quiet;
pub mod reminder;
pub mod secret;
pub mod suggestion;
pub mod task;
pub mod time;
pub mod user;
pub mod webhook;

pub use error::{Error, ErrorKind};
