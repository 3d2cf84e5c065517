//! From a pose to the face's morph-target weights. The avatar's face carries the 52 ARKit
//! blendshapes (from the MakeHuman face units); each Oculus viseme is a weighted combination
//! of them, and blinks and brows drive their own. Gaze turns the eyes as whole meshes, so
//! it is not expressed here.

use std::sync::LazyLock;

use super::pose::AvatarPose;
use super::visemes::Viseme;

/// The ARKit blendshape names, in the order of `Blendshapes`.
pub const ARKIT: [&str; 52] = [
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
    "tongueOut",
];

/// Weights of the 52 ARKit blendshapes, in `ARKIT` order.
pub type Blendshapes = [f32; 52];

fn index(name: &str) -> usize {
    ARKIT
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| unreachable!("{name} is not an ARKit blendshape"))
}

/// Each viseme as ARKit weights. Symmetric shapes name both sides.
pub fn viseme_shapes(v: Viseme) -> &'static [(&'static str, f32)] {
    match v {
        Viseme::Sil => &[],
        Viseme::PP => &[
            ("mouthClose", 0.35),
            ("mouthPressLeft", 0.5),
            ("mouthPressRight", 0.5),
        ],
        Viseme::FF => &[
            ("jawOpen", 0.08),
            ("mouthRollLower", 0.6),
            ("mouthUpperUpLeft", 0.3),
            ("mouthUpperUpRight", 0.3),
        ],
        Viseme::TH => &[("jawOpen", 0.15), ("tongueOut", 0.35)],
        Viseme::DD => &[
            ("jawOpen", 0.2),
            ("mouthStretchLeft", 0.2),
            ("mouthStretchRight", 0.2),
        ],
        Viseme::Kk => &[
            ("jawOpen", 0.25),
            ("mouthStretchLeft", 0.15),
            ("mouthStretchRight", 0.15),
        ],
        Viseme::CH => &[
            ("jawOpen", 0.15),
            ("mouthFunnel", 0.5),
            ("mouthPucker", 0.2),
        ],
        Viseme::SS => &[
            ("jawOpen", 0.05),
            ("mouthStretchLeft", 0.4),
            ("mouthStretchRight", 0.4),
            ("mouthSmileLeft", 0.1),
            ("mouthSmileRight", 0.1),
        ],
        Viseme::Nn => &[
            ("jawOpen", 0.2),
            ("mouthStretchLeft", 0.1),
            ("mouthStretchRight", 0.1),
        ],
        Viseme::RR => &[
            ("jawOpen", 0.15),
            ("mouthPucker", 0.4),
            ("mouthFunnel", 0.3),
        ],
        Viseme::Aa => &[
            ("jawOpen", 0.7),
            ("mouthLowerDownLeft", 0.3),
            ("mouthLowerDownRight", 0.3),
        ],
        Viseme::E => &[
            ("jawOpen", 0.4),
            ("mouthStretchLeft", 0.3),
            ("mouthStretchRight", 0.3),
            ("mouthSmileLeft", 0.2),
            ("mouthSmileRight", 0.2),
        ],
        Viseme::I => &[
            ("jawOpen", 0.25),
            ("mouthSmileLeft", 0.4),
            ("mouthSmileRight", 0.4),
            ("mouthStretchLeft", 0.3),
            ("mouthStretchRight", 0.3),
        ],
        Viseme::O => &[("jawOpen", 0.5), ("mouthFunnel", 0.6), ("mouthPucker", 0.2)],
        Viseme::U => &[("jawOpen", 0.2), ("mouthPucker", 0.8), ("mouthFunnel", 0.3)],
    }
}

/// `viseme_shapes` with names resolved to indices once, not on every frame.
static VISEME_INDICES: LazyLock<Vec<Vec<(usize, f32)>>> = LazyLock::new(|| {
    Viseme::ALL
        .iter()
        .map(|&v| {
            viseme_shapes(v)
                .iter()
                .map(|&(name, amount)| (index(name), amount))
                .collect()
        })
        .collect()
});

/// The face's morph-target weights for one pose, each clamped to 0..1.
pub fn blendshapes(pose: &AvatarPose) -> Blendshapes {
    let mut w = [0.0f32; 52];
    for (v, shapes) in VISEME_INDICES.iter().enumerate() {
        let k = pose.visemes[v];
        if k <= 0.0 {
            continue;
        }
        for &(i, amount) in shapes {
            w[i] += k * amount;
        }
    }
    let lids = REST_LIDS + pose.blink * (1.0 - REST_LIDS);
    w[index("eyeBlinkLeft")] += lids;
    w[index("eyeBlinkRight")] += lids;
    add_gaze(&mut w, pose.gaze);
    w[index("browInnerUp")] += pose.brows;
    w[index("browOuterUpLeft")] += 0.5 * pose.brows;
    w[index("browOuterUpRight")] += 0.5 * pose.brows;
    w.map(|x| x.clamp(0.0, 1.0))
}

/// The upper lids rest a little lowered: wide-open eyes read as a stare.
const REST_LIDS: f32 = 0.12;

/// How far the eyes turn at full weight of the eyeLook targets (measured on the avatar's
/// eye geometry: in and out turn further than up and down, as in a real orbit).
const EYE_LOOK_SIDE_RAD: f32 = 0.37;
const EYE_LOOK_UP_RAD: f32 = 0.19;
const EYE_LOOK_DOWN_RAD: f32 = 0.29;

/// Gaze (yaw toward the avatar's left, pitch up) as eyeLook weights for both eyes.
fn add_gaze(w: &mut Blendshapes, gaze: glam::Vec2) {
    let side = (gaze.x.abs() / EYE_LOOK_SIDE_RAD).min(1.0);
    let (left, right) = if gaze.x >= 0.0 {
        ("eyeLookOutLeft", "eyeLookInRight")
    } else {
        ("eyeLookInLeft", "eyeLookOutRight")
    };
    w[index(left)] += side;
    w[index(right)] += side;
    let (up, down) = if gaze.y >= 0.0 {
        ((gaze.y / EYE_LOOK_UP_RAD).min(1.0), 0.0)
    } else {
        (0.0, (-gaze.y / EYE_LOOK_DOWN_RAD).min(1.0))
    };
    for (name, k) in [
        ("eyeLookUpLeft", up),
        ("eyeLookUpRight", up),
        ("eyeLookDownLeft", down),
        ("eyeLookDownRight", down),
    ] {
        w[index(name)] += k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec2;

    fn pose_with(v: Viseme, blink: f32) -> AvatarPose {
        AvatarPose {
            blink,
            ..AvatarPose::holding(v)
        }
    }

    #[test]
    fn every_viseme_uses_known_shapes_and_open_vowels_open_the_jaw() {
        for v in Viseme::ALL {
            for (name, amount) in viseme_shapes(v) {
                assert!(ARKIT.contains(name), "{name}");
                assert!((0.0..=1.0).contains(amount));
            }
        }
        let jaw = index("jawOpen");
        assert!(blendshapes(&pose_with(Viseme::Aa, 0.0))[jaw] > 0.6);
        assert_eq!(blendshapes(&pose_with(Viseme::PP, 0.0))[jaw], 0.0);
        let rest = blendshapes(&pose_with(Viseme::Sil, 0.0));
        let lids = [index("eyeBlinkLeft"), index("eyeBlinkRight")];
        assert!(
            rest.iter()
                .enumerate()
                .all(|(i, w)| *w == 0.0 || (lids.contains(&i) && *w == REST_LIDS))
        );
    }

    #[test]
    fn gaze_turns_both_eyes_the_same_way() {
        let mut pose = pose_with(Viseme::Sil, 0.0);
        pose.gaze = Vec2::new(0.1, -0.1);
        let w = blendshapes(&pose);
        assert!(w[index("eyeLookOutLeft")] > 0.2 && w[index("eyeLookInRight")] > 0.2);
        assert_eq!(w[index("eyeLookInLeft")], 0.0);
        assert!(w[index("eyeLookDownLeft")] > 0.2 && w[index("eyeLookUpLeft")] == 0.0);
    }

    #[test]
    fn blinks_close_both_eyes() {
        let w = blendshapes(&pose_with(Viseme::Sil, 1.0));
        assert_eq!(w[index("eyeBlinkLeft")], 1.0);
        assert_eq!(w[index("eyeBlinkRight")], 1.0);
    }
}
