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

    let org_audit = |mode: &str| {
        cli_on(
            &app,
            &[
                "audit",
                "--organization",
                &org.to_string(),
                "--mode",
                mode,
                "--format",
                "json",
            ],
        )
    };
    let out = org_audit("scoring");
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

    // Selection mode counts the decisions people recorded; none yet is said in words.
    let out = org_audit("selection");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has a recorded decision yet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decide = |id: i64, outcome: &'static str| {
        let recruiter = &recruiter;
        async move {
            recruiter
                .post(
                    &format!("/api/interviews/{id}/decisions"),
                    json!({ "outcome": outcome, "reason": "panel review of the answers" }),
                )
                .await
        }
    };
    // A decision needs a reason and a known outcome; an interview under way has none yet.
    let r = recruiter
        .post(
            &format!("/api/interviews/{}/decisions", ids[0]),
            json!({ "outcome": "advanced", "reason": " " }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    let r = decide(ids[0], "maybe").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let r = decide(open, "advanced").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    // The first candidate is turned down, then advanced on a second look: the latest stands.
    for (id, outcome) in [
        (ids[0], "not_advanced"),
        (ids[0], "advanced"),
        (ids[1], "not_advanced"),
        (ids[2], "advanced"),
    ] {
        let r = decide(id, outcome).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        assert_eq!(r.body["outcome"], outcome);
    }
    let history = recruiter
        .get(&format!("/api/interviews/{}/decisions", ids[0]))
        .await;
    assert_eq!(history.body["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(history.body["standing"], "advanced");
    // The candidate never records one.
    let r = early
        .post(
            &format!("/api/interviews/{open}/decisions"),
            json!({ "outcome": "advanced", "reason": "me" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);

    let out = org_audit("selection");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["mode"], "selection");
    assert_eq!(report["records"], 3);
    let sex = &report["dimensions"][0];
    let rate = |name: &str| {
        sex["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == name)
            .map(|c| {
                (
                    c["applicants"].as_u64().unwrap(),
                    c["favourable"].as_u64().unwrap(),
                )
            })
            .unwrap()
    };
    assert_eq!(rate("Female"), (1, 1), "{sex}");
    assert_eq!(rate("Male"), (1, 0), "{sex}");
    assert_eq!(sex["unknown"], 1, "{sex}");

    // The admin page runs the same audit in either mode.
    create_user(&app, "root@acme.example", Role::Admin, None).await;
    let admin = Client::login(&app, "root@acme.example").await;
    let page = |mode: &str| format!("/api/admin/organizations/{org}/bias-audit?mode={mode}");
    let r = admin.get(&page("selection")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["report"], report);
    assert!(
        r.body["title"]
            .as_str()
            .unwrap()
            .contains("hiring decisions")
    );
    let r = admin.get(&page("vibes")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
}

/// A reproducible population: 2,400 people in two sexes and four race/ethnicity categories
/// (some of each unknown), whose chances and scores differ by group.
fn population(mode: &str) -> String {
    let mut state: u64 = 0x5eed_1e55;
    let mut next = move || {
        // A 64-bit LCG (Knuth's MMIX constants): the same rows on every machine.
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let sexes = ["Male", "Female"];
    let races = [
        "White",
        "Black or African American",
        "Hispanic or Latino",
        "Asian",
    ];
    let mut csv = format!(
        "candidate,sex,race_ethnicity,{}\n",
        if mode == "scoring" {
            "score"
        } else {
            "selected"
        }
    );
    for i in 0..2400 {
        let s = (next() * 2.0) as usize;
        let r = (next() * 4.0) as usize;
        let sex = if next() < 0.03 { "" } else { sexes[s] };
        let race = if next() < 0.05 { "" } else { races[r] };
        let lean = 0.12 * s as f64 + 0.07 * r as f64;
        let outcome = if mode == "scoring" {
            format!("{:.4}", next() * 0.8 + lean * 0.5)
        } else {
            u8::from(next() < 0.55 - lean).to_string()
        };
        csv.push_str(&format!("c{i},{sex},\"{race}\",{outcome}\n"));
    }
    csv
}

/// The same figures from fairlearn (`tests/audit/fairlearn_reference.py`), in the virtual
/// environment `scripts/test` prepares.
fn fairlearn(csv: &str, mode: &str) -> serde_json::Value {
    let python = std::env::var("FAIRLEARN_PYTHON").expect(
        "FAIRLEARN_PYTHON names a Python with tests/audit/requirements.txt installed; scripts/test sets it up",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.csv");
    std::fs::write(&file, csv).unwrap();
    let out = std::process::Command::new(python)
        .arg(root().join("tests/audit/fairlearn_reference.py"))
        .arg(&file)
        .arg(mode)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_audit_matches_fairlearn_on_generated_data() {
    for mode in ["selection", "scoring"] {
        let csv = population(mode);
        let out = run(&csv, &["--mode", mode, "--format", "json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let theirs = fairlearn(&csv, mode);
        let mut compared = 0;
        for dim in ours["dimensions"].as_array().unwrap() {
            let name = dim["name"].as_str().unwrap();
            let reference = &theirs[name];
            assert_eq!(dim["unknown"], reference["unknown"], "{mode} {name}");
            let cats = dim["categories"].as_array().unwrap();
            assert_eq!(
                cats.len(),
                reference["categories"].as_object().unwrap().len(),
                "{mode} {name}"
            );
            let mut lowest = f64::MAX;
            for c in cats {
                let cat = c["category"].as_str().unwrap();
                let r = &reference["categories"][cat];
                let close = |a: &serde_json::Value, b: &serde_json::Value, tol: f64| {
                    let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
                    assert!(
                        (a - b).abs() <= tol * b.abs().max(1e-300),
                        "{mode} {name} {cat}: ours {a}, fairlearn {b}"
                    );
                };
                assert_eq!(c["applicants"], r["applicants"], "{mode} {name} {cat}");
                close(&c["rate"], &r["rate"], 1e-12);
                close(&c["impact_ratio"], &r["impact_ratio"], 1e-12);
                // The highest category is the comparison for everyone else's p-value.
                assert_eq!(
                    c["fisher_p"].is_null(),
                    r["fisher_p"].is_null(),
                    "{mode} {name} {cat}: the highest category differs"
                );
                if !r["fisher_p"].is_null() {
                    close(&c["fisher_p"], &r["fisher_p"], 1e-6);
                }
                lowest = lowest.min(c["impact_ratio"].as_f64().unwrap());
                compared += 1;
            }
            let min_over_max = reference["min_over_max"].as_f64().unwrap();
            assert!(
                (lowest - min_over_max).abs() < 1e-12,
                "{mode} {name}: lowest impact ratio {lowest}, fairlearn's ratio() {min_over_max}"
            );
        }
        assert_eq!(compared, 2 + 4 + 8, "{mode}: every category compared");
    }
}
