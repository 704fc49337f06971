use tessera_model::{DamPath, PathError};

/// Everything the repository can refuse or fail at. The server maps each variant to
/// one HTTP status; the messages are safe to show to the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("{0} does not exist")]
    NotFound(DamPath),
    #[error("the parent folder {0} does not exist")]
    ParentMissing(DamPath),
    #[error("{0} already exists")]
    AlreadyExists(DamPath),
    #[error("the asset has no rendition called {0:?}")]
    NoSuchRendition(String),
    #[error("the asset has no version {0}")]
    NoSuchVersion(u32),
    #[error("{0}")]
    BadQuery(String),
    #[error("{0}")]
    BadMetadata(String),
    #[error("the tag {0} does not exist")]
    UnknownTag(String),
    #[error("{what} is used by {total} page(s) ({details}); repeat with force to {action} it anyway")]
    Referenced { what: String, action: &'static str, total: u64, details: String },
    #[error("the page {0} does not exist")]
    PageMissing(String),
    #[error("the page {0} already exists")]
    PageExists(String),
    #[error("the page was saved by {modified_by} after you opened it (it is now at version {current}); reload to see their changes")]
    VersionConflict { current: u64, modified_by: String, modified_at: i64 },
    #[error("{0} is a read-only copy from the remote DAM; change it there")]
    ConnectedCopy(DamPath),
    #[error("{path} is checked out by {holder}")]
    Locked { path: DamPath, holder: String },
    #[error("{0} is not checked out")]
    NotCheckedOut(DamPath),
    #[error("the asset is {asset}, the file {file}: a check-in keeps the asset's type")]
    TypeChanged { asset: String, file: String },
    #[error("collection {0} does not exist")]
    NoSuchCollection(i64),
    #[error("you may see collection {0} but not change it")]
    CollectionReadOnly(i64),
    #[error("this link is not valid: it may have expired or been revoked")]
    NoSuchShareLink,
    #[error("{path} is a Live Copy of {of}: its binary follows the source. Change the source and roll it out, or Detach the live copy first")]
    LiveCopyBinary { path: DamPath, of: DamPath },
    #[error("{0} is not a Live Copy")]
    NotALiveCopy(DamPath),
    #[error("{copy} is not a direct Live Copy of {of}: a live copy of a live copy follows its own source only")]
    NotADirectLiveCopy { copy: DamPath, of: DamPath },
    #[error("the Live Copy relationship of {0} is suspended: Resume it first")]
    Suspended(DamPath),
    #[error("the source of the Live Copy {0} no longer exists")]
    SourceMissing(DamPath),
    #[error("a folder cannot be copied into itself")]
    CopyIntoSelf,
    #[error("a folder cannot be moved into itself")]
    MoveIntoSelf,
    #[error("the DAM root cannot be moved or deleted")]
    RootIsFixed,
    #[error(transparent)]
    BadPath(#[from] PathError),
    #[error("the file is empty")]
    EmptyUpload,
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file's content is not {declared}")]
    TypeMismatch { declared: String },
    #[error("the file type is not supported")]
    UnsupportedType,
    #[error("the image has {pixels} pixels, more than the limit of {limit}")]
    TooManyPixels { pixels: u64, limit: u64 },
    #[error("the image cannot be decoded: {0}")]
    UndecodableImage(String),
    /// The request body ended with an error, for instance because the client went away.
    #[error("the upload was interrupted")]
    UploadInterrupted(#[source] std::io::Error),
    #[error("storage failure while {context}")]
    Io {
        context: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The catalog names a blob that its store does not hold.
    #[error("the bytes of blob {0} are no longer stored")]
    BlobMissing(crate::blobs::BlobHash),
    /// The blob store did not answer or refused; trying again later may work.
    #[error("the blob store failed while {doing}: {detail}")]
    StoreUnavailable { doing: &'static str, detail: String },
    /// The catalog's database failed; the backend's own error is the source.
    #[error("database failure")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The catalog's database did not answer; trying again later may work.
    #[error("the database is not answering: {0}")]
    DatabaseUnavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl RepoError {
    /// Adapts an `io::Error` with what the repository was doing, for `map_err`.
    pub(crate) fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> RepoError {
        move |source| RepoError::Io { context, source }
    }
}
