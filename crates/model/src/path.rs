//! DAM paths: `/content/dam` and everything below it.
//!
//! A [`DamPath`] can only be built by parsing, and parsing refuses every way of leaving
//! the DAM root (`..`, backslashes, NUL, percent signs that a second decoding could
//! turn into `..`) and names that no file system or URL would carry safely. Code that
//! holds a `DamPath` never has to check again.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The root folder of every deployment's DAM.
pub const DAM_ROOT: &str = "/content/dam";

/// Longest accepted name of one folder or asset, in bytes (ext4 and most others allow 255).
pub const MAX_NAME_BYTES: usize = 255;
/// Longest accepted whole path, in bytes.
pub const MAX_PATH_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the path must start with {DAM_ROOT}")]
    OutsideDam,
    #[error("the path is longer than {MAX_PATH_BYTES} bytes")]
    TooLong,
    #[error("a name in the path is empty")]
    EmptyName,
    #[error("`.` and `..` are not allowed in a path")]
    DotSegment,
    #[error("a name is longer than {MAX_NAME_BYTES} bytes")]
    NameTooLong,
    #[error("a name contains a character that is not allowed ({0:?})")]
    ForbiddenChar(char),
    #[error("a name may not start or end with a space or start with a dot")]
    BadEdge,
}

/// An absolute, normalised path at or below `/content/dam`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DamPath(String);

impl DamPath {
    pub fn root() -> Self {
        DamPath(DAM_ROOT.to_owned())
    }

    /// Parses an absolute path such as `/content/dam/products/shoe.jpg`.
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        if raw.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        let trimmed = raw.strip_suffix('/').filter(|s| !s.is_empty()).unwrap_or(raw);
        let rest = trimmed.strip_prefix(DAM_ROOT).ok_or(PathError::OutsideDam)?;
        if rest.is_empty() {
            return Ok(Self::root());
        }
        let rest = rest.strip_prefix('/').ok_or(PathError::OutsideDam)?;
        for name in rest.split('/') {
            validate_name(name)?;
        }
        Ok(DamPath(trimmed.to_owned()))
    }

    /// The path of a child called `name`.
    pub fn join(&self, name: &str) -> Result<Self, PathError> {
        validate_name(name)?;
        let joined = format!("{}/{}", self.0, name);
        if joined.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        Ok(DamPath(joined))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0 == DAM_ROOT
    }

    /// The last name in the path (`dam` for the root).
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }

    /// The enclosing folder; `None` for the root.
    pub fn parent(&self) -> Option<DamPath> {
        if self.is_root() {
            return None;
        }
        let cut = self.0.rfind('/')?;
        Some(DamPath(self.0[..cut].to_owned()))
    }

    /// Every folder from the root down to this path's parent, root first.
    pub fn ancestors(&self) -> Vec<DamPath> {
        let mut out = Vec::new();
        let mut cur = self.parent();
        while let Some(p) = cur {
            cur = p.parent();
            out.push(p);
        }
        out.reverse();
        out
    }
}

/// Checks one folder or asset name.
pub fn validate_name(name: &str) -> Result<(), PathError> {
    if name.is_empty() {
        return Err(PathError::EmptyName);
    }
    if name == "." || name == ".." {
        return Err(PathError::DotSegment);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(PathError::NameTooLong);
    }
    if let Some(c) = name.chars().find(|&c| is_forbidden(c)) {
        return Err(PathError::ForbiddenChar(c));
    }
    if name.starts_with('.') || name.starts_with(' ') || name.ends_with(' ') {
        return Err(PathError::BadEdge);
    }
    Ok(())
}

fn is_forbidden(c: char) -> bool {
    // `%` is refused so that no layer that decodes once more can produce `..` or `/`.
    matches!(c, '/' | '\\' | '%' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
}

impl fmt::Display for DamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DamPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DamPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        DamPath::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_root_and_nested_paths() {
        assert!(DamPath::parse("/content/dam").unwrap().is_root());
        assert!(DamPath::parse("/content/dam/").unwrap().is_root());
        let p = DamPath::parse("/content/dam/products/Shoe (red) 2.jpg").unwrap();
        assert_eq!(p.name(), "Shoe (red) 2.jpg");
        assert_eq!(p.parent().unwrap().as_str(), "/content/dam/products");
        assert_eq!(p.ancestors().iter().map(DamPath::as_str).collect::<Vec<_>>(), ["/content/dam", "/content/dam/products"]);
    }

    #[test]
    fn refuses_every_way_out_of_the_dam() {
        let bad = [
            ("/content/dam/../etc/passwd", PathError::DotSegment),
            ("/content/dam/a/./b", PathError::DotSegment),
            ("/content/damage", PathError::OutsideDam),
            ("/etc/passwd", PathError::OutsideDam),
            ("content/dam/a", PathError::OutsideDam),
            ("/content/dam//a", PathError::EmptyName),
            ("/content/dam/a\\..\\b", PathError::ForbiddenChar('\\')),
            ("/content/dam/%2e%2e/x", PathError::ForbiddenChar('%')),
            ("/content/dam/a\0b", PathError::ForbiddenChar('\0')),
            ("/content/dam/a\nb", PathError::ForbiddenChar('\n')),
            ("/content/dam/.hidden", PathError::BadEdge),
            ("/content/dam/trailing ", PathError::BadEdge),
        ];
        for (raw, want) in bad {
            assert_eq!(DamPath::parse(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn refuses_overlong_names_and_paths() {
        let long_name = format!("/content/dam/{}", "a".repeat(MAX_NAME_BYTES + 1));
        assert_eq!(DamPath::parse(&long_name), Err(PathError::NameTooLong));
        let ok_name = format!("/content/dam/{}", "a".repeat(MAX_NAME_BYTES));
        assert!(DamPath::parse(&ok_name).is_ok());
        let long_path = format!("/content/dam{}", "/abcdefgh".repeat(200));
        assert_eq!(DamPath::parse(&long_path), Err(PathError::TooLong));
    }

    #[test]
    fn join_validates_the_new_name() {
        let root = DamPath::root();
        assert_eq!(root.join("a").unwrap().as_str(), "/content/dam/a");
        assert_eq!(root.join(".."), Err(PathError::DotSegment));
        assert_eq!(root.join("a/b"), Err(PathError::ForbiddenChar('/')));
    }

    #[test]
    fn deserializing_validates() {
        let ok: DamPath = serde_json::from_str("\"/content/dam/x\"").unwrap();
        assert_eq!(ok.as_str(), "/content/dam/x");
        assert!(serde_json::from_str::<DamPath>("\"/content/dam/../x\"").is_err());
    }
}
