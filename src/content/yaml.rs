//! Reading one YAML file into a typed struct, turning every failure into a diagnostic that names
//! the file, the line and what to do.

use crate::diag::{Diagnostic, Loc, SourceMap};
use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use serde_saphyr::options::DuplicateKeyPolicy;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

/// Biggest YAML file folio reads; content files are a few kilobytes.
const MAX_YAML_BYTES: u64 = 8 * 1024 * 1024;

/// Reads `path` (shown to users as `name`), registers its text in `sources` and parses it.
/// A file whose text is the one parsed last time is not parsed again: `folio watch` reads
/// every content file after each save, and at 200 pages parsing took 12 ms of a save.
pub fn read<T: DeserializeOwned + Send + Sync + 'static>(
    path: &Path,
    name: &Path,
    sources: &mut SourceMap,
) -> Result<(Arc<T>, usize), Box<Diagnostic>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Box::new(Diagnostic::error(format!("cannot read {}: {e}", name.display())).in_file(name))
    })?;
    if meta.len() > MAX_YAML_BYTES {
        return Err(Box::new(
            Diagnostic::error(format!(
                "{} is {} MB; content files are expected to be small",
                name.display(),
                meta.len() / 1_048_576
            ))
            .in_file(name)
            .hint("split the content into several files or check that this is the right file"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Box::new(Diagnostic::error(format!("cannot read {}: {e}", name.display())).in_file(name))
    })?;
    let text = decode_text(&bytes, name)?;
    let file = sources.add(name, text);
    if let Some(line) = comment_as_value(sources.text(file)) {
        let loc = sources.loc(file, line, 1);
        let key = sources.text(file).lines().nth(line - 1).unwrap_or("");
        let key = key
            .trim()
            .trim_start_matches("- ")
            .split(':')
            .next()
            .unwrap_or("")
            .trim();
        return Err(Box::new(
            Diagnostic::error(format!(
                "`{key}` has no value: the text after it starts with #, which YAML reads as a comment"
            ))
            .at(sources, loc)
            .hint("put the text in quotes, e.g. `subtitle: \"#1 ...\"`, or remove the key"),
        ));
    }
    let key = (name.to_path_buf(), TypeId::of::<T>());
    let hash = blake3::hash(sources.text(file).as_bytes());
    if let Some((h, parsed)) = PARSED.lock().get(&key)
        && *h == hash
        && let Ok(parsed) = parsed.clone().downcast::<T>()
    {
        return Ok((parsed, file));
    }
    let parsed = Arc::new(parse::<T>(sources, file)?);
    PARSED.lock().insert(key, (hash, parsed.clone()));
    Ok((parsed, file))
}

/// The last parse of each file, by the name it is shown as and the type it was parsed into,
/// with a hash of the text parsed: one entry per content file, replaced when the file changes.
type Parsed = HashMap<(PathBuf, TypeId), (blake3::Hash, Arc<dyn Any + Send + Sync>)>;
static PARSED: LazyLock<Mutex<Parsed>> = LazyLock::new(Default::default);

/// The 1-based line of a `key: # ...` whose value is nothing but a comment: YAML reads it as
/// an empty value, so text a writer meant (`subtitle: #1 in the region`) would silently vanish.
/// A key whose value follows on the next, deeper lines (`intro:  # the introduction`) is fine.
fn comment_as_value(text: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let body = body.strip_prefix("- ").unwrap_or(body);
        let Some((key, rest)) = body.split_once(':') else {
            continue;
        };
        let key_ok = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
        if !key_ok
            || !(rest.starts_with(" #") || rest.starts_with("\t#"))
            || !rest.trim_start().starts_with('#')
        {
            continue;
        }
        let next = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let nested = next.is_some_and(|n| {
            indent(n) > indent(line)
                || (indent(n) == indent(line) && n.trim_start().starts_with("- "))
        });
        if !nested {
            return Some(i + 1);
        }
    }
    None
}

/// UTF-8 (with or without a BOM), CRLF or LF; anything else is an error with the line.
fn decode_text(bytes: &[u8], name: &Path) -> Result<String, Box<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text =
        match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(Box::new(Diagnostic::error(format!(
                "{} is not valid UTF-8 (bad byte at line {line}, byte {})",
                name.display(),
                e.valid_up_to() + 1
            ))
            .in_file(name)
            .hint("save the file as UTF-8 in your editor (e.g. \"Save with encoding → UTF-8\")")));
            }
        };
    Ok(text.replace("\r\n", "\n"))
}

fn parse<T: DeserializeOwned>(sources: &SourceMap, file: usize) -> Result<T, Box<Diagnostic>> {
    let text = sources.text(file);
    let options = serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::Error,
    };
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|err| {
        let message = plain_words(&plain_message(&err));
        let loc = err
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| sources.loc(file, l.line() as usize, l.column() as usize));
        let mut d = Diagnostic::error(message.clone());
        d = match loc {
            Some(loc) => d.at(sources, loc),
            None => d.in_file(sources.name(file)),
        };
        if let Some(h) = hint_for(&message, text, loc) {
            d = d.hint(h);
        }
        Box::new(d)
    })
}

/// The parser's message without its own location and snippet (we render our own).
fn plain_message(err: &serde_saphyr::Error) -> String {
    let full = err.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    // serde-saphyr appends " at line X column Y"; drop it, the diagnostic carries the place.
    let cut = first
        .find(" at line ")
        .map(|i| &first[..i])
        .unwrap_or(first);
    let msg = cut.trim_end_matches(':').trim();
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    // And its "line N column M: " prefix.
    let msg = match msg.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((place, rest)) if place.contains("column") => rest,
        _ => msg,
    };
    if msg.is_empty() {
        "invalid YAML".into()
    } else {
        msg.to_string()
    }
}

/// The parser's message in the words of someone who writes YAML, not Rust: no type names,
/// no parser options. Messages folio does not know are cleaned of the jargon they carry.
pub fn plain_words(message: &str) -> String {
    if message.contains("null into string") || message.contains("cannot deserialize null") {
        return "this key has no value (a value starting with # is a YAML comment: put the text in quotes)".into();
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key") {
        let key = rest
            .trim_start_matches(':')
            .split(", set ")
            .next()
            .unwrap_or("")
            .trim();
        return if key.is_empty() {
            "a key appears twice in the same place".into()
        } else {
            format!("the key `{key}` appears twice in the same place")
        };
    }
    if message.contains("did not match any variant") {
        return "this value has the wrong form: `slide:` takes one text, or a list of texts with each item on a line starting with `- `".into();
    }
    if message.contains("!!binary") {
        return "binary data (!!binary) cannot be used as text: write the text itself".into();
    }
    let mut out = message.to_string();
    for (jargon, plain) in [
        ("unit value", "an empty value"),
        ("a sequence", "a list"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a borrowed string", "expected a text"),
        ("expected a string", "expected a text"),
        ("map", "mapping"),
        ("mappingping", "mapping"),
    ] {
        out = out.replace(jargon, plain);
    }
    for (ty, plain) in [
        ("invalid i64", "this is not a whole number"),
        ("invalid u64", "this is not a whole number"),
        ("invalid u32", "this is not a whole number"),
        ("invalid usize", "this is not a whole number"),
        ("invalid f64", "this is not a number"),
        ("invalid bool", "this is not true or false"),
        ("i64", "whole number"),
        ("u64", "whole number"),
        ("u32", "whole number"),
        ("usize", "whole number"),
        ("f64", "number"),
    ] {
        out = out.replace(ty, plain);
    }
    // `expected struct Settings` and the like: the reader sees a mapping of keys.
    if let Some(i) = out.find("expected struct ") {
        out.truncate(i);
        out.push_str("expected `key: value` lines");
    }
    for word in ["Option<", "Vec<", " enum ", "Options", "serde", "untagged"] {
        if out.contains(word) {
            return "this value has the wrong form".into();
        }
    }
    out
}

/// One line saying what to do, for the mistakes people actually make.
fn hint_for(message: &str, text: &str, loc: Option<Loc>) -> Option<String> {
    let line_text = loc.and_then(|l| text.lines().nth(l.line.saturating_sub(1)));
    if line_text.is_some_and(|l| l.trim_end().starts_with('\t') || l.contains(":\t"))
        || message.contains("tab")
    {
        return Some(
            "YAML indentation must use spaces, not tabs: replace the tab with spaces".into(),
        );
    }
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let unknown = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = message
            .split("expected one of ")
            .nth(1)
            .or_else(|| message.split("expected ").nth(1))
            .map(|s| {
                s.split(',')
                    .map(|k| k.trim().trim_matches('`'))
                    .filter(|k| !k.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let best = expected
            .iter()
            .map(|k| (strsim::jaro_winkler(unknown, k), *k))
            .filter(|(score, _)| *score > 0.75)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        return Some(match best {
            Some((_, k)) => format!("did you mean `{k}`?"),
            None if !expected.is_empty() => format!("allowed here: {}", expected.join(", ")),
            None => "remove this key".into(),
        });
    }
    if message.contains("missing field") {
        let field = message.split('`').nth(1).unwrap_or("it");
        return Some(format!("add `{field}:` with a value here"));
    }
    if message.contains("no value (a value starting with #") {
        return Some("write the value after the colon; if it starts with #, put it in quotes: `title: \"#1 ...\"`".into());
    }
    if message.contains("appears twice") {
        return Some("each key may appear once: remove or rename the repeated one".into());
    }
    if message.contains("expected sequence") || message.contains("expected a list") {
        return Some(
            "this key takes a list: put each item on its own line starting with `- `".into(),
        );
    }
    if message.contains("expected mapping") || message.contains("key: value") {
        return Some("this key takes `name: value` pairs on their own lines".into());
    }
    if message.contains("invalid type") {
        return Some(
            "check the value's kind: text, a number, a list (- item) or a mapping (key: value)"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Title {
        title: String,
    }

    #[test]
    fn a_file_is_parsed_again_only_when_its_text_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        let name = Path::new("content/parsed-once.yaml");
        let mut sources = SourceMap::default();
        std::fs::write(&path, "title: 一\n").unwrap();
        let (first, _) = read::<Title>(&path, name, &mut sources).unwrap();
        let (again, file) = read::<Title>(&path, name, &mut sources).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "the same text is not parsed twice"
        );
        assert_eq!(
            sources.text(file),
            "title: 一\n",
            "but its text is registered"
        );
        std::fs::write(&path, "title: 二\n").unwrap();
        let (changed, _) = read::<Title>(&path, name, &mut sources).unwrap();
        assert_eq!(changed.title, "二");
        // A broken file is an error every time, however it parsed before.
        std::fs::write(&path, "title: [\n").unwrap();
        assert!(read::<Title>(&path, name, &mut sources).is_err());
        assert!(read::<Title>(&path, name, &mut sources).is_err());
    }
}
