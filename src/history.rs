//! Undo and redo of page edits: snapshots of the page's content.

use tessera_model::PageContent;

/// How many steps back undo reaches.
pub const DEPTH: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct History {
    undo: Vec<PageContent>,
    redo: Vec<PageContent>,
}

impl History {
    /// Remembers `before` as the state an edit started from.
    pub fn record(&mut self, before: PageContent) {
        if self.undo.last() == Some(&before) {
            return;
        }
        self.undo.push(before);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// The state to go back to from `current`, if any.
    pub fn undo(&mut self, current: PageContent) -> Option<PageContent> {
        let previous = self.undo.pop()?;
        self.redo.push(current);
        Some(previous)
    }

    pub fn redo(&mut self, current: PageContent) -> Option<PageContent> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
