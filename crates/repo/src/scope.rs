//! Which parts of the DAM a caller may read, in a form both a single check and a
//! SQL filter can use, so lists and searches show exactly what `authorize` allows.

use rusqlite::types::Value;
use tessera_model::DamPath;

/// Read access by subtree: the deepest rule above a path decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadScope {
    /// Folder → may read, deepest folders first.
    rules: Vec<(DamPath, bool)>,
    default: bool,
}

impl ReadScope {
    pub fn everything() -> Self {
        ReadScope { rules: Vec::new(), default: true }
    }

    pub fn nothing() -> Self {
        ReadScope { rules: Vec::new(), default: false }
    }

    pub fn new(mut rules: Vec<(DamPath, bool)>, default: bool) -> Self {
        rules.sort_by_key(|(p, _)| std::cmp::Reverse(p.as_str().len()));
        ReadScope { rules, default }
    }

    pub fn allows(&self, path: &DamPath) -> bool {
        self.rules
            .iter()
            .find(|(folder, _)| is_within(path, folder))
            .map_or(self.default, |(_, may)| *may)
    }

    /// Whether nothing at all is readable, so a query can be skipped.
    pub fn is_nothing(&self) -> bool {
        !self.default && self.rules.iter().all(|(_, may)| !may)
    }

    /// A SQL condition on `column` (a DAM path) with its parameters.
    pub(crate) fn sql(&self, column: &str) -> (String, Vec<Value>) {
        if self.rules.is_empty() {
            return (if self.default { "1" } else { "0" }.to_owned(), Vec::new());
        }
        let mut sql = String::from("(CASE");
        let mut params = Vec::new();
        for (folder, may) in &self.rules {
            sql.push_str(&format!(" WHEN {column} = ? OR {column} LIKE ? ESCAPE '\\' THEN {}", u8::from(*may)));
            params.push(Value::Text(folder.as_str().to_owned()));
            params.push(Value::Text(format!("{}/%", like_escape(folder.as_str()))));
        }
        sql.push_str(&format!(" ELSE {} END = 1)", u8::from(self.default)));
        (sql, params)
    }
}

/// Whether `path` is `folder` or lies below it.
pub fn is_within(path: &DamPath, folder: &DamPath) -> bool {
    let (p, f) = (path.as_str(), folder.as_str());
    p == f || (p.starts_with(f) && p.as_bytes().get(f.len()) == Some(&b'/'))
}

/// Escapes `_` (and the escape character) for a LIKE pattern; DAM paths cannot hold `%`.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> DamPath {
        DamPath::parse(s).unwrap()
    }

    #[test]
    fn the_deepest_rule_decides() {
        let scope = ReadScope::new(
            vec![(p("/content/dam/public"), true), (p("/content/dam/public/secret"), false)],
            false,
        );
        assert!(scope.allows(&p("/content/dam/public/a.jpg")));
        assert!(!scope.allows(&p("/content/dam/public/secret/b.jpg")));
        assert!(!scope.allows(&p("/content/dam/publicity/c.jpg")), "a sibling with a common prefix");
        assert!(!scope.allows(&p("/content/dam/other.jpg")));
        assert!(!scope.is_nothing());
        assert!(ReadScope::nothing().is_nothing());
    }
}
