//! Typographic clean-up applied to every printed string as it is resolved (the YAML is never changed):
//! ASCII punctuation typed inside Chinese text becomes its full-width form, so commas and
//! brackets have consistent widths and the line breaker applies the GB rules to them.
//! (NFKC maps each full-width form back, so the text still matches its source when extracted.)

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF | 0x2018..=0x201F)
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

/// The whole clean-up: line and paragraph separators become plain line breaks, then CJK
/// punctuation.
pub fn clean(text: &str) -> String {
    cjk_punctuation(&line_breaks(text))
}

/// Unicode's LINE SEPARATOR and PARAGRAPH SEPARATOR (which word processors put in copied text)
/// and NEXT LINE become `\n`, which layouts show as a line break: typst lays the separators
/// out as ordinary characters of zero width, and the line before one can overrun its frame.
pub fn line_breaks(text: &str) -> std::borrow::Cow<'_, str> {
    // Three byte searches are much faster than one search for any of three characters.
    let has = |c: &str| memchr::memmem::find(text.as_bytes(), c.as_bytes()).is_some();
    if !(has("\u{2028}") || has("\u{2029}") || has("\u{85}")) {
        return text.into();
    }
    text.replace(['\u{2028}', '\u{2029}', '\u{85}'], "\n")
        .into()
}

/// Converts ASCII `, ; : ! ? ( )` next to a CJK character into full-width punctuation.
pub fn cjk_punctuation(text: &str) -> String {
    // Most Chinese text already has its full-width forms: nothing to look at.
    if !text.bytes().any(|b| full_width(b as char).is_some()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let near_cjk = match c {
            // An opening bracket belongs to what follows; a closing one to what precedes.
            '(' => next.is_some_and(is_cjk),
            ')' => prev.is_some_and(is_cjk),
            _ => {
                prev.is_some_and(is_cjk)
                    || (prev.is_some_and(|p| !p.is_ascii_alphanumeric())
                        && next.is_some_and(is_cjk))
            }
        };
        match full_width(c) {
            Some(f) if near_cjk => out.push(f),
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cjk_punctuation as p;

    #[test]
    fn separators_become_line_breaks() {
        use super::line_breaks as l;
        assert_eq!(l("一\u{2028}二\u{2029}三\u{85}四"), "一\n二\n三\n四");
        assert_eq!(l("“一”"), "“一”");
    }

    #[test]
    fn converts_only_inside_chinese_text() {
        assert_eq!(p("2020年,全市"), "2020年，全市");
        assert_eq!(p("10个县(市、区)团委"), "10个县（市、区）团委");
        assert_eq!(p("率达95%，"), "率达95%，");
        assert_eq!(p("Hello, world (test)"), "Hello, world (test)");
        assert_eq!(p("8.92%、43.8%"), "8.92%、43.8%");
        assert_eq!(p("时间:10:30"), "时间：10:30");
        assert_eq!(p("(全市)"), "（全市）");
        assert_eq!(p("全市,"), "全市，");
        assert_eq!(p("全市"), "全市");
    }
}
