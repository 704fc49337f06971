//! SQLite's errors as the repository's, and the SQL this backend writes for the
//! repository's neutral types.

use rusqlite::types::Value;
use tessera_repo::{ReadScope, RepoError};

/// `.db()?` turns a rusqlite error into [`RepoError::Database`], keeping it as the source.
pub(crate) trait Db<T> {
    fn db(self) -> Result<T, RepoError>;
}

impl<T> Db<T> for rusqlite::Result<T> {
    fn db(self) -> Result<T, RepoError> {
        self.map_err(|e| RepoError::Database(Box::new(e)))
    }
}

/// Escapes `_` (and the escape character) for a LIKE pattern; DAM paths cannot hold `%`.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('_', "\\_")
}

/// A SQL condition on `column` (a DAM path) that holds exactly where `scope`
/// allows reading, with its parameters.
pub(crate) fn scope_sql(scope: &ReadScope, column: &str) -> (String, Vec<Value>) {
    let mut params = Vec::new();
    let parts: Vec<String> = scope.readable_parts().map(|(rules, default)| part_sql(rules, default, column, &mut params)).collect();
    if parts.is_empty() {
        return ("0".into(), params);
    }
    (format!("({})", parts.join(" OR ")), params)
}

/// The deepest rule above the path decides (rules come deepest first), else `default`.
fn part_sql(rules: &[(tessera_model::DamPath, bool)], default: bool, column: &str, params: &mut Vec<Value>) -> String {
    if rules.is_empty() {
        return if default { "1" } else { "0" }.to_owned();
    }
    let mut sql = String::from("(CASE");
    for (folder, may) in rules {
        sql.push_str(&format!(" WHEN {column} = ? OR {column} LIKE ? ESCAPE '\\' THEN {}", u8::from(*may)));
        params.push(Value::Text(folder.as_str().to_owned()));
        params.push(Value::Text(format!("{}/%", like_escape(folder.as_str()))));
    }
    sql.push_str(&format!(" ELSE {} END = 1)", u8::from(default)));
    sql
}
