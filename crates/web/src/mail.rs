//! E-mail the portal sends, over SMTP to the server the `smtp_url` setting
//! names. Messages are plain text: they carry a link and a few lines.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::Settings;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the smtp_url setting `{url}` is not usable: {reason}")]
    Url { url: String, reason: String },
    #[error("the mail_from setting `{0}` is not a mailbox such as `Civic <noreply@city.example>`")]
    From(String),
    #[error("composing a message: {0}")]
    Compose(String),
    #[error("sending by SMTP: {0}")]
    Send(String),
}

/// Sends the portal's e-mail.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the settings describe; `None` when no `smtp_url` is set.
    pub fn from_settings(settings: &Settings) -> Result<Option<Mailer>, MailError> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url {
                url: redacted(url),
                reason: e.to_string(),
            })?
            .build();
        let from = settings
            .mail_from
            .parse()
            .map_err(|_| MailError::From(settings.mail_from.clone()))?;
        Ok(Some(Mailer { transport, from }))
    }

    /// Sends one plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Compose(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| MailError::Compose(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}

/// The URL without its password, for messages that may be logged.
fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://…@{host}")
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_make_a_mailer_or_say_what_is_wrong() {
        let mut settings = Settings::default();
        assert!(Mailer::from_settings(&settings).unwrap().is_none());

        settings.smtp_url = Some("smtp://127.0.0.1:2525".into());
        assert!(Mailer::from_settings(&settings).unwrap().is_some());

        settings.smtp_url = Some("gopher://user:secret@mail.example:25".into());
        let e = Mailer::from_settings(&settings).err().expect("refused");
        assert!(e.to_string().contains("gopher://…@mail.example:25"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");

        settings.smtp_url = Some("smtp://127.0.0.1:2525".into());
        settings.mail_from = "not a mailbox".into();
        let e = Mailer::from_settings(&settings).err().expect("refused");
        assert!(e.to_string().contains("mail_from"), "{e}");
    }
}
