//! Live interviews over WebRTC with a client that is not a browser (a webrtc-rs peer on
//! loopback): signaling and its refusals, the greeting heard and seen, the mouth moving
//! with the voice, and the data channel's state and captions.

use std::time::Duration;

use interviewer::animate::{AvatarPose, Viseme};
use interviewer::auth::Role;
use interviewer::config::Config;
use interviewer::render::measure::{self, Region};
use interviewer::render::{Avatar, FrameSettings, Gpu, Renderer, VideoFrame};
use interviewer::rtc::client::{Call, CallOptions};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const WIDTH: u32 = 320;

/// Live calls are real time: two at once on a two-core machine would starve each other's
/// audio and turn-taking and test the machine rather than the code. One at a time.
pub static ONE_CALL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const HEIGHT: u32 = 240;

/// Loopback only, a small picture, one sample per pixel: the test machine has two cores.
pub fn live_config(c: &mut Config) {
    c.rtc.udp_addrs = vec!["127.0.0.1:0".into()];
    c.rtc.remote_networks = vec!["127.0.0.0/8".into()];
    c.avatar.width = WIDTH;
    c.avatar.height = HEIGHT;
    c.avatar.msaa = 1;
    c.rtc.video_bitrate = 300_000;
}

/// A candidate who has accepted the disclosure: (client, interview id).
pub async fn consented_candidate(app: &TestApp) -> (Client, i64) {
    let org = create_org(app, "Acme").await;
    create_user(app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(app, "rec@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "cand@example.com").await;
    let (candidate, id) = open_invite(app, &link).await;
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    (candidate, id)
}

pub async fn dial(app: &TestApp, c: &Client, id: i64, keep_frames: usize) -> (Call, u64) {
    let options = CallOptions {
        keep_frames,
        ..CallOptions::default()
    };
    let (mut call, connection) = Call::dial(
        &c.http,
        &app.url,
        id,
        c.cookie.as_deref().unwrap(),
        c.csrf.as_deref().unwrap(),
        options,
    )
    .await
    .expect("the call is answered");
    call.connected(Duration::from_secs(15))
        .await
        .expect("the call connects");
    (call, connection)
}

/// Runs a closure when dropped (to show what was received when a wait times out).
struct Defer<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Drop for Defer<F> {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(f) = self.0.take()
        {
            f();
        }
    }
}

/// Polls until `done` holds or `secs` pass.
pub async fn wait_for(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let end = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(
            tokio::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn rms(s: &[f32]) -> f32 {
    (s.iter().map(|x| x * x).sum::<f32>() / s.len().max(1) as f32).sqrt()
}

/// The rest frame and mouth box of the video as the server renders it.
pub fn mouth_reference() -> (VideoFrame, Region) {
    let avatar = Avatar::load(&root().join("avatar/interviewer.glb")).unwrap();
    let settings = FrameSettings {
        width: WIDTH,
        height: HEIGHT,
        msaa: 1,
    };
    let mut r = Renderer::new(Gpu::shared().unwrap(), &avatar, settings).unwrap();
    let rest = r.render_still(&AvatarPose::holding(Viseme::Sil)).unwrap();
    let region = measure::mouth_region(&avatar, r.view_projection(), WIDTH, HEIGHT).unwrap();
    (rest, region)
}

#[tokio::test]
async fn signaling_refuses_what_it_cannot_answer() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "cand@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    let url = format!("/api/interviews/{id}/live");
    let (_, offer) = Call::offer(CallOptions::default()).await.unwrap();

    // Before the disclosure is accepted there is nothing to connect to.
    let r = candidate
        .post(&url, json!({ "type": "offer", "sdp": offer }))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert!(
        r.body["error"].as_str().unwrap().contains("disclosure"),
        "{:?}",
        r.body
    );
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;

    let no_audio = offer.replace("a=sendrecv", "a=recvonly");
    for (body, needle) in [
        (json!({ "type": "offer", "sdp": "hello" }), "not SDP"),
        (
            json!({ "type": "answer", "sdp": offer }),
            "expected an SDP offer",
        ),
        (json!({ "type": "offer", "sdp": no_audio }), "no audio"),
    ] {
        let r = candidate.post(&url, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert!(
            r.body["error"].as_str().unwrap().contains(needle),
            "{:?}",
            r.body
        );
    }
    // Not the candidate's interview: it does not exist for them.
    let stranger = Client::anonymous(&app);
    let r = stranger
        .post(&url, json!({ "type": "offer", "sdp": offer }))
        .await;
    assert!(
        r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::FORBIDDEN,
        "{:?}",
        r.status
    );
    // A candidate for a connection that does not exist.
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/live/99/candidates"),
            json!({ "candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host", "sdpMid": "0" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::GONE, "{:?}", r.body);
}

#[tokio::test]
async fn the_greeting_is_heard_and_seen_with_a_moving_mouth() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let (candidate, id) = consented_candidate(&app).await;
    let (call, connection) = dial(&app, &candidate, id, 400).await;
    assert!(connection >= 1);

    // The greeting plays, then the interviewer listens.
    let received = call.received.clone();
    wait_for(90, "the greeting to end", || {
        let r = received.lock().unwrap();
        r.state.as_deref() == Some("listening") && r.audio16k.len() > 16_000
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // What arrived so far (the call goes on filling an empty record).
    let r = std::mem::take(&mut *received.lock().unwrap());

    // Audio: packets every 20 ms, the voice loud enough to hear.
    assert!(r.audio.len() > 100, "{} audio packets", r.audio.len());
    let loudest = r.audio16k.chunks(1600).map(rms).fold(0.0f32, f32::max);
    assert!(loudest > 0.02, "the greeting is silent: rms {loudest}");

    // The data channel spoke: a caption for each sentence, the states in order.
    let texts: Vec<&str> = r.messages.iter().map(|(_, m)| m.as_str()).collect();
    assert!(texts.iter().any(|m| m.contains("\"caption\"")), "{texts:?}");
    assert!(
        texts.iter().any(|m| m.contains("\"speaking\"")),
        "{texts:?}"
    );

    // Video: real pictures, and a mouth that moves while the voice plays.
    assert!(r.frames.len() > 20, "{} frames", r.frames.len());
    assert_eq!(r.video_errors, 0, "{} frames decoded", r.frames.len());
    let (rest, region) = mouth_reference();
    let mean_luma = |f: &VideoFrame| {
        f.rgba.chunks(4).map(|p| u32::from(p[1])).sum::<u32>() as f32 / (f.rgba.len() / 4) as f32
    };
    let first = &r.kept_frames[0];
    assert_eq!((first.width, first.height), (WIDTH, HEIGHT));
    assert!(mean_luma(first) > 30.0, "the picture is black");
    let changes: Vec<f32> = r
        .kept_frames
        .iter()
        .map(|f| measure::mouth_change(f, &rest, region))
        .collect();
    let most = changes.iter().copied().fold(0.0f32, f32::max);
    if let Ok(dir) = std::env::var("LIVE_FRAMES_DIR") {
        let at = changes.iter().position(|c| *c == most).unwrap();
        interviewer::render::write_png(
            &r.kept_frames[at],
            &std::path::Path::new(&dir).join("open.png"),
        )
        .unwrap();
        eprintln!(
            "mouth changes: {:?}",
            changes
                .iter()
                .map(|c| (c * 100.0).round() / 100.0)
                .collect::<Vec<_>>()
        );
    }
    let least = changes.iter().copied().fold(1.0f32, f32::min);
    assert!(
        most - least > 0.05,
        "the mouth barely moves: change from rest {least:.3}..{most:.3}"
    );
    call.close().await;
}

/// A read sentence, 7 s, without a long pause: one answer.
pub const ANSWER_WAV: &str =
    "tests/fixtures/audio/librivox/sense_and_sensibility_01_austen_64kb-0870.wav";

fn jfk() -> Vec<f32> {
    interviewer::audio::wav::read_file(&root().join("tests/fixtures/audio/jfk.wav"))
        .unwrap()
        .samples
}

async fn transcript(c: &Client, id: i64) -> Vec<serde_json::Value> {
    let r = c.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["turns"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_spoken_answer_lands_in_the_transcript_and_is_followed_up() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let (candidate, id) = consented_candidate(&app).await;
    let (call, _) = dial(&app, &candidate, id, 0).await;
    let received = call.received.clone();
    wait_for(90, "the greeting to end", || {
        received.lock().unwrap().state.as_deref() == Some("listening")
    })
    .await;
    let before = transcript(&candidate, id).await.len();
    let answer = interviewer::audio::wav::read_file(&root().join(ANSWER_WAV)).unwrap();
    let reference = std::fs::read_to_string(root().join(ANSWER_WAV).with_extension("txt")).unwrap();
    call.say(&answer.samples, 16_000).await.unwrap();

    // The answer is heard, stored with its recording, and a follow-up is asked aloud.
    let mut turns = Vec::new();
    let end = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        assert!(
            tokio::time::Instant::now() < end,
            "no follow-up: {turns:#?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        turns = transcript(&candidate, id).await;
        let new = &turns[before..];
        let answered = new.iter().any(|t| t["speaker"] == "candidate");
        let followed = new
            .iter()
            .rposition(|t| t["speaker"] == "interviewer")
            .is_some_and(|i| new[..i].iter().any(|t| t["speaker"] == "candidate"));
        if answered && followed {
            break;
        }
    }
    // Give a split answer (a pause mid-sentence) time to land whole.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let turns = transcript(&candidate, id).await;
    let said: Vec<&str> = turns[before..]
        .iter()
        .filter(|t| t["speaker"] == "candidate")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(
        turns[before..]
            .iter()
            .filter(|t| t["speaker"] == "candidate")
            .all(|t| t["spoken"] == true),
        "spoken answers keep their recording"
    );
    let heard = said.join(" ");
    use interviewer::pipeline::transcribe::wer::{normalize, wer};
    let wer = wer(&normalize(&reference), &normalize(&heard));
    assert!(wer <= 0.2, "word error rate {wer:.2}: {heard:?}");
    wait_for(60, "the follow-up to be spoken", || {
        let r = received.lock().unwrap();
        r.messages
            .iter()
            .filter(|(_, m)| m.contains("\"caption\""))
            .count()
            >= 2
    })
    .await;
    call.close().await;
}

#[tokio::test]
async fn speaking_over_the_interviewer_stops_it_and_the_transcript_says_so() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let (candidate, id) = consented_candidate(&app).await;
    let (call, _) = dial(&app, &candidate, id, 0).await;
    let received = call.received.clone();
    wait_for(60, "the greeting to start", || {
        received.lock().unwrap().state.as_deref() == Some("speaking")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let spoke_at = std::time::Instant::now();
    call.say(&jfk(), 16_000).await.unwrap();
    wait_for(10, "the interviewer to stop", || {
        let r = received.lock().unwrap();
        r.messages
            .iter()
            .any(|(_, m)| m.contains("\"interrupted\""))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // The voice stops soon after the candidate begins (the WAV's speech starts 0.3 s in; the
    // limit is generous, the figure is in the live bench): the first 300 ms of silence
    // after the candidate began speaking starts there.
    let r = std::mem::take(&mut *received.lock().unwrap());
    let loud: Vec<(std::time::Instant, bool)> = r
        .audio
        .iter()
        .map(|a| {
            let end = (a.sample + 320).min(r.audio16k.len());
            (a.at, rms(&r.audio16k[a.sample..end]) > 0.01)
        })
        .collect();
    let from = loud.iter().position(|(at, _)| *at >= spoke_at).unwrap();
    let quiet_from = (from..loud.len().saturating_sub(15))
        .find(|&i| loud[i..i + 15].iter().all(|(_, l)| !l))
        .expect("the interviewer never fell silent");
    let stop_ms = loud[quiet_from]
        .0
        .saturating_duration_since(spoke_at)
        .as_millis();
    eprintln!("barge-in: the voice stopped {stop_ms} ms after the candidate's audio began");
    assert!(
        stop_ms < 1500,
        "the voice went on {stop_ms} ms after the candidate spoke"
    );
    assert!(
        r.messages
            .iter()
            .any(|(_, m)| m.contains("\"interrupted\"")),
        "the page is told what was said"
    );

    // The greeting is recorded as far as it was said.
    let turns = transcript(&candidate, id).await;
    let cut: Vec<_> = turns.iter().filter(|t| t["unsaid"].is_string()).collect();
    assert!(!cut.is_empty(), "no turn was cut short: {turns:#?}");
    let first = cut[0];
    assert!(!first["unsaid"].as_str().unwrap().is_empty());
    call.close().await;
}

#[tokio::test]
async fn the_interviewers_own_voice_coming_back_neither_interrupts_nor_answers() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let (candidate, id) = consented_candidate(&app).await;
    // A loudspeaker beside the microphone, no echo cancellation: half the level, 150 ms late.
    let options = CallOptions {
        echo: Some((0.5, Duration::from_millis(150))),
        ..CallOptions::default()
    };
    let (mut call, _) = Call::dial(
        &candidate.http,
        &app.url,
        id,
        candidate.cookie.as_deref().unwrap(),
        candidate.csrf.as_deref().unwrap(),
        options,
    )
    .await
    .unwrap();
    call.connected(Duration::from_secs(15)).await.unwrap();
    let received = call.received.clone();
    wait_for(90, "the greeting to end", || {
        let r = received.lock().unwrap();
        r.state.as_deref() == Some("listening") && r.audio16k.len() > 16_000 * 3
    })
    .await;
    // Long enough for an echo of the last words to have become a "turn", were it taken.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let r = std::mem::take(&mut *received.lock().unwrap());
    assert!(
        !r.messages
            .iter()
            .any(|(_, m)| m.contains("\"interrupted\"")),
        "the echo interrupted the interviewer"
    );
    let turns = transcript(&candidate, id).await;
    assert!(turns.iter().all(|t| t["unsaid"].is_null()), "{turns:#?}");
    let last = turns.last().unwrap();
    assert_eq!(
        last["speaker"], "interviewer",
        "the echo became an answer: {turns:#?}"
    );
    call.close().await;
}

#[tokio::test]
async fn a_second_tab_takes_over_and_a_lost_connection_resumes_the_question() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let (candidate, id) = consented_candidate(&app).await;
    let (first, _) = dial(&app, &candidate, id, 0).await;
    let first_rx = first.received.clone();
    wait_for(60, "the greeting to start", || {
        first_rx.lock().unwrap().state.as_deref() == Some("speaking")
    })
    .await;

    // A second tab: it gets the interview, the first is told why it lost it.
    let (second, _) = dial(&app, &candidate, id, 0).await;
    wait_for(10, "the first tab to be told", || {
        first_rx
            .lock()
            .unwrap()
            .messages
            .iter()
            .any(|(_, m)| m.contains("another window"))
    })
    .await;
    let second_rx = second.received.clone();
    // The question the first tab was hearing is asked again, from its start, in the second.
    let dump = second_rx.clone();
    let _report = Defer(Some(move || {
        let r = dump.lock().unwrap();
        eprintln!(
            "second tab received: {:?}",
            r.messages
                .iter()
                .map(|(_, m)| m.chars().take(120).collect::<String>())
                .collect::<Vec<_>>()
        );
    }));
    wait_for(90, "the question in the second tab", || {
        let r = second_rx.lock().unwrap();
        r.state.as_deref() == Some("listening")
            && r.messages
                .iter()
                .any(|(_, m)| m.contains("Question 1 of 2"))
    })
    .await;

    // The connection drops without a word; a rejoin continues at the same question.
    second.close().await;
    let before = transcript(&candidate, id).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (third, _) = dial(&app, &candidate, id, 0).await;
    let third_rx = third.received.clone();
    wait_for(90, "the question again after the rejoin", || {
        let r = third_rx.lock().unwrap();
        r.messages
            .iter()
            .any(|(_, m)| m.contains("Question 1 of 2"))
    })
    .await;
    let after = transcript(&candidate, id).await;
    assert_eq!(before, after, "the transcript is intact and unchanged");

    // A typed answer on the data channel works like a spoken one.
    wait_for(90, "listening", || {
        third_rx.lock().unwrap().state.as_deref() == Some("listening")
    })
    .await;
    third
        .send(&json!({ "type": "answer", "text": "We disagreed about retries; I wrote a test that settled it." }))
        .await
        .unwrap();
    wait_for(30, "the typed answer", || {
        third_rx
            .lock()
            .unwrap()
            .messages
            .iter()
            .any(|(_, m)| m.contains("settled it"))
    })
    .await;
    // Nonsense on the channel gets an error message, not a broken session.
    third.send(&json!({ "type": "dance" })).await.unwrap();
    wait_for(10, "the error", || {
        third_rx
            .lock()
            .unwrap()
            .messages
            .iter()
            .any(|(_, m)| m.contains("unreadable message"))
    })
    .await;
    third.close().await;
    first.close().await;

    // The reviewer's timeline has both returns: the second tab replaced an open connection;
    // the rejoin came either after the loss was noticed (with the time away) or before.
    let events = interviewer::db::integrity::for_interview(&app.state.db, id)
        .await
        .unwrap();
    let rejoins: Vec<_> = events.iter().filter(|e| e.kind == "rejoined").collect();
    assert_eq!(rejoins.len(), 2, "{events:?}");
    assert_eq!(rejoins[0].detail["previous_open"], true, "{events:?}");
    let last = &rejoins[1].detail;
    assert!(
        last["previous_open"] == true || last["away_secs"].as_f64().is_some_and(|s| s >= 0.4),
        "{events:?}"
    );
}

#[tokio::test]
async fn silence_earns_a_gentle_prompt_then_a_polite_pause() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(
        |c| {
            live_config(c);
            c.live.prompt_after_secs = 2;
            c.live.end_after_secs = 3;
        },
        None,
    )
    .await;
    let (candidate, id) = consented_candidate(&app).await;
    let (call, _) = dial(&app, &candidate, id, 0).await;
    let received = call.received.clone();
    wait_for(120, "the call to be paused", || {
        received.lock().unwrap().state.as_deref() == Some("paused")
    })
    .await;
    let r = std::mem::take(&mut *received.lock().unwrap());
    let captions: Vec<&str> = r
        .messages
        .iter()
        .map(|(_, m)| m.as_str())
        .filter(|m| m.contains("\"caption\""))
        .collect();
    assert!(
        captions.iter().any(|m| m.contains("Take your time")),
        "{captions:?}"
    );
    assert!(
        captions.iter().any(|m| m.contains("lost each other")),
        "{captions:?}"
    );
    // Both remarks are in the transcript; the interview is not over, only paused.
    let turns = transcript(&candidate, id).await;
    let prompts = turns.iter().filter(|t| t["kind"] == "prompt").count();
    assert_eq!(prompts, 2, "{turns:#?}");
    let r = candidate.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(r.body["state"]["status"], "in_progress");
    call.close().await;
}

#[tokio::test]
async fn a_recruiter_watches_the_interview_live() {
    let _one = ONE_CALL.lock().await;
    let app = spawn_with(live_config, None).await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let other_org = create_org(&app, "Globex").await;
    create_user(&app, "rec@globex.example", Role::Recruiter, Some(other_org)).await;
    let stranger = Client::login(&app, "rec@globex.example").await;
    let (_, link) = role_with_invite(&recruiter, "cand@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    let watch = format!("/api/interviews/{id}/watch");
    let (_, offer) = Call::offer(CallOptions {
        watch: true,
        ..CallOptions::default()
    })
    .await
    .unwrap();
    let body = json!({ "type": "offer", "sdp": offer });

    // Nobody watches an interview that is not live; only its organization's recruiters may.
    let r = recruiter.post(&watch, body.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let (call, _) = dial(&app, &candidate, id, 0).await;
    assert_eq!(
        stranger.post(&watch, body.clone()).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        candidate.post(&watch, body.clone()).await.status,
        StatusCode::FORBIDDEN
    );

    let (mut watcher, _) = Call::dial(
        &recruiter.http,
        &app.url,
        id,
        recruiter.cookie.as_deref().unwrap(),
        recruiter.csrf.as_deref().unwrap(),
        CallOptions {
            watch: true,
            ..CallOptions::default()
        },
    )
    .await
    .expect("the watcher is answered");
    watcher.connected(Duration::from_secs(15)).await.unwrap();
    let candidate_rx = call.received.clone();
    wait_for(90, "the greeting to end", || {
        candidate_rx.lock().unwrap().state.as_deref() == Some("listening")
    })
    .await;
    let answer = interviewer::audio::wav::read_file(&root().join(ANSWER_WAV)).unwrap();
    call.say(&answer.samples, 16_000).await.unwrap();

    // The watcher sees the interviewer, hears both sides and reads the transcript grow.
    let seen = watcher.received.clone();
    wait_for(90, "the answer in the watcher's transcript", || {
        let r = seen.lock().unwrap();
        r.messages
            .iter()
            .any(|(_, m)| m.contains("\"candidate\"") && m.contains("Dashwood"))
    })
    .await;
    let r = std::mem::take(&mut *seen.lock().unwrap());
    assert!(r.frames.len() > 10, "{} frames", r.frames.len());
    let loudest = |s: &[f32]| s.chunks(1600).map(rms).fold(0.0f32, f32::max);
    assert!(loudest(&r.audio16k) > 0.02, "the interviewer is not heard");
    assert!(
        loudest(&r.candidate16k) > 0.02,
        "the candidate is not heard ({} samples)",
        r.candidate16k.len()
    );
    // The view is in the audit log.
    let admin_log = interviewer::db::audit::list(&app.state.db, None, 100)
        .await
        .unwrap();
    assert!(
        admin_log.iter().any(|e| e.action == "live_watched"),
        "watching is audited"
    );
    watcher.close().await;
    call.close().await;
}
