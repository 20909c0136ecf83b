// A small OpenID Connect provider for the staff sign-in tests.
//
// One client, a few accounts, and a sign-in page that is a plain form: a test
// posts an e-mail address to it, with no password, and is signed in as the
// account that has it. Consent is given at once, as a city's own provider
// does for its own portal. Never run this anywhere but on a test machine.
//
//   node provider.mjs [--port PORT]
//
// The client comes from OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (defaults
// `civic-test` and `civic-test-secret`). Its redirect address is
// http://127.0.0.1/signin/oidc/callback on any port: the client is registered
// as a native application, whose loopback redirect addresses may use any port,
// so a test can run the portal on whichever port is free. When ready it
// prints `listening http://127.0.0.1:PORT`, which is also the issuer.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '0' } },
});

const clientId = process.env.OIDC_CLIENT_ID ?? 'civic-test';
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'civic-test-secret';

// Keyed by subject. `email_verified` is false for one of them, so that a
// test can check that an address the provider has not confirmed is refused.
const ACCOUNTS = new Map(
  [
    { sub: 'u-admin', email: 'admin@auroragov.example', verified: true, name: 'Avery Admin' },
    { sub: 'u-clerk', email: 'clerk@auroragov.example', verified: true, name: 'Casey Clerk' },
    { sub: 'u-steward', email: 'steward@auroragov.example', verified: true, name: 'Sam Steward' },
    { sub: 'u-visitor', email: 'visitor@auroragov.example', verified: true, name: 'Vic Visitor' },
    { sub: 'u-unverified', email: 'unverified@auroragov.example', verified: false, name: 'Una Unverified' },
  ].map((a) => [a.sub, a]),
);

function accountByEmail(email) {
  const wanted = email.trim().toLowerCase();
  return [...ACCOUNTS.values()].find((a) => a.email === wanted);
}

async function findAccount(_ctx, sub) {
  const account = ACCOUNTS.get(sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        email: account.email,
        email_verified: account.verified,
        name: account.name,
      };
    },
  };
}

// Consent is given without asking: the one client is the city's own portal.
// oidc-provider asks for consent on every sign-in of a native client, so this
// runs every time, granting whatever the prompt says is missing.
async function consent(provider, details) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
}

function configuration() {
  return {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/signin/oidc/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: {
      claimsParameter: { enabled: true },
      devInteractions: { enabled: false },
    },
    findAccount,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    jwks: { keys: [signingKey()] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  };
}

const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, problem) {
  return `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Test provider: sign in</title>
<h1>Test provider</h1>
${problem ? `<p role="alert">${escape(problem)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label>E-mail <input name="email" type="email" required></label>
  <button type="submit">Sign in</button>
</form>
</html>
`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// The sign-in form: GET shows it, POST signs in the account with the e-mail
// address given. Consent needs no page (see consent).
function interactions(provider) {
  return async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== match[1]) ctx.throw(400, 'interaction mismatch');

    if (ctx.method === 'GET') {
      if (details.prompt.name === 'consent') {
        const result = await consent(provider, details);
        const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
        ctx.status = 303;
        ctx.redirect(to);
        return undefined;
      }
      ctx.type = 'html';
      ctx.body = loginPage(details.uid);
      return undefined;
    }
    if (ctx.method !== 'POST') ctx.throw(405);

    const account = accountByEmail((await readForm(ctx.req)).get('email') ?? '');
    if (!account) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = loginPage(details.uid, 'No account at this provider has that e-mail address.');
      return undefined;
    }
    const result = { login: { accountId: account.sub } };
    const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
    return undefined;
  };
}

const server = createServer();
server.listen(Number(args.port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  provider.use(interactions(provider));
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
