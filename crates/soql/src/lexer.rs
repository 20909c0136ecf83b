//! Splits query text into tokens, each with the byte span it came from.

use crate::ast::Span;
use crate::error::{ErrorCode, SoqlError};

/// The largest exponent a number literal may carry; bigger ones would make
/// the exact decimal the checker writes out absurdly long.
pub(crate) const MAX_EXPONENT: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A bare word: a column, a function name or a keyword, as written.
    Word(String),
    /// A back-quoted name, quotes removed.
    Quoted(String),
    /// `:id`, `:@computed_region_x`: the whole name, colon included.
    System(String),
    SystemStar,
    Text(String),
    Number(String),
    LParen,
    RParen,
    Comma,
    Star,
    Plus,
    Minus,
    Slash,
    Percent,
    Caret,
    Concat,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// A character SoQL has no use for; the parser says so in context.
    Unknown,
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// Whether this is the bare word `keyword`, in any case.
    pub fn is_keyword(&self, keyword: &str) -> bool {
        matches!(&self.kind, TokenKind::Word(w) if w.eq_ignore_ascii_case(keyword))
    }
}

/// Lexes all of `text`; the last token is always `Eof`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, SoqlError> {
    let mut lexer = Lexer { text, pos: 0 };
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token()?;
        let done = token.kind == TokenKind::Eof;
        tokens.push(token);
        if done {
            return Ok(tokens);
        }
    }
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(offset)
    }

    fn eat_while(&mut self, keep: impl Fn(char) -> bool) {
        while let Some(c) = self.peek().filter(|&c| keep(c)) {
            self.pos += c.len_utf8();
        }
    }

    fn next_token(&mut self) -> Result<Token, SoqlError> {
        self.eat_while(char::is_whitespace);
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(self.token(TokenKind::Eof, start));
        };
        let kind = match c {
            '\'' => TokenKind::Text(self.quoted('\'')?),
            '`' => self.back_quoted()?,
            ':' => self.system(),
            _ if self.at_number() => TokenKind::Number(self.number()?),
            c if is_word_start(c) => {
                self.eat_while(is_word_char);
                TokenKind::Word(self.text[start..self.pos].to_string())
            }
            _ => self.punctuation(c),
        };
        Ok(self.token(kind, start))
    }

    /// A digit, or a point followed by one (`.5`).
    fn at_number(&self) -> bool {
        let is_digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        is_digit(self.peek()) || self.peek() == Some('.') && is_digit(self.peek_at(1))
    }

    fn token(&self, kind: TokenKind, start: usize) -> Token {
        Token {
            kind,
            span: Span::new(start, self.pos),
        }
    }

    /// Reads a quoted run in which a doubled quote stands for itself.
    fn quoted(&mut self, quote: char) -> Result<String, SoqlError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                let expected = match quote {
                    '\'' => "`'` to end the string",
                    _ => "a back-quote to end the name",
                };
                return Err(SoqlError::new(
                    ErrorCode::UnterminatedString,
                    format!("expected {expected}, found end of input"),
                    Span::new(start, self.pos),
                ));
            };
            self.pos += c.len_utf8();
            if c != quote {
                value.push(c);
            } else if self.peek() == Some(quote) {
                self.pos += 1;
                value.push(quote);
            } else {
                return Ok(value);
            }
        }
    }

    fn back_quoted(&mut self) -> Result<TokenKind, SoqlError> {
        let start = self.pos;
        let name = self.quoted('`')?;
        if name.is_empty() {
            return Err(SoqlError::new(
                ErrorCode::BadParse,
                "expected a column name, found ``",
                Span::new(start, self.pos),
            ));
        }
        Ok(TokenKind::Quoted(name))
    }

    /// `:*`, or a system field such as `:id` or `:@computed_region_abcd`.
    fn system(&mut self) -> TokenKind {
        let start = self.pos;
        self.pos += 1;
        if self.peek() == Some('*') {
            self.pos += 1;
            return TokenKind::SystemStar;
        }
        let body_start = self.pos + usize::from(self.peek() == Some('@'));
        let has_name = self.text[body_start..]
            .chars()
            .next()
            .is_some_and(is_word_start);
        if !has_name {
            return TokenKind::Unknown;
        }
        self.pos = body_start;
        self.eat_while(is_word_char);
        TokenKind::System(self.text[start..self.pos].to_string())
    }

    /// `12`, `1.5`, `.5`, `1.`, `1e3`, `2.5E-4`, kept exactly as written.
    fn number(&mut self) -> Result<String, SoqlError> {
        let start = self.pos;
        self.eat_while(|c| c.is_ascii_digit());
        if self.peek() == Some('.') {
            self.pos += 1;
            self.eat_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.exponent(start)?;
        }
        Ok(self.text[start..self.pos].to_string())
    }

    fn exponent(&mut self, start: usize) -> Result<(), SoqlError> {
        self.pos += 1;
        if matches!(self.peek(), Some('+' | '-')) {
            self.pos += 1;
        }
        let digits_start = self.pos;
        self.eat_while(|c| c.is_ascii_digit());
        let digits = &self.text[digits_start..self.pos];
        if digits.is_empty() {
            let found = self
                .peek()
                .map_or("end of input".to_string(), |c| format!("`{c}`"));
            let code = match self.peek() {
                None => ErrorCode::UnexpectedEof,
                Some(_) => ErrorCode::BadParse,
            };
            let span = Span::new(self.pos, self.pos);
            let message = format!("expected the digits of an exponent, found {found}");
            return Err(SoqlError::new(code, message, span));
        }
        let in_range = digits.parse::<i64>().is_ok_and(|e| e <= MAX_EXPONENT);
        if !in_range {
            let written = &self.text[start..self.pos];
            return Err(SoqlError::new(
                ErrorCode::BadParse,
                format!("expected an exponent of at most {MAX_EXPONENT}, found `{written}`"),
                Span::new(start, self.pos),
            ));
        }
        Ok(())
    }

    fn punctuation(&mut self, c: char) -> TokenKind {
        let next = self.peek_at(1);
        let (kind, len) = match (c, next) {
            ('|', Some('|')) => (TokenKind::Concat, 2),
            ('!', Some('=')) => (TokenKind::NotEq, 2),
            ('<', Some('>')) => (TokenKind::NotEq, 2),
            ('<', Some('=')) => (TokenKind::LtEq, 2),
            ('>', Some('=')) => (TokenKind::GtEq, 2),
            ('=', Some('=')) => (TokenKind::Eq, 2),
            ('(', _) => (TokenKind::LParen, 1),
            (')', _) => (TokenKind::RParen, 1),
            (',', _) => (TokenKind::Comma, 1),
            ('*', _) => (TokenKind::Star, 1),
            ('+', _) => (TokenKind::Plus, 1),
            ('-', _) => (TokenKind::Minus, 1),
            ('/', _) => (TokenKind::Slash, 1),
            ('%', _) => (TokenKind::Percent, 1),
            ('^', _) => (TokenKind::Caret, 1),
            ('=', _) => (TokenKind::Eq, 1),
            ('<', _) => (TokenKind::Lt, 1),
            ('>', _) => (TokenKind::Gt, 1),
            _ => (TokenKind::Unknown, c.len_utf8()),
        };
        self.pos += len;
        kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn numbers_keep_their_spelling() {
        assert_eq!(
            kinds("1 .5 1.5e-2 3."),
            vec![
                TokenKind::Number("1".into()),
                TokenKind::Number(".5".into()),
                TokenKind::Number("1.5e-2".into()),
                TokenKind::Number("3.".into()),
                TokenKind::Eof,
            ]
        );
    }

    #[test]
    fn doubled_quotes_escape_themselves() {
        assert_eq!(
            kinds("'it''s' `a``b`"),
            vec![
                TokenKind::Text("it's".into()),
                TokenKind::Quoted("a`b".into()),
                TokenKind::Eof,
            ]
        );
    }

    #[test]
    fn system_fields_and_operators() {
        assert_eq!(
            kinds(":id :* <> || :@region"),
            vec![
                TokenKind::System(":id".into()),
                TokenKind::SystemStar,
                TokenKind::NotEq,
                TokenKind::Concat,
                TokenKind::System(":@region".into()),
                TokenKind::Eof,
            ]
        );
    }

    #[test]
    fn a_lone_colon_is_unknown() {
        assert_eq!(kinds(": x")[0], TokenKind::Unknown);
    }

    #[test]
    fn huge_exponents_are_refused() {
        let err = tokenize("1e99999").unwrap_err();
        assert_eq!(err.code, ErrorCode::BadParse);
        assert_eq!(err.span, Span::new(0, 7));
    }
}
