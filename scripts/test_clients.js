// hinge called from a Node.js application, with node-postgres.
//
//     NODE_PATH=DIR/node_modules node scripts/test_clients.js DIR/node-postgres.js
//
// Runs README.md's node-postgres snippet as it is written (extracted by
// scripts/test_clients.py --extract; it trains the binary model spam_filter
// on `messages` and prints JSON), checks what it computed, then makes every
// call of issue 19's table with untyped parameters, as node-postgres sends
// them, and checks the values.  Every value is checked twice, to 1e-12:
// against the same SQL function called with float8[] features (a cast in
// SQL), and against the same formula computed here from the model's weights
// and Platt parameters read as JSON text.  Needs a database with hinge,
// `messages` and `kinds` (scripts/test_clients.sh makes them), reached
// through libpq's environment (PGHOST, PGDATABASE...).  Prints
// 'node-postgres <version>: N checks ok', or the first failure and exits 1.
'use strict';

const { execFileSync } = require('child_process');
const { Client } = require('pg');

const TOLERANCE = 1e-12;
// feature rows as applications hold them: floats and ints
const ROWS = [[0.84, -0.99, 0.1], [0.91, -0.96, 0.2], [-1.5, 0.25, 0.7], [2, -1, 0], [-1, 0, 3]];
// weights (intercept last) and a weight matrix
const WEIGHTS = [[0.5, -1.25, 2.0, 0.125], [1, -2, 3, 0]];
const MATRIX = [[1.0, -0.5, 0.25, 0.0], [-1.0, 2.0, 0.0, 0.5], [0.5, 0.5, -0.5, -1.0]];

class Failure extends Error {}

let checks = 0;
function ok(cond, what) {
  checks += 1;
  if (!cond) throw new Failure(what);
}
// numbers, or arrays of them (any nesting), equal to TOLERANCE * max(1, scale)
function close(got, want, what, scale = 1) {
  if (Array.isArray(want)) {
    ok(Array.isArray(got) && got.length === want.length,
       `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    want.forEach((w, i) => close(got[i], w, what, scale));
    return;
  }
  ok(typeof got === 'number' && Number.isFinite(got) &&
     Math.abs(got - want) <= TOLERANCE * Math.max(1, Math.abs(scale)),
     `${what}: got ${got}, want ${want}`);
}

// the formulas, computed here
function fsum(values) {
  // Neumaier's compensated sum: as exact as the inputs allow
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + c;
}
function score(w, x) {
  return fsum(x.map((v, j) => w[j] * v)) + (w.length === x.length + 1 ? w[x.length] : 0);
}
function scaleOf(w, x) {
  return fsum(x.map((v, j) => Math.abs(w[j] * v))) + (w.length > x.length ? Math.abs(w[x.length]) : 0);
}
function sigmoid(a, b, s) {
  const f = a * s + b;
  return f >= 0 ? Math.exp(-f) / (1 + Math.exp(-f)) : 1 / (1 + Math.exp(f));
}

class Model {
  static async read(client, name) {
    const r = await client.query(
      'SELECT array_to_json(weights)::text AS w, array_to_json(classes)::text AS c,' +
      ' array_to_json(calibration_a)::text AS a, array_to_json(calibration_b)::text AS b' +
      ' FROM hinge_model WHERE name = $1', [name]);
    const m = new Model();
    const row = r.rows[0];
    const weights = JSON.parse(row.w);
    m.rows = Array.isArray(weights[0]) ? weights : [weights];
    m.classes = JSON.parse(row.c);
    m.a = row.a && JSON.parse(row.a);
    m.b = row.b && JSON.parse(row.b);
    return m;
  }
  scores(x) { return this.rows.map((w) => score(w, x)); }
  scale(x) { return Math.max(...this.rows.map((w) => scaleOf(w, x))); }
  predict(x) {
    const s = this.scores(x);
    if (this.rows.length === 1) return this.classes[s[0] > 0 ? 1 : 0];
    return this.classes[s.indexOf(Math.max(...s))];
  }
  probabilities(x) {
    const s = this.scores(x);
    if (this.rows.length === 1) {
      const p = sigmoid(this.a[0], this.b[0], s[0]);
      return [1 - p, p];
    }
    const p = s.map((v, r) => sigmoid(this.a[r], this.b[r], v));
    const total = fsum(p);
    return p.map((v) => v / total);
  }
}

// node-postgres's version, from its package.json (which its exports may hide)
function pgVersion() {
  const fs = require('fs');
  const path = require('path');
  let dir = path.dirname(require.resolve('pg'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

async function expectError(client, sql, params, check, what) {
  try {
    await client.query(sql, params);
  } catch (err) {
    ok(check(err), `${what}: ${err.code} ${err.message} (hint: ${err.hint})`);
    return;
  }
  ok(false, `${what}: no error`);
}

async function main(snippet) {
  // README.md's snippet, run as written: it prints its results as JSON
  const out = execFileSync(process.execPath, [snippet], { encoding: 'utf8' }).trim().split('\n');
  const readme = JSON.parse(out[out.length - 1]);

  const client = new Client();
  await client.connect();
  try {
    const bin = 'spam_filter';
    const mc = 'kinds_node';
    const binary = await Model.read(client, bin);
    const row = [0.84, -0.99, 0.1];
    const batch = [[0.84, -0.99, 0.1], [0.91, -0.96, 0.2], [-1, 0, 0]];
    close(readme.weights, binary.rows[0], 'README snippet: weights read');
    close(readme.one.score, binary.scores(row)[0], 'README snippet: score', binary.scale(row));
    const ref = await client.query('SELECT hinge_score($1, $2::float8[]) AS s', [bin, row]);
    close(readme.one.score, ref.rows[0].s, 'README snippet: score against the float8[] call', binary.scale(row));
    ok(readme.one.label === binary.predict(row), `README snippet: label ${readme.one.label}`);
    ok(JSON.stringify(readme.batch.map((r) => r.i)) === '[0,1,2]', 'README snippet: batch rows');
    readme.batch.forEach((r, i) => {
      close(r.score, binary.scores(batch[i])[0], `README snippet: batch score ${i}`, binary.scale(batch[i]));
      ok(r.label === binary.predict(batch[i]), `README snippet: batch label ${i}`);
    });

    // a multiclass model, and both calibrated
    await client.query('SET client_min_messages = warning');
    await client.query("SELECT name FROM hinge_train($1, 'kinds', 'features', 'kind', lambda => 0.001)", [mc]);
    await client.query("SELECT name FROM hinge_calibrate($1, 'messages', 'features', 'label')", [bin]);
    await client.query("SELECT name FROM hinge_calibrate($1, 'kinds', 'features', 'kind')", [mc]);
    const b = await Model.read(client, bin);
    const m = await Model.read(client, mc);

    for (const x of ROWS) {
      const what = `node-postgres ${JSON.stringify(x)}`;
      // by model name, all parameters untyped
      let got = (await client.query(
        'SELECT hinge_score($1, $2) AS s, hinge_predict($1, $2) AS l, hinge_scores($1, $2) AS ss,' +
        ' hinge_probability($1, $2) AS p, hinge_probabilities($1, $2) AS ps', [bin, x])).rows[0];
      let want = (await client.query(
        'SELECT hinge_score($1, $2::float8[]) AS s, hinge_predict($1, $2::float8[]) AS l,' +
        ' hinge_scores($1, $2::float8[]) AS ss, hinge_probability($1, $2::float8[]) AS p,' +
        ' hinge_probabilities($1, $2::float8[]) AS ps', [bin, x])).rows[0];
      let scale = b.scale(x);
      close(got.s, want.s, `${what}: hinge_score`, scale);
      close(got.s, b.scores(x)[0], `${what}: hinge_score vs w.x + b`, scale);
      ok(got.l === want.l && got.l === b.predict(x), `${what}: hinge_predict ${got.l}`);
      close(got.ss, want.ss, `${what}: hinge_scores`, scale);
      close(got.p, want.p, `${what}: hinge_probability`, scale);
      close(got.p, b.probabilities(x)[1], `${what}: hinge_probability vs Platt`, scale);
      close(got.ps, want.ps, `${what}: hinge_probabilities`, scale);
      close(got.ps, b.probabilities(x), `${what}: hinge_probabilities vs Platt`, scale);

      got = (await client.query(
        'SELECT hinge_scores($1, $2) AS ss, hinge_predict($1, $2) AS l, hinge_probabilities($1, $2) AS ps',
        [mc, x])).rows[0];
      want = (await client.query(
        'SELECT hinge_scores($1, $2::float8[]) AS ss, hinge_predict($1, $2::float8[]) AS l,' +
        ' hinge_probabilities($1, $2::float8[]) AS ps', [mc, x])).rows[0];
      scale = m.scale(x);
      close(got.ss, want.ss, `${what}: multiclass hinge_scores`, scale);
      close(got.ss, m.scores(x), `${what}: multiclass hinge_scores vs W.x + b`, scale);
      ok(got.l === want.l && got.l === m.predict(x), `${what}: multiclass hinge_predict ${got.l}`);
      close(got.ps, want.ps, `${what}: multiclass hinge_probabilities`, scale);
      close(got.ps, m.probabilities(x), `${what}: multiclass probabilities vs Platt`, scale);

      // with weights: typed weights ($1::float8[]), untyped features
      for (const w of WEIGHTS) {
        got = (await client.query(
          'SELECT hinge_score($1::float8[], $2) AS s, hinge_predict($1::float8[], $2) AS p,' +
          ' hinge_geometric_margin($1::float8[], $2, $3) AS g', [w, x, -1])).rows[0];
        want = (await client.query(
          'SELECT hinge_score($1::float8[], $2::float8[]) AS s, hinge_predict($1::float8[], $2::float8[]) AS p,' +
          ' hinge_geometric_margin($1::float8[], $2::float8[], $3) AS g', [w, x, -1])).rows[0];
        const s = score(w, x);
        const norm = Math.sqrt(fsum(w.slice(0, x.length).map((v) => v * v)));
        scale = scaleOf(w, x);
        close(got.s, want.s, `${what}: hinge_score(w ${JSON.stringify(w)}, x)`, scale);
        close(got.s, s, `${what}: hinge_score(w, x) vs w.x + b`, scale);
        ok(got.p === want.p && got.p === (s > 0 ? 1 : -1), `${what}: hinge_predict(w, x)`);
        close(got.g, want.g, `${what}: hinge_geometric_margin`, scale / norm);
        close(got.g, -s / norm, `${what}: hinge_geometric_margin vs -(w.x + b)/||w||`, scale / norm);
      }
      got = (await client.query(
        'SELECT hinge_scores($1::float8[], $2) AS ss, hinge_predict_class($1::float8[], $2) AS c',
        [MATRIX, x])).rows[0];
      want = (await client.query(
        'SELECT hinge_scores($1::float8[], $2::float8[]) AS ss, hinge_predict_class($1::float8[], $2::float8[]) AS c',
        [MATRIX, x])).rows[0];
      const py = MATRIX.map((w) => score(w, x));
      scale = Math.max(...MATRIX.map((w) => scaleOf(w, x)));
      close(got.ss, want.ss, `${what}: hinge_scores(W, x)`, scale);
      close(got.ss, py, `${what}: hinge_scores(W, x) vs W.x + b`, scale);
      ok(got.c === want.c && got.c === py.indexOf(Math.max(...py)) + 1, `${what}: hinge_predict_class`);
    }

    // a batch: one untyped parameter per row, in a VALUES list
    const values = ROWS.map((x, i) => `(${i}, $${i + 2})`).join(', ');
    const scored = await client.query(
      `SELECT i, hinge_score($1, x) AS s, hinge_predict($1, x) AS l FROM (VALUES ${values}) AS t(i, x) ORDER BY i`,
      [bin, ...ROWS]);
    ok(JSON.stringify(scored.rows.map((r) => r.i)) === JSON.stringify(ROWS.map((x, i) => i)), 'batch: rows');
    scored.rows.forEach((r, i) => {
      close(r.s, b.scores(ROWS[i])[0], `batch: score of row ${i}`, b.scale(ROWS[i]));
      ok(r.l === b.predict(ROWS[i]), `batch: label of row ${i}`);
    });

    // reading the weights: node-postgres's float8[] equals the JSON text form
    const weights = (await client.query('SELECT weights FROM hinge_model WHERE name = $1', [mc])).rows[0].weights;
    ok(JSON.stringify(weights) === JSON.stringify(m.rows), `multiclass weights read: ${JSON.stringify(weights)}`);

    // weights sent untyped in the first place are a model name: the hint names the cast
    await expectError(client, 'SELECT hinge_score($1, features) FROM messages LIMIT 1', [WEIGHTS[0]],
                      (e) => e.code === '42704' && /\$1::float8\[\]/.test(e.hint || ''),
                      'untyped weights for a model name');
    await expectError(client, 'SELECT hinge_predict($1, $2)', [WEIGHTS[0], ROWS[0]],
                      (e) => e.code === '42704' && /\$1::float8\[\]/.test(e.hint || ''),
                      'untyped weights and features');
    // a list of strings: not a float8[] literal, said so
    await expectError(client, 'SELECT hinge_score($1, $2)', [bin, ['a', 'b']],
                      (e) => e.code === '22P02' && /double precision\[\] literal/.test(e.hint || ''),
                      'a list of strings');
  } finally {
    await client.end();
  }
  console.log(`node-postgres ${pgVersion()}: ${checks} checks ok`);
}

main(process.argv[2]).catch((err) => {
  console.log(`FAILED: ${err instanceof Failure ? err.message : err.stack}`);
  process.exit(1);
});
