/**
 * Scenarios about what differs between n8n versions: the icons n8n serves for
 * the package, fields mapped with $('Node').item, and the install from
 * N8N_COMMUNITY_PACKAGES (n8n >= 2.21).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import type { Ctx, Scenario } from '../e2e';
import type { CreatedContract } from '../../helpers/outputs';
import type { N8nServer, RestData } from '../n8n-cli';
import { createUserFolder, nodeError, nodeOutput, OWNER, startN8nServer } from '../n8n-cli';
import {
	chain,
	contratPrive,
	CREDENTIAL_TYPE,
	httpDownload,
	manualTrigger,
	NODE_TYPE,
	PACKAGE_NAME,
	TRIGGER_TYPE,
} from '../workflows';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** The node types the package brings into n8n: the action node, its AI tool variant, the trigger. */
const PACKAGE_NODE_TYPES = [NODE_TYPE, `${NODE_TYPE}Tool`, TRIGGER_TYPE];

/** n8n's first version that installs community packages from N8N_COMMUNITY_PACKAGES. */
export const ENV_INSTALL_SINCE = '2.21.0';

/** -1, 0 or 1 as version a is older, the same or newer than b (x.y.z). */
export function compareVersions(a: string, b: string): number {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) {
		if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0) ? -1 : 1;
	}
	return 0;
}

/** The REST session cookie of the owner (the same login the editor does). */
async function ownerCookie(server: N8nServer): Promise<Record<string, string>> {
	const headers = { 'content-type': 'application/json', 'browser-id': 'n8n-e2e-compat' };
	const res = await fetch(`${server.url}/rest/login`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	assert.equal(res.status, 200, `login: ${await res.text()}`);
	const cookie = /n8n-auth=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
	assert.ok(cookie, 'login sets the n8n-auth cookie');
	return { 'browser-id': headers['browser-id'], cookie };
}

type IconUrl = string | { light?: string; dark?: string } | undefined;

/** Fetches an icon the way the editor does and checks it is an SVG. */
async function assertSvg(server: N8nServer, owner: string, url: string): Promise<void> {
	const res = await fetch(new URL(url, `${server.url}/`));
	const body = await res.text();
	assert.equal(res.status, 200, `${owner}: GET ${url} answers ${res.status}`);
	assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/, `${owner}: ${url}`);
	assert.match(body, /<svg[\s>]/, `${owner}: ${url} is an SVG`);
}

/** Both themes of an icon answer with an SVG, and they are different files. */
async function assertThemedIcon(server: N8nServer, owner: string, iconUrl: IconUrl): Promise<void> {
	assert.ok(
		iconUrl && typeof iconUrl === 'object',
		`${owner}: iconUrl has a light and a dark variant (${JSON.stringify(iconUrl)})`,
	);
	const { light, dark } = iconUrl;
	assert.ok(light && dark, `${owner}: iconUrl ${JSON.stringify(iconUrl)}`);
	assert.notEqual(light, dark, `${owner}: the dark icon is its own file`);
	await assertSvg(server, `${owner} (light)`, light);
	await assertSvg(server, `${owner} (dark)`, dark);
}

const icons: Scenario = {
	name: 'icons: every node and credential icon of the package answers 200 with an SVG, light and dark',
	async run(ctx: Ctx) {
		const server = await ctx.server();
		const headers = await ownerCookie(server);
		const getJson = async (route: string) => {
			const res = await fetch(`${server.url}${route}`, { headers });
			assert.equal(res.status, 200, `GET ${route}`);
			return (await res.json()) as Array<{ name: string; iconUrl?: IconUrl }>;
		};

		const nodes = (await getJson('/types/nodes.json')).filter((n) =>
			n.name.startsWith(`${PACKAGE_NAME}.`),
		);
		assert.deepEqual(
			[...new Set(nodes.map((n) => n.name))].sort(),
			[...PACKAGE_NODE_TYPES].sort(),
			'the node types of the package in /types/nodes.json',
		);
		for (const node of nodes) await assertThemedIcon(server, node.name, node.iconUrl);

		const credential = (await getJson('/types/credentials.json')).find(
			(c) => c.name === CREDENTIAL_TYPE,
		);
		assert.ok(credential, `/types/credentials.json lists ${CREDENTIAL_TYPE}`);
		await assertThemedIcon(server, CREDENTIAL_TYPE, credential.iconUrl);
	},
};

// ------------------------------------------------------------ N8N_COMMUNITY_PACKAGES

interface LocalRegistry {
	url: string;
	/** Paths requested so far. */
	requests: string[];
	close(): Promise<void>;
}

/**
 * A minimal npm registry on loopback serving one package: its packument
 * (GET /<name>), its version document (GET /<name>/<version>) and its tarball.
 * That is all `npm pack <name>@<version>` and n8n's existence check ask for.
 */
async function serveRegistry(
	tarball: string,
	name: string,
	version: string,
): Promise<LocalRegistry> {
	const data = fs.readFileSync(tarball);
	const requests: string[] = [];
	const tarballPath = `/${name}/-/${name}-${version}.tgz`;
	let url = '';
	const versionDoc = () => ({
		name,
		version,
		dist: {
			tarball: `${url}${tarballPath}`,
			shasum: createHash('sha1').update(data).digest('hex'),
			integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
		},
	});
	const server = http.createServer((req, res) => {
		const route = decodeURIComponent((req.url ?? '/').split('?')[0]);
		requests.push(route);
		const json = (body: unknown) => {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(body));
		};
		if (route === `/${name}`) {
			json({ name, 'dist-tags': { latest: version }, versions: { [version]: versionDoc() } });
		} else if (route === `/${name}/${version}` || route === `/${name}/latest`) {
			json(versionDoc());
		} else if (route === tarballPath) {
			res.setHeader('content-type', 'application/octet-stream');
			res.end(data);
		} else {
			res.statusCode = 404;
			json({ error: 'Not found' });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	return { url, requests, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * The environment-variable install as a user with a private registry would set it up.
 * n8n reads the variables and tries the install, but it takes packages only from
 * registry.npmjs.org unless its licence has the custom-registry feature
 * (CommunityPackagesService.getNpmRegistry): without one it refuses before any request.
 * The package is not on registry.npmjs.org yet, where n8n answers "Package version does
 * not exist". So this pins down n8n's refusal; the install itself is proven by every other
 * scenario, which installs the tarball into ~/.n8n/nodes as the README's npm path does.
 */
const envInstall: Scenario = {
	name: `install: N8N_COMMUNITY_PACKAGES is read; a local registry needs an n8n licence (n8n >= ${ENV_INSTALL_SINCE})`,
	async run(ctx: Ctx) {
		const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
			version: string;
		};
		const ref = `'${PACKAGE_NAME}@${pkg.version}'`;
		const registry = await serveRegistry(ctx.tarball, PACKAGE_NAME, pkg.version);
		// A fresh instance with nothing installed, so that n8n has the package to install.
		const folder = createUserFolder('n8n-e2e-env-install-');
		let server: N8nServer | undefined;
		try {
			server = await startN8nServer(ctx.rt, folder, {
				env: {
					N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
					N8N_COMMUNITY_PACKAGES: JSON.stringify([{ name: PACKAGE_NAME, version: pkg.version }]),
					N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
					N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
				},
				timeoutMs: 180_000,
			});
			const log = server.output();
			assert.match(log, /reconciling installed community packages from env vars/);
			const failure = new RegExp(`Failed to install community package ${ref} from env: (.*)`).exec(
				log,
			)?.[1];
			assert.match(
				failure ??
					`no failure logged; installed: ${log.includes(`Installed community package ${ref}`)}`,
				/license does not allow for feat:communityNodes:customRegistry/,
			);
			assert.deepEqual(registry.requests, [], 'n8n refuses before asking the registry');
			await server.setupOwnerAndLogin();
			const installed = await server.rest<RestData<unknown[]>>('GET', '/community-packages');
			assert.equal(installed.status, 200);
			assert.deepEqual(installed.body.data, [], 'nothing installed');
		} finally {
			await server?.stop();
			await registry.close();
			folder.remove();
		}
	},
};

// ------------------------------------------------------------ $('Node').item

/**
 * n8n versions whose default expression engine cannot return `$('Node').item`
 * ("#<Object> could not be cloned": the expression gives nothing). See README › Compatibility.
 */
export const ITEM_REFERENCE_BROKEN = ['1.123.81'];

const ROW = {
	reference: `E2E-ITEM-REF-${Date.now()}`,
	firstName: 'Bruno',
	lastName: 'Leroy',
	email: 'bruno.leroy@example.com',
	mobile: '07 23 45 67 89',
};

const itemReference: Scenario = {
	name: "expressions: fields mapped with $('Node').item (n8n 1.123.81: empty, a clear error, nothing sent)",
	async run(ctx: Ctx) {
		const item = (field: string) => `$('Rows').item.json.${field}`;
		const workflow = chain('e2eItemRef', "E2E $('Node').item mapping", [
			manualTrigger(),
			{
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return [{ json: ${JSON.stringify(ROW)} }];` },
			},
			httpDownload('Download PDF', ctx.pdfUrl),
			contratPrive(
				'Create',
				{
					resource: 'contract',
					operation: 'create',
					label: 'Contrat - item reference',
					language: 'fr',
					deadline: '={{ $today.plus({ days: 14 }).toISODate() }}',
					binaryPropertyName: 'data',
					signatoriesInput: 'json',
					signatoriesJson: `={{ [{ firstName: ${item('firstName')}, lastName: ${item('lastName')}, email: ${item('email')}, phone: ${item('mobile')} }] }}`,
					action: 'send',
					additionalFields: { reference: `={{ ${item('reference')} }}` },
				},
				{ id: ctx.creds.sandbox.id, name: ctx.creds.sandbox.name },
			),
		]);
		const creates = () => ctx.sb.requestCount({ requestName: 'contractCreateRequest' });
		if (ITEM_REFERENCE_BROKEN.includes(ctx.rt.version)) {
			const res = await ctx.execute(workflow);
			assert.equal(res.code, 1, 'the run fails');
			assert.match(
				nodeError(res.run, 'Create')?.message ?? '',
				/^Item 0: "Signatories \(JSON\)" is empty/,
			);
			assert.equal(creates(), 0, 'nothing sent');
			return;
		}
		const res = await ctx.executeOk(workflow);
		const [contract] = nodeOutput<CreatedContract>(res.run, 'Create');
		assert.equal(contract.reference, ROW.reference);
		assert.deepEqual(
			[
				contract.signatories[0].firstName,
				contract.signatories[0].email,
				contract.signatories[0].phone,
			],
			[ROW.firstName, ROW.email, '+33723456789'],
		);
	},
};

/** The scenarios of this module that apply to n8n `version`. */
export function compatScenarios(version: string): Scenario[] {
	return [
		icons,
		itemReference,
		...(compareVersions(version, ENV_INSTALL_SINCE) >= 0 ? [envInstall] : []),
	];
}
