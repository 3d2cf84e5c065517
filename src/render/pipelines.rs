//! What a renderer builds once: the shader's pipelines (one per material, its shading model,
//! texture use and alpha mask compiled in as override constants, plus the backdrop), the bind
//! group layouts, and each material's uniform, texture and sampler.

use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

use super::avatar::{Avatar, Image, Shading, Vertex};
use super::gpu::Gpu;

pub(super) const COLOR_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;
pub(super) const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct MaterialUniform {
    base_color: [f32; 4],
    /// x: roughness, w: alpha cutoff.
    params: [f32; 4],
}

pub(super) struct Pipelines {
    /// Group 0: the frame's uniform and the morph deltas.
    frame_layout: wgpu::BindGroupLayout,
    /// One per material, in the avatar's material order.
    pub materials: Vec<wgpu::RenderPipeline>,
    pub material_groups: Vec<wgpu::BindGroup>,
    pub backdrop: wgpu::RenderPipeline,
}

impl Pipelines {
    pub(super) fn new(gpu: &Gpu, avatar: &Avatar, samples: u32) -> Self {
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

        let material_groups = material_groups(gpu, avatar, &material_layout);
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("avatar"),
            bind_group_layouts: &[Some(&frame_layout), Some(&material_layout)],
            immediate_size: 0,
        });
        let vertex_layout = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<Vertex>() as u64,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3, 2 => Float32x2, 3 => Float32x4, 4 => Float32x4],
        };
        let materials = avatar
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
                    depth_stencil: Some(depth(true, wgpu::CompareFunction::Less)),
                    multisample: multisample(samples),
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
        let backdrop = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("backdrop"),
            layout: Some(&backdrop_layout),
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs_backdrop"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: Default::default(),
            // At the far plane, drawn last: only pixels the avatar left empty pass.
            depth_stencil: Some(depth(false, wgpu::CompareFunction::LessEqual)),
            multisample: multisample(samples),
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs_backdrop"),
                compilation_options: Default::default(),
                targets: &[Some(COLOR_FORMAT.into())],
            }),
            multiview_mask: None,
            cache: None,
        });

        Pipelines {
            frame_layout,
            materials,
            material_groups,
            backdrop,
        }
    }
}

impl Pipelines {
    /// Group 0 over the frame's uniform and the morph position and normal deltas.
    pub(super) fn frame_group(
        &self,
        device: &wgpu::Device,
        uniform: &wgpu::Buffer,
        morph_positions: &wgpu::Buffer,
        morph_normals: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("frame"),
            layout: &self.frame_layout,
            entries: &[
                bind(0, uniform.as_entire_binding()),
                bind(1, morph_positions.as_entire_binding()),
                bind(2, morph_normals.as_entire_binding()),
            ],
        })
    }
}

/// Each material's uniform, albedo texture (white when it has none) and sampler.
fn material_groups(
    gpu: &Gpu,
    avatar: &Avatar,
    layout: &wgpu::BindGroupLayout,
) -> Vec<wgpu::BindGroup> {
    let device = &gpu.device;
    let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
        label: Some("albedo"),
        mag_filter: wgpu::FilterMode::Linear,
        min_filter: wgpu::FilterMode::Linear,
        mipmap_filter: wgpu::MipmapFilterMode::Linear,
        ..Default::default()
    });
    let white = Image {
        width: 1,
        height: 1,
        rgba: vec![255; 4],
    };
    let textures: Vec<wgpu::TextureView> = avatar
        .images
        .iter()
        .map(|image| upload_texture(gpu, image))
        .collect();
    let white_view = upload_texture(gpu, &white);
    avatar
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
                layout,
                entries: &[
                    bind(0, buffer.as_entire_binding()),
                    bind(1, wgpu::BindingResource::TextureView(view)),
                    bind(2, wgpu::BindingResource::Sampler(&sampler)),
                ],
            })
        })
        .collect()
}

fn depth(write: bool, compare: wgpu::CompareFunction) -> wgpu::DepthStencilState {
    wgpu::DepthStencilState {
        format: DEPTH_FORMAT,
        depth_write_enabled: Some(write),
        depth_compare: Some(compare),
        stencil: Default::default(),
        bias: Default::default(),
    }
}

fn multisample(samples: u32) -> wgpu::MultisampleState {
    wgpu::MultisampleState {
        count: samples,
        ..Default::default()
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

fn upload_texture(gpu: &Gpu, image: &Image) -> wgpu::TextureView {
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
