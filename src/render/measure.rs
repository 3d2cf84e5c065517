//! Measurements on rendered pixels, for tests and benchmarks: where the mouth is on screen
//! and how far it has moved from rest. Read from the picture, never from the pose, so it
//! checks what a viewer sees.

use glam::{Mat4, Vec3};

use super::VideoFrame;
use super::avatar::Avatar;

/// A pixel rectangle: x0..x1, y0..y1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// The mouth's box on screen: around the front of the teeth at rest, 6 cm wide and 5 cm
/// tall (room for the jaw to drop).
pub fn mouth_region(
    avatar: &Avatar,
    view_projection: Mat4,
    width: u32,
    height: u32,
) -> Option<Region> {
    let front = |name: &str| -> Option<Vec3> {
        let part = avatar.part(name)?;
        avatar
            .part_vertices(part)
            .map(|v| Vec3::from(avatar.vertices[v as usize].position))
            .max_by(|a, b| a.z.total_cmp(&b.z))
    };
    let upper = front("teeth_upper")?;
    let lower = front("teeth_lower")?;
    let centre = (upper + lower) * 0.5 + Vec3::new(0.0, -0.008, 0.004);
    let to_pixel = |p: Vec3| {
        let clip = view_projection * p.extend(1.0);
        let ndc = clip.truncate() / clip.w;
        (
            (ndc.x * 0.5 + 0.5) * width as f32,
            (0.5 - ndc.y * 0.5) * height as f32,
        )
    };
    let (left, top) = to_pixel(centre + Vec3::new(-0.03, 0.02, 0.0));
    let (right, bottom) = to_pixel(centre + Vec3::new(0.03, -0.03, 0.0));
    let clamp_x = |v: f32| (v.round().max(0.0) as u32).min(width);
    let clamp_y = |v: f32| (v.round().max(0.0) as u32).min(height);
    let region = Region {
        x0: clamp_x(left),
        y0: clamp_y(top),
        x1: clamp_x(right),
        y1: clamp_y(bottom),
    };
    (region.x1 > region.x0 && region.y1 > region.y0).then_some(region)
}

/// How far the mouth region has moved away from the same region of a frame at rest: the
/// mean over its pixels of the largest channel difference, 0..1. Opening the jaw uncovers
/// teeth, tongue and the dark of the mouth and moves the lips, so it grows with the opening.
pub fn mouth_change(frame: &VideoFrame, rest: &VideoFrame, region: Region) -> f32 {
    let mut sum = 0u64;
    for y in region.y0..region.y1 {
        for x in region.x0..region.x1 {
            let (a, b) = (frame.pixel(x, y), rest.pixel(x, y));
            sum += u64::from((0..3).map(|c| a[c].abs_diff(b[c])).max().unwrap_or(0));
        }
    }
    let area = u64::from((region.x1 - region.x0) * (region.y1 - region.y0));
    sum as f32 / (area.max(1) * 255) as f32
}

/// Per-pixel difference between two frames of the same size: (mean absolute difference per
/// channel, share of pixels where some channel differs by more than `tolerance`).
pub fn difference(a: &VideoFrame, b: &VideoFrame, tolerance: u8) -> Option<(f64, f64)> {
    if (a.width, a.height) != (b.width, b.height) || a.rgba.len() != b.rgba.len() {
        return None;
    }
    let mut sum = 0u64;
    let mut off = 0usize;
    for (pa, pb) in a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4)) {
        let mut worst = 0u8;
        for c in 0..3 {
            let d = pa[c].abs_diff(pb[c]);
            sum += u64::from(d);
            worst = worst.max(d);
        }
        if worst > tolerance {
            off += 1;
        }
    }
    let pixels = (a.width * a.height) as f64;
    Some((sum as f64 / (pixels * 3.0), off as f64 / pixels))
}

/// The RMS of `pcm` over one frame's span centred on each frame's time; frame `i` is at
/// `i / fps` seconds on a clock where the audio starts at `audio_start`.
pub fn envelope_at_frames(
    pcm: &[f32],
    sample_rate: u32,
    fps: f64,
    frames: usize,
    audio_start: f64,
) -> Vec<f32> {
    let rate = f64::from(sample_rate);
    (0..frames)
        .map(|i| {
            let t = i as f64 / fps - audio_start;
            let from = ((t - 0.5 / fps) * rate).round().max(0.0) as usize;
            let to = (((t + 0.5 / fps) * rate).round().max(0.0) as usize).min(pcm.len());
            if from >= to {
                return 0.0;
            }
            let energy: f32 = pcm[from..to].iter().map(|x| x * x).sum();
            (energy / (to - from) as f32).sqrt()
        })
        .collect()
}

/// The lag, in seconds, at which `video` best matches `audio` (both sampled at `fps`):
/// positive when the picture runs late. Searched over whole frames within `max_lag` and
/// refined between frames by a parabola through the peak. Returns the lag and the Pearson
/// correlation at the best whole frame, or `None` when either series is flat.
pub fn best_lag(video: &[f32], audio: &[f32], fps: f64, max_lag: f64) -> Option<(f64, f32)> {
    let max_frames = (max_lag * fps).round() as i64;
    let scores: Vec<(i64, f32)> = (-max_frames..=max_frames)
        .filter_map(|lag| pearson_at(video, audio, lag).map(|r| (lag, r)))
        .collect();
    let at = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1))?
        .0;
    let (lag, r) = scores[at];
    let mut refined = lag as f64;
    if at > 0 && at + 1 < scores.len() {
        let (a, b, c) = (scores[at - 1].1, r, scores[at + 1].1);
        let curvature = a - 2.0 * b + c;
        if curvature < 0.0 {
            refined += f64::from(0.5 * (a - c) / curvature);
        }
    }
    Some((refined / fps, r))
}

/// Pearson correlation of `video[i]` with `audio[i - lag]` over the overlap.
fn pearson_at(video: &[f32], audio: &[f32], lag: i64) -> Option<f32> {
    let pairs: Vec<(f32, f32)> = (0..video.len() as i64)
        .filter_map(|i| {
            let j = i - lag;
            (j >= 0 && (j as usize) < audio.len()).then(|| (video[i as usize], audio[j as usize]))
        })
        .collect();
    if pairs.len() < 3 {
        return None;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
    let my = pairs.iter().map(|p| f64::from(p.1)).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0f64, 0.0f64, 0.0f64);
    for &(x, y) in &pairs {
        let (dx, dy) = (f64::from(x) - mx, f64::from(y) - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    // A series that does not vary has no correlation to speak of.
    (sxx > 1e-12 && syy > 1e-12).then(|| (sxy / (sxx * syy).sqrt()) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(width: u32, height: u32, rgb: [u8; 3]) -> VideoFrame {
        VideoFrame {
            t: 0.0,
            width,
            height,
            rgba: [rgb[0], rgb[1], rgb[2], 255].repeat((width * height) as usize),
        }
    }

    #[test]
    fn mouth_change_is_the_mean_largest_channel_difference_in_the_region() {
        let region = Region {
            x0: 0,
            y0: 0,
            x1: 2,
            y1: 2,
        };
        let rest = frame(4, 2, [200, 150, 130]);
        assert_eq!(mouth_change(&rest, &rest, region), 0.0);
        let mut open = rest.clone();
        open.rgba[..4].copy_from_slice(&[200, 150, 28, 255]); // inside the region
        open.rgba[8..12].copy_from_slice(&[0, 0, 0, 255]); // outside it
        assert!((mouth_change(&open, &rest, region) - 102.0 / (4.0 * 255.0)).abs() < 1e-6);
    }

    #[test]
    fn envelope_follows_loudness_per_frame() {
        // 10 fps, audio at 100 Hz starting 0.1 s in, loud for the span of frame 2 (0.2 s on
        // the clock, 0.1 s into the audio, ±0.05 s).
        let mut pcm = vec![0.0f32; 30];
        pcm[5..15].fill(0.5);
        let env = envelope_at_frames(&pcm, 100, 10.0, 4, 0.1);
        assert_eq!(env, [0.0, 0.0, 0.5, 0.0]);
    }

    #[test]
    fn best_lag_finds_a_known_delay_between_frames() {
        let audio: Vec<f32> = (0..200)
            .map(|i| ((i as f32) * 0.37).sin().max(0.0))
            .collect();
        // The picture three frames late.
        let video: Vec<f32> = (0..200)
            .map(|i| if i >= 3 { audio[i - 3] } else { 0.0 })
            .collect();
        let (lag, r) = best_lag(&video, &audio, 100.0, 0.1).unwrap();
        assert!((lag - 0.03).abs() < 0.004, "{lag}");
        assert!(r > 0.99);
        assert!(best_lag(&[1.0; 20], &audio, 100.0, 0.1).is_none());
    }

    #[test]
    fn difference_reports_mean_and_share_off() {
        let a = frame(2, 2, [10, 10, 10]);
        let mut b = a.clone();
        b.rgba[0] = 40;
        let (mean, off) = difference(&a, &b, 16).unwrap();
        assert!((mean - 30.0 / 12.0).abs() < 1e-9);
        assert_eq!(off, 0.25);
        assert!(difference(&a, &frame(1, 1, [0; 3]), 16).is_none());
    }
}
