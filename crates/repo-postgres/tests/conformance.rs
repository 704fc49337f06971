//! The catalog conformance suite on PostgreSQL, each test in a database of its own on
//! the server `cargo xtask test --suite storage` starts.

use tessera_repo::Catalog;
use tessera_repo_postgres::PostgresCatalog;

mod common;

fn fresh() -> (Box<dyn Catalog>, ()) {
    (Box::new(PostgresCatalog::open(&common::fresh_database("conformance"), 2).unwrap()), ())
}

tessera_repo::catalog_conformance!(fresh, #[ignore = "needs PostgreSQL: cargo xtask test --suite storage"]);
