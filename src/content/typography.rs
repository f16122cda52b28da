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
pub fn line_breaks(text: &str) -> String {
    if !text.contains(['\u{2028}', '\u{2029}', '\u{85}']) {
        return text.to_string();
    }
    text.replace(['\u{2028}', '\u{2029}', '\u{85}'], "\n")
}

/// Converts ASCII `, ; : ! ? ( )` next to a CJK character into full-width punctuation.
pub fn cjk_punctuation(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
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
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cjk_punctuation as p;

    #[test]
    fn converts_only_inside_chinese_text() {
        assert_eq!(p("2020年,全市"), "2020年，全市");
        assert_eq!(p("10个县(市、区)团委"), "10个县（市、区）团委");
        assert_eq!(p("率达95%，"), "率达95%，");
        assert_eq!(p("Hello, world (test)"), "Hello, world (test)");
        assert_eq!(p("8.92%、43.8%"), "8.92%、43.8%");
        assert_eq!(p("时间:10:30"), "时间：10:30");
    }
}
