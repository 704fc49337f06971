//! PostgreSQL's errors as the repository's, and the SQL this backend writes for the
//! repository's neutral types.

use postgres::types::ToSql;
use tessera_repo::{ReadScope, RepoError};

/// `.db()?` turns a driver error into the repository's: a connection that is gone
/// or cannot be made, or a transaction the server gave up to break a deadlock, is
/// [`RepoError::DatabaseUnavailable`] (503, try again), any other failure
/// [`RepoError::Database`].
pub(crate) trait Db<T> {
    fn db(self) -> Result<T, RepoError>;
}

impl<T> Db<T> for Result<T, postgres::Error> {
    fn db(self) -> Result<T, RepoError> {
        self.map_err(|e| {
            if (e.as_db_error().is_none() && (e.is_closed() || is_connection_error(&e))) || is_transient(&e) {
                RepoError::DatabaseUnavailable(e.to_string())
            } else {
                RepoError::Database(Box::new(e))
            }
        })
    }
}

/// For an insert that another process may race: its unique violation is the
/// refusal the caller names (the path is taken), not a database failure.
pub(crate) trait Taken<T> {
    fn or_taken(self, refusal: impl FnOnce() -> RepoError) -> Result<T, RepoError>;
}

impl<T> Taken<T> for Result<T, postgres::Error> {
    fn or_taken(self, refusal: impl FnOnce() -> RepoError) -> Result<T, RepoError> {
        match self {
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) => Err(refusal()),
            other => other.db(),
        }
    }
}

impl<T> Db<T> for Result<T, r2d2::Error> {
    fn db(self) -> Result<T, RepoError> {
        self.map_err(|e| RepoError::DatabaseUnavailable(e.to_string()))
    }
}

/// A deadlock or serialization failure: the server rolled the transaction back and
/// the same request, tried again, can succeed. The lock order (`lock_asset`) keeps
/// the known ones away; this keeps any other from being a 500.
fn is_transient(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    matches!(e.code(), Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE)
}

/// An I/O failure under the driver: the server went away or never answered.
fn is_connection_error(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Escapes `_`, `%` and the escape character for a LIKE pattern.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('_', "\\_").replace('%', "\\%")
}

/// Parameters of a query built piece by piece: each `push` answers its placeholder.
#[derive(Default)]
pub(crate) struct Params {
    values: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Params {
    pub fn push(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.values.push(Box::new(value));
        format!("${}", self.values.len())
    }

    pub fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values.iter().map(|v| v.as_ref() as &(dyn ToSql + Sync)).collect()
    }
}

/// A SQL condition on `column` (a DAM path) that holds exactly where `scope` allows
/// reading.
pub(crate) fn scope_sql(scope: &ReadScope, column: &str, params: &mut Params) -> String {
    let parts: Vec<String> = scope
        .readable_parts()
        .map(|(rules, default)| {
            if rules.is_empty() {
                return default.to_string();
            }
            // The deepest rule above the path decides (rules come deepest first).
            let mut sql = String::from("(CASE");
            for (folder, may) in rules {
                let exact = params.push(folder.as_str().to_owned());
                let below = params.push(format!("{}/%", like_escape(folder.as_str())));
                sql.push_str(&format!(" WHEN {column} = {exact} OR {column} LIKE {below} THEN {may}"));
            }
            sql.push_str(&format!(" ELSE {default} END)"));
            sql
        })
        .collect();
    if parts.is_empty() {
        return "false".into();
    }
    format!("({})", parts.join(" OR "))
}
