//! `render THREADS FILE...`: renders the thumbnails and web rendition of each image
//! given on THREADS threads, each taking the next image as soon as it is free, and
//! prints {"images", "seconds"}. `cargo xtask bench` runs it in release mode beside
//! sharp.

use std::sync::atomic::{AtomicUsize, Ordering};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(threads) = args.next().and_then(|t| t.parse::<usize>().ok()).filter(|&t| t > 0) else {
        eprintln!("usage: render THREADS FILE...");
        std::process::exit(2);
    };
    let files: Vec<String> = args.collect();
    let next = AtomicUsize::new(0);
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let rendered = std::fs::File::open(file)
                        .map_err(|e| e.to_string())
                        .and_then(|f| tessera_repo::render_image(f, 100_000_000).map_err(|e| e.to_string()));
                    if let Err(e) = rendered {
                        eprintln!("{file}: {e}");
                        std::process::exit(1);
                    }
                }
            });
        }
    });
    println!("{{\"images\": {}, \"seconds\": {}}}", files.len(), started.elapsed().as_secs_f64());
}
