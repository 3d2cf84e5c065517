//! The renderer on this machine's device (lavapipe in CI): golden stills of four poses, the
//! mouth seen opening and closing, and a clip whose mouth follows its own audio.

use std::path::Path;

use interviewer::animate::{AvatarPose, Viseme};
use interviewer::priority::YIELDING_NICENESS;
use interviewer::render::measure::{self, Region};
use interviewer::render::{Avatar, FrameSettings, Gpu, Renderer, VideoFrame};

use crate::helpers::root;

const WIDTH: u32 = 320;
const HEIGHT: u32 = 240;
pub const SETTINGS: FrameSettings = FrameSettings {
    width: WIDTH,
    height: HEIGHT,
    msaa: 4,
};

pub fn avatar() -> Avatar {
    Avatar::load(&root().join("avatar/interviewer.glb")).expect("the shipped avatar loads")
}

pub fn pose(viseme: Viseme, blink: f32) -> AvatarPose {
    AvatarPose {
        blink,
        ..AvatarPose::holding(viseme)
    }
}

fn load_png(path: &Path) -> VideoFrame {
    let image = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgba8();
    VideoFrame {
        t: 0.0,
        width: image.width(),
        height: image.height(),
        rgba: image.into_raw(),
    }
}

/// Compares with tests/fixtures/render/NAME.png; `UPDATE_GOLDEN=1` rewrites the file.
fn check_golden(name: &str, frame: &VideoFrame) {
    let path = root().join(format!("tests/fixtures/render/{name}.png"));
    let out = root().join(format!("target/render-stills/{name}.png"));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    interviewer::render::write_png(frame, &out).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        interviewer::render::write_png(frame, &path).unwrap();
        return;
    }
    let golden = load_png(&path);
    let (mean, off) =
        measure::difference(frame, &golden, 24).expect("same size as the golden image");
    assert!(
        mean < 1.5 && off < 0.005,
        "{name}: mean difference {mean:.2}, {:.2}% of pixels off (this frame: {})",
        off * 100.0,
        out.display()
    );
}

struct Stills {
    renderer: Renderer,
    mouth: Region,
}

fn stills() -> Stills {
    let avatar = avatar();
    let gpu = Gpu::shared().expect("a render device (lavapipe: mesa-vulkan-drivers)");
    let renderer = Renderer::new(gpu, &avatar, SETTINGS).unwrap();
    let mouth = measure::mouth_region(&avatar, renderer.view_projection(), WIDTH, HEIGHT).unwrap();
    Stills { renderer, mouth }
}

#[test]
fn golden_stills_of_rest_vowel_bilabial_and_blink() {
    let mut s = stills();
    let rest = s.renderer.render_still(&pose(Viseme::Sil, 0.0)).unwrap();
    let mut change = Vec::new();
    for (name, p) in [
        ("neutral", pose(Viseme::Sil, 0.0)),
        ("open_vowel", pose(Viseme::Aa, 0.0)),
        ("bilabial", pose(Viseme::PP, 0.0)),
        ("eyes_closed", pose(Viseme::Sil, 1.0)),
    ] {
        let frame = s.renderer.render_still(&p).unwrap();
        assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
        check_golden(name, &frame);
        change.push((name, measure::mouth_change(&frame, &rest, s.mouth)));
    }
    // The same pose renders the same pixels; an open vowel changes the mouth far more than a
    // bilabial (lips pressed, jaw still) or a blink (nothing at the mouth).
    let [(_, neutral), (_, vowel), (_, bilabial), (_, blink)] = change[..] else {
        unreachable!()
    };
    assert_eq!(neutral, 0.0, "{change:?}");
    assert!(vowel > 0.1, "{change:?}");
    assert!(bilabial < vowel / 2.0 && blink < 0.01, "{change:?}");
}

#[tokio::test]
async fn the_server_refuses_to_start_with_a_missing_or_broken_avatar_and_names_the_file() {
    use interviewer::app::{App, Engines};
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.glb");
    std::fs::write(&broken, b"glTF\x02\0\0\0not a real file").unwrap();
    for (model, says) in [
        (
            dir.path().join("missing.glb"),
            "cannot read the avatar file",
        ),
        (broken.clone(), "is not a valid binary glTF"),
    ] {
        let mut config = crate::helpers::test_config(crate::helpers::database_url(&dir).await);
        config.avatar.model = model.clone();
        let err = match App::build(config, Engines::default()).await {
            Ok(_) => panic!("started with {}", model.display()),
            Err(e) => format!("{e:#}"),
        };
        assert!(
            err.contains(&model.display().to_string()) && err.contains(says),
            "{err}"
        );
    }
}

#[test]
fn the_rendered_mouth_follows_the_voice() {
    let speech = crate::speak::piper()
        .speak("Thank you for coming in today. Tell me about a hard problem you solved.")
        .unwrap();
    let avatar = avatar();
    let gpu = Gpu::shared().unwrap();
    let mut renderer = Renderer::new(gpu, &avatar, SETTINGS).unwrap();
    let sync =
        interviewer::render::lipsync::measure(&mut renderer, &avatar, &speech, 30.0).unwrap();
    // Mouth movement read from the pixels tracks the loudness of the same audio, within a
    // frame and a half either way (the benchmark measures the offset finely).
    assert!(sync.correlation > 0.5, "{sync:?}");
    assert!(sync.offset_secs.abs() < 0.05, "{sync:?}");
}

#[test]
fn render_writes_a_playable_video_with_the_voice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hello.mp4");
    let run = crate::helpers::cli_command(&[
        "render",
        "--text",
        "Hello, and welcome.",
        "-o",
        out.to_str().unwrap(),
        "--size",
        "320x240",
    ])
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,width,height:format=duration",
        ])
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(&out)
        .output()
        .expect("ffprobe (ffmpeg) is installed");
    let text = String::from_utf8_lossy(&probe.stdout);
    assert!(
        text.contains("codec_type=video") && text.contains("codec_type=audio"),
        "{text}"
    );
    assert!(
        text.contains("width=320") && text.contains("height=240"),
        "{text}"
    );
    let duration: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("duration="))
        .and_then(|d| d.parse().ok())
        .unwrap();
    // About a second of speech plus the silence around it.
    assert!((1.2..4.0).contains(&duration), "{text}");
}

#[test]
fn render_names_a_missing_avatar_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.mp4");
    let out = out.to_str().unwrap();
    let run = crate::helpers::cli_command(&["render", "--text", "Hello.", "-o", out])
        .env("INTERVIEWER__AVATAR__MODEL", "/nonexistent/face.glb")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("/nonexistent/face.glb"), "{stderr}");
    for (args, says) in [
        (vec!["--text", "...", "-o", out], "no words"),
        (
            vec!["--text", "Hi.", "-o", out, "--size", "641x480"],
            "even",
        ),
        (
            vec!["--text", "Hi.", "-o", out, "--size", "big"],
            "WIDTHxHEIGHT",
        ),
        (vec!["--text", "Hi.", "-o", out, "--fps", "0"], "1..=60"),
    ] {
        let run = crate::helpers::cli_command(&[&["render"], &args[..]].concat())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            !run.status.success() && stderr.contains(says),
            "{args:?}: {stderr}"
        );
    }
    assert!(!dir.path().join("x.mp4").exists());
}

#[test]
fn frames_come_back_one_behind_in_order_with_their_times() {
    let avatar = avatar();
    let gpu = Gpu::shared().unwrap();
    let single = FrameSettings {
        msaa: 1,
        ..SETTINGS
    };
    let mut renderer = Renderer::new(gpu.clone(), &avatar, single).unwrap();
    let mut frame = VideoFrame::empty();
    let mut times = Vec::new();
    for (i, viseme) in [Viseme::Sil, Viseme::Aa, Viseme::PP]
        .into_iter()
        .enumerate()
    {
        let mut p = pose(viseme, 0.0);
        p.t = i as f64 * 0.1;
        if renderer.render(&p, &mut frame).unwrap() {
            times.push(frame.t);
        }
    }
    assert!(renderer.finish(&mut frame).unwrap());
    times.push(frame.t);
    assert_eq!(times, [0.0, 0.1, 0.2]);
    assert!(
        !renderer.finish(&mut frame).unwrap(),
        "nothing left in flight"
    );

    // Without multisampling the picture is the same but for its edges.
    let mut smooth = Renderer::new(gpu, &avatar, SETTINGS).unwrap();
    let a = smooth.render_still(&pose(Viseme::Sil, 0.0)).unwrap();
    let b = renderer.render_still(&pose(Viseme::Sil, 0.0)).unwrap();
    let (mean, _) = measure::difference(&a, &b, 24).unwrap();
    assert!(mean < 3.0, "{mean}");
    assert!(
        Renderer::new(
            Gpu::shared().unwrap(),
            &avatar,
            FrameSettings {
                msaa: 2,
                ..SETTINGS
            }
        )
        .is_err()
    );
}

#[test]
fn sessions_rendering_at_once_on_the_shared_device_all_get_their_frames() {
    let avatar = std::sync::Arc::new(avatar());
    let small = FrameSettings {
        width: 160,
        height: 120,
        msaa: 1,
    };
    let sessions: Vec<_> = (0..3)
        .map(|_| {
            let avatar = avatar.clone();
            std::thread::spawn(move || {
                let mut renderer = Renderer::new(Gpu::shared().unwrap(), &avatar, small).unwrap();
                let mut frame = VideoFrame::empty();
                let mut got = 0;
                for i in 0..20 {
                    let mut p = pose(Viseme::Aa, 0.0);
                    p.t = f64::from(i);
                    got += usize::from(renderer.render(&p, &mut frame).unwrap());
                }
                got += usize::from(renderer.finish(&mut frame).unwrap());
                got
            })
        })
        .collect();
    for session in sessions {
        assert_eq!(session.join().unwrap(), 20);
    }
}

/// Each of this process's threads: its name and niceness (field 19 of its stat line).
fn threads() -> Vec<(String, i32)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let name = std::fs::read_to_string(dir.join("comm")).ok()?;
            let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
            let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
            Some((name.trim().to_string(), fields.get(16)?.parse().ok()?))
        })
        .collect()
}

#[test]
fn the_rasterizers_threads_yield_to_the_voice_and_the_caller_keeps_its_priority() {
    let before = interviewer::priority::this_thread().unwrap();
    let gpu = Gpu::shared().unwrap();
    let mut renderer = Renderer::new(gpu.clone(), &avatar(), SETTINGS).unwrap();
    let mut frame = VideoFrame::empty();
    renderer.render(&pose(Viseme::Aa, 0.0), &mut frame).unwrap();
    assert_eq!(
        interviewer::priority::this_thread(),
        Some(before),
        "opening the device must not lower the thread that asked for it"
    );
    if !gpu.description.contains("llvmpipe") {
        return; // a hardware device: no rasterizer threads in this process to check
    }
    let workers: Vec<(String, i32)> = threads()
        .into_iter()
        .filter(|(name, _)| name.starts_with("llvmpipe"))
        .collect();
    assert!(
        !workers.is_empty(),
        "lavapipe's workers are named llvmpipe-N"
    );
    for (name, nice) in workers {
        assert!(
            nice >= (before + YIELDING_NICENESS).min(19),
            "{name} runs at niceness {nice}, the tests at {before}"
        );
    }
}
