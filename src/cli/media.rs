//! `say`, `render` and `transcribe`: the voice, the avatar and the ear, run on files.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::config::Config;

pub(super) fn say(
    config: &Config,
    text: &str,
    output: &std::path::Path,
    timings: bool,
) -> anyhow::Result<()> {
    use crate::pipeline::speak::Speaker;
    if !text.chars().any(char::is_alphanumeric) {
        anyhow::bail!("nothing to say: the text has no words");
    }
    let speaker = Speaker::load(&config.tts, &config.stt.onnxruntime)?;
    let speech = speaker.speak(text)?;
    let wav = crate::audio::wav::encode(&speech.pcm, speech.sample_rate)?;
    std::fs::write(output, wav).with_context(|| format!("writing {}", output.display()))?;
    if timings {
        for p in &speech.phonemes {
            out!("{:>7.3} {:>7.3}  {}", p.start, p.end, p.symbol);
        }
    }
    eprintln!(
        "{}: {:.2} s at {} Hz ({:?} voice, {} phonemes)",
        output.display(),
        speech.duration(),
        speech.sample_rate,
        speech.voice,
        speech.phonemes.len()
    );
    Ok(())
}

pub(super) fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{text}` is not WIDTHxHEIGHT, e.g. 640x480");
    let (w, h) = text.split_once(['x', '×']).ok_or_else(bad)?;
    Ok((
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    ))
}

pub(super) fn render(
    config: &Config,
    text: &str,
    output: &std::path::Path,
    size: Option<(u32, u32)>,
    fps: Option<u32>,
    frames: Option<PathBuf>,
) -> anyhow::Result<()> {
    use crate::pipeline::speak::Speaker;
    use crate::render::{Avatar, FrameSettings, film};
    if !text.chars().any(char::is_alphanumeric) {
        bail!("nothing to say: the text has no words");
    }
    let mut frame = FrameSettings::from_config(&config.avatar);
    if let Some((width, height)) = size {
        (frame.width, frame.height) = (width, height);
    }
    if !crate::render::valid_frame_size(frame.width, frame.height) {
        // Said before the voice and the avatar load, not after.
        return Err(crate::render::RenderError::Size {
            width: frame.width,
            height: frame.height,
        }
        .into());
    }
    let fps = fps.unwrap_or(config.avatar.fps);
    if !(1..=60).contains(&fps) {
        bail!("--fps {fps} is out of range; use 1..=60");
    }
    let avatar = Avatar::load(&config.avatar.model)?;
    let speaker = Speaker::load(&config.tts, &config.stt.onnxruntime)?;
    let speech = speaker.speak(text)?;
    let started = std::time::Instant::now();
    let settings = film::FilmSettings {
        frame,
        fps,
        frames_dir: frames,
    };
    let report = film::film(&avatar, &speech, &settings, output)?;
    eprintln!(
        "{}: {} frames at {}×{}, {fps} fps, {:.2} s; rendered in {:.1} s on {}",
        output.display(),
        report.frames,
        settings.frame.width,
        settings.frame.height,
        report.duration_secs,
        started.elapsed().as_secs_f64(),
        report.adapter
    );
    Ok(())
}

pub(super) fn transcribe(
    config: &Config,
    file: &std::path::Path,
    json: bool,
) -> anyhow::Result<()> {
    use crate::pipeline::listen::Silero;
    use crate::pipeline::transcribe::Whisper;
    let pcm = crate::audio::wav::read_file(file)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut vad = Silero::load(&config.stt.vad_model, &config.stt.onnxruntime)?;
    let whisper = Whisper::load(&config.stt.model, config.stt.threads, &config.stt.language)?
        .with_filler_prompt(config.stt.filler_prompt);
    let heard =
        crate::pipeline::recording::hear(config, &mut vad, &mut whisper.session()?, &pcm.samples)?;
    if json {
        let mut out = serde_json::to_value(&heard)?;
        out["file"] = file.display().to_string().into();
        out["text"] = heard.transcript.text().into();
        out!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let (transcript, fluency, prosody) = (&heard.transcript, &heard.fluency, &heard.prosody);
    for w in &transcript.words {
        out!(
            "{:>7.2} {:>7.2}  {:<20} p={:.2}",
            w.start,
            w.end,
            w.text,
            w.prob
        );
    }
    let p = &fluency.silent_pauses;
    out!(
        "\n{} words, {} syllables over {:.1} s of speaking\nspeech rate {:.0} words/min, {:.0} syllables/min; articulation rate {:.0} syllables/min over {:.1} s of phonation\nphonation-time ratio {:.2}; mean length of run {:.1} syllables\nsilent pauses (>= {} ms): {} ({:.1}/min; {} between clauses, {} within), mean {}, longest {}\nfilled pauses {}, repetitions {}, self-corrections {}",
        fluency.words,
        fluency.syllables,
        fluency.speaking_secs,
        fluency.words_per_minute.value,
        fluency.syllables_per_minute.value,
        fluency.articulation_rate.value,
        fluency.articulation_rate.secs,
        fluency.phonation_time_ratio.value,
        fluency.mean_length_of_run.value,
        config.scoring.min_pause_ms,
        p.count,
        p.per_minute.value,
        p.between_clauses,
        p.within_clauses,
        p.mean_secs
            .map(|s| format!("{s:.2} s"))
            .unwrap_or_else(|| "-".into()),
        p.longest_secs
            .map(|s| format!("{s:.2} s"))
            .unwrap_or_else(|| "-".into()),
        fluency.filled_pauses.count,
        fluency.repetitions,
        fluency.self_corrections,
    );
    match (
        prosody.f0_mean_hz,
        prosody.f0_sd_semitones,
        prosody.intensity_sd_db,
    ) {
        (Some(f0), Some(sd), Some(isd)) => out!(
            "F0 mean {f0:.0} Hz, sd {sd:.1} semitones; intensity sd {isd:.1} dB ({} of {} frames voiced)",
            prosody.voiced_frames,
            prosody.frames
        ),
        _ => out!("too little voiced speech for pitch figures"),
    }
    if heard.transcript.words.is_empty() {
        out!("no speech found");
    }
    for w in &heard.quality.warnings {
        out!("warning: {w}");
    }
    Ok(())
}
