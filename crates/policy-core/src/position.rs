//! Positions: byte offsets, char offsets and LSP positions are different
//! things, so they are different types.
//!
//! * [`CharOffset`] indexes the whole document (byte offsets into the
//!   whole document exist only inside `Document`, against the rope).
//! * [`LinePoint`] is a place inside one line, measured at once in UTF-8
//!   bytes, Unicode scalar values (chars) and UTF-16 code units, so that the
//!   parser's results convert to any [`PositionEncoding`] in O(1).
//! * [`LspPosition`] is a zero-based line and a column in the negotiated
//!   encoding: what the protocol sends.

/// A char (Unicode scalar value) offset into a whole document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CharOffset(pub usize);

/// How LSP columns are counted (`general.positionEncodings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    Utf8,
    /// The LSP default when a client lists none.
    #[default]
    Utf16,
    Utf32,
}

impl PositionEncoding {
    /// The protocol's name for the encoding (`"utf-16"` …).
    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }

    /// Parses the protocol's name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "utf-8" => Some(PositionEncoding::Utf8),
            "utf-16" => Some(PositionEncoding::Utf16),
            "utf-32" => Some(PositionEncoding::Utf32),
            _ => None,
        }
    }

    /// How many units of this encoding `c` takes.
    pub fn units_of(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }

    /// How many units of this encoding `s` takes. O(len).
    pub fn units_of_str(self, s: &str) -> usize {
        match self {
            PositionEncoding::Utf8 => s.len(),
            PositionEncoding::Utf16 => utf16_len(s.as_bytes()),
            PositionEncoding::Utf32 => char_len(s.as_bytes()),
        }
    }
}

/// A zero-based line and a column counted in some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LspPosition {
    pub line: u32,
    pub character: u32,
}

impl LspPosition {
    pub fn new(line: u32, character: u32) -> Self {
        LspPosition { line, character }
    }
}

/// A half-open range of [`LspPosition`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct LspRange {
    pub start: LspPosition,
    pub end: LspPosition,
}

/// A place inside one line, in all three units at once.
///
/// The parser fills all three while it scans, so converting a parse result to
/// any encoding never rescans the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LinePoint {
    pub byte: u32,
    pub char: u32,
    pub utf16: u32,
}

impl LinePoint {
    /// The column of this point in `encoding`.
    pub fn column(self, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => self.byte,
            PositionEncoding::Utf16 => self.utf16,
            PositionEncoding::Utf32 => self.char,
        }
    }

    /// The point one ASCII character further on (brackets and backslashes
    /// are one unit in every encoding).
    pub fn after_ascii(self) -> LinePoint {
        LinePoint {
            byte: self.byte + 1,
            char: self.char + 1,
            utf16: self.utf16 + 1,
        }
    }

    /// The point after `text`, which starts at `self`. O(len).
    pub fn advanced_by(self, text: &str) -> LinePoint {
        let bytes = text.as_bytes();
        LinePoint {
            byte: self.byte + bytes.len() as u32,
            char: self.char + char_len(bytes) as u32,
            utf16: self.utf16 + utf16_len(bytes) as u32,
        }
    }
}

/// The point of byte `byte` of `line` (a char boundary). O(byte).
pub fn point_at(line: &str, byte: usize) -> LinePoint {
    LinePoint::default().advanced_by(&line[..byte])
}

/// Chars in valid UTF-8: every byte that is not a continuation byte starts
/// one. Written as a plain count so that it vectorises.
pub fn char_len(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// UTF-16 code units in valid UTF-8: one per char, plus one more for each
/// 4-byte sequence (lead byte `0xF0..`), which needs a surrogate pair.
pub fn utf16_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| ((b as i8) >= -0x40) as usize + (b >= 0xF0) as usize)
        .sum()
}

/// The byte index in `line` of the column `column` counted in `encoding`,
/// clamped: a column past the end gives `line.len()`, a column inside a
/// character gives that character's start. O(column).
pub fn byte_of_column(line: &str, column: u32, encoding: PositionEncoding) -> usize {
    let column = column as usize;
    match encoding {
        PositionEncoding::Utf8 => {
            let mut b = column.min(line.len());
            while !line.is_char_boundary(b) {
                b -= 1;
            }
            b
        }
        PositionEncoding::Utf16 | PositionEncoding::Utf32 => {
            let mut units = 0;
            for (i, c) in line.char_indices() {
                let next = units + encoding.units_of(c);
                if next > column {
                    return i;
                }
                units = next;
            }
            line.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_cjk_and_astral_text() {
        let s = "a数😀𠮷";
        assert_eq!(char_len(s.as_bytes()), 4);
        assert_eq!(utf16_len(s.as_bytes()), 1 + 1 + 2 + 2);
        assert_eq!(PositionEncoding::Utf8.units_of_str(s), 1 + 3 + 4 + 4);
    }

    #[test]
    fn a_column_inside_a_character_clamps_to_its_start() {
        let s = "a😀b";
        // UTF-16: 0=a, 1..3=😀 (2 units), 3=b
        assert_eq!(byte_of_column(s, 2, PositionEncoding::Utf16), 1);
        assert_eq!(byte_of_column(s, 3, PositionEncoding::Utf16), 5);
        // UTF-8: byte 3 is inside 😀
        assert_eq!(byte_of_column(s, 3, PositionEncoding::Utf8), 1);
        assert_eq!(byte_of_column(s, 99, PositionEncoding::Utf32), s.len());
        assert_eq!(byte_of_column(s, 99, PositionEncoding::Utf8), s.len());
    }
}
