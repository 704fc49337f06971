//! A page rendered as its visitors get it: a complete HTML document with its own
//! small stylesheet, the metadata search engines and link previews read (title,
//! description, absolute canonical URL, Open Graph), and every asset at the URL
//! the publisher resolved for it.

use crate::edit::EditState;
use crate::page::{escape_html, format_name, format_size, is_safe_link, Alt, AssetRef, ComponentBody, Disposition, PageContent, PagePath, PublishedAsset};

/// A meta description longer than this is cut at a word: search engines show
/// about this much.
const DESCRIPTION_CHARS: usize = 160;

/// The reading column's width in CSS pixels, padding included; images are offered
/// to the browser at the width they get in it.
const COLUMN: u32 = 704;
const GUTTER: u32 = 40;

/// Readable measure, images scaled to the column, captions and download links; no
/// web fonts, nothing to fetch.
const STYLESHEET: &str = "\
:root{color-scheme:light;--ink:#1d2330;--muted:#4b5466;--accent:#1a5fd0;--line:#d8dce3}\
*{box-sizing:border-box}\
body{margin:0;font:1.0625rem/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:var(--ink);background:#fff}\
main{max-width:44rem;margin:0 auto;padding:2rem 1.25rem 4rem}\
h1{font-size:clamp(1.8rem,5vw,2.5rem);line-height:1.15;margin:0 0 1.2rem}\
h2{font-size:1.5rem;line-height:1.25;margin:2rem 0 .6rem}\
h3{font-size:1.2rem;line-height:1.3;margin:1.6rem 0 .5rem}\
p{margin:0 0 1rem}\
a{color:var(--accent)}\
figure{margin:1.5rem 0}\
img{max-width:100%;height:auto;display:block}\
figcaption{color:var(--muted);font-size:.9rem;margin-top:.4rem}\
.frame{position:relative;display:inline-block;max-width:100%}\
.hotspot{position:absolute;display:block}\
.hotspot:focus,.hotspot:hover{outline:3px solid #ffb000;background:rgba(255,176,0,.15)}\
.download{margin:1.2rem 0;padding:.8rem 1rem;border:1px solid var(--line);border-radius:8px}\
.download a{font-weight:600}\
.download-meta{color:var(--muted);font-size:.95rem}\
.download p{margin:.3rem 0 0}";

/// Renders a page to a complete, accessible HTML document. `origin` is the
/// deployment's public origin, for the absolute URLs link previews need. `resolve`
/// says where the asset of each component (by id) is published; one it cannot
/// resolve renders as nothing.
pub fn render_html(origin: &str, path: &PagePath, page: &PageContent, resolve: &dyn Fn(&str, &AssetRef) -> Option<PublishedAsset>) -> String {
    let body = Body::render(page, resolve);
    let canonical = format!("{origin}{}", path.public_url());
    let description = if page.description.trim().is_empty() { first_words(&body.first_paragraph) } else { first_words(&page.description) };
    let mut head = format!(
        "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n",
        title = escape_html(&page.title)
    );
    if !description.is_empty() {
        head.push_str(&format!("<meta name=\"description\" content=\"{}\">\n", escape_html(&description)));
    }
    head.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", escape_html(&canonical)));
    head.push_str(&format!("<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{}\">\n", escape_html(&page.title)));
    head.push_str(&format!("<meta property=\"og:url\" content=\"{}\">\n", escape_html(&canonical)));
    if !description.is_empty() {
        head.push_str(&format!("<meta property=\"og:description\" content=\"{}\">\n", escape_html(&description)));
    }
    if let Some((src, alt)) = &body.first_image {
        let image = if src.starts_with('/') { format!("{origin}{src}") } else { src.clone() };
        head.push_str(&format!("<meta property=\"og:image\" content=\"{}\">\n", escape_html(&image)));
        if !alt.is_empty() {
            head.push_str(&format!("<meta property=\"og:image:alt\" content=\"{}\">\n", escape_html(alt)));
        }
        head.push_str("<meta name=\"twitter:card\" content=\"summary_large_image\">\n");
    }
    head.push_str(&format!("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n<style>{STYLESHEET}</style>\n"));
    // The page's title is its heading unless the author gave it one of their own.
    let heading = if body.has_heading_one { String::new() } else { format!("<h1>{}</h1>\n", escape_html(&page.title)) };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n{head}</head>\n<body>\n<main>\n{heading}{html}</main>\n</body>\n</html>\n",
        lang = language_of(path),
        html = body.html
    )
}

/// The rendered components, and what the document's head needs from them.
struct Body {
    html: String,
    has_heading_one: bool,
    /// The first image's URL and alt text: the link preview's picture.
    first_image: Option<(String, String)>,
    /// The first paragraph's text, for a page without a description.
    first_paragraph: String,
}

impl Body {
    fn render(page: &PageContent, resolve: &dyn Fn(&str, &AssetRef) -> Option<PublishedAsset>) -> Body {
        let mut body = Body { html: String::new(), has_heading_one: false, first_image: None, first_paragraph: String::new() };
        for c in &page.components {
            match &c.body {
                ComponentBody::Title(t) => {
                    let level = t.level.clamp(1, 3);
                    body.has_heading_one |= level == 1;
                    body.html.push_str(&format!("<h{level}>{}</h{level}>\n", escape_html(&t.text)));
                }
                ComponentBody::Text(t) => {
                    for p in &t.paragraphs {
                        if body.first_paragraph.trim().is_empty() {
                            body.first_paragraph = p.runs.iter().map(|r| r.text.as_str()).collect();
                        }
                        body.html.push_str(&render_paragraph(p));
                    }
                }
                ComponentBody::Image(i) => {
                    let Some(published) = i.asset.as_ref().and_then(|a| resolve(&c.id, a)).map(PublishedAsset::only_safe_urls) else {
                        continue;
                    };
                    if published.src.is_empty() {
                        continue;
                    }
                    let alt = match &i.alt {
                        Alt::Dam => published.dam_alt.clone(),
                        Alt::Text { text } => text.clone(),
                        Alt::Decorative => String::new(),
                    };
                    // The first image is likely the largest thing in view: fetched at once, first.
                    let first = body.first_image.is_none();
                    if first {
                        body.first_image = Some((published.src.clone(), alt.clone()));
                    }
                    body.html.push_str(&render_image(i, &published, &alt, first));
                }
                ComponentBody::Download(d) => {
                    let Some(asset) = d.asset.as_ref() else {
                        continue;
                    };
                    let Some(published) = resolve(&c.id, asset).map(PublishedAsset::only_safe_urls) else {
                        continue;
                    };
                    if !published.download_url.is_empty() {
                        body.html.push_str(&render_download(d, asset, &published));
                    }
                }
            }
        }
        body
    }
}

fn render_paragraph(p: &crate::page::Paragraph) -> String {
    let mut out = String::from("<p>");
    for r in &p.runs {
        let mut html = escape_html(&r.text).replace('\n', "<br>");
        if r.italic {
            html = format!("<em>{html}</em>");
        }
        if r.bold {
            html = format!("<strong>{html}</strong>");
        }
        if let Some(link) = r.link.as_deref().filter(|l| is_safe_link(l)) {
            html = format!("<a href=\"{}\">{html}</a>", escape_html(link));
        }
        out.push_str(&html);
    }
    out.push_str("</p>\n");
    out
}

fn render_image(i: &crate::page::ImageBody, published: &PublishedAsset, alt: &str, first: bool) -> String {
    let srcset = published.srcset.iter().map(|(u, w)| format!("{} {w}w", escape_html(u))).collect::<Vec<_>>().join(", ");
    let size = match (published.width, published.height) {
        (Some(w), Some(h)) => format!(" width=\"{w}\" height=\"{h}\""),
        _ => String::new(),
    };
    let loading = if first { "fetchpriority=\"high\"" } else { "loading=\"lazy\"" };
    let sizes = format!("(max-width: {COLUMN}px) calc(100vw - {GUTTER}px), {}px", COLUMN - GUTTER);
    let mut img = format!(
        "<img src=\"{}\" srcset=\"{srcset}\" sizes=\"{sizes}\"{size} alt=\"{}\" {loading} decoding=\"async\">",
        escape_html(&published.src),
        escape_html(alt)
    );
    // WebP is about a third lighter; the <img> stays for browsers without it.
    if !published.webp_srcset.is_empty() {
        let webp = published.webp_srcset.iter().map(|(u, w)| format!("{} {w}w", escape_html(u))).collect::<Vec<_>>().join(", ");
        img = format!("<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">{img}</picture>");
    }
    if let Some(link) = i.link.as_deref().filter(|l| is_safe_link(l)) {
        img = format!("<a href=\"{}\">{img}</a>", escape_html(link));
    }
    let caption = if i.caption.trim().is_empty() { String::new() } else { format!("<figcaption>{}</figcaption>", escape_html(&i.caption)) };
    let hotspots = render_hotspots(&i.edit, published.width.zip(published.height));
    format!("<figure class=\"image\"><div class=\"frame\">{img}{hotspots}</div>{caption}</figure>\n")
}

fn render_download(d: &crate::page::DownloadBody, asset: &AssetRef, published: &PublishedAsset) -> String {
    let title = d.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| asset.title.clone());
    let description = d.description.clone().unwrap_or_else(|| asset.description.clone());
    let attr = match d.disposition {
        Disposition::Attachment => format!(" download=\"{}\"", escape_html(asset.path.name())),
        Disposition::Inline => String::new(),
    };
    format!(
        "<div class=\"download\"><a href=\"{}\"{attr}>{}</a> <span class=\"download-meta\">({}, {})</span>{}</div>\n",
        escape_html(&published.download_url),
        escape_html(&title),
        format_name(&asset.mime),
        format_size(asset.size),
        if description.trim().is_empty() { String::new() } else { format!("<p>{}</p>", escape_html(&description)) }
    )
}

/// At most [`DESCRIPTION_CHARS`] characters of `text`, cut at a word, on one line.
fn first_words(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text;
    }
    let cut: String = text.chars().take(DESCRIPTION_CHARS - 1).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}\u{2026}", at_word.trim_end_matches([',', ';', ':', '.']))
}

/// The page's language, from the first path segment below the site that reads as a
/// language tag (`/content/we-retail/fr/...`, `/content/site/pt_br`); English else.
fn language_of(path: &PagePath) -> String {
    let below_site = path.as_str().split('/').skip(3);
    for segment in below_site {
        let tag = segment.replace('_', "-");
        let mut parts = tag.split('-');
        let language = parts.next().unwrap_or_default();
        let region = parts.next();
        let is_language = language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase());
        let is_region = region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()));
        if is_language && is_region && parts.next().is_none() {
            return tag;
        }
    }
    "en".to_owned()
}

/// The image map's areas as links laid over the image, in percentages of the shown
/// (cropped) picture, so they scale with it. Parts outside the crop are cut off.
pub(crate) fn render_hotspots(edit: &EditState, shown: Option<(u32, u32)>) -> String {
    use crate::edit::{Point, Shape};
    let c = edit.crop.unwrap_or(crate::edit::Rect::FULL);
    let local = |p: Point| ((p.x - c.x) / c.w, (p.y - c.y) / c.h);
    let mut out = String::new();
    for area in edit.areas.iter().filter(|a| is_safe_link(&a.link)) {
        let (bbox, clip) = match &area.shape {
            Shape::Rect(r) => {
                let (x0, y0) = local(Point { x: r.x, y: r.y });
                let (x1, y1) = local(Point { x: r.x + r.w, y: r.y + r.h });
                ((x0, y0, x1, y1), String::new())
            }
            Shape::Circle { center, radius } => {
                // The radius is a fraction of the oriented picture's shorter side.
                let Some((w, h)) = shown else { continue };
                let (ow, oh) = (f64::from(w) / c.w, f64::from(h) / c.h);
                let r = radius * ow.min(oh);
                let (cx, cy) = local(*center);
                let (rx, ry) = (r / ow / c.w, r / oh / c.h);
                ((cx - rx, cy - ry, cx + rx, cy + ry), "clip-path: ellipse(50% 50%);".to_owned())
            }
            Shape::Polygon { points } => {
                let pts: Vec<(f64, f64)> = points.iter().map(|p| local(*p)).collect();
                let (x0, y0) = pts.iter().fold((f64::MAX, f64::MAX), |(a, b), (x, y)| (a.min(*x), b.min(*y)));
                let (x1, y1) = pts.iter().fold((f64::MIN, f64::MIN), |(a, b), (x, y)| (a.max(*x), b.max(*y)));
                let (bw, bh) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
                let poly = pts.iter().map(|(x, y)| format!("{:.2}% {:.2}%", (x - x0) / bw * 100.0, (y - y0) / bh * 100.0)).collect::<Vec<_>>().join(", ");
                ((x0, y0, x1, y1), format!("clip-path: polygon({poly});"))
            }
        };
        let (x0, y0, x1, y1) = (bbox.0.max(0.0), bbox.1.max(0.0), bbox.2.min(1.0), bbox.3.min(1.0));
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        let target = area.target.as_deref().filter(|t| *t == "_blank").map(|_| " target=\"_blank\" rel=\"noopener\"").unwrap_or("");
        out.push_str(&format!(
            "<a class=\"hotspot\" href=\"{}\"{target} aria-label=\"{}\" style=\"left: {:.3}%; top: {:.3}%; width: {:.3}%; height: {:.3}%; {clip}\"></a>",
            escape_html(&area.link),
            escape_html(&area.alt),
            x0 * 100.0,
            y0 * 100.0,
            (x1 - x0) * 100.0,
            (y1 - y0) * 100.0
        ));
    }
    out
}
