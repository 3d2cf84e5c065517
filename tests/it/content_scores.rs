//! Content scores of a real text interview, stored: they rest on the candidate's answers and
//! the bank's rubric only, and a person's override is never scored away.

use std::sync::Arc;

use interviewer::db;
use interviewer::db::entities::{score, turn};
use interviewer::embed::Embedder;
use interviewer::scoring::interview::{CONTENT_SCORER, ScoringError, score_interview};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::live::consented_candidate;

const ANSWER: &str = "Last year a teammate and I disagreed about how to run a schema migration. \
    She wanted one big release; I thought we should split it, because a rollback would lose data. \
    I asked her to walk me through her reasoning, and she was worried about two weeks of extra work. \
    We wrote down both plans, measured the risk together, and agreed on the split with a shared checklist.";

const TWO_SUM: &str = "I would walk through the list once and keep a hash map from each value to its index. \
    For every number I look up target minus the number in the map, and if it is there I return the stored index and the current one. \
    That is linear time and linear space, and it handles duplicates like three and three because I check before inserting.";

#[tokio::test]
async fn content_scores_rest_on_the_answers_and_survive_an_override() {
    let app = spawn_app().await;
    let (candidate, id) = consented_candidate(&app).await;
    let recruiter = db::users::by_email(&app.state.db, "rec@acme.example")
        .await
        .unwrap()
        .expect("the recruiter who invited the candidate");
    say(&candidate, id, json!({ "type": "answer", "text": ANSWER })).await;
    say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "Next time I would involve the rest of the team earlier, before the plans had hardened." }),
    )
    .await;
    // The coding question (two-sum), explained in words.
    say(&candidate, id, json!({ "type": "answer", "text": TWO_SUM })).await;

    let model = Arc::new(
        Embedder::load(&root().join("models/all-MiniLM-L6-v2.safetensors"))
            .expect("run scripts/fetch-models"),
    );
    let db = &app.state.db;
    let content = |s: Vec<score::Model>| -> Vec<score::Model> {
        s.into_iter().filter(|r| r.dimension == "content").collect()
    };
    let rows = content(
        score_interview(db, model.clone(), None, id)
            .await
            .unwrap()
            .scores,
    );
    assert_eq!(rows.len(), 2, "two questions answered: {rows:?}");
    // The behavioral story is left to a person, and says so.
    assert_eq!(rows[0].value, None);
    assert!(
        rows[0].explanation.contains("behavioral"),
        "{}",
        rows[0].explanation
    );
    let row = &rows[1];
    assert_eq!(row.dimension, "content");
    let question_id = row.evidence["question_id"].as_i64().unwrap();
    let question = db::banks::question(db, question_id).await.unwrap();
    assert_eq!(row.competency, question.competency);
    let value = row.value.expect("enough words for a score");
    assert!((0.3..=1.0).contains(&value), "{value}: {}", row.explanation);

    // Every passage quoted as evidence is the candidate's own words, from their own turns.
    let turns = db::interviews::turns(db, id).await.unwrap();
    let candidate_turn = |tid: i64| {
        turns
            .iter()
            .find(|t| t.id == tid)
            .is_some_and(|t| t.speaker == "candidate")
    };
    let coverage = row.evidence["coverage"].as_array().unwrap();
    let quoted: Vec<_> = coverage
        .iter()
        .filter_map(|k| k["evidence"].as_object())
        .collect();
    assert!(!quoted.is_empty(), "{}", row.evidence);
    for q in quoted {
        let tid = q["turn_id"].as_i64().unwrap();
        assert!(candidate_turn(tid), "turn {tid} is not the candidate's");
        let said = &turns.iter().find(|t| t.id == tid).unwrap().text;
        let text = q["text"].as_str().unwrap();
        assert!(said.contains(text), "{text:?} is not in {said:?}");
    }

    // The interviewer's words are not an input: reworded, the score stays the same.
    for t in turns.iter().filter(|t| t.speaker == "interviewer") {
        let mut row: turn::ActiveModel = t.clone().into();
        row.text = Set("Please tell me about your favourite holiday and what you cooked.".into());
        row.update(db).await.unwrap();
    }
    let again = content(
        score_interview(db, model.clone(), None, id)
            .await
            .unwrap()
            .scores,
    );
    assert_eq!(again[1].value, row.value);
    assert_eq!(again[1].evidence["coverage"], row.evidence["coverage"]);

    // A person overrides the score: scoring again keeps that scorer's rows rather than
    // erasing the decision.
    let mut over: score::ActiveModel = again[1].clone().into();
    over.overridden_by = Set(Some(recruiter.id));
    over.override_value = Set(Some(0.9));
    over.override_reason = Set(Some(
        "the follow-up answer shows more than the model saw".into(),
    ));
    over.update(db).await.unwrap();
    let third = score_interview(db, model.clone(), None, id).await.unwrap();
    assert_eq!(third.kept, vec![CONTENT_SCORER.to_string()]);
    let kept = score::Entity::find_by_id(again[1].id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.override_value, Some(0.9));

    // An interview that does not exist is said to be missing, not scored as empty.
    let missing = score_interview(db, model, None, id + 1000)
        .await
        .unwrap_err();
    assert!(
        matches!(missing, ScoringError::NoInterview(i) if i == id + 1000),
        "{missing}"
    );
}

#[tokio::test]
async fn an_interview_that_ends_is_scored_in_the_background_and_only_with_consent() {
    let app = spawn_app().await;
    let (candidate, id) = consented_candidate(&app).await;
    // Nobody has agreed to anything in a second interview that was only opened.
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "grace@example.com").await;
    let (_, unconsented) = open_invite(&app, &link).await;
    let model = Arc::new(
        Embedder::load(&root().join("models/all-MiniLM-L6-v2.safetensors"))
            .expect("run scripts/fetch-models"),
    );
    let refused = score_interview(&app.state.db, model, None, unconsented)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ScoringError::NoConsent(i) if i == unconsented),
        "{refused}"
    );

    say(&candidate, id, json!({ "type": "answer", "text": ANSWER })).await;
    let mut status = String::new();
    for text in [TWO_SUM, TWO_SUM, "No, thank you.", "No, thank you."] {
        let out = say(&candidate, id, json!({ "type": "answer", "text": text })).await;
        status = out["state"]["status"].as_str().unwrap().to_string();
        if status == "completed" {
            break;
        }
    }
    assert_eq!(status, "completed");
    wait_for_profile(&app, id).await;
    let all = db::scores::for_interview(&app.state.db, id).await.unwrap();
    let rows: Vec<_> = all.iter().filter(|r| r.dimension == "content").collect();
    assert_eq!(rows.len(), 2, "a row per question answered: {all:?}");
    assert!(rows[1].value.is_some(), "{}", rows[1].explanation);
    // Typed answers are never held against fluency.
    let fluency = all.iter().find(|r| r.dimension == "fluency").unwrap();
    assert_eq!(fluency.value, None);
    assert!(
        fluency
            .explanation
            .contains("typed answers are never held against fluency")
    );
    assert!(
        db::scores::for_interview(&app.state.db, unconsented)
            .await
            .unwrap()
            .is_empty()
    );

    // Staff read them with their evidence; the candidate of a hiring interview does not.
    let path = format!("/api/interviews/{id}/scores");
    let r = recruiter.get(&path).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let listed = r.body["scores"].as_array().unwrap();
    assert_eq!(listed.len(), all.len());
    let scored = listed
        .iter()
        .find(|s| s["dimension"] == "content" && s["value"].is_number())
        .unwrap();
    assert!(scored["evidence"]["coverage"].is_array());
    assert_eq!(scored["final_value"], scored["value"]);
    // The profile comes with them: one competency scored, counted by the role's weights.
    let profile = &r.body["profile"];
    assert!(profile["overall"]["value"].is_number(), "{profile}");
    let r = candidate.get(&path).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);

    // A person overrides one, with a reason; bad input is refused in words.
    let score_id = scored["id"].as_i64().unwrap();
    let over = format!("/api/interviews/{id}/scores/{score_id}/override");
    for (body, says) in [
        (json!({ "value": 1.5, "reason": "x" }), "out of range"),
        (json!({ "value": 0.5, "reason": "  " }), "needs a reason"),
    ] {
        let r = recruiter.put(&over, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        let message = r.body["error"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    let r = recruiter
        .put(
            &over,
            json!({ "value": 0.8, "reason": "the code explanation was complete" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["final_value"], 0.8);
    assert_eq!(
        r.body["override"]["reason"],
        "the code explanation was complete"
    );
    assert_eq!(
        r.body["value"], scored["value"],
        "the scorer's value is kept beside it"
    );
    let audit = db::audit::list(&app.state.db, None, 20).await.unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "score_overridden")
        .expect("the override is in the audit log");
    assert_eq!(entry.detail["value"], 0.8);
    assert_eq!(entry.detail["scorer_value"], scored["value"]);
}

#[tokio::test]
async fn an_interview_a_stopped_server_left_unscored_is_scored_at_the_next_start() {
    use interviewer::db::entities::profile;
    use sea_orm::{ColumnTrait, QueryFilter};

    let app = spawn_app().await;
    let (_, recruiter, _) = org_with_staff(&app).await;
    let (_, id) = finished_interview(&app, &recruiter, "ada@example.com").await;
    wait_for_profile(&app, id).await;
    // As if the server had stopped between the interview's end and its scoring.
    score::Entity::delete_many()
        .filter(score::Column::InterviewId.eq(id))
        .exec(&app.state.db)
        .await
        .unwrap();
    profile::Entity::delete_many()
        .filter(profile::Column::InterviewId.eq(id))
        .exec(&app.state.db)
        .await
        .unwrap();

    let app = app.restart().await;
    wait_for_profile(&app, id).await;
    let rows = db::scores::for_interview(&app.state.db, id).await.unwrap();
    assert!(rows.iter().any(|r| r.dimension == "content"), "{rows:?}");
}
