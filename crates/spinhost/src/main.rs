//! `spinhost`: serve the app locally like `spin up` (with the embedded
//! Dapr-compatible sidecar), run only the sidecar, follow its events, list
//! the app's routes, or check that every component's imports are provided.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use spinhost::dapr_sidecar::{Sidecar, SidecarConfig};
use spinhost::system::{default_resources_dir, DEFAULT_APP_ID};
use spinhost::{App, AppOptions, EngineOptions, Manifest, SidecarSettings, System, SystemOptions};

// Every request builds and drops a store, an instance's host state and its
// buffers on whichever worker thread runs it; glibc's malloc spent a tenth
// of the host's time on that (consolidating and unlinking free chunks).
// mimalloc's per-thread free lists do the same work in a fraction of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "spinhost",
    version,
    about = "Runs the app's Spin components the way Spin 3.6 does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the app (like `spin up`) and the embedded Dapr-compatible sidecar.
    Up(UpArgs),
    /// Run only the embedded Dapr-compatible sidecar, for an app served
    /// elsewhere (e.g. by `spin up`).
    Sidecar(SidecarArgs),
    /// Follow the sidecar's pub/sub activity.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Print the route table.
    Routes(ManifestArg),
    /// Compile every component and check that the host provides all its imports.
    Check(CheckArgs),
    /// The app's dead letters: list, show, replay or discard them (the
    /// app's /admin/dead-letters routes; runbook in k8s/README.md).
    DeadLetters(DeadLettersArgs),
}

#[derive(Args, Debug)]
struct DeadLettersArgs {
    /// list [CURSOR] | show ID | fix ID --event FILE | replay ID | discard ID
    operation: String,
    /// The dead letter's id (for list: the nextCursor of the previous page).
    argument: Option<String>,
    /// For fix: a file with the corrected CloudEvent (start from the
    /// `event` of `show`; its id and type must stay), or - for stdin.
    #[arg(long)]
    event: Option<PathBuf>,
    /// The app's URL.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    app: String,
    /// The app's admin_api_token (locally: .spin/admin_api_token).
    #[arg(long, env = "ADMIN_API_TOKEN", hide_env_values = true)]
    admin_api_token: Option<String>,
}

#[derive(Args, Debug)]
struct ManifestArg {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    from: PathBuf,
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    manifest: ManifestArg,
    /// Where compiled components are cached (default: target/spinhost-cache next to the manifest).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
}

/// The sidecar flags `up` and `sidecar` share.
#[derive(Args, Debug)]
struct DaprArgs {
    /// Address of the sidecar's Dapr HTTP API.
    #[arg(long, default_value = "127.0.0.1:3500")]
    dapr_listen: SocketAddr,
    /// Dapr app id. Repeatable: the sidecar then stands in for each id (a
    /// consumer group, subscriptions and scopes each); it publishes as the
    /// first. Default: `taskmanager`, plus every app id the resources are
    /// scoped to, so one process runs the whole event system.
    #[arg(long = "app-id")]
    app_ids: Vec<String>,
    /// A directory of Dapr resources (components, subscriptions,
    /// resiliency). Repeatable. Default: dapr/ next to the manifest (for
    /// `sidecar`: in the current directory), if it exists.
    #[arg(long = "resources-path", value_name = "DIR")]
    resources_paths: Vec<PathBuf>,
    /// Where mail sent through a bindings.smtp component whose server comes
    /// from a Kubernetes secret goes, e.g. smtp://127.0.0.1:2525 (smtps://
    /// for TLS from the start). Unset: the dev mailbox, one .eml file per
    /// mail in the sidecar's state directory (.spin/dapr/mailbox/).
    #[arg(long, env = "SMTP_URL", value_name = "smtp://HOST:PORT")]
    smtp_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum EventsCommand {
    /// Print every published, delivered and dead-lettered event as one JSON
    /// line, as it happens.
    Tail(TailArgs),
}

#[derive(Args, Debug)]
struct TailArgs {
    /// The sidecar's URL.
    #[arg(long, default_value = "http://127.0.0.1:3500")]
    sidecar: String,
    /// The sidecar's Dapr API token, when it has one.
    #[arg(long, env = "DAPR_API_TOKEN", hide_env_values = true)]
    dapr_api_token: Option<String>,
}

#[derive(Args, Debug)]
struct SidecarArgs {
    /// The port the app listens on (on 127.0.0.1).
    #[arg(long)]
    app_port: u16,
    #[command(flatten)]
    dapr: DaprArgs,
    /// State directory; the sidecar keeps undelivered messages and jobs in
    /// its dapr/ subdirectory.
    #[arg(long, default_value = ".spin")]
    state_dir: PathBuf,
    /// Sent to the app as dapr-api-token (the app's app_api_token variable).
    #[arg(long, env = "APP_API_TOKEN", hide_env_values = true)]
    app_api_token: Option<String>,
    /// Required from the app (the app's dapr_api_token variable).
    #[arg(long, env = "DAPR_API_TOKEN", hide_env_values = true)]
    dapr_api_token: Option<String>,
    /// Do not log deliveries.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct UpArgs {
    #[command(flatten)]
    manifest: ManifestArg,
    /// Address to listen on.
    #[arg(long, env = "SPIN_HTTP_LISTEN_ADDR", default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// Directory for the default SQLite database (default: .spin next to the manifest).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Set an application variable, overriding SPIN_VARIABLE_* and the default. Repeatable.
    #[arg(long = "variable", value_name = "KEY=VALUE")]
    variables: Vec<String>,
    /// Use this PostgreSQL URL (sets the db_url variable, and db_host/db_port when declared).
    #[arg(long, value_name = "postgres://...")]
    db: Option<String>,
    /// Where compiled components are cached (default: target/spinhost-cache next to the manifest).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Compile on every start and cache nothing.
    #[arg(long)]
    disable_cache: bool,
    /// Map memory per instance instead of using the pooling allocator.
    #[arg(long)]
    disable_pooling: bool,
    /// Seconds a request may run before its instance is stopped.
    #[arg(long, default_value_t = 300)]
    request_timeout: u64,
    /// PostgreSQL connections per database address (Spin keeps up to 64).
    #[arg(long, env = "SPINHOST_PG_POOL_SIZE", default_value_t = spinhost::DEFAULT_PG_POOL_SIZE)]
    pg_pool_size: usize,
    /// Run the app as Spin 3.6 would: SQLite with Spin's connections (a new
    /// one per open, no WAL switch, no writer gate), Spin's 64 PostgreSQL
    /// connections per address and its pooling allocator's memory reset.
    /// For benchmarks that report what `spin up` users get.
    #[arg(long)]
    spin_compat: bool,
    #[command(flatten)]
    dapr: DaprArgs,
    /// Do not start the embedded sidecar.
    #[arg(long)]
    no_sidecar: bool,
    /// Do not log requests and deliveries.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    // With RUST_BACKTRACE set, as in many developers' shells, every error
    // value wasmtime creates walks the stack, and it creates one each time
    // a request's instance is dropped: 2.5% of the host's time under load.
    // Panics keep their traces; error values no longer take one. Set before
    // any thread starts.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("spinhost: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Up(args) => up(args),
        Command::Sidecar(args) => sidecar(args),
        Command::Events(EventsCommand::Tail(args)) => tail(args),
        Command::Routes(args) => routes(args),
        Command::Check(args) => check(args),
        Command::DeadLetters(args) => dead_letters(args),
    }
}

fn dead_letters(args: DeadLettersArgs) -> Result<ExitCode> {
    let token = match args.admin_api_token {
        Some(token) => token,
        None => std::fs::read_to_string(".spin/admin_api_token")
            .context("no --admin-api-token, ADMIN_API_TOKEN or .spin/admin_api_token")?
            .trim()
            .to_string(),
    };
    let (method, path) = spinhost::admin::request_for(&args.operation, args.argument.as_deref())?;
    let body = match (&args.event, args.operation.as_str()) {
        (Some(file), "fix") if file.as_os_str() == "-" => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
            Some(bytes)
        }
        (Some(file), "fix") => {
            Some(std::fs::read(file).with_context(|| format!("reading {}", file.display()))?)
        }
        (None, "fix") => bail!("fix needs --event FILE with the corrected CloudEvent"),
        (Some(_), _) => bail!("--event goes with fix only"),
        (None, _) => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (status, body) = runtime.block_on(spinhost::admin::call(
        &args.app, &token, method, &path, body,
    ))?;
    if !body.is_empty() {
        println!("{body}");
    }
    Ok(if (200..300).contains(&status) {
        ExitCode::SUCCESS
    } else {
        eprintln!("{method} {path}: HTTP {status}");
        ExitCode::FAILURE
    })
}

fn parse_variables(pairs: &[String]) -> Result<HashMap<String, String>> {
    pairs
        .iter()
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .with_context(|| format!("--variable {pair:?} must be KEY=VALUE"))?;
            Ok((key.trim().to_string(), value.to_string()))
        })
        .collect()
}

/// What `--db postgres://...` means for this project's manifest: db_url,
/// and the host/port the components' allow lists are templated on.
fn db_variables(manifest: &Manifest, url: &str) -> Result<HashMap<String, String>> {
    if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
        bail!("--db must be a postgres:// URL");
    }
    let mut vars = HashMap::from([("db_url".to_string(), url.to_string())]);
    let parsed = url::Url::parse(url).context("--db is not a valid URL")?;
    if let Some(host) = parsed.host_str() {
        if manifest.variables.contains_key("db_host") {
            vars.insert("db_host".into(), host.to_string());
        }
    }
    if manifest.variables.contains_key("db_port") {
        vars.insert("db_port".into(), parsed.port().unwrap_or(5432).to_string());
    }
    Ok(vars)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Empty values count as unset.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn up(mut args: UpArgs) -> Result<ExitCode> {
    let manifest = Manifest::from_file(&args.manifest.from)?;
    if args.dapr.app_ids.is_empty() {
        let dirs = if args.dapr.resources_paths.is_empty() {
            default_resources_dir(&manifest.dir).into_iter().collect()
        } else {
            args.dapr.resources_paths.clone()
        };
        args.dapr.app_ids = default_app_ids(&dirs);
    }
    let mut variables = HashMap::new();
    if let Some(db) = &args.db {
        variables.extend(db_variables(&manifest, db)?);
    }
    variables.extend(parse_variables(&args.variables)?);
    let options = AppOptions {
        state_dir: args.state_dir,
        cache_dir: args.cache_dir,
        disable_cache: args.disable_cache,
        variables,
        log_requests: !args.quiet,
        request_timeout: std::time::Duration::from_secs(args.request_timeout),
        pg_pool_size: if args.spin_compat {
            spinhost::SPIN_PG_POOL_SIZE
        } else {
            args.pg_pool_size
        },
        sqlite_mode: if args.spin_compat {
            spinhost::SqliteMode::AsSpin
        } else {
            spinhost::SqliteMode::Tuned
        },
        engine: EngineOptions {
            pooling: !args.disable_pooling,
            slot_reset: if args.spin_compat {
                spinhost::SlotReset::AsSpin
            } else {
                spinhost::SlotReset::Scanned
            },
            ..EngineOptions::default()
        },
    };
    let sidecar = (!args.no_sidecar).then(|| up_sidecar_settings(&args.dapr, args.quiet));
    let system_options = SystemOptions {
        app_listen: args.listen,
        sidecar,
    };
    let resources_note = sidecar_resources_note(&args.dapr.resources_paths, &manifest.dir);
    runtime()?.block_on(async move {
        let started = std::time::Instant::now();
        let dapr_listen = args.dapr.dapr_listen;
        let with_sidecar = system_options.sidecar.is_some();
        let system = System::start_manifest(manifest, options, system_options)
            .await
            .map_err(|e| {
                if with_sidecar && format!("{e:#}").contains("for the Dapr sidecar") {
                    e.context(format!(
                        "the sidecar cannot use {dapr_listen} (change it with --dapr-listen, or --no-sidecar)"
                    ))
                } else {
                    e
                }
            })?;
        let app = system.app();
        let cached = app.load_report().iter().filter(|r| r.from_cache).count();
        eprintln!(
            "spinhost: loaded {} components ({cached} from cache) in {:.0?}",
            app.load_report().len(),
            started.elapsed()
        );
        print_routes(app, &system.app_url());
        if let Some(sidecar) = system.sidecar() {
            eprintln!(
                "spinhost: Dapr sidecar on {} (app id {}; {resources_note})",
                sidecar.base_url(),
                sidecar.app_id()
            );
        }
        for warning in system.warnings() {
            eprintln!("spinhost: warning: {warning}");
        }
        eprintln!(
            "spinhost: serving {} (Ctrl+C to stop)",
            system.app_url()
        );
        tokio::signal::ctrl_c().await?;
        eprintln!("spinhost: shutting down");
        system.shutdown().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The sidecar of `spinhost up`: on the given address, pointed at the app's
/// listen address, leaving the app's dapr_http_endpoint as configured.
fn up_sidecar_settings(dapr: &DaprArgs, quiet: bool) -> SidecarSettings {
    SidecarSettings {
        listen: dapr.dapr_listen,
        app_id: dapr
            .app_ids
            .first()
            .cloned()
            .unwrap_or_else(|| DEFAULT_APP_ID.into()),
        app_ids: if dapr.app_ids.len() > 1 {
            dapr.app_ids.clone()
        } else {
            Vec::new()
        },
        resources_dirs: dapr.resources_paths.clone(),
        point_app_at_sidecar: false,
        log_deliveries: !quiet,
        configure: dapr
            .smtp_url
            .clone()
            .map(|url| -> spinhost::system::ConfigureSidecar {
                Box::new(move |c| c.smtp_url = Some(url))
            }),
        ..SidecarSettings::default()
    }
}

fn sidecar_resources_note(given: &[PathBuf], base: &std::path::Path) -> String {
    let dirs: Vec<PathBuf> = if given.is_empty() {
        default_resources_dir(base).into_iter().collect()
    } else {
        given.to_vec()
    };
    if dirs.is_empty() {
        "no resources: no dapr/ next to the manifest and no --resources-path".into()
    } else {
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        format!("resources from {}", shown.join(", "))
    }
}

/// `taskmanager` (the publisher), then every app id that a resource in
/// `dirs` is scoped to, in order of appearance.
fn default_app_ids(dirs: &[PathBuf]) -> Vec<String> {
    let mut ids = vec![DEFAULT_APP_ID.to_string()];
    for id in spinhost::system::scoped_app_ids(dirs) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

fn sidecar_config(args: &SidecarArgs) -> SidecarConfig {
    let resources_dirs: Vec<PathBuf> = if args.dapr.resources_paths.is_empty() {
        default_resources_dir(std::path::Path::new("."))
            .into_iter()
            .collect()
    } else {
        args.dapr.resources_paths.clone()
    };
    let app_ids = if args.dapr.app_ids.is_empty() {
        default_app_ids(&resources_dirs)
    } else {
        args.dapr.app_ids.clone()
    };
    let app_id = app_ids
        .first()
        .cloned()
        .unwrap_or_else(|| DEFAULT_APP_ID.into());
    let mut config = SidecarConfig::new(
        app_id,
        format!("http://127.0.0.1:{}", args.app_port),
        args.state_dir.join("dapr"),
    )
    .with_listen(args.dapr.dapr_listen);
    if app_ids.len() > 1 {
        config = config.with_app_ids(app_ids);
    }
    config.resources_dirs = if args.dapr.resources_paths.is_empty() {
        default_resources_dir(std::path::Path::new("."))
            .into_iter()
            .collect()
    } else {
        args.dapr.resources_paths.clone()
    };
    config.app_api_token = non_empty(args.app_api_token.clone());
    config.dapr_api_token = non_empty(args.dapr_api_token.clone());
    config.log_deliveries = !args.quiet;
    config.smtp_url = args.dapr.smtp_url.clone();
    config
}

fn sidecar(args: SidecarArgs) -> Result<ExitCode> {
    let config = sidecar_config(&args);
    let note = sidecar_resources_note(&config.resources_dirs, std::path::Path::new("."));
    runtime()?.block_on(async move {
        let listen = config.listen;
        let app_url = config.app_url.clone();
        let sidecar = Sidecar::start(config)
            .await
            .with_context(|| format!("the sidecar cannot start on {listen} (see --dapr-listen)"))?;
        eprintln!(
            "spinhost: Dapr sidecar on {} for the app at {app_url} (app id {}; {note}; Ctrl+C to stop)",
            sidecar.base_url(),
            sidecar.app_id()
        );
        tokio::signal::ctrl_c().await?;
        eprintln!("spinhost: shutting down");
        sidecar.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}

fn tail(args: TailArgs) -> Result<ExitCode> {
    let sidecar = args.sidecar.clone();
    runtime()?.block_on(async move {
        let token = non_empty(args.dapr_api_token);
        let follow = spinhost::tail::tail_events(
            &sidecar,
            token.as_deref(),
            || eprintln!("spinhost: following events from {sidecar} (Ctrl+C to stop)"),
            |event| {
                println!("{event}");
                true
            },
        );
        tokio::select! {
            result = follow => {
                result?;
                eprintln!("spinhost: the sidecar closed the stream");
            }
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn print_routes(app: &App, base: &str) {
    println!("Available Routes:");
    for (route, component, wildcard) in app.router().routes() {
        let shown = route.strip_suffix("/...").unwrap_or(&route);
        let suffix = if wildcard { " (wildcard)" } else { "" };
        println!("  {component}: {base}{shown}{suffix}");
    }
}

fn routes(args: ManifestArg) -> Result<ExitCode> {
    let manifest = Manifest::from_file(&args.from)?;
    let (router, duplicates) = spinhost::router::Router::build(&manifest.http_triggers)?;
    for (route, component, _) in router.routes() {
        println!("{route:<40} {component}");
    }
    for d in duplicates {
        eprintln!(
            "duplicate route {:?}: {:?} replaces {:?}",
            d.route, d.effective_component, d.replaced_component
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    let manifest = Manifest::from_file(&args.manifest.from)?;
    let cache_dir = args
        .cache_dir
        .unwrap_or_else(|| manifest.dir.join("target").join("spinhost-cache"));
    let results = spinhost::check_manifest(&manifest, &EngineOptions::default(), Some(&cache_dir))?;
    let mut failed = false;
    for (id, result) in results {
        match result {
            Ok(()) => println!("ok      {id}"),
            Err(e) => {
                failed = true;
                println!("FAILED  {id}: {e:#}");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("spinhost").chain(args.iter().copied()))
    }

    #[test]
    fn default_app_ids_are_the_publisher_and_every_scoped_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("subs.yaml"),
            "kind: Subscription\nscopes: [overdue-agent, notifier]\n---\nkind: Component\nscopes:\n  - scheduler\n  - notifier\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pubsub.yaml"),
            "kind: Component\nmetadata: {name: pubsub}\n",
        )
        .unwrap();
        assert_eq!(
            default_app_ids(&[dir.path().to_path_buf()]),
            ["taskmanager", "overdue-agent", "notifier", "scheduler"]
        );
    }

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn up_starts_the_sidecar_by_default() {
        let Command::Up(args) = parse(&["up"]).unwrap().command else {
            panic!("not up");
        };
        assert_eq!(args.listen, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(args.dapr.dapr_listen, "127.0.0.1:3500".parse().unwrap());
        assert!(
            args.dapr.app_ids.is_empty(),
            "filled from the resources at start"
        );
        assert!(args.dapr.resources_paths.is_empty());
        assert!(!args.no_sidecar);

        let settings = up_sidecar_settings(&args.dapr, false);
        assert_eq!(settings.app_id, "taskmanager");
        assert!(settings.app_ids.is_empty());
        assert!(
            !settings.point_app_at_sidecar,
            "up leaves dapr_http_endpoint alone"
        );
        assert!(settings.log_deliveries);
    }

    #[test]
    fn up_sidecar_flags() {
        let Command::Up(args) = parse(&[
            "up",
            "--no-sidecar",
            "--dapr-listen",
            "127.0.0.1:3600",
            "--app-id",
            "api",
            "--app-id",
            "scheduler",
            "--resources-path",
            "a",
            "--resources-path",
            "b",
            "--quiet",
        ])
        .unwrap()
        .command
        else {
            panic!("not up");
        };
        assert!(args.no_sidecar);
        assert_eq!(args.dapr.dapr_listen.port(), 3600);
        let settings = up_sidecar_settings(&args.dapr, args.quiet);
        assert_eq!(settings.app_id, "api");
        assert_eq!(settings.app_ids, ["api", "scheduler"]);
        assert_eq!(
            settings.resources_dirs,
            [PathBuf::from("a"), PathBuf::from("b")]
        );
        assert!(!settings.log_deliveries);
    }

    #[test]
    fn sidecar_needs_the_app_port() {
        assert!(parse(&["sidecar"]).is_err());
        let Command::Sidecar(args) = parse(&[
            "sidecar",
            "--app-port",
            "3000",
            "--state-dir",
            "/tmp/s",
            "--dapr-api-token",
            "",
            "--app-api-token",
            "to-app",
        ])
        .unwrap()
        .command
        else {
            panic!("not sidecar");
        };
        let config = sidecar_config(&args);
        assert_eq!(config.app_url, "http://127.0.0.1:3000");
        assert_eq!(config.listen, "127.0.0.1:3500".parse().unwrap());
        assert_eq!(config.app_id, "taskmanager");
        assert_eq!(config.state_dir, PathBuf::from("/tmp/s/dapr"));
        assert_eq!(config.app_api_token.as_deref(), Some("to-app"));
        assert_eq!(config.dapr_api_token, None, "empty means no token");
    }

    #[test]
    fn events_tail_defaults_to_the_local_sidecar() {
        let Command::Events(EventsCommand::Tail(args)) =
            parse(&["events", "tail"]).unwrap().command
        else {
            panic!("not events tail");
        };
        assert_eq!(args.sidecar, "http://127.0.0.1:3500");
        let Command::Events(EventsCommand::Tail(args)) =
            parse(&["events", "tail", "--sidecar", "http://127.0.0.1:4000"])
                .unwrap()
                .command
        else {
            panic!("not events tail");
        };
        assert_eq!(args.sidecar, "http://127.0.0.1:4000");
    }
}
