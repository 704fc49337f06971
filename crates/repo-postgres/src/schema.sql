-- Tessera's catalog on PostgreSQL, version 1: the same tables as the SQLite
-- catalog's migrations leave, with full-text search in a generated tsvector.
-- Paths, names and tags sort byte by byte ("C"), as SQLite compares them.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Words as SQLite's unicode61 tokenizer sees them: letters and digits, split at
-- everything else, accents removed.
CREATE TEXT SEARCH CONFIGURATION tessera (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION tessera ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword
    WITH unaccent, simple;
CREATE FUNCTION tessera_words(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(coalesce($1, ''), '[^[:alnum:]]+', ' ', 'g');

CREATE TABLE folders (
    id         BIGSERIAL PRIMARY KEY,
    path       TEXT COLLATE "C" NOT NULL UNIQUE,
    parent_id  BIGINT REFERENCES folders(id),
    title      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX folders_by_parent ON folders(parent_id, path);

CREATE TABLE assets (
    id          BIGSERIAL PRIMARY KEY,
    path        TEXT COLLATE "C" NOT NULL UNIQUE,
    name        TEXT COLLATE "C" NOT NULL,
    folder_id   BIGINT NOT NULL REFERENCES folders(id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    width       INTEGER,
    height      INTEGER,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    modified_by TEXT NOT NULL,
    modified_at BIGINT NOT NULL,
    properties  TEXT NOT NULL DEFAULT '{}',
    -- Connected Assets: where a fetched copy came from (all three set, or none).
    remote_url  TEXT,
    remote_path TEXT,
    fetched_at  BIGINT,
    -- The asset's tags and their titles, kept by the catalog for the search vector.
    search_tags TEXT NOT NULL DEFAULT '',
    -- Weights as the SQLite side's bm25 columns: title, then name and tags, then
    -- description, then path.
    search      TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('tessera', tessera_words(title)), 'A')
        || setweight(to_tsvector('tessera', tessera_words(name)), 'B')
        || setweight(to_tsvector('tessera', tessera_words(search_tags)), 'B')
        || setweight(to_tsvector('tessera', tessera_words(description)), 'C')
        || setweight(to_tsvector('tessera', tessera_words(path)), 'D')
    ) STORED
);
CREATE INDEX assets_by_folder ON assets(folder_id, path);
CREATE INDEX assets_by_name ON assets((lower(name) COLLATE "C"), id);
CREATE INDEX assets_by_modified ON assets(modified_at, id);
CREATE INDEX assets_by_size ON assets(size, id);
CREATE INDEX assets_search ON assets USING GIN (search);
-- Folder filters are prefix matches on the path.
CREATE INDEX assets_by_path_prefix ON assets(path text_pattern_ops);
-- Substring matches on titles (the finder's "contains").
CREATE INDEX assets_title_trigrams ON assets USING GIN (title gin_trgm_ops);

CREATE TABLE renditions (
    asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    name     TEXT COLLATE "C" NOT NULL,
    sha256   TEXT NOT NULL,
    mime     TEXT NOT NULL,
    size     BIGINT NOT NULL,
    width    INTEGER,
    height   INTEGER,
    PRIMARY KEY (asset_id, name)
);
CREATE INDEX renditions_by_blob ON renditions(sha256);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Rendition jobs: a persistent queue, claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
    id          BIGSERIAL PRIMARY KEY,
    asset_id    BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    run_after   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT
);
CREATE INDEX jobs_ready ON jobs(state, run_after, id);
CREATE INDEX jobs_by_asset ON jobs(asset_id, id);

-- The namespaced taxonomy: `products:` is a namespace, `products:shoes/running` a tag.
CREATE TABLE tags (
    id        BIGSERIAL PRIMARY KEY,
    tag       TEXT COLLATE "C" NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    parent_id BIGINT REFERENCES tags(id) ON DELETE CASCADE
);
CREATE TABLE asset_tags (
    asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    tag_id   BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (asset_id, tag_id)
);
CREATE INDEX asset_tags_by_tag ON asset_tags(tag_id);

-- "Page P uses asset A": sites_url is '' for a page of this deployment.
CREATE TABLE asset_references (
    id         BIGSERIAL PRIMARY KEY,
    asset_id   BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    sites_url  TEXT COLLATE "C" NOT NULL,
    page_path  TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (asset_id, sites_url, page_path)
);

CREATE TABLE folder_permissions (
    folder_id BIGINT NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    grp       TEXT COLLATE "C" NOT NULL,
    access    TEXT NOT NULL CHECK (access IN ('none', 'read', 'write')),
    PRIMARY KEY (folder_id, grp)
);

CREATE TABLE pages (
    id           BIGSERIAL PRIMARY KEY,
    path         TEXT COLLATE "C" NOT NULL UNIQUE,
    parent_id    BIGINT REFERENCES pages(id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    version      BIGINT NOT NULL,
    components   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    modified_by  TEXT NOT NULL,
    modified_at  BIGINT NOT NULL,
    published_at BIGINT
);
CREATE TABLE published_pages (
    page_id      BIGINT PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
    html         TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE TABLE published_blobs (
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    sha256  TEXT NOT NULL,
    mime    TEXT NOT NULL,
    PRIMARY KEY (page_id, sha256)
);
CREATE INDEX published_blobs_by_hash ON published_blobs(sha256);

CREATE TABLE image_edits (
    key   TEXT PRIMARY KEY,
    state TEXT NOT NULL
);
CREATE TABLE image_cache (
    original TEXT NOT NULL,
    edit_key TEXT NOT NULL,
    width    INTEGER NOT NULL,
    format   TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (original, edit_key, width, format)
);

CREATE TABLE connected_jobs (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    remote_path TEXT NOT NULL,
    local_path  TEXT NOT NULL,
    page_path   TEXT,
    error       TEXT,
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    bytes_done  BIGINT NOT NULL DEFAULT 0,
    bytes_total BIGINT,
    detail      TEXT
);
CREATE INDEX connected_jobs_by_state ON connected_jobs(state, id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
