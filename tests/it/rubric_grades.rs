//! Rubric grades from an OpenAI-compatible endpoint (the loopback stand-in): the model reads
//! the bank's question, the rubric and the candidate's answers, never the interviewer's
//! follow-ups; a grade stands only if its quotes are the candidate's words in the turn they
//! name; an unreachable model leaves the last grades standing.

use std::sync::Arc;
use std::time::Duration;

use interviewer::config::LlmConfig;
use interviewer::content::Prompts;
use interviewer::db;
use interviewer::embed::Embedder;
use interviewer::pipeline::respond::llm::OpenAiChat;
use interviewer::scoring::interview::score_interview;
use interviewer::scoring::rubric_grade::RubricGrader;
use serde_json::json;

use crate::fake_llm::{FakeLlm, Mode};
use crate::helpers::*;
use crate::live::consented_candidate;

const STORY: &str = "A teammate and I disagreed about how to roll out a schema migration. \
    I asked her to walk me through her reasoning, and we wrote down both plans and agreed on a split release.";

const CODE_TALK: &str = "I would keep a hash map from each value to its index and look up target minus the number, \
    which makes it linear time and handles duplicates.";

#[tokio::test]
async fn a_grade_stands_only_on_the_candidates_own_quoted_words() {
    let app = spawn_app().await;
    let (candidate, id) = consented_candidate(&app).await;
    say(&candidate, id, json!({ "type": "answer", "text": STORY })).await;
    say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "Next time I would involve the team earlier." }),
    )
    .await;
    say(
        &candidate,
        id,
        json!({ "type": "answer", "text": CODE_TALK }),
    )
    .await;
    let db = &app.state.db;
    let turns = db::interviews::turns(db, id).await.unwrap();
    let story = turns.iter().find(|t| t.text == STORY).unwrap();
    let follow_up = turns.iter().find(|t| t.kind == "follow_up").unwrap();

    // The stand-in answers every request with a grade quoting the story: right for the
    // behavioral question, a citation of another question's turn for the coding one.
    let fake = FakeLlm::start(Mode::Answer(
        json!({
            "level": 3,
            "points": [{ "point": 1, "met": true, "quote": "we wrote down both plans", "turn": story.id }],
            "justification": "Describes the disagreement and a concrete way it was settled: \"we wrote down both plans\".",
        })
        .to_string(),
    ))
    .await;
    let chat = OpenAiChat::new(&LlmConfig {
        base_url: Some(fake.base_url.clone()),
        model: "fake-grader".into(),
        ..LlmConfig::default()
    })
    .unwrap();
    let grader = RubricGrader::new(
        Arc::new(chat),
        Arc::new(Prompts::load(&root().join("prompts")).unwrap()),
        Duration::from_secs(10),
    );
    let model = Arc::new(
        Embedder::load(&root().join("models/all-MiniLM-L6-v2.safetensors"))
            .expect("run scripts/fetch-models"),
    );
    let scored = score_interview(db, model.clone(), Some(&grader), id)
        .await
        .unwrap();
    assert!(scored.unavailable.is_empty(), "{:?}", scored.unavailable);
    let graded: Vec<_> = scored
        .scores
        .iter()
        .filter(|s| s.dimension == "rubric_grade")
        .collect();
    assert_eq!(graded.len(), 2, "{graded:?}");
    let behavioral = graded.iter().find(|s| s.turn_id == Some(story.id)).unwrap();
    assert_eq!(behavioral.value, Some(0.75));
    assert!(
        behavioral.explanation.contains("fake-grader"),
        "{}",
        behavioral.explanation
    );
    let point = &behavioral.evidence["points"][0];
    assert_eq!(point["quote"], "we wrote down both plans");
    assert_eq!(point["turn_id"], story.id);
    let coding = graded.iter().find(|s| s.turn_id != Some(story.id)).unwrap();
    assert_eq!(coding.value, None);
    assert!(
        coding
            .explanation
            .contains("not one of the candidate's answers"),
        "{}",
        coding.explanation
    );

    // What the model was shown: the candidate's words as data, the bank's question, and not
    // one word of the interviewer's adaptive follow-up.
    let requests = fake.requests.lock().unwrap().clone();
    let shown: String = requests.iter().map(|r| r["messages"].to_string()).collect();
    assert!(shown.contains("we wrote down both plans"));
    assert!(shown.contains("<answer>"));
    assert!(
        !shown.contains(&follow_up.text),
        "the follow-up reached the model"
    );

    // The grade counts for its competency in the profile.
    let collaboration = scored
        .profile
        .competencies
        .iter()
        .find(|c| c.score_ids.contains(&behavioral.id))
        .expect("the grade is in a competency");
    assert!(collaboration.estimate.is_some());

    // The model goes down: the last grades stand, and the run says why.
    fake.set(Mode::Fail);
    let again = score_interview(db, model, Some(&grader), id).await.unwrap();
    assert_eq!(again.unavailable.len(), 1, "{:?}", again.unavailable);
    let kept = again
        .scores
        .iter()
        .find(|s| s.dimension == "rubric_grade" && s.turn_id == Some(story.id))
        .unwrap();
    assert_eq!(kept.value, Some(0.75));
}
