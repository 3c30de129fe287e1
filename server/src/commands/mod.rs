//! The subcommands of `healthbook`, from resolved configuration to exit code; `serve` is
//! in [`crate::run`], the others here.

pub mod certificates;
mod staff;

use crate::cli::{Cli, Command, ServeArgs};
use crate::config::Config;
use crate::run::{clock, open_database, serve};
use crate::{demo, telemetry};
use clap::Parser;
use clap::error::ErrorKind;
use std::process::ExitCode;

/// Exit code for bad usage or configuration, as for a bad command-line option.
const EXIT_USAGE: u8 = 2;
const EXIT_FAILURE: u8 = 1;

/// Parses the command line and runs the command: the whole of `healthbook`'s `main`.
pub async fn cli_main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            // One line that names the offending option; the full usage is one --help away.
            let rendered = error.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{first} (see healthbook --help)");
            return ExitCode::from(2);
        }
    };
    main(cli).await
}

pub async fn main(cli: Cli) -> ExitCode {
    let config = match Config::resolve(cli.options) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    if let Command::Serve(args) = &command
        && config.production
    {
        let refusals = config.production_refusals(args.demo);
        if !refusals.is_empty() {
            eprintln!(
                "error: production mode refuses to start: {}",
                refusals.join("; ")
            );
            return ExitCode::from(EXIT_USAGE);
        }
    }
    telemetry::init(config.log_format, &config.log);
    let result = match command {
        Command::Serve(args) => serve(config, args).await,
        Command::Migrate => migrate(config).await,
        Command::SeedDemo => seed_demo(config).await,
        Command::CreateStaff(args) => staff::create_staff(config, args).await,
        Command::Keys(args) => certificates::run_keys(config, args).await,
        Command::Certs(args) => certificates::run_certs(config, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "healthbook stopped with an error");
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    open_database(&config).await.map(|_| ())
}

async fn seed_demo(config: Config) -> anyhow::Result<()> {
    let db = open_database(&config).await?;
    let report = demo::seed(&db, clock(&config).now()).await?;
    tracing::info!(
        demo.facilities = report.facilities_added,
        demo.practitioners = report.practitioners_added,
        "demo data loaded"
    );
    Ok(())
}
