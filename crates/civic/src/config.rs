//! Settings: flag > environment (`CIVIC_` + name) > file > default.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use web::Settings;

use crate::Global;

pub fn settings(global: &Global) -> anyhow::Result<Settings> {
    let file = match &global.config {
        Some(path) => {
            if !path.is_file() {
                bail!(
                    "the settings file {} does not exist or is not a file",
                    path.display()
                );
            }
            Some(path.clone())
        }
        None => Some(global.data_dir.join("civic.toml")).filter(|p| p.exists()),
    };
    let names = web::settings::setting_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    if let Some(path) = &file {
        figment = figment.merge(Toml::file(path));
    }
    figment = figment.merge(Env::prefixed("CIVIC_").only(&names));
    let settings: Settings = figment.extract().with_context(|| match &file {
        Some(path) => format!(
            "reading settings from {} and CIVIC_* variables",
            path.display()
        ),
        None => "reading settings from CIVIC_* variables".to_string(),
    })?;
    web::mail::Mailer::from_settings(&settings)?;
    web::oidc::Oidc::from_settings(&settings)?;
    if !settings.digest_at.is_empty() && web::digest::parse_time(&settings.digest_at).is_none() {
        bail!(
            "digest_at must be a local time as HH:MM, such as 07:00; found `{}`",
            settings.digest_at
        );
    }
    if settings.max_limit == 0 {
        bail!("max_limit must be at least 1");
    }
    Ok(settings)
}

/// The city profile the settings name, or Aurora's built-in one.
pub fn profile(settings: &Settings) -> anyhow::Result<web::profile::Profile> {
    match &settings.profile {
        Some(path) => Ok(web::profile::Profile::read(path)?),
        None => Ok(web::profile::Profile::aurora()),
    }
}

/// The records law profile the settings name, or Aurora's built-in one.
pub fn records_profile(settings: &Settings) -> anyhow::Result<records::jurisdiction::Jurisdiction> {
    match &settings.records_profile {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the records profile {}", path.display()))?;
            records::jurisdiction::Jurisdiction::parse(&text)
                .with_context(|| format!("the records profile {}", path.display()))
        }
        None => Ok(records::jurisdiction::Jurisdiction::aurora()),
    }
}
