//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default: info for this crate).
//! Records of crates that log through `log` (the WebRTC stack: `rtc`, `rtc_ice`, …) come
//! through too; `RUST_LOG=rtc_ice=debug` shows ICE state changes.

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
