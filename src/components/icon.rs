//! Icons drawn as inline SVG in the text colour, so they look the same on every
//! machine: a glyph such as a folder emoji depends on the fonts installed and shows
//! as an empty box where there is none. Icons are decoration: the control that
//! holds one carries the accessible name.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconKind {
    Folder,
    DragHandle,
    MoveUp,
    MoveDown,
    Pencil,
    Properties,
    Close,
    Link,
    RotateLeft,
    RotateRight,
    FlipHorizontal,
    FlipVertical,
    Undo,
    Redo,
    Menu,
}

impl IconKind {
    /// Stroked paths on a 24 × 24 grid.
    fn path(self) -> &'static str {
        match self {
            Self::Folder => "M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z",
            Self::DragHandle => "M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01",
            Self::MoveUp => "M12 19V5M6 11l6-6 6 6",
            Self::MoveDown => "M12 5v14M6 13l6 6 6-6",
            Self::Pencil => "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
            Self::Properties => "M4 6h9m4 0h3M4 12h3m4 0h9M4 18h11m4 0h1M15 4v4M9 10v4M17 16v4",
            Self::Close => "M6 6l12 12M18 6L6 18",
            Self::Link => "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
            Self::RotateLeft => "M4 4v5h5M4.6 9A8 8 0 1 1 6 17",
            Self::RotateRight => "M20 4v5h-5M19.4 9A8 8 0 1 0 18 17",
            Self::FlipHorizontal => "M12 3v18M9 7 4 17h5zM15 7l5 10h-5z",
            Self::FlipVertical => "M3 12h18M7 9l10-5v5zM7 15l10 5v-5z",
            Self::Undo => "M9 14 4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3",
            Self::Redo => "M15 14l5-5-5-5M20 9H10a6 6 0 0 0 0 12h3",
            Self::Menu => "M4 7h16M4 12h16M4 17h16",
        }
    }

    /// Handles and the folder read better as solid shapes.
    fn stroke_width(self) -> &'static str {
        match self {
            Self::DragHandle => "3.5",
            _ => "2",
        }
    }
}

/// One icon, hidden from assistive technology.
#[component]
pub fn Icon(kind: IconKind) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="18"
            height="18"
            fill="none"
            stroke="currentColor"
            stroke-width=kind.stroke_width()
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=kind.path() />
        </svg>
    }
}
