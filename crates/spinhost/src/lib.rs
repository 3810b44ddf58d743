//! Runs the app's Spin components locally the way Spin 3.6 does: the same
//! manifest rules, routing, request headers, fresh instance per request, and
//! the Spin interfaces (`spin:postgres@4.0.0`, `fermyon:spin/sqlite@2.0.0`,
//! `spin:sqlite@3.0.0`, `fermyon:spin/variables@2.0.0`) on top of WASI and
//! `wasi:http`.
//!
//! With the embedded Dapr-compatible sidecar, see [`System`].
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let app = spinhost::App::load("spin.toml", spinhost::AppOptions::default())?;
//! let server = app.bind("127.0.0.1:0".parse()?).await?;
//! println!("listening on {}", server.local_addr());
//! server.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod admin;
pub mod allowed_hosts;
mod app;
pub mod cache;
pub mod host;
pub mod local_http;
pub mod manifest;
pub mod outbound;
pub mod pg;
pub mod router;
mod server;
pub mod sqlite;
pub mod system;
pub mod tail;
pub mod variables;

pub use app::{check_manifest, component_imports, App, AppOptions, LoadReport};
pub use cache::{EngineOptions, SlotReset};
pub use manifest::Manifest;
pub use pg::{DEFAULT_POOL_SIZE as DEFAULT_PG_POOL_SIZE, SPIN_POOL_SIZE as SPIN_PG_POOL_SIZE};
pub use server::{ServeHandle, HEADER_READ_TIMEOUT};
pub use sqlite::SqliteMode;
pub use system::{SidecarSettings, System, SystemOptions};

/// The embedded Dapr-compatible sidecar.
pub use dapr_sidecar;
