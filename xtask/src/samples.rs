//! Sample assets made here, not downloaded: painted images of different sizes and
//! orientations, and small PDFs, uploaded through the DAM's own HTTP API.

use std::io::Cursor;

use anyhow::{bail, Context};
use image::{ImageFormat, Rgb, RgbImage};

pub struct Sample {
    pub name: &'static str,
    pub title: &'static str,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

pub fn all() -> anyhow::Result<Vec<Sample>> {
    Ok(vec![
        image_sample("mountain-lake.jpg", "Mountain lake", 1600, 900, Scene::Lake, ImageFormat::Jpeg)?,
        image_sample("lighthouse.jpg", "Lighthouse", 720, 1200, Scene::Tower, ImageFormat::Jpeg)?,
        image_sample("sunset-square.png", "Sunset", 800, 800, Scene::Sunset, ImageFormat::Png)?,
        image_sample("wide-dunes.jpg", "Dunes panorama", 2400, 800, Scene::Dunes, ImageFormat::Jpeg)?,
        Sample { name: "product-sheet.pdf", title: "Product sheet", mime: "application/pdf", bytes: pdf("Product sheet") },
        Sample { name: "brand-guide.pdf", title: "Brand guide", mime: "application/pdf", bytes: pdf("Brand guide") },
    ])
}

#[derive(Clone, Copy)]
enum Scene {
    Lake,
    Tower,
    Sunset,
    Dunes,
}

fn image_sample(name: &'static str, title: &'static str, width: u32, height: u32, scene: Scene, format: ImageFormat) -> anyhow::Result<Sample> {
    let img = RgbImage::from_fn(width, height, |x, y| paint(scene, x as f32 / width as f32, y as f32 / height as f32));
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), format)?;
    let mime = if format == ImageFormat::Png { "image/png" } else { "image/jpeg" };
    Ok(Sample { name, title, mime, bytes })
}

/// A few shapes and gradients per scene, so the thumbnails are told apart at a glance.
fn paint(scene: Scene, u: f32, v: f32) -> Rgb<u8> {
    let mix = |a: [f32; 3], b: [f32; 3], t: f32| {
        let t = t.clamp(0.0, 1.0);
        Rgb([0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t) as u8))
    };
    let sky = |top, bottom| mix(top, bottom, v * 1.6);
    match scene {
        Scene::Lake => {
            let ridge = 0.45 + 0.12 * (u * 9.0).sin() * (u * 3.0).cos();
            if v < ridge {
                sky([70.0, 130.0, 200.0], [200.0, 225.0, 245.0])
            } else if v < 0.62 {
                mix([60.0, 90.0, 70.0], [30.0, 60.0, 40.0], (v - ridge) * 6.0)
            } else {
                mix([40.0, 90.0, 140.0], [20.0, 40.0, 80.0], (v - 0.62) * 3.0)
            }
        }
        Scene::Tower => {
            let in_tower = (u - 0.5).abs() < 0.06 + 0.05 * v && v > 0.25;
            let stripe = ((v * 10.0) as i32) % 2 == 0;
            if in_tower {
                if stripe {
                    Rgb([220, 40, 40])
                } else {
                    Rgb([245, 245, 245])
                }
            } else if v > 0.85 {
                Rgb([90, 80, 70])
            } else {
                sky([20.0, 40.0, 90.0], [120.0, 160.0, 210.0])
            }
        }
        Scene::Sunset => {
            let d = ((u - 0.5).powi(2) + (v - 0.55).powi(2)).sqrt();
            if d < 0.15 && v < 0.7 {
                Rgb([255, 200, 60])
            } else if v > 0.7 {
                mix([40.0, 20.0, 60.0], [10.0, 10.0, 30.0], (v - 0.7) * 3.0)
            } else {
                mix([250.0, 120.0, 60.0], [120.0, 40.0, 120.0], 1.0 - v * 1.4)
            }
        }
        Scene::Dunes => {
            let crest = 0.5 + 0.15 * (u * 14.0).sin() + 0.05 * (u * 31.0).sin();
            if v < crest {
                sky([120.0, 180.0, 230.0], [240.0, 230.0, 200.0])
            } else {
                mix([230.0, 180.0, 110.0], [170.0, 110.0, 60.0], (v - crest) * 3.0)
            }
        }
    }
}

/// A one-page PDF that shows `title`, with a correct cross-reference table.
pub fn pdf(title: &str) -> Vec<u8> {
    let text = title.replace(['(', ')', '\\'], " ");
    let content = format!("BT /F1 28 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

/// A logged-in HTTP session with a deployment.
pub struct Session {
    origin: String,
    /// `login-token=...`, ready for a Cookie header.
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    pub fn login(origin: &str, user: &str, password: &str) -> anyhow::Result<Session> {
        let mut response = ureq::post(&format!("{origin}/api/login"))
            .send_json(serde_json::json!({ "user": user, "password": password }))
            .with_context(|| format!("logging in to {origin} as {user}"))?;
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("login-token="))
            .and_then(|v| v.split(';').next())
            .context("the login response set no login-token cookie")?
            .to_owned();
        let me: serde_json::Value = response.body_mut().read_json()?;
        let csrf = me["csrf_token"].as_str().context("the login response has no csrf_token")?.to_owned();
        Ok(Session { origin: origin.to_owned(), cookie, csrf })
    }

    /// Creates a page unless it exists, so seeding again after an interruption
    /// keeps what the first run made.
    pub fn create_page(&self, path: &str, title: &str) -> anyhow::Result<()> {
        let response = ureq::post(&format!("{}/api/pages{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(serde_json::json!({ "title": title }))
            .with_context(|| format!("creating page {path}"))?;
        created_or_there(response, &format!("creating page {path}"))
    }

    /// Deletes a page and the pages below it, if it exists.
    pub fn delete_page(&self, path: &str) -> anyhow::Result<()> {
        let response = ureq::delete(&format!("{}/api/pages{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .with_context(|| format!("deleting page {path}"))?;
        match response.status().as_u16() {
            204 | 404 => Ok(()),
            status => bail!("deleting page {path} answered {status}"),
        }
    }

    pub fn save_page(&self, path: &str, version: u64, content: &serde_json::Value) -> anyhow::Result<()> {
        ureq::put(&format!("{}/api/pages{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("if-match", &format!("\"v{version}\""))
            .send_json(content)
            .with_context(|| format!("saving page {path}"))?;
        Ok(())
    }

    /// Publishes the saved page at its public URL.
    pub fn publish_page(&self, path: &str) -> anyhow::Result<()> {
        ureq::post(&format!("{}/api/publish{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .send_json(serde_json::json!({}))
            .with_context(|| format!("publishing page {path}"))?;
        Ok(())
    }

    /// Creates a folder unless it exists.
    pub fn create_folder(&self, path: &str, title: &str) -> anyhow::Result<()> {
        let response = ureq::post(&format!("{}/api/folders{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(serde_json::json!({ "title": title }))
            .with_context(|| format!("creating folder {path}"))?;
        created_or_there(response, &format!("creating folder {path}"))
    }

    pub fn upload(&self, folder: &str, sample: &Sample) -> anyhow::Result<()> {
        let title = tessera_model::api::percent_encode(sample.title);
        let url = format!("{}/api/assets{folder}/{}?title={title}", self.origin, sample.name);
        let response = ureq::put(&url)
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", sample.mime)
            .config()
            .http_status_as_error(false)
            .build()
            .send(&sample.bytes[..])
            .with_context(|| format!("uploading {}", sample.name))?;
        created_or_there(response, &format!("uploading {}", sample.name))
    }

    /// Waits until the asset's renditions are made; fails if its job failed.
    pub fn wait_for_renditions(&self, path: &str) -> anyhow::Result<()> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while std::time::Instant::now() < deadline {
            let asset: serde_json::Value =
                ureq::get(&format!("{}/api/assets{path}", self.origin)).header("cookie", &self.cookie).call()?.body_mut().read_json()?;
            match asset["processing"]["state"].as_str() {
                Some("done") => return Ok(()),
                Some("failed") => bail!("the renditions of {path} failed: {}", asset["processing"]["error"]),
                _ => std::thread::sleep(std::time::Duration::from_millis(100)),
            }
        }
        bail!("the renditions of {path} were not ready within 120 s")
    }
}

/// 201, or 409 for something an earlier, interrupted run already made.
fn created_or_there(response: ureq::http::Response<ureq::Body>, what: &str) -> anyhow::Result<()> {
    match response.status().as_u16() {
        201 | 409 => Ok(()),
        status => {
            let body = response.into_body().read_to_string().unwrap_or_default();
            bail!("{what} answered {status}: {body}")
        }
    }
}

/// Local assets of the Sites deployment: a few, so Local and Remote differ at a glance.
pub fn local() -> anyhow::Result<Vec<Sample>> {
    Ok(vec![
        image_sample("harbor.jpg", "Harbor at dusk", 1200, 800, Scene::Sunset, ImageFormat::Jpeg)?,
        image_sample("red-tower.png", "Red tower", 600, 900, Scene::Tower, ImageFormat::Png)?,
        Sample { name: "price-list.pdf", title: "Price list", mime: "application/pdf", bytes: pdf("Price list") },
    ])
}

/// A site with two pages and local assets on the Sites deployment at `origin`.
pub fn seed_sites(origin: &str, user: &str, password: &str) -> anyhow::Result<()> {
    let session = Session::login(origin, user, password)?;
    session.create_page("/content/we-retail", "We.Retail")?;
    session.create_page("/content/we-retail/en", "English")?;
    session.create_folder("/content/dam/local-samples", "Local samples")?;
    let samples = local()?;
    for sample in &samples {
        session.upload("/content/dam/local-samples", sample)?;
    }
    for sample in &samples {
        session.wait_for_renditions(&format!("/content/dam/local-samples/{}", sample.name))?;
    }
    eprintln!("seeded {origin} with the We.Retail site and local assets");
    Ok(())
}

/// Uploads every sample into `/content/dam/samples` on the deployment at `origin`,
/// and waits for their renditions.
pub fn seed(origin: &str, user: &str, password: &str) -> anyhow::Result<()> {
    let session = Session::login(origin, user, password)?;
    session.create_folder("/content/dam/samples", "Samples")?;
    let samples = all()?;
    for sample in &samples {
        session.upload("/content/dam/samples", sample)?;
    }
    for sample in &samples {
        session.wait_for_renditions(&format!("/content/dam/samples/{}", sample.name))?;
    }
    eprintln!("seeded {origin} with sample images and PDFs in /content/dam/samples");
    Ok(())
}
