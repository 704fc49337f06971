//! Making wasm-bindgen's JS glue and the wasm's imports from it smaller.
//!
//! Short names for the functions a bundle's wasm imports from its JS glue:
//! wasm-bindgen names each import after what it wraps plus a 16-digit hash
//! (`__wbg_setAttribute_2704501201f15687`), and the name is written twice: in the
//! module's import section and in the glue's import object. Hashes do not compress,
//! and the console imports about 240 functions, so the names cost about 6 KB of what
//! a page downloads gzipped. Both files come out of one build, so renaming in both
//! at once is safe; a name the glue does not define stops the build instead of
//! failing in the browser.

use std::collections::{HashMap, HashSet};

use anyhow::bail;

/// Renames every import `wasm` takes from the glue module `glue_module` to a short
/// name, and the same names in `js`, the glue. Returns the glue with the new names.
pub fn shorten_imports(wasm: &mut wasm_bindgen_cli_support::Output, glue_module: &str, js: &str) -> anyhow::Result<String> {
    let taken: HashSet<&str> = identifiers(js).map(|(_, word)| word).collect();
    let mut fresh = ShortNames::avoiding(taken);
    let mut renamed: HashMap<String, String> = HashMap::new();
    for import in wasm.wasm_mut().imports.iter_mut().filter(|import| import.module == glue_module) {
        let short = fresh.next_name();
        renamed.insert(std::mem::replace(&mut import.name, short.clone()), short);
    }
    let mut out = String::with_capacity(js.len());
    let mut copied = 0;
    let mut found = HashSet::new();
    for (at, word) in identifiers(js) {
        if let Some(short) = renamed.get(word) {
            out.push_str(&js[copied..at]);
            out.push_str(short);
            copied = at + word.len();
            found.insert(word);
        }
    }
    out.push_str(&js[copied..]);
    if let Some(missing) = renamed.keys().find(|name| !found.contains(name.as_str())) {
        bail!("the wasm imports {missing} from {glue_module}, which its JS glue does not define");
    }
    Ok(out)
}

/// Removes the exports of each class the glue can never make an instance of, with
/// the code only they reach. leptos always links server_fn, whose wasm-streams
/// classes (`IntoUnderlyingSource`…) are exported although nothing in Tessera streams
/// a server function: about 1.3 KB gzipped of each bundle. The glue makes an instance
/// of an exported class only through its constructor or `Class.__wrap`, which it
/// writes when Rust hands one to JS; a class with neither can have no instance, so
/// its methods, still in the glue, can never be called.
pub fn drop_classes_without_instances(wasm: &mut wasm_bindgen_cli_support::Output, js: &str) {
    let exports = &mut wasm.wasm_mut().exports;
    for class in classes_without_instances(js) {
        let prefix = format!("{}_", class.to_lowercase());
        let free = format!("__wbg_{prefix}free");
        let dropped: Vec<_> = exports.iter().filter(|e| e.name.starts_with(&prefix) || e.name == free).map(|e| e.id()).collect();
        for id in dropped {
            exports.delete(id);
        }
    }
}

/// The classes `js` exports with no constructor and no `__wrap`.
fn classes_without_instances(js: &str) -> Vec<&str> {
    const CLASS: &str = "\nexport class ";
    js.match_indices(CLASS)
        .filter_map(|(at, _)| {
            let rest = &js[at + CLASS.len()..];
            let name = rest.split(|c: char| !is_word(c)).next()?;
            // The class ends at the first `}` back at the start of a line.
            let body = &rest[..rest.find("\n}").unwrap_or(rest.len())];
            let made = body.contains("constructor(") || js.contains(&format!("{name}.__wrap("));
            (!name.is_empty() && !made).then_some(name)
        })
        .collect()
}

/// `js` without its doc comments, line comments and indentation, which no browser
/// needs (the bundles' types are in their `.d.ts`). Only whole lines are dropped or
/// trimmed, so the glue must have no string that spans lines: if a template literal
/// does, the glue is returned as it is.
pub fn without_comments(js: &str) -> String {
    if js.lines().any(|line| line.matches('`').count() % 2 == 1) {
        return js.to_owned();
    }
    let mut out = String::with_capacity(js.len());
    let mut in_doc_comment = false;
    for line in js.lines().map(str::trim) {
        if in_doc_comment || line.starts_with("/**") {
            in_doc_comment = !line.ends_with("*/");
        } else if !line.is_empty() && !line.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Each identifier-like word in `js` (letters, digits, `_` and `$`) with its byte offset.
/// Words inside strings and comments count too, which only makes renaming stricter.
fn identifiers(js: &str) -> impl Iterator<Item = (usize, &str)> {
    js.split(|c: char| !is_word(c)).filter(|word| !word.is_empty()).map(move |word| (word.as_ptr().addr() - js.as_ptr().addr(), word))
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `a`, `b`, … `Z`, `aa`, `ab`, …: property names valid in JS, skipping any word the
/// glue already uses and the keywords short enough to come up.
struct ShortNames<'a> {
    next: usize,
    taken: HashSet<&'a str>,
}

impl<'a> ShortNames<'a> {
    const LETTERS: &'static [u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const KEYWORDS: [&'static str; 3] = ["do", "if", "in"];

    fn avoiding(taken: HashSet<&'a str>) -> Self {
        ShortNames { next: 0, taken }
    }

    fn next_name(&mut self) -> String {
        loop {
            let name = Self::nth(self.next);
            self.next += 1;
            if !self.taken.contains(name.as_str()) && !Self::KEYWORDS.contains(&name.as_str()) {
                return name;
            }
        }
    }

    /// The `n`th name in bijective base 52: every string of letters, shortest first.
    fn nth(mut n: usize) -> String {
        let mut letters = Vec::new();
        loop {
            letters.push(Self::LETTERS[n % 52]);
            if n < 52 {
                break;
            }
            n = n / 52 - 1;
        }
        letters.reverse();
        String::from_utf8(letters).expect("ASCII letters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_run_through_every_string_of_letters_shortest_first() {
        assert_eq!(ShortNames::nth(0), "a");
        assert_eq!(ShortNames::nth(51), "Z");
        assert_eq!(ShortNames::nth(52), "aa");
        assert_eq!(ShortNames::nth(52 + 52 * 52 - 1), "ZZ");
        assert_eq!(ShortNames::nth(52 + 52 * 52), "aaa");
    }

    #[test]
    fn names_skip_words_the_glue_uses_and_keywords() {
        let taken: HashSet<&str> = ["a", "c"].into();
        let mut names = ShortNames::avoiding(taken);
        let first: Vec<String> = (0..3).map(|_| names.next_name()).collect();
        assert_eq!(first, ["b", "d", "e"]);
        let mut names = ShortNames { next: 52 + 3 * 52 + 8, taken: HashSet::new() };
        assert_eq!(ShortNames::nth(52 + 3 * 52 + 14), "do");
        let upto_do: Vec<String> = (0..7).map(|_| names.next_name()).collect();
        assert!(!upto_do.contains(&"do".to_owned()), "{upto_do:?}");
    }

    #[test]
    fn only_classes_nothing_can_make_are_found() {
        let js = "\nexport class Stream {\n    pull() {\n        return wasm.stream_pull(this.__wbg_ptr);\n    }\n}\n\
                  \nexport class Made {\n    constructor(x) {\n    }\n}\n\
                  \nexport class Handed {\n    get x() {\n    }\n}\nconst h = Handed.__wrap(ret);\n";
        assert_eq!(classes_without_instances(js), ["Stream"]);
    }

    #[test]
    fn comments_and_indentation_go_and_code_stays() {
        let js = "/* @ts-self-types=\"./x.d.ts\" */\nexport class A {\n    /**\n     * @returns {number}\n     */\n    get x() {\n        // why\n        return 1; /* kept */\n    }\n    /** one line */\n}\n";
        assert_eq!(without_comments(js), "/* @ts-self-types=\"./x.d.ts\" */\nexport class A {\nget x() {\nreturn 1; /* kept */\n}\n}\n");
    }

    #[test]
    fn glue_with_a_string_across_lines_is_left_as_it_is() {
        let js = "const s = `a\n    b`;\n    // c\n";
        assert_eq!(without_comments(js), js);
    }

    #[test]
    fn identifiers_are_found_with_their_offsets() {
        let js = "x.__wbg_a_12: function(arg0) { $y }";
        let words: Vec<(usize, &str)> = identifiers(js).collect();
        assert_eq!(words, [(0, "x"), (2, "__wbg_a_12"), (14, "function"), (23, "arg0"), (31, "$y")]);
        assert_eq!(identifiers("end").collect::<Vec<_>>(), [(0, "end")]);
    }
}
