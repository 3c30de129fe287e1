//! Finding units by what people type: without diacritics, without "Phường"/"Thành phố", or
//! with only the start of a name.

use super::codes::ProvinceCode;
use super::data::{COMMUNES, PROVINCES};
use super::lists::{Commune, Province, communes_of};
use crate::text::fold_words;

/// Unit words that may open a name or a query, folded, longest first so that "thi xa" is not
/// read as "thi" + "xa". Former kinds (thị trấn, thị xã, quận, huyện) are here because people
/// still type them.
const UNIT_WORDS: &[&str] = &[
    "thanh pho",
    "dac khu",
    "thi tran",
    "thi xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "tp",
    "xa",
];

/// How well a name matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MatchRank {
    Exact,
    Prefix,
    WordPrefix,
    Substring,
}

/// The provinces whose name matches `query`: exact folded matches first, then names that
/// start with it, then names with a word that starts with it, then any other containing it;
/// by code within each group. An empty query matches nothing.
pub fn search_provinces(query: &str) -> Vec<&'static Province> {
    let Some(query) = Query::new(query) else {
        return Vec::new();
    };
    ranked(PROVINCES.iter(), |p| query.rank(p.search_key), |p| p.code)
}

/// The communes whose name matches `query`, in one province or nationwide, ranked as in
/// [`search_provinces`].
pub fn search_communes(query: &str, within: Option<ProvinceCode>) -> Vec<&'static Commune> {
    let Some(query) = Query::new(query) else {
        return Vec::new();
    };
    let candidates = match within {
        Some(province) => communes_of(province),
        None => &COMMUNES,
    };
    ranked(candidates.iter(), |c| query.rank(c.search_key), |c| c.code)
}

fn ranked<T, K: Ord>(
    candidates: impl Iterator<Item = &'static T>,
    rank: impl Fn(&T) -> Option<MatchRank>,
    code: impl Fn(&T) -> K,
) -> Vec<&'static T> {
    let mut hits: Vec<(MatchRank, &'static T)> = candidates
        .filter_map(|candidate| rank(candidate).map(|r| (r, candidate)))
        .collect();
    hits.sort_by(|(rank_a, a), (rank_b, b)| rank_a.cmp(rank_b).then_with(|| code(a).cmp(&code(b))));
    hits.into_iter().map(|(_, candidate)| candidate).collect()
}

/// A query folded once, with and without its unit word: "phuong ba dinh" and "ba dinh".
struct Query {
    whole: String,
    bare: Option<String>,
}

impl Query {
    fn new(text: &str) -> Option<Query> {
        let whole = fold_words(text);
        if whole.is_empty() {
            return None;
        }
        let bare = without_unit_word(&whole).map(str::to_owned);
        Some(Query { whole, bare })
    }

    /// The best rank of either form of the query against either form of the name, so that
    /// "tinh bien" still finds "Phường Tịnh Biên" although "tinh" is also a unit word.
    fn rank(&self, name_key: &str) -> Option<MatchRank> {
        let bare_name = without_unit_word(name_key);
        let names = [Some(name_key), bare_name];
        let queries = [Some(self.whole.as_str()), self.bare.as_deref()];
        names
            .iter()
            .flatten()
            .flat_map(|name| queries.iter().flatten().map(move |query| (name, query)))
            .filter_map(|(name, query)| rank_one(name, query))
            .min()
    }
}

fn rank_one(name: &str, query: &str) -> Option<MatchRank> {
    if name == query {
        Some(MatchRank::Exact)
    } else if name.starts_with(query) {
        Some(MatchRank::Prefix)
    } else if name
        .match_indices(query)
        .any(|(at, _)| name.get(..at).is_some_and(|before| before.ends_with(' ')))
    {
        Some(MatchRank::WordPrefix)
    } else if name.contains(query) {
        Some(MatchRank::Substring)
    } else {
        None
    }
}

/// The key without its opening unit word, if it has one and something follows it.
fn without_unit_word(key: &str) -> Option<&str> {
    UNIT_WORDS.iter().find_map(|word| {
        key.strip_prefix(word)
            .and_then(|rest| rest.strip_prefix(' '))
            .filter(|rest| !rest.is_empty())
    })
}
