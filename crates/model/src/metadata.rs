//! An asset's metadata fields, each a type that holds only what the DAM accepts:
//! a request that names a field gets its limits checked once, where it is read, and
//! every layer below holds the typed value. Live copies will inherit these fields
//! one by one, so each has its own type rather than being a string among strings.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest title, in bytes.
pub const MAX_TITLE_BYTES: usize = 1024;
/// Longest description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 10_000;
/// Most free properties on one asset.
pub const MAX_PROPERTIES: usize = 100;
/// Longest free property name, in bytes.
pub const MAX_PROPERTY_NAME_BYTES: usize = 64;
/// Longest free property value, in bytes.
pub const MAX_PROPERTY_VALUE_BYTES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("The title must have 1 to {MAX_TITLE_BYTES} bytes.")]
    Title,
    #[error("The description is longer than {MAX_DESCRIPTION_BYTES} bytes.")]
    Description,
    #[error("An asset has at most {MAX_PROPERTIES} free properties.")]
    TooManyProperties,
    #[error("{0:?} is not a property name (1 to {MAX_PROPERTY_NAME_BYTES} letters, digits, `:`, `_`, `-`, `.`).")]
    PropertyName(String),
    #[error("The value of {0:?} is longer than {MAX_PROPERTY_VALUE_BYTES} bytes.")]
    PropertyValue(String),
}

/// dc:title: not blank, trimmed, at most [`MAX_TITLE_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Title, MetadataError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.len() > MAX_TITLE_BYTES {
            return Err(MetadataError::Title);
        }
        Ok(Title(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// dc:description: at most [`MAX_DESCRIPTION_BYTES`]; may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description(String);

impl Description {
    pub fn parse(raw: &str) -> Result<Description, MetadataError> {
        if raw.len() > MAX_DESCRIPTION_BYTES {
            return Err(MetadataError::Description);
        }
        Ok(Description(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of a free property: letters, digits, `:`, `_`, `-` and `.`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PropertyName(String);

impl PropertyName {
    pub fn parse(raw: &str) -> Result<PropertyName, MetadataError> {
        let valid = !raw.is_empty() && raw.len() <= MAX_PROPERTY_NAME_BYTES && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b":_-.".contains(&b));
        if !valid {
            return Err(MetadataError::PropertyName(raw.to_owned()));
        }
        Ok(PropertyName(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An asset's free properties, all of them: at most [`MAX_PROPERTIES`], each value
/// at most [`MAX_PROPERTY_VALUE_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Properties(BTreeMap<PropertyName, String>);

impl Properties {
    pub fn parse(raw: BTreeMap<String, String>) -> Result<Properties, MetadataError> {
        if raw.len() > MAX_PROPERTIES {
            return Err(MetadataError::TooManyProperties);
        }
        let mut out = BTreeMap::new();
        for (name, value) in raw {
            let name = PropertyName::parse(&name)?;
            if value.len() > MAX_PROPERTY_VALUE_BYTES {
                return Err(MetadataError::PropertyValue(name.0));
            }
            out.insert(name, value);
        }
        Ok(Properties(out))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PropertyName, &str)> {
        self.0.iter().map(|(k, v)| (k, v.as_str()))
    }

    /// As the wire and the catalogs store them: names to values.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.0.iter().map(|(k, v)| (k.0.clone(), v.clone())).collect()
    }
}

macro_rules! string_form {
    ($($ty:ident),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $ty::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

string_form!(Title, Description, PropertyName);

impl From<Title> for String {
    fn from(title: Title) -> String {
        title.0
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Properties::parse(BTreeMap::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// `PATCH /api/assets/...`: the metadata fields to change; absent fields stay.
/// Each field is checked as it is read, so a patch that exists is a valid one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MetadataPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    /// Replaces all free properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Properties>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_never_blank() {
        assert_eq!(Title::parse("  Lake at dawn ").unwrap().as_str(), "Lake at dawn");
        assert_eq!(Title::parse(" \t"), Err(MetadataError::Title));
        assert!(Title::parse(&"x".repeat(MAX_TITLE_BYTES)).is_ok());
        assert_eq!(Title::parse(&"x".repeat(MAX_TITLE_BYTES + 1)), Err(MetadataError::Title));
    }

    #[test]
    fn properties_are_bounded_by_count_name_and_value() {
        let one = |k: &str, v: &str| Properties::parse(BTreeMap::from([(k.to_owned(), v.to_owned())]));
        assert!(one("dc:credit", "Ana").is_ok());
        assert_eq!(one("a b", "x"), Err(MetadataError::PropertyName("a b".into())));
        assert_eq!(one("", "x"), Err(MetadataError::PropertyName(String::new())));
        assert_eq!(one("k", &"v".repeat(MAX_PROPERTY_VALUE_BYTES + 1)), Err(MetadataError::PropertyValue("k".into())));
        let many = (0..=MAX_PROPERTIES).map(|i| (format!("p{i}"), String::new())).collect();
        assert_eq!(Properties::parse(many), Err(MetadataError::TooManyProperties));
    }

    #[test]
    fn a_patch_is_checked_as_it_is_read() {
        let patch: MetadataPatch = serde_json::from_str(r#"{"title":" New ","properties":{"sku":"B-1"}}"#).unwrap();
        assert_eq!(patch.title.unwrap().as_str(), "New");
        assert_eq!(patch.properties.unwrap().to_map(), BTreeMap::from([("sku".to_owned(), "B-1".to_owned())]));
        let blank = serde_json::from_str::<MetadataPatch>(r#"{"title":"  "}"#).unwrap_err();
        assert!(blank.to_string().contains("The title must have"), "{blank}");
        assert!(serde_json::from_str::<MetadataPatch>(r#"{"properties":{"a/b":"x"}}"#).is_err());
    }
}
