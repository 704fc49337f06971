//! Renders the thumbnails and web rendition of each image given, one at a time on
//! one thread, and prints {"images", "seconds"}. `cargo xtask bench` runs it in
//! release mode beside sharp.

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let started = std::time::Instant::now();
    for file in &files {
        let rendered = std::fs::File::open(file).map_err(|e| e.to_string()).and_then(|f| tessera_repo::render_image(f, 100_000_000).map_err(|e| e.to_string()));
        if let Err(e) = rendered {
            eprintln!("{file}: {e}");
            std::process::exit(1);
        }
    }
    println!("{{\"images\": {}, \"seconds\": {}}}", files.len(), started.elapsed().as_secs_f64());
}
