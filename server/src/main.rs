use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    healthbook_server::run::cli_main().await
}
