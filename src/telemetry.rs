//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default: info for this crate).
//! Records of crates that log through `log` (the WebRTC stack: `rtc`, `rtc_ice`, …) come
//! through too; `RUST_LOG=rtc_ice=debug` shows ICE state changes. And the process's resident
//! memory, for the benchmarks and the test that watch it.

use tracing_subscriber::EnvFilter;

pub fn init() {
    // `rtc` warns of every packet written before the handshake ends, which media does.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("interviewer=info,warn,rtc=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// This process's resident memory in MiB (Linux's `/proc/self/status`); `None` where that
/// cannot be read.
pub fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?;
    kb.parse::<f64>().ok().map(|kb| kb / 1024.0)
}
