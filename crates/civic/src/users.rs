//! `civic user add`, and the demo portal's staff accounts: accounts made
//! from the command line. Each gets a random first password, printed once
//! on stdout; the database keeps only its hash.

use anyhow::anyhow;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use serde_json::json;
use store::{NewAuditEntry, NewUser, Role, Store, StoreError, User};
use web::credentials;

use crate::{Failure, Global};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; its first password is printed on stdout.
    Add(AddArgs),
    /// Make an app token for an account; the token is printed on stdout.
    Token(TokenArgs),
}

#[derive(Args)]
pub struct TokenArgs {
    /// The e-mail address of the account the token acts for.
    email: String,
    /// What the token is for, as the account page lists it.
    #[arg(long, value_name = "N")]
    name: String,
}

#[derive(Args)]
pub struct AddArgs {
    /// The e-mail address the person signs in with.
    email: String,
    /// What the account may do.
    #[arg(long, value_parser = role_parser())]
    role: Role,
    /// A department a steward looks after; repeat for several.
    #[arg(long = "department", value_name = "D")]
    departments: Vec<String>,
    /// The person's name, as pages show it.
    #[arg(long, value_name = "N", default_value = "")]
    name: String,
}

/// Roles by their machine names; clap names the valid ones when refusing
/// another.
fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(Role::ALL.map(Role::as_str))
        .try_map(|name| Role::parse(&name).ok_or("not a role"))
}

pub async fn run(
    global: &Global,
    settings: &web::Settings,
    command: UserCommand,
) -> Result<(), Failure> {
    match command {
        UserCommand::Add(args) => add(global, settings, args).await,
        UserCommand::Token(args) => token(global, args).await,
    }
}

async fn token(global: &Global, args: TokenArgs) -> Result<(), Failure> {
    let name = args.name.trim();
    if name.is_empty() {
        return Err(Failure::Usage(anyhow!("--name must not be empty")));
    }
    let store = Store::open(&global.data_dir).await?;
    let Some((user, _)) = store.user_with_password(&args.email).await? else {
        return Err(Failure::Refused(anyhow!(
            "no account has the e-mail address `{}`",
            args.email.trim()
        )));
    };
    let (token, secret) =
        web::access::issue_app_token(&store, &user, None, name, chrono::Utc::now()).await?;
    println!("{secret}");
    eprintln!(
        "made app token {} `{}` for {}; the token, on stdout, is not shown again",
        token.id, token.name, user.email
    );
    Ok(())
}

async fn add(global: &Global, settings: &web::Settings, args: AddArgs) -> Result<(), Failure> {
    let email = args.email.trim();
    if let Some(problem) = credentials::email_problem(email) {
        return Err(Failure::Refused(anyhow!("`{email}`: {problem}")));
    }
    let departments = departments(settings, args.role, &args.departments)?;

    let store = Store::open(&global.data_dir).await?;
    let password = credentials::one_time_password();
    let new = NewUser {
        email: email.to_string(),
        name: args.name,
        password_hash: None,
        role: args.role,
        departments,
    };
    let user = create(&store, new, &password).await?;

    println!("{password}");
    eprintln!(
        "created {} {} (user {}); its first password, on stdout, is not shown again",
        user.role, user.email, user.id
    );
    Ok(())
}

/// Stewards look after one department or more, named as the city profile
/// spells them; no other role has departments.
fn departments(
    settings: &web::Settings,
    role: Role,
    given: &[String],
) -> Result<Vec<String>, Failure> {
    match (role, given.is_empty()) {
        (Role::Steward, true) => Err(Failure::Usage(anyhow!(
            "a steward looks after at least one department: add --department D"
        ))),
        (Role::Steward, false) => {
            let profile = crate::config::profile(settings)?;
            given
                .iter()
                .map(|name| {
                    profile.department(name).map(String::from).ok_or_else(|| {
                        Failure::Usage(anyhow!(
                            "--department `{}` is not a department of the {}; the departments are: {}",
                            name.trim(),
                            profile.city.name,
                            profile.departments.join(", ")
                        ))
                    })
                })
                .collect()
        }
        (_, true) => Ok(Vec::new()),
        (other, false) => Err(Failure::Usage(anyhow!(
            "--department is only for stewards; a {other} looks after no department"
        ))),
    }
}

/// Creates the account with `password` and records it in the audit log as
/// done by the system; an e-mail address already taken is refused.
async fn create(store: &Store, mut new: NewUser, password: &str) -> Result<User, Failure> {
    let now = chrono::Utc::now();
    new.password_hash = Some(credentials::hash_password(password.to_string()).await?);
    let user = match store.create_user(new, now).await {
        Ok(user) => user,
        Err(e @ StoreError::EmailTaken(_)) => return Err(Failure::Refused(e.into())),
        Err(e) => return Err(e.into()),
    };
    // The password was printed for someone to hand on: its owner chooses
    // their own at the first sign-in.
    store.require_password_change(user.id).await?;
    let entry = NewAuditEntry {
        actor: None,
        action: "user_created",
        target: format!("user:{}", user.id),
        before: None,
        after: Some(json!({
            "email": user.email,
            "role": user.role,
            "departments": user.departments,
        })),
    };
    store.append_audit(entry, now).await?;
    Ok(user)
}

/// The demo portal's staff, so its staff pages can be tried at once.
const DEMO_ACCOUNTS: [(&str, &str, Role, &[&str]); 3] = [
    (
        "admin@demo.civic.local",
        "Demo Administrator",
        Role::Admin,
        &[],
    ),
    (
        "clerk@demo.civic.local",
        "Demo Records Clerk",
        Role::Clerk,
        &[],
    ),
    (
        "steward@demo.civic.local",
        "Demo Police Steward",
        Role::Steward,
        &["Police"],
    ),
];

/// Creates each demo account that does not exist yet and prints its
/// e-mail address, role and first password on stdout. On later starts the
/// accounts exist and nothing is printed.
pub async fn seed_demo_accounts(store: &Store) -> Result<(), Failure> {
    for (email, name, role, departments) in DEMO_ACCOUNTS {
        if store.user_with_password(email).await?.is_some() {
            continue;
        }
        let new = NewUser {
            email: email.to_string(),
            name: name.to_string(),
            password_hash: None,
            role,
            departments: departments.iter().map(|d| d.to_string()).collect(),
        };
        let password = credentials::one_time_password();
        create(store, new, &password).await?;
        println!("{email}\t{role}\t{password}");
    }
    Ok(())
}
