//! Question banks: `bank validate` locates problems, import is idempotent, export round-trips.

use interviewer::content::question_bank;
use interviewer::db;

use crate::helpers::*;

fn cli(args: &[&str], db_url: &str) -> std::process::Output {
    cli_command(args)
        .env("DATABASE_URL", db_url)
        .output()
        .expect("cli runs")
}

#[tokio::test]
async fn validate_reports_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[bank]\nid = \"broken-bank\"\ntitle = \"Broken\"\nversion = 1\n\n[[questions]]\nid = \"q-one\"\nkind = \"behavioral\"\ncompetency = \"teamwork\"\nprompt = \"Tell me about a time you helped a colleague.\"\nrubric = [\"Specific example\"]\nfollow_ups = [\"What happened next?\"]\ntime_limit_secs = 300\ndifficulty = \"medium\"\nmood = \"cheerful\"\n",
    )
    .unwrap();
    let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("x.db").display());
    let out = cli(&["bank", "validate", bad.to_str().unwrap()], &db_url);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:15:1") && err.contains("mood"),
        "{err}"
    );
    let out = cli(&["bank", "validate"], &db_url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("ok"))
            .count(),
        3
    );
}

#[tokio::test]
async fn import_is_idempotent_and_export_round_trips() {
    let app = spawn_app().await; // start-up imported every bank once
    let banks = question_bank::load_all(&[root().join("question-bank")]).unwrap();
    for bank in &banks {
        let again = db::banks::import(&app.state.db, bank).await.unwrap();
        assert_eq!(
            (again.created, again.added, again.updated, again.retired),
            (false, 0, 0, 0),
            "{again:?}"
        );
        assert_eq!(again.unchanged, bank.questions.len());
        let exported = db::banks::export(&app.state.db, &bank.id).await.unwrap();
        let text = question_bank::to_toml(&exported).unwrap();
        let parsed = question_bank::parse(std::path::Path::new("export.toml"), &text).unwrap();
        assert_eq!(parsed.questions, bank.questions);
    }
    // A question dropped from the file is retired, not deleted; a changed one is updated.
    let mut edited = banks[0].clone();
    let dropped = edited.questions.pop().unwrap();
    edited.questions[0].prompt.push_str(" Be specific.");
    let r = db::banks::import(&app.state.db, &edited).await.unwrap();
    assert_eq!((r.updated, r.retired), (1, 1), "{r:?}");
    let exported = db::banks::export(&app.state.db, &edited.id).await.unwrap();
    assert!(!exported.questions.iter().any(|q| q.id == dropped.id));
}
