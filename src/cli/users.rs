//! `user create`: staff accounts from the command line.

use std::io::BufRead;

use anyhow::{Context, bail};

use super::StaffRole;
use crate::auth::{Role, normalize_email, password};
use crate::config::Config;
use crate::db;

pub(super) async fn create_user(
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
