//! Finding a slide's texts on its laid-out pages. The layout says which texts a slide shows
//! (its blocks); typst decides where lines break and where a long text continues on the next
//! slide. Matching each laid-out run of text against the block's characters tells which part
//! of the block each page shows, and in which size and colour, so the editable deck gets the
//! YAML's text (no line breaks, no hyphens typst added) split exactly where the PDF splits.

/// A text as the content gives it: one or more paragraphs (`items`), e.g. a list's entries.
#[derive(Debug, Clone)]
pub struct Source {
    pub items: Vec<String>,
    /// Every character that is not white space, in order, and where it is.
    chars: Vec<At>,
}

#[derive(Debug, Clone, Copy)]
struct At {
    ch: char,
    item: usize,
    /// Byte range in its item.
    start: usize,
    end: usize,
}

/// Characters a layout draws that are not in the text: list markers, and the hyphen typst adds
/// where it breaks a word at a line's end.
fn is_drawn_only(c: char, last: bool) -> bool {
    matches!(c, '■' | '•') || (last && matches!(c, '-' | '\u{2010}' | '\u{ad}'))
}

impl Source {
    pub fn new(items: Vec<String>) -> Source {
        let mut chars = Vec::new();
        for (item, text) in items.iter().enumerate() {
            for (start, ch) in text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
                let end = start + ch.len_utf8();
                chars.push(At {
                    ch,
                    item,
                    start,
                    end,
                });
            }
        }
        Source { items, chars }
    }

    /// How many characters (white space aside) the text has.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Where a laid-out run continues this text from character `at`: the character after the
    /// run, or `None` when the run is not the next part of this text. A run of list markers
    /// alone matches nothing.
    pub fn match_run(&self, run: &str, at: usize) -> Option<usize> {
        let drawn: Vec<char> = run.chars().filter(|c| !c.is_whitespace()).collect();
        let mut i = at;
        for (k, &c) in drawn.iter().enumerate() {
            if self.chars.get(i).is_some_and(|a| a.ch == c) {
                i += 1;
            } else if !is_drawn_only(c, k + 1 == drawn.len()) {
                return None;
            }
        }
        (i > at).then_some(i)
    }

    /// The item (paragraph) character `at` belongs to.
    pub fn item_of(&self, at: usize) -> Option<usize> {
        self.chars.get(at).map(|a| a.item)
    }

    /// Whether a run draws only list markers.
    pub fn is_marker(run: &str) -> bool {
        let mut drawn = run.chars().filter(|c| !c.is_whitespace()).peekable();
        drawn.peek().is_some() && drawn.all(|c| matches!(c, '■' | '•'))
    }

    /// Characters `from..to` as paragraphs of pieces, split at `cuts` (character indices where
    /// the style changes). Each paragraph says whether it starts its item (a list entry's
    /// first line, which gets its marker) and lists `(text, piece index)`, where the piece
    /// index counts the cuts passed. White space between pieces stays with the earlier one.
    pub fn pieces(&self, from: usize, to: usize, cuts: &[usize]) -> Vec<Paragraph> {
        let mut out: Vec<Paragraph> = Vec::new();
        let to = to.min(self.len());
        let mut a = from;
        while a < to {
            let item = self.chars[a].item;
            let item_end = (a..to).find(|&k| self.chars[k].item != item).unwrap_or(to);
            let starts_item = a == 0 || self.chars[a - 1].item != item;
            let mut para = Paragraph {
                item,
                starts_item,
                pieces: Vec::new(),
            };
            let mut p = a;
            while p < item_end {
                let piece = cuts.iter().filter(|&&c| c <= p).count();
                let next = cuts
                    .iter()
                    .copied()
                    .find(|&c| c > p && c < item_end)
                    .unwrap_or(item_end);
                let text = &self.items[item];
                let start = self.chars[p].start;
                let end = if next < item_end {
                    self.chars[next].start
                } else {
                    self.chars[next - 1].end
                };
                para.pieces.push((text[start..end].to_string(), piece));
                p = next;
            }
            out.push(para);
            a = item_end;
        }
        out
    }
}

/// Part of one item (paragraph) of a source, as pieces of text with the index of their style.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub item: usize,
    pub starts_item: bool,
    pub pieces: Vec<(String, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_match_across_line_breaks_and_added_hyphens() {
        let s = Source::new(vec!["A long sentence, hyphen-ated.".into()]);
        let at = s.match_run("A long sen-", 0).unwrap();
        let at = s.match_run("tence, hyphen-", at).unwrap();
        assert_eq!(s.match_run("ated.", at), Some(s.len()));
        assert_eq!(s.match_run("other", 0), None);
        assert_eq!(s.match_run("■", 0), None);
    }

    #[test]
    fn pieces_keep_the_texts_spaces_and_split_where_asked() {
        let s = Source::new(vec!["一二 三四".into(), "five six".into()]);
        let paras = s.pieces(1, 7, &[3]);
        assert_eq!(
            paras,
            vec![
                Paragraph {
                    item: 0,
                    starts_item: false,
                    pieces: vec![("二 三".into(), 0), ("四".into(), 1)],
                },
                Paragraph {
                    item: 1,
                    starts_item: true,
                    pieces: vec![("fiv".into(), 1)],
                },
            ]
        );
    }
}
