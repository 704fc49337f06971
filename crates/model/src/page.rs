//! Pages: where they live, what they hold, and their published HTML.
//!
//! A page is an ordered list of components stored on a Sites deployment under
//! `/content/<site>/...`. Its body is shared by the editor and the server, so what
//! the editor saves is exactly what publishing renders.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rendition::RenditionName;

use crate::api::{AssetDragPayload, RenditionLink};
use crate::edit::EditState;
use crate::mime::{kind_of_mime, AssetKind};
use crate::path::DamPath;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a page path such as /content/site/en/home (lowercase letters, digits, `-` and `_`; not under /content/dam)")]
pub struct PagePathError(pub String);

/// `/content/<site>` (the site's root page) or a page below it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PagePath(String);

/// Deepest page: a site and the names below it.
pub const MAX_PAGE_PATH_NAMES: usize = 16;
/// Longest name of one page, in bytes.
pub const MAX_PAGE_NAME_BYTES: usize = 64;

fn valid_page_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_PAGE_NAME_BYTES
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl PagePath {
    pub fn parse(raw: &str) -> Result<PagePath, PagePathError> {
        let bad = || PagePathError(raw.to_owned());
        let rest = raw.strip_prefix("/content/").ok_or_else(bad)?;
        let names: Vec<&str> = rest.split('/').collect();
        if names.len() > MAX_PAGE_PATH_NAMES || names[0] == "dam" || !names.iter().all(|n| valid_page_name(n)) {
            return Err(bad());
        }
        Ok(PagePath(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn site(&self) -> &str {
        self.0["/content/".len()..].split('/').next().unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }

    /// The enclosing page; none for a site's root page.
    pub fn parent(&self) -> Option<PagePath> {
        let cut = self.0.rfind('/')?;
        (cut > "/content".len()).then(|| PagePath(self.0[..cut].to_owned()))
    }

    /// Whether this page is below `other` (not `other` itself).
    pub fn is_below(&self, other: &PagePath) -> bool {
        self.0.strip_prefix(other.as_str()).is_some_and(|rest| rest.starts_with('/'))
    }

    pub fn join(&self, name: &str) -> Result<PagePath, PagePathError> {
        PagePath::parse(&format!("{}/{name}", self.0))
    }

    /// Where the published page is served: `/content/<site>/<path>.html`.
    pub fn public_url(&self) -> String {
        format!("{}.html", self.0)
    }
}

impl fmt::Display for PagePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PagePath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PagePath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PagePath::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Longest page title, in bytes.
pub const MAX_PAGE_TITLE_BYTES: usize = 256;

/// Whether `title` can be a page's title: not blank, at most [`MAX_PAGE_TITLE_BYTES`].
pub fn check_page_title(title: &str) -> Result<(), String> {
    if title.trim().is_empty() || title.len() > MAX_PAGE_TITLE_BYTES {
        return Err(format!("The page title must have 1 to {MAX_PAGE_TITLE_BYTES} bytes."));
    }
    Ok(())
}

/// A page description's limit, in characters; search engines show about 160.
pub const MAX_DESCRIPTION: usize = 1024;

/// What a page holds; the body of a save.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PageContent {
    pub title: String,
    /// What the page is about, in a sentence or two: the published page's meta
    /// description and link previews.
    #[serde(default)]
    pub description: String,
    pub components: Vec<Component>,
}

/// A stored page, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageDto {
    pub path: PagePath,
    /// Goes up by one with each save; send it back in `If-Match: "v<version>"`.
    pub version: u64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub components: Vec<Component>,
    pub modified_by: String,
    pub modified_at: i64,
    pub published_at: Option<i64>,
}

impl PageDto {
    /// What the page holds, without its bookkeeping.
    pub fn content(&self) -> PageContent {
        PageContent { title: self.title.clone(), description: self.description.clone(), components: self.components.clone() }
    }
}

/// A page in the site tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageSummary {
    pub path: PagePath,
    pub title: String,
    pub modified_at: i64,
    pub published_at: Option<i64>,
}

/// `POST /api/pages/content/<site>/...`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePage {
    pub title: String,
}

/// `POST /api/page-move/content/<site>/...`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MovePage {
    pub to: PagePath,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "crate::wire::ComponentWire")]
pub struct Component {
    /// Unique within the page; made by the editor.
    pub id: String,
    #[serde(flatten)]
    pub body: ComponentBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ComponentBody {
    Title(TitleBody),
    Text(TextBody),
    Image(ImageBody),
    Download(DownloadBody),
}

impl ComponentBody {
    pub fn label(&self) -> &'static str {
        match self {
            ComponentBody::Title(_) => "Title",
            ComponentBody::Text(_) => "Text",
            ComponentBody::Image(_) => "Image",
            ComponentBody::Download(_) => "Download",
        }
    }

    pub fn asset(&self) -> Option<&AssetRef> {
        match self {
            ComponentBody::Image(i) => i.asset.as_ref(),
            ComponentBody::Download(d) => d.asset.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TitleBody {
    pub text: String,
    /// Heading level 1 to 3.
    pub level: u8,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Paragraph {
    pub runs: Vec<Run>,
}

/// A stretch of text with one set of marks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub text: String,
    #[serde(default)]
    pub bold: bool,
    #[serde(default)]
    pub italic: bool,
    #[serde(default)]
    pub link: Option<String>,
}

/// Where an Image component's alt text comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "mode", rename_all = "lowercase", try_from = "crate::wire::AltWire")]
pub enum Alt {
    /// dc:description, else dc:title, looked up when the page is rendered.
    #[default]
    Dam,
    Text {
        text: String,
    },
    /// The image adds nothing a reader needs: `alt=""`.
    Decorative,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImageBody {
    pub asset: Option<AssetRef>,
    #[serde(default)]
    pub alt: Alt,
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub link: Option<String>,
    /// Crop, rotation, flips, focal point and image map; dropping a new asset resets it.
    #[serde(default)]
    pub edit: EditState,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    Inline,
    #[default]
    Attachment,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DownloadBody {
    pub asset: Option<AssetRef>,
    /// Shown instead of the asset's title when set.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub disposition: Disposition,
}

/// An asset a component uses, with what the page needs to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetRef {
    /// The remote DAM's origin, or none for this deployment's own DAM.
    pub repository: Option<String>,
    pub path: DamPath,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub renditions: Vec<RenditionLink>,
    /// Where a Connected Assets copy came from and when, as the Sites server fetched it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected: Option<crate::connected::ConnectedOrigin>,
}

impl AssetRef {
    /// From a Content Finder drag; `own_origin` is the editor's own deployment, whose
    /// assets are stored as local.
    pub fn from_payload(payload: &AssetDragPayload, own_origin: &str) -> AssetRef {
        let remote = !payload.repository.is_empty() && payload.repository != own_origin;
        let a = &payload.asset;
        AssetRef {
            repository: remote.then(|| payload.repository.clone()),
            path: a.path.clone(),
            title: a.title.clone(),
            description: a.description.clone(),
            mime: a.mime.clone(),
            size: a.size,
            width: a.width,
            height: a.height,
            renditions: a.renditions.clone(),
            connected: a.connected.clone(),
        }
    }

    pub fn kind(&self) -> AssetKind {
        kind_of_mime(&self.mime)
    }

    pub fn rendition(&self, name: RenditionName) -> Option<&str> {
        self.renditions.iter().find(|r| r.name == name.as_str()).map(|r| r.href.as_str())
    }

    /// An absolute URL for the first of `names` that the asset has (relative for
    /// local assets). Built from the asset's path and a known rendition name, never
    /// from the `href` a saved page carries, so no page text becomes a URL.
    pub fn url(&self, names: &[RenditionName]) -> Option<String> {
        let name = names.iter().copied().find(|n| self.rendition(*n).is_some())?;
        let origin = match &self.repository {
            Some(origin) if is_web_origin(origin) => origin.as_str(),
            Some(_) => return None,
            None => "",
        };
        Some(format!("{origin}{}", crate::api_url(&format!("renditions/{name}"), &self.path)))
    }

    /// The alt text "from the DAM": dc:description, else dc:title.
    pub fn dam_alt(&self) -> &str {
        if self.description.trim().is_empty() {
            &self.title
        } else {
            &self.description
        }
    }
}

/// "2.4 MB": one decimal, binary units. In whole numbers, so the browser bundles
/// that show sizes carry no floating-point formatting.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut unit = 0;
    let mut scale: u128 = 1024;
    while u128::from(bytes) >= scale * 1024 && unit < UNITS.len() - 1 {
        scale *= 1024;
        unit += 1;
    }
    let tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

/// The short name of a file format for people: "PDF", "JPEG", "Word".
pub fn format_name(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => "PDF",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        "image/gif" => "GIF",
        "image/webp" => "WebP",
        "image/tiff" => "TIFF",
        "image/svg+xml" => "SVG",
        m if m.contains("word") => "Word",
        m if m.contains("sheet") || m.contains("excel") => "Excel",
        m if m.contains("presentation") || m.contains("powerpoint") => "PowerPoint",
        "text/csv" => "CSV",
        m if m.starts_with("text/") => "Text",
        _ => "File",
    }
}

/// Links may go to web pages, mail addresses, or paths of this site; never to
/// `javascript:` or `data:`.
pub fn is_safe_link(link: &str) -> bool {
    let l = link.trim().to_ascii_lowercase();
    !l.is_empty()
        && l.len() <= 2048
        && !l.chars().any(char::is_control)
        // Browsers read `\` as `/`: `/\evil.example` would leave the site.
        && !l.contains('\\')
        && (l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:") || l.starts_with('/') || l.starts_with('#'))
        && !l.starts_with("//")
}

/// A URL a page may load an image or a file from: `http(s)://` or a path of this
/// site. Whatever a page holds, the renderer puts nothing else into `src`, `srcset`
/// or a download's `href`.
pub fn is_safe_resource_url(url: &str) -> bool {
    let l = url.to_ascii_lowercase();
    !l.is_empty()
        && l.len() <= 4096
        && !l.chars().any(|c| c.is_control() || c.is_whitespace())
        && (l.starts_with("https://") || l.starts_with("http://") || (l.starts_with('/') && !l.starts_with("//") && !l.starts_with("/\\")))
}

/// `http(s)://host[:port]` and nothing more: the form a remote DAM is named by.
/// Hosts are DNS names or IP addresses, so no quote, space or scheme trick fits.
pub fn is_web_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, port)) if !addr.is_empty() && addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') => (addr, port),
            _ => return false,
        },
        None => match rest.split_once(':') {
            Some((host, _)) => (host, &rest[host.len()..]),
            None => (rest, ""),
        },
    };
    let host_ok = !host.is_empty() && host.len() <= 253 && (rest.starts_with('[') || host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    let port_ok = port.is_empty() || port.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    host_ok && port_ok && !host.starts_with('.') && !host.starts_with('-')
}

pub const MAX_COMPONENTS: usize = 500;

impl PageContent {
    /// The assets of this deployment's own DAM the page uses, each once, sorted: its
    /// local references are exactly these after every save. Remote assets are the
    /// remote DAM's references.
    pub fn local_assets(&self) -> Vec<&DamPath> {
        let mut out: Vec<&DamPath> = self.components.iter().filter_map(|c| c.body.asset()).filter(|a| a.repository.is_none()).map(|a| &a.path).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Checks sizes, heading levels, links and ids; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        check_page_title(&self.title)?;
        if self.description.chars().count() > MAX_DESCRIPTION {
            return Err(format!("The page description has at most {MAX_DESCRIPTION} characters."));
        }
        if self.components.len() > MAX_COMPONENTS {
            return Err(format!("A page holds at most {MAX_COMPONENTS} components."));
        }
        let mut ids = std::collections::HashSet::new();
        for c in &self.components {
            if c.id.is_empty() || c.id.len() > 64 || !ids.insert(c.id.as_str()) {
                return Err(format!("Component ids must be unique and 1 to 64 bytes ({:?}).", c.id));
            }
            let check_link = |l: &Option<String>| match l {
                Some(l) if !is_safe_link(l) => Err(format!("{l:?} is not a link a page may have (http, https, mailto or a path).")),
                _ => Ok(()),
            };
            let too_long = |s: &str, max: usize| s.len() > max;
            if let Some(repository) = c.body.asset().and_then(|a| a.repository.as_deref()) {
                if !is_web_origin(repository) {
                    return Err(format!("{repository:?} is not a DAM origin such as https://dam.example.com (component {:?}).", c.id));
                }
            }
            match &c.body {
                ComponentBody::Title(t) => {
                    if !(1..=3).contains(&t.level) || too_long(&t.text, 1024) {
                        return Err("A title has a level from 1 to 3 and at most 1024 bytes.".into());
                    }
                }
                ComponentBody::Text(t) => {
                    let len: usize = t.paragraphs.iter().flat_map(|p| &p.runs).map(|r| r.text.len()).sum();
                    if len > 100_000 {
                        return Err("A text component holds at most 100000 bytes.".into());
                    }
                    for r in t.paragraphs.iter().flat_map(|p| &p.runs) {
                        check_link(&r.link)?;
                    }
                }
                ComponentBody::Image(i) => {
                    check_link(&i.link)?;
                    if too_long(&i.caption, 2048) || matches!(&i.alt, Alt::Text { text } if too_long(text, 2048)) {
                        return Err("Captions and alt texts have at most 2048 bytes.".into());
                    }
                    i.edit.validate().map_err(|e| format!("Image {:?}: {e}.", c.id))?;
                    if i.asset.as_ref().is_some_and(|a| a.kind() != AssetKind::Image) {
                        return Err("An Image component takes images only.".into());
                    }
                }
                ComponentBody::Download(d) => {
                    if d.title.as_ref().is_some_and(|t| too_long(t, 1024)) || d.description.as_ref().is_some_and(|t| too_long(t, 4096)) {
                        return Err("A download's title has at most 1024 bytes, its description 4096.".into());
                    }
                }
            }
        }
        Ok(())
    }
}

/// One asset a page uses, and whether publishing can show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedAssetState {
    pub component: String,
    pub title: String,
    pub path: String,
    pub repository: Option<String>,
    pub state: AssetState,
}

/// How publishing reaches a component's asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AssetState {
    /// Published from this deployment.
    Local,
    /// A Connected Assets copy, published from this deployment.
    Fetched,
    /// Shown from the remote DAM.
    Remote,
    /// A copy whose original is still on its way: publishes its component empty.
    Fetching,
    /// A copy whose fetch failed: publishes its component empty.
    Failed,
    /// Gone from the DAM (or not readable by the publisher): publishes empty.
    Missing,
}

impl AssetState {
    /// Why a component in this state publishes empty, if it does.
    pub fn why_empty(self) -> Option<&'static str> {
        match self {
            AssetState::Fetching => Some("is still being fetched from the remote DAM"),
            AssetState::Failed => Some("was not fetched from the remote DAM (see Async Jobs)"),
            AssetState::Missing => Some("is no longer in the DAM"),
            AssetState::Local | AssetState::Fetched | AssetState::Remote => None,
        }
    }

    /// Where the published page takes the asset from, for the authors.
    pub fn describe(self) -> String {
        match self {
            AssetState::Local => "from this deployment".to_owned(),
            AssetState::Fetched => "fetched from the remote DAM".to_owned(),
            AssetState::Remote => "from the remote DAM".to_owned(),
            empty => format!("{}: will publish empty", empty.why_empty().unwrap_or_default()),
        }
    }
}

/// What publishing a page did, or (before publishing) would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishReport {
    /// The public URL, `/content/<site>/<page>.html`.
    pub url: String,
    pub version: u64,
    pub published_at: Option<i64>,
    pub assets: Vec<PublishedAssetState>,
}

/// How a published page reaches an asset's bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishedAsset {
    /// (URL, width in pixels), narrowest first.
    pub srcset: Vec<(String, u32)>,
    /// The same picture as WebP, for browsers that take it; may be empty.
    pub webp_srcset: Vec<(String, u32)>,
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// dc:description, else dc:title, as the DAM has them now.
    pub dam_alt: String,
    pub download_url: String,
}

impl PublishedAsset {
    /// Drops every URL that is not [`is_safe_resource_url`]: the renderer's own
    /// guard, whatever the page or the resolver let through.
    pub(crate) fn only_safe_urls(mut self) -> Self {
        self.srcset.retain(|(url, _)| is_safe_resource_url(url));
        self.webp_srcset.retain(|(url, _)| is_safe_resource_url(url));
        if !is_safe_resource_url(&self.src) {
            self.src.clear();
        }
        if !is_safe_resource_url(&self.download_url) {
            self.download_url.clear();
        }
        self
    }
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub use crate::published::render_html;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::published::render_hotspots;

    #[test]
    fn page_paths_live_under_a_site() {
        let p = PagePath::parse("/content/we-retail/us/en").unwrap();
        assert_eq!(p.site(), "we-retail");
        assert_eq!(p.name(), "en");
        assert_eq!(p.parent().unwrap().as_str(), "/content/we-retail/us");
        assert_eq!(PagePath::parse("/content/we-retail").unwrap().parent(), None);
        assert_eq!(p.public_url(), "/content/we-retail/us/en.html");
        for bad in ["/content/dam/x", "/content", "/content/", "/content/Site", "/content/a/../b", "/content/a//b", "/other/a", "/content/a/-x"] {
            assert!(PagePath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_have_one_decimal() {
        assert_eq!(format_size(512), "512 B");
        assert_eq!(format_size(2_516_582), "2.4 MB");
        assert_eq!(format_size(1536), "1.5 KB");
        assert_eq!(format_size(3 * 1024 * 1024 * 1024), "3.0 GB");
        assert_eq!(format_size(1024), "1.0 KB");
        assert_eq!(format_size(1_048_524), "1023.9 KB");
        assert_eq!(format_size(1_048_570), "1024.0 KB", "rounds like one decimal would, below the next unit");
        assert_eq!(format_size(5 * (1 << 40)), "5.0 TB");
        assert_eq!(format_size(u64::MAX), "16777216.0 TB");
    }

    #[test]
    fn only_web_origins_name_a_dam() {
        for good in ["https://dam.example.com", "http://127.0.0.1:4503", "http://[::1]:8080", "https://a-b.example"] {
            assert!(is_web_origin(good), "{good}");
        }
        for bad in [
            "javascript:alert(document.cookie)//",
            "https://dam.example.com/",
            "https://dam.example.com/x",
            "https://user@dam.example.com",
            "https://dam.example.com:99999",
            "https://dam.example.com:",
            "https:// dam",
            "https://\"onerror=x",
            "https://",
            "ftp://dam.example.com",
            "https://.example",
            "https://dam.example.com?x",
            "HTTPS://dam.example.com#",
        ] {
            assert!(!is_web_origin(bad), "{bad}");
        }
    }

    #[test]
    fn the_renderer_puts_no_unsafe_url_into_src_or_href() {
        let page = PageContent {
            title: "t".into(),
            description: String::new(),
            components: vec![
                Component { id: "i".into(), body: ComponentBody::Image(ImageBody { asset: Some(image_ref()), ..Default::default() }) },
                Component { id: "d".into(), body: ComponentBody::Download(DownloadBody { asset: Some(image_ref()), ..Default::default() }) },
            ],
        };
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JAVASCRIPT:x",
            "data:text/html,x",
            "//evil.example/x",
            "/\\evil.example",
            "vbscript:x",
            "java\tscript:x",
        ] {
            let resolve = |_: &str, _: &AssetRef| {
                Some(PublishedAsset {
                    srcset: vec![(bad.to_owned(), 10)],
                    webp_srcset: vec![(bad.to_owned(), 10)],
                    src: bad.into(),
                    width: None,
                    height: None,
                    dam_alt: String::new(),
                    download_url: bad.into(),
                })
            };
            let html = render_html("https://www.example.com", &PagePath::parse("/content/site/a").unwrap(), &page, &resolve);
            assert!(!html.contains("<img") && !html.contains("download="), "{bad} reached {html}");
        }
        let mut hostile = image_ref();
        hostile.renditions = serde_json::from_str(r#"[{"name":"web-1280","href":"javascript:alert(1)"}]"#).unwrap();
        assert!(
            hostile.url(&[RenditionName::Web1280, RenditionName::Original]).is_some_and(|u| u.starts_with("/api/renditions/")),
            "saved hrefs never become URLs"
        );
        hostile.repository = Some("javascript:alert(document.cookie)//".into());
        assert_eq!(hostile.url(&[RenditionName::Original]), None, "a repository that is not an origin gives no URL");
    }

    #[test]
    fn unsafe_links_are_refused() {
        assert!(is_safe_link("https://example.com/a"));
        assert!(is_safe_link("/content/site/en.html"));
        assert!(is_safe_link("mailto:a@b.example"));
        for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example", "", "vbscript:x", "/\\evil.example", "/a\\b"] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }

    fn image_ref() -> AssetRef {
        AssetRef {
            repository: None,
            path: DamPath::parse("/content/dam/a/lake.jpg").unwrap(),
            title: "Lake".into(),
            description: "A lake at dawn".into(),
            mime: "image/jpeg".into(),
            size: 2_516_582,
            width: Some(1600),
            height: Some(900),
            renditions: Vec::new(),
            connected: None,
        }
    }

    #[test]
    fn renders_escaped_accessible_html() {
        let page = PageContent {
            title: "Men <& women>".into(),
            description: String::new(),
            components: vec![
                Component { id: "1".into(), body: ComponentBody::Title(TitleBody { text: "Hello <world>".into(), level: 1 }) },
                Component {
                    id: "2".into(),
                    body: ComponentBody::Text(TextBody {
                        paragraphs: vec![Paragraph {
                            runs: vec![
                                Run { text: "bold".into(), bold: true, ..Default::default() },
                                Run { text: " and ".into(), ..Default::default() },
                                Run { text: "link".into(), link: Some("https://example.com/?a=1&b=2".into()), ..Default::default() },
                                Run { text: "bad".into(), link: Some("javascript:alert(1)".into()), ..Default::default() },
                            ],
                        }],
                    }),
                },
                Component { id: "3".into(), body: ComponentBody::Image(ImageBody { asset: Some(image_ref()), ..Default::default() }) },
                Component {
                    id: "4".into(),
                    body: ComponentBody::Download(DownloadBody { asset: Some(image_ref()), title: Some("Get it".into()), ..Default::default() }),
                },
            ],
        };
        let resolve = |_: &str, _: &AssetRef| {
            Some(PublishedAsset {
                srcset: vec![("/p/small".into(), 319), ("/p/web".into(), 1280)],
                src: "/p/web".into(),
                width: Some(1600),
                height: Some(900),
                dam_alt: "A lake at dawn".into(),
                download_url: "/p/orig".into(),
                ..Default::default()
            })
        };
        let path = PagePath::parse("/content/site/en").unwrap();
        let html = render_html("https://www.example.com", &path, &page, &resolve);
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("<title>Men &lt;&amp; women&gt;</title>"));
        assert!(html.contains("<h1>Hello &lt;world&gt;</h1>"));
        assert!(html.contains("<strong>bold</strong> and <a href=\"https://example.com/?a=1&amp;b=2\">link</a>bad</p>"));
        assert!(html.contains("srcset=\"/p/small 319w, /p/web 1280w\""));
        assert!(html.contains("width=\"1600\" height=\"900\" alt=\"A lake at dawn\" fetchpriority=\"high\""), "the first image is fetched at once");
        assert!(html.contains("<a href=\"/p/orig\" download=\"lake.jpg\">Get it</a> <span class=\"download-meta\">(JPEG, 2.4 MB)</span>"));
        let unresolved = render_html("https://www.example.com", &path, &page, &|_, _| None);
        assert!(!unresolved.contains("<img") && !unresolved.contains("class=\"download\""), "an asset that cannot be published renders empty");
    }

    #[test]
    fn a_published_page_carries_what_search_engines_and_link_previews_read() {
        let mut page = PageContent {
            title: "Summer \"sale\"".into(),
            description: String::new(),
            components: vec![
                Component { id: "1".into(), body: ComponentBody::Title(TitleBody { text: "Deals".into(), level: 2 }) },
                Component {
                    id: "2".into(),
                    body: ComponentBody::Text(TextBody { paragraphs: vec![Paragraph { runs: vec![Run { text: "word ".repeat(60), ..Default::default() }] }] }),
                },
                Component { id: "3".into(), body: ComponentBody::Image(ImageBody { asset: Some(image_ref()), ..Default::default() }) },
            ],
        };
        let resolve = |_: &str, _: &AssetRef| {
            Some(PublishedAsset {
                srcset: vec![("/published/a".into(), 640)],
                webp_srcset: vec![("/published/image/a/k/320.webp".into(), 320), ("/published/image/a/k/640.webp".into(), 640)],
                src: "/published/a".into(),
                width: Some(640),
                height: Some(360),
                dam_alt: "A lake".into(),
                download_url: "/published/o".into(),
            })
        };
        let path = PagePath::parse("/content/site/fr_ca/summer").unwrap();
        let html = render_html("https://www.example.com", &path, &page, &resolve);
        assert!(html.contains("<html lang=\"fr-ca\">"), "the language comes from the path");
        assert!(html.contains("<h1>Summer &quot;sale&quot;</h1>"), "a page without a level-1 title gets its title as its heading");
        assert!(html.contains("<link rel=\"canonical\" href=\"https://www.example.com/content/site/fr_ca/summer.html\">"));
        assert!(html.contains("<meta property=\"og:image\" content=\"https://www.example.com/published/a\">"));
        assert!(html.contains("<meta property=\"og:image:alt\" content=\"A lake\">"));
        assert!(
            html.contains("<picture><source type=\"image/webp\" srcset=\"/published/image/a/k/320.webp 320w, /published/image/a/k/640.webp 640w\" sizes=\""),
            "WebP first for browsers that take it: {html}"
        );
        assert!(html.contains("decoding=\"async\"></picture>"), "the JPEG <img> stays the fallback and carries alt and size");
        let described = html.split("<meta name=\"description\" content=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
        assert!(described.starts_with("word word") && described.ends_with("word\u{2026}") && described.chars().count() <= 160, "{described}");

        page.description = "Everything <half> price.".into();
        page.components[0] = Component { id: "1".into(), body: ComponentBody::Title(TitleBody { text: "Deals".into(), level: 1 }) };
        let html = render_html("https://www.example.com", &PagePath::parse("/content/site/shop").unwrap(), &page, &resolve);
        assert!(html.contains("<meta name=\"description\" content=\"Everything &lt;half&gt; price.\">"));
        assert!(html.contains("<meta property=\"og:description\" content=\"Everything &lt;half&gt; price.\">"));
        assert!(!html.contains("<h1>Summer"), "the author's own level-1 title is the heading");
        assert!(html.contains("<html lang=\"en\">"));
        assert_eq!(html.matches("<h1>").count(), 1);
    }

    #[test]
    fn image_map_areas_become_links_over_the_cropped_picture() {
        use crate::edit::{Area, Rect, Shape};
        let edit = EditState {
            crop: Some(Rect { x: 0.5, y: 0.0, w: 0.5, h: 1.0 }),
            areas: vec![
                Area {
                    shape: Shape::Rect(Rect { x: 0.5, y: 0.25, w: 0.25, h: 0.5 }),
                    link: "/content/site/shoes.html".into(),
                    target: None,
                    alt: "Shoes".into(),
                },
                Area {
                    shape: Shape::Rect(Rect { x: 0.0, y: 0.0, w: 0.2, h: 0.2 }),
                    link: "https://x.example".into(),
                    target: None,
                    alt: "Cropped away".into(),
                },
            ],
            ..Default::default()
        };
        let html = render_hotspots(&edit, Some((400, 400)));
        assert_eq!(
            html,
            "<a class=\"hotspot\" href=\"/content/site/shoes.html\" aria-label=\"Shoes\" style=\"left: 0.000%; top: 25.000%; width: 50.000%; height: 50.000%; \"></a>"
        );
    }

    #[test]
    fn validation_names_the_problem() {
        let mut page = PageContent { title: "T".into(), description: String::new(), components: Vec::new() };
        assert!(page.validate().is_ok());
        page.components.push(Component { id: "a".into(), body: ComponentBody::Title(TitleBody { text: "x".into(), level: 4 }) });
        assert!(page.validate().unwrap_err().contains("level"));
        page.components[0].body = ComponentBody::Title(TitleBody { text: "x".into(), level: 2 });
        page.components.push(page.components[0].clone());
        assert!(page.validate().unwrap_err().contains("unique"));
        page.components.pop();
        let mut doc = image_ref();
        doc.mime = "application/pdf".into();
        page.components.push(Component { id: "b".into(), body: ComponentBody::Image(ImageBody { asset: Some(doc), ..Default::default() }) });
        assert!(page.validate().unwrap_err().contains("images only"));
    }

    #[test]
    fn local_references_are_the_own_assets_used_each_once() {
        let remote = AssetRef { repository: Some("http://dam.example".into()), path: DamPath::parse("/content/dam/r.jpg").unwrap(), ..image_ref() };
        let image = |id: &str, asset: AssetRef| Component { id: id.into(), body: ComponentBody::Image(ImageBody { asset: Some(asset), ..Default::default() }) };
        let page = PageContent {
            title: "T".into(),
            description: String::new(),
            components: vec![
                image("a", image_ref()),
                image("b", remote),
                image("c", image_ref()),
                image("d", AssetRef { path: DamPath::parse("/content/dam/0.jpg").unwrap(), ..image_ref() }),
            ],
        };
        let uses: Vec<&str> = page.local_assets().into_iter().map(DamPath::as_str).collect();
        assert_eq!(uses, ["/content/dam/0.jpg", "/content/dam/a/lake.jpg"]);
    }

    #[test]
    fn components_serialise_with_a_type_tag() {
        let c = Component { id: "x".into(), body: ComponentBody::Title(TitleBody { text: "Hi".into(), level: 1 }) };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"id":"x","type":"title","text":"Hi","level":1}"#);
        assert_eq!(serde_json::from_str::<Component>(&json).unwrap(), c);
    }
}
