//! espeak-ng, called directly: IPA phonemes for Piper, and the fallback voice with its
//! phoneme events. espeak-ng is one global engine per process, so every call goes through
//! one lock, and it is initialized here once, in synchronous mode with IPA phoneme events
//! (piper-rs' own phonemizer would initialize it in a mode without events; it is not used).

use std::ffi::{CStr, CString, c_char, c_int, c_short, c_void};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use espeak_rs_sys as sys;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EspeakError {
    #[error(
        "cannot start espeak-ng (code {code}); set tts.espeak_data to the folder that holds espeak-ng-data"
    )]
    Init { code: i32 },
    #[error("espeak-ng has no voice `{0}`; set tts.espeak_voice (for example en-us)")]
    Voice(String),
    #[error("text for espeak-ng contains a NUL byte")]
    Nul,
    #[error("espeak-ng failed to synthesize (code {0})")]
    Synth(i32),
}

struct Engine {
    sample_rate: u32,
    voice: Option<String>,
}

static INIT: OnceLock<Result<u32, EspeakError>> = OnceLock::new();
static ENGINE: Mutex<Option<Engine>> = Mutex::new(None);

/// Starts espeak-ng once (with `data_dir`, the folder holding `espeak-ng-data`, or the data
/// built with the binary) and returns its sample rate.
pub fn init(data_dir: Option<&Path>) -> Result<u32, EspeakError> {
    INIT.get_or_init(|| {
        let path = data_dir
            .map(|d| CString::new(d.as_os_str().as_encoded_bytes()).map_err(|_| EspeakError::Nul))
            .transpose()?;
        let options = sys::espeakINITIALIZE_DONT_EXIT
            | sys::espeakINITIALIZE_PHONEME_EVENTS
            | sys::espeakINITIALIZE_PHONEME_IPA;
        // SAFETY: called once (OnceLock); `path` outlives the call and espeak copies it.
        let rate = unsafe {
            sys::espeak_Initialize(
                sys::espeak_AUDIO_OUTPUT_AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
                options as c_int,
            )
        };
        if rate <= 0 {
            return Err(EspeakError::Init { code: rate });
        }
        // SAFETY: a plain function pointer with the signature espeak expects.
        unsafe { sys::espeak_SetSynthCallback(Some(on_audio)) };
        *ENGINE.lock().unwrap_or_else(|p| p.into_inner()) = Some(Engine {
            sample_rate: rate as u32,
            voice: None,
        });
        Ok(rate as u32)
    })
    .clone()
}

fn with_voice<R>(
    voice: &str,
    f: impl FnOnce(&Engine) -> Result<R, EspeakError>,
) -> Result<R, EspeakError> {
    let mut guard = ENGINE.lock().unwrap_or_else(|p| p.into_inner());
    let engine = guard.as_mut().ok_or(EspeakError::Init { code: 0 })?;
    if engine.voice.as_deref() != Some(voice) {
        let name = CString::new(voice).map_err(|_| EspeakError::Nul)?;
        // SAFETY: espeak is initialized (ENGINE is set only after that) and the lock is held.
        let status = unsafe { sys::espeak_SetVoiceByName(name.as_ptr()) };
        if status != sys::espeak_ERROR_EE_OK {
            return Err(EspeakError::Voice(voice.into()));
        }
        engine.voice = Some(voice.into());
    }
    f(engine)
}

/// IPA phonemes of `text`, clause by clause, in the form Piper voices were trained on: each
/// clause followed by the punctuation that ended it (which sets Piper's intonation: a `?`
/// rises). espeak does not return that punctuation, so it is read from the text at the
/// point where espeak stopped.
pub fn phonemes(text: &str, voice: &str) -> Result<String, EspeakError> {
    let text = CString::new(text).map_err(|_| EspeakError::Nul)?;
    let bytes = text.as_bytes();
    let base = text.as_ptr() as usize;
    with_voice(voice, |_| {
        let mut out = String::new();
        let mut cursor: *const c_void = text.as_ptr().cast();
        while !cursor.is_null() {
            let from = cursor as usize - base;
            // SAFETY: `cursor` points into `text`, which outlives the loop; espeak advances
            // it clause by clause and sets it to null at the end. The returned string is
            // espeak's own buffer, copied before the next call.
            let clause = unsafe {
                let p = sys::espeak_TextToPhonemes(
                    &mut cursor,
                    sys::espeakCHARS_UTF8 as c_int,
                    sys::espeakPHONEMES_IPA as c_int,
                );
                if p.is_null() {
                    break;
                }
                CStr::from_ptr(p).to_string_lossy().into_owned()
            };
            let to = if cursor.is_null() {
                bytes.len()
            } else {
                (cursor as usize - base).min(bytes.len())
            };
            let clause = clause.trim();
            if clause.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(clause);
            if let Some(end) = clause_end(&bytes[from.min(to)..to]) {
                out.push(end);
            }
        }
        Ok(out)
    })
}

/// The punctuation that ended a clause, given the text espeak consumed for it: espeak reads
/// one character past the punctuation, so that character is skipped when it is not it.
fn clause_end(consumed: &[u8]) -> Option<char> {
    let trim = |b: &[u8]| -> usize {
        b.iter()
            .rposition(|c| !c.is_ascii_whitespace())
            .map_or(0, |i| i + 1)
    };
    let is_end = |c: u8| matches!(c, b'.' | b',' | b'?' | b'!' | b';' | b':');
    let mut len = trim(consumed);
    for _ in 0..2 {
        let last = *consumed.get(len.checked_sub(1)?)?;
        if is_end(last) {
            return Some(char::from(last));
        }
        // Step back over one (UTF-8) character: the look-ahead.
        len -= 1;
        while len > 0 && consumed[len] & 0xC0 == 0x80 {
            len -= 1;
        }
        len = trim(&consumed[..len]);
    }
    None
}

/// Samples and `(ms, phoneme)` events collected by the callback during one `espeak_Synth`.
#[derive(Default)]
struct Collector {
    samples: Vec<i16>,
    events: Vec<(u32, String)>,
}

/// What espeak-ng said: mono samples at its rate, and phoneme events (start in ms, IPA).
pub struct Synthesized {
    pub pcm: Vec<f32>,
    pub sample_rate: u32,
    pub events: Vec<(u32, String)>,
}

/// Speech for `text` with the fallback voice.
pub fn synthesize(text: &str, voice: &str) -> Result<Synthesized, EspeakError> {
    let text = CString::new(text).map_err(|_| EspeakError::Nul)?;
    with_voice(voice, |engine| {
        let mut collector = Collector::default();
        // SAFETY: synchronous mode: espeak_Synth returns only after its last callback, so
        // `collector` outlives every use of the pointer handed over as user data.
        let status = unsafe {
            sys::espeak_Synth(
                text.as_ptr().cast(),
                text.as_bytes_with_nul().len(),
                0,
                sys::espeak_POSITION_TYPE_POS_CHARACTER,
                0,
                sys::espeakCHARS_UTF8,
                std::ptr::null_mut(),
                (&raw mut collector).cast(),
            )
        };
        if status != sys::espeak_ERROR_EE_OK {
            return Err(EspeakError::Synth(status));
        }
        let pcm = collector
            .samples
            .iter()
            .map(|&s| f32::from(s) / 32768.0)
            .collect();
        Ok(Synthesized {
            pcm,
            sample_rate: engine.sample_rate,
            events: collector.events,
        })
    })
}

/// espeak's synth callback: appends the block's samples and phoneme events to the
/// `Collector` named by the events' user data. Returns 0 to continue.
unsafe extern "C" fn on_audio(
    wav: *mut c_short,
    count: c_int,
    events: *mut sys::espeak_EVENT,
) -> c_int {
    if events.is_null() {
        return 0;
    }
    // SAFETY: espeak passes an event list ending in LIST_TERMINATED, each event carrying the
    // user data given to espeak_Synth (a live `Collector`); `wav` holds `count` samples.
    unsafe {
        let collector = (*events).user_data.cast::<Collector>();
        if collector.is_null() {
            return 0;
        }
        let collector = &mut *collector;
        if !wav.is_null() && count > 0 {
            collector
                .samples
                .extend_from_slice(std::slice::from_raw_parts(wav, count as usize));
        }
        let mut event = events;
        while (*event).type_ != sys::espeak_EVENT_TYPE_espeakEVENT_LIST_TERMINATED {
            if (*event).type_ == sys::espeak_EVENT_TYPE_espeakEVENT_PHONEME {
                let raw: [c_char; 8] = (*event).id.string;
                let bytes: Vec<u8> = raw
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| c as u8)
                    .collect();
                let symbol = String::from_utf8_lossy(&bytes).into_owned();
                if !symbol.is_empty() {
                    collector
                        .events
                        .push(((*event).audio_position.max(0) as u32, symbol));
                }
            }
            event = event.add(1);
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_ends_are_read_past_the_look_ahead() {
        assert_eq!(clause_end(b"Shall we start?"), Some('?'));
        assert_eq!(clause_end(b"Yes, l"), Some(','));
        assert_eq!(clause_end(b"et us begin; t"), Some(';'));
        assert_eq!(clause_end("done. \u{e9}".as_bytes()), Some('.'));
        assert_eq!(clause_end(b"no end"), None);
        assert_eq!(clause_end(b""), None);
    }
}
