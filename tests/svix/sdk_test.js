#!/usr/bin/env node
// End-to-end test of hookd's Svix-compatible API (/api/v1) with the official `svix` SDK.
//
//   node tests/svix/sdk_test.js <path-to-hookd-binary>
//
// Starts the given hookd binary on a free 127.0.0.1 port (SQLite store in a temp dir, an API
// token, private targets allowed), starts an HTTP receiver on 127.0.0.1 that records every
// delivery's headers and raw body bytes, then drives hookd only through the SDK: applications,
// endpoints, event types, messages, attempts, secrets, custom headers, resend, tenant isolation.
// Every delivery's signature is checked with the SDK's Webhook and with the standardwebhooks
// package. Prints one line per passed step and a closing "N passed, N failed" line; exits 0 only
// when every step passed. Every wait is bounded; nothing but 127.0.0.1 is contacted.
//
// Needs tests/svix/node_modules (scripts/node-setup runs `npm ci` there). Node 18 or newer.
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

if (Number(process.versions.node.split('.')[0]) < 18) {
  console.error(`sdk_test: Node.js 18 or newer is needed (the SDK uses fetch); this is ${process.version}`);
  process.exit(2);
}

// The SDK calls the global `crypto.randomUUID()` (its idempotency keys); Node 18 has no global
// WebCrypto unless a flag is given, Node 19+ has it.
if (!globalThis.crypto) globalThis.crypto = crypto.webcrypto;

// The packages come from tests/svix/node_modules only (never a parent folder or a global
// install), at exactly the versions package.json pins: a missing or stale install fails the run.
function loadDependency(name) {
  const pinned = require(path.join(__dirname, 'package.json')).dependencies[name];
  const dir = path.join(__dirname, 'node_modules', name);
  let mod, version;
  try {
    version = require(path.join(dir, 'package.json')).version;
    mod = require(dir);
  } catch (e) {
    console.error(`sdk_test: cannot load the npm package '${name}' from ${dir} (${e.code || e.message}).`);
    console.error(`sdk_test: install the test's dependencies first: scripts/node-setup ` +
                  `(runs npm ci in ${__dirname}).`);
    process.exit(2);
  }
  if (version !== pinned) {
    console.error(`sdk_test: ${dir} is version ${version}, package.json pins ${pinned}: ` +
                  `run scripts/node-setup (npm ci in ${__dirname}).`);
    process.exit(2);
  }
  return { mod, version };
}
const svixPackage = loadDependency('svix');
const standardPackage = loadDependency('standardwebhooks');
const svix = svixPackage.mod;
const standardwebhooks = standardPackage.mod;
const { Svix, Webhook, ApiException } = svix;

const WAIT_MS = 20000;          // bound of every wait for a delivery, an attempt or readiness
const SETTLE_MS = 1500;         // how long "nothing more arrives" is watched before it is judged
const REQUEST_TIMEOUT_MS = 10000; // bound of every SDK call
const WATCHDOG_MS = 240000;     // the whole run

// ---------------------------------------------------------------------------------------------
// Harness: steps, failure reporting, cleanup.

let passed = 0;
let hookd = null;               // { child, port, stdoutPath, stderrPath, exited }
let receiver = null;            // { server, port, deliveries }
let tempDir = null;

function log(line) {
  process.stdout.write(line + '\n');
}

function tail(file, lines = 60) {
  try {
    const text = fs.readFileSync(file, 'utf8').split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(unreadable)';
  }
}

function describeError(e) {
  if (e instanceof ApiException) {
    return `ApiException ${e.code}: ${typeof e.body === 'string' ? e.body : JSON.stringify(e.body)}`;
  }
  if (e && e.stack) return e.stack;
  return String(e);
}

function killHookdNow() {
  if (hookd && hookd.child && hookd.exited === null) {
    try { hookd.child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

process.on('exit', killHookdNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`sdk_test: ${sig} received, stopping hookd`);
    killHookdNow();
    process.exit(130);
  });
}

function fail(step, e) {
  log(`not ok ${passed + 1} - ${step}`);
  for (const line of describeError(e).split('\n')) log(`#   ${line}`);
  if (receiver) {
    log('#   deliveries received so far:');
    for (const d of receiver.deliveries) {
      log(`#     ${d.method} ${d.path} svix-id=${d.headers['svix-id']} ` +
          `webhook-id=${d.headers['webhook-id']} bytes=${d.body.length}`);
    }
  }
  if (hookd) {
    if (hookd.exited !== null) log(`#   hookd exited: ${hookd.exited}`);
    log(`#   hookd stderr (${hookd.stderrPath}), last lines:`);
    for (const line of tail(hookd.stderrPath).split('\n')) log(`#     ${line}`);
  }
  if (tempDir) log(`#   temp dir kept for inspection: ${tempDir}`);
  log(`${passed} passed, 1 failed`);
  killHookdNow();
  process.exit(1);
}

async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    fail(name, e);
  }
  passed += 1;
  log(`ok ${passed} - ${name}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// Polls `probe` (sync or async; a truthy result ends the wait) every 50 ms for at most `ms`;
/// throws naming `what` on time-out. Errors thrown by the probe are retried until the time-out,
/// then reported.
async function waitFor(what, probe, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  let lastError = null;
  for (;;) {
    if (hookd && hookd.exited !== null) {
      throw new Error(`hookd exited (${hookd.exited}) while waiting for ${what}`);
    }
    try {
      const v = await probe();
      if (v) return v;
      lastError = null;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}` +
                      (lastError ? `; last error: ${describeError(lastError)}` : ''));
    }
    await sleep(50);
  }
}

/// Awaits `promise` and requires it to be rejected with an ApiException of `code`.
async function expectApiError(promise, code, what) {
  let result;
  try {
    result = await promise;
  } catch (e) {
    if (e instanceof ApiException) {
      assert.equal(e.code, code, `${what}: expected HTTP ${code}, got ${describeError(e)}`);
      return e;
    }
    throw new Error(`${what}: expected ApiException ${code}, got ${describeError(e)}`);
  }
  throw new Error(`${what}: expected ApiException ${code}, but the call succeeded: ` +
                  JSON.stringify(result));
}

// ---------------------------------------------------------------------------------------------
// hookd and the receiver.

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function httpGetStatus(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

async function startHookd(binary, token) {
  const port = await freePort();
  const dataDir = path.join(tempDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const configPath = path.join(tempDir, 'hookd.toml');
  // Only what differs from the defaults (hookd.example.toml lists every key). The retry
  // interval stays long, so the endpoint answering 500 gets exactly one attempt during the run.
  const toml = [
    '[server]',
    `listen = ${JSON.stringify(`127.0.0.1:${port}`)}`,
    `api_token = ${JSON.stringify(token)}`,
    '',
    '[store]',
    'backend = "sqlite"',
    `path = ${JSON.stringify(path.join(dataDir, 'hookd.db'))}`,
    '',
    '[retry]',
    'initial_interval = "10m"',
    'max_interval = "1h"',
    '',
    '[endpoints]',
    'allow_private_targets = true       # the receiver lives on 127.0.0.1',
    '',
    '[log]',
    'level = "info"',
    '',
  ].join('\n');
  fs.writeFileSync(configPath, toml);

  const stdoutPath = path.join(tempDir, 'hookd.stdout.log');
  const stderrPath = path.join(tempDir, 'hookd.stderr.log');
  const out = fs.openSync(stdoutPath, 'a');
  const err = fs.openSync(stderrPath, 'a');
  // The caller's HOOKD_* variables would override the file; leave them out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKD_')));
  const child = childProcess.spawn(binary, ['--config', configPath], {
    cwd: tempDir, env, stdio: ['ignore', out, err],
  });
  fs.closeSync(out);
  fs.closeSync(err);
  hookd = { child, port, stdoutPath, stderrPath, exited: null };
  child.on('exit', (code, signal) => { hookd.exited = signal ? `signal ${signal}` : `status ${code}`; });
  child.on('error', (e) => { hookd.exited = `spawn error: ${e.message}`; });

  const base = `http://127.0.0.1:${port}`;
  await waitFor(`GET ${base}/readyz to answer 200`,
                async () => (await httpGetStatus(`${base}/readyz`, 1000)) === 200);
  return base;
}

/// SIGTERM, then waits (bounded) for the exit; returns how it exited ("status 0" when clean).
async function stopHookd(limitMs = WAIT_MS) {
  if (!hookd || hookd.exited !== null) return hookd ? hookd.exited : null;
  const exited = new Promise((resolve) => hookd.child.once('exit', resolve));
  hookd.child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(limitMs).then(() => false)]);
  if (!done) {
    killHookdNow();
    throw new Error(`hookd did not exit within ${limitMs} ms of SIGTERM (killed)`);
  }
  return hookd.exited;
}

/// Paths that answer something else than 200.
const RECEIVER_STATUS = { '/a3-fail': 500 };

function startReceiver() {
  const deliveries = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({
        method: req.method,
        path: req.url,
        headers: { ...req.headers },   // node lower-cases names
        body: Buffer.concat(chunks),   // the raw bytes, as signed
        at: Date.now(),
      });
      const status = RECEIVER_STATUS[req.url] || 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'failing on purpose');
    });
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      receiver = { server, port: server.address().port, deliveries };
      resolve(receiver);
    });
  });
}

function deliveriesOf(p, msgId) {
  return receiver.deliveries.filter((d) => d.path === p && (!msgId || d.headers['svix-id'] === msgId));
}

async function waitDelivery(p, msgId, count = 1) {
  return waitFor(`${count} delivery(ies) of ${msgId} at ${p}`, () => {
    const got = deliveriesOf(p, msgId);
    return got.length >= count ? got : null;
  });
}

function assertNotDelivered(p, msgId, why) {
  const got = deliveriesOf(p, msgId);
  assert.equal(got.length, 0, `${msgId} must not reach ${p} (${why}), but it did ${got.length} time(s)`);
}

// ---------------------------------------------------------------------------------------------
// Signatures.

const SIGNATURE_HEADERS = ['id', 'timestamp', 'signature'];

/// Both header sets are present and carry the same values; the id is the message's.
function checkHeaders(d, msgId) {
  for (const h of SIGNATURE_HEADERS) {
    assert.ok(d.headers[`svix-${h}`], `delivery to ${d.path} lacks svix-${h}: ${JSON.stringify(d.headers)}`);
    assert.ok(d.headers[`webhook-${h}`], `delivery to ${d.path} lacks webhook-${h}: ${JSON.stringify(d.headers)}`);
    assert.equal(d.headers[`svix-${h}`], d.headers[`webhook-${h}`], `svix-${h} differs from webhook-${h}`);
  }
  assert.equal(d.headers['svix-id'], msgId, 'svix-id is the message id');
  assert.equal(d.method, 'POST', 'deliveries are POSTs');
  assert.match(d.headers['svix-timestamp'], /^\d+$/, 'svix-timestamp is unix seconds');
  assert.ok(Math.abs(Number(d.headers['svix-timestamp']) - Date.now() / 1000) < 300,
            'svix-timestamp within 5 minutes of now');
  assert.match(d.headers['svix-signature'], /^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$/,
               'svix-signature is space-separated v1,<base64>');
}

function pick(headers, prefix) {
  const out = {};
  for (const h of SIGNATURE_HEADERS) out[`${prefix}-${h}`] = headers[`${prefix}-${h}`];
  return out;
}

/// Verifies one delivery with `secret` (whsec_…): the SDK's Webhook on all headers and on the
/// svix-* ones alone, standardwebhooks on the webhook-* ones alone; a random key and a tampered
/// body must be refused (so the checks cannot pass vacuously). Returns the parsed payload.
function verifyDelivery(d, secret) {
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/, `endpoint secret looks like whsec_<base64>: ${secret}`);
  const viaSdk = new Webhook(secret).verify(d.body, d.headers);
  new Webhook(secret).verify(d.body, pick(d.headers, 'svix'));
  const viaStandard = new standardwebhooks.Webhook(secret).verify(d.body, pick(d.headers, 'webhook'));
  assert.deepEqual(viaSdk, JSON.parse(d.body.toString('utf8')));
  assert.deepEqual(viaStandard, viaSdk);

  const randomKey = 'whsec_' + crypto.randomBytes(24).toString('base64');
  assert.throws(() => new Webhook(randomKey).verify(d.body, d.headers),
                /signature/i, 'a random key must not verify');
  const tampered = Buffer.concat([d.body, Buffer.from(' ')]);
  assert.throws(() => new standardwebhooks.Webhook(secret).verify(tampered, pick(d.headers, 'webhook')),
                /signature/i, 'a tampered body must not verify');
  return viaSdk;
}

async function secretOf(client, appId, epId) {
  const out = await client.endpoint.getSecret(appId, epId);
  assert.ok(out && typeof out.key === 'string', `getSecret returns {key}: ${JSON.stringify(out)}`);
  return out.key;
}

// ---------------------------------------------------------------------------------------------
// The test.

async function main() {
  const binary = process.argv[2];
  if (!binary) {
    console.error('usage: node tests/svix/sdk_test.js <path-to-hookd-binary>');
    process.exit(2);
  }
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    console.error(`sdk_test: ${binary} is not an executable file`);
    process.exit(2);
  }
  const watchdog = setTimeout(() => fail('whole run', new Error(`not finished after ${WATCHDOG_MS} ms`)),
                              WATCHDOG_MS);
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookd-svix-sdk-'));
  const token = 'testsk_' + crypto.randomBytes(16).toString('hex');
  log(`# svix ${svixPackage.version}, standardwebhooks ${standardPackage.version}, node ${process.version}`);

  let base;
  await step('hookd starts and /readyz answers 200', async () => {
    base = await startHookd(path.resolve(binary), token);
  });
  await step('the receiver listens on 127.0.0.1', async () => {
    await startReceiver();
  });
  const target = (p) => `http://127.0.0.1:${receiver.port}${p}`;
  const client = new Svix(token, { serverUrl: base, requestTimeout: REQUEST_TIMEOUT_MS });

  // --- authentication -------------------------------------------------------------------------
  await step('a wrong token is refused with 401', async () => {
    const intruder = new Svix('testsk_wrong', { serverUrl: base, requestTimeout: REQUEST_TIMEOUT_MS });
    await expectApiError(intruder.application.list(), 401, 'application.list with a wrong token');
  });

  // --- applications ---------------------------------------------------------------------------
  let appA, appB;
  await step('application.getOrCreate twice with one uid gives one application', async () => {
    appA = await client.application.getOrCreate({ name: 'Billing A', uid: 'tenant-a' });
    assert.match(appA.id, /^app_/, `application id: ${appA.id}`);
    assert.equal(appA.uid, 'tenant-a');
    assert.equal(appA.name, 'Billing A');
    assert.ok(!Number.isNaN(appA.createdAt.getTime()), 'createdAt is a time');
    const again = await client.application.getOrCreate({ name: 'Billing A', uid: 'tenant-a' });
    assert.equal(again.id, appA.id, 'the second getOrCreate returns the same application');
  });
  await step('application.create with another uid; a taken uid is a 409', async () => {
    appB = await client.application.create({ name: 'Shop B', uid: 'tenant-b' });
    assert.notEqual(appB.id, appA.id);
    assert.equal(appB.uid, 'tenant-b');
    await expectApiError(client.application.create({ name: 'dup', uid: 'tenant-b' }), 409,
                         'application.create with a taken uid');
  });
  await step('application.get by uid and by id; application.list', async () => {
    const byUid = await client.application.get('tenant-a');
    assert.equal(byUid.id, appA.id);
    const byId = await client.application.get(appB.id);
    assert.equal(byId.uid, 'tenant-b');
    await expectApiError(client.application.get('no-such-app'), 404, 'application.get of an unknown uid');
    const list = await client.application.list();
    const ids = list.data.map((a) => a.id);
    assert.ok(ids.includes(appA.id) && ids.includes(appB.id), `list has both: ${ids}`);
    assert.equal(typeof list.done, 'boolean');
  });

  // --- event types ----------------------------------------------------------------------------
  await step('eventType.create; a taken name is a 409; eventType.list', async () => {
    const et = await client.eventType.create({ name: 'invoice.paid', description: 'An invoice was paid' });
    assert.equal(et.name, 'invoice.paid');
    assert.equal(et.description, 'An invoice was paid');
    await client.eventType.create({ name: 'user.created', description: 'A user signed up' });
    await client.eventType.create({ name: 'order.failed', description: 'An order failed' });
    await expectApiError(client.eventType.create({ name: 'invoice.paid', description: 'again' }), 409,
                         'eventType.create of a taken name');
    const list = await client.eventType.list();
    const names = list.data.map((t) => t.name);
    for (const n of ['invoice.paid', 'user.created', 'order.failed']) {
      assert.ok(names.includes(n), `eventType.list has ${n}: ${names}`);
    }
  });

  // --- endpoints ------------------------------------------------------------------------------
  let epA1, epA2, epA3, epB1;
  await step('endpoint.create: filtered with metadata, unfiltered, failing, other tenant', async () => {
    epA1 = await client.endpoint.create(appA.id, {
      url: target('/a1'), uid: 'a1-invoices', filterTypes: ['invoice.paid'],
      description: 'invoices only', metadata: { a: 'b' },
    });
    assert.match(epA1.id, /^ep_/, `endpoint id: ${epA1.id}`);
    assert.equal(epA1.url, target('/a1'));
    assert.deepEqual(epA1.filterTypes, ['invoice.paid']);
    assert.equal(epA1.description, 'invoices only');
    assert.deepEqual(epA1.metadata, { a: 'b' });
    assert.equal(epA1.uid, 'a1-invoices');
    assert.equal(epA1.disabled, false);
    epA2 = await client.endpoint.create(appA.id, { url: target('/a2'), description: 'everything' });
    assert.ok(epA2.filterTypes == null || epA2.filterTypes.length === 0,
              `an endpoint without filter has none: ${JSON.stringify(epA2.filterTypes)}`);
    epA3 = await client.endpoint.create(appA.id, { url: target('/a3-fail'), filterTypes: ['order.failed'] });
    epB1 = await client.endpoint.create(appB.id, { url: target('/b1') });
  });
  await step('endpoint.get (by id and by uid) and endpoint.list', async () => {
    const got = await client.endpoint.get(appA.id, epA1.id);
    assert.equal(got.id, epA1.id);
    assert.deepEqual(got.metadata, { a: 'b' });
    assert.deepEqual(got.filterTypes, ['invoice.paid']);
    const byUid = await client.endpoint.get('tenant-a', 'a1-invoices');
    assert.equal(byUid.id, epA1.id);
    const listA = await client.endpoint.list(appA.id);
    assert.deepEqual(listA.data.map((e) => e.id).sort(), [epA1.id, epA2.id, epA3.id].sort());
    const listB = await client.endpoint.list(appB.id);
    assert.deepEqual(listB.data.map((e) => e.id), [epB1.id]);
  });

  // --- messages -------------------------------------------------------------------------------
  const payload1 = { invoice: 'inv_001', amount: 1250, currency: 'EUR', note: 'café ✓', lines: [1, 2, 3] };
  let m1;
  await step('message.create; the same eventId again is a 409', async () => {
    m1 = await client.message.create(appA.id, { eventType: 'invoice.paid', eventId: 'evt-1', payload: payload1 });
    assert.match(m1.id, /^msg_/, `message id: ${m1.id}`);
    assert.equal(m1.eventType, 'invoice.paid');
    assert.equal(m1.eventId, 'evt-1');
    const e = await expectApiError(
      client.message.create(appA.id, { eventType: 'invoice.paid', eventId: 'evt-1', payload: { other: true } }),
      409, 'message.create with a used eventId');
    assert.ok(e.body && typeof e.body.code === 'string' && typeof e.body.detail === 'string',
              `errors are {code, detail}: ${JSON.stringify(e.body)}`);
  });
  await step('message.get and message.list', async () => {
    const got = await client.message.get(appA.id, m1.id);
    assert.equal(got.id, m1.id);
    assert.equal(got.eventType, 'invoice.paid');
    assert.equal(got.eventId, 'evt-1');
    assert.deepEqual(got.payload, payload1);
    const list = await client.message.list(appA.id);
    assert.ok(list.data.some((m) => m.id === m1.id), 'message.list has the message');
    const listB = await client.message.list(appB.id);
    assert.ok(!listB.data.some((m) => m.id === m1.id), "the other application's list does not");
  });

  let secretA1, secretA2;
  await step('both matching endpoints receive the message with svix-* and webhook-* headers', async () => {
    const [d1] = await waitDelivery('/a1', m1.id);
    const [d2] = await waitDelivery('/a2', m1.id);
    for (const d of [d1, d2]) {
      checkHeaders(d, m1.id);
      assert.deepEqual(JSON.parse(d.body.toString('utf8')), payload1, 'the body is the payload');
    }
  });
  await step('deliveries verify with endpoint.getSecret keys (svix Webhook and standardwebhooks)', async () => {
    secretA1 = await secretOf(client, appA.id, epA1.id);
    secretA2 = await secretOf(client, appA.id, epA2.id);
    assert.notEqual(secretA1, secretA2, 'each endpoint has its own secret');
    verifyDelivery(deliveriesOf('/a1', m1.id)[0], secretA1);
    verifyDelivery(deliveriesOf('/a2', m1.id)[0], secretA2);
    assert.throws(() => new Webhook(secretA1).verify(deliveriesOf('/a2', m1.id)[0].body,
                                                     deliveriesOf('/a2', m1.id)[0].headers),
                  /signature/i, "one endpoint's key does not verify another's delivery");
  });
  await step('messageAttempt.listByMsg and listByEndpoint show successful attempts (status 0)', async () => {
    const byMsg = await waitFor('two attempts of the message', async () => {
      const r = await client.messageAttempt.listByMsg(appA.id, m1.id);
      return r.data.length >= 2 ? r : null;
    });
    const eps = byMsg.data.map((a) => a.endpointId).sort();
    assert.deepEqual(eps, [epA1.id, epA2.id].sort(), 'one attempt per matching endpoint');
    for (const a of byMsg.data) {
      assert.equal(a.msgId, m1.id);
      assert.equal(a.status, 0, `attempt ${a.id} status: ${JSON.stringify(a)}`);
      assert.equal(a.responseStatusCode, 200);
      assert.match(a.id, /^atmpt_/, `attempt id: ${a.id}`);
    }
    const byEp = await client.messageAttempt.listByEndpoint(appA.id, epA1.id);
    const mine = byEp.data.filter((a) => a.msgId === m1.id);
    assert.equal(mine.length, 1, `endpoint A1 has one attempt of the message: ${JSON.stringify(byEp.data)}`);
    assert.equal(mine[0].status, 0);
    assert.equal(mine[0].endpointId, epA1.id);
  });

  // --- event type filter ----------------------------------------------------------------------
  let m2;
  await step('filterTypes: user.created reaches the unfiltered endpoint only', async () => {
    m2 = await client.message.create(appA.id, { eventType: 'user.created', payload: { user: 'u1' } });
    const [d] = await waitDelivery('/a2', m2.id);
    checkHeaders(d, m2.id);
    verifyDelivery(d, secretA2);
    await sleep(SETTLE_MS);
    assertNotDelivered('/a1', m2.id, 'A1 filters on invoice.paid');
  });

  // --- a failing endpoint ---------------------------------------------------------------------
  await step('an endpoint answering 500 shows a failed attempt with its status code', async () => {
    const m3 = await client.message.create(appA.id, { eventType: 'order.failed', payload: { order: 'o1' } });
    const [d] = await waitDelivery('/a3-fail', m3.id);
    checkHeaders(d, m3.id);
    verifyDelivery(d, await secretOf(client, appA.id, epA3.id));
    const attempt = await waitFor('the failed attempt to be listed', async () => {
      const r = await client.messageAttempt.listByMsg(appA.id, m3.id);
      return r.data.find((a) => a.endpointId === epA3.id);
    });
    assert.notEqual(attempt.status, 0, `a 500 is not a success: ${JSON.stringify(attempt)}`);
    assert.equal(attempt.responseStatusCode, 500);
  });

  // --- tenant isolation -----------------------------------------------------------------------
  let m4;
  await step("tenant isolation: B's message reaches only B; cross-tenant reads are 404", async () => {
    m4 = await client.message.create(appB.id, { eventType: 'invoice.paid', eventId: 'evt-1', payload: { tenant: 'b' } });
    // evt-1 is also A's event id: event ids are unique per application.
    const [d] = await waitDelivery('/b1', m4.id);
    checkHeaders(d, m4.id);
    verifyDelivery(d, await secretOf(client, appB.id, epB1.id));
    await expectApiError(client.endpoint.get(appB.id, epA1.id), 404, "endpoint.get of A's endpoint under B");
    await expectApiError(client.endpoint.getSecret(appB.id, epA1.id), 404, "endpoint.getSecret of A's endpoint under B");
    await expectApiError(client.message.get(appB.id, m1.id), 404, "message.get of A's message under B");
    await expectApiError(client.message.get(appA.id, m4.id), 404, "message.get of B's message under A");
    await sleep(SETTLE_MS);
    for (const p of ['/a1', '/a2', '/a3-fail']) assertNotDelivered(p, m4.id, "it is B's message");
    for (const m of [m1, m2]) assertNotDelivered('/b1', m.id, "it is A's message");
  });

  // --- secret rotation ------------------------------------------------------------------------
  await step('endpoint.rotateSecret: the next delivery verifies with the new key', async () => {
    await client.endpoint.rotateSecret(appA.id, epA2.id, {});
    const rotated = await secretOf(client, appA.id, epA2.id);
    assert.notEqual(rotated, secretA2, 'getSecret returns a new key after rotation');
    secretA2 = rotated;
    const m5 = await client.message.create(appA.id, { eventType: 'user.created', payload: { user: 'u2' } });
    const [d] = await waitDelivery('/a2', m5.id);
    checkHeaders(d, m5.id);
    verifyDelivery(d, secretA2);
  });

  // --- custom headers -------------------------------------------------------------------------
  await step('endpoint.updateHeaders: deliveries carry X-Team', async () => {
    await client.endpoint.updateHeaders(appA.id, epA2.id, { headers: { 'X-Team': 'billing' } });
    const h = await client.endpoint.getHeaders(appA.id, epA2.id);
    const names = Object.keys(h.headers || {});
    const key = names.find((n) => n.toLowerCase() === 'x-team');
    assert.ok(key && h.headers[key] === 'billing', `getHeaders has X-Team: ${JSON.stringify(h)}`);
    const m6 = await client.message.create(appA.id, { eventType: 'user.created', payload: { user: 'u3' } });
    const [d] = await waitDelivery('/a2', m6.id);
    assert.equal(d.headers['x-team'], 'billing', `delivery headers: ${JSON.stringify(d.headers)}`);
    checkHeaders(d, m6.id);
    verifyDelivery(d, secretA2);
  });

  // --- disabling an endpoint ------------------------------------------------------------------
  await step('endpoint.update disabled: true stops deliveries to it', async () => {
    const updated = await client.endpoint.update(appA.id, epA1.id, {
      url: target('/a1'), disabled: true, filterTypes: ['invoice.paid'], description: 'invoices only',
    });
    assert.equal(updated.disabled, true);
    assert.equal((await client.endpoint.get(appA.id, epA1.id)).disabled, true);
    const m7 = await client.message.create(appA.id, { eventType: 'invoice.paid', eventId: 'evt-7', payload: { invoice: 'inv_007' } });
    const [d] = await waitDelivery('/a2', m7.id);
    checkHeaders(d, m7.id);
    verifyDelivery(d, secretA2);
    await sleep(SETTLE_MS);
    assertNotDelivered('/a1', m7.id, 'A1 is disabled');
  });

  // --- resend ---------------------------------------------------------------------------------
  await step('messageAttempt.resend delivers the same message id again', async () => {
    const before = deliveriesOf('/a2', m1.id).length;
    await client.messageAttempt.resend(appA.id, m1.id, epA2.id);
    const got = await waitDelivery('/a2', m1.id, before + 1);
    const d = got[got.length - 1];
    checkHeaders(d, m1.id);
    assert.deepEqual(verifyDelivery(d, secretA2), payload1, 'the resent body is the original payload');
    await waitFor('the resent attempt to be listed', async () => {
      const r = await client.messageAttempt.listByMsg(appA.id, m1.id, { endpointId: epA2.id });
      return r.data.filter((a) => a.endpointId === epA2.id).length >= 2;
    });
  });

  // --- idempotency ----------------------------------------------------------------------------
  await step('an explicit idempotency-key replays the first message', async () => {
    const key = 'sdk-test-' + crypto.randomBytes(8).toString('hex');
    const first = await client.message.create(appA.id, { eventType: 'user.created', payload: { user: 'u4' } },
                                              { idempotencyKey: key });
    const second = await client.message.create(appA.id, { eventType: 'user.created', payload: { user: 'u4' } },
                                               { idempotencyKey: key });
    assert.equal(second.id, first.id, 'the same key gives the same message');
    await waitDelivery('/a2', first.id);
    await sleep(SETTLE_MS);
    assert.equal(deliveriesOf('/a2', first.id).length, 1, 'and one delivery');
  });

  // --- whole run ------------------------------------------------------------------------------
  await step('no delivery crossed tenants or reached a path it should not', async () => {
    const ids = (ep) => new Set(receiver.deliveries.filter((d) => d.path === ep).map((d) => d.headers['svix-id']));
    const aMsgs = new Set((await client.message.list(appA.id, { limit: 250 })).data.map((m) => m.id));
    const bMsgs = new Set((await client.message.list(appB.id, { limit: 250 })).data.map((m) => m.id));
    for (const id of ids('/b1')) assert.ok(bMsgs.has(id) && !aMsgs.has(id), `/b1 got ${id}, not B's`);
    for (const p of ['/a1', '/a2', '/a3-fail']) {
      for (const id of ids(p)) assert.ok(aMsgs.has(id) && !bMsgs.has(id), `${p} got ${id}, not A's`);
    }
    const known = new Set(['/a1', '/a2', '/a3-fail', '/b1']);
    for (const d of receiver.deliveries) assert.ok(known.has(d.path), `unexpected delivery to ${d.path}`);
    assert.deepEqual([...ids('/a1')], [m1.id], '/a1 got exactly the first invoice');
  });

  // --- inbound sources: hookd verifying what these libraries sign -------------------------------
  // A sender using the standardwebhooks package (or the svix SDK's Webhook) posts to a source of
  // kind "standard"; hookd accepts it, stores it once, refuses a tampered copy, and relays it to
  // an endpoint of no application, signed with that endpoint's own secret.
  const native = async (method, target, body) => {
    const res = await fetch(base + target, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const postIn = (sourceId, headers, payload) => fetch(`${base}/in/${sourceId}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: payload,
  }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }));
  let inboundSource, inboundEndpoint;
  await step('inbound: a standardwebhooks-signed event is accepted once and a tampered one refused', async () => {
    const ep = await native('POST', '/v1/endpoints', { url: target('/inbound'), event_types: ['partner.signup'] });
    assert.equal(ep.status, 201);
    inboundEndpoint = ep.body;
    const src = await native('POST', '/v1/sources', { name: 'partner', kind: 'standard' });
    assert.equal(src.status, 201);
    inboundSource = src.body;
    const payload = JSON.stringify({ type: 'partner.signup', data: { user: 'u9' } });
    const msgId = 'msg_partner_' + crypto.randomBytes(6).toString('hex');
    const when = new Date();
    const signature = new standardwebhooks.Webhook(inboundSource.secret).sign(msgId, when, payload);
    const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
                      'webhook-signature': signature };
    const first = await postIn(inboundSource.id, headers, payload);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'accepted');
    assert.equal(first.body.event_type, 'partner.signup');
    const again = await postIn(inboundSource.id, headers, payload);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'duplicate');
    const tampered = await postIn(inboundSource.id, headers, payload.replace('u9', 'u0'));
    assert.equal(tampered.status, 401);
    assert.equal(tampered.body.error.code, 'bad_signature');
    const relayed = await waitFor('the inbound event at /inbound', () => {
      const got = receiver.deliveries.filter((d) => d.path === '/inbound' && d.headers['webhook-id'] === first.body.id);
      return got.length ? got : null;
    });
    assert.equal(relayed[0].body.toString(), payload, 'relayed byte for byte');
    new standardwebhooks.Webhook(inboundEndpoint.secret).verify(relayed[0].body.toString(), relayed[0].headers);
  });

  await step('inbound: an event signed by the svix SDK\'s Webhook under svix-* headers is accepted', async () => {
    const payload = JSON.stringify({ type: 'partner.signup', data: { user: 'u10' } });
    const msgId = 'msg_svix_' + crypto.randomBytes(6).toString('hex');
    const when = new Date();
    const signature = new Webhook(inboundSource.secret).sign(msgId, when, payload);
    const res = await postIn(inboundSource.id, { 'svix-id': msgId, 'svix-timestamp': String(Math.floor(when.getTime() / 1000)),
                                                 'svix-signature': signature }, payload);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'accepted');
  });

  await step('hookd exits with status 0 on SIGTERM', async () => {
    const how = await stopHookd();
    assert.equal(how, 'status 0', `hookd exited with ${how}`);
  });

  clearTimeout(watchdog);
  receiver.server.close();
  fs.rmSync(tempDir, { recursive: true, force: true });
  log(`${passed} passed, 0 failed`);
  process.exit(0);
}

main().catch((e) => fail('unexpected error', e));
