import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, startTestApi, type TestApi } from '../testing/api-harness.ts';

describe('accounts', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres');
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('signs up, keeps a session cookie, answers me, and logs out for good', async () => {
    const client = createTestClient(api.url);
    const signup = await client.signup('Ana@Example.com');
    expect(signup.status).toBe(201);
    expect(signup.body.user).toMatchObject({ email: 'ana@example.com', displayName: null });
    expect(signup.headers.get('set-cookie')).toMatch(
      /^hmmtrade_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    );

    const me = await client.request('GET', '/api/v1/accounts/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('ana@example.com');

    expect((await client.request('POST', '/api/v1/accounts/logout')).status).toBe(204);
    expect((await client.request('GET', '/api/v1/accounts/me')).status).toBe(401);
  });

  it('stores only a scrypt hash of the password and audits the signup', async () => {
    await createTestClient(api.url).signup('hash@example.com', 'a very secret passphrase');
    const row = await api.testDb.handle.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'hash@example.com')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('a very secret passphrase');
    const audit = await api.testDb.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_id', '=', row.id)
      .execute();
    expect(audit.map((entry) => entry.action)).toContain('account.signup');
    expect(audit[0]?.ip).toMatch(/127\.0\.0\.1/);
  });

  it('rejects bad input with field-level messages and duplicates with 409', async () => {
    const client = createTestClient(api.url);
    const bad = await client.request('POST', '/api/v1/accounts/signup', {
      email: 'nope',
      password: 'short',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([
      { path: 'body.email', message: 'must be an email address' },
      { path: 'body.password', message: 'must be at least 12 characters' },
    ]);
    await client.signup('dup@example.com');
    const again = await createTestClient(api.url).signup('DUP@example.com');
    expect(again.status).toBe(409);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    await createTestClient(api.url).signup('login@example.com');
    const wrong = await createTestClient(api.url).request('POST', '/api/v1/accounts/login', {
      email: 'login@example.com',
      password: 'not the password',
    });
    const unknown = await createTestClient(api.url).request('POST', '/api/v1/accounts/login', {
      email: 'ghost@example.com',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    const ok = await createTestClient(api.url).request('POST', '/api/v1/accounts/login', {
      email: 'login@example.com',
      password: 'correct horse battery staple',
    });
    expect(ok.status).toBe(200);
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const client = createTestClient(api.url);
    await client.signup('csrf@example.com');
    const forged = await client.request(
      'POST',
      '/api/v1/accounts/tokens',
      { name: 'x' },
      { 'x-csrf-token': 'forged' },
    );
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toMatch(/X-CSRF-Token/);
    expect((await client.request('POST', '/api/v1/accounts/tokens', { name: 'x' })).status).toBe(
      201,
    );
  });

  it('issues API tokens shown once, lists them without secrets, and revokes them', async () => {
    const client = createTestClient(api.url);
    await client.signup('tokens@example.com');
    const created = await client.request('POST', '/api/v1/accounts/tokens', {
      name: 'laptop agent',
    });
    expect(created.body.token).toMatch(/^hmt_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
    const token: string = created.body.token;

    const cli = client.bearer(token);
    expect((await cli.request('GET', '/api/v1/accounts/me')).body.user.email).toBe(
      'tokens@example.com',
    );
    const listed = await client.request('GET', '/api/v1/accounts/tokens');
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(token.slice(13));
    const stored = await api.testDb.handle.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(
      (await client.request('DELETE', `/api/v1/accounts/tokens/${created.body.apiToken.id}`))
        .status,
    ).toBe(204);
    const revoked = await cli.request('GET', '/api/v1/accounts/me');
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toBe('the bearer token is invalid, expired or revoked');
  });

  it('rate-limits sign-in attempts per client', async () => {
    const limited = await startTestApi('pglite', {
      settings: { csrfSecret: 's', secureCookies: false, authAttemptsPerMinute: 3 },
    });
    try {
      const client = createTestClient(limited.url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (
            await client.request('POST', '/api/v1/accounts/login', {
              email: 'x@example.com',
              password: 'whatever-password',
            })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.dispose();
    }
  });
});
