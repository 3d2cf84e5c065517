// The avatar: morph targets blended and the three-joint skin applied in the vertex stage,
// then lit by a key, a fill and a rim light plus a sky/ground ambient, with a shading model
// per material (skin scatters light past the terminator, the cornea is glossy, cloth has a
// grazing sheen). Output is linear; the render target encodes sRGB.

struct Frame {
    view_proj: mat4x4<f32>,
    joints: array<mat4x4<f32>, 3>,
    camera: vec4<f32>,
    // x: active morphs, y: vertices in the mesh.
    counts: vec4<u32>,
    // Two (target, weight) pairs per element.
    morphs: array<vec4<f32>, 16>,
};

struct Material {
    base_color: vec4<f32>,
    // x: roughness, w: alpha cutoff (when MASKED).
    params: vec4<f32>,
};

@group(0) @binding(0) var<uniform> frame: Frame;
@group(0) @binding(1) var<storage, read> morph_positions: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> morph_normals: array<vec4<f32>>;
@group(1) @binding(0) var<uniform> material: Material;
@group(1) @binding(1) var albedo_map: texture_2d<f32>;
@group(1) @binding(2) var albedo_sampler: sampler;

// Each material gets its own pipeline with these fixed, so every branch on them is resolved
// when the shader is compiled (a software rasterizer would otherwise pay for all of them).
override SHADING: u32 = 0u;
override TEXTURED: bool = false;
override MASKED: bool = false;

const SKIN: u32 = 0u;
const EYE: u32 = 1u;
const HAIR: u32 = 2u;
const CLOTH: u32 = 3u;
const MOUTH: u32 = 4u;

struct VertexIn {
    @builtin(vertex_index) index: u32,
    @location(0) position: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(2) uv: vec2<f32>,
    @location(3) tint: vec4<f32>,
    @location(4) joint_weights: vec4<f32>,
};

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) world: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(2) uv: vec2<f32>,
    @location(3) tint: vec4<f32>,
    @location(4) model: vec3<f32>,
    // Light reaching the surface, times the albedo in the fragment stage, and light added on
    // top (sheen, specular). Lit per vertex: on a software rasterizer that shades small
    // triangles in 4×4 blocks, per-pixel lighting would cost more than everything else.
    @location(5) diffuse_light: vec3<f32>,
    @location(6) added_light: vec3<f32>,
};

@vertex
fn vs_main(v: VertexIn) -> VertexOut {
    var position = v.position;
    var normal = v.normal;
    let vertices = frame.counts.y;
    for (var i = 0u; i < frame.counts.x; i++) {
        let pair = frame.morphs[i / 2u];
        let target_weight = select(pair.xy, pair.zw, (i & 1u) == 1u);
        let at = u32(target_weight.x) * vertices + v.index;
        position += target_weight.y * morph_positions[at].xyz;
        normal += target_weight.y * morph_normals[at].xyz;
    }
    let w = v.joint_weights;
    let skin = frame.joints[0] * w.x + frame.joints[1] * w.y + frame.joints[2] * w.z;
    let world = skin * vec4<f32>(position, 1.0);
    var out: VertexOut;
    out.clip = frame.view_proj * world;
    out.world = world.xyz;
    out.normal = normalize((skin * vec4<f32>(normal, 0.0)).xyz);
    out.uv = v.uv;
    out.tint = v.tint;
    out.model = position;
    let lit = light_all(out.normal, normalize(frame.camera.xyz - out.world), material.params.x);
    var shade = 1.0;
    if SHADING == MOUTH {
        // The lips and cheeks shadow the inside of the mouth, the deeper the darker.
        shade = mix(0.06, 0.5, smoothstep(0.10, 0.16, position.z));
    }
    out.diffuse_light = lit.diffuse * shade;
    out.added_light = lit.added * shade;
    return out;
}

const PI: f32 = 3.14159265;

fn ggx(n_dot_h: f32, roughness: f32) -> f32 {
    let a = roughness * roughness;
    let a2 = a * a;
    let d = n_dot_h * n_dot_h * (a2 - 1.0) + 1.0;
    return a2 / (PI * d * d);
}

fn smith(n_dot_v: f32, n_dot_l: f32, roughness: f32) -> f32 {
    let k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
    let gv = n_dot_v / (n_dot_v * (1.0 - k) + k);
    let gl = n_dot_l / (n_dot_l * (1.0 - k) + k);
    return gv * gl;
}

fn fresnel(f0: f32, v_dot_h: f32) -> f32 {
    return f0 + (1.0 - f0) * pow(1.0 - v_dot_h, 5.0);
}

struct Light {
    diffuse: vec3<f32>,
    added: vec3<f32>,
};

// Key light high on the camera's left, a cool fill from the right, a rim from behind.
const KEY: vec3<f32> = vec3<f32>(-0.509, 0.509, 0.6941);
const FILL: vec3<f32> = vec3<f32>(0.8018, 0.1069, 0.588);
const RIM: vec3<f32> = vec3<f32>(0.3549, 0.6084, -0.7098);
const KEY_COLOUR: vec3<f32> = vec3<f32>(1.75, 1.66, 1.52);
const FILL_COLOUR: vec3<f32> = vec3<f32>(0.42, 0.46, 0.55);
const RIM_COLOUR: vec3<f32> = vec3<f32>(0.9, 0.9, 0.95);

fn light_all(n: vec3<f32>, v: vec3<f32>, roughness: f32) -> Light {
    var total = shade_light(n, v, KEY, KEY_COLOUR, roughness);
    let fill = shade_light(n, v, FILL, FILL_COLOUR, roughness);
    let rim = shade_light(n, v, RIM, RIM_COLOUR, roughness);
    total.diffuse += fill.diffuse + rim.diffuse;
    total.added += fill.added + rim.added;
    let sky = mix(vec3<f32>(0.16, 0.14, 0.13), vec3<f32>(0.34, 0.36, 0.40), n.y * 0.5 + 0.5);
    total.diffuse += sky * 0.8;
    return total;
}

fn shade_light(n: vec3<f32>, v: vec3<f32>, l: vec3<f32>, colour: vec3<f32>, roughness_in: f32) -> Light {
    let roughness = clamp(roughness_in, 0.04, 1.0);
    let n_dot_l = dot(n, l);
    let n_dot_v = max(dot(n, v), 1e-3);
    let h = normalize(l + v);
    let lit = max(n_dot_l, 0.0);
    var out: Light;
    out.added = vec3<f32>(0.0);
    var f0 = 0.04;
    var spec_scale = 1.0;
    if SHADING == SKIN {
        // Wrapped diffuse: light reaches past the terminator, reddened by the blood under it.
        let wrap = max((n_dot_l + 0.5) / 1.5, 0.0);
        out.diffuse = vec3<f32>(lit) + max(wrap - lit, 0.0) * vec3<f32>(0.85, 0.32, 0.22);
        f0 = 0.028;
    } else if SHADING == CLOTH {
        out.diffuse = vec3<f32>(lit);
        out.added = vec3<f32>(pow(1.0 - n_dot_v, 4.0) * 0.12 * lit);
        spec_scale = 0.25;
    } else if SHADING == HAIR {
        // Strands run down the head: a sheen band across them, tinted by the hair itself.
        let tangent = normalize(cross(n, normalize(cross(vec3<f32>(0.0, 1.0, 0.0), n) + vec3<f32>(1e-4, 0.0, 0.0))));
        let t_dot_h = dot(tangent, h);
        let band = pow(sqrt(max(1.0 - t_dot_h * t_dot_h, 0.0)), 60.0) * lit * 0.5;
        out.diffuse = vec3<f32>(max((n_dot_l + 0.3) / 1.3, 0.0) + 1.5 * band);
        out.added = vec3<f32>(0.02 * band);
        spec_scale = 0.0;
    } else if SHADING == EYE {
        out.diffuse = vec3<f32>(max((n_dot_l + 0.3) / 1.3, 0.0));
        spec_scale = 3.0;
    } else {
        out.diffuse = vec3<f32>(lit);
    }
    if n_dot_l > 0.0 && spec_scale > 0.0 {
        let n_dot_h = max(dot(n, h), 0.0);
        let v_dot_h = max(dot(v, h), 0.0);
        out.added += vec3<f32>(ggx(n_dot_h, roughness) * smith(n_dot_v, n_dot_l, roughness)
            * fresnel(f0, v_dot_h) / (4.0 * n_dot_v) * spec_scale);
    }
    out.diffuse *= colour;
    out.added *= colour;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    if MASKED && material.base_color.a * in.tint.a < material.params.w {
        discard;
    }
    var albedo = material.base_color.rgb * in.tint.rgb;
    if TEXTURED {
        albedo *= textureSample(albedo_map, albedo_sampler, in.uv).rgb;
    }
    if SHADING == HAIR {
        albedo *= strands(in.model);
    }
    var colour = albedo * in.diffuse_light + in.added_light;
    if SHADING == EYE {
        // The cornea's highlights are small and sharp: lit per pixel (few pixels, few triangles).
        let lit = light_all(normalize(in.normal), normalize(frame.camera.xyz - in.world), material.params.x);
        colour = albedo * lit.diffuse + lit.added;
    }
    return vec4<f32>(tonemap(colour), 1.0);
}

// Fine streaks running from the crown down, so the hair reads as hair and not a cap.
fn strands(p: vec3<f32>) -> f32 {
    let around = atan2(p.x, p.z - 0.01);
    let wobble = sin(p.y * 90.0 + around * 7.0) * 0.6;
    let a = sin(around * 230.0 + wobble);
    let b = sin(around * 97.0 - wobble * 1.7 + 1.3);
    let clumps = sin(around * 23.0 + p.y * 31.0) * sin(around * 11.0 - p.y * 17.0);
    return 0.8 + 0.1 * a * a + 0.06 * b + 0.08 * clumps;
}

// A filmic curve (Narkowicz's fit of ACES) so highlights roll off instead of clipping.
fn tonemap(c: vec3<f32>) -> vec3<f32> {
    let x = c * 0.8;
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), vec3<f32>(0.0), vec3<f32>(1.0));
}

// The backdrop: a softly lit wall, brighter behind the head, darker towards the corners.
struct BackdropOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) uv: vec2<f32>,
};

@vertex
fn vs_backdrop(@builtin(vertex_index) index: u32) -> BackdropOut {
    let uv = vec2<f32>(f32((index << 1u) & 2u), f32(index & 2u));
    var out: BackdropOut;
    out.clip = vec4<f32>(uv * 2.0 - 1.0, 1.0, 1.0);
    out.uv = vec2<f32>(uv.x, 1.0 - uv.y);
    return out;
}

@fragment
fn fs_backdrop(in: BackdropOut) -> @location(0) vec4<f32> {
    let top = vec3<f32>(0.42, 0.44, 0.46);
    let bottom = vec3<f32>(0.24, 0.25, 0.27);
    var colour = mix(top, bottom, in.uv.y);
    let d = distance(in.uv, vec2<f32>(0.45, 0.35));
    colour *= 1.15 - 0.45 * smoothstep(0.1, 0.9, d);
    return vec4<f32>(tonemap(colour), 1.0);
}
