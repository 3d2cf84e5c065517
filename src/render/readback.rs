//! Getting a rendered frame back to the CPU: the resolved texture is copied into a mappable
//! buffer with rows padded to 256 bytes (wgpu's copy alignment), mapped once the device is
//! done, and unpadded into the caller's frame. The renderer keeps two, so one fills while the
//! other is read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use super::{RenderError, VideoFrame};

const IDLE: u8 = 0;
const PENDING: u8 = 1;
const READY: u8 = 2;
const FAILED: u8 = 3;

/// How long a read waits for the device before calling it failed.
const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub(super) struct Readback {
    buffer: wgpu::Buffer,
    /// Set by the map callback, which runs on whichever thread polls the device.
    state: Arc<AtomicU8>,
    /// The media-clock time of the frame copied in, until it is read.
    holds: Option<f64>,
    submission: Option<wgpu::SubmissionIndex>,
    width: u32,
    height: u32,
    padded_row: u32,
}

impl Readback {
    pub(super) fn new(device: &wgpu::Device, width: u32, height: u32) -> Self {
        let padded_row = (width * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT)
            * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
        Readback {
            buffer: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("readback"),
                size: u64::from(padded_row) * u64::from(height),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            state: Arc::new(AtomicU8::new(IDLE)),
            holds: None,
            submission: None,
            width,
            height,
            padded_row,
        }
    }

    /// Whether a frame was copied in and not yet read.
    pub(super) fn holds_frame(&self) -> bool {
        self.holds.is_some()
    }

    /// Records the copy of `texture` (the frame's size) into this buffer.
    pub(super) fn encode_copy(&self, encoder: &mut wgpu::CommandEncoder, texture: &wgpu::Texture) {
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &self.buffer,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(self.padded_row),
                    rows_per_image: Some(self.height),
                },
            },
            wgpu::Extent3d {
                width: self.width,
                height: self.height,
                depth_or_array_layers: 1,
            },
        );
    }

    /// After the copy was submitted: asks for the mapping, which completes with the work.
    pub(super) fn submitted(&mut self, submission: wgpu::SubmissionIndex, t: f64) {
        self.state.store(PENDING, Ordering::Release);
        let state = self.state.clone();
        self.buffer
            .slice(..)
            .map_async(wgpu::MapMode::Read, move |result| {
                let done = if result.is_ok() { READY } else { FAILED };
                state.store(done, Ordering::Release);
            });
        self.holds = Some(t);
        self.submission = Some(submission);
    }

    /// Waits for the frame if the device is still on it, then copies it into `out`.
    pub(super) fn read(
        &mut self,
        device: &wgpu::Device,
        out: &mut VideoFrame,
    ) -> Result<(), RenderError> {
        let t = self.holds.take().unwrap_or_default();
        let submission = self.submission.take();
        let deadline = std::time::Instant::now() + WAIT;
        // Sessions share the device: another thread's poll may be the one running this
        // buffer's callback, so the work can be done while the state still says pending.
        while self.state.load(Ordering::Acquire) == PENDING {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(RenderError::Device("timed out reading a frame back".into()));
            }
            device
                .poll(wgpu::PollType::Wait {
                    submission_index: submission.clone(),
                    timeout: Some(left),
                })
                .map_err(|e| RenderError::Device(e.to_string()))?;
            if self.state.load(Ordering::Acquire) == PENDING {
                std::thread::yield_now();
            }
        }
        if self.state.load(Ordering::Acquire) != READY {
            self.state.store(IDLE, Ordering::Release);
            return Err(RenderError::Device("reading a frame back failed".into()));
        }
        let row = (self.width * 4) as usize;
        out.width = self.width;
        out.height = self.height;
        out.t = t;
        out.rgba.resize(row * self.height as usize, 0);
        {
            let view = self
                .buffer
                .slice(..)
                .get_mapped_range()
                .map_err(|e| RenderError::Device(e.to_string()))?;
            for (dst, src) in out
                .rgba
                .chunks_exact_mut(row)
                .zip(view.chunks_exact(self.padded_row as usize))
            {
                dst.copy_from_slice(&src[..row]);
            }
        }
        self.buffer.unmap();
        self.state.store(IDLE, Ordering::Release);
        Ok(())
    }
}
