//! Editing the PDF typst wrote without parsing it: changed objects are appended as an
//! incremental update (new object revisions, a new xref section, `/Prev` to the old one), so the
//! megabytes of photos are neither parsed nor copied.
//!
//! This reads only files laid out as typst 0.15 writes them: one classic xref section and
//! dictionaries on one line. [`TypstPdf::read`] gives `None` for anything else, and callers
//! fall back to lopdf.
//!
//! The result stays in parts (`output::Parts`): the PDF typst wrote, then the update, whose
//! photo streams are shared with the photo cache until the file is written.

use crate::output::Parts;

/// A PDF with one classic xref section, read just enough to find and edit objects.
pub struct TypstPdf<'a> {
    pdf: &'a [u8],
    start_xref: usize,
    /// The inside of the trailer dictionary.
    trailer: String,
    /// Byte offset of each object in use, by object number.
    offsets: Vec<Option<usize>>,
}

impl<'a> TypstPdf<'a> {
    pub fn read(pdf: &'a [u8]) -> Option<TypstPdf<'a>> {
        let tail = std::str::from_utf8(&pdf[pdf.len().saturating_sub(2048)..]).ok()?;
        let start_xref: usize = tail[tail.rfind("startxref")? + 9..]
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        let trailer = &tail[tail.rfind("trailer")?..tail.rfind("startxref")?];
        let dict = &trailer[trailer.find("<<")? + 2..trailer.rfind(">>")?];
        if dict.contains("/Prev") || dict.contains("/Encrypt") {
            return None;
        }
        // The xref table: "xref\n0 N\n" then N entries of 20 bytes.
        let xref = pdf.get(start_xref..)?;
        let head_end = xref
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(1)?
            .0
            + 1;
        let head = std::str::from_utf8(&xref[..head_end]).ok()?;
        let mut words = head.split_whitespace();
        if words.next()? != "xref" || words.next()? != "0" {
            return None;
        }
        let count: usize = words.next()?.parse().ok()?;
        let mut offsets = vec![None; count];
        for (n, slot) in offsets.iter_mut().enumerate().skip(1) {
            let at = head_end + 20 * n;
            let entry = std::str::from_utf8(xref.get(at..at + 20)?).ok()?;
            if entry.contains(" n") {
                *slot = Some(entry[..10].parse().ok()?);
            }
        }
        Some(TypstPdf {
            pdf,
            start_xref,
            trailer: dict.to_string(),
            offsets,
        })
    }

    /// Object `n`'s dictionary (`<<…>>`) when it is written on one line and is not a stream.
    pub fn dict(&self, n: usize) -> Option<String> {
        let offset = (*self.offsets.get(n)?)?;
        let prefix = format!("{n} 0 obj\n<<");
        let obj = self.pdf.get(offset..(offset + 65536).min(self.pdf.len()))?;
        if !obj.starts_with(prefix.as_bytes()) {
            return None;
        }
        let body = &obj[prefix.len() - 2..];
        let end = body.windows(9).position(|w| w == b">>\nendobj")?;
        Some(String::from_utf8_lossy(&body[..end + 2]).into_owned())
    }

    /// The page objects: number and dictionary.
    pub fn pages(&self) -> Vec<(usize, String)> {
        (1..self.offsets.len())
            .filter_map(|n| {
                let offset = self.offsets[n]?;
                let head = self.pdf.get(offset..(offset + 40).min(self.pdf.len()))?;
                let want = format!("{n} 0 obj\n<</Type/Page/");
                head.starts_with(want.as_bytes())
                    .then(|| self.dict(n))
                    .flatten()
                    .map(|d| (n, d))
            })
            .collect()
    }

    /// The object a trailer key refers to (`/Root 12 0 R` → 12).
    pub fn trailer_ref(&self, key: &str) -> Option<usize> {
        reference(&self.trailer, key)
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.pdf
    }

    /// The object that byte `at` of the file belongs to: the one starting last before it.
    pub fn object_at(&self, at: usize) -> Option<usize> {
        self.offsets
            .iter()
            .enumerate()
            .filter_map(|(n, o)| o.filter(|&o| o <= at).map(|o| (o, n)))
            .max()
            .map(|(_, n)| n)
    }

    /// An update that edits this file.
    pub fn update(&self) -> Update {
        let mut out = Parts::default();
        if !self.pdf.ends_with(b"\n") {
            out.text(b"\n");
        }
        Update {
            base: self.pdf.len(),
            out,
            entries: Vec::new(),
            next: self.offsets.len(),
            trailer: self.trailer.clone(),
            prev: self.start_xref,
        }
    }
}

/// Objects to append to a file, and its new trailer.
pub struct Update {
    base: usize,
    out: Parts,
    entries: Vec<(usize, usize)>,
    next: usize,
    trailer: String,
    prev: usize,
}

impl Update {
    /// A new revision of object `n`.
    pub fn replace(&mut self, n: usize, body: &[u8]) {
        self.entries.push((n, self.base + self.out.len()));
        self.out.text(format!("{n} 0 obj\n").as_bytes());
        self.out.text(body);
        self.out.text(b"\nendobj\n");
    }

    /// A new revision of object `n` that is a stream: its dictionary (with `/Length`) and
    /// data, which is not copied until the update is appended.
    pub fn replace_stream(
        &mut self,
        n: usize,
        dict: &str,
        data: Box<dyn AsRef<[u8]> + Send + Sync>,
    ) {
        self.entries.push((n, self.base + self.out.len()));
        self.out
            .text(format!("{n} 0 obj\n{dict}\nstream\n").as_bytes());
        self.out.shared(data);
        self.out.text(b"\nendstream\nendobj\n");
    }

    /// A new object; its number.
    pub fn add(&mut self, body: &[u8]) -> usize {
        let n = self.next;
        self.next += 1;
        self.replace(n, body);
        n
    }

    /// A number for an object added later (to refer to it before it is written).
    pub fn reserve(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    /// Nothing to append.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets a trailer key (`/Info 12 0 R`).
    pub fn set_trailer(&mut self, key: &str, value: &str) {
        self.trailer = format!("{}{key} {value}", remove_key(&self.trailer, key));
    }

    /// The bytes to append to the file.
    pub fn finish(mut self) -> Parts {
        self.set_trailer("/Size", &self.next.to_string());
        let xref = self.base + self.out.len();
        self.entries.sort();
        let mut table = b"xref\n".to_vec();
        for (n, offset) in &self.entries {
            table.extend_from_slice(format!("{n} 1\n{offset:010} 00000 n\r\n").as_bytes());
        }
        table.extend_from_slice(
            format!(
                "trailer\n<<{}/Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
                self.trailer, self.prev
            )
            .as_bytes(),
        );
        self.out.text(&table);
        self.out
    }
}

/// Objects another module writes into a PDF typst wrote (the photos, `photos::slot`): into an
/// incremental update when the file is laid out as typst writes it, else into a lopdf document.
pub trait Splice {
    /// Adds the objects to `update`; `Ok(false)` when the file is not laid out as expected,
    /// and [`apply`] rewrites it with lopdf instead.
    fn incremental(&self, file: &TypstPdf, update: &mut Update) -> Result<bool, String>;
    fn rewrite(&self, doc: &mut lopdf::Document) -> Result<(), String>;
}

/// `pdf` with `splice`'s objects: appended as an update, or the file rewritten by lopdf.
pub fn apply(pdf: Vec<u8>, splice: &dyn Splice) -> Result<Parts, String> {
    if let Some(file) = TypstPdf::read(&pdf) {
        let mut update = file.update();
        if splice.incremental(&file, &mut update)? {
            let update = (!update.is_empty()).then(|| update.finish());
            let mut whole = Parts::from(pdf);
            if let Some(update) = update {
                whole.append(update);
            }
            return Ok(whole);
        }
    }
    let mut doc =
        lopdf::Document::load_mem(&pdf).map_err(|e| format!("reading the PDF typst wrote: {e}"))?;
    splice.rewrite(&mut doc)?;
    let mut out = Vec::with_capacity(pdf.len());
    doc.save_to(&mut out)
        .map_err(|e| format!("writing the PDF: {e}"))?;
    Ok(Parts::from(out))
}

/// The file identifier (`/ID[…]`) in the last trailer of `pdf`, as written.
pub fn trailer_id(pdf: &[u8]) -> Option<&[u8]> {
    let tail_at = pdf.len().saturating_sub(2048);
    let tail = &pdf[tail_at..];
    let trailer = tail.windows(7).rposition(|w| w == b"trailer")?;
    let rest = &tail[trailer..];
    let start = rest.windows(4).position(|w| w == b"/ID[")?;
    let end = rest[start..].iter().position(|b| *b == b']')?;
    Some(&rest[start..start + end + 1])
}

/// The object number after `key` in a dictionary's text (`/Metadata 5 0 R` → 5).
pub fn reference(dict: &str, key: &str) -> Option<usize> {
    let (start, end) = value_span(dict, key)?;
    let mut words = dict[start..end].split_whitespace();
    let n = words.next()?.parse().ok()?;
    (words.next()? == "0" && words.next()? == "R").then_some(n)
}

/// `dict` (the text of a dictionary, or its inside) without `key` and its value.
pub fn remove_key(dict: &str, key: &str) -> String {
    match value_span(dict, key) {
        Some((start, end)) => format!("{}{}", &dict[..start - key.len()], &dict[end..]),
        None => dict.to_string(),
    }
}

/// Where the value of a top-level `key` starts and ends in a dictionary's text: keys and values
/// are read in turn, so a name that is a value (`/Type/Page`) is never taken for a key.
fn value_span(dict: &str, key: &str) -> Option<(usize, usize)> {
    let b = dict.as_bytes();
    let skip_space = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut i = skip_space(0);
    if dict[i..].starts_with("<<") {
        i += 2;
    }
    loop {
        i = skip_space(i);
        if b.get(i) != Some(&b'/') {
            return None;
        }
        let name_start = i;
        i += 1;
        while is_name_char(b.get(i)) {
            i += 1;
        }
        let end = skip_value(b, i);
        if &dict[name_start..i] == key {
            return Some((i, end));
        }
        if end <= i {
            return None;
        }
        i = end;
    }
}

fn is_name_char(b: Option<&u8>) -> bool {
    b.is_some_and(|b| !b" \t\r\n/[]<>()%".contains(b))
}

/// The end of a literal string starting at `i` (balanced parentheses, escapes).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The end of the value starting at `i` (after its key).
fn skip_value(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let Some(&c) = b.get(i) else { return i };
    match c {
        b'(' => skip_string(b, i),
        b'[' | b'<' => {
            let mut depth = 0i32;
            while i < b.len() {
                match b[i] {
                    b'(' => {
                        i = skip_string(b, i);
                        continue;
                    }
                    b'[' | b'<' => depth += 1,
                    b']' | b'>' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        b'/' => {
            i += 1;
            while is_name_char(b.get(i)) {
                i += 1;
            }
            i
        }
        _ => {
            // A number, or a reference `N G R`.
            let word_end = |mut j: usize| {
                while j < b.len() && !b" \t\r\n/[]<>()".contains(&b[j]) {
                    j += 1;
                }
                j
            };
            let first = word_end(i);
            let rest = std::str::from_utf8(&b[first..]).unwrap_or("");
            let mut words = rest.split_whitespace();
            let is_ref = matches!((words.next(), words.next()), (Some(g), Some(r)) if g.parse::<u32>().is_ok() && (r == "R" || r.starts_with("R/") || r.starts_with("R>") || r.starts_with("R]")));
            if is_ref {
                first + rest.find('R').unwrap_or(0) + 1
            } else {
                first
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_and_removed_at_the_top_level_only() {
        let d = "<</Type/Page/Annots[12 0 R 13 0 R]/Res<</Annots 4 0 R>>/Metadata 5 0 R/T(a)b)>>";
        assert_eq!(reference(d, "/Metadata"), Some(5));
        assert_eq!(reference(d, "/Annots"), None);
        assert_eq!(
            remove_key(d, "/Annots"),
            "<</Type/Page/Res<</Annots 4 0 R>>/Metadata 5 0 R/T(a)b)>>"
        );
        assert_eq!(
            remove_key(d, "/Metadata"),
            "<</Type/Page/Annots[12 0 R 13 0 R]/Res<</Annots 4 0 R>>/T(a)b)>>"
        );
        // Neither a longer key nor a value that is a name is taken for the key.
        assert_eq!(remove_key("<</Typex 1/Type 2>>", "/Type"), "<</Typex 1>>");
        assert_eq!(
            remove_key("<</Type/Page/Page 2>>", "/Page"),
            "<</Type/Page>>"
        );
        let inner = "/Size 9/Root 3 0 R/Info 2 0 R/ID[(a)(b)]";
        assert_eq!(remove_key(inner, "/Info"), "/Size 9/Root 3 0 R/ID[(a)(b)]");
        assert_eq!(
            remove_key(inner, "/Size"),
            "/Root 3 0 R/Info 2 0 R/ID[(a)(b)]"
        );
    }

    #[test]
    fn the_file_identifier_is_read_from_the_trailer() {
        let pdf =
            b"%PDF-1.6\n...\ntrailer\n<</Size 3/Root 1 0 R/ID[(abc)(def)]>>\nstartxref\n9\n%%EOF\n";
        assert_eq!(trailer_id(pdf), Some(&b"/ID[(abc)(def)]"[..]));
        assert_eq!(trailer_id(b"%PDF-1.6 no trailer"), None);
    }

    #[test]
    fn other_files_are_not_read() {
        assert!(TypstPdf::read(b"%PDF-1.7\nnot really a pdf").is_none());
    }
}
