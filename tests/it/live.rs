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
fn mouth_reference() -> (VideoFrame, Region) {
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
    let r = received.lock().unwrap();

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
    drop(r);
    call.close().await;
}
