//! `spinhost`: serve the app locally like `spin up`, list its routes, or
//! check that every component's imports are provided.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use spinhost::{App, AppOptions, EngineOptions, Manifest};

#[derive(Parser)]
#[command(
    name = "spinhost",
    version,
    about = "Runs the app's Spin components the way Spin 3.6 does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (like `spin up`).
    Up(UpArgs),
    /// Print the route table.
    Routes(ManifestArg),
    /// Compile every component and check that the host provides all its imports.
    Check(CheckArgs),
}

#[derive(Args)]
struct ManifestArg {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    from: PathBuf,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    manifest: ManifestArg,
    /// Where compiled components are cached (default: target/spinhost-cache next to the manifest).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
}

#[derive(Args)]
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
    /// Do not log requests.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
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
        Command::Routes(args) => routes(args),
        Command::Check(args) => check(args),
    }
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

fn up(args: UpArgs) -> Result<ExitCode> {
    let manifest = Manifest::from_file(&args.manifest.from)?;
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
        engine: EngineOptions {
            pooling: !args.disable_pooling,
            ..EngineOptions::default()
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let started = std::time::Instant::now();
        let app = tokio::task::block_in_place(|| App::from_manifest(manifest, options))?;
        let cached = app.load_report().iter().filter(|r| r.from_cache).count();
        eprintln!(
            "spinhost: loaded {} components ({cached} from cache) in {:.0?}",
            app.load_report().len(),
            started.elapsed()
        );
        let server = app.bind(args.listen).await?;
        // An embedded Dapr-compatible sidecar, when there is one, starts here,
        // pointed at `server.local_addr()`, and stops after the server below.
        print_routes(&app, &format!("http://{}", server.local_addr()));
        eprintln!(
            "spinhost: serving http://{} (Ctrl+C to stop)",
            server.local_addr()
        );
        tokio::signal::ctrl_c().await?;
        eprintln!("spinhost: shutting down");
        server.shutdown().await?;
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
