//! A candidate's data: exported whole (JSON plus media, zipped), erased so that no row and no
//! file names them (the database's rows, and on SQLite its files, scanned for their words),
//! and expired by the organization's retention periods in the background.

use std::io::Read;

use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::helpers::*;

/// Words only this test's candidate uses: none may survive their erasure.
const MARKERS: [&str; 4] = [
    "Quartermaine",
    "zebulon.q@example.com",
    "periwinkle",
    "marmalade_total",
];

struct Setup {
    app: TestApp,
    org: i64,
    recruiter: Client,
    admin: Client,
}

async fn setup(tweak: impl FnOnce(&mut interviewer::config::Config)) -> Setup {
    let app = spawn_with(tweak, None).await;
    let (org, recruiter, admin) = org_with_staff(&app).await;
    Setup {
        app,
        org,
        recruiter,
        admin,
    }
}

/// Zebulon Quartermaine's finished interview: a résumé, a spoken answer, code and typed
/// answers carrying the markers, then their self-identification. Returns the signed-in
/// candidate and the interview id.
async fn zebulons_interview(s: &Setup) -> (Client, i64) {
    let (job, _) = role_with_invite(&s.recruiter, "someone-else@example.com").await;
    let r = s
        .recruiter
        .post(
            &format!("/api/jobs/{job}/invitations"),
            json!({ "email": MARKERS[1], "name": "Zebulon Quartermaine" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let link = r.body["link"].as_str().unwrap().to_string();
    let invitation = r.body["id"].as_i64().unwrap();
    let cv = "Zebulon Quartermaine\nSenior engineer at Periwinkle Systems, 2019-2024: Python, PostgreSQL\n";
    let (status, _, body) = s
        .recruiter
        .bytes(
            Method::POST,
            &format!("/api/invitations/{invitation}/resume?filename=zebulon-quartermaine-cv.txt"),
            Some(("text/plain", cv.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));

    let (candidate, id) = open_invite(&s.app, &link).await;
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    spoken_answer(&candidate, id).await;
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/code"),
            json!({ "language": "python", "code": "def marmalade_total(xs):\n    return sum(xs)\n" }),
        )
        .await;
    assert!(r.status.is_success(), "{:?}", r.body);
    let mut completed = false;
    for _ in 0..8 {
        let out = say(
            &candidate,
            id,
            json!({ "type": "answer", "text": "At periwinkle I kept a hash map from each value to its index, which is linear time." }),
        )
        .await;
        if out["state"]["status"] == "completed" {
            completed = true;
            break;
        }
    }
    assert!(completed, "interview {id} did not complete");
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/self-identification"),
            json!({ "sex": "Male", "race_ethnicity": "White" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    wait_for_profile(&s.app, id).await;
    (candidate, id)
}

#[tokio::test]
async fn a_candidate_exports_their_data_and_an_erasure_leaves_nothing_that_names_them() {
    let s = setup(|_| {}).await;
    let (zebulon_client, interview) = zebulons_interview(&s).await;

    // Found by the address their request came from.
    let r = s
        .admin
        .get("/api/admin/candidates?email=nobody@example.com")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s.admin.get("/api/admin/candidates").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["error"].as_str().unwrap().contains("?email="));
    let r = s
        .admin
        .get(&format!("/api/admin/candidates?email={}", MARKERS[1]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let zebulon = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["interviews"][0]["id"], interview);
    // A person's decision about them, whose reason names them, is theirs to read and erase.
    let r = s
        .recruiter
        .post(
            &format!("/api/interviews/{interview}/decisions"),
            json!({ "outcome": "advanced", "reason": "Quartermaine's answers were the clearest" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // The export: everything, with the recording and the code as files.
    let (status, headers, zip) = s
        .admin
        .bytes(
            Method::GET,
            &format!("/api/admin/candidates/{zebulon}/export"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut read = |name: &str| {
        let mut out = Vec::new();
        archive
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the export"))
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let doc: Value = serde_json::from_slice(&read("candidate.json")).unwrap();
    assert_eq!(doc["account"]["email"], MARKERS[1]);
    let iv = &doc["interviews"][0];
    assert!(iv["consent"]["given_at"].is_string(), "{iv}");
    assert!(iv["turns"].to_string().contains("periwinkle"));
    assert!(!iv["scores"].as_array().unwrap().is_empty());
    assert!(iv["profile"].is_object());
    assert_eq!(iv["decisions"][0]["outcome"], "advanced", "{iv}");
    let recording = read(iv["recordings"][0]["file"].as_str().unwrap());
    assert_eq!(&recording[..4], b"RIFF");
    let code = read(iv["code"][0]["file"].as_str().unwrap());
    assert!(String::from_utf8(code).unwrap().contains("marmalade_total"));
    assert_eq!(doc["self_identification"][0]["sex"], "Male");
    assert!(
        doc["resumes"][0]["filename"]
            .as_str()
            .unwrap()
            .contains("quartermaine")
    );
    // A window of the recording's samples, to look for in the files afterwards.
    let samples = recording[recording.len() / 2..recording.len() / 2 + 256].to_vec();

    // The candidate's own export is the same data; nobody else's.
    let (status, _, mine) = zebulon_client
        .bytes(Method::GET, "/api/me/export", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut mine = zip::ZipArchive::new(std::io::Cursor::new(mine)).unwrap();
    let mut json = String::new();
    mine.by_name("candidate.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    assert!(json.contains(MARKERS[1]) && !json.contains("someone-else@example.com"));
    let recruiter_id = interviewer::db::users::by_email(&s.app.state.db, "rec@acme.example")
        .await
        .unwrap()
        .unwrap()
        .id;

    // Erasure: unknown ids and staff accounts are not candidates.
    for id in [999_999, recruiter_id] {
        let r = s
            .admin
            .request(Method::DELETE, &format!("/api/admin/candidates/{id}"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{id}: {:?}", r.body);
    }
    let r = s
        .admin
        .request(
            Method::DELETE,
            &format!("/api/admin/candidates/{zebulon}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let removed = &r.body["removed"];
    for (what, at_least) in [
        ("interviews", 1),
        ("turns", 4),
        ("recordings", 1),
        ("code_submissions", 1),
        ("scores", 1),
        ("profiles", 1),
        ("decisions", 1),
        ("invitations", 1),
        ("resumes", 1),
        ("demographics", 1),
        ("accounts", 1),
    ] {
        assert!(
            removed[what].as_u64().unwrap() >= at_least,
            "{what}: {removed}"
        );
    }
    let r = s
        .admin
        .request(
            Method::DELETE,
            &format!("/api/admin/candidates/{zebulon}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s
        .recruiter
        .get(&format!("/api/interviews/{interview}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // No row names them; on SQLite, no byte of the files either.
    let db = &s.app.state.db;
    for (table, row) in all_rows(db).await {
        for m in MARKERS {
            assert!(
                !row.to_lowercase().contains(&m.to_lowercase()),
                "{table} still holds {m}: {row}"
            );
        }
    }
    if let Some(dir) = sqlite_dir(&s.app) {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap().to_ascii_lowercase();
            for m in MARKERS {
                let m = m.to_ascii_lowercase();
                assert!(
                    !bytes.windows(m.len()).any(|w| w == m.as_bytes()),
                    "{} still holds {m}",
                    path.display()
                );
            }
            assert!(
                !bytes
                    .windows(samples.len())
                    .any(|w| w == samples.to_ascii_lowercase()),
                "{} still holds the recording",
                path.display()
            );
        }
    }

    // The audit log keeps a tombstone that counts and names no one, and stays intact.
    let log = s.admin.get("/api/admin/audit-log?limit=500").await.body;
    let entries = log["entries"].as_array().unwrap();
    let tombstone = entries
        .iter()
        .find(|e| e["action"] == "candidate_erased")
        .expect("a tombstone");
    assert_eq!(tombstone["target_id"], zebulon);
    assert_eq!(tombstone["detail"]["interviews"], 1);
    assert_eq!(
        interviewer::db::audit::verify(db).await.unwrap(),
        interviewer::db::audit::Verdict::Intact {
            entries: entries.len(),
            chained: entries.len()
        }
    );
}

#[tokio::test]
async fn retention_periods_expire_transcripts_recordings_and_self_identification() {
    let s = setup(|c| c.retention.check_secs = 1).await;
    let path = format!("/api/admin/organizations/{}/retention", s.org);
    for (bad, says) in [
        (
            json!({ "transcripts_days": -1, "recordings_days": 0, "demographics_days": 0 }),
            "transcripts_days must be between 0 and 3650",
        ),
        (
            json!({ "transcripts_days": 10, "recordings_days": 30, "demographics_days": 0 }),
            "cannot exceed transcripts_days",
        ),
    ] {
        let r = s.admin.put(&path, bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert!(
            r.body["error"].as_str().unwrap().contains(says),
            "{:?}",
            r.body
        );
    }
    let r = s
        .admin
        .put(
            "/api/admin/organizations/999999/retention",
            json!({ "transcripts_days": 1, "recordings_days": 0, "demographics_days": 1 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let (_, interview) = zebulons_interview(&s).await;
    let db = &s.app.state.db;
    // Recordings at once; the transcript and self-identification for a year.
    let r = s
        .admin
        .put(
            &path,
            json!({ "transcripts_days": 365, "recordings_days": 0, "demographics_days": 365 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        s.admin.get(&path).await.body["policy"]["recordings_days"],
        0
    );
    wait_until("the recording expires", || async move {
        interviewer::db::interviews::measures(db, interview)
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    assert!(
        interviewer::db::interviews::turns(db, interview)
            .await
            .unwrap()
            .len()
            > 4,
        "the transcript stays"
    );
    assert_eq!(
        interviewer::db::demographics::for_organization(db, s.org)
            .await
            .unwrap()
            .len(),
        1
    );

    // Then everything: the interview, its invitation and résumé, the self-identification,
    // and the account that only existed for the invitation.
    let r = s
        .admin
        .put(
            &path,
            json!({ "transcripts_days": 0, "recordings_days": 0, "demographics_days": 0 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    wait_until("the interview expires", || async move {
        interviewer::db::users::by_email(db, MARKERS[1])
            .await
            .unwrap()
            .is_none()
    })
    .await;
    assert!(
        interviewer::db::interviews::get(db, interview)
            .await
            .is_err()
    );
    assert!(
        interviewer::db::demographics::for_organization(db, s.org)
            .await
            .unwrap()
            .is_empty()
    );
    let log = s.admin.get("/api/admin/audit-log?limit=500").await.body;
    let expiries: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "retention_expired")
        .collect();
    assert!(expiries.len() >= 2, "{log}");
    assert!(
        expiries
            .iter()
            .any(|e| e["detail"]["removed"]["interviews"] == 1)
    );
}

#[tokio::test]
async fn practice_interviews_expire_under_the_practice_policy() {
    let s = setup(|c| c.retention.check_secs = 1).await;
    let db = &s.app.state.db;
    // A hiring interview of an organization without a policy: kept whatever practice does.
    let (_, hiring) = finished_interview(&s.app, &s.recruiter, "ada@example.com").await;

    let (learner, practice) = practice_interview(&s.app, "learner@example.com", 1).await;
    answer_to_the_end(&learner, practice).await;

    // Kept until a practice policy is set; the policy is checked like any other.
    let path = "/api/admin/practice/retention";
    assert!(s.admin.get(path).await.body["policy"].is_null());
    let days =
        |n: u32| json!({ "transcripts_days": n, "recordings_days": 0, "demographics_days": 0 });
    for (who, body, status) in [
        (&s.admin, days(4000), StatusCode::BAD_REQUEST),
        (&s.recruiter, days(0), StatusCode::FORBIDDEN),
        (&s.admin, days(0), StatusCode::OK),
    ] {
        let r = who.put(path, body).await;
        assert_eq!(r.status, status, "{:?}", r.body);
    }
    assert_eq!(
        s.admin.get(path).await.body["policy"]["transcripts_days"],
        0
    );
    wait_until("the practice interview expires", || async move {
        interviewer::db::interviews::get(db, practice)
            .await
            .is_err()
    })
    .await;
    assert!(
        interviewer::db::interviews::get(db, hiring).await.is_ok(),
        "an organization's interview is not practice"
    );
    // The learner keeps their account (they signed up for it) and sees no interview.
    let mine = learner.get("/api/me/interviews").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(
        !mine
            .body
            .to_string()
            .contains(&format!("\"id\":{practice}")),
        "{:?}",
        mine.body
    );
    let log = s.admin.get("/api/admin/audit-log?limit=500").await.body;
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "retention_expired" && e["target_type"] == "practice"),
        "{log}"
    );
}

async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..120 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("{what}: not within 30 s");
}

/// Every row of every table, as text: SQLite through each table's columns, PostgreSQL as
/// JSON.
async fn all_rows(db: &sea_orm::DatabaseConnection) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "t").unwrap())
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let sql = match backend {
            DbBackend::Sqlite => {
                let cols: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{t}')"),
                    ))
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get::<String>("", "name").unwrap())
                    .collect();
                let quoted: Vec<String> = cols
                    .iter()
                    .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
                    .collect();
                format!("SELECT {} AS j FROM \"{t}\"", quoted.join(" || '|' || "))
            }
            _ => format!("SELECT row_to_json(x)::text AS j FROM \"{t}\" x"),
        };
        for r in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            out.push((t.clone(), r.try_get::<String>("", "j").unwrap_or_default()));
        }
    }
    assert!(out.len() > 10, "the scan found rows to read");
    out
}

/// The folder of a SQLite database (its file, write-ahead log and shared memory).
fn sqlite_dir(app: &TestApp) -> Option<std::path::PathBuf> {
    let url = &app.state.config.database.url;
    let path = url.strip_prefix("sqlite://")?.split('?').next()?;
    Some(std::path::Path::new(path).parent()?.to_path_buf())
}
