//! One suite for every blob store: what the repository relies on, checked against
//! the disk store always and against a real S3-compatible server when
//! `cargo xtask test --suite storage` has started one (SeaweedFS).

use tessera_repo::{BlobHash, BlobStore, DiskStore, RepoError, S3Settings, S3Store};
use tokio::io::AsyncReadExt;

async fn read_all(store: &dyn BlobStore, hash: &BlobHash, range: Option<std::ops::Range<u64>>) -> Vec<u8> {
    let mut out = Vec::new();
    store.open(hash, range).await.unwrap().read_to_end(&mut out).await.unwrap();
    out
}

/// Bytes that differ from run to run, so a store shared between runs never holds them yet.
fn fresh_bytes(len: usize) -> Vec<u8> {
    let mut seed = [0u8; 8];
    getrandom::fill(&mut seed).unwrap();
    let mut x = u64::from_le_bytes(seed) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A body that sends `len` bytes and then fails, as a client that goes away does.
struct Interrupted {
    left: usize,
}

impl tokio::io::AsyncRead for Interrupted {
    fn poll_read(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>, buf: &mut tokio::io::ReadBuf<'_>) -> std::task::Poll<std::io::Result<()>> {
        if self.left == 0 {
            return std::task::Poll::Ready(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "client went away")));
        }
        let n = self.left.min(buf.remaining()).min(4096);
        buf.put_slice(&vec![7u8; n]);
        self.left -= n;
        std::task::Poll::Ready(Ok(()))
    }
}

async fn conforms(store: &dyn BlobStore) {
    store.check().await.expect("the store answers");
    let before = store.count().await.unwrap();

    // A small blob: committed once, found, read whole and in part.
    let small = fresh_bytes(1000);
    let staged = store.spool().stage_bytes(&small).unwrap();
    let hash = staged.hash().clone();
    assert!(!store.contains(&hash).await.unwrap());
    let first = store.commit(staged).await.unwrap();
    assert!(first.newly_stored);
    assert!(store.contains(&hash).await.unwrap());
    let again = store.commit(store.spool().stage_bytes(&small).unwrap()).await.unwrap();
    assert!(!again.newly_stored, "the same bytes are stored once");
    assert_eq!(store.count().await.unwrap(), before + 1);
    assert_eq!(read_all(store, &hash, None).await, small);
    assert_eq!(read_all(store, &hash, Some(10..20)).await, &small[10..20]);
    assert_eq!(read_all(store, &hash, Some(999..1000)).await, &small[999..]);

    // A decoder's local copy reads and seeks, and leaves nothing in the spool.
    let local = store.local_file(&hash).await.unwrap();
    let mut copy = Vec::new();
    std::io::Read::read_to_end(&mut local.reader().unwrap(), &mut copy).unwrap();
    assert_eq!(copy, small);
    drop(local);
    assert_eq!(store.spool().files(), 0, "a local copy is gone with its handle");

    // A large blob streams in, is hashed on the way, and goes up in parts.
    let large = fresh_bytes(20 * 1024 * 1024 + 123);
    let staged = store.spool().receive(&large[..], u64::MAX, 16).await.unwrap();
    assert_eq!(staged.head(), &large[..16]);
    assert_eq!(staged.size(), large.len() as u64);
    let large_hash = staged.hash().clone();
    assert_eq!(large_hash.as_str(), hex_sha256(&large));
    assert!(store.commit(staged).await.unwrap().newly_stored);
    let tail = large.len() as u64 - 100..large.len() as u64;
    assert_eq!(read_all(store, &large_hash, Some(tail.clone())).await, &large[tail.start as usize..]);
    assert_eq!(read_all(store, &large_hash, None).await.len(), large.len());

    // Refused and interrupted bodies leave no spool file and store nothing.
    let refused = store.spool().receive(&large[..], 1024, 0).await;
    assert!(matches!(refused, Err(RepoError::TooLarge { limit: 1024 })));
    let interrupted = store.spool().receive(Interrupted { left: 100_000 }, u64::MAX, 0).await;
    assert!(matches!(interrupted, Err(RepoError::UploadInterrupted(_))));
    let abandoned = store.spool().stage_bytes(&fresh_bytes(10)).unwrap();
    let abandoned_hash = abandoned.hash().clone();
    drop(abandoned);
    assert_eq!(store.spool().files(), 0);
    assert!(!store.contains(&abandoned_hash).await.unwrap());
    assert_eq!(store.count().await.unwrap(), before + 2);

    // Deleted blobs are gone; deleting twice is no error; missing is its own error.
    store.delete(&hash).await.unwrap();
    store.delete(&hash).await.unwrap();
    store.delete(&large_hash).await.unwrap();
    assert!(!store.contains(&hash).await.unwrap());
    assert!(matches!(store.open(&hash, None).await.err(), Some(RepoError::BlobMissing(h)) if h == hash));
    assert!(matches!(store.local_file(&hash).await.err(), Some(RepoError::BlobMissing(_))));
    assert_eq!(store.count().await.unwrap(), before);
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn the_disk_store_conforms() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = DiskStore::open(dir.path().join("blobs")).unwrap();
    conforms(&store).await;
    // The layout on disk is the one earlier versions wrote.
    let hash = store.spool().stage_bytes(b"layout").unwrap().hash().clone();
    store.commit(store.spool().stage_bytes(b"layout").unwrap()).await.unwrap();
    let h = hash.as_str();
    assert!(dir.path().join("blobs/sha256").join(&h[..2]).join(&h[2..4]).join(h).is_file());
}

/// The S3 server `cargo xtask test --suite storage` started, with a prefix of this
/// test's own.
pub fn s3_settings(prefix: &str) -> S3Settings {
    let endpoint = std::env::var("TESSERA_TEST_S3_ENDPOINT").expect("TESSERA_TEST_S3_ENDPOINT names the S3 server (cargo xtask test --suite storage)");
    let bucket = std::env::var("TESSERA_TEST_S3_BUCKET").expect("TESSERA_TEST_S3_BUCKET names the bucket");
    S3Settings { bucket, prefix: prefix.to_owned(), endpoint: Some(endpoint), region: "us-east-1".into(), access_key_id: None, secret_access_key: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an S3 server: cargo xtask test --suite storage"]
async fn the_s3_store_conforms() {
    let dir = tempfile::TempDir::new().unwrap();
    let prefix = format!("conformance-{}", hex_sha256(&fresh_bytes(8))[..12].to_owned());
    let store = S3Store::open(s3_settings(&prefix), dir.path().join("spool")).unwrap();
    conforms(&store).await;
}

#[tokio::test]
async fn an_s3_store_that_does_not_answer_fails_fast_and_keeps_nothing() {
    // Nothing listens on a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::TempDir::new().unwrap();
    let settings = S3Settings {
        bucket: "gone".into(),
        prefix: String::new(),
        endpoint: Some(format!("http://127.0.0.1:{port}")),
        region: "us-east-1".into(),
        access_key_id: Some("key".into()),
        secret_access_key: Some("secret".into()),
    };
    let store = S3Store::open(settings, dir.path().join("spool")).unwrap();
    assert!(matches!(store.check().await, Err(RepoError::StoreUnavailable { .. })));
    let staged = store.spool().stage_bytes(b"never stored").unwrap();
    assert!(matches!(store.commit(staged).await, Err(RepoError::StoreUnavailable { .. })));
    assert_eq!(store.spool().files(), 0, "the failed commit's spool file is gone");
    assert!(!format!("{store:?}").contains("secret"), "settings never print the secret");
}
