//! Reads f32 tensors out of a safetensors file held in memory: an 8-byte little-endian header
//! length, a JSON header naming each tensor's dtype, shape and byte range, then the data.

use std::collections::HashMap;

use serde::Deserialize;

use super::EmbedError;

#[derive(Debug, Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: [usize; 2],
}

pub struct Tensors<'a> {
    entries: HashMap<String, Entry>,
    data: &'a [u8],
}

impl<'a> Tensors<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, EmbedError> {
        let bad = |why: String| EmbedError::Weights(why);
        let len = bytes
            .get(..8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize)
            .ok_or_else(|| bad("shorter than its header".into()))?;
        let header = bytes
            .get(8..8usize.saturating_add(len))
            .ok_or_else(|| bad(format!("header of {len} bytes runs past the end")))?;
        let mut raw: HashMap<String, serde_json::Value> =
            serde_json::from_slice(header).map_err(|e| bad(format!("header: {e}")))?;
        raw.remove("__metadata__");
        let entries = raw
            .into_iter()
            .map(|(name, v)| {
                serde_json::from_value::<Entry>(v)
                    .map(|e| (name.clone(), e))
                    .map_err(|e| bad(format!("tensor {name}: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            entries,
            data: &bytes[8 + len..],
        })
    }

    /// Tensor `name` as f32 values, checked to have `shape`.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, EmbedError> {
        let e = self
            .entries
            .get(name)
            .ok_or_else(|| EmbedError::Weights(format!("no tensor {name}")))?;
        if e.dtype != "F32" || e.shape != shape {
            return Err(EmbedError::Weights(format!(
                "tensor {name} is {} {:?}, expected F32 {shape:?}",
                e.dtype, e.shape
            )));
        }
        let [start, end] = e.data_offsets;
        let count: usize = shape.iter().product();
        let bytes = self
            .data
            .get(start..end)
            .filter(|b| b.len() == count * 4)
            .ok_or_else(|| {
                EmbedError::Weights(format!("tensor {name}: byte range {start}..{end} is wrong"))
            })?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_a_tensor_and_refuses_a_wrong_shape_or_range() {
        let data: Vec<u8> = [1.0f32, -2.5]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let bytes = file(
            r#"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#,
            &data,
        );
        let t = Tensors::parse(&bytes).unwrap();
        assert_eq!(t.f32("w", &[2]).unwrap(), vec![1.0, -2.5]);
        assert!(
            t.f32("w", &[1, 2])
                .unwrap_err()
                .to_string()
                .contains("expected F32 [1, 2]")
        );
        assert!(
            t.f32("x", &[4])
                .unwrap_err()
                .to_string()
                .contains("byte range")
        );
        assert!(
            t.f32("y", &[1])
                .unwrap_err()
                .to_string()
                .contains("no tensor y")
        );
        assert!(Tensors::parse(&bytes[..4]).is_err());
        assert!(Tensors::parse(&file("{not json", &[])).is_err());
    }
}
