// Running frontierd for the contract test: its route list (--routes) and a
// daemon on a free port with a throwaway in-memory database, stopped with
// SIGTERM so that its exit status (non-zero after a sanitizer report or a
// leak) is part of the test.
import { spawn, spawnSync } from 'node:child_process';

const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 30000;
const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)\//;

// The routes frontierd serves, as "METHOD /path" strings.
export function daemonRoutes(bin) {
  const run = spawnSync(bin, ['--routes'], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
  if (run.error) throw new Error(`${bin} --routes: ${run.error.message}`);
  if (run.status !== 0 || run.signal) {
    throw new Error(`${bin} --routes exited with ${run.signal ?? run.status}; stderr:\n${run.stderr}`);
  }
  const routes = run.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const malformed = routes.filter((l) => !/^[A-Z]+ \/\S*$/.test(l));
  if (malformed.length > 0) {
    throw new Error(`${bin} --routes printed lines that are not "METHOD /path": ${JSON.stringify(malformed)}`);
  }
  return routes;
}

// Starts frontierd in directory cwd and resolves once it logs where it
// listens: {port, stderr() -> all it wrote so far, stop() -> {code, signal},
// kill()}. Run from the source root, as `make run` does, the defaults that
// are relative paths (the Redoc bundle under node_modules) resolve; meson
// runs tests from the build directory, where they would not. env adds to
// the environment, args to the command line. FRONTIERD_TOKENS is left out
// of the environment unless env gives it, so that a daemon is a reader's
// unless the test makes it a writer's.
export function startDaemon(bin, seedDir, cwd, { env = {}, args: extra = [] } = {}) {
  const args = ['--bind', '127.0.0.1', '--port', '0', '--db', ':memory:', '--seed', seedDir,
    '--threads', '2', ...extra];
  const environment = { ...process.env };
  delete environment.FRONTIERD_TOKENS;
  const child = spawn(bin, args, { cwd, env: { ...environment, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exit = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (s) => { output += s; });

  const handle = {
    port: 0,
    stderr: () => output,
    async stop() {
      if (!exit) child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
      });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (!result) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`frontierd did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM; `
          + `it wrote:\n${output}`);
      }
      return result;
    },
    kill() {
      if (!exit) child.kill('SIGKILL');
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`frontierd did not log "listening on" within ${START_TIMEOUT_MS} ms; `
        + `it wrote:\n${output}`));
    }, START_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${err.message}`));
    });
    child.stderr.on('data', (s) => {
      output += s;
      const m = LISTENING.exec(output);
      if (m && handle.port === 0) {
        handle.port = Number(m[1]);
        clearTimeout(timer);
        resolve(handle);
      }
    });
    exited.then(({ code, signal }) => {
      if (handle.port === 0) {
        clearTimeout(timer);
        reject(new Error(`frontierd exited with ${signal ?? code} before listening; it wrote:\n${output}`));
      }
    });
  });
}
