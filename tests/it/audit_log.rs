//! The audit log is tamper-evident: every entry chains to the one before it, and
//! verification (in code and as `interviewer audit-log verify`) names the first entry that
//! was edited or whose predecessor was removed.

use interviewer::auth::Role;
use interviewer::db::audit::{Verdict, verify};
use interviewer::db::entities::audit_entry;
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use serde_json::json;

use crate::helpers::*;

async fn logged_app() -> (TestApp, Vec<audit_entry::Model>) {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    role_with_invite(&recruiter, "ada@example.com").await;
    Client::login(&app, "rec@acme.example").await;
    let entries = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(entries.len() >= 4, "{} entries", entries.len());
    (app, entries)
}

fn cli_verify(app: &TestApp) -> std::process::Output {
    cli_on(app, &["audit-log", "verify"])
}

#[tokio::test]
async fn an_edited_entry_is_caught() {
    let (app, entries) = logged_app().await;
    let db = &app.state.db;
    assert_eq!(
        verify(db).await.unwrap(),
        Verdict::Intact {
            entries: entries.len(),
            chained: entries.len()
        }
    );
    let out = cli_verify(&app);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit log intact"));

    // Someone rewrites what an entry says.
    let victim = &entries[1];
    let mut row: audit_entry::ActiveModel = victim.clone().into();
    row.detail = Set(json!({ "note": "nothing happened here" }));
    row.update(db).await.unwrap();
    match verify(db).await.unwrap() {
        Verdict::Broken { id, reason } => {
            assert_eq!(id, victim.id);
            assert!(reason.contains("changed"), "{reason}");
        }
        v => panic!("not caught: {v:?}"),
    }
    let out = cli_verify(&app);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("broken at entry {}", victim.id)),
        "{err}"
    );
}

#[tokio::test]
async fn a_removed_entry_is_caught() {
    let (app, entries) = logged_app().await;
    let db = &app.state.db;
    audit_entry::Entity::delete_by_id(entries[1].id)
        .exec(db)
        .await
        .unwrap();
    match verify(db).await.unwrap() {
        Verdict::Broken { id, reason } => {
            assert_eq!(id, entries[2].id);
            assert!(reason.contains("removed"), "{reason}");
        }
        v => panic!("not caught: {v:?}"),
    }
}

#[tokio::test]
async fn entries_cut_from_the_end_are_caught_against_an_anchor() {
    let (app, entries) = logged_app().await;
    let out = cli_verify(&app);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let head = stdout
        .lines()
        .find_map(|l| l.strip_prefix("head: entry "))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or_else(|| panic!("a head in {stdout}"))
        .to_string();
    assert_eq!(Some(&head), entries.last().unwrap().hash.as_ref());

    // The newest entry is removed: the chain alone still holds, the anchor does not.
    audit_entry::Entity::delete_by_id(entries.last().unwrap().id)
        .exec(&app.state.db)
        .await
        .unwrap();
    assert!(cli_verify(&app).status.success());
    let out = cli_on(&app, &["audit-log", "verify", "--anchor", &head]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut short"), "{err}");
    // An anchor the log still holds passes.
    let older = entries[entries.len() - 2].hash.clone().unwrap();
    let out = cli_on(&app, &["audit-log", "verify", "--anchor", &older]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
