// A real OpenID Connect provider for tests/test_signin.py, on this machine only.
//
//   node tests/oidc/provider.js PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Issuer http://127.0.0.1:PORT, one confidential client (authorization code, PKCE when
// asked), and oidc-provider's development sign-in pages: the account is whatever e-mail
// is typed at the login page (any password), its claims `email` and `email_verified`
// (and `name`), scopes `openid email profile`.  Prints "oidc provider listening on
// http://127.0.0.1:PORT" once it accepts connections.  Never for a real deployment.
// Install its package with `npm install --prefix tests/oidc`.

import { randomBytes } from 'node:crypto';

import Provider, { interactionPolicy } from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error('usage: node provider.js PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// Streamlit's st.login asks for prompt=select_account.  The development pages have no
// account chooser (the login page is where the account is chosen), so the prompt is
// accepted and asks for nothing more.
const policy = interactionPolicy.base();
const selectAccount = new interactionPolicy.Prompt({ name: 'select_account', requestable: true });
selectAccount.checks.clear();
policy.add(selectAccount, 0);

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  // The account is the e-mail typed at the login page.
  async findAccount(ctx, id) {
    const email = String(id).trim();
    return {
      accountId: email,
      async claims() {
        return { sub: email, email, email_verified: true, name: email.split('@')[0] };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  // Streamlit reads who signed in from the ID token alone: put the claims there.
  conformIdTokenClaims: false,
  interactions: { policy },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: true } },
});

// oidc-provider's warnings about development keys and pages are expected here.
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const server = provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc provider listening on ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
