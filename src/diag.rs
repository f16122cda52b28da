//! Diagnostics: errors and warnings that point at a file (and a line where there is one),
//! rendered like rustc's (a snippet with the culprit underlined) or as JSON for tools.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file, 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: usize,
    pub line: usize,
    pub column: usize,
    /// Byte range in the (normalised) source text, when known.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the problem is in, relative to the project when possible.
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// One line saying what to do.
    pub hint: Option<String>,
    #[serde(skip)]
    loc: Option<Loc>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            loc: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points the diagnostic at a whole file (no line).
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Points the diagnostic at a location in a file of the source map.
    pub fn at(mut self, sources: &SourceMap, loc: Loc) -> Self {
        self.file = Some(sources.name(loc.file).to_path_buf());
        if loc.line > 0 {
            self.line = Some(loc.line);
            self.column = Some(loc.column.max(1));
            self.loc = Some(loc);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column: message`, the short one-line form used in logs and tests.
    pub fn short(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.file {
            s.push_str(&f.display().to_string());
            if let Some(l) = self.line {
                s.push_str(&format!(":{l}"));
                if let Some(c) = self.column {
                    s.push_str(&format!(":{c}"));
                }
            }
            s.push_str(": ");
        }
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!("{kind}: {}", self.message));
        if let Some(h) = &self.hint {
            s.push_str(&format!(" (hint: {h})"));
        }
        s
    }
}

/// The text of every source file read, so diagnostics can quote it.
#[derive(Default, Debug, Clone)]
pub struct SourceMap {
    files: Vec<(PathBuf, String)>,
    /// Where each line of each file starts: content is resolved with a location for every
    /// string, and finding a line by counting from the file's start made that quadratic.
    line_starts: Vec<Vec<usize>>,
}

impl SourceMap {
    pub fn add(&mut self, name: impl Into<PathBuf>, text: String) -> usize {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        self.line_starts.push(starts);
        self.files.push((name.into(), text));
        self.files.len() - 1
    }

    pub fn name(&self, file: usize) -> &Path {
        &self.files[file].0
    }

    pub fn text(&self, file: usize) -> &str {
        &self.files[file].1
    }

    /// A location from a 1-based line and column (columns count characters).
    pub fn loc(&self, file: usize, line: usize, column: usize) -> Loc {
        let text = self.text(file);
        let line_start = self.line_starts[file]
            .get(line.saturating_sub(1))
            .map_or(text.len(), |&s| s.min(text.len()));
        let rest = &text[line_start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let start = line_start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(i, _)| i)
                .unwrap_or(line_text.len());
        // Underline to the end of the token (or the line).
        let token_len = text[start..]
            .find(['\n', '#'])
            .unwrap_or(text.len() - start)
            .max(1);
        let end = (start + token_len).min(text.len());
        Loc {
            file,
            line,
            column,
            start,
            end: text[start..end].trim_end().len() + start,
        }
    }
}

/// Prints diagnostics to stderr with source snippets (colour when stderr is a terminal).
pub fn emit(sources: &SourceMap, diags: &[Diagnostic]) {
    let choice = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    };
    let mut out = termcolor::StandardStream::stderr(choice);
    let _ = write_to(&mut out, sources, diags);
}

/// Renders diagnostics as text, e.g. for tests or the watch loop's log.
pub fn render(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut buf = termcolor::Buffer::no_color();
    let _ = write_to(&mut buf, sources, diags);
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

fn write_to<W: termcolor::WriteColor>(
    out: &mut W,
    sources: &SourceMap,
    diags: &[Diagnostic],
) -> Result<(), codespan_reporting::files::Error> {
    let mut files = SimpleFiles::new();
    for (name, text) in &sources.files {
        files.add(name.display().to_string(), text.as_str());
    }
    let config = term::Config::default();
    for d in diags {
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(&d.message);
        if let Some(loc) = d.loc {
            cs = cs.with_labels(vec![Label::primary(loc.file, loc.start..loc.end)]);
        } else if let Some(f) = &d.file {
            let place = match (d.line, d.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", f.display()),
                (Some(l), None) => format!("{}:{l}", f.display()),
                _ => f.display().to_string(),
            };
            cs = cs.with_notes(vec![format!("in {place}")]);
        }
        if let Some(h) = &d.hint {
            cs = cs.with_notes(vec![format!("help: {h}")]);
        }
        term::emit_to_write_style(out, &config, &files, &cs)?;
    }
    Ok(())
}

/// A set of diagnostics gathered while checking a project.
#[derive(Default, Debug, Clone)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_found_by_line_and_column() {
        let mut sources = SourceMap::default();
        let f = sources.add(
            "a.yaml",
            "title: 标题\ntext: 正文 # note\n\nend".to_string(),
        );
        let loc = sources.loc(f, 2, 7);
        assert_eq!(&sources.text(f)[loc.start..loc.end], "正文");
        let loc = sources.loc(f, 1, 1);
        assert_eq!(&sources.text(f)[loc.start..loc.end], "title: 标题");
        let loc = sources.loc(f, 4, 1);
        assert_eq!(&sources.text(f)[loc.start..loc.end], "end");
        // Past the end: the end of the text, never a panic.
        let loc = sources.loc(f, 9, 3);
        assert_eq!(loc.start, sources.text(f).len());
    }
}
