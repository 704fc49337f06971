//! The catalog conformance suite on SQLite.

use tessera_repo::Catalog;
use tessera_repo_sqlite::SqliteCatalog;

fn fresh() -> (Box<dyn Catalog>, tempfile::TempDir) {
    let dir = tempfile::TempDir::new().unwrap();
    let catalog = SqliteCatalog::open(&dir.path().join("tessera.sqlite3")).unwrap();
    (Box::new(catalog), dir)
}

tessera_repo::catalog_conformance!(fresh);
