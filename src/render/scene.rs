//! What one frame needs from a pose, computed on the CPU with glam: the camera, the three
//! joint matrices of the skin, and the short list of morph targets that are active.

use glam::{Mat4, Quat, Vec3};

use super::avatar::{Avatar, Rig};
use crate::animate::{AvatarPose, face};

/// At most this many morph targets blend in one frame (the largest, by weight).
pub const MAX_ACTIVE_MORPHS: usize = 32;
/// Weights below this leave the face unchanged to the eye and cost a loop turn each.
const MORPH_EPSILON: f32 = 1e-3;
/// The share of a head turn taken by the neck; the head takes the rest.
const NECK_SHARE: f32 = 0.35;
/// Chest rise at the top of a breath (metres).
const BREATH_RISE: f32 = 0.0035;

/// A head-and-shoulders portrait at eye height, the way a video call frames a face.
#[derive(Debug, Clone, Copy)]
pub struct Camera {
    pub eye: Vec3,
    pub target: Vec3,
    pub fov_y: f32,
}

impl Camera {
    /// Framed from the rig: the eyes a little above the middle of the picture.
    pub fn portrait(rig: &Rig) -> Self {
        let centre = rig.neck + Vec3::new(0.0, 0.1, 0.03);
        Camera {
            eye: centre + Vec3::new(0.0, 0.02, 1.15),
            target: centre,
            fov_y: 19.5f32.to_radians(),
        }
    }

    pub fn view_projection(&self, aspect: f32) -> Mat4 {
        use glam::camera::rh::{proj::directx, view};
        // wgpu's clip space is Direct3D's: y up, depth 0..1.
        let view = view::look_at_mat4(self.eye, self.target, Vec3::Y);
        let projection = directx::perspective(self.fov_y, aspect, 0.1, 10.0);
        projection * view
    }
}

/// Skinning matrices for the chest, neck and head joints (model space to posed model space).
pub fn joint_matrices(rig: &Rig, pose: &AvatarPose) -> [Mat4; 3] {
    let chest = Mat4::from_translation(Vec3::Y * BREATH_RISE * pose.breath.clamp(0.0, 1.0));
    let about = |pivot: Vec3, rotation: Quat| {
        Mat4::from_translation(pivot) * Mat4::from_quat(rotation) * Mat4::from_translation(-pivot)
    };
    let neck = chest * about(rig.neck, Quat::IDENTITY.slerp(pose.head, NECK_SHARE));
    let head = neck * about(rig.head, Quat::IDENTITY.slerp(pose.head, 1.0 - NECK_SHARE));
    [chest, neck, head]
}

/// Maps the 52 ARKit blendshapes onto the avatar's own target order.
#[derive(Debug, Clone)]
pub struct MorphMap {
    target_of: Vec<Option<u32>>,
}

impl MorphMap {
    pub fn new(avatar: &Avatar) -> Self {
        MorphMap {
            target_of: face::ARKIT
                .iter()
                .map(|name| avatar.target_index(name).map(|i| i as u32))
                .collect(),
        }
    }

    /// The active targets and their weights, strongest first, at most `MAX_ACTIVE_MORPHS`.
    pub fn active(&self, pose: &AvatarPose, out: &mut Vec<(u32, f32)>) {
        out.clear();
        let weights = face::blendshapes(pose);
        for (w, target) in weights.iter().zip(&self.target_of) {
            if let Some(t) = target
                && *w > MORPH_EPSILON
            {
                out.push((*t, *w));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(MAX_ACTIVE_MORPHS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::animate::Viseme;

    fn rig() -> Rig {
        Rig {
            chest: Vec3::new(0.0, -0.06, 0.0),
            neck: Vec3::ZERO,
            head: Vec3::new(0.0, 0.11, 0.01),
        }
    }

    fn pose() -> AvatarPose {
        AvatarPose::holding(Viseme::Sil)
    }

    #[test]
    fn a_still_pose_leaves_the_mesh_where_it_is() {
        for m in joint_matrices(&rig(), &pose()) {
            assert!(m.abs_diff_eq(Mat4::IDENTITY, 1e-6));
        }
    }

    #[test]
    fn a_nod_turns_the_head_fully_and_the_neck_partly_about_their_pivots() {
        let mut p = pose();
        p.head = Quat::from_rotation_x(0.2);
        let [chest, neck, head] = joint_matrices(&rig(), &p);
        assert!(chest.abs_diff_eq(Mat4::IDENTITY, 1e-6));
        // The neck pivot stays put; the head's rotation adds up to the whole nod.
        assert!(neck.transform_point3(Vec3::ZERO).length() < 1e-6);
        let forward = head.transform_vector3(Vec3::Z);
        assert!((forward.angle_between(Vec3::Z) - 0.2).abs() < 1e-4);
        let forward = neck.transform_vector3(Vec3::Z);
        assert!((forward.angle_between(Vec3::Z) - 0.2 * NECK_SHARE).abs() < 1e-4);
    }

    #[test]
    fn breathing_lifts_the_chest_by_millimetres() {
        let mut p = pose();
        p.breath = 1.0;
        let [chest, ..] = joint_matrices(&rig(), &p);
        let lift = chest.transform_point3(Vec3::ZERO).y;
        assert!((0.002..0.006).contains(&lift));
    }
}
