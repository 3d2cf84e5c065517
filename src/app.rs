//! Building and running the service: `AppState` (what every handler and session borrows)
//! and `App`, a bound server that runs until its shutdown future resolves.

use crate::mail::Mailer;
use crate::scoring::rubric_grade::RubricGrader;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::rate_limit::{self, RateLimiter};
use crate::auth::token;
use crate::config::Config;
use crate::content::{Prompts, question_bank};
use crate::db;
use crate::pipeline::respond::Interviewer;
use crate::pipeline::respond::llm::{ChatModel, OpenAiChat};
use crate::session::SessionRegistry;
use crate::session::live::{LiveContext, LiveRegistry};
use crate::session::registry::SessionContext;
use crate::voice::Voice;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub sessions: SessionRegistry,
    pub login_limiter: Arc<RateLimiter>,
    /// Base of links handed to people, e.g. `http://127.0.0.1:8080`.
    pub public_url: Arc<str>,
    /// Speech models, loaded when first needed.
    pub voice: Voice,
    /// The avatar's mesh, morph targets and textures, checked at start-up.
    pub avatar: Arc<crate::render::Avatar>,
    /// Live interviews over WebRTC.
    pub live: LiveRegistry,
    /// Sends invitations and reminders; none without an SMTP server configured.
    pub mailer: Option<Arc<Mailer>>,
}

/// Swappable engines; tests inject a chat model that talks to a loopback server.
#[derive(Default, Clone)]
pub struct Engines {
    pub chat: Option<Arc<dyn ChatModel>>,
}

pub struct App {
    listener: TcpListener,
    state: AppState,
    tasks: TaskTracker,
    cancel: CancellationToken,
}

impl App {
    /// Connects and migrates the database, imports the question banks, loads the prompts,
    /// and binds the port (0 picks a free one).
    pub async fn build(config: Config, engines: Engines) -> anyhow::Result<Self> {
        let db = db::connect(&config.database.url).await.with_context(|| {
            format!(
                "connecting to {}",
                crate::config::redact_url(&config.database.url)
            )
        })?;
        db::migrate(&db)
            .await
            .context("running database migrations")?;
        import_banks(&db, &config).await?;
        // A missing or broken avatar stops start-up with the file's name, not the first call.
        let avatar = Arc::new(crate::render::Avatar::load(&config.avatar.model)?);
        let prompts = Arc::new(
            Prompts::load(&config.content.prompts_dir).context("loading prompt templates")?,
        );
        let chat = match engines.chat {
            Some(c) => Some(c),
            None => OpenAiChat::new(&config.llm).map(|c| Arc::new(c) as Arc<dyn ChatModel>),
        };
        let grader = chat.clone().map(|chat| {
            RubricGrader::new(
                chat,
                prompts.clone(),
                Duration::from_millis(config.llm.grade_timeout_ms),
            )
        });
        let interviewer = Interviewer::new(
            prompts,
            chat,
            Duration::from_millis(config.llm.timeout_ms),
            config.llm.max_question_chars,
        );
        let addr = format!("{}:{}", config.server.host, config.server.port);
        let listener = TcpListener::bind(&addr)
            .await
            .with_context(|| format!("binding {addr}; is another server running there?"))?;
        let port = listener.local_addr()?.port();
        let tasks = TaskTracker::new();
        let cancel = CancellationToken::new();
        let ctx = SessionContext {
            db: db.clone(),
            interviewer,
            disclosure_version: config.interview.disclosure_version.clone(),
            scoring: crate::scoring::queue::ScoringQueue::new(
                db.clone(),
                config.scoring.embedding_model.clone(),
                grader,
            ),
        };
        let config = Arc::new(config);
        let sessions = SessionRegistry::new(ctx, tasks.clone(), cancel.clone());
        let voice = Voice::new(config.clone());
        let live = LiveRegistry::new(
            LiveContext {
                config: config.clone(),
                voice: voice.clone(),
                avatar: avatar.clone(),
                sessions: sessions.clone(),
            },
            tasks.clone(),
            cancel.clone(),
        );
        // A wrong SMTP URL or sender stops start-up, not the first invitation.
        let mailer = Mailer::from_config(&config.mail)?.map(Arc::new);
        let public_url: Arc<str> = config.public_url(port).into();
        if let Some(m) = &mailer
            && config.mail.send_reminders
        {
            tasks.spawn(crate::mail::reminders::run(
                db.clone(),
                m.clone(),
                public_url.clone(),
                chrono::Duration::minutes(config.mail.reminder_after_mins as i64),
                Duration::from_secs(config.mail.reminder_check_secs),
                cancel.clone(),
            ));
        }
        tasks.spawn(crate::webhooks::deliver::run(
            db.clone(),
            config.webhooks.clone(),
            cancel.clone(),
        ));
        tasks.spawn(crate::privacy::retention::run(
            db.clone(),
            Duration::from_secs(config.retention.check_secs),
            cancel.clone(),
        ));
        // Interviews that ended while the last server was stopping, before their scoring ran.
        let left = db::interviews::unscored(&db, None).await?;
        if !left.is_empty() {
            tracing::info!(
                count = left.len(),
                "scoring interviews the last run left unscored"
            );
        }
        for interview in left {
            sessions.scoring().request(interview);
        }
        let state = AppState {
            mailer,
            public_url,
            login_limiter: Arc::new(RateLimiter::new(
                config.server.login_attempts_per_window,
                rate_limit::WINDOW,
            )),
            sessions,
            voice,
            avatar,
            live,
            config,
            db,
        };
        Ok(Self {
            listener,
            state,
            tasks,
            cancel,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// On a database without an admin: a one-time link (24 h) to create the first one.
    pub async fn first_admin_link_for(state: &AppState) -> anyhow::Result<Option<String>> {
        if db::users::count_admins(&state.db).await? > 0 {
            return Ok(None);
        }
        let tok = token::generate();
        db::bootstrap::create(
            &state.db,
            &token::hash(&tok),
            db::bootstrap::FIRST_ADMIN,
            Utc::now() + chrono::Duration::hours(24),
        )
        .await?;
        Ok(Some(format!("{}/setup/{tok}", state.public_url)))
    }

    /// Serves until `shutdown` resolves, then lets running sessions finish their turn.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let router = crate::http::router(self.state.clone());
        let cancel = self.cancel.clone();
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            cancel.cancel();
        })
        .await
        .context("serving HTTP")?;
        self.tasks.close();
        self.tasks.wait().await;
        Ok(())
    }
}

/// Imports every bank of the question-bank directory (idempotent: unchanged banks are left
/// alone). An invalid bank stops start-up with its file:line:column.
pub async fn import_banks(db: &DatabaseConnection, config: &Config) -> anyhow::Result<()> {
    let banks = question_bank::load_all(std::slice::from_ref(&config.content.question_bank_dir))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("validating question banks (fix the file, or run `interviewer bank validate`)")?;
    for bank in &banks {
        let report = db::banks::import(db, bank).await?;
        if report.created || report.added + report.updated + report.retired > 0 {
            tracing::info!(bank = %report.bank, added = report.added, updated = report.updated, retired = report.retired, "question bank imported");
        }
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
