//! Parts of the editor built only once they are first wanted, each from a lazily
//! loaded module (see the crate's `split` feature): the editor is interactive
//! without their code.

use leptos::prelude::*;

/// True from the first time `wanted` is, for good: what a lazily loaded module built
/// stays mounted, and once true the memo reads no signal any more.
pub fn wanted_once(wanted: impl Fn() -> bool + Send + Sync + 'static) -> Memo<bool> {
    Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || wanted())
}
