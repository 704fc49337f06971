//! What `tessera-server migrate` shows while it copies.

use std::io::Write;

use tessera_repo::CopyProgress;

/// One line on standard error, redrawn in place: a bar over the blobs, then the
/// catalog's counts.
pub fn print_progress(p: &CopyProgress) {
    let width = 30;
    let filled = (p.blobs_done * width).checked_div(p.blobs_total).unwrap_or(width);
    let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r[{bar}] blobs {}/{} ({:.1} MB copied, {} already there) | folders {} assets {} pages {} references {}   ",
        p.blobs_done,
        p.blobs_total,
        p.bytes_copied as f64 / 1_048_576.0,
        p.blobs_already_there,
        p.folders,
        p.assets,
        p.pages,
        p.references
    );
    let _ = err.flush();
}
