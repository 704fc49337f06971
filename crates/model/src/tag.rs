//! Tags of a namespaced taxonomy: `products:shoes/running` is the tag `running`
//! under `shoes` in the namespace `products`; `products:` is the namespace itself.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a tag such as products:shoes/running (lowercase letters, digits, `-` and `_`; a namespace, `:`, then names separated by `/`)")]
pub struct TagError(pub String);

/// Longest tag, in bytes.
pub const MAX_TAG_BYTES: usize = 512;
/// Longest title of a tag, in bytes.
pub const MAX_TAG_TITLE_BYTES: usize = 256;
/// Longest namespace or name within a tag, in bytes.
pub const MAX_TAG_NAME_BYTES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagId(String);

fn valid_part(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_TAG_NAME_BYTES && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl TagId {
    pub fn parse(raw: &str) -> Result<TagId, TagError> {
        let bad = || TagError(raw.to_owned());
        let (namespace, path) = raw.split_once(':').ok_or_else(bad)?;
        if !valid_part(namespace) || raw.len() > MAX_TAG_BYTES {
            return Err(bad());
        }
        if !path.is_empty() && !path.split('/').all(valid_part) {
            return Err(bad());
        }
        Ok(TagId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn namespace(&self) -> &str {
        self.0.split_once(':').map(|(n, _)| n).unwrap_or_default()
    }

    /// The last name (the namespace for a namespace).
    pub fn name(&self) -> &str {
        let (ns, path) = self.0.split_once(':').unwrap_or_default();
        path.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(ns)
    }

    /// The enclosing tag: `products:shoes` for `products:shoes/running`,
    /// `products:` for `products:shoes`, none for a namespace.
    pub fn parent(&self) -> Option<TagId> {
        let (ns, path) = self.0.split_once(':')?;
        if path.is_empty() {
            return None;
        }
        Some(match path.rfind('/') {
            Some(cut) => TagId(format!("{ns}:{}", &path[..cut])),
            None => TagId(format!("{ns}:")),
        })
    }

    /// This tag and every tag it lies under, outermost first.
    pub fn lineage(&self) -> Vec<TagId> {
        let mut out = vec![self.clone()];
        while let Some(p) = out.last().and_then(TagId::parent) {
            out.push(p);
        }
        out.reverse();
        out
    }
}

impl fmt::Display for TagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for TagId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TagId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TagId::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_and_nested_tags() {
        let t = TagId::parse("products:shoes/running").unwrap();
        assert_eq!(t.namespace(), "products");
        assert_eq!(t.name(), "running");
        let lineage: Vec<String> = t.lineage().iter().map(ToString::to_string).collect();
        assert_eq!(lineage, ["products:", "products:shoes", "products:shoes/running"]);
        assert_eq!(TagId::parse("products:").unwrap().name(), "products");
    }

    #[test]
    fn refuses_malformed_tags() {
        for bad in ["products", ":shoes", "Products:shoes", "products:shoes//x", "products:shoes/", "p:a b", "p:../x"] {
            assert!(TagId::parse(bad).is_err(), "{bad}");
        }
    }
}
