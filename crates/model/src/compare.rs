//! What differs between two versions of an asset, field by field: what the Assets
//! console's "Compare versions" shows side by side.

use std::collections::BTreeSet;

use crate::api::{VersionDto, VersionMetadataDto};

/// One field in which two versions differ, as each shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// "Title", "Size", "Property sku", ...
    pub field: String,
    pub left: String,
    pub right: String,
}

/// The fields in which `left` and `right` differ, binary facts first, then metadata.
/// Metadata a version did not keep (versions replaced before versions kept it) shows
/// as "not kept" rather than as empty.
pub fn version_differences(left: &VersionDto, right: &VersionDto) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut differ = |field: &str, l: String, r: String| {
        if l != r {
            out.push(Difference { field: field.to_owned(), left: l, right: r });
        }
    };
    differ("Type", left.mime.clone(), right.mime.clone());
    differ("Size", left.size.to_string() + " bytes", right.size.to_string() + " bytes");
    differ("Dimensions", dimensions(left), dimensions(right));
    let (l, r) = (left.metadata.as_ref(), right.metadata.as_ref());
    let field = |m: Option<&VersionMetadataDto>, f: fn(&VersionMetadataDto) -> String| m.map(f).unwrap_or_else(|| NOT_KEPT.to_owned());
    differ("Title", field(l, |m| m.title.clone()), field(r, |m| m.title.clone()));
    differ("Description", field(l, |m| m.description.clone()), field(r, |m| m.description.clone()));
    differ(
        "Tags",
        field(l, |m| m.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")),
        field(r, |m| m.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")),
    );
    let names: BTreeSet<&String> = l.into_iter().chain(r).flat_map(|m| m.properties.keys()).collect();
    for name in names {
        let value = |m: Option<&VersionMetadataDto>| match m {
            None => NOT_KEPT.to_owned(),
            Some(m) => m.properties.get(name).cloned().unwrap_or_default(),
        };
        differ(&format!("Property {name}"), value(l), value(r));
    }
    out
}

const NOT_KEPT: &str = "(not kept)";

fn dimensions(v: &VersionDto) -> String {
    v.width.zip(v.height).map(|(w, h)| format!("{w} × {h}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VersionKindDto;
    use crate::TagId;

    fn version(number: u32, size: u64, title: &str, properties: &[(&str, &str)], tags: &[&str]) -> VersionDto {
        VersionDto {
            number,
            kind: VersionKindDto::Upload,
            restored_from: None,
            label: String::new(),
            mime: "image/png".into(),
            size,
            width: Some(40),
            height: Some(30),
            comment: String::new(),
            created_by: "ksaner".into(),
            created_at: 0,
            href: String::new(),
            thumbnail: None,
            metadata: Some(VersionMetadataDto {
                title: title.into(),
                description: "Same".into(),
                properties: properties.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
                tags: tags.iter().map(|t| TagId::parse(t).unwrap()).collect(),
            }),
            renditions: Vec::new(),
        }
    }

    #[test]
    fn only_what_differs_is_listed() {
        let a = version(1, 100, "Poster", &[("sku", "A-1"), ("colour", "red")], &["season:spring"]);
        let b = version(2, 120, "Poster", &[("sku", "A-2"), ("size", "XL"), ("colour", "red")], &["season:spring", "season:summer"]);
        let fields: Vec<(String, String, String)> = version_differences(&a, &b).into_iter().map(|d| (d.field, d.left, d.right)).collect();
        assert_eq!(
            fields,
            [
                ("Size".into(), "100 bytes".into(), "120 bytes".into()),
                ("Tags".into(), "season:spring".into(), "season:spring, season:summer".into()),
                ("Property size".into(), String::new(), "XL".into()),
                ("Property sku".into(), "A-1".into(), "A-2".into()),
            ]
        );
        assert!(version_differences(&a, &a).is_empty(), "a version does not differ from itself");
    }

    #[test]
    fn metadata_not_kept_is_said_so() {
        let a = VersionDto { metadata: None, ..version(1, 100, "Poster", &[], &[]) };
        let b = version(2, 100, "Poster", &[], &[]);
        let titles: Vec<_> = version_differences(&a, &b).into_iter().filter(|d| d.field == "Title").map(|d| d.left).collect();
        assert_eq!(titles, ["(not kept)"]);
    }
}
