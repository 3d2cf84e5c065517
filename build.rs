//! espeak-ng (built by `espeak-rs-sys` for Piper's phonemes) is configured against the
//! system's libsonic (Debian's libsonic-dev), but its build does not pass that library on
//! to the final link, so it is linked here.
fn main() {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    for dir in [format!("/usr/lib/{arch}-linux-gnu"), "/usr/lib".to_string()] {
        if std::path::Path::new(&dir).join("libsonic.a").is_file() {
            println!("cargo:rustc-link-search=native={dir}");
        }
    }
    println!("cargo:rustc-link-lib=static=sonic");
    println!("cargo:rerun-if-changed=build.rs");
}
