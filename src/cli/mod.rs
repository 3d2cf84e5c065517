//! The command line: its commands and their arguments (clap), `run`, which dispatches them,
//! and `serve`. Each group of commands lives in its own module.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{App, Engines, shutdown_signal};
use crate::config::Config;
use crate::db;

/// `println!` for command output, returning the error instead of panicking when stdout is
/// gone (`interviewer transcribe x.wav | head`); `main` treats a closed pipe as success.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod audits;
mod banks;
mod media;
mod scoring;
mod users;

use audits::{audit, verify_audit_log};
use banks::bank;
use media::{parse_size, render, say, transcribe};
use scoring::score;
use users::create_user;

#[derive(Parser)]
#[command(
    name = "interviewer",
    version,
    about = "An AI interviewer for job candidates: text, voice and avatar"
)]
pub struct Cli {
    /// A TOML config file; environment variables INTERVIEWER__SECTION__KEY override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (migrates the database and imports the question banks first).
    Serve {
        /// Create a demo organization, recruiter, role and invitation, and print their links.
        #[arg(long)]
        seed_demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// The audit log: check that no entry was edited or removed.
    #[command(name = "audit-log")]
    AuditLog {
        #[command(subcommand)]
        command: AuditLogCommand,
    },
    /// Bias audit (NYC Local Law 144 impact ratios, four-fifths flag, Fisher exact test) of
    /// exported data: a CSV with candidate,sex,race_ethnicity and score or selected.
    #[command(group = clap::ArgGroup::new("data").required(true).args(["input", "organization"]))]
    Audit {
        /// The CSV to audit.
        #[arg(long)]
        input: Option<PathBuf>,
        /// Audit this organization's own scored hiring interviews (scoring mode).
        #[arg(long)]
        organization: Option<i64>,
        #[arg(long, value_enum)]
        mode: AuditMode,
        #[arg(long, value_enum, default_value = "json")]
        format: AuditFormat,
        /// Leave a category under 2% of the data out of the ratios: CATEGORY=JUSTIFICATION
        /// (repeatable; the justification is printed with the results).
        #[arg(long = "exclude", value_name = "CATEGORY=JUSTIFICATION")]
        exclusions: Vec<String>,
    },
    /// Question banks: validate, import into the database, export back to TOML.
    Bank {
        #[command(subcommand)]
        command: BankCommand,
    },
    /// Transcribe a WAV file (any bit depth, channel count or rate): words with times.
    Transcribe {
        file: PathBuf,
        /// Print JSON instead of one word per line.
        #[arg(long)]
        json: bool,
    },
    /// Score an interview (content, fluency, code understanding, affect where allowed), store
    /// the scores and the profile and print them; a scorer whose rows a person has overridden
    /// keeps them.
    Score { interview_id: i64 },
    /// Speak TEXT with the interviewer's voice into a 16-bit mono WAV file.
    Say {
        text: String,
        /// Where to write the WAV.
        #[arg(short, long)]
        output: PathBuf,
        /// Print each phoneme with its start and end time (seconds).
        #[arg(long)]
        timings: bool,
    },
    /// Render the avatar speaking TEXT into a video file (frames muxed with the voice by ffmpeg).
    Render {
        #[arg(long)]
        text: String,
        /// Where to write the video (.mp4, .mkv or .webm).
        #[arg(short, long)]
        output: PathBuf,
        /// Frame size as WIDTHxHEIGHT (default: the configured avatar.width and avatar.height).
        #[arg(long, value_parser = parse_size)]
        size: Option<(u32, u32)>,
        /// Frames per second (default: avatar.fps).
        #[arg(long)]
        fps: Option<u32>,
        /// Also write each frame as a PNG into this folder.
        #[arg(long, value_name = "DIR")]
        frames: Option<PathBuf>,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
pub enum BankCommand {
    /// Check bank files; prints FILE:LINE:COLUMN for each problem (default: the configured directory).
    Validate { paths: Vec<PathBuf> },
    /// Validate, then import (idempotent: unchanged questions are left alone).
    Import { paths: Vec<PathBuf> },
    /// Print a bank as TOML.
    Export {
        bank_id: String,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum AuditLogCommand {
    /// Walk the hash chain; exit 1 at the first entry edited, removed or out of place. Prints
    /// the head (the newest entry's hash) to keep outside the database.
    Verify {
        /// A head printed by an earlier run: the log must still hold that entry, so entries
        /// cut from its end since then are caught.
        #[arg(long)]
        anchor: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditMode {
    /// The share of each category scoring above the median of the full sample.
    Scoring,
    /// The share of each category selected.
    Selection,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditFormat {
    Json,
    Csv,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StaffRole {
    Admin,
    Recruiter,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an admin or recruiter. The password is read from INTERVIEWER_PASSWORD or the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: StaffRole,
        /// Organization name for a recruiter (created if it does not exist).
        #[arg(long)]
        organization: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref()).context("loading configuration")?;
    match cli.command {
        Command::Serve { seed_demo } => serve(config, seed_demo).await,
        Command::Migrate => {
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Bank { command } => bank(config, command).await,
        Command::AuditLog {
            command: AuditLogCommand::Verify { anchor },
        } => verify_audit_log(&config, anchor.as_deref()).await,
        Command::Audit {
            input,
            organization,
            mode,
            format,
            exclusions,
        } => {
            audit(
                &config,
                input.as_deref(),
                organization,
                mode,
                format,
                &exclusions,
            )
            .await
        }
        Command::Transcribe { file, json } => transcribe(&config, &file, json),
        Command::Score { interview_id } => score(&config, interview_id).await,
        Command::Say {
            text,
            output,
            timings,
        } => say(&config, &text, &output, timings),
        Command::Render {
            text,
            output,
            size,
            fps,
            frames,
        } => render(&config, &text, &output, size, fps, frames),
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    role,
                    organization,
                },
        } => create_user(config, &email, &name, role, organization).await,
    }
}

async fn serve(config: Config, seed_demo: bool) -> anyhow::Result<()> {
    let app = App::build(config, Engines::default()).await?;
    let url = app.state().public_url.to_string();
    if let Some(link) = App::first_admin_link_for(app.state()).await? {
        println!(
            "No admin exists yet. Create the first admin (one-time link, valid 24 h):\n  {link}"
        );
    }
    if seed_demo {
        crate::demo::seed(app.state()).await?;
    }
    let models_dir = app
        .state()
        .config
        .stt
        .model
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    match crate::models::check(&models_dir) {
        Ok(files) => {
            for p in crate::models::problems(&files) {
                println!("speech features unavailable until fixed: {p}");
            }
        }
        Err(e) => println!("model files not checked: {e}"),
    }
    println!("interviewer listening on {url}");
    if !app.state().config.llm_enabled() {
        println!("follow-up questions: built-in interviewer (set OPENAI_BASE_URL to use an LLM)");
    }
    app.run_until_stopped(shutdown_signal()).await
}
