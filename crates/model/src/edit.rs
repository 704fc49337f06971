//! Non-destructive edits of an image: the edit state and its geometry.
//!
//! Order of operations, the same in the editor's preview and the server's renderer:
//! 1. **orient**: turn the upright original clockwise by `rotation`, then flip the
//!    turned picture horizontally and/or vertically;
//! 2. **crop**: keep `crop`, a rectangle in fractions (0..1) of the oriented picture;
//! 3. **resize** to the requested width, never larger than the crop.
//!
//! Rotating or flipping an edited image transforms its crop, focal point and
//! image-map areas with it, so they keep covering the same part of the picture.

use serde::{Deserialize, Serialize};

use crate::page::is_safe_link;

/// The edit-state format this build writes and understands.
pub const EDIT_FORMAT: u32 = 1;

/// A rectangle in fractions of the oriented picture.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub const FULL: Rect = Rect { x: 0.0, y: 0.0, w: 1.0, h: 1.0 };

    fn is_valid(&self) -> bool {
        let finite = [self.x, self.y, self.w, self.h].iter().all(|v| v.is_finite());
        finite && self.x >= 0.0 && self.y >= 0.0 && self.w > 0.0 && self.h > 0.0 && self.x + self.w <= 1.0 + 1e-9 && self.y + self.h <= 1.0 + 1e-9
    }

    /// The same rectangle after the picture turns a quarter clockwise.
    fn turned(self) -> Rect {
        Rect { x: 1.0 - self.y - self.h, y: self.x, w: self.h, h: self.w }
    }

    fn flipped_horizontally(self) -> Rect {
        Rect { x: 1.0 - self.x - self.w, ..self }
    }

    fn flipped_vertically(self) -> Rect {
        Rect { y: 1.0 - self.y - self.h, ..self }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    fn is_valid(&self) -> bool {
        self.x.is_finite() && self.y.is_finite() && (0.0..=1.0).contains(&self.x) && (0.0..=1.0).contains(&self.y)
    }

    fn turned(self) -> Point {
        Point { x: 1.0 - self.y, y: self.x }
    }

    fn flipped_horizontally(self) -> Point {
        Point { x: 1.0 - self.x, y: self.y }
    }

    fn flipped_vertically(self) -> Point {
        Point { x: self.x, y: 1.0 - self.y }
    }
}

/// The crop's shape: free, the picture's own, or a ratio (width : height).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "crate::wire::AspectWire")]
pub enum Aspect {
    #[default]
    Free,
    Original,
    Ratio {
        w: u32,
        h: u32,
    },
}

impl Aspect {
    /// The presets every Image component offers; a component policy may add more.
    pub const PRESETS: [(&'static str, Aspect); 6] = [
        ("Free", Aspect::Free),
        ("Original", Aspect::Original),
        ("1:1", Aspect::Ratio { w: 1, h: 1 }),
        ("4:3", Aspect::Ratio { w: 4, h: 3 }),
        ("3:2", Aspect::Ratio { w: 3, h: 2 }),
        ("16:9", Aspect::Ratio { w: 16, h: 9 }),
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "shape", rename_all = "lowercase", try_from = "crate::wire::ShapeWire")]
pub enum Shape {
    Rect(Rect),
    /// Radius in fractions of the oriented picture's shorter side, which turning
    /// does not change.
    Circle {
        center: Point,
        radius: f64,
    },
    Polygon {
        points: Vec<Point>,
    },
}

/// A clickable region of the image, in fractions of the oriented picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub shape: Shape,
    pub link: String,
    #[serde(default)]
    pub target: Option<String>,
    pub alt: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Rotation {
    #[default]
    #[serde(rename = "0")]
    R0,
    #[serde(rename = "90")]
    R90,
    #[serde(rename = "180")]
    R180,
    #[serde(rename = "270")]
    R270,
}

impl Rotation {
    pub fn degrees(self) -> u32 {
        match self {
            Rotation::R0 => 0,
            Rotation::R90 => 90,
            Rotation::R180 => 180,
            Rotation::R270 => 270,
        }
    }

    fn next(self) -> Rotation {
        match self {
            Rotation::R0 => Rotation::R90,
            Rotation::R90 => Rotation::R180,
            Rotation::R180 => Rotation::R270,
            Rotation::R270 => Rotation::R0,
        }
    }

    pub fn is_sideways(self) -> bool {
        matches!(self, Rotation::R90 | Rotation::R270)
    }
}

/// Everything an author did to an image on one component. The default is no edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EditState {
    /// The format version; a newer one than [`EDIT_FORMAT`] is refused.
    #[serde(default = "format_version")]
    pub version: u32,
    #[serde(default)]
    pub rotation: Rotation,
    #[serde(default)]
    pub flip_horizontal: bool,
    #[serde(default)]
    pub flip_vertical: bool,
    #[serde(default)]
    pub crop: Option<Rect>,
    #[serde(default)]
    pub aspect: Aspect,
    #[serde(default)]
    pub focal: Option<Point>,
    #[serde(default)]
    pub areas: Vec<Area>,
}

fn format_version() -> u32 {
    EDIT_FORMAT
}

impl Default for EditState {
    fn default() -> Self {
        EditState {
            version: EDIT_FORMAT,
            rotation: Rotation::R0,
            flip_horizontal: false,
            flip_vertical: false,
            crop: None,
            aspect: Aspect::Free,
            focal: None,
            areas: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("this edit was made by a newer Tessera (format {0}); this one understands format {EDIT_FORMAT}")]
    NewerFormat(u32),
    #[error("the crop must be a rectangle of non-zero size inside the picture (fractions from 0 to 1)")]
    BadCrop,
    #[error("the focal point must lie inside the picture (fractions from 0 to 1)")]
    BadFocal,
    #[error("image-map area {0} is outside the picture, too large, or has an unsafe link")]
    BadArea(usize),
    #[error("an aspect ratio needs two sizes from 1 to 100")]
    BadAspect,
}

impl EditState {
    /// Whether this state changes nothing: the original rendition is shown as is.
    pub fn is_identity(&self) -> bool {
        self.rotation == Rotation::R0 && !self.flip_horizontal && !self.flip_vertical && self.crop.is_none_or(|c| c == Rect::FULL)
    }

    pub fn validate(&self) -> Result<(), EditError> {
        if self.version > EDIT_FORMAT {
            return Err(EditError::NewerFormat(self.version));
        }
        if self.crop.is_some_and(|c| !c.is_valid()) {
            return Err(EditError::BadCrop);
        }
        if self.focal.is_some_and(|p| !p.is_valid()) {
            return Err(EditError::BadFocal);
        }
        if let Aspect::Ratio { w, h } = self.aspect {
            if !(1..=100).contains(&w) || !(1..=100).contains(&h) {
                return Err(EditError::BadAspect);
            }
        }
        if self.areas.len() > 100 {
            return Err(EditError::BadArea(100));
        }
        for (i, a) in self.areas.iter().enumerate() {
            let shape_ok = match &a.shape {
                Shape::Rect(r) => r.is_valid(),
                Shape::Circle { center, radius } => center.is_valid() && radius.is_finite() && *radius > 0.0 && *radius <= 1.0,
                Shape::Polygon { points } => (3..=64).contains(&points.len()) && points.iter().all(Point::is_valid),
            };
            if !shape_ok || !is_safe_link(&a.link) || a.alt.len() > 1024 {
                return Err(EditError::BadArea(i));
            }
        }
        Ok(())
    }

    /// The oriented picture's size for an upright original of `width` × `height`.
    pub fn oriented_size(&self, width: u32, height: u32) -> (u32, u32) {
        if self.rotation.is_sideways() {
            (height, width)
        } else {
            (width, height)
        }
    }

    /// The crop in pixels of the oriented picture: (x, y, width, height), at least
    /// one pixel each way and never outside the picture.
    pub fn crop_pixels(&self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let (ow, oh) = self.oriented_size(width, height);
        let c = self.crop.unwrap_or(Rect::FULL);
        let x = ((c.x * ow as f64).round() as u32).min(ow.saturating_sub(1));
        let y = ((c.y * oh as f64).round() as u32).min(oh.saturating_sub(1));
        let w = (((c.x + c.w) * ow as f64).round() as u32).clamp(x + 1, ow) - x;
        let h = (((c.y + c.h) * oh as f64).round() as u32).clamp(y + 1, oh) - y;
        (x, y, w, h)
    }

    /// Turns the picture a quarter clockwise; what was chosen stays chosen.
    pub fn rotate_clockwise(&mut self) {
        self.rotation = self.rotation.next();
        // Turning a flipped picture equals flipping the other way after turning.
        std::mem::swap(&mut self.flip_horizontal, &mut self.flip_vertical);
        self.map(Rect::turned, Point::turned);
        if let Aspect::Ratio { w, h } = self.aspect {
            self.aspect = Aspect::Ratio { w: h, h: w };
        }
    }

    pub fn rotate_counterclockwise(&mut self) {
        for _ in 0..3 {
            self.rotate_clockwise();
        }
    }

    pub fn flip_horizontally(&mut self) {
        self.flip_horizontal = !self.flip_horizontal;
        self.map(Rect::flipped_horizontally, Point::flipped_horizontally);
    }

    pub fn flip_vertically(&mut self) {
        self.flip_vertical = !self.flip_vertical;
        self.map(Rect::flipped_vertically, Point::flipped_vertically);
    }

    fn map(&mut self, rect: fn(Rect) -> Rect, point: fn(Point) -> Point) {
        self.crop = self.crop.map(rect);
        self.focal = self.focal.map(point);
        for area in &mut self.areas {
            area.shape = match std::mem::replace(&mut area.shape, Shape::Polygon { points: Vec::new() }) {
                Shape::Rect(r) => Shape::Rect(rect(r)),
                Shape::Circle { center, radius } => Shape::Circle { center: point(center), radius },
                Shape::Polygon { points } => Shape::Polygon { points: points.into_iter().map(point).collect() },
            };
        }
    }

    /// Where a point of the oriented picture lies in the upright original, in
    /// fractions: the inverse of orienting.
    pub fn to_original(&self, p: Point) -> Point {
        let mut p = p;
        if self.flip_horizontal {
            p = p.flipped_horizontally();
        }
        if self.flip_vertical {
            p = p.flipped_vertically();
        }
        // Undo the clockwise turns: three more quarter turns make a full circle.
        let turns = (4 - self.rotation.degrees() / 90) % 4;
        for _ in 0..turns {
            p = p.turned();
        }
        p
    }

    /// The crop's corners in the upright original, as a normalised rectangle.
    pub fn crop_in_original(&self) -> Rect {
        let c = self.crop.unwrap_or(Rect::FULL);
        let a = self.to_original(Point { x: c.x, y: c.y });
        let b = self.to_original(Point { x: c.x + c.w, y: c.y + c.h });
        Rect { x: a.x.min(b.x), y: a.y.min(b.y), w: (a.x - b.x).abs(), h: (a.y - b.y).abs() }
    }

    /// A short, stable key of this state, for cache names and URLs.
    pub fn cache_key(&self) -> String {
        let json = serde_json_canonical(self);
        // FNV-1a, 64 bits: enough to tell edit states of one asset apart.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// The state written with fixed precision, so equal states give equal keys.
fn serde_json_canonical(e: &EditState) -> String {
    let f = |v: f64| format!("{v:.6}");
    let rect = |r: &Rect| format!("{},{},{},{}", f(r.x), f(r.y), f(r.w), f(r.h));
    format!(
        "{}|{}|{}|{}|{}",
        e.version,
        e.rotation.degrees(),
        u8::from(e.flip_horizontal) * 2 + u8::from(e.flip_vertical),
        e.crop.as_ref().map(rect).unwrap_or_default(),
        e.focal.map(|p| format!("{},{}", f(p.x), f(p.y))).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: Rect, b: Rect) -> bool {
        [(a.x, b.x), (a.y, b.y), (a.w, b.w), (a.h, b.h)].iter().all(|(p, q)| (p - q).abs() < 1e-9)
    }

    prop_compose! {
        fn rect()(x in 0.0f64..0.9, y in 0.0f64..0.9)(x in Just(x), y in Just(y), w in 0.01f64..(1.0 - x), h in 0.01f64..(1.0 - y)) -> Rect {
            Rect { x, y, w, h }
        }
    }

    prop_compose! {
        fn state()(rot in 0..4u8, fh: bool, fv: bool, crop in proptest::option::of(rect()), fx in 0.0f64..=1.0, fy in 0.0f64..=1.0) -> EditState {
            let mut s = EditState { crop, focal: Some(Point { x: fx, y: fy }), flip_horizontal: fh, flip_vertical: fv, ..Default::default() };
            for _ in 0..rot { s.rotation = s.rotation.next(); }
            s
        }
    }

    proptest! {
        #[test]
        fn survives_a_serialization_round_trip(s in state()) {
            let json = serde_json::to_string(&s).unwrap();
            prop_assert_eq!(serde_json::from_str::<EditState>(&json).unwrap(), s);
        }

        #[test]
        fn the_crop_stays_inside_under_every_rotation_and_flip(s in state(), ops in proptest::collection::vec(0..4u8, 0..12), w in 1u32..5000, h in 1u32..5000) {
            let mut s = s;
            for op in ops {
                match op { 0 => s.rotate_clockwise(), 1 => s.rotate_counterclockwise(), 2 => s.flip_horizontally(), _ => s.flip_vertically() }
                prop_assert!(s.validate().is_ok());
                let (ow, oh) = s.oriented_size(w, h);
                let (x, y, cw, ch) = s.crop_pixels(w, h);
                prop_assert!(cw >= 1 && ch >= 1 && x + cw <= ow && y + ch <= oh);
            }
        }

        #[test]
        fn four_quarter_turns_are_the_identity(s in state()) {
            let mut t = s.clone();
            for _ in 0..4 { t.rotate_clockwise(); }
            prop_assert_eq!(t.rotation, s.rotation);
            prop_assert_eq!((t.flip_horizontal, t.flip_vertical), (s.flip_horizontal, s.flip_vertical));
            match (t.crop, s.crop) {
                (Some(a), Some(b)) => prop_assert!(close(a, b)),
                (a, b) => prop_assert_eq!(a, b),
            }
        }

        #[test]
        fn turning_or_flipping_after_cropping_keeps_the_same_part_of_the_picture(s in state(), op in 0..4u8) {
            let before = s.crop_in_original();
            let mut t = s.clone();
            match op { 0 => t.rotate_clockwise(), 1 => t.rotate_counterclockwise(), 2 => t.flip_horizontally(), _ => t.flip_vertically() }
            prop_assert!(close(t.crop_in_original(), before), "{:?} became {:?}", before, t.crop_in_original());
        }
    }

    #[test]
    fn bad_states_are_refused() {
        let zero = EditState { crop: Some(Rect { x: 0.2, y: 0.2, w: 0.0, h: 0.5 }), ..Default::default() };
        assert_eq!(zero.validate(), Err(EditError::BadCrop));
        let outside = EditState { crop: Some(Rect { x: 0.6, y: 0.0, w: 0.6, h: 0.5 }), ..Default::default() };
        assert_eq!(outside.validate(), Err(EditError::BadCrop));
        let nan = EditState { focal: Some(Point { x: f64::NAN, y: 0.5 }), ..Default::default() };
        assert_eq!(nan.validate(), Err(EditError::BadFocal));
        let newer = EditState { version: EDIT_FORMAT + 1, ..Default::default() };
        assert_eq!(newer.validate(), Err(EditError::NewerFormat(EDIT_FORMAT + 1)));
        assert!(serde_json::from_str::<EditState>(r#"{"rotation":"45"}"#).is_err());
        let area = Area { shape: Shape::Circle { center: Point { x: 0.5, y: 0.5 }, radius: 0.1 }, link: "javascript:x".into(), target: None, alt: "x".into() };
        assert_eq!(EditState { areas: vec![area], ..Default::default() }.validate(), Err(EditError::BadArea(0)));
    }

    #[test]
    fn crop_pixels_follow_the_orientation() {
        let mut s = EditState { crop: Some(Rect { x: 0.5, y: 0.0, w: 0.5, h: 0.25 }), ..Default::default() };
        assert_eq!(s.crop_pixels(400, 200), (200, 0, 200, 50));
        s.rotate_clockwise();
        assert_eq!(s.oriented_size(400, 200), (200, 400));
        assert_eq!(s.crop_pixels(400, 200), (150, 200, 50, 200), "the top-right quarter strip, turned");
        assert!(EditState::default().is_identity());
        assert!(!s.is_identity());
    }
}
