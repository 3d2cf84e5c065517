//! A talking clip on disk: the voice speaks a text, `animate` turns its phoneme timings into
//! poses on the clip's clock, the renderer draws every frame, and ffmpeg muxes the frames with
//! the same audio into a video anyone can play. For judging lip-sync without a browser.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Avatar, FrameSettings, Gpu, RenderError, Renderer, VideoFrame, write_png};
use crate::animate::{Animator, VisemeSettings, VisemeTrack};
use crate::pipeline::messages::SpeechAudio;

/// Silence before the voice starts and after it ends, so the clip opens and closes at rest.
const LEAD_IN_SECS: f64 = 0.4;
const TAIL_SECS: f64 = 0.6;

pub struct FilmSettings {
    pub frame: FrameSettings,
    pub fps: u32,
    /// Also write every frame as a numbered PNG here.
    pub frames_dir: Option<PathBuf>,
}

pub struct FilmReport {
    pub frames: usize,
    pub duration_secs: f64,
    pub adapter: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FilmError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(
        "ffmpeg is needed to write a video file and was not found ({0}); install it (apt install ffmpeg), or pass --frames DIR for PNG frames"
    )]
    NoFfmpeg(std::io::Error),
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Renders `speech` spoken by `avatar` into `output` (any container ffmpeg knows by its
/// extension: .mp4, .mkv, .webm).
pub fn film(
    avatar: &Avatar,
    speech: &SpeechAudio,
    settings: &FilmSettings,
    output: &Path,
) -> Result<FilmReport, FilmError> {
    let gpu = Gpu::shared()?;
    let mut renderer = Renderer::new(gpu.clone(), avatar, settings.frame)?;
    let duration = LEAD_IN_SECS + speech.duration() + TAIL_SECS;
    let frame_count = (duration * f64::from(settings.fps)).ceil() as usize;

    let mut audio = vec![0.0f32; (LEAD_IN_SECS * f64::from(speech.sample_rate)) as usize];
    audio.extend_from_slice(&speech.pcm);
    audio.resize((duration * f64::from(speech.sample_rate)) as usize, 0.0);
    let wav_path = output.with_extension("audio.wav");
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| FilmError::Io { path, source }
    };
    let wav = crate::audio::wav::encode(&audio, speech.sample_rate)
        .map_err(|e| FilmError::Ffmpeg(e.to_string()))?;
    std::fs::write(&wav_path, wav).map_err(io(&wav_path))?;
    if let Some(dir) = &settings.frames_dir {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }

    let result = (|| {
        let mut ffmpeg = spawn_ffmpeg(settings, &wav_path, output)?;
        let mut stdin = ffmpeg.stdin.take().expect("stdin is piped");
        let mut animator = Animator::new(0x1e7);
        animator.say(
            VisemeTrack::new(&speech.phonemes, VisemeSettings::default()),
            LEAD_IN_SECS,
        );
        let mut frame = VideoFrame::empty();
        let mut written = 0usize;
        let mut emit = |frame: &VideoFrame| -> Result<(), FilmError> {
            if let Some(dir) = &settings.frames_dir {
                write_png(frame, &dir.join(format!("frame-{written:05}.png")))?;
            }
            written += 1;
            stdin
                .write_all(&frame.rgba)
                .map_err(|e| FilmError::Ffmpeg(format!("writing frames: {e}")))
        };
        let streamed = (|| {
            for i in 0..frame_count {
                let pose = animator.pose(i as f64 / f64::from(settings.fps));
                if renderer.render(&pose, &mut frame)? {
                    emit(&frame)?;
                }
            }
            if renderer.finish(&mut frame)? {
                emit(&frame)?;
            }
            Ok::<_, FilmError>(())
        })();
        drop(stdin);
        let out = ffmpeg
            .wait_with_output()
            .map_err(|e| FilmError::Ffmpeg(e.to_string()))?;
        // ffmpeg's own reason beats the broken pipe it leaves behind.
        if !out.status.success() {
            return Err(FilmError::Ffmpeg(
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
        streamed?;
        Ok(written)
    })();
    let _ = std::fs::remove_file(&wav_path);
    Ok(FilmReport {
        frames: result?,
        duration_secs: duration,
        adapter: gpu.description.clone(),
    })
}

fn spawn_ffmpeg(
    settings: &FilmSettings,
    wav: &Path,
    output: &Path,
) -> Result<std::process::Child, FilmError> {
    let size = format!("{}x{}", settings.frame.width, settings.frame.height);
    let fps = settings.fps.to_string();
    let mut command = Command::new("ffmpeg");
    command
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args([
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", &size, "-r", &fps, "-i", "-",
        ])
        .arg("-i")
        .arg(wav);
    let is_webm = output.extension().is_some_and(|e| e == "webm");
    if is_webm {
        command.args([
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "0",
            "-crf",
            "32",
            "-c:a",
            "libopus",
        ]);
    } else {
        command.args([
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "20",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-movflags",
            "+faststart",
        ]);
    }
    command
        .arg(output)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command.spawn().map_err(FilmError::NoFfmpeg)
}
