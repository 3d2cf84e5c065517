//! Speech to text with the real Whisper weights that `scripts/fetch-models` places.

use interviewer::audio::wav;
use interviewer::pipeline::transcribe::Whisper;

use crate::helpers::root;

fn whisper() -> Whisper {
    let model = root().join("models/ggml-tiny.en.bin");
    assert!(
        model.is_file(),
        "{} is missing: run scripts/fetch-models (scripts/test does)",
        model.display()
    );
    Whisper::load(&model, 2, "en").expect("model loads")
}

#[test]
fn a_spoken_sentence_becomes_the_right_words_with_times() {
    let pcm = wav::read_file(&root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    let whisper = whisper();
    let t = whisper.session().unwrap().transcribe(&pcm.samples).unwrap();
    let text: String = t
        .text()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    assert!(
        text.contains("ask not what your country can do for you"),
        "{text}"
    );
    assert!(
        text.contains("ask what you can do for your country"),
        "{text}"
    );
    let duration = pcm.duration_secs();
    let mut last_start = 0.0;
    for w in &t.words {
        assert!(
            w.start >= last_start && w.end >= w.start && w.end <= duration,
            "{w:?}"
        );
        assert!((0.0..=1.0).contains(&w.prob));
        last_start = w.start;
    }
    let country = t
        .words
        .iter()
        .find(|w| w.text.to_lowercase().starts_with("country"))
        .unwrap();
    assert!(
        (5.0..7.5).contains(&country.start),
        "`country` at {:.2}s",
        country.start
    );
}

#[test]
fn a_missing_model_says_how_to_get_it() {
    let err = Whisper::load(&root().join("models/nope.bin"), 2, "en")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("scripts/fetch-models"), "{err}");
}
