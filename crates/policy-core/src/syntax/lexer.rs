//! One line → a stream of markup tokens (nom).
//!
//! The markup alphabet is nine ASCII bytes: the eight brackets and the
//! backslash. Everything else is text, so a text run is found with a byte
//! table rather than char by char: this is the hot loop of a full parse.

use nom::{IResult, Parser, branch::alt, bytes::complete::take, combinator::map_opt};

use super::AnnotationKind;

/// One lexical event of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// Text with no markup byte in it.
    Text(&'a str),
    /// `\X` where X is markup: two bytes that stand for the literal X.
    Escape,
    Open(AnnotationKind),
    Close(AnnotationKind),
}

/// `true` for the nine bytes that can be markup.
const MARKUP: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"()[]<>{}\\";
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

/// Whether `b` is one of the markup bytes.
pub fn is_markup_byte(b: u8) -> bool {
    MARKUP[b as usize]
}

/// The next token of `input`, which must not be empty.
pub fn token(input: &str) -> IResult<&str, Token<'_>> {
    alt((text_run, escape, bracket, lone_backslash)).parse(input)
}

/// A maximal run without markup bytes. Markup bytes are ASCII, so the split
/// always falls on a char boundary.
fn text_run(input: &str) -> IResult<&str, Token<'_>> {
    let len = input
        .bytes()
        .position(is_markup_byte)
        .unwrap_or(input.len());
    if len == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeTill1,
        )));
    }
    Ok((&input[len..], Token::Text(&input[..len])))
}

/// `\` followed by a markup byte.
fn escape(input: &str) -> IResult<&str, Token<'_>> {
    map_opt(take(2usize), |s: &str| {
        let b = s.as_bytes();
        (b[0] == b'\\' && is_markup_byte(b[1])).then_some(Token::Escape)
    })
    .parse(input)
}

/// A backslash before anything else is a literal backslash.
fn lone_backslash(input: &str) -> IResult<&str, Token<'_>> {
    map_opt(take(1usize), |s: &str| {
        (s == "\\").then_some(Token::Text(s))
    })
    .parse(input)
}

fn bracket(input: &str) -> IResult<&str, Token<'_>> {
    map_opt(take(1usize), |s: &str| {
        let b = s.as_bytes()[0];
        AnnotationKind::from_opener(b)
            .map(Token::Open)
            .or_else(|| AnnotationKind::from_closer(b).map(Token::Close))
    })
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(mut s: &str) -> Vec<Token<'_>> {
        let mut out = Vec::new();
        while !s.is_empty() {
            let (rest, t) = token(s).expect("every input lexes");
            out.push(t);
            s = rest;
        }
        out
    }

    #[test]
    fn brackets_escapes_and_text() {
        use AnnotationKind::*;
        assert_eq!(
            tokens("您的<数据\\>>\\x\\"),
            vec![
                Token::Text("您的"),
                Token::Open(Data),
                Token::Text("数据"),
                Token::Escape,
                Token::Close(Data),
                Token::Text("\\"),
                Token::Text("x"),
                Token::Text("\\"),
            ]
        );
    }

    #[test]
    fn full_width_brackets_are_text() {
        assert_eq!(tokens("（【〈《｛"), vec![Token::Text("（【〈《｛")]);
    }
}
