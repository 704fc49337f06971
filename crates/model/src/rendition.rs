//! The renditions a Tessera DAM makes of an asset, by the names its API, its URLs and
//! saved pages use: one type, so no name is spelled twice.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RenditionName {
    /// The uploaded file, as it was.
    #[serde(rename = "original")]
    Original,
    /// A JPEG at most 1280 pixels across: what pages show.
    #[serde(rename = "web-1280")]
    Web1280,
    #[serde(rename = "thumbnail-319")]
    Thumbnail319,
    #[serde(rename = "thumbnail-140")]
    Thumbnail140,
    #[serde(rename = "thumbnail-48")]
    Thumbnail48,
}

impl RenditionName {
    pub const ALL: [RenditionName; 5] =
        [RenditionName::Original, RenditionName::Web1280, RenditionName::Thumbnail319, RenditionName::Thumbnail140, RenditionName::Thumbnail48];

    pub fn as_str(self) -> &'static str {
        match self {
            RenditionName::Original => "original",
            RenditionName::Web1280 => "web-1280",
            RenditionName::Thumbnail319 => "thumbnail-319",
            RenditionName::Thumbnail140 => "thumbnail-140",
            RenditionName::Thumbnail48 => "thumbnail-48",
        }
    }

    /// Only the names above: anything else is no rendition of a Tessera DAM.
    pub fn parse(raw: &str) -> Option<RenditionName> {
        Self::ALL.into_iter().find(|n| n.as_str() == raw)
    }
}

impl fmt::Display for RenditionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_written_and_nothing_else_reads() {
        for name in RenditionName::ALL {
            assert_eq!(RenditionName::parse(name.as_str()), Some(name));
            assert_eq!(serde_json::to_string(&name).unwrap(), format!("\"{name}\""));
        }
        assert_eq!(RenditionName::parse("Original"), None);
        assert_eq!(RenditionName::parse("../original"), None);
    }
}
