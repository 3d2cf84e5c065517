//! The voice before the picture. The avatar's frames (the software rasterizer's worker
//! threads and the video thread that renders and encodes) run at a lower scheduling priority
//! than listening, transcribing and speaking. On a busy machine a frame then comes late, the
//! video thread lowers its rate (`Pacing`), and the reply is not the one kept waiting.

/// Niceness the video's threads add: with 10, such a thread gets about a tenth of the CPU a
/// normal one gets while both want it (the kernel's weights are 110 against 1024).
pub const VIDEO_NICENESS: i32 = 10;

/// Lowers the calling thread's scheduling priority by `by`. On Linux niceness belongs to the
/// thread, and threads it starts inherit it. A refusal is only logged: the work runs the
/// same, at the usual priority.
pub fn lower_this_thread(by: i32) {
    let tid = Some(rustix::thread::gettid());
    let lowered = rustix::process::getpriority_process(tid)
        .and_then(|now| rustix::process::setpriority_process(tid, (now + by).min(19)));
    if let Err(e) = lowered {
        tracing::warn!(error = %e, "could not lower a video thread's priority");
    }
}

/// This thread's niceness, for checks.
pub fn this_thread() -> Option<i32> {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).ok()
}
