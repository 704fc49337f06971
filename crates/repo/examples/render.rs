//! Renders the thumbnails and web rendition of each image given, one at a time on
//! one thread, and prints {"images", "seconds"}. `cargo xtask bench` runs it in
//! release mode beside sharp.

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let started = std::time::Instant::now();
    for file in &files {
        if let Err(e) = tessera_repo::render_image(std::path::Path::new(file), 100_000_000) {
            eprintln!("{file}: {e}");
            std::process::exit(1);
        }
    }
    println!("{{\"images\": {}, \"seconds\": {}}}", files.len(), started.elapsed().as_secs_f64());
}
