/**
 * `npm run emulator [-- --port N] [--host H] [--now ISO] [--latency MS] [--upload-mbps N]
 * [--jitter F] [--concurrency-limit N]`: starts the emulator (the network model: network.ts)
 * and prints its base URLs and demo keys.
 */
import { DEMO_ACCOUNTS, startEmulator } from './index';
import { parseNetwork } from './network';

function arg(name: string): string | undefined {
	const argv = process.argv.slice(2);
	const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
	if (i === -1) return undefined;
	const a = argv[i];
	return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

/** `--latency MS --upload-mbps N --jitter F [--concurrency-limit N]`: the network model, off without them. */
function networkArgs() {
	const fields = {
		latency: 'latencyMs',
		'upload-mbps': 'uploadMbps',
		jitter: 'jitter',
		'concurrency-limit': 'concurrencyLimit',
	} as const;
	const body: Record<string, number> = {};
	for (const [option, field] of Object.entries(fields)) {
		const value = arg(option);
		if (value !== undefined) body[field] = Number(value);
	}
	if (Object.keys(body).length === 0) return null;
	try {
		return parseNetwork(body);
	} catch (error) {
		console.error(`invalid network option: ${(error as Error).message}`);
		return process.exit(2);
	}
}

async function main(): Promise<void> {
	const portArg = arg('port');
	const port = portArg === undefined ? 8787 : Number(portArg);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		console.error(`invalid --port ${portArg}`);
		process.exit(2);
	}
	const network = networkArgs();
	const sb = await startEmulator({ port, host: arg('host'), now: arg('now'), network });
	const a = DEMO_ACCOUNTS;
	if (network) console.log(`Network model: ${JSON.stringify(network)}`);
	console.log(
		[
			`Contrat-Privé emulator listening on ${sb.url} (virtual clock: ${sb.clock.now().toISOString()})`,
			'',
			`  dashboard   ${sb.url}/ (website: owners' contracts, outbox, signing pages)`,
			`  sandbox     ${sb.baseUrls.sandbox}`,
			`              apiUser=${a.sandbox.apiUser} apiKey=${a.sandbox.apiKey}`,
			`              apiUser=${a.otherSandbox.apiUser} apiKey=${a.otherSandbox.apiKey} (second owner)`,
			`  production  ${sb.baseUrls.production}`,
			`              apiUser=${a.production.apiUser} apiKey=${a.production.apiKey}`,
			`  control     ${sb.url}/_control (outbox, clock, validate, pay, sign, faults, network, quota, seed, reset)`,
			`  sample PDF  ${sb.url}/_samples/contract.pdf (?title=…&party=…)`,
			'',
			'Sandbox SMS code: 0000. Sandbox test card: 4706750000000009. Ctrl-C to stop.',
		].join('\n'),
	);
	const stop = () => {
		void sb.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main().catch((e) => {
	console.error(e);
	process.exit(1);
});
