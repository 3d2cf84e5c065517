//! The voice path that needs no WebRTC: the candidate's page records an answer and uploads
//! it as WAV; the server finds the speech, transcribes it, stores the recording with the
//! turn, and serves every interviewer turn as speech.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::candidate::{check_size, own_interview, readable_interview};
use super::error::ApiError;
use super::extract::Viewer;
use crate::app::AppState;
use crate::audio::{self, AudioError, SAMPLE_RATE_HZ};
use crate::db::interviews::{self, NewRecording, SpokenTurn, status};
use crate::pipeline::messages::CandidateInput;
use crate::voice::VoiceError;

/// Largest upload: ten minutes of 48 kHz stereo 16-bit WAV, and some.
pub const MAX_UPLOAD_BYTES: usize = 120 * 1024 * 1024;

impl From<VoiceError> for ApiError {
    fn from(e: VoiceError) -> Self {
        match e {
            VoiceError::Unavailable(_) => Self::Unavailable(e.to_string()),
            _ => Self::internal(e),
        }
    }
}

/// WAV audio, whole or the byte range the player asked for: a browser seeks in a recording
/// (to the word a reviewer clicked) only when the server serves ranges.
fn wav_response(
    wav: Vec<u8>,
    range: Option<&HeaderValue>,
    extra: Option<(&'static str, String)>,
) -> axum::response::Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some((name, value)) = extra
        && let Ok(v) = value.parse()
    {
        headers.insert(name, v);
    }
    let len = wav.len();
    match range
        .and_then(|r| r.to_str().ok())
        .map(|r| byte_range(r, len))
    {
        None | Some(Range::Whole) => (headers, wav).into_response(),
        Some(Range::Part(start, end)) => {
            if let Ok(v) = format!("bytes {start}-{end}/{len}").parse() {
                headers.insert(header::CONTENT_RANGE, v);
            }
            (
                StatusCode::PARTIAL_CONTENT,
                headers,
                wav[start..=end].to_vec(),
            )
                .into_response()
        }
        Some(Range::Unsatisfiable) => {
            if let Ok(v) = format!("bytes */{len}").parse() {
                headers.insert(header::CONTENT_RANGE, v);
            }
            (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response()
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// No usable range (absent, several, or not bytes): the whole body.
    Whole,
    /// Inclusive byte offsets.
    Part(usize, usize),
    Unsatisfiable,
}

/// One `bytes=` range of RFC 9110 against a body of `len` bytes.
fn byte_range(header: &str, len: usize) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Range::Whole;
    };
    if spec.contains(',') {
        return Range::Whole;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Range::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.parse::<usize>(), b.parse::<usize>()) {
        (Ok(start), Ok(end)) if start <= end => Some((start, end.min(len.saturating_sub(1)))),
        (Ok(start), Err(_)) if b.is_empty() => Some((start, len.saturating_sub(1))),
        (Err(_), Ok(suffix)) if a.is_empty() && suffix > 0 => {
            Some((len.saturating_sub(suffix), len.saturating_sub(1)))
        }
        _ => return Range::Whole,
    };
    match parsed {
        Some((start, end)) if start < len && start <= end => Range::Part(start, end),
        _ => Range::Unsatisfiable,
    }
}

/// A spoken answer as a WAV upload (any layout; the page sends 16 kHz mono).
pub async fn spoken_answer(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let interview = own_interview(&app, &viewer, id).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !matches!(
        content_type.split(';').next().unwrap_or("").trim(),
        "audio/wav" | "audio/x-wav" | "audio/wave"
    ) {
        return Err(ApiError::Unsupported(format!(
            "send the answer as audio/wav, not `{content_type}`"
        )));
    }
    // Spend no transcription on an interview that cannot take an answer.
    if interview.status != status::IN_PROGRESS {
        return Err(ApiError::Conflict(format!(
            "the interview is {}, not waiting for a spoken answer",
            interview.status.replace('_', " ")
        )));
    }
    let pcm = audio::wav::decode(std::io::Cursor::new(&body)).map_err(|e| match e {
        AudioError::Empty => ApiError::Unprocessable("the recording is empty".into()),
        other => ApiError::Unprocessable(format!("cannot read the recording: {other}")),
    })?;
    let max_secs = app.config.interview.max_audio_secs;
    if pcm.duration_secs() > max_secs as f64 {
        return Err(ApiError::TooLarge(format!(
            "the recording lasts {:.0} s; answers are limited to {max_secs} s",
            pcm.duration_secs()
        )));
    }
    let recording = audio::wav::encode(&pcm.samples, SAMPLE_RATE_HZ).map_err(ApiError::internal)?;
    let duration_ms = (pcm.duration_secs() * 1000.0).round() as i64;
    let heard = app.voice.models().await?.hear(pcm).await?;
    let text = heard.transcript.text();
    if text.trim().is_empty() {
        return Err(ApiError::Unprocessable(
            "no speech was heard in the recording; check the microphone and try again".into(),
        ));
    }
    let input = CandidateInput::Answer { text: text.clone() };
    check_size(&app, &input)?;
    let speech = SpokenTurn {
        word_timings: serde_json::to_value(&heard.transcript.words).map_err(ApiError::internal)?,
        duration_ms,
        recording: NewRecording {
            content_type: "audio/wav",
            sample_rate: SAMPLE_RATE_HZ as i32,
            data: recording,
        },
        measures: Some(serde_json::to_value(heard.measures()).map_err(ApiError::internal)?),
    };
    let out = app.sessions.get(id).await?.spoken(input, speech).await?;
    Ok(axum::Json(json!({
        "turns": out.turns,
        "state": out.state,
        "heard": {
            "text": text,
            "words": heard.transcript.words,
            "quality": heard.quality,
        },
    })))
}

/// An interviewer turn in the interviewer's voice, as WAV; `x-voice` names the voice that
/// spoke it (`espeak` when Piper failed and the fallback stood in).
pub async fn turn_speech(
    State(app): State<AppState>,
    viewer: Viewer,
    Path((id, seq)): Path<(i64, i32)>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let interview =
        readable_interview(&app, &viewer, id, "speech_played", json!({ "seq": seq })).await?;
    let turn = interviews::turn(&app.db, interview.id, seq)
        .await?
        .filter(|t| t.speaker == "interviewer")
        .ok_or(ApiError::NotFound)?;
    let speech = app.voice.models().await?.speak(turn.text).await?;
    let wav = audio::wav::encode(&speech.pcm, speech.sample_rate).map_err(ApiError::internal)?;
    let voice = serde_json::to_value(speech.voice)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(wav_response(
        wav,
        headers.get(header::RANGE),
        Some(("x-voice", voice)),
    ))
}

/// The recording of a spoken answer, for its candidate or for reviewers (audited).
pub async fn turn_recording(
    State(app): State<AppState>,
    viewer: Viewer,
    Path((id, seq)): Path<(i64, i32)>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let interview =
        readable_interview(&app, &viewer, id, "recording_played", json!({ "seq": seq })).await?;
    let rec = interviews::recording(&app.db, interview.id, seq)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(wav_response(rec.data, headers.get(header::RANGE), None))
}

#[cfg(test)]
mod tests {
    use super::{Range, byte_range};

    #[test]
    fn byte_ranges_as_players_ask_for_them() {
        assert_eq!(byte_range("bytes=0-", 100), Range::Part(0, 99));
        assert_eq!(byte_range("bytes=10-19", 100), Range::Part(10, 19));
        assert_eq!(byte_range("bytes=90-500", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=-10", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-1,5-6", 100), Range::Whole);
        assert_eq!(byte_range("items=0-1", 100), Range::Whole);
        assert_eq!(byte_range("bytes=5-1", 100), Range::Whole);
    }
}
