//! What the PostgreSQL tests share: a database of their own on the server
//! `cargo xtask test --suite storage` starts.

/// The URL of a new, empty database named `<prefix>_<random>`.
pub fn fresh_database(prefix: &str) -> String {
    let admin = std::env::var("TESSERA_TEST_POSTGRES_URL").expect("TESSERA_TEST_POSTGRES_URL names the server (cargo xtask test --suite storage)");
    let mut noise = [0u8; 6];
    getrandom::fill(&mut noise).unwrap();
    let database = format!("{prefix}_{}", noise.iter().map(|b| format!("{b:02x}")).collect::<String>());
    postgres::Client::connect(&admin, postgres::NoTls).and_then(|mut c| c.batch_execute(&format!("CREATE DATABASE {database}"))).unwrap();
    let (server, _) = admin.rsplit_once('/').expect("the URL ends with /database");
    format!("{server}/{database}")
}
