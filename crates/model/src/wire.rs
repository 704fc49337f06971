//! How the tagged types are read.
//!
//! Serde reads an internally tagged enum (`{"type": "image", ...}`) by first
//! buffering the whole object in its private `Content` tree, because the tag may
//! come last; a flattened one is buffered twice. That machinery is generic code
//! instantiated for every type read that way, and in the browser's bundles it was the
//! largest part of the serde family. So each tagged type here is read as one flat
//! record holding every field any of its variants has, then checked: the tag says
//! which fields belong, and a field of another variant is refused by name, as
//! `deny_unknown_fields` refuses one nobody has. Writing is serde's derive, which
//! needs no buffering. A JSON `null` reads as an absent field.

use serde::Deserialize;

use crate::api::ProcessingDto;
use crate::edit::{Aspect, EditState, Point, Rect, Shape};
use crate::msm::{InheritedField, LiveCopyDto, LiveCopyResult, RelationshipStatus, RolloutConfig, RolloutStamp};
use crate::page::{Alt, AssetRef, Component, ComponentBody, Disposition, DownloadBody, ImageBody, Paragraph, TextBody, TitleBody};
use crate::path::DamPath;

/// Why a record is not the variant its tag names.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WireError {
    #[error("missing field `{field}` for {of}")]
    Missing { field: &'static str, of: &'static str },
    #[error("unknown field `{field}` for {of}")]
    Foreign { field: &'static str, of: &'static str },
}

/// Which of a record's optional fields it holds, each by its wire name (the field's
/// own), in declaration order.
macro_rules! present {
    ($wire:ident: $($field:ident),+) => {
        [$((stringify!($field), $wire.$field.is_some())),+]
    };
}

/// Refuses the first field present that `of` does not have.
fn only(present: &[(&'static str, bool)], allowed: &[&str], of: &'static str) -> Result<(), WireError> {
    match present.iter().find(|(field, is)| *is && !allowed.contains(field)) {
        Some((field, _)) => Err(WireError::Foreign { field, of }),
        None => Ok(()),
    }
}

fn required<T>(value: Option<T>, field: &'static str, of: &'static str) -> Result<T, WireError> {
    value.ok_or(WireError::Missing { field, of })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComponentWire {
    id: String,
    #[serde(rename = "type")]
    kind: ComponentKind,
    text: Option<String>,
    level: Option<u8>,
    paragraphs: Option<Vec<Paragraph>>,
    asset: Option<AssetRef>,
    alt: Option<Alt>,
    caption: Option<String>,
    link: Option<String>,
    edit: Option<EditState>,
    title: Option<String>,
    description: Option<String>,
    disposition: Option<Disposition>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ComponentKind {
    Title,
    Text,
    Image,
    Download,
}

impl TryFrom<ComponentWire> for Component {
    type Error = WireError;

    fn try_from(wire: ComponentWire) -> Result<Self, WireError> {
        let present = present!(wire: text, level, paragraphs, asset, alt, caption, link, edit, title, description, disposition);
        let body = match wire.kind {
            ComponentKind::Title => {
                const OF: &str = "a title component";
                only(&present, &["text", "level"], OF)?;
                ComponentBody::Title(TitleBody { text: required(wire.text, "text", OF)?, level: required(wire.level, "level", OF)? })
            }
            ComponentKind::Text => {
                const OF: &str = "a text component";
                only(&present, &["paragraphs"], OF)?;
                ComponentBody::Text(TextBody { paragraphs: required(wire.paragraphs, "paragraphs", OF)? })
            }
            ComponentKind::Image => {
                only(&present, &["asset", "alt", "caption", "link", "edit"], "an image component")?;
                ComponentBody::Image(ImageBody {
                    asset: wire.asset,
                    alt: wire.alt.unwrap_or_default(),
                    caption: wire.caption.unwrap_or_default(),
                    link: wire.link,
                    edit: wire.edit.unwrap_or_default(),
                })
            }
            ComponentKind::Download => {
                only(&present, &["asset", "title", "description", "disposition"], "a download component")?;
                ComponentBody::Download(DownloadBody {
                    asset: wire.asset,
                    title: wire.title,
                    description: wire.description,
                    disposition: wire.disposition.unwrap_or_default(),
                })
            }
        };
        Ok(Component { id: wire.id, body })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AltWire {
    mode: AltMode,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum AltMode {
    Dam,
    Text,
    Decorative,
}

impl TryFrom<AltWire> for Alt {
    type Error = WireError;

    fn try_from(wire: AltWire) -> Result<Self, WireError> {
        let present = present!(wire: text);
        match wire.mode {
            AltMode::Dam => only(&present, &[], "alt text from the DAM").map(|()| Alt::Dam),
            AltMode::Text => Ok(Alt::Text { text: required(wire.text, "text", "alt text of its own")? }),
            AltMode::Decorative => only(&present, &[], "a decorative image").map(|()| Alt::Decorative),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AspectWire {
    kind: AspectKind,
    w: Option<u32>,
    h: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum AspectKind {
    Free,
    Original,
    Ratio,
}

impl TryFrom<AspectWire> for Aspect {
    type Error = WireError;

    fn try_from(wire: AspectWire) -> Result<Self, WireError> {
        let present = present!(wire: w, h);
        match wire.kind {
            AspectKind::Free => only(&present, &[], "a free crop").map(|()| Aspect::Free),
            AspectKind::Original => only(&present, &[], "the picture's own aspect").map(|()| Aspect::Original),
            AspectKind::Ratio => {
                const OF: &str = "a ratio";
                Ok(Aspect::Ratio { w: required(wire.w, "w", OF)?, h: required(wire.h, "h", OF)? })
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShapeWire {
    shape: ShapeKind,
    x: Option<f64>,
    y: Option<f64>,
    w: Option<f64>,
    h: Option<f64>,
    center: Option<Point>,
    radius: Option<f64>,
    points: Option<Vec<Point>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ShapeKind {
    Rect,
    Circle,
    Polygon,
}

impl TryFrom<ShapeWire> for Shape {
    type Error = WireError;

    fn try_from(wire: ShapeWire) -> Result<Self, WireError> {
        let present = present!(wire: x, y, w, h, center, radius, points);
        match wire.shape {
            ShapeKind::Rect => {
                const OF: &str = "a rectangle";
                only(&present, &["x", "y", "w", "h"], OF)?;
                let [x, y, w, h] = [(wire.x, "x"), (wire.y, "y"), (wire.w, "w"), (wire.h, "h")].map(|(v, field)| required(v, field, OF));
                Ok(Shape::Rect(Rect { x: x?, y: y?, w: w?, h: h? }))
            }
            ShapeKind::Circle => {
                const OF: &str = "a circle";
                only(&present, &["center", "radius"], OF)?;
                Ok(Shape::Circle { center: required(wire.center, "center", OF)?, radius: required(wire.radius, "radius", OF)? })
            }
            ShapeKind::Polygon => {
                only(&present, &["points"], "a polygon")?;
                Ok(Shape::Polygon { points: required(wire.points, "points", "a polygon")? })
            }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct ProcessingWire {
    state: ProcessingState,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ProcessingState {
    Pending,
    Done,
    Failed,
}

impl TryFrom<ProcessingWire> for ProcessingDto {
    type Error = WireError;

    fn try_from(wire: ProcessingWire) -> Result<Self, WireError> {
        match wire.state {
            ProcessingState::Pending => Ok(ProcessingDto::Pending),
            ProcessingState::Done => Ok(ProcessingDto::Done),
            ProcessingState::Failed => Ok(ProcessingDto::Failed { error: required(wire.error, "error", "a failed state")? }),
        }
    }
}

/// [`LiveCopyResult`] flattens its live copy into the object beside `job`.
#[derive(Deserialize)]
pub(crate) struct LiveCopyResultWire {
    path: DamPath,
    source: DamPath,
    config: RolloutConfig,
    suspended: bool,
    cancelled: Vec<InheritedField>,
    last_rollout: Option<RolloutStamp>,
    status: RelationshipStatus,
    job: Option<i64>,
}

impl From<LiveCopyResultWire> for LiveCopyResult {
    fn from(wire: LiveCopyResultWire) -> Self {
        let LiveCopyResultWire { path, source, config, suspended, cancelled, last_rollout, status, job } = wire;
        LiveCopyResult { live_copy: LiveCopyDto { path, source, config, suspended, cancelled, last_rollout, status }, job }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Area, Rotation};
    use crate::page::Run;
    use crate::DamPath;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    fn round_trip<T: serde::Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value, "{json}");
    }

    fn refusal<T: DeserializeOwned + Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    fn asset() -> AssetRef {
        AssetRef {
            repository: Some("http://dam.example".into()),
            path: DamPath::parse("/content/dam/a/lake.jpg").unwrap(),
            title: "Lake".into(),
            description: String::new(),
            mime: "image/jpeg".into(),
            size: 1,
            width: Some(4),
            height: Some(3),
            renditions: Vec::new(),
            connected: None,
        }
    }

    fn component(body: ComponentBody) -> Component {
        Component { id: "c1".into(), body }
    }

    #[test]
    fn every_variant_reads_back_as_written() {
        round_trip(component(ComponentBody::Title(TitleBody { text: "Hi".into(), level: 2 })));
        let run = Run { text: "x".into(), bold: true, italic: false, link: Some("https://example.com".into()) };
        round_trip(component(ComponentBody::Text(TextBody { paragraphs: vec![Paragraph { runs: vec![run] }] })));
        let areas = [
            Shape::Rect(Rect { x: 0.1, y: 0.2, w: 0.3, h: 0.4 }),
            Shape::Circle { center: Point { x: 0.5, y: 0.5 }, radius: 0.25 },
            Shape::Polygon { points: vec![Point { x: 0.0, y: 0.0 }, Point { x: 1.0, y: 0.0 }, Point { x: 0.0, y: 1.0 }] },
        ]
        .map(|shape| Area { shape, link: "/content/site/en.html".into(), target: None, alt: "Map".into() });
        for (alt, aspect) in
            [(Alt::Dam, Aspect::Free), (Alt::Text { text: "A lake".into() }, Aspect::Ratio { w: 16, h: 9 }), (Alt::Decorative, Aspect::Original)]
        {
            let edit =
                EditState { rotation: Rotation::R90, crop: Some(Rect { x: 0.0, y: 0.0, w: 0.5, h: 0.5 }), aspect, areas: areas.to_vec(), ..Default::default() };
            let image = ImageBody { asset: Some(asset()), alt, caption: "At dawn".into(), link: Some("https://example.com".into()), edit };
            round_trip(component(ComponentBody::Image(image)));
        }
        round_trip(component(ComponentBody::Image(ImageBody::default())));
        let download = DownloadBody { asset: Some(asset()), title: Some("T".into()), description: Some("D".into()), disposition: Disposition::Inline };
        round_trip(component(ComponentBody::Download(download)));
        round_trip(component(ComponentBody::Download(DownloadBody::default())));
        round_trip(ProcessingDto::Pending);
        round_trip(ProcessingDto::Done);
        round_trip(ProcessingDto::Failed { error: "not a picture".into() });
    }

    #[test]
    fn a_live_copy_result_is_one_flat_object_read_back_as_written() {
        let live_copy = LiveCopyDto {
            path: DamPath::parse("/content/dam/copy/lake.jpg").unwrap(),
            source: DamPath::parse("/content/dam/a/lake.jpg").unwrap(),
            config: RolloutConfig::Standard,
            suspended: false,
            cancelled: vec![InheritedField::Title],
            last_rollout: Some(RolloutStamp { at: 1_700_000_000, by: "ksaner".into() }),
            status: RelationshipStatus::InSync,
        };
        for job in [Some(7), None] {
            let result = LiveCopyResult { live_copy: live_copy.clone(), job };
            let json = serde_json::to_value(&result).unwrap();
            assert_eq!(json["path"], "/content/dam/copy/lake.jpg");
            assert_eq!(json["job"], serde_json::json!(job));
            round_trip(result);
        }
        let missing =
            refusal::<LiveCopyResult>(r#"{"path":"/content/dam/c","config":"standard","suspended":false,"cancelled":[],"status":"in_sync","job":null}"#);
        assert!(missing.contains("missing field `source`"), "{missing}");
    }

    #[test]
    fn the_tag_may_come_anywhere_and_optional_fields_may_be_left_out() {
        let c: Component = serde_json::from_str(r#"{"level":1,"text":"Hi","id":"x","type":"title"}"#).unwrap();
        assert_eq!(c.body, ComponentBody::Title(TitleBody { text: "Hi".into(), level: 1 }));
        let c: Component = serde_json::from_str(r#"{"id":"x","type":"image","asset":null}"#).unwrap();
        assert_eq!(c.body, ComponentBody::Image(ImageBody::default()));
        let shape: Shape = serde_json::from_str(r#"{"radius":0.5,"center":{"x":0.5,"y":0.5},"shape":"circle"}"#).unwrap();
        assert_eq!(shape, Shape::Circle { center: Point { x: 0.5, y: 0.5 }, radius: 0.5 });
    }

    #[test]
    fn a_field_of_another_variant_is_refused_by_name() {
        assert!(refusal::<Component>(r#"{"id":"x","type":"image","level":1}"#).contains("unknown field `level` for an image component"));
        assert!(refusal::<Component>(r#"{"id":"x","type":"title","text":"T","level":1,"disposition":"inline"}"#).contains("`disposition` for a title"));
        assert!(refusal::<Component>(r#"{"id":"x","type":"download","caption":"c"}"#).contains("`caption` for a download"));
        assert!(refusal::<Shape>(r#"{"shape":"rect","x":0,"y":0,"w":1,"h":1,"radius":1}"#).contains("`radius` for a rectangle"));
        assert!(refusal::<Aspect>(r#"{"kind":"free","w":1}"#).contains("`w` for a free crop"));
        assert!(refusal::<Alt>(r#"{"mode":"decorative","text":"x"}"#).contains("`text` for a decorative image"));
    }

    #[test]
    fn a_missing_field_an_unknown_field_and_an_unknown_tag_are_refused() {
        assert!(refusal::<Component>(r#"{"id":"x","type":"title","text":"T"}"#).contains("missing field `level` for a title component"));
        assert!(refusal::<Component>(r#"{"type":"text","paragraphs":[]}"#).contains("missing field `id`"));
        assert!(refusal::<Component>(r#"{"id":"x","type":"text","paragraphs":[],"colour":"red"}"#).contains("unknown field `colour`"));
        assert!(refusal::<Component>(r#"{"id":"x","type":"video"}"#).contains("unknown variant `video`"));
        assert!(refusal::<Component>(r#"{"id":"x","text":"T","level":1}"#).contains("missing field `type`"));
        assert!(refusal::<Shape>(r#"{"shape":"rect","x":0,"y":0,"w":1}"#).contains("missing field `h` for a rectangle"));
        assert!(refusal::<Aspect>(r#"{"kind":"ratio","w":4}"#).contains("missing field `h` for a ratio"));
        assert!(refusal::<Alt>(r#"{"mode":"text"}"#).contains("missing field `text`"));
        assert!(refusal::<ProcessingDto>(r#"{"state":"failed"}"#).contains("missing field `error` for a failed state"));
    }
}
