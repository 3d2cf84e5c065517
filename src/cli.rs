//! The command line: `serve`, `migrate`, `bank validate|import|export`, `user create`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{App, Engines, shutdown_signal};
use crate::auth::{Role, normalize_email, password};
use crate::config::Config;
use crate::content::question_bank;
use crate::db;

/// `println!` for command output, returning the error instead of panicking when stdout is
/// gone (`interviewer transcribe x.wav | head`); `main` treats a closed pipe as success.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

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

async fn bank(config: Config, command: BankCommand) -> anyhow::Result<()> {
    let default = vec![config.content.question_bank_dir.clone()];
    match command {
        BankCommand::Validate { paths } => {
            let paths = if paths.is_empty() { default } else { paths };
            match question_bank::load_all(&paths) {
                Ok(banks) => {
                    for b in &banks {
                        out!(
                            "ok  {} ({}, {} questions)",
                            b.source_file,
                            b.id,
                            b.questions.len()
                        );
                    }
                    Ok(())
                }
                Err(e) => {
                    eprintln!("{e}");
                    bail!("question banks are invalid")
                }
            }
        }
        BankCommand::Import { paths } => {
            let paths = if paths.is_empty() { default } else { paths };
            let banks = question_bank::load_all(&paths).map_err(|e| anyhow::anyhow!("{e}"))?;
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            for b in &banks {
                let r = db::banks::import(&db, b).await?;
                out!(
                    "{}: {}added {}, updated {}, retired {}, unchanged {}",
                    r.bank,
                    if r.created { "new bank, " } else { "" },
                    r.added,
                    r.updated,
                    r.retired,
                    r.unchanged
                );
            }
            Ok(())
        }
        BankCommand::Export { bank_id, output } => {
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            let bank = db::banks::export(&db, &bank_id)
                .await
                .map_err(|e| match e {
                    db::DbError::NotFound => anyhow::anyhow!(
                        "no bank `{bank_id}` in the database; run `interviewer bank import` first"
                    ),
                    other => other.into(),
                })?;
            let text = question_bank::to_toml(&bank)?;
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}

async fn create_user(
    config: Config,
    email: &str,
    name: &str,
    role: StaffRole,
    organization: Option<String>,
) -> anyhow::Result<()> {
    let email = normalize_email(email).context("that is not a valid e-mail address")?;
    let password = match std::env::var("INTERVIEWER_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!(
                "password (at least {} characters), then Enter:",
                password::MIN_LENGTH
            );
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let hash = password::hash(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = db::connect(&config.database.url).await?;
    db::migrate(&db).await?;
    let (role, org) = match (role, organization) {
        (StaffRole::Admin, _) => (Role::Admin, None),
        (StaffRole::Recruiter, None) => bail!("a recruiter needs --organization NAME"),
        (StaffRole::Recruiter, Some(name)) => {
            let existing = db::organizations::list(&db)
                .await?
                .into_iter()
                .find(|o| o.name == name);
            let org = match existing {
                Some(o) => o,
                None => db::organizations::create(&db, &name).await?,
            };
            (Role::Recruiter, Some(org.id))
        }
    };
    let user = db::users::create(
        &db,
        db::users::NewUser {
            organization_id: org,
            email: &email,
            password_hash: Some(hash),
            role,
            display_name: name,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let actor = db::audit::Actor {
        user_id: None,
        role: "cli",
        organization_id: org,
    };
    db::audit::record(
        &db,
        &actor,
        "user_created",
        "user",
        Some(user.id),
        serde_json::json!({ "role": user.role, "email": user.email }),
    )
    .await?;
    out!("created {} {} (id {})", user.role, user.email, user.id);
    Ok(())
}

fn say(config: &Config, text: &str, output: &std::path::Path, timings: bool) -> anyhow::Result<()> {
    use crate::pipeline::speak::Speaker;
    if !text.chars().any(char::is_alphanumeric) {
        anyhow::bail!("nothing to say: the text has no words");
    }
    let speaker = Speaker::load(&config.tts, &config.stt.onnxruntime)?;
    let speech = speaker.speak(text)?;
    let wav = crate::audio::wav::encode(&speech.pcm, speech.sample_rate)?;
    std::fs::write(output, wav).with_context(|| format!("writing {}", output.display()))?;
    if timings {
        for p in &speech.phonemes {
            out!("{:>7.3} {:>7.3}  {}", p.start, p.end, p.symbol);
        }
    }
    eprintln!(
        "{}: {:.2} s at {} Hz ({:?} voice, {} phonemes)",
        output.display(),
        speech.duration(),
        speech.sample_rate,
        speech.voice,
        speech.phonemes.len()
    );
    Ok(())
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{text}` is not WIDTHxHEIGHT, e.g. 640x480");
    let (w, h) = text.split_once(['x', '×']).ok_or_else(bad)?;
    Ok((
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    ))
}

fn render(
    config: &Config,
    text: &str,
    output: &std::path::Path,
    size: Option<(u32, u32)>,
    fps: Option<u32>,
    frames: Option<PathBuf>,
) -> anyhow::Result<()> {
    use crate::pipeline::speak::Speaker;
    use crate::render::{Avatar, FrameSettings, film};
    if !text.chars().any(char::is_alphanumeric) {
        bail!("nothing to say: the text has no words");
    }
    let mut frame = FrameSettings::from_config(&config.avatar);
    if let Some((width, height)) = size {
        (frame.width, frame.height) = (width, height);
    }
    if !crate::render::valid_frame_size(frame.width, frame.height) {
        // Said before the voice and the avatar load, not after.
        return Err(crate::render::RenderError::Size {
            width: frame.width,
            height: frame.height,
        }
        .into());
    }
    let fps = fps.unwrap_or(config.avatar.fps);
    if !(1..=60).contains(&fps) {
        bail!("--fps {fps} is out of range; use 1..=60");
    }
    let avatar = Avatar::load(&config.avatar.model)?;
    let speaker = Speaker::load(&config.tts, &config.stt.onnxruntime)?;
    let speech = speaker.speak(text)?;
    let started = std::time::Instant::now();
    let settings = film::FilmSettings {
        frame,
        fps,
        frames_dir: frames,
    };
    let report = film::film(&avatar, &speech, &settings, output)?;
    eprintln!(
        "{}: {} frames at {}×{}, {fps} fps, {:.2} s; rendered in {:.1} s on {}",
        output.display(),
        report.frames,
        settings.frame.width,
        settings.frame.height,
        report.duration_secs,
        started.elapsed().as_secs_f64(),
        report.adapter
    );
    Ok(())
}

async fn verify_audit_log(config: &Config, anchor: Option<&str>) -> anyhow::Result<()> {
    use crate::db::audit::{Verdict, head, holds, verify};
    let db = db::connect(&config.database.url).await?;
    db::migrate(&db).await?;
    let (entries, chained) = match verify(&db).await? {
        Verdict::Intact { entries, chained } => (entries, chained),
        Verdict::Broken { id, reason } => {
            anyhow::bail!("audit log broken at entry {id}: {reason}")
        }
    };
    if let Some(anchor) = anchor
        && !holds(&db, anchor.trim()).await?
    {
        anyhow::bail!(
            "audit log cut short: the anchored entry {} is no longer in it (entries were removed from its end, or the anchor comes from another log)",
            anchor.trim()
        );
    }
    out!("audit log intact: {entries} entries, {chained} of them chained");
    if let Some(h) = head(&db).await? {
        out!(
            "head: entry {} {} (keep it outside the database; `audit-log verify --anchor HASH` later shows nothing was cut from the end)",
            h.id,
            h.hash.unwrap_or_default()
        );
    }
    Ok(())
}

async fn audit(
    config: &Config,
    input: Option<&std::path::Path>,
    organization: Option<i64>,
    mode: AuditMode,
    format: AuditFormat,
    exclusions: &[String],
) -> anyhow::Result<()> {
    use crate::bias::{self, Exclusion, Mode};
    use std::io::Write as _;
    let mode = match mode {
        AuditMode::Scoring => Mode::Scoring,
        AuditMode::Selection => Mode::Selection,
    };
    let exclusions = exclusions
        .iter()
        .map(|e| {
            let (category, justification) = e.split_once('=').ok_or_else(|| {
                anyhow::anyhow!("--exclude `{e}`: write it as CATEGORY=JUSTIFICATION")
            })?;
            Ok(Exclusion {
                category: category.trim().to_string(),
                justification: justification.trim().to_string(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (records, source) = match (input, organization) {
        (Some(input), _) => {
            let text = std::fs::read_to_string(input)
                .with_context(|| format!("reading {}", input.display()))?;
            let records = bias::input::parse(&text, mode)
                .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
            (records, input.display().to_string())
        }
        (None, Some(org)) => {
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            let org_row = db::organizations::get(&db, org)
                .await
                .map_err(|_| anyhow::anyhow!("there is no organization {org}"))?;
            let what = match mode {
                Mode::Scoring => "scored interviews",
                Mode::Selection => "hiring decisions",
            };
            let records = bias::own::records(&db, org, mode).await?;
            if records.is_empty() {
                anyhow::bail!("nothing to audit: {}", bias::own::none_yet(mode));
            }
            (records, format!("{}'s {what}", org_row.name))
        }
        (None, None) => anyhow::bail!("give --input FILE.csv or --organization ID"),
    };
    let report = bias::audit(&records, mode, &exclusions)?;
    match format {
        AuditFormat::Json => out!("{}", serde_json::to_string_pretty(&report)?),
        AuditFormat::Csv => std::io::stdout()
            .lock()
            .write_all(bias::report::csv(&report).as_bytes())?,
        AuditFormat::Html => std::io::stdout().lock().write_all(
            bias::report::html(&report, &format!("Bias audit of {source}")).as_bytes(),
        )?,
    }
    Ok(())
}

async fn score(config: &Config, interview_id: i64) -> anyhow::Result<()> {
    let db = db::connect(&config.database.url).await?;
    db::migrate(&db).await?;
    let model = std::sync::Arc::new(crate::embed::Embedder::load(
        &config.scoring.embedding_model,
    )?);
    // With a language model configured, the rubric grade runs too.
    let grader = match crate::pipeline::respond::llm::OpenAiChat::new(&config.llm) {
        Some(chat) => Some(crate::scoring::rubric_grade::RubricGrader::new(
            std::sync::Arc::new(chat),
            std::sync::Arc::new(crate::content::Prompts::load(&config.content.prompts_dir)?),
            std::time::Duration::from_millis(config.llm.grade_timeout_ms),
        )),
        None => None,
    };
    let scored =
        crate::scoring::interview::score_interview(&db, model, grader.as_ref(), interview_id)
            .await?;
    if scored.scores.is_empty() {
        out!("interview {interview_id} has no answers to score");
    }
    let percent =
        |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{:.0}%", v * 100.0));
    for r in &scored.scores {
        let value = if r.overridden_by.is_some() {
            format!("{}*", percent(r.override_value))
        } else {
            percent(r.value)
        };
        out!(
            "{:<18} {:<20} {:>5}  {}",
            r.dimension,
            r.competency,
            value,
            r.explanation
        );
    }
    for why in &scored.unavailable {
        out!("{why} (its last scores stand)");
    }
    for scorer in &scored.kept {
        out!("{scorer}: kept as a person overrode one of its scores (* = overridden)");
    }
    let p = &scored.profile;
    match &p.overall {
        Some(o) => out!(
            "overall {:.0}% ± {:.0}  ({})",
            o.value * 100.0,
            o.uncertainty * 100.0,
            p.explanation
        ),
        None => out!("overall: - ({})", p.explanation),
    }
    Ok(())
}

fn transcribe(config: &Config, file: &std::path::Path, json: bool) -> anyhow::Result<()> {
    use crate::pipeline::listen::Silero;
    use crate::pipeline::transcribe::Whisper;
    let pcm = crate::audio::wav::read_file(file)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut vad = Silero::load(&config.stt.vad_model, &config.stt.onnxruntime)?;
    let whisper = Whisper::load(&config.stt.model, config.stt.threads, &config.stt.language)?
        .with_filler_prompt(config.stt.filler_prompt);
    let heard =
        crate::pipeline::recording::hear(config, &mut vad, &mut whisper.session()?, &pcm.samples)?;
    if json {
        let mut out = serde_json::to_value(&heard)?;
        out["file"] = file.display().to_string().into();
        out["text"] = heard.transcript.text().into();
        out!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let (transcript, fluency, prosody) = (&heard.transcript, &heard.fluency, &heard.prosody);
    for w in &transcript.words {
        out!(
            "{:>7.2} {:>7.2}  {:<20} p={:.2}",
            w.start,
            w.end,
            w.text,
            w.prob
        );
    }
    let p = &fluency.silent_pauses;
    out!(
        "\n{} words, {} syllables over {:.1} s of speaking\nspeech rate {:.0} words/min, {:.0} syllables/min; articulation rate {:.0} syllables/min over {:.1} s of phonation\nphonation-time ratio {:.2}; mean length of run {:.1} syllables\nsilent pauses (>= {} ms): {} ({:.1}/min; {} between clauses, {} within), mean {}, longest {}\nfilled pauses {}, repetitions {}, self-corrections {}",
        fluency.words,
        fluency.syllables,
        fluency.speaking_secs,
        fluency.words_per_minute.value,
        fluency.syllables_per_minute.value,
        fluency.articulation_rate.value,
        fluency.articulation_rate.secs,
        fluency.phonation_time_ratio.value,
        fluency.mean_length_of_run.value,
        config.scoring.min_pause_ms,
        p.count,
        p.per_minute.value,
        p.between_clauses,
        p.within_clauses,
        p.mean_secs
            .map(|s| format!("{s:.2} s"))
            .unwrap_or_else(|| "-".into()),
        p.longest_secs
            .map(|s| format!("{s:.2} s"))
            .unwrap_or_else(|| "-".into()),
        fluency.filled_pauses.count,
        fluency.repetitions,
        fluency.self_corrections,
    );
    match (
        prosody.f0_mean_hz,
        prosody.f0_sd_semitones,
        prosody.intensity_sd_db,
    ) {
        (Some(f0), Some(sd), Some(isd)) => out!(
            "F0 mean {f0:.0} Hz, sd {sd:.1} semitones; intensity sd {isd:.1} dB ({} of {} frames voiced)",
            prosody.voiced_frames,
            prosody.frames
        ),
        _ => out!("too little voiced speech for pitch figures"),
    }
    if heard.transcript.words.is_empty() {
        out!("no speech found");
    }
    for w in &heard.quality.warnings {
        out!("warning: {w}");
    }
    Ok(())
}
