//! Render figures on this machine's device (lavapipe without a GPU): frames per second and
//! CPU time per frame for render + readback at 640×480 and 1280×720, with the avatar
//! speaking (morphs, skin and readback all live); and the lip-sync offset, read from the
//! rendered mouth's pixels against the audio envelope, for a set of sentences.
//! Run: `cargo bench --bench render` (needs `scripts/fetch-models` for the voice).

use std::path::PathBuf;
use std::time::Instant;

use interviewer::animate::{Animator, VisemeSettings, VisemeTrack};
use interviewer::config::TtsConfig;
use interviewer::pipeline::speak::Speaker;
use interviewer::render::measure::best_lag;
use interviewer::render::{Avatar, FrameSettings, Gpu, Renderer, VideoFrame, lipsync};

const FRAMES: usize = 150;
const SENTENCES: [&str; 5] = [
    "Thank you for joining me today.",
    "Could you walk me through a project you are proud of?",
    "What would you do differently if you started again?",
    "How did you test the parser before it shipped?",
    "Tell me about a time a deadline moved and what you changed.",
];

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let avatar = Avatar::load(&root.join("avatar/interviewer.glb"))?;
    let tts = TtsConfig {
        voice: root.join("models/en_US-joe-medium.onnx"),
        ..TtsConfig::default()
    };
    let speaker = Speaker::load(&tts, &root.join("models/libonnxruntime.so.1.31.1"))?;
    let gpu = Gpu::shared()?;
    println!("device: {}", gpu.description);
    println!(
        "avatar: {} vertices, {} triangles, {} morph targets",
        avatar.vertices.len(),
        avatar.indices.len() / 3,
        avatar.target_names.len()
    );

    let speech = speaker.speak(SENTENCES[1])?;
    for (width, height, msaa) in [(640, 480, 4), (640, 480, 1), (1280, 720, 4), (1280, 720, 1)] {
        let settings = FrameSettings {
            width,
            height,
            msaa,
        };
        let mut renderer = Renderer::new(gpu.clone(), &avatar, settings)?;
        let mut animator = Animator::new(3);
        animator.say(
            VisemeTrack::new(&speech.phonemes, VisemeSettings::default()),
            0.0,
        );
        let mut frame = VideoFrame::empty();
        for i in 0..10 {
            renderer.render(&animator.pose(i as f64 / 30.0), &mut frame)?;
        }
        let cpu = cpu_seconds();
        let wall = Instant::now();
        for i in 10..10 + FRAMES {
            renderer.render(&animator.pose(i as f64 / 30.0), &mut frame)?;
        }
        renderer.finish(&mut frame)?;
        let wall = wall.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu;
        let per_frame_cpu = cpu / FRAMES as f64;
        println!(
            "{width}×{height} msaa {msaa}: {:.1} fps render + readback, wall {:.2} ms/frame, CPU {:.2} ms/frame \
             (all threads); at 30 fps that is {:.0}% of one core",
            FRAMES as f64 / wall,
            wall * 1e3 / FRAMES as f64,
            per_frame_cpu * 1e3,
            per_frame_cpu * 30.0 * 100.0
        );
    }

    let settings = FrameSettings {
        width: 320,
        height: 240,
        msaa: 4,
    };
    let mut renderer = Renderer::new(gpu.clone(), &avatar, settings)?;
    let mut offsets = Vec::new();
    let (mut movement, mut loudness) = (Vec::new(), Vec::new());
    for text in SENTENCES {
        let speech = speaker.speak(text)?;
        let sync = lipsync::measure(&mut renderer, &avatar, &speech, 60.0)?;
        println!(
            "lip-sync: {:+6.1} ms (r = {:.2}, {} frames at 60 fps)  {text}",
            sync.offset_secs * 1e3,
            sync.correlation,
            sync.frames
        );
        offsets.push(sync.offset_secs);
        movement.extend(&sync.movement);
        loudness.extend(&sync.loudness);
    }
    let (pooled, r) = best_lag(&movement, &loudness, 60.0, lipsync::MAX_LAG_SECS)
        .ok_or_else(|| anyhow::anyhow!("the mouth never moved"))?;
    println!(
        "lip-sync over all {} sentences pooled: {:+.1} ms (r = {r:.2})",
        SENTENCES.len(),
        pooled * 1e3
    );
    let mean = offsets.iter().sum::<f64>() / offsets.len() as f64;
    let worst = offsets.iter().fold(0.0f64, |m, o| m.max(o.abs()));
    println!(
        "lip-sync per sentence (positive: picture late): mean {:+.1} ms, largest |offset| {:.1} ms; \
         target |offset| ≤ 20 ms, detectable beyond +45/−125 ms (ITU-R BT.1359)",
        mean * 1e3,
        worst * 1e3
    );
    Ok(())
}

/// User + system CPU time of this process, all threads (lavapipe renders on its own).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
