//! A small writer of text PDFs (A4, Helvetica, wrapped lines, as many pages as needed) over
//! lopdf: the printable profile's PDF export. Text outside Latin-1 is written as `?`, since
//! the standard fonts carry no other glyphs.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, StringFormat, dictionary};

/// One block of text in the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Text(String),
    /// Smaller, grey: notes and evidence.
    Note(String),
    Gap,
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(String);

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

struct Line {
    text: String,
    font: &'static str,
    size: f32,
    grey: bool,
}

/// The document's bytes.
pub fn render(blocks: &[Block]) -> Result<Vec<u8>, PdfError> {
    let lines = layout(blocks);
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let regular = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let bold = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let mut kids = Vec::new();
    for page in paginate(&lines) {
        let mut ops = Vec::new();
        let mut y = HEIGHT - MARGIN;
        for (line, leading) in page {
            y -= leading;
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new(
                "Tf",
                vec![line.font.into(), Object::Real(line.size)],
            ));
            let g = if line.grey { 0.35 } else { 0.0 };
            ops.push(Operation::new("g", vec![Object::Real(g)]));
            ops.push(Operation::new(
                "Td",
                vec![Object::Real(MARGIN), Object::Real(y)],
            ));
            ops.push(Operation::new(
                "Tj",
                vec![Object::String(latin1(&line.text), StringFormat::Literal)],
            ));
            ops.push(Operation::new("ET", vec![]));
        }
        let content = Content { operations: ops }
            .encode()
            .map_err(|e| PdfError(e.to_string()))?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(WIDTH), Object::Real(HEIGHT)],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| PdfError(e.to_string()))?;
    Ok(out)
}

/// Blocks as wrapped lines, each with the space above it.
fn layout(blocks: &[Block]) -> Vec<(Line, f32)> {
    let mut out = Vec::new();
    for b in blocks {
        let (text, font, size, grey, above) = match b {
            Block::Title(t) => (t, "F2", 18.0, false, 8.0),
            Block::Heading(t) => (t, "F2", 12.5, false, 10.0),
            Block::Text(t) => (t, "F1", 10.5, false, 2.0),
            Block::Note(t) => (t, "F1", 9.0, true, 1.0),
            Block::Gap => {
                out.push((
                    Line {
                        text: String::new(),
                        font: "F1",
                        size: 6.0,
                        grey: false,
                    },
                    6.0,
                ));
                continue;
            }
        };
        // Helvetica averages about half an em per character.
        let per_line = (((WIDTH - 2.0 * MARGIN) / (size * 0.5)) as usize).max(20);
        for (i, l) in wrap(text, per_line).into_iter().enumerate() {
            let leading = size * 1.3 + if i == 0 { above } else { 0.0 };
            out.push((
                Line {
                    text: l,
                    font,
                    size,
                    grey,
                },
                leading,
            ));
        }
    }
    out
}

fn paginate(lines: &[(Line, f32)]) -> Vec<Vec<(&Line, f32)>> {
    let room = HEIGHT - 2.0 * MARGIN;
    let mut pages = vec![Vec::new()];
    let mut used = 0.0;
    for (line, leading) in lines {
        if used + leading > room && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            used = 0.0;
        }
        used += leading;
        if let Some(p) = pages.last_mut() {
            p.push((line, *leading));
        }
    }
    pages
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// WinAnsi bytes: Latin-1 as is, typographic quotes and dashes mapped, the rest `?`.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '‘' | '’' => b'\'',
            '“' | '”' => b'"',
            '–' | '—' => b'-',
            '…' => b'.',
            '±' => 0xB1,
            c if (c as u32) < 256 => c as u8,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_written_is_text_read_back_across_pages() {
        let mut blocks = vec![Block::Title("Profile: Ada Lovelace".into())];
        for i in 0..120 {
            blocks.push(Block::Text(format!(
                "Line {i} says something ± 0.1 “quoted”."
            )));
        }
        let bytes = render(&blocks).unwrap();
        let doc = Document::load_mem(&bytes).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let text = doc.extract_text(&pages).unwrap();
        assert!(text.contains("Profile: Ada Lovelace"), "{text}");
        assert!(text.contains("Line 119 says something"), "{text}");
    }

    #[test]
    fn long_text_wraps_at_word_boundaries() {
        let lines = wrap("one two three four five six", 9);
        assert_eq!(lines, ["one two", "three", "four five", "six"]);
        assert_eq!(latin1("a–b ✓"), b"a-b ?");
    }
}
