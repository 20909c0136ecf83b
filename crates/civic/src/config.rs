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
