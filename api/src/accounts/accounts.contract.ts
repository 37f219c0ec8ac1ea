import { z } from 'zod';
import { defineContract, idParams } from '../http/route-contract.ts';

const email = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(320)
  .pipe(z.email({ message: 'must be an email address' }))
  .describe('Email address, case-insensitive.');
const password = z
  .string()
  .min(12, { message: 'must be at least 12 characters' })
  .max(256, { message: 'must be at most 256 characters' })
  .describe('Password, 12 to 256 characters.');

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export const sessionResponseSchema = z.object({
  user: userSchema,
  /** Send back as the X-CSRF-Token header on cookie-authenticated writes. */
  csrfToken: z.string().describe('Send as X-CSRF-Token on writes authenticated by the cookie.'),
});

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const apiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to recognise it.'),
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});

const tags = ['accounts'];

export const signupContract = defineContract({
  method: 'post',
  path: '/api/v1/accounts/signup',
  summary: 'Create an account and sign in',
  tags,
  auth: 'none',
  body: z.strictObject({
    email,
    password,
    displayName: z.string().trim().min(1).max(100).optional(),
  }),
  responses: {
    201: { description: 'Signed up and in (session cookie set)', schema: sessionResponseSchema },
    400: { description: 'Invalid input', schema: errorSchema },
    409: { description: 'Email already registered', schema: errorSchema },
    429: { description: 'Too many attempts', schema: errorSchema },
  },
});

export const loginContract = defineContract({
  method: 'post',
  path: '/api/v1/accounts/login',
  summary: 'Sign in with email and password',
  tags,
  auth: 'none',
  body: z.strictObject({ email, password: z.string().min(1).max(256) }),
  responses: {
    200: { description: 'Signed in (session cookie set)', schema: sessionResponseSchema },
    401: { description: 'Wrong email or password', schema: errorSchema },
    429: { description: 'Too many attempts', schema: errorSchema },
  },
});

export const logoutContract = defineContract({
  method: 'post',
  path: '/api/v1/accounts/logout',
  summary: 'Sign out: revoke this session',
  tags,
  auth: 'user',
  responses: { 204: { description: 'Signed out' } },
});

export const meContract = defineContract({
  method: 'get',
  path: '/api/v1/accounts/me',
  summary: 'The signed-in user',
  tags,
  auth: 'user',
  responses: {
    200: { description: 'The user', schema: sessionResponseSchema.partial({ csrfToken: true }) },
    401: { description: 'Not signed in', schema: errorSchema },
  },
});

export const createTokenContract = defineContract({
  method: 'post',
  path: '/api/v1/accounts/tokens',
  summary: 'Create an API token for the CLI or the local agent',
  tags,
  auth: 'user',
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z.int().min(1).max(3650).optional(),
  }),
  responses: {
    201: {
      description: 'The token, shown once',
      schema: z.object({ token: z.string(), apiToken: apiTokenSchema }),
    },
  },
});

export const listTokensContract = defineContract({
  method: 'get',
  path: '/api/v1/accounts/tokens',
  summary: 'List API tokens (never their secret)',
  tags,
  auth: 'user',
  responses: {
    200: { description: 'Tokens', schema: z.object({ items: z.array(apiTokenSchema) }) },
  },
});

export const revokeTokenContract = defineContract({
  method: 'delete',
  path: '/api/v1/accounts/tokens/:id',
  summary: 'Revoke an API token',
  tags,
  auth: 'user',
  params: idParams,
  responses: {
    204: { description: 'Revoked' },
    404: { description: 'No such token', schema: errorSchema },
  },
});
