// The baseline: bare Express 5 + pg, select one bot by id. Prints "listening <url>".
import express from 'express';
import pg from 'pg';
import { listen } from '@hmmtrade/platform';
import { benchServerArgs } from '../config.ts';

const { databaseUrl } = benchServerArgs();
const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
const app = express();
app.get('/bots/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT id, name, spec FROM bots WHERE id = $1', [
    req.params.id,
  ]);
  res.json(rows[0] ?? null);
});
const server = await listen(app, { host: '127.0.0.1', port: 0 });
console.log(`listening ${server.url}`);
