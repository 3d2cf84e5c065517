//! `serve --seed-demo`: a demo organization with a recruiter, a role with a three-question
//! plan, and a fresh invitation, so a new user reaches a first interview in minutes.
//! Idempotent: rerunning reuses what exists and prints a new invitation.

use anyhow::Context;
use chrono::Utc;

use crate::app::AppState;
use crate::auth::{Role, password, token};
use crate::db::{self, banks, invitations, jobs, organizations, users};

const ORG: &str = "Demo Company";
const RECRUITER: &str = "recruiter@demo.example";
const JOB: &str = "Backend Engineer (demo)";
/// (bank, question) pairs of the demo plan.
const PLAN: [(&str, &str); 3] = [
    ("behavioral-core", "conflict-with-teammate"),
    ("backend-technical", "idempotent-payments-api"),
    ("coding-fundamentals", "two-sum"),
];

pub async fn seed(app: &AppState) -> anyhow::Result<()> {
    let db = &app.db;
    let org = match organizations::list(db)
        .await?
        .into_iter()
        .find(|o| o.name == ORG)
    {
        Some(o) => o,
        None => organizations::create(db, ORG).await?,
    };
    let recruiter = match users::by_email(db, RECRUITER).await? {
        Some(u) => {
            println!(
                "demo recruiter: {RECRUITER} (exists; password as printed when it was created)"
            );
            u
        }
        None => {
            let pw = token::generate()[..16].to_string();
            let hash = password::hash(&pw).map_err(|e| anyhow::anyhow!("{e}"))?;
            let u = users::create(
                db,
                users::NewUser {
                    organization_id: Some(org.id),
                    email: RECRUITER,
                    password_hash: Some(hash),
                    role: Role::Recruiter,
                    display_name: "Demo Recruiter",
                },
            )
            .await?;
            println!("demo recruiter: {RECRUITER}  password: {pw}");
            u
        }
    };
    let job = match jobs::list(db, Some(org.id))
        .await?
        .into_iter()
        .find(|j| j.title == JOB)
    {
        Some(j) => j,
        None => {
            let job = jobs::create(
                db,
                jobs::NewJob {
                    organization_id: org.id,
                    title: JOB,
                    description: "Demo role seeded by --seed-demo.",
                    region: "us",
                    default_follow_ups: 1,
                    created_by: Some(recruiter.id),
                },
            )
            .await?;
            let mut plan = Vec::new();
            for (bank_slug, question_slug) in PLAN {
                let bank = banks::list(db)
                    .await?
                    .into_iter()
                    .find(|b| b.slug == bank_slug)
                    .with_context(|| format!("demo needs question bank `{bank_slug}`"))?;
                jobs::attach_bank(db, job.id, bank.id).await?;
                let questions = banks::questions(db, bank.id).await?;
                let q = questions
                    .iter()
                    .find(|q| q.slug == question_slug)
                    .or(questions.first())
                    .with_context(|| format!("bank `{bank_slug}` has no questions"))?;
                plan.push((q.id, 1));
            }
            jobs::set_plan(db, job.id, &plan).await?;
            let criteria = [
                ("collaboration", 1.0),
                ("api-design", 1.0),
                ("problem-solving", 2.0),
            ];
            jobs::set_criteria(db, job.id, &criteria.map(|(c, w)| (c.to_string(), w, None)))
                .await?;
            job
        }
    };
    let tok = token::generate();
    let expires_at = Utc::now() + chrono::Duration::hours(app.config.interview.invite_ttl_hours);
    let n = invitations::list_for_job(db, job.id).await?.len() + 1;
    let email = format!("candidate{n}@demo.example");
    let inv = invitations::create(
        db,
        invitations::NewInvitation {
            job_id: job.id,
            token_hash: &token::hash(&tok),
            candidate_email: &email,
            candidate_name: "Demo Candidate",
            created_by: Some(recruiter.id),
            expires_at,
        },
    )
    .await?;
    let actor = db::audit::Actor {
        user_id: None,
        role: "cli",
        organization_id: Some(org.id),
    };
    db::audit::record(
        db,
        &actor,
        "demo_seeded",
        "job",
        Some(job.id),
        serde_json::json!({ "invitation": inv.id }),
    )
    .await?;
    println!(
        "demo role: {JOB}\ndemo interview (candidate link): {}/i/{tok}",
        app.public_url
    );
    Ok(())
}
