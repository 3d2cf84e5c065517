//! The offscreen renderer: one per session, over the shared device. Each frame draws the
//! backdrop and the avatar into a 4× multisampled target, resolves it, and copies it into one
//! of two readback buffers; the frame before it is read from the other buffer meanwhile, so
//! the CPU never waits on work it has just submitted. Nothing is allocated per frame.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use bytemuck::{Pod, Zeroable};
use glam::Mat4;
use wgpu::util::DeviceExt;

use super::avatar::{Avatar, Shading};
use super::gpu::Gpu;
use super::scene::{Camera, MAX_ACTIVE_MORPHS, MorphMap, joint_matrices};
use super::{FrameSettings, RenderError, VideoFrame};
use crate::animate::AvatarPose;

const COLOR_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;
const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct FrameUniform {
    view_proj: [[f32; 4]; 4],
    joints: [[[f32; 4]; 4]; 3],
    camera: [f32; 4],
    counts: [u32; 4],
    morphs: [[f32; 4]; MAX_ACTIVE_MORPHS / 2],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct MaterialUniform {
    base_color: [f32; 4],
    params: [f32; 4],
}

const MAP_IDLE: u8 = 0;
const MAP_PENDING: u8 = 1;
const MAP_READY: u8 = 2;
const MAP_FAILED: u8 = 3;

/// One readback buffer and the frame it holds.
struct Readback {
    buffer: wgpu::Buffer,
    state: Arc<AtomicU8>,
    /// The media-clock time of the frame copied into it, until it is read.
    holds: Option<f64>,
    submission: Option<wgpu::SubmissionIndex>,
}

struct DrawPart {
    material: usize,
    indices: std::ops::Range<u32>,
}

pub struct Renderer {
    gpu: Arc<Gpu>,
    width: u32,
    height: u32,
    padded_row: u32,
    camera: Camera,
    rig: super::avatar::Rig,
    morph_map: MorphMap,
    active: Vec<(u32, f32)>,
    vertex_count: u32,
    /// One pipeline per material, its shading model and options compiled in.
    material_pipelines: Vec<wgpu::RenderPipeline>,
    backdrop_pipeline: wgpu::RenderPipeline,
    frame_uniform: wgpu::Buffer,
    frame_group: wgpu::BindGroup,
    material_groups: Vec<wgpu::BindGroup>,
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
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("avatar"),
            source: wgpu::ShaderSource::Wgsl(include_str!("shaders/avatar.wgsl").into()),
        });

        let frame_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("frame"),
            entries: &[
                layout_entry(0, wgpu::ShaderStages::VERTEX_FRAGMENT, uniform_binding()),
                layout_entry(1, wgpu::ShaderStages::VERTEX, storage_binding()),
                layout_entry(2, wgpu::ShaderStages::VERTEX, storage_binding()),
            ],
        });
        let material_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("material"),
            entries: &[
                layout_entry(0, wgpu::ShaderStages::VERTEX_FRAGMENT, uniform_binding()),
                layout_entry(
                    1,
                    wgpu::ShaderStages::FRAGMENT,
                    wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                ),
                layout_entry(
                    2,
                    wgpu::ShaderStages::FRAGMENT,
                    wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                ),
            ],
        });

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
        let frame_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("frame"),
            layout: &frame_layout,
            entries: &[
                bind(0, frame_uniform.as_entire_binding()),
                bind(1, morph_positions.as_entire_binding()),
                bind(2, morph_normals.as_entire_binding()),
            ],
        });

        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("albedo"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            mipmap_filter: wgpu::MipmapFilterMode::Linear,
            ..Default::default()
        });
        let white = super::avatar::Image {
            width: 1,
            height: 1,
            rgba: vec![255; 4],
        };
        let textures: Vec<wgpu::TextureView> = avatar
            .images
            .iter()
            .map(|image| upload_texture(&gpu, image))
            .collect();
        let white_view = upload_texture(&gpu, &white);
        let material_groups = avatar
            .materials
            .iter()
            .map(|m| {
                let uniform = MaterialUniform {
                    base_color: m.base_color,
                    params: [m.roughness, 0.0, 0.0, m.alpha_cutoff.unwrap_or(0.0)],
                };
                let buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("material"),
                    contents: bytemuck::bytes_of(&uniform),
                    usage: wgpu::BufferUsages::UNIFORM,
                });
                let view = m.texture.map_or(&white_view, |t| &textures[t]);
                device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some(&m.name),
                    layout: &material_layout,
                    entries: &[
                        bind(0, buffer.as_entire_binding()),
                        bind(1, wgpu::BindingResource::TextureView(view)),
                        bind(2, wgpu::BindingResource::Sampler(&sampler)),
                    ],
                })
            })
            .collect();

        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("avatar"),
            bind_group_layouts: &[Some(&frame_layout), Some(&material_layout)],
            immediate_size: 0,
        });
        let vertex_layout = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<super::avatar::Vertex>() as u64,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3, 2 => Float32x2, 3 => Float32x4, 4 => Float32x4],
        };
        let material_pipelines = avatar
            .materials
            .iter()
            .map(|m| {
                let constants = [
                    ("SHADING", shading_code(m.shading)),
                    ("TEXTURED", f64::from(u8::from(m.texture.is_some()))),
                    ("MASKED", f64::from(u8::from(m.alpha_cutoff.is_some()))),
                ];
                let options = wgpu::PipelineCompilationOptions {
                    constants: &constants,
                    ..Default::default()
                };
                device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                    label: Some(&m.name),
                    layout: Some(&layout),
                    vertex: wgpu::VertexState {
                        module: &shader,
                        entry_point: Some("vs_main"),
                        compilation_options: options.clone(),
                        buffers: &[Some(vertex_layout.clone())],
                    },
                    primitive: wgpu::PrimitiveState {
                        cull_mode: (!m.double_sided).then_some(wgpu::Face::Back),
                        ..Default::default()
                    },
                    depth_stencil: Some(wgpu::DepthStencilState {
                        format: DEPTH_FORMAT,
                        depth_write_enabled: Some(true),
                        depth_compare: Some(wgpu::CompareFunction::Less),
                        stencil: Default::default(),
                        bias: Default::default(),
                    }),
                    multisample: wgpu::MultisampleState {
                        count: samples,
                        ..Default::default()
                    },
                    fragment: Some(wgpu::FragmentState {
                        module: &shader,
                        entry_point: Some("fs_main"),
                        compilation_options: options,
                        targets: &[Some(COLOR_FORMAT.into())],
                    }),
                    multiview_mask: None,
                    cache: None,
                })
            })
            .collect();
        let backdrop_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("backdrop"),
            bind_group_layouts: &[],
            immediate_size: 0,
        });
        let backdrop_pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("backdrop"),
            layout: Some(&backdrop_layout),
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs_backdrop"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: Default::default(),
            depth_stencil: Some(wgpu::DepthStencilState {
                format: DEPTH_FORMAT,
                depth_write_enabled: Some(false),
                depth_compare: Some(wgpu::CompareFunction::LessEqual),
                stencil: Default::default(),
                bias: Default::default(),
            }),
            multisample: wgpu::MultisampleState {
                count: samples,
                ..Default::default()
            },
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs_backdrop"),
                compilation_options: Default::default(),
                targets: &[Some(COLOR_FORMAT.into())],
            }),
            multiview_mask: None,
            cache: None,
        });

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
        let padded_row = (width * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT)
            * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
        let readback = || Readback {
            buffer: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("readback"),
                size: u64::from(padded_row) * u64::from(height),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            state: Arc::new(AtomicU8::new(MAP_IDLE)),
            holds: None,
            submission: None,
        };

        Ok(Renderer {
            width,
            height,
            padded_row,
            camera: Camera::portrait(&avatar.rig),
            rig: avatar.rig,
            morph_map: MorphMap::new(avatar),
            active: Vec::with_capacity(64),
            vertex_count: avatar.vertices.len() as u32,
            material_pipelines,
            backdrop_pipeline,
            frame_uniform,
            frame_group,
            material_groups,
            parts,
            vertices,
            indices,
            msaa_view: msaa.map(|t| t.create_view(&Default::default())),
            depth_view: depth.create_view(&Default::default()),
            resolved_view: resolved.create_view(&Default::default()),
            resolved,
            readbacks: [readback(), readback()],
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
        if self.readbacks[slot].holds.is_some() {
            self.read(slot, out)?;
        }
        self.submit(pose, slot);
        self.next = 1 - slot;
        let previous = self.next;
        if self.readbacks[previous].holds.is_some() {
            self.read(previous, out)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The last frame still in flight, if any.
    pub fn finish(&mut self, out: &mut VideoFrame) -> Result<bool, RenderError> {
        let last = 1 - self.next;
        if self.readbacks[last].holds.is_some() {
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
                pass.set_pipeline(&self.material_pipelines[part.material]);
                pass.set_bind_group(1, &self.material_groups[part.material], &[]);
                pass.draw_indexed(part.indices.clone(), 0, 0..1);
            }
            // Last, at the far plane: only the pixels the avatar left empty are shaded.
            pass.set_pipeline(&self.backdrop_pipeline);
            pass.draw(0..3, 0..1);
        }
        let readback = &mut self.readbacks[slot];
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture: &self.resolved,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &readback.buffer,
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
        let submission = queue.submit([encoder.finish()]);
        readback.state.store(MAP_PENDING, Ordering::Release);
        let state = readback.state.clone();
        readback
            .buffer
            .slice(..)
            .map_async(wgpu::MapMode::Read, move |result| {
                state.store(
                    if result.is_ok() {
                        MAP_READY
                    } else {
                        MAP_FAILED
                    },
                    Ordering::Release,
                );
            });
        readback.holds = Some(pose.t);
        readback.submission = Some(submission);
    }

    fn read(&mut self, slot: usize, out: &mut VideoFrame) -> Result<(), RenderError> {
        let readback = &mut self.readbacks[slot];
        let t = readback.holds.take().unwrap_or_default();
        if readback.state.load(Ordering::Acquire) == MAP_PENDING {
            self.gpu
                .device
                .poll(wgpu::PollType::Wait {
                    submission_index: readback.submission.take(),
                    timeout: Some(std::time::Duration::from_secs(10)),
                })
                .map_err(|e| RenderError::Device(e.to_string()))?;
        }
        if readback.state.load(Ordering::Acquire) != MAP_READY {
            readback.state.store(MAP_IDLE, Ordering::Release);
            return Err(RenderError::Device("reading a frame back failed".into()));
        }
        let row = (self.width * 4) as usize;
        out.width = self.width;
        out.height = self.height;
        out.t = t;
        out.rgba.resize(row * self.height as usize, 0);
        {
            let view = readback
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
        readback.buffer.unmap();
        readback.state.store(MAP_IDLE, Ordering::Release);
        Ok(())
    }

    /// The view-projection matrix in use (tests project mesh points to find them in frames).
    pub fn view_projection(&self) -> Mat4 {
        self.camera
            .view_projection(self.width as f32 / self.height as f32)
    }
}

fn shading_code(shading: Shading) -> f64 {
    match shading {
        Shading::Skin => 0.0,
        Shading::Eye => 1.0,
        Shading::Hair => 2.0,
        Shading::Cloth => 3.0,
        Shading::Mouth => 4.0,
        Shading::Plain => 5.0,
    }
}

fn upload_texture(gpu: &Gpu, image: &super::avatar::Image) -> wgpu::TextureView {
    let size = wgpu::Extent3d {
        width: image.width,
        height: image.height,
        depth_or_array_layers: 1,
    };
    let mip_levels = size.max_mips(wgpu::TextureDimension::D2);
    let texture = gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: Some("albedo"),
        size,
        mip_level_count: mip_levels,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: COLOR_FORMAT,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    });
    // Mips made on the CPU by box filtering (in sRGB space: close enough for albedo).
    let mut level = image.rgba.clone();
    let (mut w, mut h) = (image.width, image.height);
    for mip in 0..mip_levels {
        gpu.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &texture,
                mip_level: mip,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            &level,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(4 * w),
                rows_per_image: Some(h),
            },
            wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
        );
        let (nw, nh) = ((w / 2).max(1), (h / 2).max(1));
        let mut next = vec![0u8; (nw * nh * 4) as usize];
        for y in 0..nh {
            for x in 0..nw {
                for c in 0..4 {
                    let at = |xx: u32, yy: u32| {
                        u32::from(level[((yy.min(h - 1) * w + xx.min(w - 1)) * 4 + c) as usize])
                    };
                    let sum = at(2 * x, 2 * y)
                        + at(2 * x + 1, 2 * y)
                        + at(2 * x, 2 * y + 1)
                        + at(2 * x + 1, 2 * y + 1);
                    next[((y * nw + x) * 4 + c) as usize] = (sum / 4) as u8;
                }
            }
        }
        level = next;
        w = nw;
        h = nh;
    }
    texture.create_view(&Default::default())
}

fn layout_entry(
    binding: u32,
    visibility: wgpu::ShaderStages,
    ty: wgpu::BindingType,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty,
        count: None,
    }
}

fn uniform_binding() -> wgpu::BindingType {
    wgpu::BindingType::Buffer {
        ty: wgpu::BufferBindingType::Uniform,
        has_dynamic_offset: false,
        min_binding_size: None,
    }
}

fn storage_binding() -> wgpu::BindingType {
    wgpu::BindingType::Buffer {
        ty: wgpu::BufferBindingType::Storage { read_only: true },
        has_dynamic_offset: false,
        min_binding_size: None,
    }
}

fn bind(binding: u32, resource: wgpu::BindingResource<'_>) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry { binding, resource }
}
