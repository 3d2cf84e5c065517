//! The whole profile of a real interview: spoken answers (real Whisper, real VAD) give
//! fluency and an affect estimate, an explanation of submitted code is checked against its
//! analysis, and the role's criteria weigh it all. The organization's rules apply: in the EU
//! affect is not computed; a person's override moves the profile at once.

use std::sync::Arc;

use interviewer::auth::Role;
use interviewer::db;
use interviewer::db::entities::{score, turn};
use interviewer::embed::Embedder;
use interviewer::scoring::interview::score_interview;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::live::consented_candidate;

const NESTED: &str = "def two_sum(nums, target):\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                return [i, j]\n    return None\n";

const EXPLANATION: &str = "The inner loop over nums runs for every i, so for n numbers this is O(n^2). \
    A hash map from each value seen so far to its index would make it linear time.";

/// Clips joined with half a second of silence: one spoken answer.
fn spoken(clips: &[&str]) -> Vec<u8> {
    let gap = vec![0.0f32; 8_000];
    let mut samples = Vec::new();
    for c in clips {
        let pcm = interviewer::audio::wav::read_file(&root().join("tests/fixtures/audio").join(c))
            .unwrap();
        samples.extend(pcm.samples);
        samples.extend(&gap);
    }
    interviewer::audio::wav::encode(&samples, 16_000).unwrap()
}

fn rows<'a>(scores: &'a [score::Model], dimension: &str) -> Vec<&'a score::Model> {
    scores.iter().filter(|s| s.dimension == dimension).collect()
}

#[tokio::test]
async fn a_spoken_interview_with_code_gets_a_profile_under_its_organizations_rules() {
    let app = spawn_app().await;
    let (candidate, id) = consented_candidate(&app).await;
    let upload = format!("/api/interviews/{id}/answers/audio");
    // The behavioral question, answered aloud twice (the answer and its follow-up).
    for clips in [
        &[
            "jfk.wav",
            "librivox/sense_and_sensibility_01_austen_64kb-0870.wav",
            "librivox/sense_and_sensibility_01_austen_64kb-0880.wav",
        ][..],
        &[
            "librivox/sense_and_sensibility_01_austen_64kb-0890.wav",
            "librivox/sense_and_sensibility_01_austen_64kb-0920.wav",
            "librivox/sense_and_sensibility_01_austen_64kb-0930.wav",
        ][..],
    ] {
        let (status, _, body) = candidate
            .bytes(Method::POST, &upload, Some(("audio/wav", spoken(clips))))
            .await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    }
    // The coding question: code, then its follow-up answered in words.
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/code"),
            json!({ "language": "python", "code": NESTED }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["turns"][1]["kind"], "follow_up");
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": EXPLANATION }),
    )
    .await;
    assert_eq!(out["state"]["awaiting"], "candidate_question", "{out}");

    let model = Arc::new(
        Embedder::load(&root().join("models/all-MiniLM-L6-v2.safetensors"))
            .expect("run scripts/fetch-models"),
    );
    let db = &app.state.db;
    let scored = score_interview(db, model.clone(), None, id).await.unwrap();
    let turns = db::interviews::turns(db, id).await.unwrap();
    let said = |tid: i64| -> &turn::Model {
        let t = turns.iter().find(|t| t.id == tid).unwrap();
        assert_eq!(t.speaker, "candidate", "turn {tid} is not the candidate's");
        t
    };

    // Fluency: from the two spoken answers, banded, with the speech it rests on.
    let fluency = rows(&scored.scores, "fluency");
    assert_eq!(fluency.len(), 1);
    let f = fluency[0];
    assert_eq!(f.competency, "communication");
    let ev = &f.evidence;
    assert_eq!(ev["turn_ids"].as_array().unwrap().len(), 2, "{ev}");
    assert!(ev["speech_secs"].as_f64().unwrap() > 30.0, "{ev}");
    assert_eq!(ev["figures"].as_array().unwrap().len(), 6);
    let value = f.value.unwrap_or_else(|| panic!("{}", f.explanation));
    assert!((0.0..=1.0).contains(&value));
    let u = ev["uncertainty"].as_f64().unwrap();
    assert!((0.05..0.5).contains(&u), "{u}");
    for q in ev["quotes"].as_array().unwrap() {
        let quote = q["quote"].as_str().unwrap().trim_end_matches('…');
        assert!(said(q["turn_id"].as_i64().unwrap()).text.starts_with(quote));
    }

    // Code understanding: one row for the follow-up, checked against the analysis.
    let code = rows(&scored.scores, "code_understanding");
    assert_eq!(code.len(), 1, "{code:?}");
    let c = code[0];
    assert!(
        c.evidence["topic"]
            .as_str()
            .unwrap()
            .starts_with("nested_loop:two_sum")
    );
    assert!(c.value.unwrap() > 0.8, "{}", c.explanation);
    assert_eq!(said(c.turn_id.unwrap()).text, EXPLANATION);
    for check in c.evidence["checks"].as_array().unwrap() {
        if let Some(text) = check["evidence"]["text"].as_str() {
            assert!(EXPLANATION.contains(text), "{text}");
        }
    }

    // Affect: described, never counted (the organization has not opted in).
    let affect = rows(&scored.scores, "affect");
    assert_eq!(affect.len(), 1);
    assert_eq!(affect[0].value, None);
    assert!(
        affect[0].explanation.starts_with("an estimate"),
        "{}",
        affect[0].explanation
    );
    assert!(affect[0].evidence["manner"].is_string());
    assert_eq!(affect[0].evidence["policy"], "descriptive");

    // The profile: the role weighs collaboration 1 and problem-solving 2; communication is
    // shown, not counted, because the role does not weigh it.
    let p = &scored.profile;
    let problem = p
        .competencies
        .iter()
        .find(|c| c.competency == "problem-solving")
        .unwrap();
    assert_eq!(problem.weight, Some(2.0));
    assert!(problem.score_ids.contains(&c.id));
    let comm = p
        .competencies
        .iter()
        .find(|c| c.competency == "communication")
        .unwrap();
    assert_eq!(comm.weight, None);
    assert!(p.competencies.iter().all(|c| c.competency != "affect"));
    let overall = p.overall.clone().unwrap();
    assert!(overall.uncertainty > 0.0);

    // The interviewer's words are not an input: reworded, every score stays the same.
    for t in turns.iter().filter(|t| t.speaker == "interviewer") {
        let mut row: turn::ActiveModel = t.clone().into();
        row.text = Set("Tell me about your favourite holiday and what you cooked.".into());
        row.update(db).await.unwrap();
    }
    let again = score_interview(db, model.clone(), None, id).await.unwrap();
    let values = |s: &[score::Model]| -> Vec<(String, Option<f64>)> {
        s.iter()
            .map(|r| (format!("{}/{}", r.dimension, r.competency), r.value))
            .collect()
    };
    assert_eq!(values(&again.scores), values(&scored.scores));

    // A person overrides the code score; the stored profile follows at once.
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let code_id = again
        .scores
        .iter()
        .find(|s| s.dimension == "code_understanding")
        .unwrap()
        .id;
    let r = recruiter
        .put(
            &format!("/api/interviews/{id}/scores/{code_id}/override"),
            json!({ "value": 0.0, "reason": "the explanation was read from notes" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let listed = recruiter.get(&format!("/api/interviews/{id}/scores")).await;
    let after = listed.body["profile"]["overall"]["value"].as_f64().unwrap();
    assert!(after < overall.value, "{after} vs {}", overall.value);

    // The organization moves to the EU: affect is no longer computed, and its row is gone.
    create_user(&app, "admin@x.example", Role::Admin, None).await;
    let admin = Client::login(&app, "admin@x.example").await;
    let org = db::interviews::get(db, id)
        .await
        .unwrap()
        .organization_id
        .unwrap();
    let settings = format!("/api/admin/organizations/{org}/scoring");
    for (body, status, says) in [
        (
            json!({ "jurisdiction": "mars", "affect_in_hiring": false, "fluency_reference": null }),
            StatusCode::BAD_REQUEST,
            "jurisdiction must be one of",
        ),
        (
            json!({ "jurisdiction": "eu", "affect_in_hiring": true, "fluency_reference": null }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot enter the hiring score",
        ),
    ] {
        let r = admin.put(&settings, body).await;
        assert_eq!(r.status, status, "{:?}", r.body);
        assert!(
            r.body["error"].as_str().unwrap().contains(says),
            "{:?}",
            r.body
        );
    }
    let mut reference: Value = admin.get("/api/admin/organizations").await.body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org)
        .unwrap()["fluency_reference"]
        .clone();
    reference["words_per_minute"]["low"] = json!(500.0);
    let r = admin
        .put(
            &settings,
            json!({ "jurisdiction": "eu", "affect_in_hiring": false, "fluency_reference": reference }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("words_per_minute")
    );
    let r = admin
        .put(
            &settings,
            json!({ "jurisdiction": "eu", "affect_in_hiring": false, "fluency_reference": null }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let eu = score_interview(db, model, None, id).await.unwrap();
    assert!(rows(&eu.scores, "affect").is_empty());
    let listed = recruiter.get(&format!("/api/interviews/{id}/scores")).await;
    assert_eq!(listed.body["affect_policy"], "not_computed");
}
