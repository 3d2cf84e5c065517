//! The ONNX Runtime library, loaded at run time (from models/) by every stage that runs an
//! ONNX model: VAD, end of turn and the Piper voice.

use std::path::Path;
use std::sync::OnceLock;

/// Loads the library once per process; later calls reuse the first outcome.
pub fn init_runtime(lib: &Path) -> Result<(), String> {
    static RUNTIME: OnceLock<Result<(), String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            ort::init_from(lib).map_err(|e| e.to_string())?.commit();
            Ok(())
        })
        .clone()
}
