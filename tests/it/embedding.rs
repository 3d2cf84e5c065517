//! Sentence embeddings with the real all-MiniLM-L6-v2 weights, checked against the figures
//! sentence-transformers itself publishes for this model.

use interviewer::embed::Embedder;

use crate::helpers::root;

fn embedder() -> Embedder {
    Embedder::load(&root().join("models/all-MiniLM-L6-v2.safetensors"))
        .expect("run scripts/fetch-models")
}

#[test]
fn similarities_match_the_reference_implementation() {
    let model = embedder();
    let e: Vec<_> = [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
    ]
    .iter()
    .map(|s| model.embed(s).unwrap())
    .collect();
    // sentence-transformers' quick start, with this model: 0.6660, 0.1046, 0.1411.
    for ((a, b), want) in [((0, 1), 0.6660), ((0, 2), 0.1046), ((1, 2), 0.1411)] {
        let got = e[a].cosine(&e[b]);
        assert!(
            (got - want).abs() < 0.001,
            "cos({a}, {b}) = {got:.4}, want {want}"
        );
    }
    assert_eq!(e[0].as_slice().len(), 384);
    assert!((e[0].cosine(&e[0]) - 1.0).abs() < 1e-5);
}

#[test]
fn an_answer_is_closer_to_its_own_key_point_than_to_another() {
    let model = embedder();
    let answer = model
        .embed("I added an index on the customer id column, so the lookup stopped scanning the whole table.")
        .unwrap();
    let on_point = model
        .embed("Uses an index to avoid a full table scan")
        .unwrap();
    let off_point = model
        .embed("Resolves a conflict with a colleague calmly")
        .unwrap();
    assert!(
        answer.cosine(&on_point) > answer.cosine(&off_point) + 0.2,
        "on {:.3}, off {:.3}",
        answer.cosine(&on_point),
        answer.cosine(&off_point)
    );
    // Far longer than the model's window: cut, not refused.
    let long = "word ".repeat(2000);
    assert_eq!(model.embed(&long).unwrap().as_slice().len(), 384);
    assert_eq!(model.embed("").unwrap().as_slice().len(), 384);
}

#[test]
fn a_missing_model_names_the_file() {
    let err = Embedder::load(&root().join("models/no-such-model.safetensors"))
        .err()
        .expect("no such file")
        .to_string();
    assert!(err.contains("no-such-model.config.json"), "{err}");
}

mod content {
    use interviewer::scoring::content::{AnswerTurn, score};

    use super::embedder;

    const PROMPT: &str = "An endpoint that lists a customer's orders, newest first, 20 per page, has gone from 50 ms to 4 seconds as the orders table grew to 200 million rows in PostgreSQL. The query filters by customer_id and status and sorts by created_at. How do you investigate and fix it?";

    fn rubric() -> Vec<String> {
        [
            "Starts by measuring: reproduces the query and runs EXPLAIN (ANALYZE, BUFFERS) rather than guessing",
            "Proposes a composite index matching filter and sort, e.g. (customer_id, status, created_at DESC), and explains column order",
            "Knows that OFFSET pagination gets slower with depth and proposes keyset (cursor) pagination on (created_at, id)",
        ]
        .map(String::from)
        .to_vec()
    }

    const ANSWER: &str = "First I would run the query with explain analyze to see the plan instead of guessing. \
        Probably it does a sequential scan over the orders table. \
        Then I would add a composite index on customer id, status and created at descending, so the filter and the sort both use it.";

    #[test]
    fn key_points_made_are_credited_with_the_sentence_that_made_them() {
        let model = embedder();
        let s = score(&model, &rubric(), PROMPT, &[AnswerTurn::typed(42, ANSWER)]).unwrap();
        let (explain, index, keyset) = (&s.coverage[0], &s.coverage[1], &s.coverage[2]);
        assert!(explain.credit >= 0.5, "{explain:?}");
        assert!(
            explain
                .evidence
                .as_ref()
                .unwrap()
                .text
                .contains("explain analyze")
        );
        assert!(index.credit >= 0.5, "{index:?}");
        assert!(
            index
                .evidence
                .as_ref()
                .unwrap()
                .text
                .contains("composite index")
        );
        assert!(
            keyset.credit < index.credit && keyset.credit < explain.credit,
            "{keyset:?}"
        );
        assert!(
            s.coverage
                .iter()
                .flat_map(|k| &k.evidence)
                .all(|e| e.turn_id == 42)
        );
        let v = s.value.unwrap();
        assert!((0.4..0.9).contains(&v), "{v}");
        assert!(
            s.explanation.contains("key points addressed"),
            "{}",
            s.explanation
        );
        assert!(!s.relevance.unwrap().off_topic);
    }

    #[test]
    fn the_questions_wording_cannot_change_the_score() {
        let model = embedder();
        let answers = [AnswerTurn::typed(1, ANSWER)];
        let a = score(&model, &rubric(), PROMPT, &answers).unwrap();
        let b = score(
            &model,
            &rubric(),
            "Tell me about your favourite holiday and what you cooked there.",
            &answers,
        )
        .unwrap();
        assert_eq!(a.value, b.value);
        assert_eq!(a.uncertainty, b.uncertainty);
        let credits = |s: &interviewer::scoring::content::ContentScore| {
            s.coverage.iter().map(|k| k.credit).collect::<Vec<_>>()
        };
        assert_eq!(credits(&a), credits(&b));
        // Only the reported relevance follows the prompt.
        assert!(b.relevance.unwrap().similarity < a.relevance.unwrap().similarity);
    }

    #[test]
    fn too_little_said_is_not_enough_evidence_and_off_topic_is_flagged() {
        let model = embedder();
        let short = score(
            &model,
            &rubric(),
            PROMPT,
            &[AnswerTurn::typed(1, "I would add an index.")],
        )
        .unwrap();
        assert_eq!(short.value, None);
        assert!(
            short.explanation.contains("not enough evidence"),
            "{}",
            short.explanation
        );
        let off = score(
            &model,
            &rubric(),
            PROMPT,
            &[AnswerTurn::typed(1, "My favourite holiday was in Portugal, where we cooked fresh sardines on the beach every evening with friends.")],
        )
        .unwrap();
        assert!(off.value.unwrap() < 0.1, "{off:?}");
        assert!(off.relevance.unwrap().off_topic);
        assert!(
            off.explanation
                .contains("something other than the question")
        );
    }
}
