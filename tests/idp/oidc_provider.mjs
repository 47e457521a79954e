// An OpenID Connect provider for the sign-in tests: the certified `oidc-provider` package, on 127.0.0.1.
// Its clients and accounts come as JSON in the environment variable IDP_CONFIG:
//   {"clients": [{"client_id", "client_secret", "redirect_uris": [...]}], "accounts": {"login": {claims}}}
// It listens on a free port and prints "READY <issuer>" when it answers. Sign-in uses the package's own
// development interaction pages: any known login, any password.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.IDP_CONFIG || '{}');
const accounts = config.accounts || {};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (config.clients || []).map((client) => ({
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      ...client,
    })),
    async findAccount(ctx, id) {
      if (!Object.prototype.hasOwnProperty.call(accounts, id)) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'eduperson_affiliation'],
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => false },
    cookies: { keys: ['brug-test-cookie-key'] },
    // Keep each test's sign-in fresh: no remembered session or consent between journeys.
    ttl: { Session: 60, Grant: 60, Interaction: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
