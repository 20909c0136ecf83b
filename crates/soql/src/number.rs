//! Number literals as exact plain decimals: `1e3` is `1000`, `.5` is `0.5`.

use crate::lexer::MAX_EXPONENT;

/// Rewrites a number as written (`12`, `-3.50`, `.5`, `1.5e-2`) as a plain
/// decimal without exponent, keeping every written digit so nothing is
/// rounded. `None` when the text is not a number or its exponent is huge.
pub(crate) fn plain_decimal(written: &str) -> Option<String> {
    let (negative, unsigned) = match written.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, written.strip_prefix('+').unwrap_or(written)),
    };
    let (mantissa, exponent) = split_exponent(unsigned)?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    // Where the decimal point falls in `digits` once the exponent is applied.
    let point = i64::try_from(whole.len()).ok()? + exponent;
    let plain = place_point(&digits, point);
    Some(if negative { format!("-{plain}") } else { plain })
}

fn split_exponent(text: &str) -> Option<(&str, i64)> {
    let Some(at) = text.find(['e', 'E']) else {
        return Some((text, 0));
    };
    let exponent_text = &text[at + 1..];
    let digits = exponent_text.trim_start_matches(['+', '-']);
    let sign_len = exponent_text.len() - digits.len();
    if sign_len > 1 || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let exponent: i64 = exponent_text.parse().ok()?;
    (exponent.abs() <= MAX_EXPONENT).then_some((&text[..at], exponent))
}

/// Writes `digits` with a decimal point after `point` of them, padding with
/// zeros on either side, then drops leading zeros of the whole part.
fn place_point(digits: &str, point: i64) -> String {
    let len = digits.len() as i64;
    let (whole, fraction) = if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        (String::new(), format!("{zeros}{digits}"))
    } else if point >= len {
        let zeros = "0".repeat((point - len) as usize);
        (format!("{digits}{zeros}"), String::new())
    } else {
        let (w, f) = digits.split_at(point as usize);
        (w.to_string(), f.to_string())
    };
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::plain_decimal;

    #[test]
    fn numbers_become_plain_decimals() {
        let cases = [
            ("12", "12"),
            ("-12.50", "-12.50"),
            (".5", "0.5"),
            ("3.", "3"),
            ("1e3", "1000"),
            ("1.5e-2", "0.015"),
            ("2.50E+1", "25.0"),
            ("0e5", "0"),
            ("007", "7"),
            ("1e-3", "0.001"),
            ("123.456e1", "1234.56"),
        ];
        for (written, plain) in cases {
            assert_eq!(plain_decimal(written).as_deref(), Some(plain), "{written}");
        }
    }

    #[test]
    fn non_numbers_are_refused() {
        for written in ["", ".", "e3", "1e", "1e+-3", "1x", "1e99999", "--1"] {
            assert_eq!(plain_decimal(written), None, "{written}");
        }
    }
}
