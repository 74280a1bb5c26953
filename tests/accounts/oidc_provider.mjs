// A real OpenID Connect provider (the npm package oidc-provider) for the single sign-on
// tests, on loopback. Usage: node oidc_provider.mjs PORT ACCOUNTS.json REDIRECT_URI LOGOUT_URI
//
// ACCOUNTS.json maps a login name to its claims ({"email": ..., "name": ..., "groups": [...]})
// and is read afresh at every sign-in, so a test can change someone's groups between two.
// The login page asks only for the login name: these are test accounts.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const [port, accountsPath, redirectUri, logoutUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function accounts() {
  return JSON.parse(readFileSync(accountsPath, "utf8"));
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "chorus",
      client_secret: "chorus-test-secret",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [logoutUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
  // First-party: every scope asked for is granted without a consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile groups");
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["chorus-test-cookie-key"] },
});

function readBody(req) {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => resolve(new URLSearchParams(body)));
  });
}

const page = (uid) => `<!doctype html><html lang="en"><head><title>Test provider: sign in</title></head>
<body><main><h1>Test provider</h1><form method="post" action="/interaction/${uid}">
<label for="login">Login name</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Continue</button></form></main></body></html>`;

const callback = provider.callback();
createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)/);
  if (!match) return callback(req, res);
  try {
    await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(page(match[1]));
    }
    const login = (await readBody(req)).get("login") || "";
    if (!accounts()[login]) {
      return provider.interactionFinished(req, res, { error: "access_denied", error_description: "Unknown account" });
    }
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain" });
    res.end(String(error));
  }
}).listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
