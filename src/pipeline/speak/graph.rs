//! Exposing a Piper voice's phoneme durations. A Piper (VITS) graph computes how many
//! decoder frames each phoneme id lasts (the one `Ceil` node, `w_ceil` in the training code)
//! but returns only the audio. ONNX Runtime can return any tensor that is a graph output,
//! so the model's bytes are edited on load to list that tensor as a second output: the
//! timings then come from the same run that made the audio, not from an estimate.
//!
//! This reads and writes just enough of the protobuf wire format to do that (ModelProto
//! field 7 = graph; GraphProto 1 = node, 12 = output; NodeProto 2 = output, 4 = op_type).

use std::ops::Range;

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("not an ONNX model: {0}")]
    Malformed(&'static str),
    #[error(
        "the voice's graph has {0} Ceil nodes, not one: it is not a Piper (VITS) export, so its phoneme durations cannot be read"
    )]
    NoDurations(usize),
}

const LEN: u8 = 2;

struct Field {
    number: u64,
    /// The whole field, tag included.
    span: Range<usize>,
    /// The payload of a length-delimited field.
    payload: Option<Range<usize>>,
}

fn varint(buf: &[u8], pos: &mut usize) -> Result<u64, GraphError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *buf
            .get(*pos)
            .ok_or(GraphError::Malformed("truncated varint"))?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(GraphError::Malformed("varint too long"))
}

fn fields(buf: &[u8]) -> Result<Vec<Field>, GraphError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        let tag = varint(buf, &mut pos)?;
        let payload = match tag & 7 {
            0 => {
                varint(buf, &mut pos)?;
                None
            }
            1 => {
                pos += 8;
                None
            }
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?)
                    .map_err(|_| GraphError::Malformed("length out of range"))?;
                let begin = pos;
                pos = pos
                    .checked_add(len)
                    .ok_or(GraphError::Malformed("length out of range"))?;
                Some(begin..pos)
            }
            5 => {
                pos += 4;
                None
            }
            _ => return Err(GraphError::Malformed("unsupported wire type")),
        };
        if pos > buf.len() {
            return Err(GraphError::Malformed("field runs past the end"));
        }
        out.push(Field {
            number: tag >> 3,
            span: start..pos,
            payload,
        });
    }
    Ok(out)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_varint(out, (number << 3) | u64::from(LEN));
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The payloads of the length-delimited fields numbered `number`.
fn payloads<'a>(
    buf: &'a [u8],
    all: &[Field],
    number: u64,
) -> impl Iterator<Item = &'a [u8]> + use<'a> {
    all.iter()
        .filter(|f| f.number == number)
        .filter_map(|f| f.payload.clone())
        .map(|r| &buf[r])
        .collect::<Vec<_>>()
        .into_iter()
}

/// The name of the duration tensor, and `model` with it added as the last graph output
/// (unchanged when it already is one).
pub fn expose_durations(model: &[u8]) -> Result<(String, Vec<u8>), GraphError> {
    let top = fields(model)?;
    let graph_field = top
        .iter()
        .find(|f| f.number == 7 && f.payload.is_some())
        .ok_or(GraphError::Malformed("no graph"))?;
    let graph = &model[graph_field.payload.clone().unwrap_or_default()];
    let graph_fields = fields(graph)?;

    let mut ceil_outputs = Vec::new();
    for node in payloads(graph, &graph_fields, 1) {
        let node_fields = fields(node)?;
        if payloads(node, &node_fields, 4).any(|op| op == b"Ceil") {
            ceil_outputs.extend(payloads(node, &node_fields, 2).take(1).map(<[u8]>::to_vec));
        }
    }
    let [name] = ceil_outputs.as_slice() else {
        return Err(GraphError::NoDurations(ceil_outputs.len()));
    };
    let name_str = String::from_utf8(name.clone())
        .map_err(|_| GraphError::Malformed("tensor name is not UTF-8"))?;

    let already = payloads(graph, &graph_fields, 12).any(|value_info| {
        fields(value_info)
            .map(|f| payloads(value_info, &f, 1).any(|n| n == name.as_slice()))
            .unwrap_or(false)
    });
    if already {
        return Ok((name_str, model.to_vec()));
    }

    // ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type: FLOAT } } }
    let mut tensor_type = Vec::new();
    put_varint(&mut tensor_type, 1 << 3);
    put_varint(&mut tensor_type, 1);
    let mut type_proto = Vec::new();
    put_bytes(&mut type_proto, 1, &tensor_type);
    let mut value_info = Vec::new();
    put_bytes(&mut value_info, 1, name);
    put_bytes(&mut value_info, 2, &type_proto);

    let mut new_graph = Vec::with_capacity(graph.len() + value_info.len() + 8);
    new_graph.extend_from_slice(graph);
    put_bytes(&mut new_graph, 12, &value_info);

    let mut out = Vec::with_capacity(model.len() + value_info.len() + 16);
    out.extend_from_slice(&model[..graph_field.span.start]);
    put_bytes(&mut out, 7, &new_graph);
    out.extend_from_slice(&model[graph_field.span.end..]);
    Ok((name_str, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(op: &str, output: &str) -> Vec<u8> {
        let mut n = Vec::new();
        put_bytes(&mut n, 2, output.as_bytes());
        put_bytes(&mut n, 4, op.as_bytes());
        n
    }

    fn model(nodes: &[Vec<u8>]) -> Vec<u8> {
        let mut graph = Vec::new();
        for n in nodes {
            put_bytes(&mut graph, 1, n);
        }
        let mut m = Vec::new();
        put_varint(&mut m, 1 << 3); // ir_version = 8
        put_varint(&mut m, 8);
        put_bytes(&mut m, 7, &graph);
        m
    }

    #[test]
    fn adds_the_ceil_output_once() {
        let m = model(&[node("Exp", "/Exp_0"), node("Ceil", "/Ceil_output_0")]);
        let (name, edited) = expose_durations(&m).unwrap();
        assert_eq!(name, "/Ceil_output_0");
        assert!(edited.len() > m.len());
        let (_, again) = expose_durations(&edited).unwrap();
        assert_eq!(again, edited, "a second edit changes nothing");
        // The other top-level field survives.
        assert_eq!(&edited[..2], &[1 << 3, 8]);
    }

    #[test]
    fn refuses_graphs_without_exactly_one_ceil() {
        let none = model(&[node("Exp", "x")]);
        assert_eq!(expose_durations(&none), Err(GraphError::NoDurations(0)));
        let two = model(&[node("Ceil", "a"), node("Ceil", "b")]);
        assert_eq!(expose_durations(&two), Err(GraphError::NoDurations(2)));
        assert!(matches!(
            expose_durations(b"\x3a\xff\xff\xff"),
            Err(GraphError::Malformed(_))
        ));
    }
}
