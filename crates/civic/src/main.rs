//! `civic`: the command line. Results go to stdout, progress and logs to
//! stderr; exit 0 when done, 1 when input is refused, 2 on usage or I/O errors.

mod config;
mod demo;
mod load;
mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "civic",
    version,
    about = "A city's open-data portal and public-records desk"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// Where the catalog and the dataset files live.
    #[arg(long, global = true, default_value = "./civic-data")]
    pub data_dir: PathBuf,
    /// Settings file (TOML); defaults to DATA_DIR/civic.toml when present.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal and its APIs.
    Serve {
        /// The address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        tls: Tls,
    },
    /// Load the bundled sample datasets on first start, then serve.
    Demo {
        /// The address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Publish a CSV, JSON or GeoJSON file as a new dataset.
    Load(load::LoadArgs),
    /// E-mail staff the records requests due soon or overdue, now (the
    /// server also sends this daily at `digest_at`).
    Digest,
    /// Manage the accounts of staff and residents.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
}

/// HTTPS: a certificate chain and its private key, both PEM.
#[derive(Args, Clone, Default)]
pub struct Tls {
    /// Serve HTTPS with this certificate chain (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The input was refused (bad rows, a binary file, an existing id).
    Refused(anyhow::Error),
    /// The command was used wrongly, or reading or writing failed.
    Usage(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Usage(e.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CIVIC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(e)) => {
            eprintln!("refused: {e:#}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let settings = config::settings(&cli.global)?;
    match cli.command {
        Command::Serve { listen, tls } => serve(&cli.global, settings, listen, tls).await,
        Command::Demo { listen } => {
            let store = store::Store::open(&cli.global.data_dir).await?;
            demo::load_samples(&store).await?;
            users::seed_demo_accounts(&store).await?;
            serve(&cli.global, settings, listen, Tls::default()).await
        }
        Command::Load(args) => load::run(&cli.global, &settings, args).await,
        Command::User { command } => users::run(&cli.global, &settings, command).await,
        Command::Digest => digest(&cli.global, settings).await,
    }
}

/// The portal's state over the data folder, with the city's profiles.
async fn state(global: &Global, settings: web::Settings) -> Result<web::AppState, Failure> {
    let profile = config::profile(&settings)?;
    let records = config::records_profile(&settings)?;
    let store = store::Store::open(&global.data_dir).await?;
    let state = web::AppState::new(store, settings).with_profile(profile);
    state.set_jurisdiction(records);
    web::records_desk::apply_rule_checks(&state)
        .await
        .map_err(|e| Failure::Usage(anyhow::anyhow!(e.message)))?;
    Ok(state)
}

async fn digest(global: &Global, settings: web::Settings) -> Result<(), Failure> {
    let state = state(global, settings).await?;
    let run = web::digest::send(&state)
        .await
        .map_err(|e| Failure::Usage(anyhow::anyhow!(e.message)))?;
    for (to, deadlines) in &run.sent {
        println!("sent to {to}: {deadlines} deadline(s)");
    }
    eprintln!(
        "digest: {} sent, {} with nothing due soon, {} refused by the mail server",
        run.sent.len(),
        run.quiet,
        run.failed.len()
    );
    if run.failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Usage(anyhow::anyhow!(
            "the mail server refused the digest for {}",
            run.failed.join(", ")
        )))
    }
}

async fn serve(
    global: &Global,
    settings: web::Settings,
    listen: SocketAddr,
    tls: Tls,
) -> Result<(), Failure> {
    use anyhow::Context;
    let tls = match (&tls.tls_cert, &tls.tls_key) {
        (Some(cert), Some(key)) => Some(web::load_tls(cert, key).await.with_context(|| {
            format!(
                "reading the certificate {} and key {}",
                cert.display(),
                key.display()
            )
        })?),
        _ => None,
    };
    let state = state(global, settings).await?;
    let listener = std::net::TcpListener::bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, data_dir = %global.data_dir.display(), "serving");
    eprintln!("Civic is serving on {scheme}://{addr}");
    match tls {
        Some(config) => web::serve_tls(state, listener, config).await?,
        None => {
            listener.set_nonblocking(true)?;
            web::serve(state, tokio::net::TcpListener::from_std(listener)?).await?
        }
    }
    Ok(())
}
