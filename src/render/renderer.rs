//! The offscreen renderer: one per session, over the shared device. Each frame draws the
//! avatar and then the backdrop into a multisampled target (or a plain one at `msaa` 1),
//! resolves it, and copies it into one of two `Readback`s; the frame before it is read from
//! the other meanwhile, so the CPU never waits on work it has just submitted. Nothing is
//! allocated per frame. The pipelines and material bindings are built once (`pipelines`).

use std::sync::Arc;

use bytemuck::{Pod, Zeroable};
use glam::Mat4;
use wgpu::util::DeviceExt;

use super::avatar::Avatar;
use super::gpu::Gpu;
use super::pipelines::{COLOR_FORMAT, DEPTH_FORMAT, Pipelines};
use super::readback::Readback;
use super::scene::{Camera, MAX_ACTIVE_MORPHS, MorphMap, joint_matrices};
use super::{FrameSettings, RenderError, VideoFrame};
use crate::animate::AvatarPose;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct FrameUniform {
    view_proj: [[f32; 4]; 4],
    joints: [[[f32; 4]; 4]; 3],
    camera: [f32; 4],
    counts: [u32; 4],
    morphs: [[f32; 4]; MAX_ACTIVE_MORPHS / 2],
}

struct DrawPart {
    material: usize,
    indices: std::ops::Range<u32>,
}

pub struct Renderer {
    gpu: Arc<Gpu>,
    width: u32,
    height: u32,
    camera: Camera,
    rig: super::avatar::Rig,
    morph_map: MorphMap,
    active: Vec<(u32, f32)>,
    vertex_count: u32,
    pipelines: Pipelines,
    frame_uniform: wgpu::Buffer,
    frame_group: wgpu::BindGroup,
    parts: Vec<DrawPart>,
    vertices: wgpu::Buffer,
    indices: wgpu::Buffer,
    /// The multisampled target, resolved into `resolved`; none when drawing single-sampled.
    msaa_view: Option<wgpu::TextureView>,
    depth_view: wgpu::TextureView,
    resolved: wgpu::Texture,
    resolved_view: wgpu::TextureView,
    readbacks: [Readback; 2],
    next: usize,
}

impl Renderer {
    pub fn new(
        gpu: Arc<Gpu>,
        avatar: &Avatar,
        settings: FrameSettings,
    ) -> Result<Self, RenderError> {
        let FrameSettings {
            width,
            height,
            msaa: samples,
        } = settings;
        if !super::valid_frame_size(width, height) {
            return Err(RenderError::Size { width, height });
        }
        if !matches!(samples, 1 | 4) {
            return Err(RenderError::Msaa(samples));
        }
        let device = &gpu.device;
        let pipelines = Pipelines::new(&gpu, avatar, samples);
        let frame_uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("frame"),
            size: std::mem::size_of::<FrameUniform>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let storage = |label, data: &[[f32; 4]]| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: bytemuck::cast_slice(data),
                usage: wgpu::BufferUsages::STORAGE,
            })
        };
        let morph_positions = storage("morph positions", &avatar.morph_positions);
        let morph_normals = storage("morph normals", &avatar.morph_normals);
        let frame_group =
            pipelines.frame_group(device, &frame_uniform, &morph_positions, &morph_normals);

        let vertices = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("vertices"),
            contents: bytemuck::cast_slice(&avatar.vertices),
            usage: wgpu::BufferUsages::VERTEX,
        });
        let indices = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("indices"),
            contents: bytemuck::cast_slice(&avatar.indices),
            usage: wgpu::BufferUsages::INDEX,
        });
        // Solid parts first, so the depth test spares later fragments; then the alpha-masked
        // shells (hair, shirt, jacket), whose discards defeat early depth tests; lashes last.
        let mut parts: Vec<DrawPart> = avatar
            .parts
            .iter()
            .map(|p| DrawPart {
                material: p.material,
                indices: p.first_index..p.first_index + p.index_count,
            })
            .collect();
        parts.sort_by_key(|p| {
            let m = &avatar.materials[p.material];
            (m.alpha_cutoff.is_some(), m.double_sided)
        });

        let target = |label, format, samples, usage| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d {
                    width,
                    height,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: samples,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage,
                view_formats: &[],
            })
        };
        let msaa = (samples > 1).then(|| {
            target(
                "msaa",
                COLOR_FORMAT,
                samples,
                wgpu::TextureUsages::RENDER_ATTACHMENT,
            )
        });
        let depth = target(
            "depth",
            DEPTH_FORMAT,
            samples,
            wgpu::TextureUsages::RENDER_ATTACHMENT,
        );
        let resolved = target(
            "resolved",
            COLOR_FORMAT,
            1,
            wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        );
        Ok(Renderer {
            width,
            height,
            camera: Camera::portrait(&avatar.rig),
            rig: avatar.rig,
            morph_map: MorphMap::new(avatar),
            active: Vec::with_capacity(64),
            vertex_count: avatar.vertices.len() as u32,
            pipelines,
            frame_uniform,
            frame_group,
            parts,
            vertices,
            indices,
            msaa_view: msaa.map(|t| t.create_view(&Default::default())),
            depth_view: depth.create_view(&Default::default()),
            resolved_view: resolved.create_view(&Default::default()),
            resolved,
            readbacks: [
                Readback::new(device, width, height),
                Readback::new(device, width, height),
            ],
            next: 0,
            gpu,
        })
    }

    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Renders `pose` and copies the frame submitted before it into `out` (reusing its
    /// allocation; its time is in `out.t`). Returns whether `out` got a frame: the output runs
    /// one frame behind the input, and `finish` collects the last one.
    pub fn render(&mut self, pose: &AvatarPose, out: &mut VideoFrame) -> Result<bool, RenderError> {
        let slot = self.next;
        // A slot still holding an unread frame is drained first (only when the caller skips
        // reading, e.g. after an error); in steady state it was read a frame ago.
        if self.readbacks[slot].holds_frame() {
            self.read(slot, out)?;
        }
        self.submit(pose, slot);
        self.next = 1 - slot;
        let previous = self.next;
        if self.readbacks[previous].holds_frame() {
            self.read(previous, out)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The last frame still in flight, if any.
    pub fn finish(&mut self, out: &mut VideoFrame) -> Result<bool, RenderError> {
        let last = 1 - self.next;
        if self.readbacks[last].holds_frame() {
            self.read(last, out)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Renders one pose and waits for it: for stills and tests.
    pub fn render_still(&mut self, pose: &AvatarPose) -> Result<VideoFrame, RenderError> {
        let mut frame = VideoFrame::empty();
        self.render(pose, &mut frame)?;
        self.finish(&mut frame)?;
        Ok(frame)
    }

    fn submit(&mut self, pose: &AvatarPose, slot: usize) {
        let aspect = self.width as f32 / self.height as f32;
        self.morph_map.active(pose, &mut self.active);
        let mut morphs = [[0.0f32; 4]; MAX_ACTIVE_MORPHS / 2];
        for (i, (target, weight)) in self.active.iter().enumerate() {
            let pair = &mut morphs[i / 2];
            let at = (i % 2) * 2;
            pair[at] = *target as f32;
            pair[at + 1] = *weight;
        }
        let joints = joint_matrices(&self.rig, pose).map(|m| m.to_cols_array_2d());
        let uniform = FrameUniform {
            view_proj: self.camera.view_projection(aspect).to_cols_array_2d(),
            joints,
            camera: self.camera.eye.extend(1.0).to_array(),
            counts: [self.active.len() as u32, self.vertex_count, 0, 0],
            morphs,
        };
        let queue = &self.gpu.queue;
        queue.write_buffer(&self.frame_uniform, 0, bytemuck::bytes_of(&uniform));

        let mut encoder = self
            .gpu
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("frame"),
            });
        {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("avatar"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: self.msaa_view.as_ref().unwrap_or(&self.resolved_view),
                    depth_slice: None,
                    resolve_target: self.msaa_view.as_ref().map(|_| &self.resolved_view),
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: if self.msaa_view.is_some() {
                            wgpu::StoreOp::Discard
                        } else {
                            wgpu::StoreOp::Store
                        },
                    },
                })],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &self.depth_view,
                    depth_ops: Some(wgpu::Operations {
                        load: wgpu::LoadOp::Clear(1.0),
                        store: wgpu::StoreOp::Discard,
                    }),
                    stencil_ops: None,
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_bind_group(0, &self.frame_group, &[]);
            pass.set_vertex_buffer(0, self.vertices.slice(..));
            pass.set_index_buffer(self.indices.slice(..), wgpu::IndexFormat::Uint32);
            for part in &self.parts {
                pass.set_pipeline(&self.pipelines.materials[part.material]);
                pass.set_bind_group(1, &self.pipelines.material_groups[part.material], &[]);
                pass.draw_indexed(part.indices.clone(), 0, 0..1);
            }
            // Last, at the far plane: only the pixels the avatar left empty are shaded.
            pass.set_pipeline(&self.pipelines.backdrop);
            pass.draw(0..3, 0..1);
        }
        self.readbacks[slot].encode_copy(&mut encoder, &self.resolved);
        let submission = queue.submit([encoder.finish()]);
        self.readbacks[slot].submitted(submission, pose.t);
    }

    fn read(&mut self, slot: usize, out: &mut VideoFrame) -> Result<(), RenderError> {
        self.readbacks[slot].read(&self.gpu.device, out)
    }

    /// The view-projection matrix in use (tests project mesh points to find them in frames).
    pub fn view_projection(&self) -> Mat4 {
        self.camera
            .view_projection(self.width as f32 / self.height as f32)
    }
}
