//! The avatar asset: a binary glTF read with the `gltf` crate into flat arrays the GPU takes
//! as they are. Pure CPU; every way the file can be wrong becomes an `AvatarError` naming it.

use std::path::{Path, PathBuf};

use bytemuck::{Pod, Zeroable};
use glam::{Mat4, Vec3};

/// One vertex as the vertex shader reads it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct Vertex {
    pub position: [f32; 3],
    pub normal: [f32; 3],
    pub uv: [f32; 2],
    /// Multiplies the material's colour (glTF `COLOR_0`; white when absent).
    pub tint: [f32; 4],
    /// Weights of the chest, neck and head joints (the fourth is unused).
    pub joint_weights: [f32; 4],
}

/// How a material is lit (chosen by the material's name in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shading {
    /// Wrapped diffuse with a red-shifted terminator: light scattering under skin.
    Skin,
    /// A glossy cornea over a diffuse iris and sclera.
    Eye,
    /// Soft anisotropic sheen along the strands.
    Hair,
    /// Matte fabric with a faint sheen at grazing angles.
    Cloth,
    /// Inside the mouth: lit less, since the lips shadow it.
    Mouth,
    Plain,
}

impl Shading {
    fn for_material(name: &str) -> Self {
        match name {
            "skin" => Shading::Skin,
            "eye" => Shading::Eye,
            "hair" | "eyelashes" => Shading::Hair,
            "shirt" | "jacket" => Shading::Cloth,
            "teeth" | "tongue" => Shading::Mouth,
            _ => Shading::Plain,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Material {
    pub name: String,
    pub shading: Shading,
    pub base_color: [f32; 4],
    pub roughness: f32,
    /// Index into `Avatar::images`.
    pub texture: Option<usize>,
    pub double_sided: bool,
    /// glTF `alphaMode: MASK`: fragments below this alpha are not drawn (an edge cut across
    /// faces, like the hairline).
    pub alpha_cutoff: Option<f32>,
}

/// An RGBA8 image in sRGB.
#[derive(Debug, Clone)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// A run of indices drawn with one material.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub material: usize,
    pub first_index: u32,
    pub index_count: u32,
}

/// The joints the skin binds to, at rest, in model space.
#[derive(Debug, Clone, Copy)]
pub struct Rig {
    pub chest: Vec3,
    pub neck: Vec3,
    pub head: Vec3,
}

#[derive(Debug, Clone)]
pub struct Avatar {
    pub path: PathBuf,
    pub vertices: Vec<Vertex>,
    /// Indices into `vertices` (parts already rebased).
    pub indices: Vec<u32>,
    pub parts: Vec<Part>,
    pub materials: Vec<Material>,
    pub images: Vec<Image>,
    pub target_names: Vec<String>,
    /// Target-major: `targets × vertices` position offsets (xyz, 0), then the same for normals.
    pub morph_positions: Vec<[f32; 4]>,
    pub morph_normals: Vec<[f32; 4]>,
    pub rig: Rig,
}

#[derive(Debug, thiserror::Error)]
pub enum AvatarError {
    #[error("cannot read the avatar file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the avatar file {path} is not a valid binary glTF: {reason}")]
    Malformed { path: PathBuf, reason: String },
}

impl Avatar {
    pub fn load(path: &Path) -> Result<Self, AvatarError> {
        let bytes = std::fs::read(path).map_err(|source| AvatarError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_glb(path, &bytes)
    }

    pub fn from_glb(path: &Path, bytes: &[u8]) -> Result<Self, AvatarError> {
        let bad = |reason: String| AvatarError::Malformed {
            path: path.to_owned(),
            reason,
        };
        let gltf = gltf::Gltf::from_slice(bytes).map_err(|e| {
            // Validation lists every bad accessor; the first few say enough.
            let mut text = e.to_string();
            if let Some((cut, _)) = text.char_indices().nth(300) {
                text.truncate(cut);
                text.push_str(" …");
            }
            bad(text)
        })?;
        let blob = gltf
            .blob
            .as_deref()
            .ok_or_else(|| bad("no binary chunk".into()))?;
        let buffer_data = |buffer: gltf::Buffer<'_>| match buffer.source() {
            gltf::buffer::Source::Bin => Some(blob),
            gltf::buffer::Source::Uri(_) => None,
        };

        let mesh = gltf.meshes().next().ok_or_else(|| bad("no mesh".into()))?;
        let target_names = target_names(&mesh).map_err(&bad)?;

        let mut avatar = Avatar {
            path: path.to_owned(),
            vertices: Vec::new(),
            indices: Vec::new(),
            parts: Vec::new(),
            materials: Vec::new(),
            images: Vec::new(),
            morph_positions: Vec::new(),
            morph_normals: Vec::new(),
            target_names,
            rig: read_rig(&gltf).map_err(&bad)?,
        };
        let targets = avatar.target_names.len();
        // Per target, per part: offsets gathered first, laid out target-major at the end.
        let mut positions_by_target = vec![Vec::new(); targets];
        let mut normals_by_target = vec![Vec::new(); targets];

        for (p, primitive) in mesh.primitives().enumerate() {
            let reader = primitive.reader(buffer_data);
            let part_name = primitive
                .extras()
                .as_ref()
                .and_then(|raw| serde_json::from_str::<serde_json::Value>(raw.get()).ok())
                .and_then(|v| v.get("part")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("part {p}"));
            let missing = |what: &str| bad(format!("{part_name}: no {what}"));
            let positions: Vec<[f32; 3]> = reader
                .read_positions()
                .ok_or_else(|| missing("POSITION"))?
                .collect();
            let normals: Vec<[f32; 3]> = reader
                .read_normals()
                .ok_or_else(|| missing("NORMAL"))?
                .collect();
            let n = positions.len();
            let uvs: Vec<[f32; 2]> = match reader.read_tex_coords(0) {
                Some(t) => t.into_f32().collect(),
                None => vec![[0.0; 2]; n],
            };
            let tints: Vec<[f32; 4]> = match reader.read_colors(0) {
                Some(c) => c.into_rgba_f32().collect(),
                None => vec![[1.0; 4]; n],
            };
            let joints: Vec<[u16; 4]> = reader
                .read_joints(0)
                .ok_or_else(|| missing("JOINTS_0"))?
                .into_u16()
                .collect();
            let weights: Vec<[f32; 4]> = reader
                .read_weights(0)
                .ok_or_else(|| missing("WEIGHTS_0"))?
                .into_f32()
                .collect();
            if normals.len() != n
                || uvs.len() != n
                || tints.len() != n
                || joints.len() != n
                || weights.len() != n
            {
                return Err(bad(format!(
                    "{part_name}: attribute counts differ from {n} positions"
                )));
            }
            let base = avatar.vertices.len() as u32;
            for i in 0..n {
                let mut joint_weights = [0.0f32; 4];
                for (j, w) in joints[i].iter().zip(weights[i]) {
                    let slot = *j as usize;
                    if slot >= 3 && w > 0.0 {
                        return Err(bad(format!(
                            "{part_name}: joint {slot} (the rig has chest, neck and head)"
                        )));
                    }
                    joint_weights[slot.min(3)] += w;
                }
                avatar.vertices.push(Vertex {
                    position: positions[i],
                    normal: normals[i],
                    uv: uvs[i],
                    tint: tints[i],
                    joint_weights,
                });
            }

            let indices: Vec<u32> = reader
                .read_indices()
                .ok_or_else(|| missing("indices"))?
                .into_u32()
                .collect();
            if let Some(i) = indices.iter().find(|&&i| i as usize >= n) {
                return Err(bad(format!("{part_name}: index {i} past {n} vertices")));
            }
            let first_index = avatar.indices.len() as u32;
            avatar.indices.extend(indices.iter().map(|i| i + base));

            let morphs: Vec<_> = reader.read_morph_targets().collect();
            if morphs.len() != targets {
                return Err(bad(format!(
                    "{part_name}: {} morph targets, the mesh names {targets}",
                    morphs.len()
                )));
            }
            for (t, (pos, nor, _)) in morphs.into_iter().enumerate() {
                let pos: Vec<[f32; 3]> = pos.map(|i| i.collect()).unwrap_or_default();
                let nor: Vec<[f32; 3]> = nor.map(|i| i.collect()).unwrap_or_default();
                for i in 0..n {
                    let d = pos.get(i).copied().unwrap_or_default();
                    let dn = nor.get(i).copied().unwrap_or_default();
                    positions_by_target[t].push([d[0], d[1], d[2], 0.0]);
                    normals_by_target[t].push([dn[0], dn[1], dn[2], 0.0]);
                }
            }

            let material = primitive.material();
            let material_index = material
                .index()
                .ok_or_else(|| bad(format!("{part_name}: no material")))?;
            avatar.parts.push(Part {
                name: part_name,
                material: material_index,
                first_index,
                index_count: indices.len() as u32,
            });
        }

        for material in gltf.materials() {
            let pbr = material.pbr_metallic_roughness();
            let name = material.name().unwrap_or("").to_owned();
            avatar.materials.push(Material {
                shading: Shading::for_material(&name),
                name,
                base_color: pbr.base_color_factor(),
                roughness: pbr.roughness_factor(),
                texture: pbr
                    .base_color_texture()
                    .map(|t| t.texture().source().index()),
                double_sided: material.double_sided(),
                alpha_cutoff: (material.alpha_mode() == gltf::material::AlphaMode::Mask)
                    .then(|| material.alpha_cutoff().unwrap_or(0.5)),
            });
        }
        if let Some(part) = avatar
            .parts
            .iter()
            .find(|p| p.material >= avatar.materials.len())
        {
            return Err(bad(format!("{}: material out of range", part.name)));
        }
        for image in gltf.images() {
            let gltf::image::Source::View { view, .. } = image.source() else {
                return Err(bad("an image outside the file".into()));
            };
            let start = view.offset();
            let bytes = blob
                .get(start..start + view.length())
                .ok_or_else(|| bad("an image past the binary chunk".into()))?;
            let decoded = image::load_from_memory(bytes)
                .map_err(|e| bad(format!("image {}: {e}", image.index())))?
                .to_rgba8();
            avatar.images.push(Image {
                width: decoded.width(),
                height: decoded.height(),
                rgba: decoded.into_raw(),
            });
        }
        if avatar
            .materials
            .iter()
            .any(|m| m.texture.is_some_and(|t| t >= avatar.images.len()))
        {
            return Err(bad("a texture names a missing image".into()));
        }
        avatar.morph_positions = positions_by_target.concat();
        avatar.morph_normals = normals_by_target.concat();
        if avatar.vertices.is_empty() || avatar.indices.is_empty() {
            return Err(bad("the mesh is empty".into()));
        }
        Ok(avatar)
    }

    pub fn target_index(&self, name: &str) -> Option<usize> {
        self.target_names.iter().position(|n| n == name)
    }

    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// Rest positions of the vertices drawn by a part.
    pub fn part_vertices(&self, part: &Part) -> impl Iterator<Item = u32> + '_ {
        let range = part.first_index as usize..(part.first_index + part.index_count) as usize;
        self.indices[range].iter().copied()
    }
}

fn target_names(mesh: &gltf::Mesh<'_>) -> Result<Vec<String>, String> {
    let raw = mesh
        .extras()
        .as_ref()
        .ok_or("the mesh has no extras.targetNames")?;
    let value: serde_json::Value = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    let names = value
        .get("targetNames")
        .and_then(|v| v.as_array())
        .ok_or("the mesh has no extras.targetNames")?;
    names
        .iter()
        .map(|n| {
            n.as_str()
                .map(str::to_owned)
                .ok_or_else(|| "a target name is not a string".to_owned())
        })
        .collect()
}

/// Joint positions from the skin's inverse bind matrices, found by name.
fn read_rig(gltf: &gltf::Gltf) -> Result<Rig, String> {
    let skin = gltf.skins().next().ok_or("no skin (chest, neck, head)")?;
    let blob = gltf.blob.as_deref();
    let reader = skin.reader(|b| match b.source() {
        gltf::buffer::Source::Bin => blob,
        gltf::buffer::Source::Uri(_) => None,
    });
    let inverse: Vec<[[f32; 4]; 4]> = reader
        .read_inverse_bind_matrices()
        .ok_or("the skin has no inverse bind matrices")?
        .collect();
    let names: Vec<String> = skin
        .joints()
        .map(|j| j.name().unwrap_or("").to_owned())
        .collect();
    if names != ["chest", "neck", "head"] || inverse.len() != 3 {
        return Err(format!(
            "the skin's joints are {names:?}, expected [\"chest\", \"neck\", \"head\"]"
        ));
    }
    let at = |k: usize| {
        Mat4::from_cols_array_2d(&inverse[k])
            .inverse()
            .transform_point3(Vec3::ZERO)
    };
    Ok(Rig {
        chest: at(0),
        neck: at(1),
        head: at(2),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Avatar {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("avatar/interviewer.glb");
        Avatar::load(&path).unwrap()
    }

    #[test]
    fn the_shipped_avatar_has_every_part_and_face_target() {
        let avatar = shipped();
        for part in [
            "skin",
            "eye_left",
            "eye_right",
            "teeth_upper",
            "teeth_lower",
            "tongue",
            "eyelashes",
            "hair",
            "shirt",
            "jacket",
        ] {
            assert!(avatar.part(part).is_some(), "{part}");
        }
        for name in crate::animate::face::ARKIT {
            assert!(avatar.target_index(name).is_some(), "{name}");
        }
        let n = avatar.vertices.len();
        assert_eq!(avatar.morph_positions.len(), n * avatar.target_names.len());
        // The jaw opens downward, by centimetres, and moves the lower teeth with it.
        let jaw = avatar.target_index("jawOpen").unwrap();
        let teeth = avatar.part("teeth_lower").unwrap();
        let drop = avatar
            .part_vertices(teeth)
            .map(|v| avatar.morph_positions[jaw * n + v as usize][1])
            .fold(0.0f32, f32::min);
        assert!((-0.05..-0.005).contains(&drop), "{drop}");
        assert!(avatar.rig.head.y > avatar.rig.neck.y && avatar.rig.neck.y > avatar.rig.chest.y);
    }

    #[test]
    fn a_missing_or_malformed_file_names_itself() {
        let err = Avatar::load(Path::new("/nonexistent/avatar.glb")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/avatar.glb"), "{err}");
        let err = Avatar::from_glb(Path::new("broken.glb"), b"glTF\x02\0\0\0garbage").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("broken.glb") && text.contains("not a valid"),
            "{text}"
        );
    }
}
