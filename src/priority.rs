//! The voice first. Work no caller waits on in real time runs at a lower scheduling priority
//! than listening, transcribing and speaking: the avatar's frames (each call's
//! render-and-encode thread, and the software rasterizer's workers, started with the device)
//! and the verbatim pass over a finished answer. On a busy machine the kernel then gives the
//! CPU to the voices; a frame comes late and the video thread lowers its rate (`Pacing`), and
//! a record is written a little later, while no reply is kept waiting.

/// Niceness such work adds: at 10 a thread gets about a tenth of the CPU a normal one gets
/// while both want it (the kernel's weights are 110 against 1024), and all of it otherwise.
pub const YIELDING_NICENESS: i32 = 10;

/// Lowers the calling thread's scheduling priority by `by`, for good: only a thread of its
/// own should call it (on Linux niceness belongs to the thread, and the threads it starts
/// inherit it). A refusal is only logged: the work runs the same, at the usual priority.
pub fn lower_this_thread(by: i32) {
    let tid = Some(rustix::thread::gettid());
    let lowered = rustix::process::getpriority_process(tid)
        .and_then(|now| rustix::process::setpriority_process(tid, (now + by).min(19)));
    if let Err(e) = lowered {
        tracing::warn!(error = %e, "could not lower a thread's priority");
    }
}

/// This thread's niceness, for checks.
pub fn this_thread() -> Option<i32> {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).ok()
}
