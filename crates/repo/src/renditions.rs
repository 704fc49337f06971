//! Renditions: decode, turn upright by the EXIF orientation, resize, encode. Images
//! get three thumbnails and a web rendition; documents get thumbnails that show
//! their type.

use std::fs::File;
use std::io::{BufReader, Cursor};

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Rgba, RgbaImage};

use tessera_model::RenditionName;

use crate::error::RepoError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Png,
    Jpeg { quality: u8 },
}

/// A rendition that fits inside `max_width` × `max_height`, aspect ratio kept, never
/// upscaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenditionSpec {
    pub name: RenditionName,
    pub max_width: u32,
    pub max_height: u32,
    pub encoding: Encoding,
}

impl RenditionSpec {
    pub fn mime(&self) -> &'static str {
        match self.encoding {
            Encoding::Png => "image/png",
            Encoding::Jpeg { .. } => "image/jpeg",
        }
    }
}

pub const THUMBNAIL_48: RenditionSpec = RenditionSpec { name: RenditionName::Thumbnail48, max_width: 48, max_height: 48, encoding: Encoding::Png };
pub const THUMBNAIL_140: RenditionSpec = RenditionSpec { name: RenditionName::Thumbnail140, max_width: 140, max_height: 100, encoding: Encoding::Png };
pub const THUMBNAIL_319: RenditionSpec = RenditionSpec { name: RenditionName::Thumbnail319, max_width: 319, max_height: 319, encoding: Encoding::Png };
pub const WEB_1280: RenditionSpec = RenditionSpec { name: RenditionName::Web1280, max_width: 1280, max_height: 1280, encoding: Encoding::Jpeg { quality: 82 } };

pub const THUMBNAILS: [RenditionSpec; 3] = [THUMBNAIL_48, THUMBNAIL_140, THUMBNAIL_319];

/// An image's upright size, read from its header without decoding any pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
}

#[derive(Debug)]
pub struct EncodedRendition {
    pub spec: RenditionSpec,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn undecodable(e: image::ImageError) -> RepoError {
    RepoError::UndecodableImage(e.to_string())
}

fn open_decoder(file: File) -> Result<impl ImageDecoder, RepoError> {
    ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(RepoError::io("reading an image"))?.into_decoder().map_err(undecodable)
}

/// Reads the size and orientation from the header and checks the pixel count
/// against `pixel_limit`, so a decompression bomb is refused before any decoding.
pub fn probe_image(file: File, pixel_limit: u64) -> Result<ImageInfo, RepoError> {
    let (_, (width, height)) = checked_header(&mut open_decoder(file)?, pixel_limit)?;
    Ok(ImageInfo { width, height })
}

fn check_pixels(w: u32, h: u32, limit: u64) -> Result<(), RepoError> {
    let pixels = u64::from(w) * u64::from(h);
    if pixels > limit {
        return Err(RepoError::TooManyPixels { pixels, limit });
    }
    if pixels == 0 {
        return Err(RepoError::UndecodableImage("the image has no pixels".into()));
    }
    Ok(())
}

#[cfg(feature = "turbojpeg")]
mod scaled_jpeg {
    use std::fs::File;
    use std::io::{BufReader, Cursor, Read, Seek};

    use image::{DynamicImage, ImageFormat, ImageReader, RgbImage};
    use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};

    use super::{checked_header, fitted_size, turns_sideways, undecodable, whole_upright, Decoded, RenditionSpec};
    use crate::error::RepoError;

    /// The scales tried, smallest first.
    const SCALES: [ScalingFactor; 3] = [ScalingFactor::ONE_EIGHTH, ScalingFactor::ONE_QUARTER, ScalingFactor::ONE_HALF];

    /// A JPEG `file` decoded upright at the smallest scale that still covers what
    /// `spec` makes of it, or whole where no scale does or libjpeg-turbo does not turn
    /// it into RGB (CMYK), with the full picture's upright size; `None`, and `file`
    /// read from its start again, for what is not a JPEG.
    pub(super) fn decode_upright_for(file: &File, pixel_limit: u64, spec: RenditionSpec) -> Result<Option<Decoded>, RepoError> {
        let mut file = file;
        let format = ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(RepoError::io("reading an image"))?.format();
        file.rewind().map_err(RepoError::io("reading an image"))?;
        if format != Some(ImageFormat::Jpeg) {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(RepoError::io("reading an image"))?;
        let mut decoder = ImageReader::with_format(Cursor::new(&bytes[..]), ImageFormat::Jpeg).into_decoder().map_err(undecodable)?;
        let (orientation, upright) = checked_header(&mut decoder, pixel_limit)?;
        // The rendition's size in the picture's own orientation.
        let unturned = |(w, h): (u32, u32)| if turns_sideways(orientation) { (h, w) } else { (w, h) };
        let scaled = fitted_size(upright, spec).and_then(|fitted| scaled(&bytes, unturned(fitted)));
        let image = match scaled {
            Some(rgb) => {
                let mut image = DynamicImage::ImageRgb8(rgb);
                image.apply_orientation(orientation);
                image
            }
            None => whole_upright(decoder, orientation)?,
        };
        Ok(Some(Decoded { image, full_size: upright }))
    }

    /// `jpeg` decoded at the smallest scale whose size covers `(width, height)`, in the
    /// picture's own orientation; `None` where no scale does, or where libjpeg-turbo
    /// cannot give RGB.
    fn scaled(jpeg: &[u8], (width, height): (u32, u32)) -> Option<RgbImage> {
        let mut decompressor = Decompressor::new().ok()?;
        let header = decompressor.read_header(jpeg).ok()?;
        if !matches!(header.colorspace, Colorspace::YCbCr | Colorspace::RGB) {
            return None;
        }
        let scale = SCALES.into_iter().find(|scale| {
            let scaled = header.scaled(*scale);
            scaled.width >= width as usize && scaled.height >= height as usize
        })?;
        let scaled = header.scaled(scale);
        let mut pixels = vec![0u8; scaled.width * scaled.height * 3];
        let image = Image { pixels: &mut pixels[..], width: scaled.width, pitch: scaled.width * 3, height: scaled.height, format: PixelFormat::RGB };
        decompressor.set_scaling_factor(scale).and_then(|()| decompressor.decompress(jpeg, image)).ok()?;
        RgbImage::from_raw(scaled.width as u32, scaled.height as u32, pixels)
    }
}

/// A decoder's orientation and its picture's upright size, once its pixel count has
/// been checked against `pixel_limit` (before any decoding, so a decompression bomb
/// is refused from its header).
fn checked_header(decoder: &mut impl ImageDecoder, pixel_limit: u64) -> Result<(Orientation, (u32, u32)), RepoError> {
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, pixel_limit)?;
    let orientation = decoder.orientation().map_err(undecodable)?;
    Ok((orientation, if turns_sideways(orientation) { (h, w) } else { (w, h) }))
}

/// Whether `orientation` shows the picture a quarter turned (EXIF 5 to 8), its sides swapped.
fn turns_sideways(orientation: Orientation) -> bool {
    orientation.to_exif() >= 5
}

/// The whole picture of `decoder`, turned upright as `orientation` says.
fn whole_upright(decoder: impl ImageDecoder, orientation: Orientation) -> Result<DynamicImage, RepoError> {
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Decodes the image (the first frame of an animation) after checking its pixel count
/// against `pixel_limit`, turned upright as its EXIF orientation says.
fn decode_upright(file: File, pixel_limit: u64) -> Result<DynamicImage, RepoError> {
    let mut decoder = open_decoder(file)?;
    let (orientation, _) = checked_header(&mut decoder, pixel_limit)?;
    whole_upright(decoder, orientation)
}

/// Decodes the image upright, as [`decode_upright`] does, but no larger than `spec`
/// needs: a JPEG at the smallest of 1/8, 1/4 or 1/2 its size that still covers what
/// `spec` makes of it (libjpeg-turbo scales in the DCT as it decodes, which skips most
/// of the work for the pixels left out), anything else whole. The full picture's
/// upright size comes beside it, so the rendition's size is the same either way.
fn decode_upright_for(file: File, pixel_limit: u64, spec: RenditionSpec) -> Result<Decoded, RepoError> {
    #[cfg(feature = "turbojpeg")]
    if let Some(decoded) = scaled_jpeg::decode_upright_for(&file, pixel_limit, spec)? {
        return Ok(decoded);
    }
    #[cfg(not(feature = "turbojpeg"))]
    let _ = spec;
    let image = decode_upright(file, pixel_limit)?;
    let full_size = (image.width(), image.height());
    Ok(Decoded { image, full_size })
}

/// A picture decoded for a rendition, perhaps at a smaller scale, and the upright size
/// of the whole picture.
struct Decoded {
    image: DynamicImage,
    full_size: (u32, u32),
}

/// Decodes the image (the first frame of an animation) and makes the thumbnails and
/// the web rendition.
pub fn render_image(file: File, pixel_limit: u64) -> Result<Vec<EncodedRendition>, RepoError> {
    let Decoded { image, full_size } = decode_upright_for(file, pixel_limit, WEB_1280)?;
    // Each smaller rendition is made from the next larger one: the same result to the
    // eye, and far less work than resizing the full image four times.
    let web_image = fit_as(&image, full_size, WEB_1280);
    drop(image);
    let web = encode(&web_image, WEB_1280)?;
    let base = fit(&web_image, THUMBNAIL_319);
    drop(web_image);
    let mut out = vec![web];
    for spec in THUMBNAILS.iter().rev() {
        out.push(encode(&fit(&base, *spec), *spec)?);
    }
    Ok(out)
}

fn fit(image: &DynamicImage, spec: RenditionSpec) -> DynamicImage {
    fit_as(image, (image.width(), image.height()), spec)
}

/// `image` resized to what `spec` makes of a picture of `size`: `image` may be that
/// picture decoded at a smaller scale.
fn fit_as(image: &DynamicImage, size: (u32, u32), spec: RenditionSpec) -> DynamicImage {
    match fitted_size(size, spec) {
        Some((width, height)) => resample(image, Area::whole(image), width, height, Filter::Bilinear),
        None => image.clone(),
    }
}

/// The size `spec` makes of a picture of `(w, h)`, or `None` where it fits as it is.
fn fitted_size((w, h): (u32, u32), spec: RenditionSpec) -> Option<(u32, u32)> {
    if w <= spec.max_width && h <= spec.max_height {
        return None;
    }
    let ratio = f64::min(f64::from(spec.max_width) / f64::from(w), f64::from(spec.max_height) / f64::from(h));
    let scaled = |side: u32| ((f64::from(side) * ratio).round() as u32).max(1);
    Some((scaled(w), scaled(h)))
}

/// The resampling filters renditions use: bilinear for renditions (what a browser
/// does), Catmull-Rom for edited images (sharper, as the author saw them).
#[derive(Debug, Clone, Copy)]
enum Filter {
    Bilinear,
    CatmullRom,
}

/// A rectangle of an image, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Area {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

impl Area {
    fn whole(image: &DynamicImage) -> Self {
        Area { x: 0, y: 0, width: image.width(), height: image.height() }
    }
}

/// `area` of `image` resized to `width` × `height`, by SIMD convolution
/// (`fast_image_resize`) and without copying the area out first. Pixel types it does
/// not take (none that decoders produce today) go through `image`'s own resize.
fn resample(image: &DynamicImage, area: Area, width: u32, height: u32, filter: Filter) -> DynamicImage {
    let kernel = match filter {
        Filter::Bilinear => fast_image_resize::FilterType::Bilinear,
        Filter::CatmullRom => fast_image_resize::FilterType::CatmullRom,
    };
    let options = fast_image_resize::ResizeOptions::new().resize_alg(fast_image_resize::ResizeAlg::Convolution(kernel)).crop(
        f64::from(area.x),
        f64::from(area.y),
        f64::from(area.width),
        f64::from(area.height),
    );
    let mut out = DynamicImage::new(width, height, image.color());
    match fast_image_resize::Resizer::new().resize(image, &mut out, &options) {
        Ok(()) => out,
        Err(_) => {
            let filter = match filter {
                Filter::Bilinear => FilterType::Triangle,
                Filter::CatmullRom => FilterType::CatmullRom,
            };
            image.crop_imm(area.x, area.y, area.width, area.height).resize_exact(width, height, filter)
        }
    }
}

fn encode(image: &DynamicImage, spec: RenditionSpec) -> Result<EncodedRendition, RepoError> {
    let failed = |e: image::ImageError| RepoError::Internal(format!("encoding {}: {e}", spec.name));
    let mut bytes = Vec::new();
    match spec.encoding {
        Encoding::Png => {
            // PNG holds 8-bit RGB(A); 16-bit and float inputs are brought down first.
            let eight_bit = if image.color().has_alpha() { DynamicImage::ImageRgba8(image.to_rgba8()) } else { DynamicImage::ImageRgb8(image.to_rgb8()) };
            eight_bit.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).map_err(failed)?;
        }
        Encoding::Jpeg { quality } => bytes = encode_jpeg(&flatten_on_white(image), quality)?,
    }
    Ok(EncodedRendition { spec, bytes, width: image.width(), height: image.height() })
}

/// A baseline JPEG, chroma halved both ways below quality 90 (as cameras and sharp
/// write them), by `jpeg-encoder`'s SIMD paths: a third of the time `image`'s encoder takes.
fn encode_jpeg(rgb: &image::RgbImage, quality: u8) -> Result<Vec<u8>, RepoError> {
    let side = |v: u32| u16::try_from(v).map_err(|_| RepoError::BadQuery(format!("a JPEG is at most 65,535 pixels across and down, not {v}")));
    let (width, height) = (side(rgb.width())?, side(rgb.height())?);
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, quality)
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| RepoError::Internal(format!("encoding a JPEG: {e}")))?;
    Ok(bytes)
}

/// JPEG has no alpha: transparent pixels become white, as on a web page.
fn flatten_on_white(image: &DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let Rgba([r, g, b, a]) = *rgba.get_pixel(x, y);
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// The label and colour a document's thumbnail shows for its MIME type.
pub fn document_label(mime: &str) -> (&'static str, [u8; 3]) {
    match mime {
        "application/pdf" => ("PDF", [200, 40, 40]),
        "application/msword" => ("DOC", [40, 90, 190]),
        m if m.contains("wordprocessingml") => ("DOCX", [40, 90, 190]),
        "application/vnd.ms-excel" => ("XLS", [30, 130, 70]),
        m if m.contains("spreadsheetml") => ("XLSX", [30, 130, 70]),
        "application/vnd.ms-powerpoint" => ("PPT", [210, 100, 30]),
        m if m.contains("presentationml") => ("PPTX", [210, 100, 30]),
        "image/svg+xml" => ("SVG", [120, 60, 160]),
        "text/csv" => ("CSV", [90, 100, 110]),
        m if m.starts_with("text/") => ("TXT", [90, 100, 110]),
        _ => ("FILE", [90, 100, 110]),
    }
}

/// Thumbnails for a document: a page with a coloured band that names its type.
pub fn render_document(mime: &str) -> Result<Vec<EncodedRendition>, RepoError> {
    let (label, colour) = document_label(mime);
    let page = document_icon(label, colour);
    THUMBNAILS.iter().map(|spec| encode(&fit(&page, *spec), *spec)).collect()
}

fn document_icon(label: &str, [r, g, b]: [u8; 3]) -> DynamicImage {
    const SIZE: u32 = 319;
    let mut img = RgbaImage::from_pixel(SIZE, SIZE, Rgba([0, 0, 0, 0]));
    let (left, right, top, bottom) = (60, 259, 20, 299);
    for y in top..bottom {
        for x in left..right {
            let edge = x == left || x == right - 1 || y == top || y == bottom - 1;
            img.put_pixel(x, y, if edge { Rgba([170, 176, 186, 255]) } else { Rgba([255, 255, 255, 255]) });
        }
    }
    for y in 170..240 {
        for x in (left - 20)..(right + 20) {
            img.put_pixel(x, y, Rgba([r, g, b, 255]));
        }
    }
    draw_text(&mut img, label, 205, Rgba([255, 255, 255, 255]));
    for (i, y) in (60..150).step_by(18).enumerate() {
        let end = if i % 2 == 0 { right - 30 } else { right - 60 };
        for yy in y..y + 6 {
            for x in (left + 25)..end {
                img.put_pixel(x, yy, Rgba([214, 218, 224, 255]));
            }
        }
    }
    DynamicImage::ImageRgba8(img)
}

/// A 5×7 bitmap font: only the letters the labels use.
fn glyph(c: char) -> [u8; 7] {
    match c {
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        _ => [0; 7],
    }
}

fn draw_text(img: &mut RgbaImage, text: &str, center_y: u32, ink: Rgba<u8>) {
    const SCALE: u32 = 7;
    let advance = 6 * SCALE;
    let width = text.chars().count() as u32 * advance - SCALE;
    let x0 = (img.width().saturating_sub(width)) / 2;
    let y0 = center_y - 7 * SCALE / 2;
    for (i, c) in text.chars().enumerate() {
        for (row, bits) in glyph(c).iter().enumerate() {
            for col in 0..5 {
                if bits & (0x10 >> col) != 0 {
                    for dy in 0..SCALE {
                        for dx in 0..SCALE {
                            let x = x0 + i as u32 * advance + col * SCALE + dx;
                            let y = y0 + row as u32 * SCALE + dy;
                            if x < img.width() && y < img.height() {
                                img.put_pixel(x, y, ink);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How an edited image is encoded: JPEG for every browser, WebP (about a third
/// smaller at the same quality) for those that take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Jpeg,
    WebP,
}

impl OutputFormat {
    /// The name the image cache records it under.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpeg",
            OutputFormat::WebP => "webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::WebP => "webp",
        }
    }

    pub fn from_extension(extension: &str) -> Option<OutputFormat> {
        match extension {
            "jpg" => Some(OutputFormat::Jpeg),
            "webp" => Some(OutputFormat::WebP),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::WebP => "image/webp",
        }
    }

    fn encode(self, rgb: &image::RgbImage, quality: u8) -> Result<Vec<u8>, RepoError> {
        match self {
            OutputFormat::Jpeg => encode_jpeg(rgb, quality),
            OutputFormat::WebP => Ok(webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode(f32::from(quality)).to_vec()),
        }
    }
}

/// An edit's turn and flips, in the order they apply: turn clockwise, then flip.
#[derive(Debug, Clone, Copy)]
struct Turn {
    rotation: tessera_model::edit::Rotation,
    flip_horizontal: bool,
    flip_vertical: bool,
}

impl Turn {
    fn swaps_sides(self) -> bool {
        matches!(self.rotation, tessera_model::edit::Rotation::R90 | tessera_model::edit::Rotation::R270)
    }

    fn apply(self, image: DynamicImage) -> DynamicImage {
        use tessera_model::edit::Rotation;
        let mut image = match self.rotation {
            Rotation::R0 => image,
            Rotation::R90 => image.rotate90(),
            Rotation::R180 => image.rotate180(),
            Rotation::R270 => image.rotate270(),
        };
        if self.flip_horizontal {
            image = image.fliph();
        }
        if self.flip_vertical {
            image = image.flipv();
        }
        image
    }

    /// The area of the unturned `width` × `height` picture that ends up as `area` of the
    /// turned one: both corners are taken back through the flips and the turn.
    fn undo_area(self, area: Area, width: u32, height: u32) -> Area {
        let (turned_w, turned_h) = if self.swaps_sides() { (height, width) } else { (width, height) };
        let back = |mut x: u32, mut y: u32| {
            if self.flip_vertical {
                y = turned_h - y;
            }
            if self.flip_horizontal {
                x = turned_w - x;
            }
            use tessera_model::edit::Rotation;
            match self.rotation {
                Rotation::R0 => (x, y),
                Rotation::R90 => (y, height - x),
                Rotation::R180 => (width - x, height - y),
                Rotation::R270 => (width - y, x),
            }
        };
        let (ax, ay) = back(area.x, area.y);
        let (bx, by) = back(area.x + area.width, area.y + area.height);
        Area { x: ax.min(bx), y: ay.min(by), width: ax.abs_diff(bx), height: ay.abs_diff(by) }
    }
}

/// Applies an edit state to the image in `file` and encodes the result in `format`,
/// at most `width` pixels across (never wider than the crop): orient (EXIF, then the
/// edit's turn and flips), crop, resize. Returns the bytes and the output size.
pub fn render_edited(
    file: File,
    pixel_limit: u64,
    edit: &tessera_model::edit::EditState,
    width: u32,
    format: OutputFormat,
    quality: u8,
) -> Result<(Vec<u8>, u32, u32), RepoError> {
    let image = decode_upright(file, pixel_limit)?;
    let (upright_w, upright_h) = (image.width(), image.height());
    let (x, y, cw, ch) = edit.crop_pixels(upright_w, upright_h);
    let out_w = width.min(cw).max(1);
    let out_h = ((u64::from(ch) * u64::from(out_w) + u64::from(cw) / 2) / u64::from(cw)).max(1) as u32;
    // The crop is taken and resized in the picture's own orientation, and only the small
    // result is turned and flipped: turning the whole picture first costs more than
    // everything else together.
    let turn = Turn { rotation: edit.rotation, flip_horizontal: edit.flip_horizontal, flip_vertical: edit.flip_vertical };
    let area = turn.undo_area(Area { x, y, width: cw, height: ch }, upright_w, upright_h);
    let (unturned_w, unturned_h) = if turn.swaps_sides() { (out_h, out_w) } else { (out_w, out_h) };
    let resized = if area.width == unturned_w && area.height == unturned_h {
        image.crop_imm(area.x, area.y, area.width, area.height)
    } else {
        resample(&image, area, unturned_w, unturned_h, Filter::CatmullRom)
    };
    drop(image);
    let rgb = flatten_on_white(&turn.apply(resized));
    let bytes = format.encode(&rgb, quality)?;
    Ok((bytes, rgb.width(), rgb.height()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_letter_has_a_glyph() {
        for mime in ["application/pdf", "application/msword", "application/vnd.ms-excel", "text/csv", "image/svg+xml", "x/y"] {
            for c in document_label(mime).0.chars() {
                assert_ne!(glyph(c), [0; 7], "{c} in the label for {mime}");
            }
        }
    }

    #[test]
    fn document_thumbnails_fit_their_boxes() {
        let out = render_document("application/pdf").unwrap();
        let sizes: Vec<_> = out.iter().map(|r| (r.spec.name, r.width, r.height)).collect();
        assert_eq!(sizes, [(RenditionName::Thumbnail48, 48, 48), (RenditionName::Thumbnail140, 100, 100), (RenditionName::Thumbnail319, 319, 319)]);
    }

    #[test]
    fn every_supported_input_format_renders() {
        let dir = tempfile::TempDir::new().unwrap();
        let img = DynamicImage::ImageRgba8(RgbaImage::from_fn(400, 300, |x, y| Rgba([x as u8, y as u8, 90, 255])));
        for (name, format) in [
            ("a.jpg", ImageFormat::Jpeg),
            ("a.png", ImageFormat::Png),
            ("a.gif", ImageFormat::Gif),
            ("a.webp", ImageFormat::WebP),
            ("a.tiff", ImageFormat::Tiff),
        ] {
            let file = dir.path().join(name);
            let input = if format == ImageFormat::Jpeg { DynamicImage::ImageRgb8(img.to_rgb8()) } else { img.clone() };
            input.save_with_format(&file, format).unwrap();
            assert_eq!(probe_image(File::open(&file).unwrap(), 1_000_000).unwrap(), ImageInfo { width: 400, height: 300 }, "{name}");
            let out = render_image(File::open(&file).unwrap(), 1_000_000).unwrap();
            let sizes: Vec<_> = out.iter().map(|r| (r.spec.name, r.width, r.height)).collect();
            assert_eq!(
                sizes,
                [
                    (RenditionName::Web1280, 400, 300),
                    (RenditionName::Thumbnail319, 319, 239),
                    (RenditionName::Thumbnail140, 133, 100),
                    (RenditionName::Thumbnail48, 48, 36)
                ],
                "{name}"
            );
            assert!(image::load_from_memory(&out[0].bytes).is_ok_and(|i| i.width() == 400), "{name}: the web rendition decodes");
        }
    }

    #[test]
    fn a_pixel_bomb_is_refused_from_its_header() {
        let dir = tempfile::TempDir::new().unwrap();
        let file = dir.path().join("big.png");
        DynamicImage::ImageRgb8(image::RgbImage::new(1000, 1000)).save(&file).unwrap();
        assert!(matches!(probe_image(File::open(&file).unwrap(), 999_999), Err(RepoError::TooManyPixels { pixels: 1_000_000, limit: 999_999 })));
        assert!(matches!(render_image(File::open(&file).unwrap(), 999_999), Err(RepoError::TooManyPixels { .. })));
    }

    /// The mean difference per channel between two images of one size.
    fn mean_difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
        assert_eq!(a.dimensions(), b.dimensions());
        let total: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
        total as f64 / a.as_raw().len() as f64
    }

    /// `picture` as a JPEG at quality 95, its EXIF orientation `orientation` (1 to 8).
    fn jpeg_file(dir: &std::path::Path, picture: &image::RgbImage, orientation: u8) -> std::path::PathBuf {
        let mut bytes = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 95);
        // Big-endian TIFF with one IFD entry: Orientation, SHORT, 1 value.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0]);
        encoder.add_app_segment(1, &exif).unwrap();
        encoder.encode(picture.as_raw(), picture.width() as u16, picture.height() as u16, jpeg_encoder::ColorType::Rgb).unwrap();
        let file = dir.join(format!("picture-{orientation}.jpg"));
        std::fs::write(&file, bytes).unwrap();
        file
    }

    /// Four quadrants of different colours over a gradient: any wrong turn, flip or
    /// crop shows as a large difference.
    fn quadrants(width: u32, height: u32) -> image::RgbImage {
        image::RgbImage::from_fn(width, height, |x, y| {
            let quadrant = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [220, 220, 40]][usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2)];
            image::Rgb(quadrant.map(|c: u8| c.saturating_add((x * 30 / width + y * 10 / height) as u8)))
        })
    }

    #[cfg(feature = "turbojpeg")]
    #[test]
    fn a_large_jpeg_is_decoded_at_the_smallest_scale_that_covers_the_web_rendition() {
        let dir = tempfile::TempDir::new().unwrap();
        let picture = quadrants(2600, 1800);
        let decoded = |file: &std::path::Path| {
            scaled_jpeg::decode_upright_for(&File::open(file).unwrap(), 100_000_000, WEB_1280)
                .unwrap()
                .map(|d| ((d.image.width(), d.image.height()), d.full_size))
        };
        // Half of 2600 × 1800 still covers 1280 × 886; a quarter would not.
        assert_eq!(decoded(&jpeg_file(dir.path(), &picture, 1)), Some(((1300, 900), (2600, 1800))));
        assert_eq!(decoded(&jpeg_file(dir.path(), &picture, 6)), Some(((900, 1300), (1800, 2600))));
        // 5200 × 3600 at an eighth is 650 wide: a quarter (1300) is the smallest that covers it.
        let larger = image::imageops::resize(&picture, 5200, 3600, FilterType::Nearest);
        assert_eq!(decoded(&jpeg_file(dir.path(), &larger, 1)), Some(((1300, 900), (5200, 3600))));
        // A picture the rendition does not shrink is decoded whole; what is not a JPEG is
        // left to the caller.
        assert_eq!(decoded(&jpeg_file(dir.path(), &quadrants(1200, 800), 1)), Some(((1200, 800), (1200, 800))));
        let png = dir.path().join("picture.png");
        picture.save(&png).unwrap();
        assert_eq!(decoded(&png), None);
    }

    #[test]
    fn renditions_of_a_jpeg_keep_the_picture_and_its_orientation() {
        let dir = tempfile::TempDir::new().unwrap();
        let picture = quadrants(2600, 1800);
        // Orientation 6: shown turned a quarter clockwise.
        for (orientation, upright) in [(1, picture.clone()), (6, image::imageops::rotate90(&picture))] {
            let file = jpeg_file(dir.path(), &picture, orientation);
            // What the full decode of the same file shows, turned upright.
            let full = DynamicImage::ImageRgb8(upright.clone());
            let out = render_image(File::open(&file).unwrap(), 10_000_000).unwrap();
            let web = &out[0];
            let expected_size = if orientation == 1 { (1280, 886) } else { (886, 1280) };
            assert_eq!((web.width, web.height), expected_size, "orientation {orientation}");
            for rendition in &out {
                let got = image::load_from_memory(&rendition.bytes).unwrap().to_rgb8();
                let expected = full.resize_exact(rendition.width, rendition.height, FilterType::Triangle).to_rgb8();
                let difference = mean_difference(&got, &expected);
                assert!(difference < 4.0, "orientation {orientation}, {:?}: mean difference {difference}", rendition.spec.name);
            }
        }
    }

    #[test]
    fn an_edit_resized_before_it_is_turned_looks_as_if_turned_first() {
        use tessera_model::edit::{EditState, Rect, Rotation};
        let dir = tempfile::TempDir::new().unwrap();
        let picture = quadrants(600, 400);
        let png = dir.path().join("a.png");
        DynamicImage::ImageRgb8(picture.clone()).save_with_format(&png, ImageFormat::Png).unwrap();
        let jpeg = jpeg_file(dir.path(), &picture, 1);
        for file in [png, jpeg] {
            for rotation in [Rotation::R0, Rotation::R90, Rotation::R180, Rotation::R270] {
                for (flip_horizontal, flip_vertical) in [(false, false), (true, false), (false, true), (true, true)] {
                    let edit =
                        EditState { rotation, flip_horizontal, flip_vertical, crop: Some(Rect { x: 0.1, y: 0.2, w: 0.6, h: 0.5 }), ..EditState::default() };
                    let (bytes, w, h) = render_edited(File::open(&file).unwrap(), 1_000_000, &edit, 120, OutputFormat::Jpeg, 95).unwrap();
                    // The same edit the slow way: turn the whole picture, crop, resize.
                    let turn = Turn { rotation, flip_horizontal, flip_vertical };
                    let turned = turn.apply(DynamicImage::ImageRgb8(picture.clone()));
                    let (x, y, cw, ch) = edit.crop_pixels(600, 400);
                    let expected = turned.crop_imm(x, y, cw, ch).resize_exact(w, h, FilterType::CatmullRom).to_rgb8();
                    let got = image::load_from_memory(&bytes).unwrap().to_rgb8();
                    assert_eq!(w, 120, "{edit:?}");
                    let difference = mean_difference(&got, &expected);
                    assert!(difference < 4.0, "{}, {edit:?}: mean difference {difference}", file.display());
                }
            }
        }
    }

    #[test]
    fn renditions_keep_the_picture() {
        let dir = tempfile::TempDir::new().unwrap();
        let file = dir.path().join("a.png");
        let picture = image::RgbImage::from_fn(1600, 1000, |x, y| image::Rgb([(x / 7) as u8, (y / 4) as u8, if x < 800 { 40 } else { 210 }]));
        DynamicImage::ImageRgb8(picture.clone()).save_with_format(&file, ImageFormat::Png).unwrap();
        for rendition in render_image(File::open(&file).unwrap(), 10_000_000).unwrap() {
            let got = image::load_from_memory(&rendition.bytes).unwrap().to_rgb8();
            let expected = DynamicImage::ImageRgb8(picture.clone()).resize_exact(rendition.width, rendition.height, FilterType::Triangle).to_rgb8();
            let difference = mean_difference(&got, &expected);
            assert!(difference < 4.0, "{:?}: mean difference {difference}", rendition.spec.name);
        }
    }

    #[test]
    fn transparent_pixels_become_white_in_jpeg() {
        let img = DynamicImage::ImageRgba8(RgbaImage::from_pixel(2, 2, Rgba([0, 0, 0, 0])));
        assert_eq!(flatten_on_white(&img).get_pixel(0, 0).0, [255, 255, 255]);
    }
}
