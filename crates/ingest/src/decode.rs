//! Turning the file's bytes into text: refuse binary, drop a UTF-8 BOM, and
//! fall back to Windows-1252 when the bytes are not UTF-8.

use std::borrow::Cow;

use crate::error::IngestError;
use crate::report::Encoding;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's text and how it was decoded.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    /// Set when the Windows-1252 fallback was taken, saying where.
    pub note: Option<String>,
}

/// Decodes `bytes`; a NUL byte anywhere refuses the file as binary, since
/// no text format this crate reads can hold one (UTF-16 files land here too).
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded<'_>, IngestError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary {
            offset: offset as u64,
            line: line_at(bytes, offset),
        });
    }

    let (body, encoding) = match bytes.strip_prefix(BOM) {
        Some(body) => (body, Encoding::Utf8Bom),
        None => (bytes, Encoding::Utf8),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding,
            note: None,
        }),
        Err(e) => {
            let line = line_at(body, e.valid_up_to());
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            Ok(Decoded {
                text,
                encoding: Encoding::Windows1252,
                note: Some(format!(
                    "the file is not valid UTF-8 (first at line {line}); read as Windows-1252"
                )),
            })
        }
    }
}

/// The 1-based line holding byte `offset`.
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(b"\xEF\xBB\xBFa,b").unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("a,b", Encoding::Utf8Bom));
        let d = decode("é".as_bytes()).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("é", Encoding::Utf8));
    }

    #[test]
    fn windows_1252_fallback_says_where() {
        let d = decode(b"name\ncaf\xe9\n").unwrap();
        assert_eq!(d.text, "name\ncafé\n");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(d.note.unwrap().contains("line 2"));
    }

    #[test]
    fn nul_is_binary() {
        let err = decode(b"a\nb\0").err().unwrap();
        assert!(matches!(err, IngestError::Binary { offset: 3, line: 2 }));
    }
}
