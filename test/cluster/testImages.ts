import fs from 'node:fs';
import path from 'node:path';
import { testKubeconfigPath } from './testCluster';

/**
 * The images of the test cluster's registries (built offline by images.sh,
 * pushed by node.sh). containerd resolves `docker.io`, `ghcr.io` and
 * `registry.local` to the open registry, so these names pull for real.
 */
export const DEMO_IMAGE = 'registry.local/demo:1';

function stateDir(kubeconfig = testKubeconfigPath()): string {
  return path.dirname(kubeconfig);
}

function readPort(file: string): number {
  return Number(fs.readFileSync(file, 'utf8').trim());
}

/** The open registry's address on this machine (for the registry's HTTP API). */
export function openRegistry(kubeconfig?: string): string {
  return `127.0.0.1:${readPort(
    path.join(stateDir(kubeconfig), 'registry.port'),
  )}`;
}

/** The private registry (htpasswd): its image prefix and the credentials pods need. */
export function privateRegistry(kubeconfig?: string): {
  host: string;
  username: string;
  password: string;
} {
  const dir = stateDir(kubeconfig);
  const [username, password] = fs
    .readFileSync(path.join(dir, 'registry', 'private.credentials'), 'utf8')
    .trim()
    .split(':');
  return {
    host: `127.0.0.1:${readPort(path.join(dir, 'registry-private.port'))}`,
    username,
    password,
  };
}

/** The reverse proxy serving every Ingress host (`<name>.previews.localhost`). */
export function ingressPort(kubeconfig?: string): number {
  return readPort(path.join(stateDir(kubeconfig), 'ingress.port'));
}

/** A `kubernetes.io/dockerconfigjson` Secret's data for the private registry. */
export function privateRegistryDockerConfig(
  kubeconfig?: string,
): Record<string, string> {
  const r = privateRegistry(kubeconfig);
  const auth = Buffer.from(`${r.username}:${r.password}`).toString('base64');
  const json = JSON.stringify({
    auths: { [r.host]: { username: r.username, password: r.password, auth } },
  });
  return { '.dockerconfigjson': Buffer.from(json).toString('base64') };
}

/**
 * Publishes the demo image under another name in the open registry, as a CI
 * pipeline pushes a branch's image: `publishImage('registry.local/shop:feature-x')`.
 * Uses the registry's HTTP API: the blobs are mounted from `demo`, then the
 * manifest is put under the new tag.
 */
export async function publishImage(
  ref: string,
  kubeconfig?: string,
): Promise<void> {
  const m = /^registry\.local\/([a-z0-9._/-]+):([A-Za-z0-9_.-]{1,128})$/.exec(
    ref,
  );
  if (!m)
    throw new Error(
      `publishImage takes registry.local/<name>:<tag>, got ${ref}`,
    );
  const [, repo, tag] = m;
  const base = `http://${openRegistry(kubeconfig)}/v2`;
  const accept =
    'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const got = await fetch(`${base}/demo/manifests/1`, { headers: { accept } });
  if (!got.ok)
    throw new Error(
      `the demo image is not in the test registry: ${got.status}`,
    );
  const type =
    got.headers.get('content-type') ??
    'application/vnd.oci.image.manifest.v1+json';
  const manifest = await got.text();
  const parsed = JSON.parse(manifest) as {
    config: { digest: string };
    layers: Array<{ digest: string }>;
  };
  for (const digest of [
    parsed.config.digest,
    ...parsed.layers.map(l => l.digest),
  ]) {
    const mount = await fetch(
      `${base}/${repo}/blobs/uploads/?mount=${digest}&from=demo`,
      { method: 'POST' },
    );
    if (mount.status !== 201)
      throw new Error(
        `mounting ${digest} into ${repo} failed: ${mount.status}`,
      );
  }
  const put = await fetch(`${base}/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': type },
    body: manifest,
  });
  if (put.status !== 201)
    throw new Error(`pushing ${ref} failed: ${put.status} ${await put.text()}`);
}
