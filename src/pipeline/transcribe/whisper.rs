//! The whisper.cpp engine: model loading, decoding parameters, and token extraction.

use std::path::{Path, PathBuf};

use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
    WhisperTokenData,
};

use super::words::{TimesCheck, Token, words_from_tokens};
use crate::pipeline::messages::Transcript;

#[derive(Debug, thiserror::Error)]
pub enum SttError {
    #[error("missing Whisper model {0}; run scripts/fetch-models (see models/README.md)")]
    MissingModel(PathBuf),
    #[error("cannot load Whisper model {path}: {message}")]
    Load { path: PathBuf, message: String },
    #[error("whisper failed: {0}")]
    Decode(String),
}

/// Below this, whisper.cpp refuses the input; shorter clips are padded with silence.
const MIN_SAMPLES: usize = 16_000 + 1_600;

pub struct Whisper {
    ctx: WhisperContext,
    threads: i32,
    language: String,
    filler_prompt: bool,
}

/// Whisper was trained on transcripts that leave out "um" and "uh", so it drops most of
/// them; a prompt written with fillers makes it write what was said. The prompt holds
/// fillers and nothing else: an earlier one with words around them ("So, um, we, uh, tried
/// it, er, twice, and, hmm, it worked.") lent those words to the answer ("in his power" came
/// back as "and it's power"). Measured with tiny.en Q8_0 at the full window on the five
/// read LibriVox clips and four answers received from Chromium (`tests/fixtures/audio`),
/// each decoded whole: mean WER 0.104 with that prompt, 0.100 with none, 0.061 with this
/// one, which still hears 11 of 11 fillers in Piper's answers (none without a prompt) and
/// invents none in read speech. Through the verbatim path (`recording::hear`, as `cargo
/// bench --bench fluency` measures): 0.070 on the read clips with either prompt or none,
/// and on the answers from Chromium 0.170 with that prompt, 0.125 with this one, 0.114
/// with none.
///
/// A prompt is style, not content: it is the same for every answer and never carries
/// earlier turns. It is used with the full window only, so verbatim transcripts
/// (`AudioContext::Full`) carry fillers and fast ones (`Auto`, for turn-taking) do not.
pub const FILLER_PROMPT: &str = "Um, uh, er, hmm.";

impl Whisper {
    pub fn load(path: &Path, threads: usize, language: &str) -> Result<Self, SttError> {
        if !path.is_file() {
            return Err(SttError::MissingModel(path.to_path_buf()));
        }
        whisper_rs::install_logging_hooks();
        let ctx = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|e| SttError::Load {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        Ok(Self {
            ctx,
            threads: i32::try_from(threads.max(1)).unwrap_or(1),
            language: language.to_string(),
            filler_prompt: true,
        })
    }

    /// Whether to prompt for filled pauses (on by default; see `FILLER_PROMPT`).
    pub fn with_filler_prompt(mut self, on: bool) -> Self {
        self.filler_prompt = on;
        self
    }

    /// Decoder state for one interview; many sessions share one loaded model.
    pub fn session(&self) -> Result<WhisperSession<'_>, SttError> {
        let state = self
            .ctx
            .create_state()
            .map_err(|e| SttError::Decode(e.to_string()))?;
        Ok(WhisperSession {
            whisper: self,
            state,
            threads: self.threads,
        })
    }
}

/// How much of Whisper's 30 s encoder window to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioContext {
    /// The whole window, as the model was trained (most accurate, slowest for short clips).
    Full,
    /// Only the frames the clip fills (50 per second) and 2 s of silence after it: far faster
    /// on short utterances, at some risk to accuracy with the smallest models.
    SizedToClip,
    /// Sized to the clip; when that pass comes back with the decoder looping (a phrase
    /// repeated back to back), with implausible times or with no words (what it is given is
    /// speech: the VAD's pieces), again with 5 s of silence after the clip, and only then
    /// with the full window.
    Auto,
    /// As `Auto`, except that words bunched at the clip's end (a sized window's usual flaw:
    /// the text is right, the last words' times are not) are taken as they are, and a loop
    /// is taken out of the text rather than decoded again (the phrase before it is what
    /// was said). For the words of a live turn, which the verbatim pass re-transcribes
    /// after the call; not a setting.
    #[serde(skip)]
    Quick,
}

/// Encoder positions per second of audio.
const CTX_PER_SEC: f64 = 50.0;
/// Silence after the clip in a sized window, in encoder positions (2 s). With less, the
/// smallest models often miss the end of the speech and start the phrase over: tiny.en
/// looped on 6 of 12 phrases of 1.3–3.8 s with 0.64 s, on 2 with 2 s, and on none with 5 s
/// (read speech, `tests/fixtures/audio`), while each second of window costs about 100 ms.
const SILENCE_CTX: i32 = 100;
/// ... and in the retry of a sized pass that looped (5 s): about half again the first
/// pass's time, and far less than the full window's.
const RETRY_SILENCE_CTX: i32 = 250;
const CTX_FULL: i32 = 1500;
const MAX_TOKENS_PER_SEC: f64 = 6.0;

/// One decoding pass's encoder window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    Full,
    /// The clip and this many positions of silence after it.
    Sized(i32),
}

pub struct WhisperSession<'w> {
    whisper: &'w Whisper,
    state: WhisperState,
    threads: i32,
}

impl WhisperSession<'_> {
    /// Decodes with at most `n` threads (work that must leave cores to live calls).
    pub fn limit_threads(&mut self, n: usize) {
        self.threads = self.threads.min(i32::try_from(n.max(1)).unwrap_or(1));
    }

    /// Transcribes one utterance (16 kHz mono). Each call starts fresh: no text from earlier
    /// turns is fed back, so an old answer cannot be repeated into a new one.
    pub fn transcribe(&mut self, samples: &[f32]) -> Result<Transcript, SttError> {
        self.transcribe_with(samples, AudioContext::Full)
    }

    pub fn transcribe_with(
        &mut self,
        samples: &[f32],
        context: AudioContext,
    ) -> Result<Transcript, SttError> {
        let windows: &[Window] = match context {
            AudioContext::Full => &[Window::Full],
            AudioContext::SizedToClip => &[Window::Sized(SILENCE_CTX)],
            AudioContext::Auto | AudioContext::Quick => &[
                Window::Sized(SILENCE_CTX),
                Window::Sized(RETRY_SILENCE_CTX),
                Window::Full,
            ],
        };
        let (&last, tries) = windows.split_last().unwrap_or((&Window::Full, &[]));
        for &window in tries {
            let (mut t, times) = self.decode(samples, window)?;
            let quick = context == AudioContext::Quick;
            let looped = if quick {
                t.words = super::words::without_repeats(t.words);
                false
            } else {
                super::words::repeats_itself(&t.words)
            };
            let times_ok = times.no_word_stretched && (quick || times.none_bunched_at_end);
            let heard = !t.words.is_empty();
            if heard && times_ok && !looped {
                return Ok(t);
            }
            tracing::debug!(
                heard,
                ?times,
                ?window,
                "the transcription looped, lost its times or heard nothing; decoding again with a wider window"
            );
        }
        Ok(self.decode(samples, last)?.0)
    }

    /// The transcript, and how plausible its times are.
    fn decode(
        &mut self,
        samples: &[f32],
        window: Window,
    ) -> Result<(Transcript, TimesCheck), SttError> {
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.threads);
        params.set_language(Some(&self.whisper.language));
        params.set_no_context(true);
        // Only with the full window: a prompt before a shortened window makes the decoder
        // stop early (measured: "and so my fellow Americans" came back as "And so,").
        if self.whisper.filler_prompt && window == Window::Full {
            params.set_initial_prompt(FILLER_PROMPT);
        }
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        if let Window::Sized(silence) = window {
            let secs = samples.len().max(MIN_SAMPLES) as f64 / 16_000.0;
            params.set_audio_ctx(((secs * CTX_PER_SEC).ceil() as i32 + silence).min(CTX_FULL));
            // A short context can send the decoder into a loop; nobody says more than about
            // six tokens a second, so cap the output there.
            params.set_max_tokens((secs * MAX_TOKENS_PER_SEC).ceil() as i32 + 8);
            // Not `single_segment`: without the decoder's own timestamp tokens, word times
            // past the first sentence collapse onto the end of the clip.
        }
        let padded;
        let input = if samples.len() < MIN_SAMPLES {
            padded = [samples, &vec![0.0; MIN_SAMPLES - samples.len()]].concat();
            &padded[..]
        } else {
            samples
        };
        self.state
            .full(params, input)
            .map_err(|e| SttError::Decode(e.to_string()))?;
        let eot = self.whisper.ctx.token_eot();
        let mut tokens = Vec::new();
        for segment in self.state.as_iter() {
            let mut pieces = Vec::new();
            for i in 0..segment.n_tokens() {
                let Some(tok) = segment.get_token(i) else {
                    continue;
                };
                if tok.token_id() >= eot {
                    continue; // timestamps and other special tokens
                }
                let data = tok.token_data();
                let bytes = tok
                    .to_bytes()
                    .map_err(|e| SttError::Decode(e.to_string()))?;
                pieces.push((bytes.to_vec(), data));
            }
            if is_non_speech(segment.no_speech_probability(), &pieces) {
                tracing::debug!("dropping a segment Whisper itself rates as no speech");
                continue;
            }
            tokens.extend(join_utf8(pieces));
        }
        let duration = samples.len() as f64 / 16_000.0;
        let times = TimesCheck::of(&tokens, duration);
        Ok((
            Transcript {
                words: words_from_tokens(&tokens, duration),
            },
            times,
        ))
    }
}

/// OpenAI's rule for a segment to skip: the model thinks there is no speech and is unsure of
/// the words it wrote anyway (what it invents in noise and at the end of a recording).
fn is_non_speech(no_speech_prob: f32, pieces: &[(Vec<u8>, WhisperTokenData)]) -> bool {
    if pieces.is_empty() {
        return false;
    }
    let mean_logprob = pieces.iter().map(|(_, d)| d.plog).sum::<f32>() / pieces.len() as f32;
    no_speech_prob > 0.6 && mean_logprob < -1.0
}

/// Tokens are byte pieces: a character outside ASCII can be split across two of them. Pieces
/// are joined until they form valid UTF-8, so no word carries half a character.
fn join_utf8(pieces: Vec<(Vec<u8>, WhisperTokenData)>) -> Vec<Token> {
    let mut out = Vec::with_capacity(pieces.len());
    let mut pending: Option<(Vec<u8>, WhisperTokenData)> = None;
    for (bytes, data) in pieces {
        let (bytes, first) = match pending.take() {
            Some((mut held, first)) => {
                held.extend_from_slice(&bytes);
                (
                    held,
                    WhisperTokenData {
                        t1: data.t1,
                        p: first.p.min(data.p),
                        ..first
                    },
                )
            }
            None => (bytes, data),
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            // A character cut short at the end: wait for the piece that completes it.
            Err(e) if e.utf8_error().error_len().is_none() => {
                pending = Some((e.into_bytes(), first));
                continue;
            }
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        out.push(Token {
            text,
            start_cs: first.t0,
            end_cs: first.t1,
            prob: first.p,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(t0: i64, t1: i64, p: f32, plog: f32) -> WhisperTokenData {
        WhisperTokenData {
            id: 0,
            tid: 0,
            p,
            plog,
            pt: 0.0,
            ptsum: 0.0,
            t0,
            t1,
            t_dtw: -1,
            vlen: 0.0,
        }
    }

    #[test]
    fn characters_split_across_tokens_are_joined() {
        let note = "é".as_bytes();
        let tokens = join_utf8(vec![
            (b" caf".to_vec(), data(0, 10, 0.9, -0.1)),
            (note[..1].to_vec(), data(10, 12, 0.8, -0.2)),
            (note[1..].to_vec(), data(12, 20, 0.7, -0.3)),
            (vec![0xff], data(20, 30, 0.1, -3.0)),
        ]);
        let texts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, [" caf", "é", "\u{fffd}"]);
        assert_eq!((tokens[1].start_cs, tokens[1].end_cs), (10, 20));
        assert!((tokens[1].prob - 0.7).abs() < 1e-6);
    }

    #[test]
    fn unsure_segments_that_the_model_calls_silence_are_dropped() {
        let unsure = vec![(b" Aoooo".to_vec(), data(0, 10, 0.01, -4.0))];
        let sure = vec![(b" yes".to_vec(), data(0, 10, 0.9, -0.1))];
        assert!(is_non_speech(0.9, &unsure));
        assert!(!is_non_speech(0.9, &sure));
        assert!(!is_non_speech(0.1, &unsure));
        assert!(!is_non_speech(0.9, &[]));
    }
}
