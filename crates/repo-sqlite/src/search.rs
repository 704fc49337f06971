//! Search over the catalog: FTS5 for words, SQL for filters, keyset paging with the
//! repository's [`SearchCursor`].

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use tessera_model::search::MimePattern;
use tessera_model::{AssetKind, MatchCount, Order, SearchQuery, Sort, COUNT_LIMIT};
use tessera_repo::{kind_sql, orientation_sql, AssetRecord, ReadScope, RepoError, SearchCursor, SearchPage};

use crate::error::{like_escape, scope_sql, Db};

/// Relevance ranks by where the words are found, in this order (each tier leaves out
/// what an earlier one found), and newest first within a tier. `{e}` is the words'
/// FTS5 expression. A tier holds the assets with every word in its one column, so
/// each earlier column is left out on its own: `{title name}: (e)` would also leave
/// out words spread over the title and the name, which belong to the last tier.
/// FTS5 hands each tier's matches over newest first from its own index, so a page
/// reads about as many rows as it shows, however many assets match; a score such as
/// bm25 would have to be computed for every match before the first page could be
/// known (8 ms for 11,000 matches, 190 ms for 110,000).
const TIERS: [&str; 5] = [
    "{title}: ({e})",
    "{name}: ({e}) NOT {title}: ({e})",
    "{tags}: ({e}) NOT {title}: ({e}) NOT {name}: ({e})",
    "{description}: ({e}) NOT {title}: ({e}) NOT {name}: ({e}) NOT {tags}: ({e})",
    "({e}) NOT {title}: ({e}) NOT {name}: ({e}) NOT {tags}: ({e}) NOT {description}: ({e})",
];

/// Every match of the words, whatever the tier.
const ANY_TIER: &str = "{e}";

/// The `facets` column of the FTS index: tokens for an asset's kind, MIME type, MIME
/// family and orientation, so that a search with words answers those filters inside
/// the index, and its count and pages look up no asset row to check them (the count
/// of a word with a type and a date over 100,000 assets: 5.8 ms before, 1.3 ms).
/// Each token mirrors the SQL filter it stands for ([`kind_sql`], [`orientation_sql`],
/// those of [`add_type_filters`]) exactly, SQLite's rules included: LIKE folds ASCII
/// case, `=` does not. [`facet_match`] asks for them.
///
/// Every token starts with [`FACET_MARK`], a private-use character: the tokenizer
/// keeps it, and [`SearchQuery::words`] never does (it is neither a letter nor a
/// digit), so no word can match a facet, and words need no column filter, which
/// would cost every search reading position lists.
pub(crate) const FACETS_SQL: &str = "char(57344) || (CASE WHEN a.mime LIKE 'image/%' AND a.mime <> 'image/svg+xml' THEN 'kimage' ELSE 'kdocument' END)
     || ' ' || char(57344) || 'm' || hex(a.mime)
     || ' ' || char(57344) || 'f' || hex(lower(substr(a.mime, 1, instr(a.mime, '/') - 1)))
     || (CASE WHEN a.width > a.height THEN ' ' || char(57344) || 'olandscape'
              WHEN a.width < a.height THEN ' ' || char(57344) || 'oportrait'
              WHEN a.width = a.height THEN ' ' || char(57344) || 'osquare' ELSE '' END)";

/// U+E000, `char(57344)` in [`FACETS_SQL`].
const FACET_MARK: char = '\u{e000}';

/// Runs a search; `load` turns a matching row id into a full asset record.
pub fn search(
    conn: &Connection,
    query: &SearchQuery,
    scope: &ReadScope,
    load: impl Fn(&[i64]) -> Result<Vec<AssetRecord>, RepoError>,
) -> Result<SearchPage, RepoError> {
    if scope.is_nothing() {
        return Ok(SearchPage { assets: Vec::new(), next_cursor: None, total: Some(MatchCount::Exactly(0)) });
    }
    let words = query.fts_terms();
    let sort = match query.sort.unwrap_or_default() {
        Sort::Relevance if words.is_none() => Sort::Modified,
        s => s,
    };
    let order = if sort == Sort::Relevance { Order::Asc } else { query.order.unwrap_or(sort.default_order()) };
    let key = match sort {
        Sort::Relevance => "a.id",
        Sort::Name => "a.name COLLATE NOCASE",
        Sort::Modified => "a.modified_at",
        Sort::Size => "a.size",
    };
    let cursor = query.cursor.as_deref().map(SearchCursor::decode).transpose()?;
    let as_of = match &cursor {
        Some(c) => c.as_of,
        None => conn.prepare_cached("SELECT coalesce(max(id), 0) FROM assets").db()?.query_row([], |r| r.get(0)).db()?,
    };

    let mut rows = Rows { filters: Vec::new(), params: Vec::new() };
    let index = match words {
        Some(words) => Some(IndexMatch { words, facets: facet_match(query)? }),
        None => {
            add_type_filters(query, &mut rows)?;
            None
        }
    };
    add_filters(query, scope, &mut rows)?;

    let total = match cursor {
        None => Some(MatchCount::capped(count(conn, index.as_ref(), as_of, &rows)?)),
        Some(_) => None,
    };
    let limit = query.page_size() as usize;
    let found = match (&index, sort) {
        (Some(index), Sort::Relevance) => by_relevance(conn, index, (as_of, cursor.as_ref()), rows, limit)?,
        _ => sorted(conn, index.as_ref(), (key, order), (as_of, cursor.as_ref()), rows, limit)?,
    };
    let more = found.len() > limit;
    let found = &found[..found.len().min(limit)];
    let next_cursor = match (more, found.last()) {
        (true, Some((id, key))) => Some(SearchCursor { as_of, key: value_to_json(key), id: *id }.encode()),
        _ => None,
    };
    let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    let assets = load(&ids)?;
    Ok(SearchPage { assets, next_cursor, total })
}

/// What a search with words asks of the FTS index: the words' expression, and the
/// filters the index answers itself (see [`FACETS_SQL`]).
struct IndexMatch {
    words: String,
    facets: Option<String>,
}

impl IndexMatch {
    /// The MATCH expression of `pattern` (a [`TIERS`] entry or [`ANY_TIER`]).
    fn expression(&self, pattern: &str) -> String {
        let words = pattern.replace("{e}", &self.words);
        match &self.facets {
            Some(facets) => format!("({words}) AND {facets}"),
            None => words,
        }
    }
}

/// The conditions on an asset row `a` that the FTS index does not answer, and their
/// parameters, in order. None at all means the index alone decides what matches.
struct Rows {
    filters: Vec<String>,
    params: Vec<Value>,
}

impl Rows {
    /// The FROM clause of a query over the matches and its row id column: the index
    /// alone when it decides, else joined with the assets.
    fn source(&self, index: Option<&IndexMatch>) -> (&'static str, &'static str) {
        match index {
            Some(_) if self.filters.is_empty() => ("assets_fts", "rowid"),
            Some(_) => ("assets_fts f JOIN assets a ON a.id = f.rowid", "f.rowid"),
            None => ("assets a", "a.id"),
        }
    }

    /// `WHERE`'s conditions after the MATCH and the row id bound.
    fn and_filters(&self) -> String {
        self.filters.iter().map(|f| format!(" AND {f}")).collect()
    }
}

/// How many assets match, up to [`COUNT_LIMIT`] + 1: the count stops there, so it
/// costs no more than reading that many matches.
fn count(conn: &Connection, index: Option<&IndexMatch>, as_of: i64, rows: &Rows) -> Result<u64, RepoError> {
    let (from, id) = rows.source(index);
    let mut params = Vec::new();
    let mut conditions = String::new();
    if let Some(index) = index {
        conditions.push_str("assets_fts MATCH ? AND ");
        params.push(Value::Text(index.expression(ANY_TIER)));
    }
    conditions.push_str(&format!("{id} <= ?"));
    params.push(Value::Integer(as_of));
    params.extend(rows.params.iter().cloned());
    let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {from} WHERE {conditions}{} LIMIT {})", rows.and_filters(), COUNT_LIMIT + 1);
    let n: i64 = conn.prepare_cached(&sql).db()?.query_row(params_from_iter(params.iter()), |r| r.get(0)).db()?;
    Ok(n as u64)
}

/// Up to `limit` + 1 matches by relevance after `cursor`, each with its tier: the rest
/// of the cursor's tier, then the tiers after it, each newest first.
fn by_relevance(
    conn: &Connection,
    index: &IndexMatch,
    (as_of, cursor): (i64, Option<&SearchCursor>),
    rows: Rows,
    limit: usize,
) -> Result<Vec<(i64, Value)>, RepoError> {
    let (from, id) = rows.source(Some(index));
    let start = cursor.map(|c| c.tier(TIERS.len())).transpose()?.unwrap_or(0);
    let mut found = Vec::new();
    for (tier, pattern) in TIERS.iter().enumerate().skip(start) {
        let mut params = vec![Value::Text(index.expression(pattern)), Value::Integer(as_of)];
        let mut conditions = format!("assets_fts MATCH ? AND {id} <= ?");
        if let Some(c) = cursor.filter(|_| tier == start) {
            conditions.push_str(&format!(" AND {id} < ?"));
            params.push(Value::Integer(c.id));
        }
        params.extend(rows.params.iter().cloned());
        let wanted = limit + 1 - found.len();
        let sql = format!("SELECT {id} FROM {from} WHERE {conditions}{} ORDER BY {id} DESC LIMIT {wanted}", rows.and_filters());
        let mut stmt = conn.prepare_cached(&sql).db()?;
        let matches = stmt.query_map(params_from_iter(params.iter()), |r| r.get::<_, i64>(0)).db()?;
        for id in matches {
            found.push((id.db()?, Value::Integer(tier as i64)));
        }
        if found.len() > limit {
            break;
        }
    }
    Ok(found)
}

/// Up to `limit` + 1 matches after `cursor` in the order of `key`, each with its key.
fn sorted(
    conn: &Connection,
    index: Option<&IndexMatch>,
    (key, order): (&str, Order),
    (as_of, cursor): (i64, Option<&SearchCursor>),
    rows: Rows,
    limit: usize,
) -> Result<Vec<(i64, Value)>, RepoError> {
    let (cmp, dir) = match order {
        Order::Asc => (">", "ASC"),
        Order::Desc => ("<", "DESC"),
    };
    let (mut conditions, mut params) = (Vec::new(), Vec::new());
    let from = match index {
        Some(index) => {
            conditions.push("assets_fts MATCH ?".to_owned());
            params.push(Value::Text(index.expression(ANY_TIER)));
            "assets_fts f JOIN assets a ON a.id = f.rowid"
        }
        None => "assets a",
    };
    conditions.push("a.id <= ?".to_owned());
    params.push(Value::Integer(as_of));
    conditions.extend(rows.filters);
    params.extend(rows.params);
    if let Some(c) = cursor {
        conditions.push(format!("({key} {cmp} ? OR ({key} = ? AND a.id {cmp} ?))"));
        let k = json_to_value(&c.key)?;
        params.extend([k.clone(), k, Value::Integer(c.id)]);
    }
    let sql = format!("SELECT a.id, {key} FROM {from} WHERE {} ORDER BY {key} {dir}, a.id {dir} LIMIT {}", conditions.join(" AND "), limit + 1);
    let mut stmt = conn.prepare_cached(&sql).db()?;
    let found = stmt.query_map(params_from_iter(params.iter()), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Value>(1)?))).db()?.collect::<Result<_, _>>().db()?;
    Ok(found)
}

/// The kind, type and orientation filters as FTS5 terms on the `facets` column (see
/// [`FACETS_SQL`]); `None` when the search has none of them.
fn facet_match(query: &SearchQuery) -> Result<Option<String>, RepoError> {
    let token = |name: &str| format!("\"{FACET_MARK}{name}\"");
    let hex = |kind: &str, text: &str| token(&format!("{kind}{}", text.bytes().map(|b| format!("{b:02x}")).collect::<String>()));
    let mut all = Vec::new();
    match query.kind {
        Some(AssetKind::Image) => all.push(token("kimage")),
        // Every document type's MIME types are documents': one term less to intersect.
        Some(AssetKind::Document) if query.doctype.is_some() => {}
        Some(AssetKind::Document) => all.push(token("kdocument")),
        None => {}
    }
    if let Some(doctype) = query.doctype {
        all.push(format!("({})", doctype.mimes().iter().map(|m| hex("m", m)).collect::<Vec<_>>().join(" OR ")));
    }
    let patterns = query.mime_patterns().map_err(RepoError::BadQuery)?;
    if !patterns.is_empty() {
        let any: Vec<String> = patterns
            .iter()
            .map(|pattern| match pattern {
                MimePattern::Family(major) => hex("f", major),
                MimePattern::Exact(mime) => hex("m", mime),
            })
            .collect();
        all.push(format!("({})", any.join(" OR ")));
    }
    if let Some(orientation) = query.orientation {
        all.push(token(match orientation {
            tessera_model::Orientation::Landscape => "olandscape",
            tessera_model::Orientation::Portrait => "oportrait",
            tessera_model::Orientation::Square => "osquare",
        }));
    }
    Ok((!all.is_empty()).then(|| format!("{{facets}}: ({})", all.join(" AND "))))
}

/// The kind, type and orientation filters as SQL, for a search without words.
fn add_type_filters(query: &SearchQuery, rows: &mut Rows) -> Result<(), RepoError> {
    let Rows { filters, params } = rows;
    if let Some(kind) = query.kind {
        filters.push(kind_sql(kind).into());
    }
    if let Some(doctype) = query.doctype {
        let mimes = doctype.mimes();
        filters.push(format!("a.mime IN ({})", vec!["?"; mimes.len()].join(", ")));
        params.extend(mimes.iter().map(|m| Value::Text((*m).to_owned())));
    }
    let patterns = query.mime_patterns().map_err(RepoError::BadQuery)?;
    if !patterns.is_empty() {
        let any: Vec<&str> = patterns
            .iter()
            .map(|pattern| match pattern {
                MimePattern::Family(major) => {
                    params.push(Value::Text(format!("{}/%", like_escape(major))));
                    "a.mime LIKE ? ESCAPE '\\'"
                }
                MimePattern::Exact(mime) => {
                    params.push(Value::Text(mime.clone()));
                    "a.mime = ?"
                }
            })
            .collect();
        filters.push(format!("({})", any.join(" OR ")));
    }
    if let Some(orientation) = query.orientation {
        filters.push(orientation_sql(orientation).into());
    }
    Ok(())
}

/// The filters no index answers, read scope first: none at all for a caller who may
/// read everything.
fn add_filters(query: &SearchQuery, scope: &ReadScope, rows: &mut Rows) -> Result<(), RepoError> {
    let Rows { filters, params } = rows;
    if !scope.is_everything() {
        let (visible, visible_params) = scope_sql(scope, "a.path");
        filters.push(visible);
        params.extend(visible_params);
    }
    if let Some(folder) = &query.folder {
        if !folder.is_root() {
            filters.push("a.path LIKE ? ESCAPE '\\'".into());
            params.push(Value::Text(format!("{}/%", like_escape(folder.as_str()))));
        }
    }
    if let Some(folder) = &query.in_folder {
        filters.push("a.folder_id = (SELECT id FROM folders WHERE path = ?)".into());
        params.push(Value::Text(folder.as_str().to_owned()));
    }
    if let Some(tag) = &query.tag {
        filters.push(
            "a.id IN (SELECT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                      WHERE t.tag = ? OR t.tag LIKE ? ESCAPE '\\')"
                .into(),
        );
        params.push(Value::Text(tag.as_str().to_owned()));
        let below = if tag.as_str().ends_with(':') { format!("{}%", like_escape(tag.as_str())) } else { format!("{}/%", like_escape(tag.as_str())) };
        params.push(Value::Text(below));
    }
    if let Some(holder) = &query.checked_out_by {
        filters.push("a.checked_out_by = ?".into());
        params.push(Value::Text(holder.clone()));
    }
    if let Some(after) = query.modified_after {
        filters.push("a.modified_at >= ?".into());
        params.push(Value::Integer(after));
    }
    if let Some(before) = query.modified_before {
        filters.push("a.modified_at < ?".into());
        params.push(Value::Integer(before));
    }
    Ok(())
}

fn value_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into),
        Value::Text(t) => t.clone().into(),
        _ => serde_json::Value::Null,
    }
}

fn json_to_value(v: &serde_json::Value) -> Result<Value, RepoError> {
    match v {
        serde_json::Value::Number(n) if n.is_i64() => Ok(Value::Integer(n.as_i64().unwrap_or_default())),
        serde_json::Value::Number(n) => Ok(Value::Real(n.as_f64().unwrap_or_default())),
        serde_json::Value::String(s) => Ok(Value::Text(s.clone())),
        _ => Err(SearchCursor::foreign()),
    }
}
