use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    interviewer::telemetry::init();
    let cli = interviewer::cli::Cli::parse();
    match interviewer::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
