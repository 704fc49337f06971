//! The catalog conformance suite on PostgreSQL, each test in a database of its own on
//! the server `cargo xtask test --suite storage` starts.

use tessera_repo::Catalog;
use tessera_repo_postgres::PostgresCatalog;

fn fresh() -> (Box<dyn Catalog>, ()) {
    let admin = std::env::var("TESSERA_TEST_POSTGRES_URL").expect("TESSERA_TEST_POSTGRES_URL names the server (cargo xtask test --suite storage)");
    let mut noise = [0u8; 6];
    getrandom::fill(&mut noise).unwrap();
    let database = format!("conformance_{}", noise.iter().map(|b| format!("{b:02x}")).collect::<String>());
    postgres::Client::connect(&admin, postgres::NoTls).and_then(|mut c| c.batch_execute(&format!("CREATE DATABASE {database}"))).unwrap();
    let (server, _) = admin.rsplit_once('/').expect("the URL ends with /database");
    (Box::new(PostgresCatalog::open(&format!("{server}/{database}"), 2).unwrap()), ())
}

tessera_repo::catalog_conformance!(fresh, #[ignore = "needs PostgreSQL: cargo xtask test --suite storage"]);
