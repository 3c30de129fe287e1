//! The `healthbook` binary, built inside the tests package.
//!
//! Same entry point as `server/src/main.rs`. Building it here lets cargo compile it together
//! with the tests, with the tests' own dependency features, before any test runs: the harness
//! never has to start a second cargo, and never waits on it.
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    healthbook_server::commands::cli_main().await
}
