//! render: the avatar drawn offscreen with wgpu, frame by frame, from `AvatarPose`s
//! (`animate`) into `VideoFrame`s. `avatar` reads the glTF asset, `scene` turns a pose into
//! joint matrices and active morph targets, `gpu` holds the process's one device, and
//! `renderer` draws frames (its pipelines built by `pipelines`) and reads them back without
//! stalling (`readback`).

pub mod avatar;
pub mod film;
pub mod gpu;
pub mod lipsync;
pub mod measure;
mod pipelines;
mod readback;
pub mod renderer;
pub mod scene;

use std::path::Path;

pub use crate::pipeline::messages::VideoFrame;
pub use avatar::{Avatar, AvatarError};
pub use gpu::Gpu;
pub use renderer::Renderer;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Avatar(#[from] AvatarError),
    #[error("no device to render on: {0} (install mesa-vulkan-drivers for software Vulkan)")]
    NoAdapter(String),
    #[error("the render device failed: {0}")]
    Device(String),
    #[error("frame size {width}×{height}: both sides must be even and at most 4096")]
    Size { width: u32, height: u32 },
    #[error("msaa {0}: use 1 (off) or 4 samples per pixel")]
    Msaa(u32),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// The size and antialiasing of the frames a renderer makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSettings {
    pub width: u32,
    pub height: u32,
    /// Samples per pixel: 4 smooths edges, 1 roughly halves the cost on a software device.
    pub msaa: u32,
}

impl FrameSettings {
    pub fn from_config(config: &crate::config::AvatarConfig) -> Self {
        FrameSettings {
            width: config.width,
            height: config.height,
            msaa: config.msaa,
        }
    }
}

/// Video frames are even-sized (4:2:0 chroma halves each side) and at most 4096 a side.
pub fn valid_frame_size(width: u32, height: u32) -> bool {
    (2..=4096).contains(&width)
        && (2..=4096).contains(&height)
        && width.is_multiple_of(2)
        && height.is_multiple_of(2)
}

/// Writes a frame as a PNG (stills for docs, golden images for tests).
pub fn write_png(frame: &VideoFrame, path: &Path) -> Result<(), RenderError> {
    image::save_buffer(
        path,
        &frame.rgba,
        frame.width,
        frame.height,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| RenderError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
