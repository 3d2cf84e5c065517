//! The speech models one process shares (Whisper, the VAD, the interviewer's voice), loaded
//! on first use so a server that only ever runs text interviews never pays for them, and
//! the async drivers that run the synchronous stages on blocking threads.

use std::sync::{Arc, Mutex};

use tokio::sync::{OnceCell, Semaphore};

use crate::audio::Pcm16k;
use crate::config::Config;
use crate::pipeline::listen::{Silero, SmartTurn};
use crate::pipeline::messages::SpeechAudio;
use crate::pipeline::messages::Transcript;
use crate::pipeline::recording::{self, HearError, Heard};
use crate::pipeline::speak::{SpeakError, Speaker};
use crate::pipeline::transcribe::{AudioContext, Whisper, WhisperSession};

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("speech models are unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Hear(#[from] HearError),
    #[error(transparent)]
    Speak(#[from] SpeakError),
    #[error("speech task failed: {0}")]
    Task(String),
}

pub struct VoiceModels {
    config: Arc<Config>,
    whisper: Whisper,
    vad: Mutex<Silero>,
    speaker: Arc<Speaker>,
    /// End-of-turn judgements for every live call; each takes a few milliseconds.
    turn: Arc<Mutex<SmartTurn>>,
    /// Whisper already uses every core it is given: one transcription at a time.
    transcribing: Semaphore,
    /// The `Lane::Background` queue.
    background: Semaphore,
}

/// Which queue a transcription waits in.
#[derive(Clone, Copy)]
enum Lane {
    /// Someone waits for it (an uploaded answer): one at a time, every thread.
    Waited,
    /// A live call waits for it, and the call's video and voice share the cores: the waited
    /// queue, with one core left to the media. Whisper's threads spin while they wait for
    /// each other, so one that loses its core to the renderer stalls them all (measured
    /// beside a call's idle video on 2 cores: a 2 s phrase took 1.7 s on 2 threads and
    /// 0.76 s on 1; 0.4 s on 2 threads alone, `cargo bench --bench speech`).
    Live,
    /// Nobody waits (the verbatim record after a live call): one at a time on one thread,
    /// beside the waited queue rather than in it, so it never holds up a live turn and
    /// always leaves a core to the calls.
    Background,
}

/// Whisper threads for a live call: all the cores but one, which the call's media keeps.
fn live_threads(threads: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    threads.min(cores.saturating_sub(1)).max(1)
}

/// Loads the models once, when first asked.
#[derive(Clone)]
pub struct Voice {
    config: Arc<Config>,
    models: Arc<OnceCell<Arc<VoiceModels>>>,
}

impl Voice {
    pub fn new(config: Arc<Config>) -> Self {
        Self {
            config,
            models: Arc::new(OnceCell::new()),
        }
    }

    pub async fn models(&self) -> Result<Arc<VoiceModels>, VoiceError> {
        self.models
            .get_or_try_init(|| async {
                let config = self.config.clone();
                tokio::task::spawn_blocking(move || VoiceModels::load(config))
                    .await
                    .map_err(|e| VoiceError::Task(e.to_string()))?
                    .map(Arc::new)
            })
            .await
            .cloned()
    }
}

impl VoiceModels {
    fn load(config: Arc<Config>) -> Result<Self, VoiceError> {
        let unavailable = |e: &dyn std::fmt::Display| VoiceError::Unavailable(e.to_string());
        let stt = &config.stt;
        let whisper = Whisper::load(&stt.model, stt.threads, &stt.language)
            .map(|w| w.with_filler_prompt(stt.filler_prompt))
            .map_err(|e| unavailable(&e))?;
        let vad = Silero::load(&stt.vad_model, &stt.onnxruntime).map_err(|e| unavailable(&e))?;
        let speaker = Speaker::load(&config.tts, &stt.onnxruntime).map_err(|e| unavailable(&e))?;
        let mut turn =
            SmartTurn::load(&stt.turn_model, &stt.onnxruntime).map_err(|e| unavailable(&e))?;
        // The first run of each model allocates its buffers: done here, once, rather than in
        // the first candidate's first answer (measured: a first fast transcription took
        // 0.9 s where the next took 0.3 s).
        let quiet = vec![0.0f32; 16_000];
        let mut warm = whisper.session().map_err(|e| unavailable(&e))?;
        warm.transcribe_with(&quiet, AudioContext::SizedToClip)
            .map_err(|e| unavailable(&e))?;
        drop(warm);
        turn.probability(&quiet).map_err(|e| unavailable(&e))?;
        Ok(Self {
            whisper,
            vad: Mutex::new(vad),
            speaker: Arc::new(speaker),
            turn: Arc::new(Mutex::new(turn)),
            transcribing: Semaphore::new(1),
            background: Semaphore::new(1),
            config,
        })
    }

    pub fn speaker(&self) -> Arc<Speaker> {
        self.speaker.clone()
    }

    /// The shared end-of-turn model.
    pub fn turn_model(&self) -> Arc<Mutex<SmartTurn>> {
        self.turn.clone()
    }

    /// A voice activity detector of its own for one live stream (its state is the stream's).
    pub fn vad_stream(&self) -> Result<Silero, VoiceError> {
        let stt = &self.config.stt;
        Silero::load(&stt.vad_model, &stt.onnxruntime)
            .map_err(|e| VoiceError::Unavailable(e.to_string()))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Transcribes and measures a whole recorded answer, verbatim.
    pub async fn hear(self: &Arc<Self>, pcm: Pcm16k) -> Result<Heard, VoiceError> {
        self.with_whisper(Lane::Waited, move |m, vad, whisper| {
            recording::hear(&m.config, vad, whisper, &pcm.samples)
        })
        .await
    }

    /// As `hear`, for a record nobody waits for (`Lane::Background`).
    pub async fn hear_in_background(self: &Arc<Self>, pcm: Pcm16k) -> Result<Heard, VoiceError> {
        self.with_whisper(Lane::Background, move |m, vad, whisper| {
            recording::hear(&m.config, vad, whisper, &pcm.samples)
        })
        .await
    }

    /// The words of a phrase or turn in a live call, fast (`recording::transcribe_fast`).
    pub async fn transcribe_fast(self: &Arc<Self>, pcm: Pcm16k) -> Result<Transcript, VoiceError> {
        let asked = std::time::Instant::now();
        self.with_whisper(Lane::Live, move |m, vad, whisper| {
            let started = std::time::Instant::now();
            let t = recording::transcribe_fast(&m.config, vad, whisper, &pcm.samples);
            tracing::debug!(
                audio_secs = pcm.duration_secs(),
                queued_ms = started.duration_since(asked).as_millis() as u64,
                took_ms = started.elapsed().as_millis() as u64,
                "fast transcription"
            );
            t
        })
        .await
    }

    /// Runs `job` on a blocking thread with Whisper and a VAD, in its lane (the background
    /// lane's at a lower priority).
    async fn with_whisper<T, F>(self: &Arc<Self>, lane: Lane, job: F) -> Result<T, VoiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Self, &mut Silero, &mut WhisperSession) -> Result<T, HearError> + Send + 'static,
    {
        let queue = match lane {
            Lane::Waited | Lane::Live => &self.transcribing,
            Lane::Background => &self.background,
        };
        let _permit = queue
            .acquire()
            .await
            .map_err(|e| VoiceError::Task(e.to_string()))?;
        let models = self.clone();
        let work = move || {
            let mut session = models.whisper.session().map_err(HearError::from)?;
            match lane {
                Lane::Waited | Lane::Live => {
                    if matches!(lane, Lane::Live) {
                        session.limit_threads(live_threads(models.config.stt.threads));
                    }
                    let mut vad = models.vad.lock().unwrap_or_else(|p| p.into_inner());
                    Ok(job(&models, &mut vad, &mut session)?)
                }
                Lane::Background => {
                    session.limit_threads(1);
                    // Its own VAD: the shared one's lock would queue waited work behind this.
                    let mut vad = models.vad_stream()?;
                    Ok(job(&models, &mut vad, &mut session)?)
                }
            }
        };
        if matches!(lane, Lane::Background) {
            // Nobody waits on it: it yields to the calls, on a thread of its own so that the
            // lowered priority ends with it.
            let (tx, rx) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name("verbatim".into())
                .spawn(move || {
                    crate::priority::lower_this_thread(crate::priority::YIELDING_NICENESS);
                    let _ = tx.send(work());
                })
                .map_err(|e| VoiceError::Task(e.to_string()))?;
            return rx
                .await
                .map_err(|_| VoiceError::Task("the verbatim pass's thread stopped".into()))?;
        }
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| VoiceError::Task(e.to_string()))?
    }

    /// The whole of `text` in the interviewer's voice.
    pub async fn speak(self: &Arc<Self>, text: String) -> Result<SpeechAudio, VoiceError> {
        let speaker = self.speaker.clone();
        tokio::task::spawn_blocking(move || speaker.speak(&text))
            .await
            .map_err(|e| VoiceError::Task(e.to_string()))?
            .map_err(VoiceError::from)
    }
}
