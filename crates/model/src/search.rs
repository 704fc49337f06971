//! The search query of the Content Finder and the DAM API, and its results.

use serde::{Deserialize, Serialize};

use crate::api::{AssetDto, Orientation};
use crate::mime::AssetKind;
use crate::path::DamPath;
use crate::tag::TagId;

/// Largest page a search returns.
pub const MAX_PAGE: u32 = 200;
pub const DEFAULT_PAGE: u32 = 50;

/// Document types the Content Finder filters by, as the seeds list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocType {
    Pdf,
    Word,
    Excel,
    Powerpoint,
    Text,
}

impl DocType {
    pub const ALL: [DocType; 5] = [DocType::Pdf, DocType::Word, DocType::Excel, DocType::Powerpoint, DocType::Text];

    /// Its MIME types, all documents' (no `image/` type), as search relies on.
    pub fn mimes(self) -> &'static [&'static str] {
        match self {
            DocType::Pdf => &["application/pdf"],
            DocType::Word => &["application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
            DocType::Excel => &["application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
            DocType::Powerpoint => &["application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
            DocType::Text => &["text/plain", "text/csv", "text/markdown"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first; without words, the same as `modified`.
    #[default]
    Relevance,
    Name,
    Modified,
    Size,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    Desc,
}

impl Sort {
    /// Names read A to Z; the newest and the largest come first.
    pub fn default_order(self) -> Order {
        match self {
            Sort::Name => Order::Asc,
            Sort::Relevance | Sort::Modified | Sort::Size => Order::Desc,
        }
    }
}

/// `GET /api/search?...`. Every field is optional; filters combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Words, matched as prefixes in title, description, file name, tags and path.
    #[cfg_attr(feature = "openapi", param(max_length = 1000))]
    pub q: Option<String>,
    pub kind: Option<AssetKind>,
    pub doctype: Option<DocType>,
    /// MIME types or families, comma-separated (`image/*,application/pdf`): assets of
    /// any of them. At most [`MAX_MIME_PATTERNS`].
    #[cfg_attr(feature = "openapi", param(max_length = 1000))]
    pub mime: Option<String>,
    /// Only assets in this folder and its sub-folders.
    pub folder: Option<DamPath>,
    /// Only assets directly in this folder, none of its sub-folders': a folder's
    /// contents a page at a time, however many it holds.
    pub in_folder: Option<DamPath>,
    /// Only assets with this tag or a tag under it.
    pub tag: Option<TagId>,
    pub orientation: Option<Orientation>,
    /// Only assets this user holds checked out.
    #[cfg_attr(feature = "openapi", param(max_length = 256))]
    pub checked_out_by: Option<String>,
    /// Unix seconds, inclusive.
    pub modified_after: Option<i64>,
    /// Unix seconds, exclusive.
    pub modified_before: Option<i64>,
    pub sort: Option<Sort>,
    pub order: Option<Order>,
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// At most this many MIME patterns in one search.
pub const MAX_MIME_PATTERNS: usize = 16;

/// One MIME pattern of a search, lowercased: a family or one type. `*/*` (or no
/// pattern) filters nothing, so it has no variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MimePattern {
    /// `image/*`: its major type, `image`.
    Family(String),
    /// `application/pdf`.
    Exact(String),
}

impl MimePattern {
    /// Comma-separated patterns (`image/*,application/pdf`), or an error that says
    /// which one is not a pattern or that there are too many. Empty: no filter by type.
    pub fn parse_list(raw: &str) -> Result<Vec<MimePattern>, String> {
        let parts: Vec<&str> = raw.split(',').filter(|p| !p.trim().is_empty()).collect();
        if parts.len() > MAX_MIME_PATTERNS {
            return Err(format!("At most {MAX_MIME_PATTERNS} MIME patterns, not {}.", parts.len()));
        }
        let mut patterns = Vec::new();
        for part in parts {
            match MimePattern::parse(part)? {
                Some(pattern) => patterns.push(pattern),
                // Anything at all: the other patterns narrow nothing.
                None => return Ok(Vec::new()),
            }
        }
        Ok(patterns)
    }

    /// A pattern such as `image/*` or `application/pdf`; `None` for `*/*`.
    fn parse(raw: &str) -> Result<Option<MimePattern>, String> {
        let lower = raw.trim().to_ascii_lowercase();
        let refused = || format!("{raw:?} is not a MIME type or family such as image/* or application/pdf.");
        let (major, minor) = lower.split_once('/').ok_or_else(refused)?;
        match (major, minor) {
            ("*", "*") => Ok(None),
            (major, "*") if is_token(major) => Ok(Some(MimePattern::Family(major.to_owned()))),
            (major, minor) if is_token(major) && is_token(minor) => Ok(Some(MimePattern::Exact(lower.clone()))),
            _ => Err(refused()),
        }
    }
}

/// A MIME type's name part, as RFC 6838 allows it.
fn is_token(part: &str) -> bool {
    !part.is_empty() && part.len() <= 127 && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
}

impl SearchQuery {
    /// The patterns of `mime` (see [`MimePattern::parse_list`]).
    pub fn mime_patterns(&self) -> Result<Vec<MimePattern>, String> {
        self.mime.as_deref().map_or(Ok(Vec::new()), MimePattern::parse_list)
    }

    /// The words of `q` as an FTS5 query: each a quoted prefix term, all required.
    /// Punctuation only separates words, so no input can form FTS syntax.
    pub fn fts_terms(&self) -> Option<String> {
        let words: Vec<String> = self.words().iter().map(|w| format!("\"{w}\"*")).collect();
        (!words.is_empty()).then(|| words.join(" "))
    }

    /// The words of `q`, lowercased, at most 16: letters and digits, split at
    /// everything else. Every one must match, as a prefix of a word of the asset.
    pub fn words(&self) -> Vec<String> {
        let q = self.q.as_deref().unwrap_or_default();
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(16).map(str::to_lowercase).collect()
    }

    pub fn page_size(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub assets: Vec<AssetDto>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// How many assets match, on the first page only: counted up to
    /// [`COUNT_LIMIT`], or estimated (see `total_is_estimate`).
    pub total: Option<u64>,
    /// Whether more than `total` assets match: counting stopped at [`COUNT_LIMIT`].
    #[serde(default)]
    pub more_than_total: bool,
    /// Whether `total` is the catalog's estimate, rounded to two significant digits,
    /// instead of a count: "about 11,000".
    #[serde(default)]
    pub total_is_estimate: bool,
}

/// Counting a search's matches stops here: past it "more than 1,000" is all a reader
/// needs, and an exact count would walk every hit of a common word on each keystroke.
pub const COUNT_LIMIT: u64 = 1_000;

impl SearchResults {
    /// How many match, as counted or estimated: on the first page only.
    pub fn count(&self) -> Option<MatchCount> {
        self.total.map(|n| match (self.total_is_estimate, self.more_than_total) {
            (true, _) => MatchCount::About(n),
            (false, true) => MatchCount::MoreThan(n),
            (false, false) => MatchCount::Exactly(n),
        })
    }

    /// The wire fields `total`, `more_than_total` and `total_is_estimate` of `count`.
    pub fn set_count(&mut self, count: Option<MatchCount>) {
        (self.total, self.more_than_total, self.total_is_estimate) = match count {
            None => (None, false, false),
            Some(MatchCount::Exactly(n)) => (Some(n), false, false),
            Some(MatchCount::MoreThan(n)) => (Some(n), true, false),
            Some(MatchCount::About(n)) => (Some(n), false, true),
        };
    }
}

/// How many assets a search matched: "12", "more than 1,000" or "about 11,000".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchCount {
    Exactly(u64),
    /// Counting stopped at [`COUNT_LIMIT`].
    MoreThan(u64),
    /// The catalog's estimate, rounded.
    About(u64),
}

impl MatchCount {
    /// From a count that stopped after [`COUNT_LIMIT`]` + 1` rows.
    pub fn capped(counted: u64) -> MatchCount {
        if counted > COUNT_LIMIT {
            MatchCount::MoreThan(COUNT_LIMIT)
        } else {
            MatchCount::Exactly(counted)
        }
    }

    /// From an estimate, rounded to two significant digits: its third is noise.
    pub fn about(estimate: u64) -> MatchCount {
        let mut unit = 1;
        while estimate / unit >= 100 {
            unit *= 10;
        }
        MatchCount::About((estimate + unit / 2) / unit * unit)
    }
}

impl std::fmt::Display for MatchCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = match *self {
            MatchCount::Exactly(n) => n,
            MatchCount::MoreThan(n) => {
                f.write_str("more than ")?;
                n
            }
            MatchCount::About(n) => {
                f.write_str("about ")?;
                n
            }
        };
        let digits = n.to_string();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{digit}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_type_is_a_document() {
        for doctype in DocType::ALL {
            for mime in doctype.mimes() {
                assert!(!mime.starts_with("image/"), "{doctype:?}: {mime}");
            }
        }
    }

    #[test]
    fn a_capped_count_says_more_than_its_limit() {
        let said = |n| MatchCount::capped(n).to_string();
        assert_eq!(said(0), "0");
        assert_eq!(said(999), "999");
        assert_eq!(said(1_000), "1,000");
        assert_eq!(said(1_001), "more than 1,000");
        assert_eq!(MatchCount::Exactly(1_234_567).to_string(), "1,234,567");
    }

    #[test]
    fn an_estimate_says_about_and_keeps_two_significant_digits() {
        let said = |n| MatchCount::about(n).to_string();
        assert_eq!(said(1_143), "about 1,100");
        assert_eq!(said(11_287), "about 11,000");
        assert_eq!(said(115_797), "about 120,000");
        assert_eq!(said(99_951), "about 100,000");
        assert_eq!(said(87), "about 87");
        assert_eq!(said(0), "about 0");
    }

    #[test]
    fn a_count_survives_the_wire_fields() {
        for count in [None, Some(MatchCount::Exactly(7)), Some(MatchCount::MoreThan(COUNT_LIMIT)), Some(MatchCount::About(11_000))] {
            let mut results = SearchResults { assets: Vec::new(), next_cursor: None, total: None, more_than_total: false, total_is_estimate: false };
            results.set_count(count);
            let json = serde_json::to_string(&results).unwrap();
            assert_eq!(serde_json::from_str::<SearchResults>(&json).unwrap().count(), count, "{json}");
        }
        let older: SearchResults = serde_json::from_str(r#"{"assets":[],"next_cursor":null,"total":5}"#).unwrap();
        assert_eq!(older.count(), Some(MatchCount::Exactly(5)), "a DAM that sends no estimate flag counted");
    }

    #[test]
    fn mime_patterns_are_families_or_types_and_refuse_the_rest() {
        let of = |raw: &str| SearchQuery { mime: Some(raw.into()), ..Default::default() }.mime_patterns();
        assert_eq!(of("image/*, Application/PDF"), Ok(vec![MimePattern::Family("image".into()), MimePattern::Exact("application/pdf".into())]));
        assert_eq!(of("image/*,*/*"), Ok(vec![]), "anything at all filters nothing");
        assert_eq!(of(","), Ok(vec![]));
        assert!(of("image").is_err());
        assert!(of("image/*/x").is_err());
        assert!(of("'/*").is_err());
        assert!(of("*/png").is_err());
        assert!(of(&vec!["text/plain"; 17].join(",")).unwrap_err().contains("At most 16"));
    }

    #[test]
    fn words_become_quoted_prefix_terms() {
        let q = SearchQuery { q: Some("Running  shoe-laces \"OR\" NEAR(".into()), ..Default::default() };
        assert_eq!(q.fts_terms().unwrap(), "\"running\"* \"shoe\"* \"laces\"* \"or\"* \"near\"*");
        assert_eq!(SearchQuery { q: Some(" !? ".into()), ..Default::default() }.fts_terms(), None);
    }

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(SearchQuery { limit: Some(0), ..Default::default() }.page_size(), 1);
        assert_eq!(SearchQuery { limit: Some(10_000), ..Default::default() }.page_size(), MAX_PAGE);
        assert_eq!(SearchQuery::default().page_size(), DEFAULT_PAGE);
    }
}
