//! `interviewer audit` on an exported CSV, as an independent auditor would run it: the DCWP
//! rules' worked example of impact ratios reproduced, and bad data refused in words with a
//! non-zero exit.

use crate::helpers::*;

/// One row per person: `n` of a category, the first `k` of them selected.
fn rows(out: &mut String, sex: &str, race: &str, n: usize, k: usize) {
    for i in 0..n {
        let id = out.lines().count();
        out.push_str(&format!("c{id},{sex},\"{race}\",{}\n", u8::from(i < k)));
    }
}

fn run(csv: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.csv");
    std::fs::write(&file, csv).unwrap();
    let mut all = vec!["audit", "--input", file.to_str().unwrap()];
    all.extend_from_slice(args);
    cli_command(&all).output().unwrap()
}

#[test]
fn the_cli_reproduces_the_published_impact_ratios() {
    let mut csv = String::from("candidate,sex,race_ethnicity,selected\n");
    // The DCWP example's counts: 92 male at 54.3%, 76 female at 44.7%.
    rows(&mut csv, "Male", "", 92, 50);
    rows(&mut csv, "Female", "", 76, 34);
    let out = run(&csv, &["--mode", "selection", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sex = &report["dimensions"][0];
    assert_eq!(sex["name"], "sex");
    let female = sex["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "Female")
        .unwrap();
    assert_eq!(
        format!("{:.2}", female["impact_ratio"].as_f64().unwrap()),
        "0.82"
    );
    assert_eq!(report["dimensions"][1]["unknown"], 168);

    // The same as CSV and as an HTML summary.
    let out = run(&csv, &["--mode", "selection", "--format", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("dimension,category,applicants"), "{text}");
    assert!(
        text.contains("sex,Female,76,34,0.4474,0.8232,false"),
        "{text}"
    );
    let out = run(&csv, &["--mode", "selection", "--format", "html"]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains("<td>Female</td><td>76</td><td>44.7%</td><td>0.82</td>"),
        "{html}"
    );
}

#[test]
fn bad_audits_are_refused_in_words() {
    for (csv, args, says) in [
        (
            "candidate,sex,race_ethnicity,selected\n",
            &["--mode", "selection"][..],
            "no records",
        ),
        (
            "candidate,sex,race_ethnicity,selected\n1,F,A,1\n2,F,A,0\n",
            &["--mode", "selection"][..],
            "no dimension has two categories",
        ),
        (
            "candidate,sex,race_ethnicity,selected\n1,F,A,1\n",
            &["--mode", "scoring"][..],
            "no `score` column",
        ),
        (
            "candidate,sex,race_ethnicity,selected\n1,F,A,1\n2,M,A,0\n",
            &["--mode", "selection", "--exclude", "F"][..],
            "CATEGORY=JUSTIFICATION",
        ),
    ] {
        let out = run(csv, args);
        assert!(!out.status.success(), "{csv}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{says}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[tokio::test]
async fn self_identification_stays_apart_and_feeds_the_organizations_own_audit() {
    use interviewer::auth::Role;
    use reqwest::StatusCode;
    use serde_json::json;
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;

    // Not before the interview is over.
    let (_, link) = role_with_invite(&recruiter, "early@example.com").await;
    let (early, open) = open_invite(&app, &link).await;
    let path = |id: i64| format!("/api/interviews/{id}/self-identification");
    let r = early
        .post(
            &path(open),
            json!({ "sex": "Female", "race_ethnicity": "Asian" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);

    let mut ids = Vec::new();
    for (email, sex, race) in [
        ("a@example.com", "Female", "Asian"),
        ("b@example.com", "Male", "White"),
        ("c@example.com", "decline", "decline"),
    ] {
        let (c, id) = finished_interview(&app, &recruiter, email).await;
        let r = c
            .post(
                &path(id),
                json!({ "sex": "Robot", "race_ethnicity": "decline" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
        assert!(
            r.body["error"]
                .as_str()
                .unwrap()
                .contains("sex must be one of")
        );
        let r = c
            .post(&path(id), json!({ "sex": sex, "race_ethnicity": race }))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
        ids.push(id);
    }
    // Scoring runs in the background; the audit reads the stored profiles.
    for id in &ids {
        wait_for_profile(&app, *id).await;
    }
    // Recruiters never see what candidates said about themselves.
    for id in &ids {
        for read in [
            format!("/api/interviews/{id}"),
            format!("/api/interviews/{id}/scores"),
        ] {
            let body = recruiter.get(&read).await.body.to_string();
            assert!(
                !body.contains("Asian") && !body.contains("\"Female\""),
                "{read}: {body}"
            );
        }
    }

    let out = cli_command(&[
        "audit",
        "--organization",
        &org.to_string(),
        "--mode",
        "scoring",
        "--format",
        "json",
    ])
    .env("DATABASE_URL", &app.state.config.database.url)
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["records"], 3);
    let sex = &report["dimensions"][0];
    assert_eq!(sex["unknown"], 1, "{sex}");
    assert_eq!(sex["categories"].as_array().unwrap().len(), 2);

    // Selection decisions are not recorded by the service: said so, not guessed.
    let out = cli_command(&[
        "audit",
        "--organization",
        &org.to_string(),
        "--mode",
        "selection",
    ])
    .env("DATABASE_URL", &app.state.config.database.url)
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not selection decisions"));
}
