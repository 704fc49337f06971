//! What a file really is, judged from its first bytes, and whether that agrees with
//! the type its uploader declared.

use serde::{Deserialize, Serialize};

/// How many leading bytes [`sniff`] needs to see.
pub const SNIFF_LEN: usize = 512;

/// Whether an asset goes on an Image component or a Download component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Image,
    Document,
}

/// The outcome of looking at a file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    Gif,
    WebP,
    Tiff,
    Pdf,
    /// A ZIP container: the Office Open XML formats (docx, xlsx, pptx) are ZIP files.
    Zip,
    /// The OLE2 compound file of legacy Word, Excel and PowerPoint files.
    Ole,
    Svg,
    Text,
    Unknown,
}

/// Identifies a file from its first bytes (at most [`SNIFF_LEN`] are looked at).
pub fn sniff(head: &[u8]) -> Sniffed {
    let starts = |sig: &[u8]| head.starts_with(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Sniffed::Gif
    } else if head.len() >= 12 && starts(b"RIFF") && &head[8..12] == b"WEBP" {
        Sniffed::WebP
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Sniffed::Tiff
    } else if starts(b"%PDF-") {
        Sniffed::Pdf
    } else if starts(b"PK\x03\x04") {
        Sniffed::Zip
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Sniffed::Ole
    } else if looks_like_text(head) {
        if looks_like_svg(head) {
            Sniffed::Svg
        } else {
            Sniffed::Text
        }
    } else {
        Sniffed::Unknown
    }
}

fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // The sniffing window may cut a multi-byte character at its end.
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    }
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.contains("<svg")
}

impl Sniffed {
    /// Whether bytes of this kind may be stored under the declared MIME type.
    pub fn matches_declared(self, declared: &str) -> bool {
        let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match self {
            Sniffed::Jpeg => declared == "image/jpeg",
            Sniffed::Png => declared == "image/png",
            Sniffed::Gif => declared == "image/gif",
            Sniffed::WebP => declared == "image/webp",
            Sniffed::Tiff => declared == "image/tiff",
            Sniffed::Pdf => declared == "application/pdf",
            Sniffed::Zip => OOXML.contains(&declared.as_str()) || declared == "application/zip",
            Sniffed::Ole => OLE_OFFICE.contains(&declared.as_str()),
            Sniffed::Svg => declared == "image/svg+xml",
            Sniffed::Text => TEXT.contains(&declared.as_str()),
            Sniffed::Unknown => false,
        }
    }

    /// Images that the repository decodes and makes renditions of.
    pub fn is_raster_image(self) -> bool {
        matches!(self, Sniffed::Jpeg | Sniffed::Png | Sniffed::Gif | Sniffed::WebP | Sniffed::Tiff)
    }

    pub fn kind(self) -> AssetKind {
        // SVG can carry script, so it is only ever a document to download.
        if self.is_raster_image() {
            AssetKind::Image
        } else {
            AssetKind::Document
        }
    }
}

const OOXML: &[&str] = &[
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];
const OLE_OFFICE: &[&str] = &["application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"];
const TEXT: &[&str] = &["text/plain", "text/csv", "text/markdown"];

/// The kind of asset a stored MIME type stands for.
pub fn kind_of_mime(mime: &str) -> AssetKind {
    if mime.starts_with("image/") && mime != "image/svg+xml" {
        AssetKind::Image
    } else {
        AssetKind::Document
    }
}

/// Whether a MIME type matches a pattern such as `image/*` or `application/pdf`, as
/// an `accept` list has them; parameters (`; charset=...`) are ignored.
pub fn mime_matches(pattern: &str, mime: &str) -> bool {
    let mime = mime.split(';').next().unwrap_or_default().trim();
    let pattern = pattern.trim();
    if pattern == "*/*" {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(major) => mime.split('/').next().is_some_and(|m| m.eq_ignore_ascii_case(major)),
        None => pattern.eq_ignore_ascii_case(mime),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_patterns_match_types_and_families() {
        assert!(mime_matches("image/*", "image/jpeg"));
        assert!(mime_matches("application/pdf", "application/pdf; charset=binary"));
        assert!(mime_matches("*/*", "text/plain"));
        assert!(!mime_matches("image/*", "application/pdf"));
        assert!(!mime_matches("image/png", "image/jpeg"));
    }

    #[test]
    fn recognises_the_supported_formats() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Sniffed::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Sniffed::Png);
        assert_eq!(sniff(b"GIF89a...."), Sniffed::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::WebP);
        assert_eq!(sniff(b"II*\0...."), Sniffed::Tiff);
        assert_eq!(sniff(b"%PDF-1.4\n"), Sniffed::Pdf);
        assert_eq!(sniff(b"PK\x03\x04...."), Sniffed::Zip);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns="), Sniffed::Svg);
        assert_eq!(sniff("plain text, caf\u{e9}".as_bytes()), Sniffed::Text);
        assert_eq!(sniff(&[0x00, 0x01, 0x02]), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
    }

    #[test]
    fn a_cut_multibyte_character_at_the_end_is_still_text() {
        let mut head = b"abc".to_vec();
        head.extend_from_slice(&"\u{e9}".as_bytes()[..1]);
        assert_eq!(sniff(&head), Sniffed::Text);
    }

    #[test]
    fn declared_type_must_agree_with_the_bytes() {
        assert!(Sniffed::Jpeg.matches_declared("image/jpeg"));
        assert!(Sniffed::Jpeg.matches_declared("IMAGE/JPEG; charset=binary"));
        assert!(!Sniffed::Png.matches_declared("image/jpeg"));
        assert!(!Sniffed::Text.matches_declared("image/png"));
        assert!(!Sniffed::Svg.matches_declared("text/html"));
        assert!(Sniffed::Zip.matches_declared(OOXML[0]));
        assert!(!Sniffed::Unknown.matches_declared("application/octet-stream"));
    }

    #[test]
    fn svg_is_a_document_not_an_image() {
        assert_eq!(Sniffed::Svg.kind(), AssetKind::Document);
        assert_eq!(kind_of_mime("image/svg+xml"), AssetKind::Document);
        assert_eq!(kind_of_mime("image/png"), AssetKind::Image);
    }
}
