//! Reading one YAML file into a typed struct, turning every failure into a diagnostic that names
//! the file, the line and what to do.

use crate::diag::{Diagnostic, Loc, SourceMap};
use serde::de::DeserializeOwned;
use serde_saphyr::options::DuplicateKeyPolicy;
use std::path::Path;

/// Biggest YAML file folio reads; content files are a few kilobytes.
const MAX_YAML_BYTES: u64 = 8 * 1024 * 1024;

/// Reads `path` (shown to users as `name`), registers its text in `sources` and parses it.
pub fn read<T: DeserializeOwned>(
    path: &Path,
    name: &Path,
    sources: &mut SourceMap,
) -> Result<(T, usize), Box<Diagnostic>> {
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
    let parsed = parse(sources, file)?;
    Ok((parsed, file))
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
        let message = plain_message(&err);
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
    if message.contains("duplicate") {
        return Some("each key may appear once: remove or rename the repeated one".into());
    }
    if message.contains("expected sequence") {
        return Some(
            "this key takes a list: put each item on its own line starting with `- `".into(),
        );
    }
    if message.contains("expected mapping") {
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
