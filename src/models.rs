//! The model files listed in models/manifest.toml: which are present, and whether each is the
//! exact file the manifest names (sha256). Placing them is `scripts/fetch-models`' job.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::content::question_bank::hex;

#[derive(Debug, Deserialize)]
struct Manifest {
    #[serde(default)]
    file: Vec<ManifestFile>,
}

#[derive(Debug, Deserialize)]
struct ManifestFile {
    name: String,
    purpose: String,
    sha256: String,
    /// Fetched only on request (`scripts/fetch-models --optional`); the server runs without it.
    #[serde(default)]
    optional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Ok,
    Missing,
    /// Present but not the file the manifest names (partial download, other version).
    Mismatch {
        found: String,
    },
}

#[derive(Debug, Clone)]
pub struct ModelFile {
    pub path: PathBuf,
    pub purpose: String,
    pub status: Status,
    pub optional: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    #[error("cannot read {path}: {message}")]
    Manifest { path: PathBuf, message: String },
}

/// Checks every file of `dir/manifest.toml`.
pub fn check(dir: &Path) -> Result<Vec<ModelFile>, ModelsError> {
    let path = dir.join("manifest.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| ModelsError::Manifest {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| ModelsError::Manifest {
        path: path.clone(),
        message: e.to_string(),
    })?;
    Ok(manifest
        .file
        .into_iter()
        .map(|f| {
            let file = dir.join(&f.name);
            let status = match sha256_of(&file) {
                None => Status::Missing,
                Some(found) if found == f.sha256 => Status::Ok,
                Some(found) => Status::Mismatch { found },
            };
            ModelFile {
                path: file,
                purpose: f.purpose,
                status,
                optional: f.optional,
            }
        })
        .collect())
}

/// One line per file that is not in order, saying how to fix it.
pub fn problems(files: &[ModelFile]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| match &f.status {
            Status::Ok => None,
            Status::Missing if f.optional => None,
            Status::Missing => Some(format!("missing {} ({}): run scripts/fetch-models", f.path.display(), f.purpose)),
            Status::Mismatch { found } => Some(format!(
                "{} ({}) has sha256 {found}, not the manifest's: delete it and run scripts/fetch-models",
                f.path.display(),
                f.purpose
            )),
        })
        .collect()
}

fn sha256_of(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Some(hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_missing_and_mismatched_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("manifest.toml"),
            "[[file]]\nname = \"a.bin\"\npurpose = \"test\"\nsha256 = \"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"\n\n[[file]]\nname = \"b.bin\"\npurpose = \"other\"\nsha256 = \"00\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("a.bin"), "hello").unwrap();
        let files = check(dir.path()).unwrap();
        assert_eq!(files[0].status, Status::Ok);
        assert_eq!(files[1].status, Status::Missing);
        std::fs::write(dir.path().join("b.bin"), "x").unwrap();
        let p = problems(&check(dir.path()).unwrap());
        assert_eq!(p.len(), 1);
        assert!(
            p[0].contains("b.bin") && p[0].contains("fetch-models"),
            "{p:?}"
        );
    }

    #[test]
    fn the_shipped_manifest_parses() {
        assert!(!check(Path::new("models")).unwrap().is_empty());
    }
}
