//! Renditions of raster images: decode, turn upright by the EXIF orientation, resize.

use std::io::{BufReader, Cursor};
use std::path::Path;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::error::RepoError;

/// A rendition that fits inside a `max` × `max` box, aspect ratio kept, encoded as PNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenditionSpec {
    pub name: &'static str,
    pub max: u32,
}

pub const THUMBNAIL_319: RenditionSpec = RenditionSpec { name: "thumbnail-319", max: 319 };

/// What decoding an image yields: its upright size and the encoded renditions.
#[derive(Debug)]
pub struct ImageRenditions {
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<EncodedRendition>,
}

#[derive(Debug)]
pub struct EncodedRendition {
    pub spec: RenditionSpec,
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes the image in `file` and makes each rendition in `specs`. The pixel count
/// is read from the header and checked against `pixel_limit` before any decoding,
/// so a decompression bomb costs almost nothing to refuse.
pub fn render_image(file: &Path, pixel_limit: u64, specs: &[RenditionSpec]) -> Result<ImageRenditions, RepoError> {
    let undecodable = |e: image::ImageError| RepoError::UndecodableImage(e.to_string());
    let reader = std::fs::File::open(file).map_err(RepoError::io("opening an upload"))?;
    let reader = ImageReader::new(BufReader::new(reader))
        .with_guessed_format()
        .map_err(RepoError::io("reading an upload"))?;
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > pixel_limit {
        return Err(RepoError::TooManyPixels { pixels, limit: pixel_limit });
    }
    if pixels == 0 {
        return Err(RepoError::UndecodableImage("the image has no pixels".into()));
    }
    let orientation = decoder.orientation().map_err(undecodable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    image.apply_orientation(orientation);
    let renditions = specs.iter().map(|spec| encode_rendition(&image, *spec)).collect::<Result<_, _>>()?;
    Ok(ImageRenditions { width: image.width(), height: image.height(), renditions })
}

fn encode_rendition(image: &DynamicImage, spec: RenditionSpec) -> Result<EncodedRendition, RepoError> {
    let resized = if image.width() <= spec.max && image.height() <= spec.max {
        image.clone()
    } else {
        image.resize(spec.max, spec.max, FilterType::Triangle)
    };
    // PNG holds 8-bit RGB(A); 16-bit and float inputs are brought down first.
    let resized = if resized.color().has_alpha() {
        DynamicImage::ImageRgba8(resized.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(resized.into_rgb8())
    };
    let mut png = Vec::new();
    resized
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| RepoError::Internal(format!("encoding {}: {e}", spec.name)))?;
    Ok(EncodedRendition { spec, png, width: resized.width(), height: resized.height() })
}
