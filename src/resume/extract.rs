//! Text out of a résumé file: PDF (lopdf's text extraction, decompression capped), DOCX
//! (the paragraphs of `word/document.xml`, read from the zip with its size capped) or plain
//! text. Synchronous and pure over bytes; callers run it on a blocking thread, where a
//! parser's panic on a hostile file becomes an error, not a crash.

use std::io::Read;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Text,
}

impl FileKind {
    /// From the upload's content type, or failing that the file's first bytes.
    pub fn detect(content_type: &str, bytes: &[u8]) -> Option<Self> {
        let ct = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match ct.as_str() {
            "application/pdf" => Some(Self::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(Self::Docx)
            }
            "text/plain" | "text/markdown" => Some(Self::Text),
            _ if bytes.starts_with(b"%PDF-") => Some(Self::Pdf),
            _ if bytes.starts_with(b"PK\x03\x04") => Some(Self::Docx),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the PDF cannot be read: {0}")]
    Pdf(String),
    #[error("the DOCX file cannot be read: {0}")]
    Docx(String),
    #[error("the text is not UTF-8")]
    Encoding,
    #[error("no text was found in the file (a scanned image needs a text version)")]
    Empty,
}

/// Most bytes any one decompressed part may take: a résumé is a few pages.
const MAX_DECOMPRESSED: usize = 8 * 1024 * 1024;

pub fn text_of(kind: FileKind, bytes: &[u8]) -> Result<String, ExtractError> {
    let text = match kind {
        FileKind::Pdf => pdf(bytes)?,
        FileKind::Docx => docx(bytes)?,
        FileKind::Text => String::from_utf8(bytes.to_vec()).map_err(|_| ExtractError::Encoding)?,
    };
    let tidy: Vec<&str> = text.lines().map(str::trim_end).collect();
    let tidy = tidy.join("\n").trim().to_string();
    if tidy.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(tidy)
}

fn pdf(bytes: &[u8]) -> Result<String, ExtractError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| ExtractError::Pdf(e.to_string()))?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text_with_limit(&pages, MAX_DECOMPRESSED)
        .map_err(|e| ExtractError::Pdf(e.to_string()))
}

fn docx(bytes: &[u8]) -> Result<String, ExtractError> {
    let bad = |e: String| ExtractError::Docx(e);
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let part = archive
        .by_name("word/document.xml")
        .map_err(|_| bad("it has no word/document.xml".into()))?;
    let mut xml = String::new();
    part.take(MAX_DECOMPRESSED as u64 + 1)
        .read_to_string(&mut xml)
        .map_err(|e| bad(e.to_string()))?;
    if xml.len() > MAX_DECOMPRESSED {
        return Err(bad("its text is implausibly large".into()));
    }
    Ok(document_text(&xml))
}

/// The text of WordprocessingML: `<w:t>` runs, a line per paragraph, tabs and breaks kept.
fn document_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let after = &rest[open + close + 1..];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        match name {
            "w:t" if !tag.starts_with('/') && !tag.ends_with('/') => {
                let end = after.find("</w:t>").unwrap_or(after.len());
                out.push_str(&unescape(&after[..end]));
                rest = &after[end..];
                continue;
            }
            "w:p" if tag.starts_with('/') => out.push('\n'),
            "w:tab" => out.push('\t'),
            "w:br" | "w:cr" => out.push('\n'),
            _ => {}
        }
        rest = after;
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordprocessing_xml_becomes_lines_of_text() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>Senior Engineer at Acme</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> 2019 &amp; later</w:t></w:r></w:p><w:p><w:r><w:t>Built &lt;Kafka&gt; pipelines&#x21;</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            document_text(xml),
            "Senior Engineer at Acme\t 2019 & later\nBuilt <Kafka> pipelines!\n"
        );
    }

    #[test]
    fn files_are_recognised_by_type_or_by_their_first_bytes() {
        assert_eq!(
            FileKind::detect("application/pdf", b""),
            Some(FileKind::Pdf)
        );
        assert_eq!(
            FileKind::detect("application/octet-stream", b"%PDF-1.7"),
            Some(FileKind::Pdf)
        );
        assert_eq!(
            FileKind::detect("", b"PK\x03\x04rest"),
            Some(FileKind::Docx)
        );
        assert_eq!(
            FileKind::detect("text/plain; charset=utf-8", b"x"),
            Some(FileKind::Text)
        );
        assert_eq!(FileKind::detect("image/png", b"\x89PNG"), None);
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        assert!(matches!(
            text_of(FileKind::Pdf, b"%PDF-1.4 nonsense"),
            Err(ExtractError::Pdf(_))
        ));
        assert!(matches!(
            text_of(FileKind::Docx, b"PK\x03\x04nonsense"),
            Err(ExtractError::Docx(_))
        ));
        assert!(matches!(
            text_of(FileKind::Text, b"  \n "),
            Err(ExtractError::Empty)
        ));
        assert!(matches!(
            text_of(FileKind::Text, &[0xff, 0xfe]),
            Err(ExtractError::Encoding)
        ));
    }
}
