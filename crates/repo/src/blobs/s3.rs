//! Blobs in an S3-compatible object store, through `object_store`: it signs requests
//! (SigV4), does multipart uploads and ranged reads, retries with backoff, and speaks
//! path-style to self-hosted servers, which is all this store needs and no more.
//!
//! Objects are `<prefix>/sha256/ab/cd/<hash>`, the disk store's layout, so a
//! deployment moves between the two unchanged. An object appears at its address only
//! when its upload completes (a single PUT, or a multipart upload's completion), so a
//! reader never sees part of a blob; a multipart upload that fails is aborted.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{BackoffConfig, ClientOptions, GetOptions, GetRange, ObjectStore, PutPayload, RetryConfig, WriteMultipart};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{BlobHash, BlobReader, BlobStore, LocalBlob, Persisted, Spool, StagedBlob};
use crate::error::RepoError;

/// Blobs up to this size go up in one PUT; larger ones in parts of this size.
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once: bounds the memory one upload holds to about 4 × 8 MiB.
const PARTS_IN_FLIGHT: usize = 4;

/// Where the bucket is and how to sign for it. Credentials left out are read from
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// Folder-like prefix inside the bucket; empty for the bucket's root.
    pub prefix: String,
    /// `http://127.0.0.1:8333` for a self-hosted server (addressed path-style); AWS
    /// itself when `None`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for S3Settings {
    // Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct S3Store {
    bucket: Arc<AmazonS3>,
    settings: S3Settings,
    spool: Spool,
}

impl std::fmt::Debug for S3Store {
    // The client's own Debug prints its credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store").field("settings", &self.settings).field("spool", &self.spool).finish_non_exhaustive()
    }
}

/// A store failure: not found, or the service unreachable or refusing.
fn store_error<'a>(hash: &'a BlobHash, doing: &'static str) -> impl FnOnce(object_store::Error) -> RepoError + 'a {
    move |e| match e {
        object_store::Error::NotFound { .. } => RepoError::BlobMissing(hash.clone()),
        other => RepoError::StoreUnavailable { doing, detail: other.to_string() },
    }
}

impl S3Store {
    /// Builds the client; nothing is sent until [`BlobStore::check`] or a first use.
    pub fn open(settings: S3Settings, spool_dir: std::path::PathBuf) -> Result<Self, RepoError> {
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&settings.bucket).with_region(&settings.region);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint).with_virtual_hosted_style_request(false);
        }
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        // A store that is down must answer the request within seconds (a 503 to the
        // client), not after object_store's default three minutes of retries.
        let retry = RetryConfig { backoff: BackoffConfig::default(), max_retries: 2, retry_timeout: Duration::from_secs(10) };
        let plain_http = settings.endpoint.as_deref().is_some_and(|e| e.starts_with("http://"));
        let client = ClientOptions::new().with_allow_http(plain_http).with_connect_timeout(Duration::from_secs(5)).with_timeout(Duration::from_secs(120));
        let bucket = builder
            .with_retry(retry)
            .with_client_options(client)
            .build()
            .map_err(|e| RepoError::StoreUnavailable { doing: "configuring the S3 client", detail: e.to_string() })?;
        Ok(S3Store { bucket: Arc::new(bucket), spool: Spool::open(spool_dir)?, settings })
    }

    fn key(&self, hash: &BlobHash) -> ObjectPath {
        self.under(&hash.fan_out())
    }

    fn under(&self, rest: &str) -> ObjectPath {
        let prefix = self.settings.prefix.trim_matches('/');
        if prefix.is_empty() {
            ObjectPath::from(rest)
        } else {
            ObjectPath::from(format!("{prefix}/{rest}"))
        }
    }

    async fn upload_in_parts(&self, key: &ObjectPath, staged: &StagedBlob) -> Result<(), RepoError> {
        let hash = staged.hash();
        let upload = self.bucket.put_multipart(key).await.map_err(store_error(hash, "starting an upload to the object store"))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut file = tokio::fs::File::open(staged.spool_path()).await.map_err(RepoError::io("reading a spool file"))?;
        let mut buf = vec![0u8; 1024 * 1024];
        let sent: Result<(), RepoError> = async {
            loop {
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(store_error(hash, "uploading to the object store"))?;
                let n = file.read(&mut buf).await.map_err(RepoError::io("reading a spool file"))?;
                if n == 0 {
                    return Ok(());
                }
                writer.write(&buf[..n]);
            }
        }
        .await;
        match sent {
            Ok(()) => writer.finish().await.map(drop).map_err(store_error(hash, "completing an upload to the object store")),
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(blob = %hash, error = %abort, "an abandoned multipart upload could not be aborted");
                }
                Err(e)
            }
        }
    }
}

#[async_trait::async_trait]
impl BlobStore for S3Store {
    fn spool(&self) -> &Spool {
        &self.spool
    }

    async fn commit(&self, staged: StagedBlob) -> Result<Persisted, RepoError> {
        let hash = staged.hash().clone();
        if self.contains(&hash).await? {
            return Ok(Persisted { hash, newly_stored: false });
        }
        let key = self.key(&hash);
        if staged.size() <= PART_SIZE as u64 {
            let bytes = tokio::fs::read(staged.spool_path()).await.map_err(RepoError::io("reading a spool file"))?;
            self.bucket.put(&key, PutPayload::from(bytes)).await.map_err(store_error(&hash, "uploading to the object store"))?;
        } else {
            self.upload_in_parts(&key, &staged).await?;
        }
        Ok(Persisted { hash, newly_stored: true })
    }

    async fn open(&self, hash: &BlobHash, range: Option<Range<u64>>) -> Result<BlobReader, RepoError> {
        if range.as_ref().is_some_and(|r| r.is_empty()) {
            return Ok(Box::pin(tokio::io::empty()));
        }
        let options = GetOptions { range: range.map(GetRange::Bounded), ..Default::default() };
        let got = self.bucket.get_opts(&self.key(hash), options).await.map_err(store_error(hash, "reading from the object store"))?;
        let stream = got.into_stream().map_err(std::io::Error::other);
        Ok(Box::pin(tokio_util::io::StreamReader::new(stream)))
    }

    async fn contains(&self, hash: &BlobHash) -> Result<bool, RepoError> {
        match self.bucket.head(&self.key(hash)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(RepoError::StoreUnavailable { doing: "asking the object store for a blob", detail: e.to_string() }),
        }
    }

    async fn delete(&self, hash: &BlobHash) -> Result<(), RepoError> {
        match self.bucket.delete(&self.key(hash)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(RepoError::StoreUnavailable { doing: "deleting from the object store", detail: e.to_string() }),
        }
    }

    async fn local_file(&self, hash: &BlobHash) -> Result<LocalBlob, RepoError> {
        let mut download = self.spool.for_download(hash);
        let got = self.bucket.get(&self.key(hash)).await.map_err(store_error(hash, "reading from the object store"))?;
        let mut stream = got.into_stream();
        let file =
            tokio::fs::OpenOptions::new().write(true).create_new(true).open(download.spool_path()).await.map_err(RepoError::io("creating a spool file"))?;
        let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, file);
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(store_error(hash, "reading from the object store"))?;
            size += chunk.len() as u64;
            file.write_all(&chunk).await.map_err(RepoError::io("writing a spool file"))?;
        }
        file.flush().await.map_err(RepoError::io("writing a spool file"))?;
        download.set_size(size);
        download.into_local()
    }

    async fn check(&self) -> Result<(), RepoError> {
        // Listing one key proves the endpoint answers, the bucket exists and the
        // credentials are accepted.
        let mut listing = self.bucket.list(Some(&self.under("sha256")));
        match listing.next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(RepoError::StoreUnavailable { doing: "listing the bucket", detail: e.to_string() }),
        }
    }

    async fn count(&self) -> Result<usize, RepoError> {
        let listing = self.bucket.list(Some(&self.under("sha256")));
        listing
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .map_err(|e| RepoError::StoreUnavailable { doing: "listing the bucket", detail: e.to_string() })
    }

    fn describe(&self) -> String {
        let endpoint = self.settings.endpoint.as_deref().unwrap_or("AWS S3");
        format!("the bucket {:?} (prefix {:?}) at {endpoint}", self.settings.bucket, self.settings.prefix)
    }
}
