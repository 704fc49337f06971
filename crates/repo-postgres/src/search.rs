//! Search on PostgreSQL: the generated `tsvector` with prefix terms for words, SQL for
//! filters, keyset paging with the repository's [`SearchCursor`] — the same hits in
//! the same order as the SQLite side for every sort but relevance, which puts the
//! same columns first in tiers a little coarser (the file name and tags share one
//! weight here, each has its own tier there), newest first within each.

use postgres::GenericClient;
use tessera_model::search::MimePattern;
use tessera_model::{MatchCount, Order, SearchQuery, Sort, COUNT_LIMIT};
use tessera_repo::{kind_sql, orientation_sql, ReadScope, RepoError, SearchCursor, SearchPage};

use crate::error::{like_escape, scope_sql, Db, Params};

/// Relevance tiers, best first, by the weights of the search vector: A (title), B
/// (file name and tags), C (description), then the rest (the path, or words spread
/// over several of them). An asset is in the first tier whose weight holds every
/// word, and newest first within a tier: each tier is then read newest first, a
/// page at a time, instead of `ts_rank` scoring every match before the first page
/// can be known (200 ms for 110,000 matches).
const TIER_WEIGHTS: [&str; 3] = ["A", "B", "C"];
const TIERS: usize = TIER_WEIGHTS.len() + 1;

/// Runs a search on `c`. The first page's count runs meanwhile on `spare`, a second
/// connection when the pool has one idle, so the page waits for the longer of the two
/// instead of both (the count reads up to [`COUNT_LIMIT`] matches, the page a few);
/// without one it runs on `c` after the page. See [`Total`].
pub fn search<S: std::ops::DerefMut<Target = postgres::Client> + Send>(
    c: &mut impl GenericClient,
    spare: impl FnOnce() -> Option<S>,
    query: &SearchQuery,
    scope: &ReadScope,
) -> Result<SearchPage, RepoError> {
    if scope.is_nothing() {
        return Ok(SearchPage { assets: Vec::new(), next_cursor: None, total: Some(MatchCount::Exactly(0)) });
    }
    let words = query.words();
    let sort = match query.sort.unwrap_or_default() {
        Sort::Relevance if words.is_empty() => Sort::Modified,
        s => s,
    };
    let order = if sort == Sort::Relevance { Order::Asc } else { query.order.unwrap_or(sort.default_order()) };
    let key = match sort {
        Sort::Relevance => "a.id",
        Sort::Name => "lower(a.name)",
        Sort::Modified => "a.modified_at",
        Sort::Size => "a.size",
    };
    let cursor = query.cursor.as_deref().map(SearchCursor::decode).transpose()?;
    let as_of: i64 = match &cursor {
        Some(c) => c.as_of,
        None => c.query_one("SELECT coalesce(max(id), 0)::BIGINT FROM assets", &[]).db()?.get(0),
    };
    let limit = query.page_size() as usize;

    let mut params = Params::default();
    let mut from = String::from("assets a");
    let mut filters = Vec::new();
    if !words.is_empty() {
        from.push_str(&format!(", to_tsquery('tessera', {}) q", params.push(every_word(&words))));
        filters.push("a.search @@ q".to_owned());
    }
    filters.push(format!("a.id <= {}", params.push(as_of)));
    add_filters(query, scope, &mut filters, &mut params)?;

    let page = Page { words: &words, sort, order, key, as_of, limit };
    let Some(cursor) = cursor else {
        let matching =
            Matching { sql: format!("SELECT 1 FROM {from} WHERE {}", filters.join(" AND ")), params: &params, total: Total::for_query(query, &words) };
        let ((assets, next_cursor), total) = match spare() {
            Some(mut other) => std::thread::scope(|s| {
                let counting = s.spawn(|| matching.total(&mut *other));
                let found = page.read(c, query, scope, None, (&from, &filters, &params));
                let total = counting.join().map_err(|_| RepoError::Internal("the search's count panicked".into()))?;
                Ok::<_, RepoError>((found?, total?))
            })?,
            None => {
                let found = page.read(c, query, scope, None, (&from, &filters, &params))?;
                (found, matching.total(c)?)
            }
        };
        // A first page that is also the last holds every match: no need to estimate.
        let total = match total {
            MatchCount::About(_) if next_cursor.is_none() => MatchCount::Exactly(assets.len() as u64),
            total => total,
        };
        return Ok(SearchPage { assets, next_cursor, total: Some(total) });
    };
    if sort != Sort::Relevance {
        let k = match (sort, &cursor.key) {
            (Sort::Name, serde_json::Value::String(s)) => params.push(s.clone()),
            (Sort::Modified | Sort::Size, serde_json::Value::Number(n)) if n.is_i64() => params.push(n.as_i64().unwrap_or_default()),
            _ => return Err(SearchCursor::foreign()),
        };
        let id = params.push(cursor.id);
        let cmp = if order == Order::Asc { ">" } else { "<" };
        filters.push(format!("({key} {cmp} {k} OR ({key} = {k} AND a.id {cmp} {id}))"));
    }
    let (assets, next_cursor) = page.read(c, query, scope, Some(&cursor), (&from, &filters, &params))?;
    Ok(SearchPage { assets, next_cursor, total: None })
}

/// How the first page's total is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Total {
    Count,
    /// The planner's estimate where it expects more than [`COUNT_LIMIT`], else a count.
    EstimateElseCount,
}

impl Total {
    /// Counting stops at [`COUNT_LIMIT`], but the rows it reads are every hit of the
    /// word first (a bitmap of the index) and then each row's other conditions: for a
    /// common word 11,000 rows at 100,000 assets, 114,000 at 1,000,000, only to say
    /// "more than 1,000". The planner's estimate costs a plan, and says more: "about
    /// 11,000". It stands for a count only where it is sound: one word, whose
    /// frequency the statistics hold (several words it would take as independent),
    /// and filters on the asset's own columns. A folder's or a tag's assets are found
    /// through a subquery the planner cannot see into, and an orientation compares
    /// two columns, which it only guesses at: those are counted.
    fn for_query(query: &SearchQuery, words: &[String]) -> Total {
        if words.len() == 1 && query.in_folder.is_none() && query.tag.is_none() && query.orientation.is_none() {
            Total::EstimateElseCount
        } else {
            Total::Count
        }
    }
}

/// The rows a search's conditions match, to be counted or estimated.
struct Matching<'a> {
    /// `SELECT 1 FROM … WHERE …`.
    sql: String,
    params: &'a Params,
    total: Total,
}

impl Matching<'_> {
    /// How many match: estimated where [`Total`] allows and the planner expects more
    /// than [`COUNT_LIMIT`]; else counted, stopping after `COUNT_LIMIT + 1` rows.
    fn total(&self, c: &mut impl GenericClient) -> Result<MatchCount, RepoError> {
        if self.total == Total::EstimateElseCount && words_have_statistics(c)? {
            let plan = c.query(&format!("EXPLAIN {}", self.sql), &self.params.refs()).db()?;
            if let Some(rows) = plan.first().and_then(|row| planned_rows(row.get(0))).filter(|rows| *rows > COUNT_LIMIT) {
                return Ok(MatchCount::about(rows));
            }
        }
        let sql = format!("SELECT count(*) FROM ({} LIMIT {}) counted", self.sql, COUNT_LIMIT + 1);
        Ok(MatchCount::capped(c.query_one(&sql, &self.params.refs()).db()?.get::<_, i64>(0) as u64))
    }
}

/// Whether the statistics of the search vectors hold enough words for the planner to
/// estimate a prefix from them: with fewer than 100 PostgreSQL takes every prefix to
/// match a flat 2% of the rows (`DEFAULT_TS_MATCH_SEL * 4`), which is no estimate.
fn words_have_statistics(c: &mut impl GenericClient) -> Result<bool, RepoError> {
    let sql = "SELECT coalesce(array_length(most_common_elems, 1), 0) >= 100 FROM pg_stats \
               WHERE schemaname = current_schema() AND tablename = 'assets' AND attname = 'search'";
    Ok(c.query_opt(sql, &[]).db()?.is_some_and(|row| row.get::<_, bool>(0)))
}

/// The `rows=` of a plan's top line: "Bitmap Heap Scan on assets a  (cost=… rows=1143 width=4)".
fn planned_rows(line: &str) -> Option<u64> {
    let after = &line[line.find(" rows=")? + " rows=".len()..];
    after[..after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len())].parse().ok()
}

/// How a search's page is read, whatever its conditions.
struct Page<'a> {
    words: &'a [String],
    sort: Sort,
    order: Order,
    key: &'a str,
    as_of: i64,
    limit: usize,
}

impl Page<'_> {
    /// The page's assets after `cursor` (whose condition `filters` already holds for
    /// every sort but relevance), and the cursor of the next page.
    fn read(
        &self,
        c: &mut impl GenericClient,
        query: &SearchQuery,
        scope: &ReadScope,
        cursor: Option<&SearchCursor>,
        (from, filters, params): (&str, &[String], &Params),
    ) -> Result<(Vec<tessera_repo::AssetRecord>, Option<String>), RepoError> {
        let (limit, key) = (self.limit, self.key);
        let mut hits = if self.sort == Sort::Relevance {
            by_relevance(c, query, scope, self.words, (self.as_of, cursor), limit)?
        } else {
            let dir = if self.order == Order::Asc { "ASC" } else { "DESC" };
            let sql = format!("SELECT a.id, {key} FROM {from} WHERE {} ORDER BY {key} {dir}, a.id {dir} LIMIT {}", filters.join(" AND "), limit + 1);
            let rows = c.query(&sql, &params.refs()).db()?;
            rows.iter()
                .map(|r| {
                    let key = match self.sort {
                        Sort::Name => r.get::<_, String>(1).into(),
                        _ => r.get::<_, i64>(1).into(),
                    };
                    (r.get(0), key)
                })
                .collect::<Vec<(i64, serde_json::Value)>>()
        };
        let more = hits.len() > limit;
        hits.truncate(limit);
        let next_cursor = match (more, hits.last()) {
            (true, Some((id, key))) => Some(SearchCursor { as_of: self.as_of, key: key.clone(), id: *id }.encode()),
            _ => None,
        };
        let ids: Vec<i64> = hits.iter().map(|(id, _)| *id).collect();
        Ok((crate::assets_by_ids(c, &ids)?, next_cursor))
    }
}

/// Up to `limit` + 1 matches by relevance after `cursor`, each with its tier: the rest
/// of the cursor's tier, then the tiers after it, each newest first.
fn by_relevance(
    c: &mut impl GenericClient,
    query: &SearchQuery,
    scope: &ReadScope,
    words: &[String],
    (as_of, cursor): (i64, Option<&SearchCursor>),
    limit: usize,
) -> Result<Vec<(i64, serde_json::Value)>, RepoError> {
    let start = cursor.map(|c| c.tier(TIERS)).transpose()?.unwrap_or(0);
    let mut hits = Vec::new();
    for tier in start..TIERS {
        let mut params = Params::default();
        let mut filters = vec![tier_condition(words, tier, &mut params)];
        filters.push(format!("a.id <= {}", params.push(as_of)));
        add_filters(query, scope, &mut filters, &mut params)?;
        if let Some(c) = cursor.filter(|_| tier == start) {
            filters.push(format!("a.id < {}", params.push(c.id)));
        }
        let wanted = limit + 1 - hits.len();
        let sql = format!("SELECT a.id FROM assets a WHERE {} ORDER BY a.id DESC LIMIT {wanted}", filters.join(" AND "));
        hits.extend(c.query(&sql, &params.refs()).db()?.iter().map(|r| (r.get::<_, i64>(0), serde_json::Value::from(tier))));
        if hits.len() > limit {
            break;
        }
    }
    Ok(hits)
}

/// The condition of relevance tier `tier`. The first asks the title's own vector
/// (`title_search`, the same words as weight A of `search`), whose index also holds the
/// MIME type: a type filter then narrows the index scan, where weight A of `search`
/// could only be checked row by row, newest first, past every asset of another type.
fn tier_condition(words: &[String], tier: usize, params: &mut Params) -> String {
    if tier == 0 {
        format!("a.title_search @@ to_tsquery('tessera', {})", params.push(every_word(words)))
    } else {
        format!("a.search @@ to_tsquery('tessera', {})", params.push(tier_query(words, tier)))
    }
}

/// The tsquery of every word as a prefix. Words hold only letters and digits, so
/// `word:*` is always a valid prefix term.
fn every_word(words: &[String]) -> String {
    words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ")
}

/// The tsquery of relevance tier `tier` (see [`TIER_WEIGHTS`]): every word within
/// the tier's weight, and not every word within a weight before it. Words hold only
/// letters and digits, so `word:*A` is always a valid weighted prefix term.
fn tier_query(words: &[String], tier: usize) -> String {
    let within = |weight: &str| format!("({})", words.iter().map(|w| format!("{w}:*{weight}")).collect::<Vec<_>>().join(" & "));
    let earlier = TIER_WEIGHTS[..tier.min(TIER_WEIGHTS.len())].iter().map(|w| format!(" & !{}", within(w)));
    let this = TIER_WEIGHTS.get(tier).map_or_else(|| within(""), |w| within(w));
    std::iter::once(this).chain(earlier).collect()
}

fn add_filters(query: &SearchQuery, scope: &ReadScope, filters: &mut Vec<String>, params: &mut Params) -> Result<(), RepoError> {
    filters.push(scope_sql(scope, "a.path", params));
    // Every document type is a document: said twice, the planner would take the two
    // for independent conditions and estimate a quarter of the matches.
    let implied = query.kind == Some(tessera_model::AssetKind::Document) && query.doctype.is_some();
    if let Some(kind) = query.kind.filter(|_| !implied) {
        filters.push(kind_sql(kind).into());
    }
    if let Some(doctype) = query.doctype {
        let mimes: Vec<String> = doctype.mimes().iter().map(|m| (*m).to_owned()).collect();
        filters.push(format!("a.mime = ANY({})", params.push(mimes)));
    }
    let patterns = query.mime_patterns().map_err(RepoError::BadQuery)?;
    if !patterns.is_empty() {
        let any: Vec<String> = patterns
            .iter()
            .map(|pattern| match pattern {
                MimePattern::Family(major) => format!("a.mime LIKE {}", params.push(format!("{}/%", like_escape(major)))),
                MimePattern::Exact(mime) => format!("a.mime = {}", params.push(mime.clone())),
            })
            .collect();
        filters.push(format!("({})", any.join(" OR ")));
    }
    if let Some(folder) = &query.folder {
        if !folder.is_root() {
            filters.push(format!("a.path LIKE {}", params.push(format!("{}/%", like_escape(folder.as_str())))));
        }
    }
    if let Some(folder) = &query.in_folder {
        filters.push(format!("a.folder_id = (SELECT id FROM folders WHERE path = {})", params.push(folder.as_str().to_owned())));
    }
    if let Some(tag) = &query.tag {
        let exact = params.push(tag.as_str().to_owned());
        let below = if tag.as_str().ends_with(':') { format!("{}%", like_escape(tag.as_str())) } else { format!("{}/%", like_escape(tag.as_str())) };
        let below = params.push(below);
        filters.push(format!("a.id IN (SELECT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE t.tag = {exact} OR t.tag LIKE {below})"));
    }
    if let Some(orientation) = query.orientation {
        filters.push(orientation_sql(orientation).into());
    }
    if let Some(holder) = &query.checked_out_by {
        filters.push(format!("a.checked_out_by = {}", params.push(holder.clone())));
    }
    if let Some(after) = query.modified_after {
        filters.push(format!("a.modified_at >= {}", params.push(after)));
    }
    if let Some(before) = query.modified_before {
        filters.push(format!("a.modified_at < {}", params.push(before)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::planned_rows;

    #[test]
    fn a_plans_rows_are_read_from_its_top_line() {
        assert_eq!(planned_rows("Bitmap Heap Scan on assets a  (cost=124.59..6710.37 rows=1143 width=4)"), Some(1143));
        assert_eq!(planned_rows("Seq Scan on assets a  (cost=0.00..8006.00 rows=23311 width=4)"), Some(23311));
        assert_eq!(planned_rows("Result  (cost=0.00..0.01 rows=1 width=4)"), Some(1));
        assert_eq!(planned_rows("something else"), None);
    }
}
