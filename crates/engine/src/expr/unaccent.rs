//! `unaccent(text)`: Latin letters without their diacritics, the way
//! Postgres's `unaccent` dictionary (which Socrata answers with) has them.
//!
//! Covered: every letter of Latin-1 Supplement and Latin Extended-A
//! (U+00C0–U+017F), including the ones Unicode does not decompose (`Ø` → `O`,
//! `Ł` → `L`, `ß` → `ss`, `Æ` → `AE`), and combining diacritical marks
//! (U+0300–U+036F), which are dropped so that decomposed text (`e` + U+0301)
//! comes out bare as well. Everything else passes through unchanged.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{AsArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// The call `unaccent(text)`.
pub fn unaccent(text: Expr) -> Expr {
    static UDF: LazyLock<Arc<ScalarUDF>> =
        LazyLock::new(|| Arc::new(ScalarUDF::new_from_impl(Unaccent::new())));
    UDF.call(vec![text])
}

/// `text` with the diacritics taken off its Latin letters.
pub fn strip(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut bare = String::with_capacity(text.len());
    for c in text.chars() {
        match plain(c) {
            Some(letters) => bare.push_str(letters),
            None => bare.push(c),
        }
    }
    Cow::Owned(bare)
}

/// What `c` becomes, if it changes.
fn plain(c: char) -> Option<&'static str> {
    match u32::from(c) {
        0x300..=0x36f => Some(""),
        code @ 0xc0..=0x17f => Some(LATIN[(code - 0xc0) as usize]),
        _ => None,
    }
}

/// U+00C0 to U+017F without diacritics; `×` and `÷` are not letters and stay.
#[rustfmt::skip]
const LATIN: [&str; 192] = [
    // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    // U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
    "D", "N", "O", "O", "O", "O", "O", "×", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    // U+00E0 àáâãäåæçèéêëìíîï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ðñòóôõö÷øùúûüýþÿ
    "d", "n", "o", "o", "o", "o", "o", "÷", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
    // U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
    // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
    // U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "q", "L", "l", "L", "l", "L", "l", "L",
    // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "N", "n", "O", "o", "O", "o",
    // U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
    // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
    // U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
];

#[derive(Debug, PartialEq, Eq, Hash)]
struct Unaccent {
    signature: Signature,
}

impl Unaccent {
    fn new() -> Self {
        let signature = Signature::string(1, Volatility::Immutable);
        Unaccent { signature }
    }
}

impl ScalarUDFImpl for Unaccent {
    fn name(&self) -> &str {
        "unaccent"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [text] = args.args.as_slice() else {
            return exec_err!("unaccent takes 1 argument, found {}", args.args.len());
        };
        match text {
            ColumnarValue::Scalar(scalar) => {
                let ScalarValue::Utf8(value) = scalar.cast_to(&DataType::Utf8)? else {
                    return exec_err!("unaccent takes text, found {}", scalar.data_type());
                };
                let bare = value.map(|v| strip(&v).into_owned());
                Ok(ColumnarValue::Scalar(ScalarValue::Utf8(bare)))
            }
            ColumnarValue::Array(array) => {
                let texts = cast(array, &DataType::Utf8)?;
                let bare: StringArray = texts
                    .as_string::<i32>()
                    .iter()
                    .map(|v| v.map(strip))
                    .collect();
                Ok(ColumnarValue::Array(Arc::new(bare)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_lose_their_marks() {
        let cases = [
            ("Sainte-Thérèse, Québec", "Sainte-Therese, Quebec"),
            ("Ñandú über Øresund", "Nandu uber Oresund"),
            ("Łódź, Kraków, Dvořák", "Lodz, Krakow, Dvorak"),
            ("Straße, Æsir, Œuvre, ĳs", "Strasse, AEsir, OEuvre, ijs"),
            ("e\u{301}te\u{301}", "ete"),
            ("5 × 3 ÷ 2, 東京, ΑΘΗΝΑ", "5 × 3 ÷ 2, 東京, ΑΘΗΝΑ"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(strip(text), expected, "{text}");
        }
        assert!(matches!(strip("plain ASCII"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_table_entry_is_plain_ascii_or_kept() {
        for (i, letters) in LATIN.iter().enumerate() {
            let c = char::from_u32(0xc0 + i as u32).unwrap();
            let kept = *letters == c.to_string();
            assert!(kept || letters.is_ascii(), "U+{:04X}", 0xc0 + i);
            assert!(kept == (c == '×' || c == '÷'), "U+{:04X}", 0xc0 + i);
            // Case survives: an upper-case letter stays upper case.
            if c.is_uppercase() {
                assert!(letters.starts_with(|l: char| l.is_ascii_uppercase()), "{c}");
            }
        }
    }
}
