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
