//! The process's one wgpu device: a GPU when there is one, else Mesa's software Vulkan
//! (lavapipe). Every session's renderer borrows it; creating a device costs hundreds of
//! milliseconds and, on lavapipe, a pool of threads.

use std::sync::{Arc, OnceLock};

use super::RenderError;

pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    /// The adapter's name and backend, for logs and bench reports.
    pub description: String,
}

static SHARED: OnceLock<Result<Arc<Gpu>, String>> = OnceLock::new();

impl Gpu {
    /// The shared device, opened on first use. A failure is remembered: a machine without a
    /// working Vulkan or GL driver does not retry on every session.
    ///
    /// It is opened on a thread of its own at the video's lower priority, which the software
    /// rasterizer's worker threads, started with the device, inherit.
    pub fn shared() -> Result<Arc<Gpu>, RenderError> {
        SHARED
            .get_or_init(|| {
                std::thread::scope(|s| {
                    s.spawn(|| {
                        crate::priority::lower_this_thread(crate::priority::YIELDING_NICENESS);
                        Gpu::open()
                    })
                    .join()
                    .unwrap_or_else(|_| Err("opening the render device panicked".into()))
                })
                .map(Arc::new)
            })
            .clone()
            .map_err(RenderError::NoAdapter)
    }

    fn open() -> Result<Gpu, String> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle().with_env());
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            compatible_surface: None,
            apply_limit_buckets: false,
        }))
        .map_err(|e| format!("no Vulkan or GL adapter: {e}"))?;
        let info = adapter.get_info();
        let description = format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type);
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("interviewer"),
            required_features: wgpu::Features::empty(),
            required_limits: wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits()),
            ..Default::default()
        }))
        .map_err(|e| format!("{description}: {e}"))?;
        tracing::info!(adapter = %description, "render device opened");
        Ok(Gpu {
            device,
            queue,
            description,
        })
    }
}
